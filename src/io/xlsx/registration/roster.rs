//! The roster (花名册): one row per household of the final list, in the
//! final list's order, and a total.

use anyhow::Result;
use rust_xlsxwriter::{ColNum, FormatAlign, RowNum, Worksheet};

use super::{coded, VillageBook};
use crate::domain::campaign::Lang;
use crate::domain::codes;
use crate::io::xlsx::common::{self, label, text, Formats, Widths};

pub fn write(ws: &mut Worksheet, book: &VillageBook, lang: Lang, formats: &Formats) -> Result<()> {
    ws.set_name(label(lang, "花名册", "Roster"))?;
    let heads: [&str; 8] = match lang {
        Lang::Zh => [
            "序号",
            "户编号",
            "户主",
            "身份证号",
            "家庭人口",
            "人均纯收入\n（元）",
            "致贫原因",
            "贫困户属性",
        ],
        Lang::En => [
            "No.",
            "Household",
            "Head",
            "ID number",
            "Size",
            "Per-capita\nincome (yuan)",
            "Main cause",
            "Attribute",
        ],
    };
    // Widths first: a constant-memory sheet cannot look back.
    let mut widths = Widths::with_limits(6.0, 30.0);
    for (c, h) in heads.iter().enumerate() {
        widths.see(ColNum::try_from(c)?, h);
    }
    let n = book.households.len();
    widths.at_least(0, n.to_string().len());

    let rows: Vec<[String; 4]> = book
        .households
        .iter()
        .map(|hh| {
            [
                hh.household_id.clone(),
                hh.head_name.clone(),
                coded(lang, codes::MAIN_CAUSE, &hh.main_cause).into_owned(),
                coded(lang, codes::ATTRIBUTE, &hh.attribute).into_owned(),
            ]
        })
        .collect();
    for (hh, row) in book.households.iter().zip(&rows) {
        widths.see(1, &row[0]);
        widths.see(2, &row[1]);
        widths.see(3, &hh.head_id);
        widths.see(6, &row[2]);
        widths.see(7, &row[3]);
    }
    widths.apply(ws)?;

    let title = match lang {
        Lang::Zh => format!("{} {}年贫困户花名册", book.place(lang), book.year),
        Lang::En => format!(
            "{}: roster of poor households {}",
            book.place(lang),
            book.year
        ),
    };
    ws.set_row_height(0, 30.0)?;
    ws.merge_range(0, 0, 0, 7, "", &formats.title)?;
    text(ws, 0, 0, &title, &formats.title)?;
    ws.set_row_height(1, 32.0)?;
    for (c, h) in heads.iter().enumerate() {
        text(ws, 1, ColNum::try_from(c)?, h, &formats.header)?;
    }
    let centre_int = formats.int.clone().set_align(FormatAlign::Center);
    let centre_text = formats.text.clone().set_align(FormatAlign::Center);
    let mut r: RowNum = 2;
    let mut persons = 0u64;
    for (i, (hh, row)) in book.households.iter().zip(&rows).enumerate() {
        ws.set_row_height(r, 20.0)?;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &centre_int)?;
        text(ws, r, 1, &row[0], &centre_text)?;
        text(ws, r, 2, &row[1], &formats.cell)?;
        text(ws, r, 3, &hh.head_id, &formats.text)?;
        ws.write_number_with_format(r, 4, hh.members.len() as f64, &formats.int)?;
        match hh.per_capita {
            Some(f) => ws.write_number_with_format(r, 5, f.as_yuan_f64(), &formats.money)?,
            None => ws.write_blank(r, 5, &formats.money)?,
        };
        text(ws, r, 6, &row[2], &formats.center)?;
        text(ws, r, 7, &row[3], &formats.center)?;
        persons += hh.members.len() as u64;
        r += 1;
    }
    let total = match lang {
        Lang::Zh => format!("合计 {n} 户"),
        Lang::En => format!("Total {n} households"),
    };
    ws.set_row_height(r, 20.0)?;
    ws.merge_range(r, 0, r, 3, "", &formats.total)?;
    text(ws, r, 0, &total, &formats.total)?;
    ws.write_number_with_format(r, 4, persons as f64, &formats.total_int)?;
    for c in 5..=7 {
        ws.write_blank(r, c, &formats.total)?;
    }

    ws.set_freeze_panes(2, 0)?;
    common::print_setup(ws, false, lang);
    common::fit_width(ws);
    ws.set_repeat_rows(1, 1)?;
    Ok(())
}
