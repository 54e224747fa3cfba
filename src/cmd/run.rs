//! `fupin run [DIR] [--jobs N]`: run every stage whose inputs are present,
//! in order, skipping stages already done on unchanged inputs, and stop at
//! the first stage whose input is missing (saying what it waits for). When
//! DIR holds several campaign folders (the towns of a county) they run in
//! parallel and `county-summary.csv` / `.xlsx` are written beside them.
//!
//! Example: `fupin run 孝直镇` or `fupin run 平阴县 --jobs 2`

use anyhow::Result;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

use super::chain::{run_step, Step};
use super::{config, finish_stage, folder_files, Ctx, Report};
use crate::io::journal;
use crate::io::staleness;

mod county;

/// How a town's run ended.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub dir: PathBuf,
    /// `done`, `waiting` or `failed`.
    pub status: &'static str,
    pub exit: i32,
    /// What the run waits for, or why it failed.
    pub detail: String,
    pub ran: Vec<String>,
    pub skipped: Vec<String>,
}

impl Outcome {
    pub fn json(&self, base: &Path) -> Value {
        json!({
            "town": self.dir.strip_prefix(base).unwrap_or(&self.dir).display().to_string(),
            "status": self.status, "exit": self.exit, "detail": self.detail,
            "ran": self.ran, "skipped": self.skipped,
        })
    }
}

pub fn run(ctx: &Ctx, dir: Option<&Path>, jobs: Option<usize>) -> Result<Report> {
    let dir = dir
        .map(|d| ctx.dir.join(d))
        .unwrap_or_else(|| ctx.dir.clone());
    let mut report = Report::default();
    if dir.join("campaign.toml").exists() {
        let town = Ctx {
            dir: dir.clone(),
            json: false,
            quiet: ctx.quiet,
        };
        let o = run_town(&town);
        report.exit = o.exit;
        report.json.insert("towns".into(), json!([o.json(&dir)]));
        return Ok(report);
    }
    let towns = county::towns(&dir)?;
    if towns.is_empty() {
        return Err(config(format!(
            "{} is neither a campaign folder (no campaign.toml) nor a folder of campaign folders",
            dir.display()
        )));
    }
    let outcomes = county::run_all(ctx, &towns, jobs)?;
    for o in &outcomes {
        ctx.say(format!(
            "{}: {} {}",
            o.dir
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            o.status,
            o.detail
        ));
    }
    report.outputs = county::write_summary(&dir, &outcomes)?;
    report.exit = outcomes.iter().map(|o| o.exit).max().unwrap_or(0);
    report.json.insert(
        "towns".into(),
        outcomes.iter().map(|o| o.json(&dir)).collect(),
    );
    Ok(report)
}

/// The county summary of a set of town outcomes (for `demo --towns`).
pub fn write_county_summary(dir: &Path, outcomes: &[Outcome]) -> Result<Vec<PathBuf>> {
    county::write_summary(dir, outcomes)
}

/// Run the stages of one town in order.
pub fn run_town(town: &Ctx) -> Outcome {
    let mut o = Outcome {
        dir: town.dir.clone(),
        status: "done",
        exit: 0,
        detail: String::new(),
        ran: vec![],
        skipped: vec![],
    };
    let _lock = match super::lock(town) {
        Ok(l) => l,
        Err(e) => {
            o.status = "failed";
            o.exit = 2;
            o.detail = format!("{e:#}");
            town.say(&o.detail);
            return o;
        }
    };
    let verdict = staleness::verify(&town.dir);
    let mut upstream_ran = false;
    for step in Step::ALL {
        let label = step.args().join(" ");
        // A step done by hand (files named, `--no-changes`, a meeting given
        // on the command line) is done: its folder need not hold anything.
        if !upstream_ran && up_to_date(town, step, &verdict) {
            town.say(format!("{label}: up to date"));
            o.skipped.push(label);
            continue;
        }
        if let Some(folder) = step.folder() {
            let present = folder_files(&town.path(folder.name))
                .map(|fs| {
                    fs.iter().any(|f| {
                        f.file_name().is_some_and(|n| {
                            n.to_string_lossy()
                                .to_lowercase()
                                .starts_with(folder.prefix)
                        })
                    })
                })
                .unwrap_or(false);
            if !present {
                if folder.optional {
                    continue;
                }
                o.status = "waiting";
                o.detail = format!("waiting for {} before `fupin {label}`", folder.what);
                town.say(format!("{label}: {}", o.detail));
                return o;
            }
        }
        town.say(format!("\n== fupin -C {} {label}", town.dir.display()));
        let result = run_step(town, step);
        let args = step.args();
        let code = finish_stage(town, args[0], &args[1..], &result);
        o.ran.push(label.clone());
        upstream_ran = true;
        if code != 0 {
            o.status = "failed";
            o.exit = code;
            o.detail = format!("`fupin {label}` exited {code}");
            return o;
        }
    }
    o
}

/// A step is up to date when it has run successfully (the journal says
/// so) and staleness finds none of its outputs stale: its inputs
/// unchanged, no new file in the input folders it read, its outputs there.
fn up_to_date(town: &Ctx, step: Step, verdict: &staleness::Verdict) -> bool {
    journal::last_success(&town.out(), step).is_some() && !verdict.touches(step)
}
