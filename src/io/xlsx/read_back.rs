//! Test helpers: the cells of a written workbook, read back as text.

use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// A cell as text; whole numbers without a decimal point.
pub fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::Float(x) if x.fract() == 0.0 => format!("{}", *x as i64),
        other => other.to_string(),
    }
}

/// A sheet's rows, from its first used cell.
pub fn rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap(); // ok: test code, not built into fupin
    let range = wb.worksheet_range(sheet).unwrap(); // ok: test code, not built into fupin
    range.rows().map(|r| r.iter().map(cell).collect()).collect()
}
