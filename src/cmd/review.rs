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
use super::{config, data, folder_files, Ctx, Report};
use crate::domain::finding::Finding;
use crate::domain::review::{self as rules, DecisionRow, Key, Outcome};
use crate::domain::roster::Roster;
use crate::domain::rules::natural_cmp;
use crate::io::lists::{read_list, write_list, ListRow};
use crate::io::table::{read_table, Field};
use crate::io::{csvout, findings as findings_io, sheet};

const FIELDS: [Field; 4] = [
    Field::required("村", "village"),
    Field::required("户编号", "household_id"),
    Field::required("决定", "decision"),
    Field::optional("原因", "reason"),
];

/// The stage's own columns of `out/after-<stage>-review.csv`.
pub const EXTRA: [&str; 5] = ["rank", "per_capita_income", "outcome", "reason", "stage"];

/// The own columns of `out/final-list.csv`.
pub const FINAL_EXTRA: [&str; 2] = ["rank", "per_capita_income"];

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
        return Err(data(format!(
            "the {s} publicity has not been noticed (out/schedule.csv has no {s} period): run `fupin notice --stage {s}` first — objections come during publicity"
        )));
    }
    if chain::stale(ctx, Step::Notice(stage)) {
        return Err(data(format!(
            "{input_list} changed after the {s} notices were written: run `fupin notice --stage {s}` again, so that the publicity shows the list under review"
        )));
    }

    let list = read_list(&input).map_err(|e| data(format!("{e:#}")))?;
    if !list.is_empty() && list.iter().all(|r| !r.fields.contains_key("outcome")) {
        return Err(data(format!(
            "{input_list} has no outcome column: run `{}` again",
            input_list.written_by()
        )));
    }
    let want = match stage {
        Round::Village => "passed",
        Round::Town | Round::County => "kept",
    };
    let mut entered: Vec<ListRow> = Vec::new();
    let mut absent: HashMap<Key, String> = HashMap::new();
    for row in list {
        if row.get("outcome") == want {
            entered.push(row);
        } else {
            absent.insert(row.key(), why_absent(stage, &row));
        }
    }
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
    let keys: Vec<Key> = entered.iter().map(ListRow::key).collect();
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

    let mut rows_out = Vec::with_capacity(entered.len());
    for (row, ruling) in entered.iter().zip(&review.rulings) {
        let mut r = ListRow {
            fields: Default::default(),
            ..row.clone()
        };
        r.set("rank", row.get("rank"));
        r.set("per_capita_income", row.get("per_capita_income"));
        r.set("outcome", ruling.outcome.en());
        r.set("reason", ruling.reason.clone());
        r.set("stage", s);
        rows_out.push(r);
    }
    write_list(&list_path, &EXTRA, &rows_out)?;
    report.outputs.push(list_path.clone());
    if stage == Round::County {
        let kept: Vec<ListRow> = rows_out
            .iter()
            .filter(|r| r.get("outcome") == Outcome::Kept.en())
            .cloned()
            .collect();
        write_list(&final_path, &FINAL_EXTRA, &kept)?;
        report.outputs.push(final_path);
    }
    report.outputs.push(findings_csv);
    summarise(ctx, &roster, stage, &rows_out, &mut report);
    for f in &findings {
        ctx.say(format!("  {f}"));
    }
    Ok(report)
}

/// Why a household on the input list did not enter the stage.
fn why_absent(stage: Round, row: &ListRow) -> String {
    let reason = row.get("reason");
    let tail = if reason.is_empty() {
        String::new()
    } else {
        format!(" ({reason})")
    };
    match (stage, row.get("outcome")) {
        (Round::Village, "failed") => format!("it failed the appraisal{tail}"),
        (_, "removed") => format!(
            "it was removed at the {} review{tail}",
            if row.get("stage").is_empty() {
                "previous"
            } else {
                row.get("stage")
            }
        ),
        (_, o) => format!("its outcome on the list is {o:?}"),
    }
}

fn village_pos(roster: &Roster, r: &ListRow) -> usize {
    roster
        .villages
        .iter()
        .position(|v| v.code == r.village_code)
        .or_else(|| roster.find(&r.village).map(|(i, _)| i))
        .unwrap_or(usize::MAX)
}

/// Roster order of villages, then rank order, then household number.
pub fn sort_rows(roster: &Roster, rows: &mut [ListRow]) {
    let rank = |r: &ListRow| r.get("rank").trim().parse::<u64>().unwrap_or(u64::MAX);
    rows.sort_by(|a, b| {
        village_pos(roster, a)
            .cmp(&village_pos(roster, b))
            .then_with(|| a.village_code.cmp(&b.village_code))
            .then_with(|| rank(a).cmp(&rank(b)))
            .then_with(|| natural_cmp(&a.household_id, &b.household_id))
    });
}

/// The rows of `out/schedule.csv` (`village_code, village, stage, start,
/// end`), each as (village code, stage, start, end); none when the file
/// does not exist.
pub fn read_schedule(path: &Path) -> Result<Vec<[String; 4]>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let rows = read_csv(path)?;
    Ok(rows
        .iter()
        .map(|r| {
            let g = |c: &str| r.get(c).cloned().unwrap_or_default();
            [g("village_code"), g("stage"), g("start"), g("end")]
        })
        .collect())
}

/// A fupin CSV output as rows of column → value; header names trimmed of a BOM.
pub fn read_csv(path: &Path) -> Result<Vec<HashMap<String, String>>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| data(format!("cannot read {}: {e}", path.display())))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| data(format!("cannot read {}: {e}", path.display())))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| data(format!("{} line {}: {e}", path.display(), n + 2)))?;
        out.push(
            header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let v = csvout::restore(rec.get(i).unwrap_or("")).trim().to_string();
                    (h.clone(), v)
                })
                .collect(),
        );
    }
    Ok(out)
}

/// Codes of the villages whose publicity of `stage` is in the schedule.
fn noticed_villages(schedule: &Path, stage: Round) -> Result<Vec<String>> {
    Ok(read_schedule(schedule)?
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
fn summarise(ctx: &Ctx, roster: &Roster, stage: Round, rows: &[ListRow], report: &mut Report) {
    let s = stage.name();
    let removed: Vec<&ListRow> = rows
        .iter()
        .filter(|r| r.get("outcome") == Outcome::Removed.en())
        .collect();
    let kept = rows.len() - removed.len();
    let villages: Vec<serde_json::Value> = roster
        .villages
        .iter()
        .map(|v| {
            let entered = rows.iter().filter(|r| r.village_code == v.code).count();
            let gone = removed.iter().filter(|r| r.village_code == v.code).count();
            json!({"code": v.code, "name": v.name, "entered": entered,
                   "kept": entered - gone, "removed": gone})
        })
        .collect();
    let removed_json: Vec<serde_json::Value> = removed
        .iter()
        .map(|r| {
            json!({"village_code": r.village_code, "village": r.village,
                   "household_id": r.household_id, "head_name": r.head_name,
                   "reason": r.get("reason")})
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
            r.village,
            r.household_id,
            r.head_name,
            r.get("reason")
        ));
    }
    ctx.say(format!("wrote out/{}", List::Reviewed(stage).file()));
    if stage == Round::County {
        ctx.say(format!(
            "wrote out/final-list.csv: {kept} households, {} persons; next: fupin bind",
            rows.iter()
                .filter(|r| r.get("outcome") == Outcome::Kept.en())
                .map(|r| u64::from(r.size))
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
