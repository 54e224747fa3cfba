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

use super::chain::Stage;
use super::{config, finish_stage, folder_files, Ctx, Report};
use crate::cli::NoticeFormat;
use crate::io::journal;

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

/// A stage of the chain as `run` sees it.
struct Step {
    args: Vec<&'static str>,
    /// An input folder and the file-name prefix the stage reads from it;
    /// when no such file is there the run waits (or, for the optional
    /// survey, skips the stage).
    needs: Option<(&'static str, &'static str, &'static str)>,
    optional: bool,
}

fn steps() -> Vec<Step> {
    let step = |args: Vec<&'static str>, needs, optional| Step {
        args,
        needs,
        optional,
    };
    let mut v = vec![
        step(
            vec!["import"],
            Some((
                "applications",
                "",
                "the village application sheets in applications/",
            )),
            false,
        ),
        step(
            vec!["survey"],
            Some(("survey", "", "survey result sheets in survey/")),
            true,
        ),
        step(vec!["screen"], None, false),
        step(
            vec!["appraise"],
            Some((
                "appraisal",
                "",
                "the appraisal meeting and vote sheets in appraisal/",
            )),
            false,
        ),
    ];
    for (s, what) in [
        (
            "village",
            "the village publicity's decision sheet in review/ (a file named village…)",
        ),
        (
            "town",
            "the town review's decision sheet in review/ (a file named town…)",
        ),
        (
            "county",
            "the county review's decision sheet in review/ (a file named county…)",
        ),
    ] {
        v.push(step(vec!["notice", "--stage", s], None, false));
        v.push(step(
            vec!["review", "--stage", s],
            Some(("review", s, what)),
            false,
        ));
    }
    v.push(step(vec!["bind"], None, false));
    v
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
    let stale: Vec<String> = super::status::verify::verify(town)
        .stale
        .into_iter()
        .map(|s| s.command)
        .collect();
    let mut upstream_ran = false;
    for step in steps() {
        let label = step.args.join(" ");
        if let Some((folder, prefix, what)) = step.needs {
            let present = folder_files(&town.path(folder))
                .map(|fs| {
                    fs.iter().any(|f| {
                        f.file_name()
                            .is_some_and(|n| n.to_string_lossy().to_lowercase().starts_with(prefix))
                    })
                })
                .unwrap_or(false);
            if !present {
                if step.optional {
                    continue;
                }
                o.status = "waiting";
                o.detail = format!("waiting for {what} before `fupin {label}`");
                town.say(format!("{label}: {}", o.detail));
                return o;
            }
        }
        if !upstream_ran && up_to_date(town, &step.args, &stale) {
            town.say(format!("{label}: up to date"));
            o.skipped.push(label);
            continue;
        }
        town.say(format!("\n== fupin -C {} {label}", town.dir.display()));
        let result = dispatch(town, &step.args);
        let code = finish_stage(town, step.args[0], &step.args[1..], &result);
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

fn dispatch(town: &Ctx, args: &[&str]) -> Result<Report> {
    let stage = match args.get(2) {
        Some(&"town") => Stage::Town,
        Some(&"county") => Stage::County,
        _ => Stage::Village,
    };
    match args[0] {
        "import" => super::import::run(town, &[], None, None),
        "survey" => super::survey::run(town, &[]),
        "screen" => super::screen::run(town, false),
        "appraise" => super::appraise::run(town, &[], None, None, None),
        "notice" => super::notice::run(town, stage, None, NoticeFormat::Xlsx),
        "review" => super::review::run(town, stage, &[], false),
        _ => super::bind::run(town),
    }
}

/// A stage is up to date when it has run successfully (the journal says
/// so) and `status --verify` finds none of its outputs stale: its inputs
/// unchanged, no new file in the input folders it read, its outputs there.
fn up_to_date(town: &Ctx, args: &[&str], stale: &[String]) -> bool {
    journal::last_success(&town.out(), args).is_some()
        && !stale
            .iter()
            .any(|c| *c == format!("fupin {}", args.join(" ")))
}
