//! The lists that pass from stage to stage (DESIGN 5): `primary-list.csv`,
//! `appraised.csv`, `after-<stage>-review.csv`, `final-list.csv`. Each
//! starts with the same five columns; the rest are the stage's own.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

use super::csvout;

/// The first columns of every list.
pub const BASE: [&str; 5] = [
    "village_code",
    "village",
    "household_id",
    "head_name",
    "size",
];

/// One household on a list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListRow {
    pub village_code: String,
    pub village: String,
    pub household_id: String,
    pub head_name: String,
    pub size: u32,
    /// The stage's own columns by name (rank, per_capita_income, outcome…).
    pub fields: BTreeMap<String, String>,
}

impl ListRow {
    pub fn get(&self, col: &str) -> &str {
        self.fields.get(col).map(|s| s.as_str()).unwrap_or("")
    }
    pub fn set(&mut self, col: &str, value: impl Into<String>) {
        self.fields.insert(col.to_string(), value.into());
    }
    pub fn key(&self) -> (String, String) {
        (self.village_code.clone(), self.household_id.clone())
    }
}

/// Read a list written by fupin; `path` must hold the five first columns.
pub fn read_list(path: &Path) -> Result<Vec<ListRow>> {
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = rdr
        .headers()?
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}').to_string())
        .collect();
    for b in BASE {
        if !header.iter().any(|h| h == b) {
            bail!(
                "{} is not a fupin list: column {b} is missing",
                path.display()
            );
        }
    }
    let pos = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let (vc, v, hh, head, size) = (
        pos(BASE[0]),
        pos(BASE[1]),
        pos(BASE[2]),
        pos(BASE[3]),
        pos(BASE[4]),
    );
    let mut out = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.with_context(|| format!("{} line {}", path.display(), n + 2))?;
        let g = |i: usize| csvout::restore(rec.get(i).unwrap_or("")).to_string();
        let mut row = ListRow {
            village_code: g(vc),
            village: g(v),
            household_id: g(hh),
            head_name: g(head),
            size: g(size).parse().unwrap_or(0),
            fields: BTreeMap::new(),
        };
        for (i, h) in header.iter().enumerate() {
            if !BASE.contains(&h.as_str()) {
                row.fields.insert(h.clone(), g(i));
            }
        }
        out.push(row);
    }
    Ok(out)
}

/// Write a list: the five first columns, then `extra` columns from `fields`.
pub fn write_list(path: &Path, extra: &[&str], rows: &[ListRow]) -> Result<()> {
    let header: Vec<&str> = BASE.iter().chain(extra.iter()).copied().collect();
    csvout::write_csv(
        path,
        &header,
        rows.iter().map(|r| {
            let mut cells = vec![
                r.village_code.clone(),
                r.village.clone(),
                r.household_id.clone(),
                r.head_name.clone(),
                r.size.to_string(),
            ];
            cells.extend(extra.iter().map(|c| r.get(c).to_string()));
            cells
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let p = d.path().join("l.csv");
        let mut r = ListRow {
            village_code: "1".into(),
            village: "甲村".into(),
            household_id: "10".into(),
            head_name: "=张三".into(),
            size: 3,
            ..Default::default()
        };
        r.set("rank", "1");
        r.set("outcome", "passed");
        write_list(&p, &["rank", "outcome"], std::slice::from_ref(&r)).unwrap(); // ok: test code, not built into fupin
        assert_eq!(read_list(&p).unwrap(), vec![r]); // ok: test code, not built into fupin
    }
}
