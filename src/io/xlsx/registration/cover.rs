//! The cover (封面): the place, the year, the standard, the counts, the date
//! and lines for the seals and signatures of the village and the town.

use anyhow::Result;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, RowNum, Worksheet};

use super::{date_text, VillageBook};
use crate::domain::campaign::Lang;
use crate::domain::money::Fen;
use crate::io::xlsx::common::{self, label, text};

/// Column widths: a narrow margin, then label and line twice (village side,
/// town side).
const WIDTHS: [f64; 5] = [3.0, 26.0, 18.0, 26.0, 18.0];

fn fmt(size: f64) -> Format {
    super::plain()
        .set_font_size(size)
        .set_align(FormatAlign::VerticalCenter)
}

pub fn write(ws: &mut Worksheet, book: &VillageBook, lang: Lang) -> Result<()> {
    ws.set_name(label(lang, "封面", "Cover"))?;
    for (i, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(u16::try_from(i)?, *w)?;
    }
    let centre = |f: Format| f.set_align(FormatAlign::Center);
    let place_fmt = centre(fmt(18.0));
    let title_fmt = centre(fmt(26.0).set_bold());
    let year_fmt = centre(fmt(16.0));
    let label_fmt = fmt(14.0).set_align(FormatAlign::Right);
    let value_fmt = fmt(14.0).set_border_bottom(FormatBorder::Thin);
    let seal_fmt = centre(fmt(14.0).set_bold());
    let line_fmt = fmt(14.0).set_border_bottom(FormatBorder::Thin);
    let date_fmt = fmt(12.0).set_align(FormatAlign::Right);
    let sign_fmt = fmt(12.0).set_align(FormatAlign::Right);

    let mut r: RowNum = 0;
    let skip = |ws: &mut Worksheet, r: &mut RowNum, h: f64| -> Result<()> {
        ws.set_row_height(*r, h)?;
        *r += 1;
        Ok(())
    };
    skip(ws, &mut r, 40.0)?;
    let place = book.place(lang);
    for (s, f, h) in [
        (place.as_str(), &place_fmt, 34.0),
        (
            label(
                lang,
                "贫困户建档立卡登记册",
                "Poor household registration file",
            ),
            &title_fmt,
            56.0,
        ),
    ] {
        ws.set_row_height(r, h)?;
        ws.merge_range(r, 1, r, 4, "", f)?;
        text(ws, r, 1, s, f)?;
        r += 1;
    }
    let year = match lang {
        Lang::Zh => format!("（{}年度）", book.year),
        Lang::En => format!("({})", book.year),
    };
    ws.set_row_height(r, 30.0)?;
    ws.merge_range(r, 1, r, 4, "", &year_fmt)?;
    text(ws, r, 1, &year, &year_fmt)?;
    r += 1;
    skip(ws, &mut r, 60.0)?;

    let standard = match lang {
        Lang::Zh => format!(
            "{} 元/人·年（{}年不变价 {} 元）",
            Fen::from_yuan(book.standard).grouped_yuan(),
            book.base_year,
            Fen::from_yuan(book.base_amount).grouped_yuan()
        ),
        Lang::En => format!(
            "{} yuan per person per year ({} yuan at {} prices)",
            Fen::from_yuan(book.standard).grouped_yuan(),
            Fen::from_yuan(book.base_amount).grouped_yuan(),
            book.base_year
        ),
    };
    let date = book
        .date
        .as_deref()
        .map(|d| date_text(lang, d))
        .unwrap_or_default();
    let (hh, persons) = (book.stats.households, book.stats.persons);
    let lines: [(&str, String); 8] = [
        (
            label(lang, "县（市、区）：", "County:"),
            book.county.clone(),
        ),
        (label(lang, "乡（镇）：", "Town:"), book.town.clone()),
        (label(lang, "行政村：", "Village:"), book.village.clone()),
        (label(lang, "年度：", "Year:"), book.year.to_string()),
        (label(lang, "现行扶贫标准：", "Current standard:"), standard),
        (
            label(lang, "贫困户数：", "Poor households:"),
            format!("{hh} {}", label(lang, "户", "")).trim().to_string(),
        ),
        (
            label(lang, "贫困人口：", "Poor persons:"),
            format!("{persons} {}", label(lang, "人", ""))
                .trim()
                .to_string(),
        ),
        (label(lang, "日期：", "Date:"), date),
    ];
    for (l, v) in &lines {
        ws.set_row_height(r, 32.0)?;
        text(ws, r, 1, l, &label_fmt)?;
        ws.merge_range(r, 2, r, 4, "", &value_fmt)?;
        text(ws, r, 2, v, &value_fmt)?;
        r += 1;
    }
    skip(ws, &mut r, 50.0)?;

    // Seals side by side, the signatures under each.
    ws.set_row_height(r, 30.0)?;
    for (c, s) in [
        (1, label(lang, "村委会（盖章）", "Village committee (seal)")),
        (
            3,
            label(lang, "镇人民政府（盖章）", "Town government (seal)"),
        ),
    ] {
        ws.merge_range(r, c, r, c + 1, "", &seal_fmt)?;
        text(ws, r, c, s, &seal_fmt)?;
    }
    r += 1;
    skip(ws, &mut r, 80.0)?;
    let signatures: [[&str; 2]; 2] = [
        [
            label(lang, "村支部书记（签字）：", "Party branch secretary:"),
            label(lang, "包村干部（签字）：", "Town officer for the village:"),
        ],
        [label(lang, "村主任（签字）：", "Village head:"), ""],
    ];
    for pair in signatures {
        ws.set_row_height(r, 36.0)?;
        for (c, s) in [(1u16, pair[0]), (3u16, pair[1])] {
            if s.is_empty() {
                continue;
            }
            text(ws, r, c, s, &sign_fmt)?;
            text(ws, r, c + 1, "", &line_fmt)?;
        }
        r += 1;
    }
    ws.set_row_height(r, 36.0)?;
    let day = label(lang, "年　　月　　日", "Date:");
    for c in [2u16, 4u16] {
        text(ws, r, c, day, &date_fmt)?;
    }

    common::print_setup(ws, false, lang);
    ws.set_print_fit_to_pages(1, 1);
    ws.set_print_center_horizontally(true);
    Ok(())
}
