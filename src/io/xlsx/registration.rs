//! The registration workbook of a village (建档立卡登记册, DESIGN 2.8): a
//! cover with the seals and signatures, the classified statistics, one
//! registration form per household on its own printed page, and the roster.

use std::borrow::Cow;
use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{Format, Workbook};

use super::common::{self, label, Formats};
use crate::domain::campaign::Lang;
use crate::domain::codes::{self, Code};
use crate::domain::list::IncomeBasis;
use crate::domain::money::Fen;
use crate::domain::statistics::Statistics;
use crate::io::atomic::write_via_path;

mod cover;
mod forms;
mod roster;
pub mod tables;

pub use forms::FORMS_PER_SHEET;

/// The font of the registration workbooks and the town summary. Arial has
/// metric-compatible stand-ins everywhere (Liberation Sans with LibreOffice),
/// so column widths, which are counted in digits of the workbook's font,
/// print the same in Excel, WPS and LibreOffice; Chinese text is drawn in
/// the system's Chinese font in each of them.
pub const FONT: &str = "Arial";
const FONT_SIZE: f64 = 10.0;

/// A plain format in the workbook's font.
pub fn plain() -> Format {
    Format::new().set_font_name(FONT).set_font_size(FONT_SIZE)
}

/// The shared formats in the workbook's font.
pub fn formats() -> Formats {
    let f = Formats::new();
    let a = |x: Format| x.set_font_name(FONT);
    let s = |x: Format| a(x).set_font_size(FONT_SIZE);
    Formats {
        header: s(f.header),
        title: a(f.title),
        cell: s(f.cell),
        wrap: s(f.wrap),
        center: s(f.center),
        text: s(f.text),
        text_column: s(f.text_column),
        money: s(f.money),
        int: s(f.int),
        total: s(f.total),
        total_int: s(f.total_int),
        para: s(f.para),
    }
}

/// A reproducible workbook (see [`common::new_workbook`]) whose default
/// font is [`FONT`], so that its column widths print alike everywhere.
pub fn new_workbook(year: i32) -> Result<Workbook> {
    let mut wb = common::new_workbook(year);
    // Arial 10: rows of 17 pixels, columns of 64 (digits of 7 pixels).
    wb.set_default_format(&plain(), 17, 64)?;
    Ok(wb)
}

/// How the household's income was established, as the form labels it.
pub fn basis_label(basis: Option<IncomeBasis>, lang: Lang) -> &'static str {
    match basis {
        Some(IncomeBasis::Declared) => label(lang, "申报", "declared"),
        Some(IncomeBasis::Verified) => label(lang, "核实", "verified"),
        None => "",
    }
}

/// One member of a household, values as the register holds them.
#[derive(Clone, Debug, Default)]
pub struct Member {
    pub name: String,
    pub relation: String,
    pub id_number: String,
    pub sex: String,
    pub health: String,
    pub schooling: String,
    pub labour: String,
}

/// One household of the final list with what its form shows.
#[derive(Clone, Debug, Default)]
pub struct FormHousehold {
    /// 户编号
    pub household_id: String,
    pub head_name: String,
    pub head_id: String,
    /// 家庭年纯收入, the basis of the decision.
    pub net_income: Option<Fen>,
    /// 人均纯收入 as the lists show it (rounded to the fen).
    pub per_capita: Option<Fen>,
    /// Blank when the primary list gives none.
    pub basis: Option<IncomeBasis>,
    pub housing: String,
    pub main_cause: String,
    pub attribute: String,
    pub phone: String,
    /// 排名 within the pool, as the final list gives it.
    pub rank: Option<u32>,
    /// Head first, then the others in register order.
    pub members: Vec<Member>,
}

/// Everything the workbook of one village shows.
#[derive(Clone, Debug, Default)]
pub struct VillageBook {
    pub county: String,
    pub town: String,
    pub village: String,
    pub village_code: String,
    pub year: i32,
    /// The current standard, yuan per person per year.
    pub standard: i64,
    pub base_amount: i64,
    pub base_year: i32,
    /// End of the county announcement, as `YYYY-MM-DD` or as written.
    pub date: Option<String>,
    pub households: Vec<FormHousehold>,
    pub stats: Statistics,
}

impl VillageBook {
    /// `平阴县孝直镇双河村` / `Shuanghe, Xiaozhi, Pingyin`.
    pub fn place(&self, lang: Lang) -> String {
        place(lang, &[&self.county, &self.town, &self.village])
    }
}

/// Places joined the way each language writes them (Chinese from the
/// largest, English from the smallest).
pub fn place(lang: Lang, parts: &[&str]) -> String {
    let parts: Vec<&str> = parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    match lang {
        Lang::Zh => parts.concat(),
        Lang::En => parts.into_iter().rev().collect::<Vec<_>>().join(", "),
    }
}

/// The label of a coded value: the Chinese label (or the English code in
/// English workbooks) whatever language or alias the sheet used; a value
/// not in the list is shown as written.
pub fn coded<'a>(lang: Lang, list: &'static [Code], value: &'a str) -> Cow<'a, str> {
    match codes::lookup(list, value) {
        Some(c) => Cow::Borrowed(label(lang, c.zh, c.en)),
        None => Cow::Borrowed(value.trim()),
    }
}

/// A date of the schedule as a clerk writes it: `2015年6月30日`, or the
/// text as given when it is not `YYYY-MM-DD`.
pub fn date_text(lang: Lang, s: &str) -> String {
    let s = s.trim();
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => match lang {
            Lang::Zh => format!(
                "{}年{}月{}日",
                chrono::Datelike::year(&d),
                chrono::Datelike::month(&d),
                chrono::Datelike::day(&d)
            ),
            Lang::En => d.format("%-d %B %Y").to_string(),
        },
        Err(_) => s.to_string(),
    }
}

/// The page header of every sheet: the place and the document.
fn page_header(book: &VillageBook, lang: Lang) -> String {
    let doc = label(lang, "贫困户建档立卡登记册", "Poor household registration");
    format!(
        "&L{}&R{}",
        common::header_footer_text(&book.place(lang)),
        common::header_footer_text(&format!("{} {}", book.year, doc))
    )
}

/// Write the workbook of one village; returns the number of form sheets.
pub fn write_registration(
    path: &Path,
    book: &VillageBook,
    lang: Lang,
    fast: bool,
) -> Result<usize> {
    let mut sheets = 0;
    write_via_path(path, |tmp| {
        let mut wb = new_workbook(book.year)?;
        if fast {
            wb.set_zip_compression_level(3);
        }
        if let Some(dir) = tmp.parent().filter(|d| !d.as_os_str().is_empty()) {
            wb.set_tempdir(dir)?;
        }
        sheets = build(&mut wb, book, lang)?;
        wb.save(tmp)?;
        Ok(())
    })?;
    Ok(sheets)
}

fn build(wb: &mut Workbook, book: &VillageBook, lang: Lang) -> Result<usize> {
    let formats = formats();
    let header = page_header(book, lang);

    let ws = wb.add_worksheet();
    cover::write(ws, book, lang)?;
    ws.set_header(&header);

    let ws = wb.add_worksheet();
    ws.set_name(label(lang, "分类统计", "Statistics"))?;
    let title = match lang {
        Lang::Zh => format!("{} {}年贫困户分类统计", book.village, book.year),
        Lang::En => format!("{}: classified statistics {}", book.village, book.year),
    };
    tables::write_sheet(ws, &title, &book.stats, lang, &formats)?;
    common::print_setup(ws, false, lang);
    ws.set_print_fit_to_pages(1, 1);
    ws.set_header(&header);

    let n = forms::write(wb, book, lang, &formats, &header)?;

    let ws = wb.add_worksheet_with_constant_memory()?;
    roster::write(ws, book, lang, &formats)?;
    ws.set_header(&header);
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coded_values_show_the_label_of_the_workbook_language() {
        assert_eq!(
            coded(Lang::Zh, codes::HEALTH, "serious_illness"),
            "患有大病"
        );
        assert_eq!(coded(Lang::Zh, codes::RELATION, "之儿媳"), "子女");
        assert_eq!(coded(Lang::En, codes::ATTRIBUTE, "低保户"), "dibao");
        assert_eq!(coded(Lang::Zh, codes::HEALTH, " 很好 "), "很好");
    }

    #[test]
    fn places_and_dates() {
        assert_eq!(place(Lang::Zh, &["平阴县", "", "双河村"]), "平阴县双河村");
        assert_eq!(place(Lang::En, &["P", "X", "S"]), "S, X, P");
        assert_eq!(date_text(Lang::Zh, "2015-06-30"), "2015年6月30日");
        assert_eq!(date_text(Lang::En, "2015-06-30"), "30 June 2015");
        assert_eq!(date_text(Lang::Zh, "六月底"), "六月底");
    }
}

#[cfg(test)]
mod many_forms {
    use super::*;
    use calamine::{Reader, Xlsx};
    use std::io::Read;

    fn book(n: usize) -> VillageBook {
        let mut b = VillageBook {
            village: "大村".into(),
            year: 2015,
            ..Default::default()
        };
        for i in 0..n {
            b.households.push(FormHousehold {
                household_id: (i + 1).to_string(),
                head_name: format!("户主{i}"),
                members: vec![Member {
                    name: format!("户主{i}"),
                    relation: "户主".into(),
                    ..Default::default()
                }],
                ..Default::default()
            });
        }
        b
    }

    fn sheet_xml(path: &std::path::Path, n: usize) -> String {
        let f = std::fs::File::open(path).unwrap(); // ok: test code, not built into fupin
        let mut z = zip::ZipArchive::new(f).unwrap(); // ok: test code, not built into fupin
        let mut s = String::new();
        z.by_name(&format!("xl/worksheets/sheet{n}.xml"))
            .unwrap() // ok: test code, not built into fupin
            .read_to_string(&mut s)
            .unwrap(); // ok: test code, not built into fupin
        s
    }

    #[test]
    fn forms_beyond_1023_go_to_a_second_sheet() {
        let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let p = d.path().join("大村.xlsx");
        let sheets = write_registration(&p, &book(1_100), Lang::Zh, true).unwrap(); // ok: test code, not built into fupin
        assert_eq!(sheets, 2);
        let mut wb: Xlsx<_> = calamine::open_workbook(&p).unwrap(); // ok: test code, not built into fupin
        let names = wb.sheet_names();
        assert_eq!(names, ["封面", "分类统计", "登记表", "登记表(2)", "花名册"]);
        for (name, forms) in [("登记表", 1_023), ("登记表(2)", 77)] {
            let range = wb.worksheet_range(name).unwrap(); // ok: test code, not built into fupin
            let titles = range
                .used_cells()
                .filter(|(_, _, v)| matches!(v, calamine::Data::String(s) if s == "贫困户登记表"))
                .count();
            assert_eq!(titles, forms, "{name}");
        }
        // Sheets 3 and 4 are the forms: a break before every form but the
        // first of each sheet.
        for (n, breaks) in [(3, 1_022), (4, 76)] {
            let xml = sheet_xml(&p, n);
            assert!(
                xml.contains(&format!(
                    "<rowBreaks count=\"{breaks}\" manualBreakCount=\"{breaks}\">"
                )),
                "sheet{n}"
            );
            assert!(!xml.contains("fitToPage"), "sheet{n} must not fit to pages");
        }
    }
}
