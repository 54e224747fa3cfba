//! The lists that pass from stage to stage (DESIGN 5): `survey.csv`,
//! `primary-list.csv`, `appraised.csv`, `after-<stage>-review.csv`,
//! `final-list.csv`. Each is a typed line ([`PrimaryLine`],
//! [`AppraisedLine`], [`ReviewLine`], [`FinalLine`], [`SurveyLine`]) read by
//! the names of the header, whatever the order of the columns, and written
//! by one writer in the order of its `HEADER`. The household lists start
//! with the same five columns, [`Base`].

mod appraised;
mod primary;
mod review;
mod survey;
#[cfg(test)]
mod tests;

pub use appraised::AppraisedLine;
pub use primary::PrimaryLine;
pub use review::{FinalLine, ReviewLine};
pub use survey::SurveyLine;

use anyhow::Result;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::csvout;
use crate::domain::key::HouseholdKey;
use crate::domain::list::Code;
use crate::domain::money::{parse_money, Fen};
use crate::domain::rules::natural_cmp;

/// The first columns of every household list.
pub const BASE: [&str; 5] = [
    "village_code",
    "village",
    "household_id",
    "head_name",
    "size",
];

/// A list file that cannot be read: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListError {
    pub file: PathBuf,
    /// The line of the file (the header is line 1).
    pub line: u64,
    /// The column, when the problem is one cell's or a missing column.
    pub column: String,
    pub problem: String,
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file.display(), self.line)?;
        if !self.column.is_empty() {
            write!(f, ", column {}", self.column)?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ListError {}

/// One line of a list: its columns, how it is read from them and written.
pub trait Line: Sized {
    /// The columns in the order they are written.
    const HEADER: &'static [&'static str];
    fn read(cells: &Cells<'_>) -> Result<Self, ListError>;
    /// The cells in the order of [`Line::HEADER`], before neutralisation.
    fn cells(&self) -> Vec<String>;
}

/// A household line of a list, with its rank when it has one.
pub trait Ranked {
    fn base(&self) -> &Base;
    fn rank(&self) -> Option<u32>;
}

/// Rank order, households without a rank last, then household number.
pub fn rank_cmp(a: &impl Ranked, b: &impl Ranked) -> std::cmp::Ordering {
    let rank = |r: Option<u32>| r.unwrap_or(u32::MAX);
    rank(a.rank())
        .cmp(&rank(b.rank()))
        .then_with(|| natural_cmp(&a.base().key.household_id, &b.base().key.household_id))
}

/// The five first columns of every household list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Base {
    /// `village_code` and `household_id`.
    pub key: HouseholdKey,
    pub village: String,
    pub head_name: String,
    pub size: u32,
}

impl Base {
    fn read(c: &Cells<'_>) -> Result<Base, ListError> {
        Ok(Base {
            key: HouseholdKey::new(c.text("village_code")?, c.text("household_id")?),
            village: c.text("village")?.to_string(),
            head_name: c.text("head_name")?.to_string(),
            size: c.number("size")?,
        })
    }

    /// The five cells, first of a line.
    fn cells(&self, extra: usize) -> Vec<String> {
        let mut v = Vec::with_capacity(BASE.len() + extra);
        v.extend([
            self.key.village_code.clone(),
            self.village.clone(),
            self.key.household_id.clone(),
            self.head_name.clone(),
            self.size.to_string(),
        ]);
        v
    }
}

/// The cells of one record, looked up by the names of the line's header.
pub struct Cells<'a> {
    path: &'a Path,
    line: u64,
    header: &'static [&'static str],
    /// For each column of `header`, its position in the file.
    at: &'a [usize],
    rec: &'a csv::StringRecord,
}

impl<'a> Cells<'a> {
    fn error(&self, column: &str, problem: String) -> ListError {
        ListError {
            file: self.path.to_path_buf(),
            line: self.line,
            column: column.to_string(),
            problem,
        }
    }

    /// The cell as written, a neutralised formula restored.
    pub fn text(&self, column: &str) -> Result<&'a str, ListError> {
        let i = self
            .header
            .iter()
            .position(|h| *h == column)
            .and_then(|i| self.at.get(i))
            .ok_or_else(|| self.error(column, "not a column of this list".into()))?;
        Ok(csvout::restore(self.rec.get(*i).unwrap_or("")))
    }

    pub fn string(&self, column: &str) -> Result<String, ListError> {
        Ok(self.text(column)?.to_string())
    }

    /// A whole number that must be there.
    pub fn number<T: FromStr>(&self, column: &str) -> Result<T, ListError> {
        self.optional(column)?
            .ok_or_else(|| self.error(column, "the number is missing".into()))
    }

    /// A whole number, or a blank cell.
    pub fn optional<T: FromStr>(&self, column: &str) -> Result<Option<T>, ListError> {
        match self.text(column)?.trim() {
            "" => Ok(None),
            s => s
                .parse()
                .map(Some)
                .map_err(|_| self.error(column, format!("{s:?} is not a whole number"))),
        }
    }

    /// An amount of money, or a blank cell.
    pub fn money(&self, column: &str) -> Result<Option<Fen>, ListError> {
        match self.text(column)?.trim() {
            "" => Ok(None),
            s => parse_money(s)
                .map(Some)
                .map_err(|_| self.error(column, format!("{s:?} is not an amount of money"))),
        }
    }

    /// One of the codes of `T`.
    pub fn code<T: Code>(&self, column: &str) -> Result<T, ListError> {
        let s = self.text(column)?;
        T::from_code(s)
            .ok_or_else(|| self.error(column, format!("{s:?} is not one of {}", T::codes())))
    }

    /// One of the codes of `T`, or a blank cell.
    pub fn optional_code<T: Code>(&self, column: &str) -> Result<Option<T>, ListError> {
        if self.text(column)?.trim().is_empty() {
            return Ok(None);
        }
        self.code(column).map(Some)
    }
}

/// A blank cell for `None`.
fn opt(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Read a list, line by line, handing each to `each`.
pub fn for_each<T: Line>(
    path: &Path,
    mut each: impl FnMut(T) -> Result<(), ListError>,
) -> Result<(), ListError> {
    let fail = |line: u64, problem: String| ListError {
        file: path.to_path_buf(),
        line,
        column: String::new(),
        problem,
    };
    let mut rdr = csv::Reader::from_path(path).map_err(|e| fail(0, format!("cannot read: {e}")))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| fail(1, e.to_string()))?
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut at = Vec::with_capacity(T::HEADER.len());
    for name in T::HEADER {
        match header.iter().position(|h| h == name) {
            Some(i) => at.push(i),
            None => {
                return Err(ListError {
                    file: path.to_path_buf(),
                    line: 1,
                    column: name.to_string(),
                    problem: "the column is missing: this is not a list fupin wrote, or one of an earlier version; run the stage that writes it again".into(),
                })
            }
        }
    }
    let mut rec = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => return Err(fail(line, e.to_string())),
        }
        let line = rec.position().map_or(line, |p| p.line());
        let cells = Cells {
            path,
            line,
            header: T::HEADER,
            at: &at,
            rec: &rec,
        };
        each(T::read(&cells)?)?;
    }
}

/// Read a whole list.
pub fn read<T: Line>(path: &Path) -> Result<Vec<T>, ListError> {
    let mut out = Vec::new();
    for_each(path, |l| {
        out.push(l);
        Ok(())
    })?;
    Ok(out)
}

/// Write a list: BOM, the header of `T`, a line each, formula-like text
/// neutralised.
pub fn write<T: Line>(path: &Path, lines: impl IntoIterator<Item = T>) -> Result<()> {
    csvout::write_csv(path, T::HEADER, lines.into_iter().map(|l| l.cells()))
}

/// Write a list from borrowed lines.
pub fn write_all<'a, T: Line + 'a>(
    path: &Path,
    lines: impl IntoIterator<Item = &'a T>,
) -> Result<()> {
    csvout::write_csv(path, T::HEADER, lines.into_iter().map(|l| l.cells()))
}
