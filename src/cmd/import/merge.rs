//! `import FILE…`: the files named replace the households of the villages
//! they hold; every other village's households are kept from the register
//! (DESIGN 7), checked again with the new ones so that the campaign-wide
//! checks see the whole register.

use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use super::FileResult;
use crate::domain::campaign_checks::Checked;
use crate::domain::checks::{CampaignChecks, Checker};
use crate::domain::columns::Col;
use crate::domain::finding::Finding;
use crate::domain::register::{Household, PersonRow};
use crate::io::register::{RegisterReader, RowWriter};

/// Households by village code: the village's name and how many.
pub type Villages = BTreeMap<String, (String, usize)>;

/// Count a checked household under its village, when it is a roster village.
pub fn count(villages: &mut Villages, hh: &Household) {
    if hh.village_code.is_empty() {
        return;
    }
    match villages.get_mut(hh.village_code.as_str()) {
        Some(v) => v.1 += 1,
        None => {
            villages.insert(
                hh.village_code.to_string(),
                (hh.village_name.to_string(), 1),
            );
        }
    }
}

/// The register being merged with the files named.
pub struct Merge {
    reader: RegisterReader,
    /// The files' results, by their labels, until all are read.
    files: Vec<(String, FileResult)>,
}

/// What the merge kept and replaced.
#[derive(Default)]
pub struct Merged {
    /// The villages the files hold, with their households now.
    pub replaced: Villages,
    /// Households the register held of the replaced villages.
    pub before: Villages,
    /// The villages kept from the register, with their households.
    pub kept: Villages,
    /// The source files of the households kept.
    pub kept_files: BTreeSet<String>,
    /// The register as written.
    pub persons: usize,
    pub households: usize,
}

impl Merge {
    /// The register at `path`, when there is one to merge with.
    pub fn open(path: &Path) -> Result<Option<Merge>> {
        if !path.is_file() {
            return Ok(None);
        }
        let reader = RegisterReader::open(path).map_err(|e| {
            crate::error::data(format!(
                "{e:#}: the households of the villages not named cannot be kept; import every file (`fupin import`) to write the register again"
            ))
        })?;
        Ok(Some(Merge {
            reader,
            files: Vec::new(),
        }))
    }

    /// The register's extra columns.
    pub fn extras(&self) -> &[String] {
        &self.reader.extras
    }

    /// Hold a file's result until the register's households are read.
    pub fn hold(&mut self, label: &str, r: FileResult) {
        self.files.push((label.to_string(), r));
    }

    /// Write the register: the households kept and the files' households,
    /// in the order of their source files' names, and hand them all to the
    /// campaign-wide checks. A household is replaced when its village is
    /// one the files hold, or when it came from a file named again (what
    /// the file gives now replaces all it gave before).
    pub fn write(
        mut self,
        out: &mut impl Write,
        checker: &Checker,
        n_extras: usize,
        global: &mut CampaignChecks,
        findings: &mut Vec<Finding>,
    ) -> Result<Merged> {
        let mut m = Merged::default();
        for (_, r) in &self.files {
            for (code, (name, n)) in &r.villages {
                m.replaced
                    .entry(code.clone())
                    .or_insert((name.clone(), 0))
                    .1 += n;
            }
        }
        let named: HashSet<String> = self.files.iter().map(|(l, _)| l.clone()).collect();
        self.files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut files = self.files.into_iter().peekable();
        let take = |r: FileResult,
                    m: &mut Merged,
                    out: &mut dyn Write,
                    global: &mut CampaignChecks,
                    findings: &mut Vec<Finding>|
         -> Result<()> {
            m.persons += r.checked.persons;
            m.households += r.checked.n_households();
            r.checked.into_campaign(global, findings, |_| {});
            out.write_all(&r.bytes)?;
            Ok(())
        };
        let mut dropped: HashSet<(String, String)> = HashSet::new();
        while let Some(raw) = self.reader.next_raw()? {
            let rows = raw.rows()?;
            let Some(label) = rows.first().map(|r| r.src.file.to_string()) else {
                continue;
            };
            let again = named.contains(&label);
            let replaced =
                |r: &PersonRow| again || m.replaced.contains_key(r.village_code.as_str());
            let (gone, kept): (Vec<PersonRow>, Vec<PersonRow>) =
                rows.into_iter().partition(replaced);
            for r in gone.iter().filter(|r| !r.village_code.is_empty()) {
                dropped.insert((
                    r.village_code.to_string(),
                    r.get(Col::HouseholdId).to_string(),
                ));
            }
            if kept.is_empty() {
                continue;
            }
            while let Some((_, r)) = files.next_if(|(l, _)| *l < label) {
                take(r, &mut m, out, global, findings)?;
            }
            let mut bytes = Vec::new();
            let mut writer = RowWriter::default();
            let mut villages = Villages::new();
            let checked = Checked::check(checker, kept, |group, hh| {
                writer.household(&mut bytes, group, hh.head, n_extras);
                count(&mut villages, hh);
            });
            for (code, (name, n)) in villages {
                m.kept.entry(code).or_insert((name, 0)).1 += n;
            }
            m.kept_files.insert(label);
            m.persons += checked.persons;
            m.households += checked.n_households();
            checked.into_campaign(global, findings, |_| {});
            out.write_all(&bytes)?;
        }
        for (_, r) in files {
            take(r, &mut m, out, global, findings)?;
        }
        for (code, _) in dropped {
            let name = match checker.roster.find(&code) {
                Some((_, v)) => v.name.clone(),
                None => code.clone(),
            };
            // A village only a file named again held is replaced by nothing.
            m.replaced.entry(code.clone()).or_insert((name.clone(), 0));
            m.before.entry(code).or_insert((name, 0)).1 += 1;
        }
        Ok(m)
    }
}

impl Merged {
    /// What was replaced and what kept, for the clerk.
    pub fn lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        if !self.replaced.is_empty() {
            let each: Vec<String> = self
                .replaced
                .iter()
                .map(|(code, (name, n))| {
                    let before = self.before.get(code).map_or(0, |b| b.1);
                    format!("{name} ({n} households, {before} before)")
                })
                .collect();
            v.push(format!("replaced in the register: {}", each.join(", ")));
        }
        if self.kept.is_empty() {
            v.push("kept in the register: no other village".to_string());
        } else {
            let each: Vec<String> = self
                .kept
                .values()
                .map(|(name, n)| format!("{name} ({n} households)"))
                .collect();
            v.push(format!("kept in the register: {}", each.join(", ")));
        }
        v
    }

    pub fn json(&self) -> serde_json::Value {
        let list = |vs: &Villages, before: Option<&Villages>| -> Vec<serde_json::Value> {
            vs.iter()
                .map(|(code, (name, n))| {
                    let mut o = serde_json::json!({"village": name, "code": code, "households": n});
                    if let Some(b) = before {
                        o["before"] = serde_json::json!(b.get(code).map_or(0, |b| b.1));
                    }
                    o
                })
                .collect()
        };
        serde_json::json!({
            "replaced": list(&self.replaced, Some(&self.before)),
            "kept": list(&self.kept, None),
        })
    }
}

/// The SHA-256 the journal recorded of each input of the import that last
/// wrote the register, by path as the journal names it.
pub fn recorded_inputs(out: &Path) -> HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(out.join("journal.jsonl")) else {
        return HashMap::new();
    };
    text.lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| {
            e["command"] == "import"
                && e["outputs"]
                    .as_array()
                    .is_some_and(|o| o.iter().any(|p| p == "out/register.csv"))
        })
        .and_then(|e| e["inputs"].as_array().cloned())
        .into_iter()
        .flatten()
        .filter_map(|i| {
            Some((
                i["path"].as_str()?.to_string(),
                i["sha256"].as_str()?.to_string(),
            ))
        })
        .collect()
}
