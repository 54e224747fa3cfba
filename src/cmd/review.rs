//! `fupin review --stage village|town|county [FILES…] [--no-changes]`:
//! apply the decisions of a publicity stage's review (village objections,
//! town review, county review) to the households that entered the stage,
//! and write `out/after-<stage>-review.csv`; after the county review also
//! `out/final-list.csv`. Problems in the decision sheets are listed in
//! `out/review-<stage>-findings.csv`, and while any stands no list is written.
//!
//! Example: `fupin -C mytown review --stage village` (reads `review/village…`)
//! or `fupin -C mytown review --stage town --no-changes`.

use anyhow::Result;
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::chain::{self, List, Round, Step};
use super::{config, data, folder_files, usage, Ctx, Report};
use crate::domain::appraisal::Outcome as Appraisal;
use crate::domain::finding::Finding;
use crate::domain::key::HouseholdKey;
use crate::domain::review::{self as rules, DecisionRow, Outcome};
use crate::domain::roster::Roster;
use crate::io::csvin::read_schedule;
use crate::io::lists::{self, rank_cmp, AppraisedLine, FinalLine, ReviewLine};
use crate::io::table::{read_table, Field};
use crate::io::{findings as findings_io, sheet};

const FIELDS: [Field; 4] = [
    Field::required("村", "village"),
    Field::required("户编号", "household_id"),
    Field::required("决定", "decision"),
    Field::optional("原因", "reason"),
];

pub fn run(ctx: &Ctx, stage: Round, files: &[PathBuf], no_changes: bool) -> Result<Report> {
    let _campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    if no_changes && !files.is_empty() {
        return Err(config(
            "--no-changes records that the stage passed every household on: do not name decision sheets with it",
        ));
    }
    let input_list = stage.input();
    let input = chain::require(ctx, input_list)?;
    let schedule = ctx.out().join("schedule.csv");
    let noticed = noticed_villages(&schedule, stage)?;
    let s = stage.name();
    if noticed.is_empty() {
        return Err(usage(format!(
            "the {s} publicity has not been noticed (out/schedule.csv has no {s} period): run `fupin notice --stage {s}` first — objections come during publicity"
        )));
    }
    if chain::stale(ctx, Step::Notice(stage)) {
        return Err(usage(format!(
            "{input_list} changed after the {s} notices were written: run `fupin notice --stage {s}` again, so that the publicity shows the list under review"
        )));
    }

    let (mut entered, absent) = entrants(&input, stage)?;
    sort_rows(&roster, &mut entered);

    let sheets = decision_files(ctx, stage, files)?;
    let mut report = Report {
        inputs: vec![input.clone(), schedule.clone(), ctx.path("villages.csv")],
        ..Default::default()
    };
    report.inputs.extend(sheets.iter().cloned());
    let sheet_names: Vec<String> = sheets.iter().map(|p| ctx.rel(p)).collect();
    report.json.insert("stage".into(), json!(s));
    report
        .json
        .insert("decision_sheets".into(), json!(sheet_names));
    report.json.insert("no_changes".into(), json!(no_changes));
    if sheets.is_empty() && !no_changes {
        return Err(data(format!(
            "no decision sheet for the {s} review in review/ (files named {s}…): hand it in, or run with --no-changes to record that the stage passed every household on"
        )));
    }

    let mut findings = Vec::new();
    let rows = read_decisions(ctx, &sheets, &mut findings);
    if no_changes && !rows.is_empty() {
        return Err(data(format!(
            "--no-changes, but {} hold{} {} decision{}: remove the sheets, or run without --no-changes to apply them",
            sheet_names.join(", "),
            if sheets.len() == 1 { "s" } else { "" },
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        )));
    }
    for (i, v) in roster.villages.iter().enumerate() {
        if !noticed.contains(&v.code) && entered.iter().any(|r| village_pos(&roster, r) == i) {
            findings.push(
                Finding::warning(
                    "review_not_noticed",
                    format!(
                        "out/schedule.csv has no {s} publicity period for this village: were its notices posted?"
                    ),
                )
                .household(&v.name, ""),
            );
        }
    }
    let keys: Vec<HouseholdKey> = entered.iter().map(|r| r.base.key.clone()).collect();
    let review = rules::apply(s, &roster, &keys, &absent, &rows);
    findings.extend(review.findings.iter().cloned());
    findings_io::sort(&mut findings);
    let out = ctx.out();
    let findings_csv = out.join(format!("review-{s}-findings.csv"));
    findings_io::write_csv(&findings_csv, &findings)?;
    let errors = findings.iter().filter(|f| f.is_error()).count();
    report.json.insert("errors".into(), json!(errors));
    report.json.insert("decisions".into(), json!(rows.len()));
    let list_path = out.join(List::Reviewed(stage).file());
    let final_path = out.join("final-list.csv");
    if errors > 0 {
        report.outputs.push(findings_csv.clone());
        report.exit = 1;
        report.errors = Some((errors, vec![findings_csv.clone()]));
        ctx.say(format!(
            "{s} review: {errors} error{} in the decision sheets; no list was written:",
            if errors == 1 { "" } else { "s" }
        ));
        for f in findings.iter().filter(|f| f.is_error()).take(10) {
            ctx.say(format!("  {f}"));
        }
        // An older list no longer reflects the decision sheets: take it away
        // so that no later stage builds on it.
        let mut stale = vec![list_path];
        if stage == Round::County {
            stale.push(final_path);
        }
        for p in stale.iter().filter(|p| p.exists()) {
            std::fs::remove_file(p)
                .map_err(|e| data(format!("cannot remove the outdated {}: {e}", ctx.rel(p))))?;
            ctx.say(format!(
                "  (the earlier {} was removed: it does not reflect these sheets)",
                ctx.rel(p)
            ));
        }
        ctx.say(format!(
            "the errors are listed in {}: correct the sheets and run `fupin review --stage {s}` again",
            ctx.rel(&findings_csv)
        ));
        return Ok(report);
    }

    let mut rows_out = entered;
    for (r, ruling) in rows_out.iter_mut().zip(&review.rulings) {
        r.outcome = ruling.outcome;
        r.reason = ruling.reason.clone();
    }
    lists::write_all(&list_path, &rows_out)?;
    report.outputs.push(list_path.clone());
    if stage == Round::County {
        let kept = rows_out
            .iter()
            .filter(|r| r.outcome == Outcome::Kept)
            .map(FinalLine::from);
        lists::write(&final_path, kept)?;
        report.outputs.push(final_path);
    }
    report.outputs.push(findings_csv);
    summarise(ctx, &roster, stage, &rows_out, &mut report);
    for f in &findings {
        ctx.say(format!("  {f}"));
    }
    Ok(report)
}

/// The households of the input list that entered the review of `round`,
/// each as a line of its output list (kept until the review says
/// otherwise), and why each of the others did not enter.
fn entrants(
    input: &Path,
    round: Round,
) -> Result<(Vec<ReviewLine>, HashMap<HouseholdKey, String>)> {
    let err = |e: lists::ListError| data(e.to_string());
    let tail = |reason: &str| {
        if reason.is_empty() {
            String::new()
        } else {
            format!(" ({reason})")
        }
    };
    let entrant = |base: &lists::Base, rank, per_capita_income| ReviewLine {
        base: base.clone(),
        rank,
        per_capita_income,
        outcome: Outcome::Kept,
        reason: String::new(),
        stage: round,
    };
    let mut entered = Vec::new();
    let mut absent = HashMap::new();
    if round == Round::Village {
        for l in lists::read::<AppraisedLine>(input).map_err(err)? {
            match l.outcome {
                Appraisal::Passed => entered.push(entrant(&l.base, l.rank, l.per_capita_income)),
                Appraisal::Failed => {
                    let why = format!("it failed the appraisal{}", tail(&l.reason));
                    absent.insert(l.base.key, why);
                }
            }
        }
    } else {
        for l in lists::read::<ReviewLine>(input).map_err(err)? {
            match l.outcome {
                Outcome::Kept => entered.push(entrant(&l.base, l.rank, l.per_capita_income)),
                Outcome::Removed => {
                    let why = format!(
                        "it was removed at the {} review{}",
                        l.stage.name(),
                        tail(&l.reason)
                    );
                    absent.insert(l.base.key, why);
                }
            }
        }
    }
    Ok((entered, absent))
}

/// The village's place in the roster, by code; villages outside it last.
fn village_pos(roster: &Roster, r: &ReviewLine) -> usize {
    roster
        .villages
        .iter()
        .position(|v| v.code == r.base.key.village_code)
        .unwrap_or(usize::MAX)
}

/// Roster order of villages, then rank order, then household number.
fn sort_rows(roster: &Roster, rows: &mut [ReviewLine]) {
    rows.sort_by(|a, b| {
        village_pos(roster, a)
            .cmp(&village_pos(roster, b))
            .then_with(|| a.base.key.village_code.cmp(&b.base.key.village_code))
            .then_with(|| rank_cmp(a, b))
    });
}

/// Codes of the villages whose publicity of `stage` is in the schedule.
fn noticed_villages(schedule: &Path, stage: Round) -> Result<Vec<String>> {
    Ok(read_schedule(schedule)
        .map_err(|e| data(format!("{e:#}")))?
        .into_iter()
        .filter(|r| r[1].eq_ignore_ascii_case(stage.name()))
        .map(|r| r[0].clone())
        .collect())
}

/// The decision sheets: the files named, or the files of `review/` whose
/// names begin with the stage's name.
fn decision_files(ctx: &Ctx, stage: Round, files: &[PathBuf]) -> Result<Vec<PathBuf>> {
    if !files.is_empty() {
        return Ok(files.to_vec());
    }
    let dir = ctx.path("review");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    Ok(folder_files(&dir)?
        .into_iter()
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_lowercase().starts_with(stage.name()))
                .unwrap_or(false)
        })
        .collect())
}

fn file_finding(file: &str, sheet: &str, msg: String) -> Finding {
    let mut f = Finding::error("file_unreadable", msg);
    f.file = file.to_string();
    f.sheet = sheet.to_string();
    f
}

/// Every decision row of the sheets; unreadable files and sheets without a
/// decision table are error findings.
fn read_decisions(ctx: &Ctx, files: &[PathBuf], findings: &mut Vec<Finding>) -> Vec<DecisionRow> {
    let mut rows = Vec::new();
    for path in files {
        let label = ctx.rel(path);
        let sheets = match sheet::read_file(path, None) {
            Ok(s) => s,
            Err(e) => {
                findings.push(file_finding(&label, "", e));
                continue;
            }
        };
        let mut any = false;
        for s in &sheets {
            match read_table(s, &FIELDS) {
                Ok(Some(table)) => {
                    any = true;
                    rows.extend(table.into_iter().map(|r| {
                        let cell = |i: usize| r.cells.get(i).cloned().unwrap_or_default();
                        DecisionRow {
                            village: cell(0),
                            household_id: cell(1),
                            decision: cell(2),
                            reason: cell(3),
                            src: crate::domain::finding::Source {
                                file: label.as_str().into(),
                                sheet: s.name.as_str().into(),
                                row: r.line,
                            },
                        }
                    }));
                }
                Ok(None) => {}
                Err(e) => {
                    any = true;
                    findings.push(file_finding(&label, &s.name, e));
                }
            }
        }
        if !any {
            findings.push(file_finding(
                &label,
                "",
                "no decision table: a header row with 村 (village), 户编号 (household_id) and 决定 (decision) was not found".into(),
            ));
        }
    }
    rows
}

/// Counts for the clerk and the `--json` report.
fn summarise(ctx: &Ctx, roster: &Roster, stage: Round, rows: &[ReviewLine], report: &mut Report) {
    let s = stage.name();
    let removed: Vec<&ReviewLine> = rows
        .iter()
        .filter(|r| r.outcome == Outcome::Removed)
        .collect();
    let kept = rows.len() - removed.len();
    let villages: Vec<serde_json::Value> = roster
        .villages
        .iter()
        .map(|v| {
            let entered = rows
                .iter()
                .filter(|r| r.base.key.village_code == v.code)
                .count();
            let gone = removed
                .iter()
                .filter(|r| r.base.key.village_code == v.code)
                .count();
            json!({"code": v.code, "name": v.name, "entered": entered,
                   "kept": entered - gone, "removed": gone})
        })
        .collect();
    let removed_json: Vec<serde_json::Value> = removed
        .iter()
        .map(|r| {
            json!({"village_code": r.base.key.village_code, "village": r.base.village,
                   "household_id": r.base.key.household_id, "head_name": r.base.head_name,
                   "reason": r.reason})
        })
        .collect();
    report.json.insert("entered".into(), json!(rows.len()));
    report.json.insert("kept".into(), json!(kept));
    report.json.insert("removed".into(), json!(removed.len()));
    report.json.insert("villages".into(), json!(villages));
    report
        .json
        .insert("removed_households".into(), json!(removed_json));
    let how = match report.json.get("no_changes") {
        Some(serde_json::Value::Bool(true)) => " (--no-changes: no decision sheet)".to_string(),
        _ => String::new(),
    };
    ctx.say(format!(
        "{s} review{how}: {} households entered, {kept} kept, {} removed",
        rows.len(),
        removed.len()
    ));
    for r in &removed {
        ctx.say(format!(
            "  removed: {} {} {} — {}",
            r.base.village, r.base.key.household_id, r.base.head_name, r.reason
        ));
    }
    ctx.say(format!("wrote out/{}", List::Reviewed(stage).file()));
    if stage == Round::County {
        ctx.say(format!(
            "wrote out/final-list.csv: {kept} households, {} persons; next: fupin bind",
            rows.iter()
                .filter(|r| r.outcome == Outcome::Kept)
                .map(|r| u64::from(r.base.size))
                .sum::<u64>()
        ));
    } else {
        let next = match stage {
            Round::Village => "town",
            _ => "county",
        };
        ctx.say(format!("next: fupin notice --stage {next}"));
    }
}
