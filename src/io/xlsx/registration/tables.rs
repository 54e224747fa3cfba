//! The classified statistics sheet (分类统计), shared by the village workbook
//! and the town summary: the tables stacked one under the other, each with
//! its header row, every code of its list, and a total that equals the
//! households or persons of the cover.

use anyhow::Result;
use rust_xlsxwriter::{ColNum, FormatAlign, RowNum, Worksheet};

use crate::domain::campaign::Lang;
use crate::domain::statistics::{Dimension, Statistics, Table};
use crate::io::xlsx::common::{label, text, Formats, Widths};

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// The header of a table's columns.
pub fn headers(lang: Lang, per_person: bool) -> Vec<&'static str> {
    let mut h = vec![label(lang, "类别", "Category")];
    if !per_person {
        h.push(label(lang, "户数", "Households"));
        h.push(label(lang, "占比", "Share"));
    }
    h.push(label(lang, "人数", "Persons"));
    h.push(label(lang, "占比", "Share"));
    h
}

/// The title of a table: `一、按主要致贫原因（户数、人数）`.
pub fn table_title(lang: Lang, i: usize, d: Dimension) -> String {
    match lang {
        Lang::Zh => format!(
            "{}、{}{}",
            NUMERALS.get(i).copied().unwrap_or("十"),
            d.zh(),
            if d.per_person() {
                "（人数）"
            } else {
                "（户数、人数）"
            }
        ),
        Lang::En => format!(
            "{}. {}{}",
            i + 1,
            d.en(),
            if d.per_person() {
                " (persons)"
            } else {
                " (households and persons)"
            }
        ),
    }
}

/// Where a table's body rows stand: the first row, the number of rows (the
/// total row follows them) and the column of the labels; the households
/// (or the persons of a table of persons) stand in the next column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub dimension: Dimension,
    pub first_row: RowNum,
    pub rows: RowNum,
    pub col: ColNum,
}

/// The column of the tables of persons, right of the tables of households.
const RIGHT: ColNum = 6;
const LAST: ColNum = RIGHT + 2;

/// Write a whole statistics sheet: a title, the totals, then the tables of
/// households on the left and the tables of persons on the right, so that
/// the sheet prints on one page.
pub fn write_sheet(
    ws: &mut Worksheet,
    title: &str,
    stats: &Statistics,
    lang: Lang,
    formats: &Formats,
) -> Result<Vec<Placed>> {
    let mut widths = Widths::with_limits(8.0, 40.0);
    ws.set_row_height(0, 30.0)?;
    ws.merge_range(0, 0, 0, LAST, "", &formats.title)?;
    text(ws, 0, 0, title, &formats.title)?;
    let totals = match lang {
        Lang::Zh => format!(
            "贫困户 {} 户，贫困人口 {} 人",
            stats.households, stats.persons
        ),
        Lang::En => format!(
            "{} poor households, {} poor persons",
            stats.households, stats.persons
        ),
    };
    let centre = super::plain().set_align(FormatAlign::Center);
    ws.merge_range(1, 0, 1, LAST, "", &centre)?;
    text(ws, 1, 0, &totals, &centre)?;
    let mut next: [RowNum; 2] = [3, 3];
    let mut placed = Vec::new();
    for (i, t) in stats.tables.iter().enumerate() {
        let side = usize::from(t.dimension.per_person());
        let col = if side == 1 { RIGHT } else { 0 };
        let r = next[side];
        placed.push(Placed {
            dimension: t.dimension,
            first_row: r + 2,
            rows: RowNum::try_from(t.rows().len())?,
            col,
        });
        next[side] = write_table(ws, r, col, i, t, stats, lang, formats, &mut widths)? + 1;
    }
    // The two sides share rows: one height for all.
    for r in 3..next[0].max(next[1]) {
        ws.set_row_height(r, 20.0)?;
    }
    widths.at_least(RIGHT - 1, 0);
    widths.apply(ws)?;
    ws.set_column_width(RIGHT - 1, 3.0)?;
    ws.set_freeze_panes(2, 0)?;
    Ok(placed)
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[allow(clippy::too_many_arguments)]
fn write_table(
    ws: &mut Worksheet,
    mut r: RowNum,
    c0: ColNum,
    i: usize,
    t: &Table,
    stats: &Statistics,
    lang: Lang,
    formats: &Formats,
    widths: &mut Widths,
) -> Result<RowNum> {
    let per_person = t.dimension.per_person();
    let heads = headers(lang, per_person);
    let last = c0 + ColNum::try_from(heads.len() - 1)?;
    let section = super::plain().set_bold().set_font_size(11);
    ws.merge_range(r, c0, r, last, "", &section)?;
    text(ws, r, c0, &table_title(lang, i, t.dimension), &section)?;
    r += 1;
    for (c, h) in heads.iter().enumerate() {
        let c = c0 + ColNum::try_from(c)?;
        widths.text(ws, r, c, h, &formats.header)?;
    }
    r += 1;
    let pct = formats.cell.clone().set_num_format("0.0%");
    let pct_total = formats.total.clone().set_num_format("0.0%");
    let mut put = |ws: &mut Worksheet,
                   r: RowNum,
                   name: &str,
                   households: u64,
                   persons: u64,
                   total: bool|
     -> Result<()> {
        let (f_text, f_int, f_pct) = if total {
            (&formats.total, &formats.total_int, &pct_total)
        } else {
            (&formats.cell, &formats.int, &pct)
        };
        widths.text(ws, r, c0, name, f_text)?;
        let mut c = c0 + 1;
        let mut cells = Vec::new();
        if !per_person {
            cells.push((households, stats.households));
        }
        cells.push((persons, stats.persons));
        for (n, whole) in cells {
            ws.write_number_with_format(r, c, n as f64, f_int)?;
            match share(n, whole) {
                Some(s) => ws.write_number_with_format(r, c + 1, s, f_pct)?,
                None => ws.write_blank(r, c + 1, f_pct)?,
            };
            c += 2;
        }
        Ok(())
    };
    for (cat, n) in t.rows() {
        put(
            ws,
            r,
            label(lang, cat.zh(), cat.en()),
            n.households,
            n.persons,
            false,
        )?;
        r += 1;
    }
    let sum = t.total();
    put(
        ws,
        r,
        label(lang, "合计", "Total"),
        sum.households,
        sum.persons,
        true,
    )?;
    Ok(r + 1)
}
