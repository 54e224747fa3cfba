//! The chain of stages as the commands meet it (the registry itself is
//! `domain::chain`): a step's input list must exist and be up to date;
//! `run` and `demo` run a step with its defaults through [`run_step`], a
//! town's whole chain through [`run_town`], and a county's through
//! [`county`].

use anyhow::Result;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

use super::{finish_stage, folder_files, usage, Ctx, Report};
use crate::cli::NoticeFormat;
pub use crate::domain::chain::{List, Round, Step};
use crate::io::journal;
use crate::io::staleness;

pub mod county;

/// The path of `out/<list>`, which must exist and must not be stale (DESIGN
/// 7: by content, as `status --verify` decides, the settings aside).
/// Otherwise the commands were run out of their order, which is no error in
/// the data: a usage error (exit 2) naming the command to run first, the
/// earliest stale stage when the list is stale because an earlier one is.
pub fn require(ctx: &Ctx, list: List) -> Result<PathBuf> {
    let path = ctx.out().join(list.file());
    let by = list.written_by();
    if !path.is_file() {
        return Err(usage(format!(
            "{list} does not exist yet: run `{by}` first"
        )));
    }
    let name = list.to_string();
    let verdict = staleness::verify_data(&ctx.dir);
    let Some(s) = verdict.stale.iter().find(|s| s.output == name) else {
        return Ok(path);
    };
    // Follow a list stale through an earlier stale one to where it began.
    let mut root = s;
    for _ in 0..verdict.stale.len() {
        if root.why != staleness::Why::Upstream {
            break;
        }
        let Some(up) = verdict
            .stale
            .iter()
            .find(|u| Some(&u.output) == root.changed_input.as_ref())
        else {
            break;
        };
        root = up;
    }
    Err(usage(if root.command == s.command {
        format!("{} first", s.sentence())
    } else {
        format!(
            "{list} is stale: {} is stale: {}: run `{}` again first, then the stages after it",
            root.output,
            root.because(),
            root.command
        )
    }))
}

/// Whether an output of the last successful run of `step` is stale by its
/// data (as [`require`] decides).
pub fn stale(ctx: &Ctx, step: Step) -> bool {
    staleness::verify_data(&ctx.dir).touches(step)
}

/// Run a step with its defaults: every file of its input folder, notices
/// as workbooks, decisions from `review/`.
pub fn run_step(ctx: &Ctx, step: Step) -> Result<Report> {
    match step {
        Step::Import => super::import::run(ctx, &[], None, None),
        Step::Survey => super::survey::run(ctx, &[]),
        Step::Screen => super::screen::run(ctx, false),
        Step::Appraise => super::appraise::run(ctx, &[], None, None, None),
        Step::Notice(r) => super::notice::run(ctx, r, None, NoticeFormat::Xlsx),
        Step::Review(r) => super::review::run(ctx, r, &[], false),
        Step::Bind => super::bind::run(ctx),
    }
}

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
