//! `fupin review --stage village|town|county [FILES…] [--no-changes]`:
//! apply the decisions of a publicity stage's review (village objections,
//! town review, county review) to the households that entered the stage,
//! and write `out/after-<stage>-review.csv`; after the county review also
//! `out/final-list.csv`. Problems in the decision sheets are listed in
//! `out/review-<stage>-findings.csv`, and while any stands no list is written.
//!
//! The sheets of `review/` say which review they belong to (DESIGN 7): by
//! a name beginning with `village`/`村`, `town`/`镇`/`乡` or `county`/`县`,
//! or by a column `阶段` (stage) on each row; a sheet that says neither is
//! an error naming it.
//!
//! Example: `fupin -C mytown review --stage village` (reads `review/village…`,
//! `review/村…` and the rows of `village` in sheets with a column 阶段)
//! or `fupin -C mytown review --stage town --no-changes`.

use anyhow::Result;
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::chain::{self, List, Round, Step};
use super::{config, data, folder_sheets, usage, Ctx, Report};
use crate::domain::appraisal::Outcome as Appraisal;
use crate::domain::chain::Folder;
use crate::domain::finding::Finding;
use crate::domain::key::HouseholdKey;
use crate::domain::review::{self as rules, DecisionRow, Outcome};
use crate::domain::roster::Roster;
use crate::io::csvin::read_schedule;
use crate::io::lists::{self, rank_cmp, AppraisedLine, FinalLine, ReviewLine};
use crate::io::table::{read_table, Field, TableRow};
use crate::io::{findings as findings_io, sheet};

const FIELDS: [Field; 4] = [
    Field::required("村", "village"),
    Field::required("户编号", "household_id"),
    Field::required("决定", "decision"),
    Field::optional("原因", "reason"),
];

/// The same, with the column that says which round each row belongs to
/// (DESIGN 7: a sheet of `review/` named for no round must have it).
const WITH_STAGE: [Field; 5] = [
    Field::required("村", "village"),
    Field::required("户编号", "household_id"),
    Field::required("决定", "decision"),
    Field::optional("原因", "reason"),
    Field::required("阶段", "stage"),
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

    let mut findings = Vec::new();
    let listed = decision_files(ctx, stage, files)?;
    let Decisions { rows, sheets, read } = read_decisions(ctx, stage, &listed, &mut findings);
    let mut report = Report {
        inputs: vec![input.clone(), schedule.clone(), ctx.path("villages.csv")],
        ..Default::default()
    };
    report.inputs.extend(read);
    let sheet_names: Vec<String> = sheets.iter().map(|p| ctx.rel(p)).collect();
    report.json.insert("stage".into(), json!(s));
    report
        .json
        .insert("decision_sheets".into(), json!(sheet_names));
    report.json.insert("no_changes".into(), json!(no_changes));
    if sheets.is_empty() && !no_changes && !findings.iter().any(Finding::is_error) {
        return Err(data(format!(
            "no decision sheet for the {s} review in review/ (files named {}, or a sheet whose column 阶段 (stage) says {s}): hand it in, or run with --no-changes to record that the stage passed every household on",
            name_beginnings(stage)
        )));
    }
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

/// How the names of a round's decision sheets begin, for the clerk.
fn name_beginnings(stage: Round) -> &'static str {
    match stage {
        Round::Village => "village… or 村…",
        Round::Town => "town…, 镇… or 乡…",
        Round::County => "county… or 县…",
    }
}

/// Which round a decision file belongs to, before its rows are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Claim {
    /// Its name begins with the round's name (`village…`, `村…`, …).
    Name(Round),
    /// Named on the command line of the round's review.
    CommandLine,
    /// A file of `review/` named for no round: only a column 阶段 (stage)
    /// can say which rows are whose.
    Unnamed,
}

/// The decision files: the files named, or the files of `review/` that the
/// review of `stage` reads (named for it, or named for no round).
fn decision_files(ctx: &Ctx, stage: Round, files: &[PathBuf]) -> Result<Vec<(PathBuf, Claim)>> {
    if !files.is_empty() {
        // A file whose name says this round is its round's sheet wherever
        // it lies: no other review reads it.
        return Ok(files
            .iter()
            .map(|p| {
                let named = p
                    .file_name()
                    .and_then(|n| Folder::round_named(&n.to_string_lossy()));
                let claim = match named {
                    Some(r) if r == stage => Claim::Name(r),
                    _ => Claim::CommandLine,
                };
                (p.clone(), claim)
            })
            .collect());
    }
    let dir = ctx.path("review");
    let Some(folder) = Step::Review(stage).folder() else {
        return Ok(Vec::new());
    };
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    Ok(folder_sheets(ctx, &dir)?
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().to_string();
            if !folder.holds(&name) {
                return None;
            }
            let claim = match Folder::round_named(&name) {
                Some(r) => Claim::Name(r),
                None => Claim::Unnamed,
            };
            Some((p, claim))
        })
        .collect())
}

/// Whether the decisions of `stage`'s review are handed in: a file of
/// `review/` named for it, a sheet with rows of it in its column 阶段, or a
/// sheet the review must refuse (so that it names it).
pub fn handed_in(ctx: &Ctx, stage: Round) -> bool {
    let Ok(files) = decision_files(ctx, stage, &[]) else {
        return false;
    };
    let mut findings = Vec::new();
    let d = read_decisions(ctx, stage, &files, &mut findings);
    !d.sheets.is_empty() || findings.iter().any(Finding::is_error)
}

fn file_finding(file: &str, sheet: &str, msg: String) -> Finding {
    let mut f = Finding::error("file_unreadable", msg);
    f.file = file.to_string();
    f.sheet = sheet.to_string();
    f
}

/// The decisions of one round found in the decision files.
struct Decisions {
    /// The rows of the round.
    rows: Vec<DecisionRow>,
    /// The round's decision sheets: files named for it, or holding its rows.
    sheets: Vec<PathBuf>,
    /// Every file read, whatever it held.
    read: Vec<PathBuf>,
}

/// A decision table of a sheet: its rows, and whether it has a column 阶段.
fn decision_table(s: &sheet::Sheet) -> Result<Option<(Vec<TableRow>, bool)>, String> {
    if let Ok(Some(t)) = read_table(s, &WITH_STAGE) {
        return Ok(Some((t, true)));
    }
    Ok(read_table(s, &FIELDS)?.map(|t| (t, false)))
}

/// What becomes of a row of a sheet with a column 阶段 at the review of
/// `stage`.
enum Fate {
    Ours,
    /// Another round's: its review reads it.
    Theirs(Round),
    Wrong(Finding),
}

fn fate(stage: Round, claim: Claim, written: &str, row: &DecisionRow) -> Fate {
    let err = |msg: String| {
        let f = Finding::error("review_stage", msg)
            .at(&row.src)
            .column("阶段")
            .household(row.village.trim(), row.household_id.trim());
        Fate::Wrong(f)
    };
    match (rules::parse_stage(written), claim) {
        (None, _) => err(format!(
            "stage (阶段) {:?} is none of village, town, county (村级, 镇级, 县级)",
            written.trim()
        )),
        (Some(r), _) if r == stage => Fate::Ours,
        // No other review reads a file named for this one.
        (Some(other), Claim::Name(n)) => err(format!(
            "this row is for the {other} review, but the file is named for the {n} review, and only that review reads it: move the row to a sheet of the {other} review, or correct its stage (阶段)"
        )),
        (Some(other), _) => Fate::Theirs(other),
    }
}

/// Every decision row of `stage` in the files; unreadable files, sheets
/// without a decision table and sheets that do not say their round are
/// error findings. A row whose column 阶段 names another round belongs to
/// that round's review: it is left to it when that review reads the file
/// too, and is an error when it does not (the file is named for this round).
fn read_decisions(
    ctx: &Ctx,
    stage: Round,
    files: &[(PathBuf, Claim)],
    findings: &mut Vec<Finding>,
) -> Decisions {
    let mut d = Decisions {
        rows: Vec::new(),
        sheets: Vec::new(),
        read: Vec::new(),
    };
    for (path, claim) in files {
        let label = ctx.rel(path);
        d.read.push(path.clone());
        if *claim != Claim::Unnamed {
            d.sheets.push(path.clone());
        }
        let sheets = match sheet::read_file(path, None) {
            Ok(s) => s,
            Err(e) => {
                findings.push(file_finding(&label, "", e));
                continue;
            }
        };
        let mut any = false;
        let mut ours = false;
        for s in &sheets {
            let (table, has_stage) = match decision_table(s) {
                Ok(Some(t)) => t,
                Ok(None) => continue,
                Err(e) => {
                    any = true;
                    findings.push(file_finding(&label, &s.name, e));
                    continue;
                }
            };
            any = true;
            if !has_stage && *claim == Claim::Unnamed {
                let mut f = Finding::error(
                    "review_no_stage",
                    "this sheet does not say which review it belongs to: name the file village… (村…), town… (镇…, 乡…) or county… (县…), or add a column 阶段 (stage) saying village, town or county (村级, 镇级, 县级) on each row",
                );
                f.file = label.clone();
                f.sheet = s.name.clone();
                findings.push(f);
                continue;
            }
            let mut elsewhere: Vec<(Round, usize)> = Vec::new();
            for r in table {
                let cell = |i: usize| r.cells.get(i).cloned().unwrap_or_default();
                let row = DecisionRow {
                    village: cell(0),
                    household_id: cell(1),
                    decision: cell(2),
                    reason: cell(3),
                    src: crate::domain::finding::Source {
                        file: label.as_str().into(),
                        sheet: s.name.as_str().into(),
                        row: r.line,
                    },
                };
                if has_stage {
                    match fate(stage, *claim, &cell(4), &row) {
                        Fate::Ours => {}
                        Fate::Theirs(other) => {
                            if *claim == Claim::CommandLine {
                                match elsewhere.iter_mut().find(|(r, _)| *r == other) {
                                    Some((_, n)) => *n += 1,
                                    None => elsewhere.push((other, 1)),
                                }
                            }
                            continue;
                        }
                        Fate::Wrong(f) => {
                            findings.push(f);
                            continue;
                        }
                    }
                }
                ours = true;
                d.rows.push(row);
            }
            for (other, n) in elsewhere {
                let mut f = Finding::warning(
                    "review_other_stage",
                    format!(
                        "{n} row{} of this sheet {} for the {other} review: not applied here; `fupin review --stage {other}` applies {}",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "is" } else { "are" },
                        if n == 1 { "it" } else { "them" },
                    ),
                );
                f.file = label.clone();
                f.sheet = s.name.clone();
                findings.push(f);
            }
        }
        if ours && *claim == Claim::Unnamed {
            d.sheets.push(path.clone());
        }
        if !any {
            findings.push(file_finding(
                &label,
                "",
                "no decision table: a header row with 村 (village), 户编号 (household_id) and 决定 (decision) was not found".into(),
            ));
        }
    }
    d
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
