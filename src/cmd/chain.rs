//! The chain of stages as the commands meet it (the registry itself is
//! `domain::chain`): a step's input list must exist and be up to date;
//! `run` and `demo` run a step with its defaults through [`run_step`], a
//! town's whole chain through [`run_town`], and a county's through
//! [`county`].

use anyhow::Result;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

use super::{data, finish_stage, folder_files, Ctx, Report};
use crate::cli::NoticeFormat;
pub use crate::domain::chain::{List, Round, Step};
use crate::io::journal;
use crate::io::staleness;

pub mod county;

/// The path of `out/<list>`, which must exist and must not be stale (DESIGN
/// 7: by content, as `status --verify` decides, the settings aside);
/// otherwise a data error naming the command to run. A missing list
/// earlier in the chain is named first (the survey aside, which is
/// optional): the later lists derive from it, and a failed `appraise`
/// removes its list so that no later stage runs on it.
pub fn require(ctx: &Ctx, list: List) -> Result<PathBuf> {
    let path = ctx.out().join(list.file());
    let missing = List::ALL
        .into_iter()
        .take_while(|l| *l != list)
        .filter(|l| *l != List::Survey)
        .chain([list])
        .find(|l| !ctx.out().join(l.file()).is_file());
    if let Some(m) = missing {
        let by = m.written_by();
        return Err(data(format!("{m} does not exist yet: run `{by}` first")));
    }
    let name = list.to_string();
    if let Some(s) = staleness::verify_data(&ctx.dir)
        .stale
        .iter()
        .find(|s| s.output == name)
    {
        return Err(data(s.sentence()));
    }
    Ok(path)
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
            // A review's sheet may be known by its 阶段 column only: the
            // review says which of its files hold the round's decisions.
            let present = match step {
                Step::Review(r) => super::review::handed_in(town, r),
                _ => folder_files(&town.path(folder.name))
                    .map(|fs| {
                        fs.iter().any(|f| {
                            f.file_name()
                                .is_some_and(|n| folder.holds(&n.to_string_lossy()))
                        })
                    })
                    .unwrap_or(false),
            };
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
