//! The inputs of `bind`: the final list and where it must come from, the
//! members of its households from the register (one pass, indexed by
//! village and household), the incomes of the primary list, the counts of
//! the stage lists and the dates of the schedule.

use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::super::{data, Ctx};
use crate::domain::codes;
use crate::domain::columns::Col;
use crate::domain::key::HouseholdKey as Key;
use crate::domain::register::PersonRow;
use crate::io::lists::{self, Line};
use crate::io::register::RegisterReader;

/// Read a list, any problem being a data error.
pub fn list<T: Line>(path: &Path) -> Result<Vec<T>> {
    lists::read(path).map_err(|e| data(e.to_string()))
}

/// The persons of the households `wanted`, head first, then in register
/// order.
pub fn members(path: &Path, wanted: &HashSet<Key>) -> Result<HashMap<Key, Vec<PersonRow>>> {
    let mut reader = RegisterReader::open(path).map_err(|e| data(format!("{e:#}")))?;
    let mut out: HashMap<Key, Vec<PersonRow>> = HashMap::with_capacity(wanted.len());
    while let Some(rows) = reader
        .next_file()
        .with_context(|| format!("cannot read {}", path.display()))
        .map_err(|e| data(format!("{e:#}")))?
    {
        for p in rows {
            let key = Key::new(p.village_code.to_string(), p.get(Col::HouseholdId));
            if wanted.contains(&key) {
                out.entry(key).or_default().push(p);
            }
        }
    }
    for persons in out.values_mut() {
        // The head first, then by relation (spouse, children, parents, …),
        // then by ID number (oldest first): the same form whatever order
        // the sheet listed the members in.
        persons.sort_by_cached_key(|p| {
            let rel = codes::lookup(codes::RELATION, p.get(Col::Relation))
                .and_then(|c| codes::RELATION.iter().position(|r| r.en == c.en))
                .unwrap_or(usize::MAX);
            let id = p.get(Col::IdNumber);
            let birth = id.get(6..14).unwrap_or("").to_string();
            (
                !is_head(p),
                rel,
                birth,
                id.to_string(),
                p.get(Col::Name).to_string(),
            )
        });
    }
    Ok(out)
}

pub fn is_head(p: &PersonRow) -> bool {
    codes::lookup(codes::RELATION, p.get(Col::Relation)).is_some_and(|c| c.en == "head")
}

/// A household-level value: the head's cell, or the first member's that is
/// filled.
pub fn household_value(persons: &[PersonRow], col: Col) -> String {
    persons
        .iter()
        .map(|p| p.get(col).trim())
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string()
}

/// Households of each village on an optional stage list that `counted`
/// counts (it gives the village code of each); `None` when the list has
/// not been written.
pub fn stage_counts<T: Line>(
    ctx: &Ctx,
    name: &str,
    inputs: &mut Vec<PathBuf>,
    counted: impl Fn(T) -> Option<String>,
) -> Result<Option<HashMap<String, u64>>> {
    let path = ctx.out().join(name);
    if !path.exists() {
        return Ok(None);
    }
    let rows: Vec<T> = list(&path)?;
    inputs.push(path);
    let mut m: HashMap<String, u64> = HashMap::new();
    for code in rows.into_iter().filter_map(counted) {
        *m.entry(code).or_default() += 1;
    }
    Ok(Some(m))
}

/// The end of the county announcement by village code, from
/// `out/schedule.csv` when it exists; a row with a blank code stands for
/// every village.
pub fn announcement_ends(ctx: &Ctx, inputs: &mut Vec<PathBuf>) -> Result<HashMap<String, String>> {
    let path = ctx.out().join("schedule.csv");
    let mut out = HashMap::new();
    if !path.exists() {
        return Ok(out);
    }
    let fail = |e: &dyn std::fmt::Display| data(format!("{}: {e}", path.display()));
    let mut rdr = csv::Reader::from_path(&path).map_err(|e| fail(&e))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| fail(&e))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let pos = |n: &str| header.iter().position(|h| h == n);
    let (Some(code), Some(stage), Some(end)) = (pos("village_code"), pos("stage"), pos("end"))
    else {
        return Err(fail(
            &"not a fupin schedule: village_code, stage or end is missing",
        ));
    };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| fail(&e))?;
        let cell = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        if cell(stage) == "county" && !cell(end).is_empty() {
            out.insert(cell(code), cell(end));
        }
    }
    inputs.push(path);
    Ok(out)
}

/// A file name made from a village name: no path separators or characters
/// Windows refuses, never empty, never hidden.
pub fn file_stem(name: &str, code: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim_start_matches('.').trim().to_string();
    if s.is_empty() {
        file_stem(code, "village")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_stem("双河村", "1"), "双河村");
        assert_eq!(file_stem("a/b:c", "1"), "a_b_c");
        assert_eq!(file_stem("..", "370323101"), "370323101");
        assert_eq!(file_stem("", ""), "village");
    }
}
