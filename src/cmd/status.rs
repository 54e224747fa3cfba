//! `fupin status`: for every village of the roster, which stages are done,
//! the date of the appraisal meeting, the periods of publicity and the
//! households at each stage; then the next step to take. A missing file is
//! a stage not done: status never fails on a campaign folder.
//!
//! With `--verify` it also re-hashes every input the journal says each
//! stage read and names the outputs made from inputs that have changed
//! since (exit 1 when there is one).
//!
//! Example: `fupin -C mytown status` or `fupin -C mytown --json status --verify`.

use anyhow::Result;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::chain::{List, Round, Step};
use super::{Ctx, Report};
use crate::domain::appraisal::Outcome as Appraisal;
use crate::domain::campaign::Lang;
use crate::domain::columns::Col;
use crate::domain::list::ListStatus;
use crate::domain::review::Outcome as Reviewed;
use crate::domain::roster::Roster;
use crate::domain::screen::Decision;
use crate::io::csvin::{read_csv, read_schedule};
use crate::io::lists::{self, AppraisedLine, FinalLine, Line, PrimaryLine, Ranked, ReviewLine};
use crate::io::register::RegisterReader;
use crate::io::staleness::{self, Verdict};

mod next;
mod show;

use next::{next_step, standing};
use show::{counts_table, dates_table, done, table, village_json};

/// What is known of one village.
#[derive(Default)]
struct Village {
    code: String,
    name: String,
    applicants: Option<usize>,
    admitted: Option<usize>,
    passed: Option<usize>,
    meeting: Option<(String, Option<bool>)>,
    publicity: [Option<(String, String)>; 3],
    notice: [bool; 3],
    kept: [Option<usize>; 3],
    removed: [Option<usize>; 3],
    final_households: Option<usize>,
    final_persons: Option<u64>,
    registration: bool,
}

/// Which files exist, which are stale, what could not be read.
#[derive(Default)]
struct Facts {
    exists: HashMap<&'static str, bool>,
    /// Outputs stale since their inputs changed, as every stage decides.
    verdict: Verdict,
    /// Files that could not be read, and the standing problems of the
    /// campaign: errors to correct, a provisional list.
    problems: Vec<String>,
    inputs: Vec<PathBuf>,
    /// `out/primary-list.csv` was written by `screen --provisional`.
    provisional: bool,
    /// The stages whose last run stopped on errors in the data, in the
    /// order of the chain.
    failed: Vec<Failed>,
}

/// A stage whose last run stopped on errors in the data.
struct Failed {
    step: Step,
    /// How many, when its findings file tells it.
    errors: Option<usize>,
    /// The file that lists them, as the clerk is to open it.
    listed_in: String,
}

impl Failed {
    /// What has to happen before the stage runs again.
    fn correct(&self) -> String {
        format!(
            "correct the {} listed in {}, then `{}`",
            match self.errors {
                Some(1) => "error".to_string(),
                Some(n) if n > 1 => format!("{n} errors"),
                _ => "errors".to_string(),
            },
            self.listed_in,
            self.step
        )
    }
}

impl Facts {
    fn has(&self, name: &str) -> bool {
        self.exists.get(name).copied().unwrap_or(false)
    }
    fn is_stale(&self, list: List) -> bool {
        let name = list.to_string();
        self.verdict.stale.iter().any(|s| s.output == name)
    }
    /// One line for each stale list, and for each other command with a
    /// stale output.
    fn stale_lines(&self) -> Vec<String> {
        let mut seen: Vec<&str> = Vec::new();
        let mut v = Vec::new();
        for s in &self.verdict.stale {
            let list = List::ALL.iter().any(|l| l.to_string() == s.output);
            if list || !seen.contains(&s.command.as_str()) {
                seen.push(&s.command);
                v.push(s.sentence());
            }
        }
        v
    }
}

pub fn run(ctx: &Ctx, verify: bool) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let mut v: Vec<Village> = roster
        .villages
        .iter()
        .map(|r| Village {
            code: r.code.clone(),
            name: r.name.clone(),
            ..Default::default()
        })
        .collect();
    let mut facts = Facts::default();
    gather(ctx, &roster, &mut v, &mut facts);
    standing(ctx, &mut facts);
    let (cmd, next) = next_step(ctx, &roster, &v, &facts);

    let lang = campaign.output.lang;
    let c = &campaign.campaign;
    ctx.say(format!(
        "{} {} {}: {}",
        c.county,
        c.town,
        c.year,
        if lang == Lang::En {
            "campaign status"
        } else {
            "精准识别进度"
        }
    ));
    let flags: Vec<_> = v.iter().map(|x| done(x, &facts)).collect();
    ctx.say(table(&counts_table(&v, &flags, lang), 2));
    ctx.say("");
    ctx.say(table(&dates_table(&v, lang), 5));
    ctx.say("");
    let stale = facts.stale_lines();
    for m in &stale {
        ctx.say(format!("note: {m}"));
    }
    for p in &facts.problems {
        ctx.say(format!("note: {p}"));
    }
    ctx.say(format!("next: {next}"));

    let mut report = Report {
        inputs: facts.inputs.clone(),
        ..Default::default()
    };
    report.json.insert(
        "villages".into(),
        Value::Array(v.iter().map(|x| village_json(x, &facts)).collect()),
    );
    report.json.insert("next".into(), json!(next));
    report.json.insert("next_command".into(), json!(cmd));
    report.json.insert("stale".into(), json!(stale));
    report.json.insert("problems".into(), json!(facts.problems));
    if verify {
        let verdict = &facts.verdict;
        for l in verdict.lines() {
            ctx.say(l);
        }
        // The journal leaves a provisional list out of what it checks:
        // name it, lest "every one matches" pass for a final list.
        let provisional: Vec<String> = if facts.provisional {
            vec![List::Primary.to_string()]
        } else {
            vec![]
        };
        for p in &provisional {
            ctx.say(format!(
                "verify: {p} is provisional, not final: it was made while error findings stood"
            ));
        }
        for p in &verdict.problems {
            ctx.say(format!("note: {p}"));
        }
        if !verdict.ok() {
            report.exit = 1;
        }
        let mut j = verdict.json();
        j["provisional"] = json!(provisional);
        if verdict.checked == 0 {
            j["warning"] = json!("no output was checked");
        }
        report.json.insert("verify".into(), j);
    }
    Ok(report)
}

fn place(roster: &Roster, code: &str, name: &str) -> Option<usize> {
    roster
        .villages
        .iter()
        .position(|v| v.code == code)
        .or_else(|| roster.find(name).map(|(i, _)| i))
}

/// The lines of list `name`, by roster village (placed by code); `None`
/// when the list does not exist or cannot be read (then a problem).
fn by_village<T: Line + Ranked>(
    roster: &Roster,
    n: usize,
    out: &Path,
    name: &'static str,
    facts: &mut Facts,
) -> Option<Vec<Vec<T>>> {
    if !facts.has(name) {
        return None;
    }
    match lists::read::<T>(&out.join(name)) {
        Ok(rows) => {
            let mut by: Vec<Vec<T>> = (0..n).map(|_| Vec::new()).collect();
            for r in rows {
                let code = &r.base().key.village_code;
                if let Some(i) = roster.villages.iter().position(|v| v.code == *code) {
                    by[i].push(r);
                }
            }
            Some(by)
        }
        Err(e) => {
            facts.problems.push(e.to_string());
            facts.exists.insert(name, false);
            None
        }
    }
}

/// Read every output there is into `v` and `facts`.
fn gather(ctx: &Ctx, roster: &Roster, v: &mut [Village], facts: &mut Facts) {
    let out = ctx.out();
    let names: [&'static str; 10] = [
        "register.csv",
        "survey.csv",
        "primary-list.csv",
        "appraised.csv",
        "meetings.csv",
        "schedule.csv",
        "after-village-review.csv",
        "after-town-review.csv",
        "after-county-review.csv",
        "final-list.csv",
    ];
    for n in names {
        let p = out.join(n);
        let e = p.is_file();
        facts.exists.insert(n, e);
        if e {
            facts.inputs.push(p);
        }
    }
    // Staleness as every stage decides it: by content, from the journal.
    facts.verdict = staleness::verify(&ctx.dir);

    if facts.has("register.csv") {
        match count_register(&out.join("register.csv"), roster) {
            Ok(n) => {
                for (i, x) in v.iter_mut().enumerate() {
                    x.applicants = Some(n.get(&i).copied().unwrap_or(0));
                }
            }
            Err(e) => facts.problems.push(format!("{e:#}")),
        }
    }
    let n = v.len();
    fn count<T>(rows: &[T], pick: impl Fn(&T) -> bool) -> Option<usize> {
        Some(rows.iter().filter(|r| pick(r)).count())
    }
    if let Some(by) = by_village::<PrimaryLine>(roster, n, &out, "primary-list.csv", facts) {
        facts.provisional = by
            .iter()
            .flatten()
            .any(|r| r.list_status == ListStatus::Provisional);
        for (x, rows) in v.iter_mut().zip(&by) {
            x.applicants = Some(rows.len());
            x.admitted = count(rows, |r| r.decision == Decision::Admitted);
        }
    }
    if let Some(by) = by_village::<AppraisedLine>(roster, n, &out, "appraised.csv", facts) {
        for (x, rows) in v.iter_mut().zip(&by) {
            x.passed = count(rows, |r| r.outcome == Appraisal::Passed);
        }
    }
    for (k, r) in Round::ALL.into_iter().enumerate() {
        if let Some(by) = by_village::<ReviewLine>(roster, n, &out, List::Reviewed(r).file(), facts)
        {
            for (x, rows) in v.iter_mut().zip(&by) {
                x.kept[k] = count(rows, |r| r.outcome == Reviewed::Kept);
                x.removed[k] = count(rows, |r| r.outcome == Reviewed::Removed);
            }
        }
    }
    if let Some(by) = by_village::<FinalLine>(roster, n, &out, "final-list.csv", facts) {
        for (x, rows) in v.iter_mut().zip(&by) {
            x.final_households = Some(rows.len());
            x.final_persons = Some(rows.iter().map(|r| u64::from(r.base().size)).sum());
        }
    }
    if facts.has("meetings.csv") {
        match read_csv(&out.join("meetings.csv")) {
            Ok(rows) => {
                for r in rows {
                    let g = |c: &str| r.get(c).cloned().unwrap_or_default();
                    let Some(i) = place(roster, &g("village_code"), &g("village")) else {
                        continue;
                    };
                    let valid = yes_no(&g("valid"));
                    // The last valid meeting of the village, else its last meeting.
                    if valid != Some(false)
                        || v[i].meeting.as_ref().is_none_or(|m| m.1 == Some(false))
                    {
                        v[i].meeting = Some((g("date"), valid));
                    }
                }
            }
            Err(e) => facts.problems.push(format!("{e:#}")),
        }
    }
    match read_schedule(&out.join("schedule.csv")) {
        Ok(rows) => {
            for [code, stage, start, end] in rows {
                let (Some(i), Some(k)) = (
                    place(roster, &code, &code),
                    Round::ALL
                        .iter()
                        .position(|s| stage.eq_ignore_ascii_case(s.name())),
                ) else {
                    continue;
                };
                v[i].publicity[k] = Some((start, end));
                v[i].notice[k] = true;
            }
        }
        Err(e) => facts.problems.push(format!("{e:#}")),
    }
    for x in v.iter_mut() {
        for (k, r) in Round::ALL.into_iter().enumerate() {
            let base = out.join("notices").join(format!("{}-{}", r.name(), x.name));
            if base.with_extension("xlsx").is_file() || base.with_extension("csv").is_file() {
                x.notice[k] = true;
            }
        }
        x.registration = out
            .join("registration")
            .join(format!("{}.xlsx", x.name))
            .is_file();
    }
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "1" | "valid" | "是" | "有效" => Some(true),
        "false" | "no" | "0" | "invalid" | "否" | "无效" => Some(false),
        _ => None,
    }
}

/// Households of the register by village.
fn count_register(path: &Path, roster: &Roster) -> Result<HashMap<usize, usize>> {
    let mut seen: BTreeSet<(usize, String)> = BTreeSet::new();
    let mut rdr = RegisterReader::open(path)?;
    while let Some(rows) = rdr.next_file()? {
        for r in rows {
            let cell = if r.village_code.is_empty() {
                r.get(Col::Village)
            } else {
                &r.village_code
            };
            if let Some((i, _)) = roster.find(cell) {
                seen.insert((i, r.get(Col::HouseholdId).to_string()));
            }
        }
    }
    let mut n = HashMap::new();
    for (i, _) in seen {
        *n.entry(i).or_insert(0) += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_words() {
        assert_eq!(yes_no("true"), Some(true));
        assert_eq!(yes_no("否"), Some(false));
        assert_eq!(yes_no(""), None);
    }
}
