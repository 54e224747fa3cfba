//! The registration forms (贫困户登记表): one per household, each on its own
//! printed page. A manual page break follows every form; Excel allows 1,023
//! breaks in a sheet, so a village with more forms continues on a second
//! sheet (`登记表(2)`), and so on. The sheets are written row by row in
//! constant memory; the page breaks are kept by the worksheet and written
//! when it is saved.

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ColNum, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet};

use super::{basis_label, coded, FormHousehold, Member, VillageBook};
use crate::domain::campaign::Lang;
use crate::domain::codes;
use crate::domain::idnum::{self, Sex};
use crate::io::xlsx::common::{self, display_width, label, text, Formats};

/// Forms in one sheet: a break after each form but the sheet's last stays
/// within Excel's 1,023 manual breaks.
pub const FORMS_PER_SHEET: usize = 1_023;

/// Widths of the eight columns of the member table, chosen so that a form
/// is one A4 portrait page wide: 87 units, 6.7 inches in Excel, 7.1 in
/// LibreOffice, of the 7.5 printable.
const WIDTHS: [f64; 8] = [10.5, 11.0, 20.5, 5.5, 5.5, 11.5, 11.5, 11.0];

const ROW_HEIGHT: f64 = 22.0;

/// The title cell of every form (tests count them).
pub fn form_title(lang: Lang) -> &'static str {
    label(lang, "贫困户登记表", "Poor household registration form")
}

struct Styles {
    title: Format,
    subtitle: Format,
    label: Format,
    value: Format,
    value_text: Format,
    money: Format,
    int: Format,
    section: Format,
    header: Format,
    cell: Format,
    cell_text: Format,
    centre: Format,
    sign: Format,
    line: Format,
}

impl Styles {
    fn new(formats: &Formats) -> Styles {
        let wrap = formats.wrap.clone();
        Styles {
            title: formats.title.clone().set_font_size(18),
            subtitle: super::plain()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            label: formats
                .header
                .clone()
                .set_align(FormatAlign::VerticalCenter),
            value: wrap.clone().set_indent(1),
            value_text: wrap.clone().set_num_format("@").set_indent(1),
            money: formats
                .money
                .clone()
                .set_align(FormatAlign::Left)
                .set_indent(1),
            int: formats
                .int
                .clone()
                .set_align(FormatAlign::Left)
                .set_indent(1),
            section: formats
                .header
                .clone()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
            header: formats.header.clone(),
            cell: wrap.clone().set_indent(1),
            cell_text: wrap
                .clone()
                .set_num_format("@")
                .set_align(FormatAlign::Center),
            centre: wrap.set_align(FormatAlign::Center),
            sign: super::plain()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::VerticalCenter),
            line: super::plain().set_border_bottom(FormatBorder::Thin),
        }
    }
}

/// Write every form; returns the number of form sheets.
pub fn write(
    wb: &mut Workbook,
    book: &VillageBook,
    lang: Lang,
    formats: &Formats,
    page_header: &str,
) -> Result<usize> {
    let styles = Styles::new(formats);
    let chunks: Vec<&[FormHousehold]> = if book.households.is_empty() {
        vec![&[]]
    } else {
        book.households.chunks(FORMS_PER_SHEET).collect()
    };
    let base = label(lang, "登记表", "Forms");
    for (n, chunk) in chunks.iter().enumerate() {
        let ws = wb.add_worksheet_with_constant_memory()?;
        let name = if n == 0 {
            base.to_string()
        } else {
            format!("{base}({})", n + 1)
        };
        ws.set_name(name)?;
        for (c, w) in WIDTHS.iter().enumerate() {
            ws.set_column_width(ColNum::try_from(c)?, *w)?;
        }
        let mut breaks: Vec<RowNum> = Vec::with_capacity(chunk.len());
        let mut r: RowNum = 0;
        for hh in chunk.iter() {
            if r > 0 {
                breaks.push(r);
            }
            r = write_form(ws, r, book, hh, lang, &styles)?;
        }
        ws.set_page_breaks(&breaks)?;
        common::print_setup(ws, false, lang);
        ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
        ws.set_print_center_horizontally(true);
        ws.set_header(page_header);
    }
    Ok(chunks.len())
}

/// Merge `c0..=c1` of row `r` (when more than one cell) and write `s` there.
fn span(ws: &mut Worksheet, r: RowNum, c0: ColNum, c1: ColNum, s: &str, f: &Format) -> Result<()> {
    if c1 > c0 {
        ws.merge_range(r, c0, r, c1, "", f)?;
    }
    text(ws, r, c0, s, f)?;
    Ok(())
}

/// Lines `s` takes in a column `width` units wide. In the workbook's font
/// (Arial 10, digits of 7 pixels) a Chinese character takes 13.3 pixels,
/// 1.9 units; other characters take about 0.75 units.
fn lines(s: &str, width: f64) -> usize {
    let room = (width - 1.2).max(1.0);
    s.split('\n')
        .map(|l| {
            let units: f64 = l
                .chars()
                .map(|c| 0.95 * display_width(c.encode_utf8(&mut [0; 4])) as f64)
                .map(|w| if w > 1.0 { w } else { w * 0.8 })
                .sum();
            (units / room).ceil().max(1.0) as usize
        })
        .sum()
}

/// The height of a row whose cells hold `cells` (text, width in units).
fn height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells.iter().map(|(s, w)| lines(s, *w)).max().unwrap_or(1);
    ROW_HEIGHT.max(common::lines_height(lines) + 6.0)
}

fn widths(c0: usize, c1: usize) -> f64 {
    WIDTHS[c0..=c1].iter().sum()
}

/// A value of the household block: text, an amount or a whole number.
enum Value<'a> {
    Text(std::borrow::Cow<'a, str>),
    Money(Option<crate::domain::money::Fen>),
    Count(u64),
}

impl Value<'_> {
    fn shown(&self) -> String {
        match self {
            Value::Text(s) => s.to_string(),
            Value::Money(m) => m.map(|f| f.grouped()).unwrap_or_default(),
            Value::Count(n) => n.to_string(),
        }
    }
}

fn put_value(
    ws: &mut Worksheet,
    r: RowNum,
    c0: ColNum,
    c1: ColNum,
    v: &Value,
    st: &Styles,
) -> Result<()> {
    match v {
        Value::Text(s) => span(ws, r, c0, c1, s, &st.value_text),
        Value::Money(Some(f)) => {
            if c1 > c0 {
                ws.merge_range(r, c0, r, c1, "", &st.money)?;
            }
            ws.write_number_with_format(r, c0, f.as_yuan_f64(), &st.money)?;
            Ok(())
        }
        Value::Money(None) => span(ws, r, c0, c1, "", &st.value),
        Value::Count(n) => {
            if c1 > c0 {
                ws.merge_range(r, c0, r, c1, "", &st.int)?;
            }
            ws.write_number_with_format(r, c0, *n as f64, &st.int)?;
            Ok(())
        }
    }
}

fn write_form(
    ws: &mut Worksheet,
    mut r: RowNum,
    book: &VillageBook,
    hh: &FormHousehold,
    lang: Lang,
    st: &Styles,
) -> Result<RowNum> {
    ws.set_row_height(r, 34.0)?;
    span(ws, r, 0, 7, form_title(lang), &st.title)?;
    r += 1;
    let sub = match lang {
        Lang::Zh => format!(
            "{}　　户编号：{}　　{}年度",
            book.place(lang),
            hh.household_id,
            book.year
        ),
        Lang::En => format!(
            "{}    household {}    {}",
            book.place(lang),
            hh.household_id,
            book.year
        ),
    };
    ws.set_row_height(r, 24.0)?;
    span(ws, r, 0, 7, &sub, &st.subtitle)?;
    r += 1;

    let rank = match hh.rank {
        Some(n) => Value::Count(u64::from(n)),
        None => Value::Text("".into()),
    };
    let pairs: [[(&str, Value); 2]; 6] = [
        [
            (
                label(lang, "户主姓名", "Head of household"),
                Value::Text(hh.head_name.as_str().into()),
            ),
            (
                label(lang, "身份证号", "ID number"),
                Value::Text(hh.head_id.as_str().into()),
            ),
        ],
        [
            (
                label(lang, "家庭人口", "Household size"),
                Value::Count(hh.members.len() as u64),
            ),
            (label(lang, "排名", "Rank"), rank),
        ],
        [
            (
                label(lang, "家庭年纯收入（元）", "Annual net income (yuan)"),
                Value::Money(hh.net_income),
            ),
            (
                label(lang, "人均纯收入（元）", "Per-capita income (yuan)"),
                Value::Money(hh.per_capita),
            ),
        ],
        [
            (
                label(lang, "收入依据", "Income basis"),
                Value::Text(basis_label(hh.basis, lang).into()),
            ),
            (
                label(lang, "住房", "Housing"),
                Value::Text(coded(lang, codes::HOUSING, &hh.housing)),
            ),
        ],
        [
            (
                label(lang, "致贫原因", "Main cause of poverty"),
                Value::Text(coded(lang, codes::MAIN_CAUSE, &hh.main_cause)),
            ),
            (
                label(lang, "贫困户属性", "Household attribute"),
                Value::Text(coded(lang, codes::ATTRIBUTE, &hh.attribute)),
            ),
        ],
        [
            (
                label(lang, "联系电话", "Phone"),
                Value::Text(hh.phone.as_str().into()),
            ),
            (
                label(lang, "户编号", "Household number"),
                Value::Text(hh.household_id.as_str().into()),
            ),
        ],
    ];
    // Label in A:B, value in C; label in D:F, value in G:H.
    const SPANS: [((ColNum, ColNum), (ColNum, ColNum)); 2] = [((0, 1), (2, 2)), ((3, 5), (6, 7))];
    for pair in &pairs {
        let mut cells: Vec<(String, f64)> = Vec::new();
        for ((l, v), ((l0, l1), (v0, v1))) in pair.iter().zip(SPANS) {
            cells.push((l.to_string(), widths(l0.into(), l1.into())));
            cells.push((v.shown(), widths(v0.into(), v1.into())));
        }
        let refs: Vec<(&str, f64)> = cells.iter().map(|(s, w)| (s.as_str(), *w)).collect();
        ws.set_row_height(r, height(&refs))?;
        for ((l, v), ((l0, l1), (v0, v1))) in pair.iter().zip(SPANS) {
            span(ws, r, l0, l1, l, &st.label)?;
            put_value(ws, r, v0, v1, v, st)?;
        }
        r += 1;
    }

    ws.set_row_height(r, ROW_HEIGHT)?;
    let members = match lang {
        Lang::Zh => format!("家庭成员情况（共 {} 人）", hh.members.len()),
        Lang::En => format!("Members ({})", hh.members.len()),
    };
    span(ws, r, 0, 7, &members, &st.section)?;
    r += 1;
    let heads: [&str; 8] = match lang {
        Lang::Zh => [
            "姓名",
            "与户主关系",
            "身份证号",
            "性别",
            "年龄",
            "健康状况",
            "在校生状况",
            "劳动能力",
        ],
        Lang::En => [
            "Name",
            "Relation",
            "ID number",
            "Sex",
            "Age",
            "Health",
            "Schooling",
            "Labour",
        ],
    };
    let hrefs: Vec<(&str, f64)> = heads.iter().zip(WIDTHS).map(|(h, w)| (*h, w)).collect();
    ws.set_row_height(r, height(&hrefs))?;
    for (c, h) in heads.iter().enumerate() {
        text(ws, r, ColNum::try_from(c)?, h, &st.header)?;
    }
    r += 1;
    for m in &hh.members {
        r = write_member(ws, r, m, book.year, lang, st)?;
    }

    // The head of household and the town's officer sign the form.
    ws.set_row_height(r, 12.0)?;
    r += 1;
    ws.set_row_height(r, 30.0)?;
    span(
        ws,
        r,
        0,
        1,
        label(lang, "户主（签字）：", "Head of household:"),
        &st.sign,
    )?;
    text(ws, r, 2, "", &st.line)?;
    span(
        ws,
        r,
        3,
        5,
        label(lang, "包村干部（签字）：", "Town officer:"),
        &st.sign,
    )?;
    ws.merge_range(r, 6, r, 7, "", &st.line)?;
    Ok(r + 1)
}

fn write_member(
    ws: &mut Worksheet,
    r: RowNum,
    m: &Member,
    year: i32,
    lang: Lang,
    st: &Styles,
) -> Result<RowNum> {
    // Age in the campaign year, and sex when the sheet left it blank, from
    // the ID number.
    let last_day = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let id = idnum::parse(&m.id_number, last_day).ok();
    let age = id.as_ref().map(|p| year - p.id.birth_date().year());
    let sex = if m.sex.trim().is_empty() {
        match id.as_ref().map(|p| p.id.sex()) {
            Some(Sex::Male) => label(lang, "男", "male").into(),
            Some(Sex::Female) => label(lang, "女", "female").into(),
            None => std::borrow::Cow::Borrowed(""),
        }
    } else {
        coded(lang, codes::SEX, &m.sex)
    };
    let cells: [(std::borrow::Cow<str>, &Format); 8] = [
        (m.name.as_str().into(), &st.cell),
        (coded(lang, codes::RELATION, &m.relation), &st.centre),
        (m.id_number.as_str().into(), &st.cell_text),
        (sex, &st.centre),
        ("".into(), &st.centre),
        (coded(lang, codes::HEALTH, &m.health), &st.centre),
        (coded(lang, codes::SCHOOLING, &m.schooling), &st.centre),
        (coded(lang, codes::LABOUR, &m.labour), &st.centre),
    ];
    let refs: Vec<(&str, f64)> = cells
        .iter()
        .zip(WIDTHS)
        .map(|((s, _), w)| (s.as_ref(), w))
        .collect();
    ws.set_row_height(r, height(&refs))?;
    for (c, (s, f)) in cells.iter().enumerate() {
        let c = ColNum::try_from(c)?;
        if c == 4 {
            match age {
                Some(a) => ws.write_number_with_format(r, c, f64::from(a), &st.centre)?,
                None => ws.write_blank(r, c, &st.centre)?,
            };
        } else {
            text(ws, r, c, s, f)?;
        }
    }
    Ok(r + 1)
}
