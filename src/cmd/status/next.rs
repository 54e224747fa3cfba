//! What `status` says has to happen next, and the problems that stand: the
//! first thing that really has to happen, in the order of the chain
//! (DESIGN 7, "next steps are true").

use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

use super::super::chain::{List, Round, Step};
use super::super::{folder_files, Ctx};
use super::{Facts, Failed, Village};
use crate::domain::roster::Roster;
use crate::io::journal;

/// Whether the step's input folder holds a sheet it reads (the registry's
/// [`Folder::holds`](crate::domain::chain::Folder::holds): a review's by
/// its name in English or Chinese, or a sheet naming no round).
fn has_files(ctx: &Ctx, step: Step) -> bool {
    let Some(folder) = step.folder() else {
        return false;
    };
    folder_files(&ctx.path(folder.name)).is_ok_and(|f| {
        f.iter().any(|p| {
            p.file_name()
                .is_some_and(|n| folder.holds(&n.to_string_lossy()))
        })
    })
}

/// The stages whose last run stopped on errors in the data, and a
/// provisional list: the problems that stand, in the order of the chain.
pub(super) fn standing(ctx: &Ctx, facts: &mut Facts) {
    let out = ctx.out();
    let journal = last_exits(&out);
    let mut steps: Vec<(Step, String)> = vec![
        (Step::Import, "findings.csv".into()),
        (Step::Survey, "survey-findings.csv".into()),
        (Step::Appraise, "appraisal-findings.csv".into()),
    ];
    steps
        .extend(Round::ALL.map(|r| (Step::Review(r), format!("review-{}-findings.csv", r.name()))));
    for (step, file) in steps {
        let path = out.join(&file);
        let errors = match crate::io::findings::count_errors(&path) {
            Ok(n) => n,
            Err(e) => {
                facts.problems.push(format!("{e:#}"));
                None
            }
        };
        // A run that wrote its findings and exited 1 stopped on them,
        // even with no error row (a village `appraise` could not appraise).
        let rel = ctx.rel(&path);
        let stopped = journal
            .get(&step)
            .is_some_and(|(exit, outputs)| *exit == 1 && outputs.contains(&rel));
        let failed = errors.is_some_and(|n| n > 0) || stopped;
        if !failed {
            continue;
        }
        // The register's findings are read in their workbook.
        let xlsx = path.with_extension("xlsx");
        let listed = if xlsx.is_file() { xlsx } else { path };
        facts.failed.push(Failed {
            step,
            errors: errors.filter(|n| *n > 0),
            listed_in: ctx.rel(&listed),
        });
    }
    for f in &facts.failed {
        facts.problems.push(format!(
            "`{}` stopped on errors in the data: {}",
            f.step,
            f.correct()
        ));
    }
    if facts.provisional {
        facts.problems.push(format!(
            "{} is provisional, not final: it was made while error findings stood, and no stage reads it",
            List::Primary
        ));
    }
}

/// The exit status and the outputs of the last run of each step, as the
/// journal has them.
fn last_exits(out: &Path) -> HashMap<Step, (i64, Vec<String>)> {
    let mut last = HashMap::new();
    let Ok(text) = std::fs::read_to_string(out.join("journal.jsonl")) else {
        return last;
    };
    for e in text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        if let (Some(step), Some(exit)) = (journal::step_of(&e), e["exit"].as_i64()) {
            let outputs = journal::strings(&e, "outputs");
            last.insert(step, (exit, outputs));
        }
    }
    last
}

/// The next command, and the sentence that says what has to happen first
/// or what it waits for.
pub(super) fn next_step(ctx: &Ctx, roster: &Roster, v: &[Village], f: &Facts) -> (String, String) {
    let s = |a: &str, b: &str| {
        let says = if b.is_empty() {
            a.to_string()
        } else {
            format!("{a} — {b}")
        };
        (a.to_string(), says)
    };
    let failed = |step: Step| {
        f.failed
            .iter()
            .find(|x| x.step == step)
            .map(|x| (step.to_string(), x.correct()))
    };
    // Errors in the register stop everything after it.
    if let Some(n) = failed(Step::Import) {
        return n;
    }
    if !f.has("register.csv") {
        return if has_files(ctx, Step::Import) {
            s("fupin import", "")
        } else {
            s(
                "fupin import",
                "waiting for application sheets in applications/",
            )
        };
    }
    // A person also applying in another town of the county stops the town
    // before screen (DESIGN 7, across towns).
    let shared = super::super::chain::county::findings_of(&ctx.dir);
    if shared > 0 {
        return s(
            "fupin import",
            &format!(
                "correct the {shared} ID number{} listed in ../county-findings.csv (also in another town), then run the county again",
                if shared == 1 { "" } else { "s" }
            ),
        );
    }
    let needed = |l: List| !f.has(l.file()) || f.is_stale(l);
    if let Some(n) = failed(Step::Survey) {
        return n;
    }
    if has_files(ctx, Step::Survey) && needed(List::Survey) {
        return s("fupin survey", "");
    }
    if f.provisional {
        return s(
            "fupin screen",
            "out/primary-list.csv is provisional, not final: screen again now that the errors are corrected",
        );
    }
    if needed(List::Primary) {
        return s("fupin screen", "");
    }
    if let Some(n) = failed(Step::Appraise) {
        return n;
    }
    if needed(List::Appraised) {
        return if has_files(ctx, Step::Appraise) {
            s("fupin appraise", "")
        } else {
            s("fupin appraise", "waiting for appraisal/ sheets")
        };
    }
    for (k, r) in Round::ALL.into_iter().enumerate() {
        let noticed = v.iter().any(|x| x.publicity[k].is_some());
        if !noticed || f.verdict.touches(Step::Notice(r)) {
            return s(&Step::Notice(r).to_string(), "");
        }
        if let Some(n) = failed(Step::Review(r)) {
            return n;
        }
        if needed(List::Reviewed(r)) {
            let cmd = Step::Review(r).to_string();
            if has_files(ctx, Step::Review(r)) {
                return s(&cmd, "");
            }
            let end = v
                .iter()
                .filter_map(|x| x.publicity[k].as_ref().map(|p| p.1.clone()))
                .max()
                .unwrap_or_default();
            return s(
                &cmd,
                &format!(
                    "after the {r} publicity ends ({end}): hand in the decision sheet as review/{r}….xlsx, or run it with --no-changes"
                ),
            );
        }
    }
    if needed(List::Final) {
        return s(
            "fupin review --stage county",
            "it writes out/final-list.csv",
        );
    }
    let unbound = v
        .iter()
        .zip(&roster.villages)
        .any(|(x, _)| x.final_households.unwrap_or(0) > 0 && !x.registration);
    if unbound || f.verdict.touches(Step::Bind) {
        return s("fupin bind", "");
    }
    s("nothing", "every stage is done")
}
