//! Writing the demo's files: application sheets as CSV or workbooks, and
//! the small text files. Every file is written beside its final name and
//! renamed into place.

use anyhow::{Context, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::domain::columns::{Col, COLUMNS, N_COLS};

use super::household::Household;

pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// Create `path` from a callback writing to a buffered file, by way of a
/// temporary file in the same folder.
pub fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let tmp = temp_beside(path, "")?;
    let mut w = BufWriter::with_capacity(1 << 17, tmp.reopen()?);
    fill(&mut w).with_context(|| format!("cannot write {}", path.display()))?;
    w.flush()?;
    drop(w);
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok(())
}

/// A temporary file in the folder of `path`, readable as an ordinary file
/// is once renamed (the user's umask still applies).
fn temp_beside(path: &Path, suffix: &str) -> Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut b = tempfile::Builder::new();
    b.prefix(".fupin-demo-").suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))
}

/// Where the rows of one application sheet go.
pub enum Sheet {
    Csv(Box<csv::Writer<BufWriter<File>>>, tempfile::NamedTempFile),
    Xlsx(Box<Worksheet>),
}

/// Cell formats of the application workbooks.
struct Formats {
    title: Format,
    header: Format,
}

fn formats() -> Formats {
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center),
        header: Format::new().set_bold(),
    }
}

impl Sheet {
    /// A CSV sheet headed by the Chinese column names, in a temporary file
    /// beside `path`.
    pub fn csv(path: &Path) -> Result<Sheet> {
        let tmp = temp_beside(path, "")?;
        let mut buf = BufWriter::with_capacity(1 << 17, tmp.reopen()?);
        buf.write_all(BOM)?;
        let mut w = csv::WriterBuilder::new().from_writer(buf);
        w.write_record(COLUMNS.iter().map(|c| c.zh))?;
        Ok(Sheet::Csv(Box::new(w), tmp))
    }

    /// A worksheet named after the village, with a merged title row above
    /// the header when `title` is given.
    pub fn xlsx(sheet_name: &str, title: Option<&str>) -> Result<Sheet> {
        let f = formats();
        let mut ws = Worksheet::new();
        ws.set_name(sheet_name)?;
        let header_row = u32::from(title.is_some());
        if let Some(t) = title {
            ws.merge_range(0, 0, 0, (N_COLS - 1) as u16, t, &f.title)?;
            ws.set_row_height(0, 28)?;
        }
        for (i, c) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(header_row, i as u16, c.zh, &f.header)?;
            let width = match c.col {
                Col::IdNumber => 21.0,
                Col::Phone => 13.0,
                Col::Village | Col::Name | Col::Attribute => 11.0,
                Col::MainCause => 17.0,
                _ => 2.5 * c.zh.chars().count() as f64 + 2.0,
            };
            ws.set_column_width(i as u16, width)?;
        }
        ws.set_freeze_panes(header_row + 1, 0)?;
        Ok(Sheet::Xlsx(Box::new(ws)))
    }

    /// Write one row (0-based `row` counts from the top of the sheet).
    pub fn row(&mut self, row: u32, cells: &[&str; N_COLS]) -> Result<()> {
        match self {
            Sheet::Csv(w, _) => w.write_record(cells)?,
            Sheet::Xlsx(ws) => {
                for (i, cell) in cells.iter().enumerate() {
                    if cell.is_empty() {
                        continue;
                    }
                    let col = i as u16;
                    match number_cell(COLUMNS[i].col, cell) {
                        Some(n) => ws.write_number(row, col, n)?,
                        None => ws.write_string(row, col, *cell)?,
                    };
                }
            }
        }
        Ok(())
    }

    /// Finish the sheet and move it to `path`.
    pub fn finish(self, path: &Path, year: i32) -> Result<()> {
        match self {
            Sheet::Csv(w, tmp) => {
                let mut buf = w
                    .into_inner()
                    .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
                buf.flush()?;
                drop(buf);
                tmp.persist(path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot create {}", path.display()))?;
            }
            Sheet::Xlsx(ws) => {
                let mut wb = Workbook::new();
                let created = ExcelDateTime::from_ymd(year.clamp(1900, 9999) as u16, 5, 20)?;
                wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
                wb.push_worksheet(*ws);
                let tmp = temp_beside(path, ".xlsx")?;
                wb.save(tmp.path())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                tmp.persist(path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot create {}", path.display()))?;
            }
        }
        Ok(())
    }
}

/// Numbers a clerk's workbook holds as numbers: household numbers, sizes
/// and plainly written incomes. Everything else stays text.
fn number_cell(col: Col, cell: &str) -> Option<f64> {
    match col {
        Col::HouseholdId | Col::HouseholdSize => cell.parse::<u32>().ok().map(f64::from),
        Col::NetIncome | Col::PerCapitaIncome
            if cell.bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
        {
            cell.parse::<f64>().ok()
        }
        _ => None,
    }
}

/// Write the rows of one household from sheet row `first` (0-based);
/// household-level cells go on the head's row, and on every row when
/// `repeat`.
pub fn household_rows(
    sheet: &mut Sheet,
    first: u32,
    village: &str,
    hh: &Household,
    repeat: bool,
) -> Result<()> {
    let number = hh.number.to_string();
    for (i, m) in hh.members.iter().enumerate() {
        let mut cells: [&str; N_COLS] = [""; N_COLS];
        cells[Col::Village.index()] = m.village_cell.as_deref().unwrap_or(village);
        cells[Col::HouseholdId.index()] = &number;
        cells[Col::Name.index()] = &m.name;
        cells[Col::Relation.index()] = m.relation;
        cells[Col::IdNumber.index()] = &m.id;
        cells[Col::Sex.index()] = m.sex_cell;
        cells[Col::Health.index()] = m.health;
        cells[Col::Schooling.index()] = m.schooling;
        cells[Col::Labour.index()] = m.labour;
        if i == 0 || repeat {
            cells[Col::HouseholdSize.index()] = &hh.size_cell;
            cells[Col::NetIncome.index()] = &hh.net_cell;
            cells[Col::PerCapitaIncome.index()] = &hh.per_capita_cell;
            cells[Col::Housing.index()] = hh.housing;
            cells[Col::MainCause.index()] = hh.cause;
            cells[Col::Attribute.index()] = hh.attribute;
            cells[Col::PublicEmployee.index()] = hh.flags[0];
            cells[Col::OwnsCar.index()] = hh.flags[1];
            cells[Col::TownProperty.index()] = hh.flags[2];
            cells[Col::Business.index()] = hh.flags[3];
            cells[Col::Phone.index()] = &hh.phone;
        }
        sheet.row(first + i as u32, &cells)?;
    }
    Ok(())
}

/// A string as a TOML basic string, quotes included.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
