//! A person applying in two towns (DESIGN 7, across towns): the valid ID
//! numbers of every town's register, and those that more than one town
//! holds. A county can be large: a register is read one source file at a
//! time and only a number's key and place are kept, the village, household
//! and name read again only for the numbers found twice.

use anyhow::Result;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::domain::columns::Col;
use crate::domain::idnum::{self, text_of_key};
use crate::io::csvout;
use crate::io::register::RegisterReader;

/// The columns of `county-findings.csv`, in the order of [`Twice::cells`].
pub const HEADER: [&str; 15] = [
    "severity",
    "kind",
    "town",
    "file",
    "sheet",
    "row",
    "village",
    "household",
    "name",
    "id_number",
    "other_town",
    "other_file",
    "other_sheet",
    "other_row",
    "message",
];

/// Where a person is in a town's register.
#[derive(Clone, Debug, Default)]
pub struct Place {
    /// Index of the town in the county's list.
    pub town: usize,
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    pub row: u64,
    pub village: String,
    pub household: String,
    pub name: String,
}

/// An ID number at `here` that another town holds at `there` (the first
/// place in a town other than `here`'s).
#[derive(Clone, Debug)]
pub struct Twice {
    pub id: String,
    pub here: Place,
    pub there: Place,
}

/// An ID number as the first pass keeps it: its key, the order it was
/// read in within its town, the index of its file and sheet in the town's
/// places, and its row.
#[derive(Clone, Copy)]
struct Seen {
    key: u64,
    town: u32,
    seq: u32,
    place: u32,
    row: u64,
}

/// What the first pass keeps of one town's register.
#[derive(Default)]
struct Numbers {
    places: Vec<(Arc<str>, Arc<str>)>,
    seen: Vec<Seen>,
}

/// The register of a town, when it has one.
fn register(town: &Path) -> Option<PathBuf> {
    let p = town.join("out").join("register.csv");
    p.is_file().then_some(p)
}

/// The key of a valid ID number (birth dates are the town's own check).
fn key(cell: &str) -> Option<u64> {
    let far = NaiveDate::from_ymd_opt(9999, 12, 31)?;
    idnum::parse(cell, far).ok().map(|p| p.id.key())
}

fn numbers(town: usize, path: &Path) -> Result<Numbers> {
    let mut n = Numbers::default();
    let mut rdr = RegisterReader::open(path)?;
    while let Some(rows) = rdr.next_file()? {
        for r in rows {
            let Some(k) = key(r.get(Col::IdNumber)) else {
                continue;
            };
            let same = |p: &(Arc<str>, Arc<str>)| *p.0 == *r.src.file && *p.1 == *r.src.sheet;
            let place = match n.places.iter().rposition(same) {
                Some(i) => i,
                None => {
                    n.places.push((r.src.file.clone(), r.src.sheet.clone()));
                    n.places.len() - 1
                }
            };
            let seq = n.seen.len();
            n.seen.push(Seen {
                key: k,
                town: town as u32,
                seq: u32::try_from(seq).unwrap_or(u32::MAX),
                place: place as u32,
                row: r.src.row,
            });
        }
    }
    Ok(n)
}

/// Every place of an ID number that another town's register also holds,
/// naming the first place there; and the towns whose register could not be
/// read, with why. Towns without a register are left out.
pub fn across(towns: &[PathBuf]) -> (Vec<Twice>, Vec<(usize, String)>) {
    let read: Vec<(usize, Result<Numbers>)> = towns
        .par_iter()
        .enumerate()
        .filter_map(|(i, t)| register(t).map(|p| (i, numbers(i, &p))))
        .collect();
    let mut unread = Vec::new();
    let mut by_town: HashMap<usize, Numbers> = HashMap::new();
    for (i, r) in read {
        match r {
            Ok(n) => {
                by_town.insert(i, n);
            }
            Err(e) => unread.push((i, format!("{e:#}"))),
        }
    }
    let mut all: Vec<Seen> = by_town
        .values()
        .flat_map(|n| n.seen.iter().copied())
        .collect();
    all.par_sort_unstable_by_key(|s| (s.key, s.town, s.seq));
    let mut pairs: Vec<(Seen, Seen)> = Vec::new();
    for run in all.chunk_by(|a, b| a.key == b.key) {
        if run.iter().all(|s| s.town == run[0].town) {
            continue;
        }
        for s in run {
            if let Some(other) = run.iter().find(|o| o.town != s.town) {
                pairs.push((*s, *other));
            }
        }
    }
    if pairs.is_empty() {
        return (Vec::new(), unread);
    }
    let place = |s: &Seen| -> Place {
        let (file, sheet) = by_town
            .get(&(s.town as usize))
            .and_then(|n| n.places.get(s.place as usize))
            .cloned()
            .unwrap_or_default();
        Place {
            town: s.town as usize,
            file,
            sheet,
            row: s.row,
            ..Place::default()
        }
    };
    let mut twice: Vec<Twice> = pairs
        .iter()
        .map(|(h, t)| Twice {
            id: text_of_key(h.key),
            here: place(h),
            there: place(t),
        })
        .collect();
    fill_names(towns, &mut twice);
    twice.sort_by(|a, b| {
        let k = |p: &Place| (p.town, p.file.clone(), p.sheet.clone(), p.row);
        k(&a.here).cmp(&k(&b.here))
    });
    (twice, unread)
}

/// The village, household and name of each place, read again from the
/// registers of the towns concerned.
fn fill_names(towns: &[PathBuf], twice: &mut [Twice]) {
    /// A row of a register: its source file, sheet and row.
    type Row = (Arc<str>, Arc<str>, u64);
    type Key = (usize, Arc<str>, Arc<str>, u64);
    let mut wanted: HashMap<usize, HashSet<Row>> = HashMap::new();
    for t in twice.iter() {
        for p in [&t.here, &t.there] {
            wanted
                .entry(p.town)
                .or_default()
                .insert((p.file.clone(), p.sheet.clone(), p.row));
        }
    }
    let found: HashMap<Key, (String, String, String)> = wanted
        .par_iter()
        .flat_map_iter(|(&town, want)| {
            let mut got = Vec::new();
            let Some(path) = towns.get(town).and_then(|t| register(t)) else {
                return got;
            };
            let Ok(mut rdr) = RegisterReader::open(&path) else {
                return got;
            };
            while let Ok(Some(rows)) = rdr.next_file() {
                for r in rows {
                    let k = (r.src.file.clone(), r.src.sheet.clone(), r.src.row);
                    if want.contains(&k) {
                        got.push((
                            (town, k.0, k.1, k.2),
                            (
                                r.get(Col::Village).to_string(),
                                r.get(Col::HouseholdId).to_string(),
                                r.get(Col::Name).to_string(),
                            ),
                        ));
                    }
                }
            }
            got
        })
        .collect();
    for t in twice.iter_mut() {
        for p in [&mut t.here, &mut t.there] {
            if let Some((v, h, n)) = found.get(&(p.town, p.file.clone(), p.sheet.clone(), p.row)) {
                (p.village, p.household, p.name) = (v.clone(), h.clone(), n.clone());
            }
        }
    }
}

impl Twice {
    /// The row of `county-findings.csv`, `names` giving each town's name.
    pub fn cells(&self, names: &[String]) -> Vec<String> {
        let town = |p: &Place| names.get(p.town).cloned().unwrap_or_default();
        let (h, t) = (&self.here, &self.there);
        let message = format!(
            "ID number {} ({}) applies in {} ({}{} row {}, village {}, household {}) and in {} ({}{} row {}, village {}, household {}): a person applies in one town only",
            self.id,
            h.name,
            town(h),
            h.file,
            sheet_part(&h.sheet),
            h.row,
            h.village,
            h.household,
            town(t),
            t.file,
            sheet_part(&t.sheet),
            t.row,
            t.village,
            t.household,
        );
        vec![
            "error".into(),
            "id_in_two_towns".into(),
            town(h),
            h.file.to_string(),
            h.sheet.to_string(),
            h.row.to_string(),
            h.village.clone(),
            h.household.clone(),
            h.name.clone(),
            self.id.clone(),
            town(t),
            t.file.to_string(),
            t.sheet.to_string(),
            t.row.to_string(),
            message,
        ]
    }
}

fn sheet_part(sheet: &str) -> String {
    if sheet.is_empty() {
        String::new()
    } else {
        format!(", sheet {sheet},")
    }
}

/// Write `county-findings.csv` in `dir` when there is a finding; an older
/// one goes when there is none, so it never speaks of what was corrected.
pub fn write(dir: &Path, twice: &[Twice], names: &[String]) -> Result<Option<PathBuf>> {
    let path = dir.join("county-findings.csv");
    if twice.is_empty() {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(crate::error::config(format!(
                    "cannot remove {}: {e}",
                    path.display()
                )))
            }
        }
        return Ok(None);
    }
    csvout::write_csv(&path, &HEADER, twice.iter().map(|t| t.cells(names)))?;
    Ok(Some(path))
}
