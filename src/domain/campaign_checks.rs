//! Checks across the whole campaign (DESIGN 2.10): the same ID number only
//! once, a household number only once per village, every roster village
//! handed in applications.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::Arc;

use super::columns::Col;
use super::finding::{Finding, Source};
use super::idnum::text_of_key;
use super::register::{Cell, Household, PersonRow};
use super::roster::Roster;

/// The file and sheet of rows, shared by every row of a sheet.
type Place = (Arc<str>, Arc<str>);

/// A household as the campaign-wide checks need it.
#[derive(Clone, Debug)]
struct HouseholdAt {
    /// Index in the roster, when the village is in it.
    village: Option<u32>,
    /// The household's village has a code (it is in the roster).
    coded: bool,
    village_name: Cell,
    household: Cell,
    place: u32,
    row: u32,
}

/// A valid ID number (its [`super::idnum::IdNumber::key`]) and where it is.
#[derive(Clone, Copy, Debug)]
struct IdAt {
    key: u64,
    /// The order it was read in, campaign-wide.
    seq: u32,
    household: u32,
    place: u32,
    row: u32,
}

/// What the campaign-wide checks need of some households: their villages
/// and numbers, and the valid ID numbers of their members, with places as
/// indices into `places`.
#[derive(Default)]
struct Part {
    places: Vec<Place>,
    households: Vec<HouseholdAt>,
    ids: Vec<IdAt>,
}

impl Part {
    /// The index of a row's file and sheet (rows come sheet after sheet).
    fn place(&mut self, src: &Source) -> u32 {
        let same = |p: &Place| Arc::ptr_eq(&p.0, &src.file) && Arc::ptr_eq(&p.1, &src.sheet);
        if let Some(i) = self.places.iter().rposition(same) {
            return i as u32;
        }
        self.places.push((src.file.clone(), src.sheet.clone()));
        (self.places.len() - 1) as u32
    }

    /// Record a checked household and the valid ID numbers of its members
    /// (set by [`super::checks::Checker::household`]).
    fn add(&mut self, hh: &Household, rows: &[PersonRow]) {
        let Some(first) = rows.first() else { return };
        let me = self.households.len() as u32;
        let place = self.place(&first.src);
        self.households.push(HouseholdAt {
            village: hh.village.map(|v| v as u32),
            coded: !hh.village_code.is_empty(),
            village_name: hh.village_name.as_str().into(),
            household: hh.household_id.as_str().into(),
            place,
            row: row32(first.src.row),
        });
        for r in rows.iter().filter(|r| r.id_key != 0) {
            let place = self.place(&r.src);
            self.ids.push(IdAt {
                key: r.id_key,
                seq: 0,
                household: me,
                place,
                row: row32(r.src.row),
            });
        }
    }
}

/// Rows are counted in `u32` here: a sheet holds fewer than 2^32 rows
/// (the readers refuse files of more than `MAX_CELLS` cells).
fn row32(row: u64) -> u32 {
    u32::try_from(row).unwrap_or(u32::MAX)
}

/// The households of one file (or one source file of the register), each
/// checked, with its findings and what the campaign-wide checks need of
/// it, the rows themselves left behind (on the thread that checked them).
#[derive(Default)]
pub struct Checked {
    pub households: Vec<Household>,
    pub findings: Vec<Finding>,
    pub persons: usize,
    part: Part,
}

impl Checked {
    /// Group rows into households and check each; `each` sees every
    /// household's checked rows (import writes them to the register).
    pub fn check(
        checker: &super::checks::Checker,
        rows: Vec<PersonRow>,
        mut each: impl FnMut(&[PersonRow], &Household),
    ) -> Checked {
        let mut c = Checked {
            households: Vec::with_capacity(rows.len() / 2 + 1),
            ..Default::default()
        };
        c.part.households.reserve(rows.len() / 2 + 1);
        c.part.ids.reserve(rows.len());
        for mut group in super::register::group_households(rows) {
            let mut hh = c.add(checker, &mut group, &mut each);
            hh.src = group.first().map(|r| r.src.clone()).unwrap_or_default();
            c.households.push(hh);
        }
        c
    }

    /// Check one household's rows and take in its findings and what the
    /// campaign-wide checks need of it; `each` sees the checked rows.
    pub fn add(
        &mut self,
        checker: &super::checks::Checker,
        group: &mut [PersonRow],
        each: &mut impl FnMut(&[PersonRow], &Household),
    ) -> Household {
        let (hh, f) = checker.household(group);
        self.findings.extend(f);
        each(group, &hh);
        self.part.add(&hh, group);
        self.persons += group.len();
        hh
    }

    /// How many households were checked.
    pub fn n_households(&self) -> usize {
        self.part.households.len()
    }

    /// Hand the households to the campaign-wide checks, in order, and add
    /// their findings to `findings`; then hand each household to `each`.
    pub fn into_campaign(
        mut self,
        global: &mut CampaignChecks,
        findings: &mut Vec<Finding>,
        each: impl FnMut(Household),
    ) {
        findings.append(&mut self.findings);
        global.add(self.part);
        self.households.into_iter().for_each(each);
    }
}

/// Checks across the whole campaign: households and ID numbers are
/// gathered in order as files are checked, and compared when all are in
/// ([`CampaignChecks::finish`]): sorting them costs less than a table
/// looked up for every person.
#[derive(Default)]
pub struct CampaignChecks {
    places: Vec<Place>,
    households: Vec<Taken>,
    ids: Vec<IdAt>,
    /// Village names: the roster's, then names not in the roster.
    names: Vec<Arc<str>>,
    unknown: FxHashMap<Cell, u32>,
    villages_seen: Vec<bool>,
}

/// A household taken in, compactly: a million are held at once.
struct Taken {
    /// Index in `names` of its village.
    village: u32,
    /// The roster index its number must be unique in, when its village is
    /// a roster village with a code; else `u32::MAX`.
    keyed: u32,
    household: Cell,
    place: u32,
    row: u32,
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
    }

    /// The index in `names` of a household's village name.
    fn village(&mut self, hh: &HouseholdAt) -> u32 {
        if let Some(v) = hh
            .village
            .filter(|&v| (v as usize) < self.villages_seen.len())
        {
            self.villages_seen[v as usize] = true;
            if *self.names[v as usize] == *hh.village_name {
                return v;
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

    /// Take in the households of a file, after those already in.
    fn add(&mut self, part: Part) {
        let places = self.places.len() as u32;
        let households = self.households.len() as u32;
        self.places.extend(part.places);
        for hh in part.households {
            let village = self.village(&hh);
            self.households.push(Taken {
                village,
                keyed: match (hh.coded, hh.village) {
                    (true, Some(v)) => v,
                    _ => u32::MAX,
                },
                household: hh.household,
                place: hh.place + places,
                row: hh.row,
            });
        }
        let seq = self.ids.len() as u32;
        self.ids
            .extend(part.ids.into_iter().enumerate().map(|(i, id)| IdAt {
                seq: seq + i as u32,
                household: id.household + households,
                place: id.place + places,
                ..id
            }));
    }

    fn src(&self, place: u32, row: u32) -> Source {
        let (file, sheet) = &self.places[place as usize];
        Source {
            file: file.clone(),
            sheet: sheet.clone(),
            row: row as u64,
        }
    }

    /// The findings of the campaign-wide checks: ID numbers and household
    /// numbers seen more than once (naming both places), roster villages
    /// that handed in no application.
    pub fn finish(mut self, roster: &Roster) -> Vec<Finding> {
        let mut f = self.duplicate_households();
        f.extend(self.duplicate_ids());
        f.extend(
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
                }),
        );
        f
    }

    /// A household number used twice in a roster village: each later
    /// household names the first.
    fn duplicate_households(&self) -> Vec<Finding> {
        let mut keyed: Vec<(u32, &str, u32)> = self
            .households
            .iter()
            .enumerate()
            .filter(|(_, hh)| hh.keyed != u32::MAX)
            .map(|(i, hh)| (hh.keyed, hh.household.as_str(), i as u32))
            .collect();
        keyed.par_sort_unstable();
        let mut f = Vec::new();
        for run in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            if run.len() < 2 {
                continue;
            }
            let first = &self.households[run[0].2 as usize];
            let ps = self.src(first.place, first.row);
            for &(_, _, i) in &run[1..] {
                let hh = &self.households[i as usize];
                let name = &self.names[hh.village as usize];
                f.push(
                    Finding::error(
                        "household_duplicate",
                        format!(
                            "household number {} of {} is used twice: here and in {}{} row {}",
                            hh.household,
                            name,
                            ps.file,
                            sheet_part(&ps.sheet),
                            ps.row
                        ),
                    )
                    .at(&self.src(hh.place, hh.row))
                    .column(Col::HouseholdId.zh())
                    .household(name, &hh.household),
                );
            }
        }
        f
    }

    /// Where an ID number was read, and the village and household there.
    fn id_place(&self, id: &IdAt) -> IdPlace<'_> {
        let hh = &self.households[id.household as usize];
        (
            self.src(id.place, id.row),
            &self.names[hh.village as usize],
            hh.household.as_str(),
        )
    }

    /// An ID number seen twice: a finding at each place, naming the other
    /// (the first place, for every later one).
    fn duplicate_ids(&mut self) -> Vec<Finding> {
        // The places of a number in the order they were read.
        self.ids.par_sort_unstable_by_key(|id| (id.key, id.seq));
        let mut f = Vec::new();
        for run in self.ids.chunk_by(|a, b| a.key == b.key) {
            let (first, rest) = match run {
                [first, rest @ ..] if !rest.is_empty() => (first, rest),
                _ => continue,
            };
            let there = self.id_place(first);
            let id = text_of_key(first.key);
            for later in rest {
                let here = self.id_place(later);
                f.push(id_twice(&id, &here, &there));
                f.push(id_twice(&id, &there, &here));
            }
        }
        f
    }
}

/// A place of an ID number: where, and the village and household there.
type IdPlace<'a> = (Source, &'a str, &'a str);

/// The finding at `here` for an ID number also at `there`.
fn id_twice(id: &str, here: &IdPlace, there: &IdPlace) -> Finding {
    let (src, village, household) = there;
    Finding::error(
        "id_duplicate",
        format!(
            "ID number {id} appears twice: here and in {}{} row {} (village {village}, household {household})",
            src.file,
            sheet_part(&src.sheet),
            src.row
        ),
    )
    .at(&here.0)
    .column(Col::IdNumber.zh())
    .household(here.1, here.2)
}

fn sheet_part(sheet: &str) -> String {
    if sheet.is_empty() {
        String::new()
    } else {
        format!(", sheet {sheet},")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster() -> Roster {
        Roster::of(&[("001", "双河村"), ("002", "石桥村"), ("003", "柳林村")])
    }

    /// A household of village `v` (roster index) with members' ID keys,
    /// from `file`, its first row `row`.
    fn household(
        part: &mut Part,
        file: &Arc<str>,
        v: Option<u32>,
        name: &str,
        id: &str,
        row: u32,
        keys: &[u64],
    ) {
        part.places.push((file.clone(), "".into()));
        let place = (part.places.len() - 1) as u32;
        let me = part.households.len() as u32;
        part.households.push(HouseholdAt {
            village: v,
            coded: v.is_some(),
            village_name: name.into(),
            household: id.into(),
            place,
            row,
        });
        for (i, &key) in keys.iter().enumerate() {
            part.ids.push(IdAt {
                key,
                seq: 0,
                household: me,
                place,
                row: row + i as u32,
            });
        }
    }

    #[test]
    fn duplicates_name_the_first_place() {
        let r = roster();
        let a: Arc<str> = "a.csv".into();
        let b: Arc<str> = "b.csv".into();
        let mut global = CampaignChecks::new(&r);
        let mut p = Part::default();
        household(&mut p, &a, Some(0), "双河村", "1", 2, &[11, 12]);
        household(&mut p, &a, Some(0), "双河村", "2", 4, &[13]);
        household(&mut p, &a, None, "无名村", "1", 5, &[14]);
        global.add(p);
        let mut p = Part::default();
        household(&mut p, &b, Some(1), "石桥村", "1", 2, &[12, 21]);
        household(&mut p, &b, Some(0), "双河村", "1", 4, &[22, 12]);
        household(&mut p, &b, None, "无名村", "1", 6, &[]);
        global.add(p);
        let mut f = global.finish(&r);
        f.sort();
        let mut got: Vec<String> = f
            .iter()
            .map(|f| {
                format!(
                    "{} {}:{} {}/{} {}",
                    f.kind, f.file, f.row, f.village, f.household, f.message
                )
            })
            .collect();
        got.sort();
        let want = [
            "household_duplicate b.csv:4 双河村/1 household number 1 of 双河村 is used twice: here and in a.csv row 2",
            "id_duplicate a.csv:3 双河村/1 ID number 000000000000000011 appears twice: here and in b.csv row 2 (village 石桥村, household 1)",
            "id_duplicate a.csv:3 双河村/1 ID number 000000000000000011 appears twice: here and in b.csv row 5 (village 双河村, household 1)",
            "id_duplicate b.csv:2 石桥村/1 ID number 000000000000000011 appears twice: here and in a.csv row 3 (village 双河村, household 1)",
            "id_duplicate b.csv:5 双河村/1 ID number 000000000000000011 appears twice: here and in a.csv row 3 (village 双河村, household 1)",
            "village_no_applications :0 柳林村/ village 柳林村 (003) is in the roster but handed in no applications",
        ];
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want);
    }
}
