//! The register: one row per person, as the village sheets gave it, and the
//! household it belongs to.

use std::sync::Arc;

use super::columns::{Col, N_COLS};
use super::finding::Source;
use super::money::Exact;
use super::rules::natural_cmp;
use super::text::normal;

/// The text of a cell: kept inline, without an allocation, up to 24 bytes
/// (every code, name, ID number and amount of a sheet), on the heap beyond.
pub type Cell = compact_str::CompactString;

/// One person's row of an application sheet, cells in the order of
/// [`super::columns::COLUMNS`], trimmed; unknown columns in `extras` in the
/// order of the register's extra columns. The cells are held as one text
/// and where each lies in it: a row is made with one copy of the text it
/// was read from, not a string for each cell.
#[derive(Clone, Debug, Default)]
pub struct PersonRow {
    pub src: Source,
    /// The roster code of the village, once resolved.
    pub village_code: Cell,
    /// The cells' text (a cell set later is added at its end).
    text: String,
    /// Where each cell lies in `text`.
    spans: [Span; N_COLS],
    /// The ID number as written, when it differs from the ID number cell
    /// (a 15-digit number converted to 18).
    pub id_as_written: Cell,
    /// [`super::idnum::IdNumber::key`] of a valid ID number, 0 when invalid.
    pub id_key: u64,
    pub extras: Vec<Cell>,
}

/// Where a cell lies in its row's text: from, to (bytes).
pub type Span = (u32, u32);

impl PersonRow {
    pub fn new(src: Source) -> PersonRow {
        PersonRow {
            src,
            ..Default::default()
        }
    }

    /// The row read at `file`, `sheet` and `row`, whose cells lie in
    /// `text` at `spans` (each on character boundaries; a span that is not
    /// reads as an empty cell), with no ID number or village code yet and
    /// no extra cells. What it held before is gone; its allocations are
    /// kept, so that a row can be used again for the next one read.
    pub fn refill(
        &mut self,
        (file, sheet, row): (&Arc<str>, &Arc<str>, u64),
        text: &str,
        spans: [Span; N_COLS],
    ) {
        // Every field, so that a field added later is not forgotten here.
        let PersonRow {
            src,
            village_code,
            text: mine,
            spans: my_spans,
            id_as_written,
            id_key,
            extras,
        } = self;
        if !Arc::ptr_eq(&src.file, file) {
            src.file = file.clone();
        }
        if !Arc::ptr_eq(&src.sheet, sheet) {
            src.sheet = sheet.clone();
        }
        src.row = row;
        village_code.clear();
        mine.clear();
        mine.push_str(text);
        *my_spans = spans;
        id_as_written.clear();
        *id_key = 0;
        extras.clear();
    }

    pub fn get(&self, col: Col) -> &str {
        self.cell(col.index())
    }

    /// The `i`-th cell, in the order of the columns.
    fn cell(&self, i: usize) -> &str {
        let (from, to) = self.spans[i];
        self.text.get(from as usize..to as usize).unwrap_or("")
    }

    /// Whether a cell is filled: as `!get(col).is_empty()`, without
    /// reading its text.
    pub fn has(&self, col: Col) -> bool {
        let (from, to) = self.spans[col.index()];
        from < to
    }

    /// The cells in the order of the columns.
    pub fn cells(&self) -> impl Iterator<Item = &str> + '_ {
        (0..N_COLS).map(|i| self.cell(i))
    }

    pub fn set(&mut self, col: Col, value: &str) {
        if self.get(col) == value {
            return;
        }
        let from = self.text.len();
        self.text.push_str(value);
        self.spans[col.index()] = (from as u32, self.text.len() as u32);
    }
}

/// Which of the three deprivations of DESIGN 2.2 a household has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deprivations {
    pub unsafe_housing: bool,
    pub illness_or_disability: bool,
    pub dropout: bool,
}

impl Deprivations {
    pub fn count(self) -> u8 {
        self.unsafe_housing as u8 + self.illness_or_disability as u8 + self.dropout as u8
    }
    /// `危房; 大病/残疾; 辍学` for lists.
    pub fn label(self) -> String {
        let mut v = Vec::new();
        if self.unsafe_housing {
            v.push("危房");
        }
        if self.illness_or_disability {
            v.push("大病/残疾");
        }
        if self.dropout {
            v.push("辍学");
        }
        v.join("、")
    }
}

/// A household as the checks left it: what the later stages need.
#[derive(Clone, Debug, Default)]
pub struct Household {
    /// Index of the village in the roster, when it is in the roster.
    pub village: Option<usize>,
    pub village_code: Cell,
    /// The village as the clerk knows it: the roster name, or the cell.
    pub village_name: Cell,
    pub household_id: Cell,
    pub head_name: Cell,
    /// Which of the household's rows is its head's (the first head's when
    /// it has two, the first row when it has none).
    pub head: usize,
    /// Persons listed.
    pub size: u32,
    /// Annual net income (the basis), when it could be read: exact, for a
    /// per-capita income of 3321.995 times the size is not whole fen. It is
    /// rounded to the fen only when shown ([`Exact::fen`]).
    pub net_income: Option<Exact>,
    pub deprivations: Deprivations,
    /// Exclusion flags answered yes, by their configured names.
    pub flags: Vec<String>,
    /// The first error finding's message, when the household has one.
    pub error: Option<String>,
    /// Where its first row is (set for the households a check keeps).
    pub src: Source,
}

/// Group rows into households by (village, household number) in order of
/// first appearance.
pub fn group_households(rows: Vec<PersonRow>) -> Vec<Vec<PersonRow>> {
    let mut order: Vec<Vec<PersonRow>> = Vec::with_capacity(rows.len() / 2 + 1);
    let mut index: rustc_hash::FxHashMap<(Cell, Cell), usize> = Default::default();
    index.reserve(rows.len() / 2 + 1);
    for row in rows {
        // Rows of a household usually follow each other.
        if let Some(last) = order.last_mut() {
            if written_alike(&last[0], &row) {
                last.push(row);
                continue;
            }
        }
        let key = household_key(&row);
        match index.get(&key) {
            Some(&i) => order[i].push(row),
            None => {
                index.insert(key, order.len());
                order.push(vec![row]);
            }
        }
    }
    order
}

/// Whether two rows name their village and household in the same words.
fn written_alike(a: &PersonRow, b: &PersonRow) -> bool {
    a.get(Col::HouseholdId) == b.get(Col::HouseholdId)
        && a.get(Col::Village) == b.get(Col::Village)
        && a.village_code == b.village_code
}

/// What rows are grouped into households by: village and household number,
/// normalised (`１` and `1` are one household, DESIGN 7).
fn household_key(row: &PersonRow) -> (Cell, Cell) {
    (
        village_key(row),
        Cell::from(normal(row.get(Col::HouseholdId))),
    )
}

/// Households formed as rows are read, as [`group_households`] forms them
/// when the rows of each household follow each other (as they nearly
/// always do): each household is handed on as soon as the next begins.
#[derive(Default)]
pub struct Streak {
    rows: Vec<PersonRow>,
    key: Option<(Cell, Cell)>,
    /// The households handed on.
    done: rustc_hash::FxHashSet<(Cell, Cell)>,
    /// Rows of households handed on, to be filled again.
    spare: Vec<PersonRow>,
}

/// A row of a household whose rows were handed on already: the rows must
/// be grouped whole, by [`group_households`].
#[derive(Debug, PartialEq, Eq)]
pub struct Scattered;

impl Streak {
    /// Take the next row; `ready` gets the household it ends, if any.
    pub fn push(
        &mut self,
        row: PersonRow,
        ready: &mut impl FnMut(&mut [PersonRow]),
    ) -> Result<(), Scattered> {
        if self
            .rows
            .first()
            .is_some_and(|first| written_alike(first, &row))
        {
            self.rows.push(row);
            return Ok(());
        }
        let key = household_key(&row);
        if self.key.as_ref() == Some(&key) {
            self.rows.push(row);
            return Ok(());
        }
        if self.done.contains(&key) {
            return Err(Scattered);
        }
        self.finish(ready);
        self.key = Some(key);
        self.rows.push(row);
        Ok(())
    }

    /// A row of a household handed on, to be filled again
    /// ([`PersonRow::refill`]).
    pub fn spare(&mut self) -> PersonRow {
        self.spare.pop().unwrap_or_default()
    }

    /// Hand on the household being read.
    pub fn finish(&mut self, ready: &mut impl FnMut(&mut [PersonRow])) {
        if !self.rows.is_empty() {
            ready(&mut self.rows);
            self.spare.append(&mut self.rows);
        }
        if let Some(k) = self.key.take() {
            self.done.insert(k);
        }
    }
}

fn village_key(row: &PersonRow) -> Cell {
    if row.village_code.is_empty() {
        compact_str::format_compact!("?{}", normal(row.get(Col::Village)))
    } else {
        row.village_code.clone()
    }
}

/// Natural order of (village code, household number): for sorting
/// households deterministically.
pub fn household_cmp(a: (&str, &str), b: (&str, &str)) -> std::cmp::Ordering {
    a.0.cmp(b.0).then_with(|| natural_cmp(a.1, b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `１` and `1` are one household (DESIGN 7), grouped or streamed.
    #[test]
    fn full_width_household_numbers_are_one_household() {
        let file: Arc<str> = "甲村.csv".into();
        let row = |n: u64, village: &str, hh: &str| {
            let mut p = PersonRow::new(Source {
                file: file.clone(),
                sheet: "".into(),
                row: n,
            });
            p.set(Col::Village, village);
            p.set(Col::HouseholdId, hh);
            p
        };
        let rows = vec![
            row(2, "甲村", "1"),
            row(3, "甲村", "２"),
            row(4, "甲村", "１"),
            row(5, "甲村 ", " 2"),
        ];
        let groups = group_households(rows.clone());
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 2]);
        let mut streak = Streak::default();
        let mut seen = Vec::new();
        let mut ready = |rows: &mut [PersonRow]| seen.push(rows.len());
        assert_eq!(streak.push(rows[0].clone(), &mut ready), Ok(()));
        assert_eq!(streak.push(rows[2].clone(), &mut ready), Ok(()));
        assert_eq!(streak.push(rows[1].clone(), &mut ready), Ok(()));
        assert_eq!(streak.push(rows[3].clone(), &mut ready), Ok(()));
        streak.finish(&mut ready);
        assert_eq!(seen, [2, 2]);
    }

    /// A row filled again holds nothing of what it held before.
    #[test]
    fn a_row_filled_again_is_a_new_row() {
        let (a, b): (Arc<str>, Arc<str>) = ("甲村.csv".into(), "".into());
        let (c, d): (Arc<str>, Arc<str>) = ("乙村.xlsx".into(), "Sheet1".into());
        let mut spans: [Span; N_COLS] = Default::default();
        spans[Col::Name.index()] = (0, 6);
        spans[Col::Relation.index()] = (7, 13);
        let mut used = PersonRow::default();
        used.refill((&a, &b, 4), "张三,户主", spans);
        used.village_code = "370124101001".into();
        used.id_as_written = "370124540101001".into();
        used.id_key = 42;
        used.extras = vec!["备注".into()];
        used.set(Col::IdNumber, "370124195401010013");
        let mut spans: [Span; N_COLS] = Default::default();
        spans[Col::Name.index()] = (0, 6);
        used.refill((&c, &d, 9), "李四", spans);
        let mut fresh = PersonRow::default();
        fresh.refill((&c, &d, 9), "李四", spans);
        assert_eq!(format!("{used:?}"), format!("{fresh:?}"));
        assert_eq!(used.get(Col::Name), "李四");
        assert_eq!(used.get(Col::Relation), "");
        assert_eq!(used.get(Col::IdNumber), "");
        assert_eq!(&*used.src.file, "乙村.xlsx");
        assert_eq!(used.src.row, 9);
    }
}
