//! The blank application workbook of one village (DESIGN 4): a sheet to fill
//! in, with drop-down lists on every coded column, and a sheet that explains
//! each column.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{
    ColNum, DataValidation, DataValidationErrorStyle, Formula, RowNum, Workbook, Worksheet,
};

use super::common::{self, display_width, label, text, Formats, Widths};
use crate::domain::campaign::{Campaign, Lang};
use crate::domain::codes::{self, Code};
use crate::domain::columns::{Col, ColumnSpec, Level, COLUMNS};
use crate::domain::roster::Village;
use crate::io::atomic::write_via_path;

/// Data rows prepared with drop-downs below the header.
pub const DATA_ROWS: RowNum = 1000;

/// Name of the hidden sheet holding drop-down lists too long to inline.
pub const LISTS_SHEET: &str = "lists";

/// Excel's limit on an inline drop-down list, commas included.
const INLINE_LIST_MAX: usize = 255;

/// The title row and the header row.
const TITLE_ROW: RowNum = 0;
const HEADER_ROW: RowNum = 1;
const FIRST_DATA_ROW: RowNum = 2;

/// One column of the template.
enum TplCol {
    Known(&'static ColumnSpec),
    /// An exclusion flag of `campaign.toml` that is not a known column.
    Flag(String),
}

impl TplCol {
    fn header(&self, lang: Lang) -> &str {
        match self {
            TplCol::Known(spec) => label(lang, spec.zh, spec.en),
            TplCol::Flag(name) => name,
        }
    }

    fn list(&self) -> Option<&'static [Code]> {
        match self {
            TplCol::Known(spec) => codes::list_for(spec.col),
            TplCol::Flag(_) => Some(codes::YES_NO),
        }
    }
}

/// The columns of the template: every known column, then the configured
/// exclusion flags that are not known columns.
fn template_columns(campaign: &Campaign) -> Vec<TplCol> {
    let mut cols: Vec<TplCol> = COLUMNS.iter().map(TplCol::Known).collect();
    let mut extra: Vec<String> = Vec::new();
    for flag in &campaign.exclusions.flags {
        let f = flag.trim();
        if f.is_empty() || extra.iter().any(|e| e == f) {
            continue;
        }
        if Col::from_label(f).is_some() {
            // One of the four default flags, or another known column.
            continue;
        }
        extra.push(f.to_string());
    }
    cols.extend(extra.into_iter().map(TplCol::Flag));
    cols
}

/// Display value of a code in the workbook's language.
fn code_label(lang: Lang, c: &Code) -> &'static str {
    label(lang, c.zh, c.en)
}

/// Hidden-sheet lists, one per column of the `lists` sheet.
#[derive(Default)]
struct Lists {
    columns: Vec<Vec<String>>,
}

impl Lists {
    /// A drop-down validation offering `values`: inline when the list fits
    /// Excel's 255 characters, else a range of the hidden `lists` sheet.
    fn validation(&mut self, values: &[String]) -> Result<DataValidation> {
        let joined: usize = values
            .iter()
            .map(|v| v.encode_utf16().count())
            .sum::<usize>()
            + values.len().saturating_sub(1);
        let inline_ok = joined <= INLINE_LIST_MAX && !values.iter().any(|v| v.contains([',', '"']));
        if inline_ok {
            return Ok(DataValidation::new().allow_list_strings(values)?);
        }
        let col = ColNum::try_from(self.columns.len())?;
        let n = values.len().max(1);
        let letter = rust_xlsxwriter::utility::column_number_to_name(col);
        self.columns.push(values.to_vec());
        let formula = format!("={LISTS_SHEET}!${letter}$1:${letter}${n}");
        Ok(DataValidation::new().allow_list_formula(Formula::new(formula)))
    }

    fn write(&self, ws: &mut Worksheet, formats: &Formats) -> Result<()> {
        for (c, values) in self.columns.iter().enumerate() {
            let col = ColNum::try_from(c)?;
            for (r, v) in values.iter().enumerate() {
                text(ws, RowNum::try_from(r)?, col, v, &formats.text_column)?;
            }
        }
        Ok(())
    }
}

/// A drop-down that warns, but does not refuse, a value not in the list: the
/// importer accepts the other language and the national form's spellings.
fn soften(dv: DataValidation, lang: Lang) -> Result<DataValidation> {
    Ok(dv
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title(label(lang, "不在下拉列表中", "Not in the list"))?
        .set_error_message(label(
            lang,
            "该值不在下拉列表中。可接受的其他写法见“填表说明”。仍要使用该值吗？",
            "This value is not in the drop-down list. Other accepted spellings are on the Instructions sheet. Keep it?",
        ))?)
}

/// Write the blank application workbook for `village` to `path`.
pub fn write_template(path: &Path, village: &Village, campaign: &Campaign) -> Result<()> {
    let mut wb = build(village, campaign)?;
    write_via_path(path, |tmp| {
        wb.save(tmp)?;
        Ok(())
    })
}

fn build(village: &Village, campaign: &Campaign) -> Result<Workbook> {
    let formats = Formats::new();
    let cols = template_columns(campaign);
    let mut lists = Lists::default();

    let mut wb = common::new_workbook(campaign.campaign.year);

    let mut ws = Worksheet::new();
    write_application_sheet(&mut ws, &cols, village, campaign, &formats, &mut lists)?;
    wb.push_worksheet(ws);

    let mut ws = Worksheet::new();
    write_instructions_sheet(&mut ws, &cols, village, campaign, &formats)?;
    wb.push_worksheet(ws);

    if !lists.columns.is_empty() {
        let mut ws = Worksheet::new();
        ws.set_name(LISTS_SHEET)?;
        lists.write(&mut ws, &formats)?;
        ws.set_hidden(true);
        wb.push_worksheet(ws);
    }
    Ok(wb)
}

fn title(village: &Village, campaign: &Campaign) -> String {
    let c = &campaign.campaign;
    let place = |parts: [&str; 3], sep: &str| {
        parts
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(sep)
    };
    match campaign.output.lang {
        Lang::Zh => {
            let p = place([&c.county, &c.town, &village.name], "");
            format!("{p} 贫困户申请表（{}年）", c.year)
        }
        Lang::En => {
            let p = place([&village.name, &c.town, &c.county], ", ");
            format!("{p}: poor household applications ({})", c.year)
        }
    }
}

fn write_application_sheet(
    ws: &mut Worksheet,
    cols: &[TplCol],
    village: &Village,
    campaign: &Campaign,
    formats: &Formats,
    lists: &mut Lists,
) -> Result<()> {
    let lang = campaign.output.lang;
    ws.set_name(label(lang, "申请表", "Applications"))?;
    let last_col = ColNum::try_from(cols.len().saturating_sub(1))?;
    let last_row = FIRST_DATA_ROW + DATA_ROWS - 1;

    let title_text = title(village, campaign);
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, "", &formats.title)?;
    text(ws, TITLE_ROW, 0, &title_text, &formats.title)?;
    ws.set_row_height(TITLE_ROW, 30)?;

    // The sheet has many columns and is printed one page wide: keep them
    // narrow. Chinese headers wrap onto two lines; a column is as wide as
    // its longest drop-down value, up to CODED_MAX (longer values wrap).
    const CODED_MAX: usize = 12;
    let mut widths = Widths::new();
    let mut wrap_cols: Vec<ColNum> = Vec::new();
    for (i, col) in cols.iter().enumerate() {
        let c = ColNum::try_from(i)?;
        let header = col.header(lang);
        text(ws, HEADER_ROW, c, header, &formats.header)?;
        let hw = display_width(header);
        widths.at_least(
            c,
            if lang == Lang::Zh {
                hw.div_ceil(4) * 2
            } else {
                hw
            },
        );
        widths.at_least(c, 4);

        if let TplCol::Known(spec) = col {
            match spec.col {
                Col::IdNumber => widths.at_least(c, 18),
                Col::Phone => widths.at_least(c, 12),
                Col::HouseholdId | Col::Name => widths.at_least(c, 6),
                Col::HouseholdSize => widths.at_least(c, 4),
                Col::NetIncome | Col::PerCapitaIncome => widths.at_least(c, 9),
                _ => {}
            }
            if matches!(spec.col, Col::IdNumber | Col::HouseholdId | Col::Phone) {
                ws.set_column_format(c, &formats.text_column)?;
            }
        }

        let values: Vec<String> = match col {
            TplCol::Known(spec) if spec.col == Col::Village => vec![village.name.clone()],
            _ => col
                .list()
                .map(|l| l.iter().map(|v| code_label(lang, v).to_string()).collect())
                .unwrap_or_default(),
        };
        if values.is_empty() {
            continue;
        }
        let longest = values.iter().map(|v| display_width(v)).max().unwrap_or(0);
        widths.at_least(c, longest.min(CODED_MAX));
        if longest > CODED_MAX && longest > widths.chars(c) {
            wrap_cols.push(c);
        }
        let dv = soften(lists.validation(&values)?, lang)?;
        ws.add_data_validation(FIRST_DATA_ROW, c, last_row, c, &dv)?;
    }
    widths.apply(ws)?;
    for c in wrap_cols {
        ws.set_column_format(c, &formats.para)?;
    }
    let header_lines = cols
        .iter()
        .enumerate()
        .map(|(i, col)| widths.lines(ColNum::try_from(i).unwrap_or(0), col.header(lang)))
        .max()
        .unwrap_or(1)
        .max(2);
    ws.set_row_height(HEADER_ROW, common::lines_height(header_lines))?;

    ws.set_freeze_panes(FIRST_DATA_ROW, 3)?;
    common::print_setup(ws, true, lang);
    common::fit_width(ws);
    ws.set_repeat_rows(TITLE_ROW, HEADER_ROW)?;
    ws.set_print_gridlines(true);
    Ok(())
}

/// English notes for the columns (the Chinese ones are in `COLUMNS`).
fn en_note(col: Col) -> &'static str {
    match col {
        Col::Village => "Village name or code; must be in the village roster",
        Col::HouseholdId => "The same number for every member of a household; unique within the village",
        Col::Name => "",
        Col::Relation => "Every household has exactly one head",
        Col::IdNumber => "18 characters (legacy 15-digit numbers are converted); enter as text",
        Col::Sex => "Must agree with the ID number",
        Col::Health => "",
        Col::Schooling => "Must agree with the age",
        Col::Labour => "",
        Col::HouseholdSize => "On the head's row; must equal the persons listed",
        Col::NetIncome => "Yuan per year, on the head's row; give this or the per-capita income",
        Col::PerCapitaIncome => {
            "Yuan per person per year; when both incomes are given they must agree within 1 yuan per person"
        }
        Col::Housing => "",
        Col::MainCause => "Main cause of poverty",
        Col::Attribute => "",
        Col::PublicEmployee => "Yes if a member is paid from public funds",
        Col::OwnsCar => "Yes if the household owns a vehicle other than farm vehicles",
        Col::TownProperty => "Yes if the household owns commercial housing in a town",
        Col::Business => "Yes if the household runs or has registered a business",
        Col::Phone => "Never published",
    }
}

/// What a clerk may write in a column without a code list.
fn free_values(col: Col, village: &Village, lang: Lang) -> String {
    let s = match col {
        Col::Village => {
            return match lang {
                Lang::Zh => format!("{}（或村代码 {}）", village.name, village.code),
                Lang::En => format!("{} (or the village code {})", village.name, village.code),
            }
        }
        Col::HouseholdId => label(
            lang,
            "数字或文字，如 1、2、0101",
            "number or text, e.g. 1, 2, 0101",
        ),
        Col::Name => label(lang, "与身份证上的姓名一致", "as on the ID card"),
        Col::IdNumber => label(
            lang,
            "18位号码，末位可为X；旧15位号码",
            "18 characters, the last may be X; or a legacy 15-digit number",
        ),
        Col::HouseholdSize => label(lang, "整数", "a whole number"),
        Col::NetIncome | Col::PerCapitaIncome => label(
            lang,
            "数字，如 3200、3,200.50、3200元",
            "a number, e.g. 3200, 3,200.50, 3200元",
        ),
        Col::Phone => label(lang, "手机或固定电话号码", "mobile or landline number"),
        _ => "",
    };
    s.to_string()
}

/// The accepted values of a code list, both languages, and the other
/// spellings the importer accepts, each with the value it stands for.
fn accepted_values(list: &[Code], lang: Lang) -> String {
    let mut s = codes::accepted(list);
    let groups: Vec<String> = list
        .iter()
        .filter(|c| !c.aliases.is_empty())
        .map(|c| match lang {
            Lang::Zh => format!("{}（={}）", c.aliases.join("、"), c.zh),
            Lang::En => format!("{} (= {})", c.aliases.join(", "), c.en),
        })
        .collect();
    if !groups.is_empty() {
        s.push_str(label(lang, "\n也可填：", "\nAlso accepted: "));
        s.push_str(&groups.join(label(lang, "；", "; ")));
    }
    s
}

fn write_instructions_sheet(
    ws: &mut Worksheet,
    cols: &[TplCol],
    village: &Village,
    campaign: &Campaign,
    formats: &Formats,
) -> Result<()> {
    let lang = campaign.output.lang;
    ws.set_name(label(lang, "填表说明", "Instructions"))?;

    let headers: [&str; 6] = match lang {
        Lang::Zh => ["列名", "英文名", "级别", "必填", "可填写的值", "说明"],
        Lang::En => [
            "Column",
            "Chinese name",
            "Level",
            "Required",
            "Accepted values",
            "Note",
        ],
    };
    let last_col = ColNum::try_from(headers.len() - 1)?;

    let general: &[&str] = match lang {
        Lang::Zh => &[
            "每人填写一行；同一户的成员填写相同的户编号。",
            "级别为“户”的项目（家庭人口、收入、住房等）填在户主所在行，其他成员行可留空。",
            "身份证号、户编号和联系电话请按文本录入（本表已设为文本格式），以免末位变成0或显示为科学计数。",
            "有下拉列表的列请从列表中选择；中英文写法及“之子”“之女”等扶贫手册写法也可接受。",
            "请勿修改第2行的列名；可以在右侧增加其他列，导入时会一并保留。",
        ],
        Lang::En => &[
            "One row per person; every member of a household has the same household number.",
            "Household-level items (household size, incomes, housing …) go on the head's row; other members' rows may stay blank.",
            "Enter ID numbers, household numbers and phone numbers as text (the columns are formatted as text) so that no digit is lost.",
            "Pick coded values from the drop-down lists; Chinese or English values and the national form's spellings are accepted too.",
            "Do not change the column names in row 2; extra columns may be added on the right and are kept on import.",
        ],
    };

    let yes = label(lang, "是", "yes");
    let no = label(lang, "否", "no");
    let mut table: Vec<[String; 6]> = Vec::new();
    for col in cols {
        table.push(match col {
            TplCol::Known(spec) => {
                let required = match spec.col {
                    Col::Village => label(
                        lang,
                        "是（导入时指定 --village 可不填）",
                        "yes (unless imported with --village)",
                    ),
                    Col::NetIncome | Col::PerCapitaIncome => {
                        label(lang, "二者至少填一项", "one of the two")
                    }
                    _ if spec.required => yes,
                    _ => no,
                };
                let values = match codes::list_for(spec.col) {
                    Some(list) => accepted_values(list, lang),
                    None => free_values(spec.col, village, lang),
                };
                let note = match lang {
                    Lang::Zh => spec.note,
                    Lang::En => en_note(spec.col),
                };
                let level = match spec.level {
                    Level::Person => label(lang, "人", "person"),
                    Level::Household => label(lang, "户", "household"),
                };
                [
                    label(lang, spec.zh, spec.en).to_string(),
                    label(lang, spec.en, spec.zh).to_string(),
                    level.to_string(),
                    required.to_string(),
                    values,
                    note.to_string(),
                ]
            }
            TplCol::Flag(name) => [
                name.clone(),
                String::new(),
                label(lang, "户", "household").to_string(),
                no.to_string(),
                accepted_values(codes::YES_NO, lang),
                label(
                    lang,
                    "排除条件（campaign.toml 中设置）：本户符合时填“是”，该户不予识别",
                    "Exclusion flag set in campaign.toml: yes excludes the household",
                )
                .to_string(),
            ],
        });
    }

    let mut widths = Widths::new();
    for (i, h) in headers.iter().enumerate() {
        widths.see(ColNum::try_from(i)?, h);
    }
    for r in &table {
        for (i, v) in r.iter().enumerate() {
            widths.see(ColNum::try_from(i)?, v);
        }
    }
    widths.cap(3, 16.0);
    widths.cap(4, 50.0);
    widths.cap(5, 40.0);
    widths.apply(ws)?;
    let total_width: f64 = (0..=last_col).map(|c| widths.width(c)).sum();

    let mut row: RowNum = 0;
    ws.merge_range(row, 0, row, last_col, "", &formats.title)?;
    text(
        ws,
        row,
        0,
        label(lang, "填表说明", "How to fill in the application sheet"),
        &formats.title,
    )?;
    ws.set_row_height(row, 30)?;
    row += 1;
    for line in general {
        let line = format!("• {line}");
        ws.merge_range(row, 0, row, last_col, "", &formats.para)?;
        text(ws, row, 0, &line, &formats.para)?;
        // Excel does not size merged rows by itself.
        ws.set_row_height(
            row,
            common::lines_height(common::wrapped_lines(&line, total_width)),
        )?;
        row += 1;
    }
    row += 1;

    let header_row = row;
    for (i, h) in headers.iter().enumerate() {
        text(ws, row, ColNum::try_from(i)?, h, &formats.header)?;
    }
    row += 1;

    for r in &table {
        let fmts = [
            &formats.cell,
            &formats.cell,
            &formats.center,
            &formats.wrap,
            &formats.wrap,
            &formats.wrap,
        ];
        let mut lines = 1;
        for (i, (v, f)) in r.iter().zip(fmts).enumerate() {
            let c = ColNum::try_from(i)?;
            text(ws, row, c, v, f)?;
            lines = lines.max(widths.lines(c, v));
        }
        if lines > 1 {
            ws.set_row_height(row, common::lines_height(lines))?;
        }
        row += 1;
    }

    ws.set_freeze_panes(header_row + 1, 0)?;
    common::print_setup(ws, true, lang);
    common::fit_width(ws);
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

#[cfg(test)]
mod tests;
