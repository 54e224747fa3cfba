//! Small input tables (survey, appraisal, meeting, review sheets): find the
//! header row by its labels in either language and read the rows.

use super::application::normalise_header;
use super::sheet::Sheet;

/// A column a table needs: Chinese and English label, required or not.
pub struct Field {
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

impl Field {
    pub const fn required(zh: &'static str, en: &'static str) -> Field {
        Field {
            zh,
            en,
            required: true,
        }
    }
    pub const fn optional(zh: &'static str, en: &'static str) -> Field {
        Field {
            zh,
            en,
            required: false,
        }
    }
}

/// A row of a table: its line and its cells in the order of the fields.
pub struct TableRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// Find the table in a sheet: the first of the first 10 rows that names
/// every required field. Returns the rows, or the missing fields' labels
/// when a row names some fields but not all.
pub fn read_table(sheet: &Sheet, fields: &[Field]) -> Result<Option<Vec<TableRow>>, String> {
    let mut partial: Option<Vec<String>> = None;
    for (i, row) in sheet.rows.iter().take(10).enumerate() {
        let labels: Vec<String> = row.cells.iter().map(|c| normalise_header(c)).collect();
        let pos: Vec<Option<usize>> = fields
            .iter()
            .map(|f| {
                labels
                    .iter()
                    .position(|l| l == f.zh || l.eq_ignore_ascii_case(f.en))
            })
            .collect();
        let hits = pos.iter().filter(|p| p.is_some()).count();
        let missing: Vec<String> = fields
            .iter()
            .zip(&pos)
            .filter(|(f, p)| f.required && p.is_none())
            .map(|(f, _)| format!("{} ({})", f.zh, f.en))
            .collect();
        if missing.is_empty() && hits > 0 {
            let rows = sheet.rows[i + 1..]
                .iter()
                .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
                .map(|r| TableRow {
                    line: r.line,
                    cells: pos
                        .iter()
                        .map(|p| {
                            p.and_then(|p| r.cells.get(p))
                                .map(|c| c.to_string())
                                .unwrap_or_default()
                        })
                        .collect(),
                })
                .collect();
            return Ok(Some(rows));
        }
        if hits >= 2 && partial.is_none() {
            partial = Some(missing);
        }
    }
    match partial {
        Some(missing) => Err(format!(
            "the header lacks the column{} {}",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        )),
        None => Ok(None),
    }
}
