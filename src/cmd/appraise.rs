//! `fupin appraise [FILES…] [--village V --date D --present N]`: apply the
//! villager representatives' meetings (民主评议, DESIGN 2.6) to the admitted
//! households of `out/primary-list.csv`. Reads meeting tables (村, 日期,
//! 到会人数) and vote tables (村, 户编号, 赞成, 反对, 弃权) from every file of
//! `appraisal/` or the files named, in any sheet of any format; writes
//! `out/appraised.csv`, `out/meetings.csv`, `out/appraisal-findings.csv`
//! and the printable `out/appraisal-record.xlsx`.
//!
//! An appraisal that cannot stand stops the chain (DESIGN 7): a meeting
//! below its quorum, a village of the primary list without a meeting, an
//! admitted household without a vote row, or any other error in the sheets,
//! and no `out/appraised.csv` is written (an older one is removed), so no
//! later stage runs on it; the meetings, the findings and the record still
//! tell the clerk what is wrong. When it stands, every admitted household
//! has its row, passed or failed.
//!
//! A meeting given with `--village --date --present` is recorded in
//! `out/meetings.csv` with the source `command line`, and later runs (and
//! `fupin run`) keep it while `appraisal/` gives no meeting of that village.
//!
//! Example: `fupin -C mytown appraise` or
//! `fupin -C mytown appraise 评议.xlsx --village 双河村 --date 2015-06-04 --present 41`

mod sheets;

use anyhow::Result;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use super::chain::{self, List};
use super::{config, data, Ctx, Report};
use crate::domain::appraisal::{outcome, parse_date, Outcome, Quorum};
use crate::domain::finding::{Finding, Source};
use crate::domain::key::HouseholdKey;
use crate::domain::list::ListStatus;
use crate::domain::roster::{Roster, Village};
use crate::domain::screen::Decision;
use crate::io::lists::{self, rank_cmp, AppraisedLine, PrimaryLine};
use crate::io::xlsx::appraisal::{write_record, RecordLine, RecordSheet};
use crate::io::{csvout, findings as findings_io};
use sheets::{Meeting, Sheets, GIVEN};

pub const MEETINGS_HEADER: [&str; 8] = [
    "village_code",
    "village",
    "date",
    "present",
    "representatives",
    "required",
    "rule",
    "valid",
];

/// The admitted households of each village of the roster, in rank order,
/// and the decision on every household of the primary list.
struct Primary {
    admitted: Vec<Vec<PrimaryLine>>,
    decisions: HashMap<HouseholdKey, Decision>,
}

/// What became of the villages.
#[derive(Default)]
struct Outcomes {
    appraised: Vec<AppraisedLine>,
    /// The rows of `meetings.csv`, each with its source last.
    meetings: Vec<Vec<String>>,
    /// Whether a meeting was given on the command line, now or before: only
    /// then does `meetings.csv` have its `source` column.
    given: bool,
    records: Vec<RecordSheet>,
    json: Vec<Value>,
    /// Villages that were not appraised, and the first reason why.
    failed: Vec<(String, String)>,
    villages: usize,
    passed: usize,
    not_passed: usize,
}

pub fn run(
    ctx: &Ctx,
    files: &[PathBuf],
    village: Option<&str>,
    date: Option<&str>,
    present: Option<u32>,
) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let flag = flag_meeting(&roster, village, date, present)?;
    let list_path = chain::require(ctx, List::Primary)?;
    let primary = load_primary(&list_path, &roster)?;
    let files = super::named_or_folder(ctx, files, "appraisal", "the meeting and vote sheets")?;
    let mut report = Report {
        inputs: files.clone(),
        ..Default::default()
    };
    report.inputs.extend([
        list_path,
        ctx.path("villages.csv"),
        ctx.path("campaign.toml"),
    ]);

    let mut s = Sheets {
        year: campaign.campaign.year,
        flag_village: flag.as_ref().map(|(v, _)| *v),
        ..Default::default()
    };
    for path in &files {
        s.read_file(ctx, &roster, path);
    }
    let out = ctx.out();
    let meetings_csv = out.join("meetings.csv");
    let before = s.given_before(&roster, &meetings_csv, &ctx.rel(&meetings_csv));
    keep_given(ctx, &roster, before, &mut s);
    if let Some((vi, m)) = flag {
        ctx.say(format!(
            "the meeting of {} is taken from --village --date --present",
            roster.villages[vi].name
        ));
        s.meetings.insert(vi, m);
        s.attempted.insert(vi);
    }
    s.check_votes(&roster, &primary.decisions);
    // Errors so far by village; `check_meeting` adds its own.
    let mut prior: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in s.findings.iter().enumerate().filter(|(_, f)| f.is_error()) {
        prior.entry(f.village.clone()).or_default().push(i);
    }

    let mut o = Outcomes::default();
    for (vi, v) in roster.villages.iter().enumerate() {
        let quorum = Quorum::new(&campaign.appraisal, v.population, v.representatives);
        let prior = prior.get(&v.name).map(Vec::as_slice).unwrap_or(&[]);
        appraise_village(vi, v, &quorum, &primary.admitted[vi], prior, &mut s, &mut o);
    }

    // No household leaves the list without a row that says why.
    let rows: HashSet<&HouseholdKey> = o.appraised.iter().map(|r| &r.base.key).collect();
    let lost: Vec<Finding> = primary
        .admitted
        .iter()
        .flatten()
        .filter(|r| !rows.contains(&r.base.key))
        .filter(|r| !o.failed.iter().any(|(v, _)| *v == r.base.village))
        .map(|r| {
            let hh = &r.base.key.household_id;
            let msg = format!(
                "household {hh} ({}) is admitted on the primary list but was not appraised",
                r.base.head_name
            );
            Finding::error("not_appraised", msg).household(&r.base.village, hh)
        })
        .collect();
    s.findings.extend(lost);
    let errors = s.findings.iter().filter(|f| f.is_error()).count();
    let stands = errors == 0 && o.failed.is_empty();
    let appraised_csv = out.join("appraised.csv");
    let mut header = MEETINGS_HEADER.to_vec();
    if o.given {
        header.push("source");
    } else {
        for row in &mut o.meetings {
            row.pop();
        }
    }
    csvout::write_csv(&meetings_csv, &header, o.meetings)?;
    findings_io::sort(&mut s.findings);
    let findings_csv = out.join("appraisal-findings.csv");
    findings_io::write_csv(&findings_csv, &s.findings)?;
    let record = out.join("appraisal-record.xlsx");
    write_record(&record, &o.records, &campaign)?;
    // An appraisal that cannot stand writes no list: the later stages
    // refuse for want of it, naming `fupin appraise`.
    let removed = if stands {
        lists::write(&appraised_csv, o.appraised)?;
        report.outputs.push(appraised_csv.clone());
        false
    } else if appraised_csv.exists() {
        std::fs::remove_file(&appraised_csv).map_err(|e| {
            data(format!(
                "cannot remove the outdated {}: {e}",
                ctx.rel(&appraised_csv)
            ))
        })?;
        true
    } else {
        false
    };
    report.outputs.extend([meetings_csv, findings_csv, record]);

    let warnings = s.findings.len() - errors;
    let found = format!(
        "{}, {}",
        count(errors, "error", "errors"),
        count(warnings, "warning", "warnings")
    );
    if stands {
        ctx.say(format!(
            "appraise: {}, {} passed, {} failed; 0 villages not appraised; {found}",
            count(o.villages, "village appraised", "villages appraised"),
            count(o.passed, "household", "households"),
            o.not_passed,
        ));
    } else {
        ctx.say(format!(
            "appraise: the appraisal cannot stand: {} not appraised, {} without a fault; {found}",
            count(o.failed.len(), "village", "villages"),
            o.villages,
        ));
    }
    for (name, why) in &o.failed {
        ctx.say(format!("  {name}: not appraised: {why}"));
    }
    for f in s.findings.iter().filter(|f| f.is_error()).take(10) {
        ctx.say(format!("  {f}"));
    }
    if !stands {
        report.exit = 1;
        if removed {
            ctx.say(format!(
                "  (the earlier {} was removed: it does not reflect these sheets)",
                ctx.rel(&appraised_csv)
            ));
        }
        ctx.say(format!(
            "the appraisal cannot stand, so {} is not written and no later stage runs: see {}, correct the meeting and vote sheets and run `fupin appraise` again",
            ctx.rel(&appraised_csv),
            ctx.rel(&out.join("appraisal-findings.csv"))
        ));
        report.errors = Some((errors.max(1), vec![out.join("appraisal-findings.csv")]));
    }
    let j = &mut report.json;
    j.insert("villages_appraised".into(), json!(o.villages));
    j.insert("villages_failed".into(), json!(o.failed.len()));
    j.insert("households_passed".into(), json!(o.passed));
    j.insert("households_failed".into(), json!(o.not_passed));
    j.insert("errors".into(), json!(errors));
    j.insert("warnings".into(), json!(warnings));
    j.insert("villages".into(), Value::Array(o.json));
    if !stands {
        j.insert("appraised_written".into(), json!(false));
    }
    Ok(report)
}

/// Read the primary list; a provisional one is refused.
fn load_primary(path: &std::path::Path, roster: &Roster) -> Result<Primary> {
    let list: Vec<PrimaryLine> = lists::read(path).map_err(|e| data(e.to_string()))?;
    if list
        .iter()
        .any(|r| r.list_status == ListStatus::Provisional)
    {
        return Err(data(
            "the primary list is provisional (written by `fupin screen --provisional` while error findings stand): correct the errors and run `fupin screen` first",
        ));
    }
    let mut p = Primary {
        admitted: vec![Vec::new(); roster.villages.len()],
        decisions: HashMap::new(),
    };
    for row in list {
        let code = &row.base.key.village_code;
        let Some(vi) = roster.villages.iter().position(|v| v.code == *code) else {
            return Err(data(format!(
                "village {} ({code}) of out/primary-list.csv is not in villages.csv: run `fupin screen` again",
                row.base.village
            )));
        };
        p.decisions.insert(row.base.key.clone(), row.decision);
        if row.decision == Decision::Admitted {
            p.admitted[vi].push(row);
        }
    }
    for rows in &mut p.admitted {
        rows.sort_by(rank_cmp);
    }
    Ok(p)
}

/// The findings on a village's meeting: quorum, an impossible attendance,
/// households without votes, or no meeting at all. Returns whether the
/// meeting itself is valid.
fn check_meeting(
    v: &Village,
    vi: usize,
    quorum: &Quorum,
    adm: &[PrimaryLine],
    s: &mut Sheets,
) -> bool {
    let Some(m) = s.meetings.get(&vi) else {
        if !adm.is_empty() && !s.attempted.contains(&vi) {
            let msg = format!("no meeting recorded for {}: hand in its meeting sheet or use --village --date --present", v.name);
            s.findings
                .push(Finding::error("no_meeting", msg).household(&v.name, ""));
        }
        return false;
    };
    let mut found = Vec::new();
    let at = |kind, msg: String| {
        Finding::error(kind, msg)
            .household(&v.name, "")
            .at(&m.src)
            .column("到会人数")
    };
    if let Some(msg) = quorum.shortfall(m.present) {
        found.push(at("quorum", msg));
    }
    if let Some((reps, _)) = quorum.two_thirds.filter(|(r, _)| m.present > *r) {
        let msg = format!("{} present, but the village has only {reps} representatives (villages.csv): correct the meeting sheet or the roster", m.present);
        found.push(at("meeting_over_representatives", msg));
    }
    let valid = found.is_empty();
    let voted = s.voted(vi);
    for r in adm
        .iter()
        .filter(|r| !voted.contains(r.base.key.household_id.as_str()))
    {
        let hh = &r.base.key.household_id;
        let msg = format!(
            "household {hh} ({}) is on the primary list but has no row in the vote sheets",
            r.base.head_name
        );
        found.push(Finding::error("votes_missing", msg).household(&v.name, hh));
    }
    s.findings.extend(found);
    valid
}

fn appraise_village(
    vi: usize,
    v: &Village,
    quorum: &Quorum,
    adm: &[PrimaryLine],
    prior: &[usize],
    s: &mut Sheets,
    o: &mut Outcomes,
) {
    let start = s.findings.len();
    let valid = check_meeting(v, vi, quorum, adm, s);
    let meeting: Option<Meeting> = s.meetings.get(&vi).cloned();
    if meeting.is_none() && adm.is_empty() {
        return;
    }
    let errors: Vec<&Finding> = prior
        .iter()
        .map(|&i| &s.findings[i])
        .chain(s.findings[start..].iter().filter(|f| f.is_error()))
        .collect();
    let mut lines = Vec::new();
    let (mut passed, mut not_passed) = (0, 0);
    let stands = meeting.as_ref().filter(|_| errors.is_empty());
    if let Some(m) = stands {
        o.villages += 1;
        let votes = s.votes_of(vi);
        for r in adm {
            let vote = votes
                .get(r.base.key.household_id.as_str())
                .copied()
                .unwrap_or_default();
            let (out, reason) = outcome(&vote, m.present);
            if out == Outcome::Passed {
                passed += 1;
            } else {
                not_passed += 1;
            }
            o.appraised.push(AppraisedLine {
                base: r.base.clone(),
                rank: r.rank,
                per_capita_income: r.per_capita_income,
                present: m.present,
                votes_for: vote.for_,
                votes_against: vote.against,
                votes_abstain: vote.abstain,
                outcome: out,
                reason,
            });
            lines.push(RecordLine {
                rank: r.rank,
                household_id: r.base.key.household_id.clone(),
                head_name: r.base.head_name.clone(),
                size: r.base.size,
                votes: vote,
                outcome: out,
            });
        }
    } else {
        // The meeting's own problem first: it voids the village whatever
        // the votes say.
        let meeting_kinds = ["no_meeting", "quorum", "meeting_over_representatives"];
        let why = errors
            .iter()
            .find(|f| meeting_kinds.contains(&f.kind) || f.kind.starts_with("meeting_"))
            .or(errors.first())
            .map(|f| f.message.clone())
            .unwrap_or_default();
        let more = match errors.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more)", count(n - 1, "problem", "problems")),
        };
        o.failed.push((v.name.clone(), format!("{why}{more}")));
    }
    o.passed += passed;
    o.not_passed += not_passed;
    if let Some(m) = &meeting {
        o.meetings.push(vec![
            v.code.clone(),
            v.name.clone(),
            m.date.to_string(),
            m.present.to_string(),
            v.representatives.map(|r| r.to_string()).unwrap_or_default(),
            quorum.required.to_string(),
            quorum.rule().en().into(),
            if valid { "yes" } else { "no" }.into(),
            if m.given {
                GIVEN.to_string()
            } else {
                m.src.file.to_string()
            },
        ]);
        o.given |= m.given;
        o.records.push(RecordSheet {
            village: v.name.clone(),
            date: m.date,
            present: m.present,
            chair: m.chair.clone(),
            recorder: m.recorder.clone(),
            quorum: quorum.clone(),
            errors: errors.iter().filter(|f| f.kind != "quorum").count(),
            lines,
            admitted: adm.len(),
        });
    }
    o.json.push(json!({
        "code": v.code,
        "name": v.name,
        "date": meeting.as_ref().map(|m| m.date.to_string()),
        "present": meeting.as_ref().map(|m| m.present),
        "required": quorum.required,
        "rule": quorum.rule().en(),
        "meeting_valid": valid,
        "admitted_households": adm.len(),
        "status": if stands.is_some() { "appraised" } else { "failed" },
        "passed": passed,
        "failed": not_passed,
    }));
}

/// Keep the meetings given on the command line in earlier runs where
/// neither the flags nor the sheets of `appraisal/` give the village's
/// meeting: a meeting in `appraisal/` wins, and says so.
fn keep_given(
    ctx: &Ctx,
    roster: &Roster,
    before: Vec<(usize, std::result::Result<Meeting, Finding>)>,
    s: &mut Sheets,
) {
    let mut kept = BTreeSet::new();
    for (vi, m) in before {
        let name = &roster.villages[vi].name;
        if s.flag_village == Some(vi) || !kept.insert(vi) {
            continue;
        }
        if s.attempted.contains(&vi) {
            ctx.say(format!(
                "the meeting of {name} in appraisal/ replaces the one given on the command line before"
            ));
            continue;
        }
        s.attempted.insert(vi);
        match m {
            Ok(m) => {
                ctx.say(format!(
                    "the meeting of {name} is the one given on the command line before ({}, {} present; {})",
                    m.date, m.present, m.src.file
                ));
                s.meetings.insert(vi, m);
            }
            Err(f) => s.findings.push(f),
        }
    }
}

/// The meeting given by `--village --date --present`: all three or none.
fn flag_meeting(
    roster: &Roster,
    village: Option<&str>,
    date: Option<&str>,
    present: Option<u32>,
) -> Result<Option<(usize, Meeting)>> {
    let (v, d, p) = match (village, date, present) {
        (None, None, None) => return Ok(None),
        (Some(v), Some(d), Some(p)) => (v, d, p),
        _ => {
            return Err(config(
                "--village, --date and --present go together: give all three, or none and a meeting sheet",
            ))
        }
    };
    let (vi, _) = roster
        .find(v)
        .ok_or_else(|| config(format!("--village {v:?} is not in villages.csv")))?;
    let date = parse_date(d).ok_or_else(|| {
        config(format!(
            "--date {d:?} is not a date such as 2015-06-04 or 2015年6月4日"
        ))
    })?;
    let src = Source {
        file: "command line".into(),
        ..Default::default()
    };
    let m = Meeting {
        date,
        present: p,
        chair: String::new(),
        recorder: String::new(),
        src,
        given: true,
    };
    Ok(Some((vi, m)))
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
