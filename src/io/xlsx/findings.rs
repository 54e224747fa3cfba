//! The findings workbook for the clerk: every problem found in the data,
//! sorted by village and household, and a count of each kind of problem.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{ColNum, Color, Format, RowNum, Workbook, Worksheet};

use super::common::{self, label, text, Formats, Widths};
use crate::domain::campaign::{Campaign, Lang};
use crate::domain::finding::{kind_label, Finding, Severity};
use crate::io::atomic::write_via_path;

/// Columns of the findings sheet.
const SEVERITY: ColNum = 0;
const KIND: ColNum = 1;
const VILLAGE: ColNum = 2;
const HOUSEHOLD: ColNum = 3;
const FILE: ColNum = 4;
const SHEET: ColNum = 5;
const ROW: ColNum = 6;
const COLUMN: ColNum = 7;
const MESSAGE: ColNum = 8;

const HEADERS_ZH: [&str; 9] = [
    "严重程度",
    "问题类型",
    "村",
    "户编号",
    "文件",
    "工作表",
    "行",
    "列",
    "说明",
];
const HEADERS_EN: [&str; 9] = [
    "Severity",
    "Kind",
    "Village",
    "Household",
    "File",
    "Sheet",
    "Row",
    "Column",
    "Message",
];

/// Compare two strings in natural order: runs of ASCII digits compare as
/// numbers (`2` before `10`), everything else character by character; ties
/// (`01` and `1`) are broken by the plain order so the order is total.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < ab.len() && j < bb.len() {
        if ab[i].is_ascii_digit() && bb[j].is_ascii_digit() {
            let si = i;
            while i < ab.len() && ab[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < bb.len() && bb[j].is_ascii_digit() {
                j += 1;
            }
            let na = trim_zeros(&ab[si..i]);
            let nb = trim_zeros(&bb[sj..j]);
            let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            // Compare one character (UTF-8 sequences compare bytewise in
            // code point order, and a sequence never contains ASCII digits).
            let ord = ab[i].cmp(&bb[j]);
            if ord != Ordering::Equal {
                return ord;
            }
            i += 1;
            j += 1;
        }
    }
    (ab.len() - i).cmp(&(bb.len() - j)).then_with(|| a.cmp(b))
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == b'0').count();
    &d[n..]
}

/// The order of the findings sheet: village, household (natural order),
/// errors before warnings, file, row; then every other field, so the same
/// findings in any order give the same sheet.
fn finding_cmp(a: &Finding, b: &Finding) -> Ordering {
    natural_cmp(&a.village, &b.village)
        .then_with(|| natural_cmp(&a.household, &b.household))
        .then_with(|| a.severity.cmp(&b.severity))
        .then_with(|| natural_cmp(&a.file, &b.file))
        .then_with(|| a.row.cmp(&b.row))
        .then_with(|| a.cmp(b))
}

fn severity_label(lang: Lang, s: Severity) -> &'static str {
    match lang {
        Lang::Zh => s.zh(),
        Lang::En => s.en(),
    }
}

/// English descriptions of the kinds of finding (the Chinese ones are
/// `kind_label`).
fn kind_label_en(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "id_shape" => "ID number malformed",
        "id_birth_date" => "ID number birth date invalid",
        "id_check_digit" => "ID number check digit wrong",
        "id_placeholder" => "placeholder ID number",
        "id_stored_as_number" => "ID number stored as a number",
        "id_converted" => "15-digit ID number converted",
        "id_duplicate" => "duplicate ID number",
        "sex_mismatch" => "sex disagrees with ID number",
        "no_head" => "no household head",
        "two_heads" => "more than one head",
        "size_mismatch" => "household size differs from persons listed",
        "household_cells_disagree" => "household cells disagree",
        "required_empty" => "required cell empty",
        "code_value" => "value not in its code list",
        "income_not_number" => "income is not a number",
        "income_missing" => "no income given",
        "income_disagree" => "net and per-capita income disagree",
        "income_negative" => "negative income",
        "village_unknown" => "village not in the roster",
        "village_no_applications" => "village handed in no applications",
        "relation_sex" => "relation disagrees with sex",
        "schooling_age" => "schooling disagrees with age",
        "household_duplicate" => "duplicate household number",
        "file_unreadable" => "file cannot be read",
        "survey_unknown_household" => "surveyed household not in the register",
        "survey_verdict" => "invalid survey verdict",
        "survey_not_covered" => "household not surveyed",
        "survey_value" => "invalid value in survey sheet",
        _ => return None,
    })
}

/// The description of a kind in the workbook's language; an unknown kind
/// shows its code.
fn kind_text(lang: Lang, kind: &'static str) -> Cow<'static, str> {
    match lang {
        Lang::Zh => match kind_label(kind) {
            "其他" if !kind.is_empty() => Cow::Owned(format!("其他（{kind}）")),
            l => Cow::Borrowed(l),
        },
        Lang::En => kind_label_en(kind)
            .map(Cow::Borrowed)
            .unwrap_or(Cow::Borrowed(kind)),
    }
}

/// Write the findings workbook to `path`.
pub fn write_findings(path: &Path, findings: &[Finding], campaign: &Campaign) -> Result<()> {
    write_via_path(path, |tmp| {
        let mut wb = build(findings, campaign, tmp.parent())?;
        wb.save(tmp)?;
        Ok(())
    })
}

fn page_title(campaign: &Campaign) -> String {
    let c = &campaign.campaign;
    let t = match campaign.output.lang {
        Lang::Zh => format!(
            "{}{} {}年 数据问题清单",
            c.county.trim(),
            c.town.trim(),
            c.year
        ),
        Lang::En => {
            let place: Vec<&str> = [c.town.trim(), c.county.trim()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            format!("{} {}: data findings", place.join(", "), c.year)
        }
    };
    format!("&L{}", common::header_footer_text(t.trim()))
}

fn build(findings: &[Finding], campaign: &Campaign, tempdir: Option<&Path>) -> Result<Workbook> {
    let formats = Formats::new();
    let mut wb = common::new_workbook(campaign.campaign.year);
    // A county run has 100,000+ findings: fast compression is worth its
    // slightly larger file.
    wb.set_zip_compression_level(3);
    if let Some(dir) = tempdir.filter(|d| !d.as_os_str().is_empty()) {
        wb.set_tempdir(dir)?;
    }

    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by(|a, b| finding_cmp(a, b));

    let ws = wb.add_worksheet_with_constant_memory()?;
    write_findings_sheet(ws, &order, campaign, &formats)?;

    let ws = wb.add_worksheet();
    write_counts_sheet(ws, &order, campaign, &formats)?;
    Ok(wb)
}

/// The text of each cell of a finding's row, except the row number.
fn row_texts<'a>(f: &'a Finding, lang: Lang) -> [(ColNum, Cow<'a, str>); 8] {
    [
        (SEVERITY, Cow::Borrowed(severity_label(lang, f.severity))),
        (KIND, kind_text(lang, f.kind)),
        (VILLAGE, Cow::Borrowed(f.village.as_str())),
        (HOUSEHOLD, Cow::Borrowed(f.household.as_str())),
        (FILE, Cow::Borrowed(f.file.as_str())),
        (SHEET, Cow::Borrowed(f.sheet.as_str())),
        (COLUMN, Cow::Borrowed(f.column.as_str())),
        (MESSAGE, Cow::Borrowed(f.message.as_str())),
    ]
}

fn write_findings_sheet(
    ws: &mut Worksheet,
    order: &[&Finding],
    campaign: &Campaign,
    formats: &Formats,
) -> Result<()> {
    let lang = campaign.output.lang;
    ws.set_name(label(lang, "问题清单", "Findings"))?;
    let headers = match lang {
        Lang::Zh => HEADERS_ZH,
        Lang::En => HEADERS_EN,
    };

    // Widths first, in one pass over the data: a constant-memory sheet
    // cannot look back.
    let mut widths = Widths::new();
    for (i, h) in headers.iter().enumerate() {
        widths.see(ColNum::try_from(i)?, h);
    }
    let mut max_row = 0u64;
    for f in order {
        for (col, s) in row_texts(f, lang) {
            widths.see(col, &s);
        }
        max_row = max_row.max(f.row);
    }
    widths.at_least(ROW, max_row.to_string().len());
    widths.cap(FILE, 30.0);
    widths.cap(SHEET, 20.0);
    widths.cap(COLUMN, 20.0);
    widths.cap(MESSAGE, 60.0);
    widths.apply(ws)?;

    for (i, h) in headers.iter().enumerate() {
        text(ws, 0, ColNum::try_from(i)?, h, &formats.header)?;
    }

    let error_fmt = formats
        .center
        .clone()
        .set_font_color(Color::RGB(0xC00000))
        .set_bold();
    let fmt_of = |col: ColNum, sev: Severity| -> &Format {
        match col {
            SEVERITY if sev == Severity::Error => &error_fmt,
            SEVERITY => &formats.center,
            HOUSEHOLD => &formats.text,
            FILE | SHEET | COLUMN | MESSAGE => &formats.wrap,
            _ => &formats.cell,
        }
    };

    // Excel's last row is 1,048,576, the header takes one.
    if order.len() > 1_048_575 {
        anyhow::bail!(
            "{} findings do not fit in one worksheet (1,048,575 rows at most); see findings.csv",
            order.len()
        );
    }
    let mut row: RowNum = 1;
    for f in order {
        let mut lines = 1;
        for (col, s) in row_texts(f, lang) {
            text(ws, row, col, &s, fmt_of(col, f.severity))?;
            if matches!(col, FILE | SHEET | COLUMN | MESSAGE) {
                lines = lines.max(widths.lines(col, &s));
            }
        }
        if lines > 1 {
            // Neither Excel nor LibreOffice sizes rows of wrapped text.
            ws.set_row_height(row, common::lines_height(lines))?;
        }
        if f.row > 0 {
            ws.write_number_with_format(row, ROW, f.row as f64, &formats.int)?;
        } else {
            ws.write_blank(row, ROW, &formats.int)?;
        }
        row += 1;
    }
    if order.is_empty() {
        text(
            ws,
            1,
            0,
            label(lang, "没有发现问题", "No findings"),
            &Format::new(),
        )?;
    }
    let last_row = row.saturating_sub(1).max(1);

    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last_row, MESSAGE)?;
    common::print_setup(ws, true, lang);
    common::fit_width(ws);
    ws.set_header(page_title(campaign));
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

#[derive(Default)]
struct KindCount<'a> {
    findings: u64,
    households: HashSet<(&'a str, &'a str)>,
}

fn write_counts_sheet(
    ws: &mut Worksheet,
    order: &[&Finding],
    campaign: &Campaign,
    formats: &Formats,
) -> Result<()> {
    let lang = campaign.output.lang;
    ws.set_name(label(lang, "问题统计", "Counts"))?;
    let headers: [&str; 5] = match lang {
        Lang::Zh => ["问题类型代码", "问题类型", "严重程度", "问题数", "涉及户数"],
        Lang::En => ["Kind code", "Kind", "Severity", "Findings", "Households"],
    };

    let mut counts: BTreeMap<(Severity, &'static str), KindCount> = BTreeMap::new();
    let mut by_severity: BTreeMap<Severity, KindCount> = BTreeMap::new();
    let mut all = KindCount::default();
    for f in order {
        let hh = (f.village.as_str(), f.household.as_str());
        let has_hh = !f.household.is_empty();
        for k in [
            counts.entry((f.severity, f.kind)).or_default(),
            by_severity.entry(f.severity).or_default(),
            &mut all,
        ] {
            k.findings += 1;
            if has_hh {
                k.households.insert(hh);
            }
        }
    }
    // Errors first, then the commonest kinds.
    let mut rows: Vec<(&(Severity, &'static str), &KindCount)> = counts.iter().collect();
    rows.sort_by(|a, b| {
        a.0 .0
            .cmp(&b.0 .0)
            .then(b.1.findings.cmp(&a.1.findings))
            .then(a.0 .1.cmp(b.0 .1))
    });

    let mut widths = Widths::new();
    for (i, h) in headers.iter().enumerate() {
        widths.text(ws, 0, ColNum::try_from(i)?, h, &formats.header)?;
    }
    let mut r: RowNum = 1;
    for ((sev, kind), k) in rows {
        widths.text(ws, r, 0, kind, &formats.cell)?;
        widths.text(ws, r, 1, &kind_text(lang, kind), &formats.cell)?;
        widths.text(ws, r, 2, severity_label(lang, *sev), &formats.center)?;
        ws.write_number_with_format(r, 3, k.findings as f64, &formats.int)?;
        ws.write_number_with_format(r, 4, k.households.len() as f64, &formats.int)?;
        r += 1;
    }
    if order.is_empty() {
        ws.merge_range(r, 0, r, 4, "", &formats.cell)?;
        text(
            ws,
            r,
            0,
            label(lang, "没有发现问题", "No findings"),
            &formats.cell,
        )?;
        r += 1;
    }
    for sev in [Severity::Error, Severity::Warning] {
        let Some(k) = by_severity.get(&sev) else {
            continue;
        };
        let name = match (lang, sev) {
            (Lang::Zh, Severity::Error) => "错误合计",
            (Lang::Zh, Severity::Warning) => "提示合计",
            (Lang::En, Severity::Error) => "Errors",
            (Lang::En, Severity::Warning) => "Warnings",
        };
        total_row(ws, r, name, k, formats, &mut widths)?;
        r += 1;
    }
    total_row(
        ws,
        r,
        label(lang, "合计", "Total"),
        &all,
        formats,
        &mut widths,
    )?;
    widths.apply(ws)?;

    ws.set_freeze_panes(1, 0)?;
    common::print_setup(ws, false, lang);
    common::fit_width(ws);
    ws.set_header(page_title(campaign));
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

fn total_row(
    ws: &mut Worksheet,
    r: RowNum,
    name: &str,
    k: &KindCount,
    formats: &Formats,
    widths: &mut Widths,
) -> Result<()> {
    ws.merge_range(r, 0, r, 2, "", &formats.total)?;
    widths.text(ws, r, 0, name, &formats.total)?;
    ws.write_number_with_format(r, 3, k.findings as f64, &formats.total_int)?;
    ws.write_number_with_format(r, 4, k.households.len() as f64, &formats.total_int)?;
    Ok(())
}

#[cfg(test)]
mod tests;
