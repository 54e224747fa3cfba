//! Checks across the whole campaign (DESIGN 2.10): the same ID number only
//! once, a household number only once per village, every roster village
//! handed in applications.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use super::columns::Col;
use super::finding::{Finding, Source};
use super::idnum::text_of_key;
use super::register::{Cell, Household, PersonRow};
use super::roster::Roster;

/// A valid ID number of a household's member (its [`super::idnum::IdNumber::key`])
/// and where the member is: all the campaign-wide checks need of a person.
#[derive(Clone, Debug)]
pub struct IdAt {
    pub key: u64,
    pub src: Source,
}

impl IdAt {
    /// The valid ID numbers of checked rows (set by [`super::checks::Checker::household`]).
    fn of(rows: &[PersonRow], out: &mut Vec<IdAt>) {
        out.extend(rows.iter().filter(|r| r.id_key != 0).map(|r| IdAt {
            key: r.id_key,
            src: r.src.clone(),
        }));
    }
}

/// The households of one file (or one source file of the register), each
/// checked, with its findings and the valid ID numbers of its members: what
/// the campaign-wide checks need of them, the rows themselves left behind
/// (on the thread that checked them).
#[derive(Default)]
pub struct Checked {
    pub households: Vec<Household>,
    pub findings: Vec<Finding>,
    pub persons: usize,
    /// The ID numbers household after household; `id_ends[i]` ends those
    /// of household `i`.
    ids: Vec<IdAt>,
    id_ends: Vec<usize>,
}

impl Checked {
    /// Group rows into households and check each; `each` sees every
    /// household's checked rows (import writes them to the register).
    pub fn check(
        checker: &super::checks::Checker,
        rows: Vec<PersonRow>,
        mut each: impl FnMut(&[PersonRow]),
    ) -> Checked {
        let mut c = Checked {
            persons: rows.len(),
            households: Vec::with_capacity(rows.len() / 2 + 1),
            ids: Vec::with_capacity(rows.len()),
            id_ends: Vec::with_capacity(rows.len() / 2 + 1),
            ..Default::default()
        };
        for mut group in super::register::group_households(rows) {
            let (hh, f) = checker.household(&mut group);
            c.findings.extend(f);
            each(&group);
            IdAt::of(&group, &mut c.ids);
            c.id_ends.push(c.ids.len());
            c.households.push(hh);
        }
        c
    }

    /// Each household with the valid ID numbers of its members.
    pub fn iter(&self) -> impl Iterator<Item = (&Household, &[IdAt])> {
        let starts = std::iter::once(0).chain(self.id_ends.iter().copied());
        self.households
            .iter()
            .zip(starts.zip(self.id_ends.iter().copied()))
            .map(|(hh, (a, b))| (hh, &self.ids[a..b]))
    }

    /// Run the campaign-wide checks on the households, in order, adding
    /// every finding to `findings`; then hand each household to `each`.
    pub fn into_campaign(
        mut self,
        global: &mut CampaignChecks,
        findings: &mut Vec<Finding>,
        mut each: impl FnMut(Household),
    ) {
        findings.append(&mut self.findings);
        for (hh, ids) in self.iter() {
            findings.extend(global.add(hh, ids));
        }
        self.households.into_iter().for_each(&mut each);
    }
}

/// Where a value was first seen, compactly.
#[derive(Clone, Copy)]
struct Seen {
    household: u32,
    row: u32,
}

/// Where a household was first seen, compactly: the village as an index
/// into the names, the file and sheet names shared.
#[derive(Clone)]
struct HouseholdRef {
    village: u32,
    household: Cell,
    src: Source,
}

/// Checks across the whole campaign.
#[derive(Default)]
pub struct CampaignChecks {
    ids: FxHashMap<u64, Seen>,
    households: Vec<HouseholdRef>,
    /// Households of roster villages by (roster index, household number).
    keys: FxHashMap<(u32, Cell), u32>,
    /// Village names: the roster's, then names not in the roster.
    names: Vec<Arc<str>>,
    unknown: FxHashMap<String, u32>,
    villages_seen: Vec<bool>,
}

impl CampaignChecks {
    pub fn new(roster: &Roster) -> CampaignChecks {
        CampaignChecks {
            villages_seen: vec![false; roster.villages.len()],
            names: roster
                .villages
                .iter()
                .map(|v| v.name.as_str().into())
                .collect(),
            ..Default::default()
        }
    }

    /// Make room for about this many persons (in households of three or
    /// four): growing the tables as they fill costs more than the checks.
    pub fn reserve(&mut self, persons: usize) {
        self.ids.reserve(persons);
        self.households.reserve(persons / 3);
        self.keys.reserve(persons / 3);
    }

    /// The index of a household's village name.
    fn village(&mut self, hh: &Household) -> u32 {
        if let Some(v) = hh.village.filter(|&v| v < self.villages_seen.len()) {
            if *self.names[v] == *hh.village_name {
                return v as u32;
            }
        }
        if let Some(&i) = self.unknown.get(&hh.village_name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(hh.village_name.as_str().into());
        self.unknown.insert(hh.village_name.clone(), i);
        i
    }

    /// Record a checked household and the valid ID numbers of its members;
    /// returns findings for ID numbers or household numbers seen before
    /// (naming both places).
    pub fn add(&mut self, hh: &Household, ids: &[IdAt]) -> Vec<Finding> {
        let mut f = Vec::new();
        if let Some(v) = hh.village {
            self.villages_seen[v] = true;
        }
        let me = self.households.len() as u32;
        let here = HouseholdRef {
            village: self.village(hh),
            household: hh.household_id.as_str().into(),
            src: hh.src.clone(),
        };
        if let (false, Some(v)) = (hh.village_code.is_empty(), hh.village) {
            let key = (v as u32, here.household.clone());
            if let Some(&prev) = self.keys.get(&key) {
                let ps = &self.households[prev as usize].src;
                f.push(
                    Finding::error(
                        "household_duplicate",
                        format!(
                            "household number {} of {} is used twice: here and in {}{} row {}",
                            hh.household_id,
                            hh.village_name,
                            ps.file,
                            sheet_part(&ps.sheet),
                            ps.row
                        ),
                    )
                    .at(&hh.src)
                    .column(Col::HouseholdId.zh())
                    .household(&hh.village_name, &hh.household_id),
                );
            } else {
                self.keys.insert(key, me);
            }
        }
        self.households.push(here);
        for row in ids {
            match self.ids.get(&row.key) {
                None => {
                    self.ids.insert(
                        row.key,
                        Seen {
                            household: me,
                            row: row.src.row as u32,
                        },
                    );
                }
                Some(first) => {
                    let fr = self.households[first.household as usize].clone();
                    let fr_village = self.names[fr.village as usize].clone();
                    let id = text_of_key(row.key);
                    f.push(Finding::error("id_duplicate", format!(
                        "ID number {id} appears twice: here and in {}{} row {} (village {}, household {})",
                        fr.src.file, sheet_part(&fr.src.sheet), first.row, fr_village, fr.household))
                        .at(&row.src).column(Col::IdNumber.zh()).household(&hh.village_name, &hh.household_id));
                    let first_src = Source {
                        row: first.row as u64,
                        ..fr.src
                    };
                    f.push(Finding::error("id_duplicate", format!(
                        "ID number {id} appears twice: here and in {}{} row {} (village {}, household {})",
                        row.src.file, sheet_part(&row.src.sheet), row.src.row, hh.village_name, hh.household_id))
                        .at(&first_src).column(Col::IdNumber.zh()).household(&fr_village, &fr.household));
                }
            }
        }
        f
    }

    /// Warnings for roster villages that handed in no application.
    pub fn finish(&self, roster: &Roster) -> Vec<Finding> {
        roster
            .villages
            .iter()
            .zip(&self.villages_seen)
            .filter(|(_, seen)| !**seen)
            .map(|(v, _)| {
                let mut x = Finding::warning(
                    "village_no_applications",
                    format!(
                        "village {} ({}) is in the roster but handed in no applications",
                        v.name, v.code
                    ),
                );
                x.village = v.name.clone();
                x
            })
            .collect()
    }
}

fn sheet_part(sheet: &str) -> String {
    if sheet.is_empty() {
        String::new()
    } else {
        format!(", sheet {sheet},")
    }
}
