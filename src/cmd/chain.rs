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
/// the data: a usage error (exit 2) naming the command to run first. A
/// missing list earlier in the chain is named first (the survey aside,
/// which is optional): the later lists derive from it, and a failed
/// `appraise` removes its list so that no later stage runs on it. A stale
/// list names the earliest stale stage it derives from.
pub fn require(ctx: &Ctx, list: List) -> Result<PathBuf> {
    let [path] = require_all(ctx, [list])?;
    Ok(path)
}

/// [`require`] for each of several lists, in their order, the journal read
/// and the inputs looked at once for all of them.
pub fn require_all<const N: usize>(ctx: &Ctx, lists: [List; N]) -> Result<[PathBuf; N]> {
    for list in lists {
        let missing = List::ALL
            .into_iter()
            .take_while(|l| *l != list)
            .filter(|l| *l != List::Survey)
            .chain([list])
            .find(|l| !ctx.out().join(l.file()).is_file());
        if let Some(m) = missing {
            let by = m.written_by();
            return Err(usage(format!("{m} does not exist yet: run `{by}` first")));
        }
    }
    let verdict = staleness::verify_data(&ctx.dir);
    for list in lists {
        fresh(list, &verdict)?;
    }
    Ok(lists.map(|l| ctx.out().join(l.file())))
}

/// A usage error when the verdict holds `list` stale, naming the earliest
/// stale stage it derives from.
fn fresh(list: List, verdict: &staleness::Verdict) -> Result<()> {
    let name = list.to_string();
    let Some(s) = verdict.stale.iter().find(|s| s.output == name) else {
        return Ok(());
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

    /// The line that tells the clerk how a town's run ended: what it waits
    /// for, or that it failed and why.
    pub fn line(&self) -> String {
        match (self.status, self.detail.is_empty()) {
            ("waiting", false) => self.detail.clone(),
            (status, true) => status.to_string(),
            (status, false) => format!("{status}: {}", self.detail),
        }
    }
}

/// A town's chain under way: the outcome so far, the lock on its `out/`
/// (held until the run ends), and where the chain stands, so that a
/// county can run every town up to a step, check across towns, then go on.
pub struct Progress {
    pub outcome: Outcome,
    verdict: staleness::Verdict,
    upstream_ran: bool,
    /// The position in [`Step::ALL`] of the next step to consider.
    next: usize,
    _lock: Option<super::OutLock>,
}

impl Progress {
    /// Take the town's lock and decide staleness once, before any step runs.
    pub fn start(town: &Ctx) -> Progress {
        let mut p = Progress {
            outcome: Outcome {
                dir: town.dir.clone(),
                status: "done",
                exit: 0,
                detail: String::new(),
                ran: vec![],
                skipped: vec![],
            },
            verdict: staleness::Verdict::default(),
            upstream_ran: false,
            next: 0,
            _lock: None,
        };
        match super::lock(town) {
            Ok(l) => {
                p._lock = Some(l);
                p.verdict = staleness::verify(&town.dir);
            }
            Err(e) => {
                p.fail(2, format!("{e:#}"));
                town.say(&p.outcome.detail);
            }
        }
        p
    }

    /// Whether the chain can go on: it neither waits nor failed.
    pub fn going(&self) -> bool {
        self.outcome.status == "done"
    }

    /// End the run as failed, for `detail`.
    pub fn fail(&mut self, exit: i32, detail: String) {
        self.outcome.status = "failed";
        self.outcome.exit = exit;
        self.outcome.detail = detail;
    }
}

/// Run the stages of one town in order.
pub fn run_town(town: &Ctx) -> Outcome {
    let mut p = Progress::start(town);
    run_steps(town, &mut p, None);
    p.outcome
}

/// Run a town's steps from where `p` stands, in order, up to `until` (not
/// run) or the end of the chain, unless the run has ended.
pub fn run_steps(town: &Ctx, p: &mut Progress, until: Option<Step>) {
    if !p.going() {
        return;
    }
    let Progress {
        outcome: o,
        verdict,
        upstream_ran,
        next,
        ..
    } = p;
    for step in Step::ALL.into_iter().skip(*next) {
        if until == Some(step) {
            return;
        }
        *next += 1;
        let label = step.args().join(" ");
        // A step done by hand (files named, `--no-changes`, a meeting given
        // on the command line) is done: its folder need not hold anything.
        if !*upstream_ran && up_to_date(town, step, verdict) {
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
                    town.say(format!("{label}: skipped, {}", absent(town, folder.name)));
                    continue;
                }
                o.status = "waiting";
                o.detail = format!("waiting for {} before `fupin {label}`", folder.what);
                town.say(format!("{label}: {}", o.detail));
                return;
            }
        }
        town.say(format!("\n== fupin -C {} {label}", town.dir.display()));
        let result = run_step(town, step);
        let args = step.args();
        let code = finish_stage(town, args[0], &args[1..], &result);
        o.ran.push(label.clone());
        *upstream_ran = true;
        if code != 0 {
            o.status = "failed";
            o.exit = code;
            o.detail = failure(town, &label, &result, code);
            return;
        }
    }
}

/// Why an optional step's folder gave it nothing to do.
fn absent(town: &Ctx, folder: &str) -> String {
    if town.path(folder).is_dir() {
        format!("{folder}/ is empty: screening goes on with the application sheets' figures")
    } else {
        format!(
            "there is no {folder}/ folder: screening goes on with the application sheets' figures"
        )
    }
}

/// Why a step failed, for the town's outcome: how many errors it found and
/// the file that lists them, else its message, else its exit status.
fn failure(town: &Ctx, label: &str, result: &Result<Report>, code: i32) -> String {
    let report = match result {
        Ok(r) => r,
        // Its first line: the summary's cell stays one line (the whole
        // message went to stderr).
        Err(e) => {
            let m = crate::error::message(e);
            let first = m.lines().next().unwrap_or_default().trim_end();
            return format!("`fupin {label}` exited {code}: {first}");
        }
    };
    let listed = report
        .outputs
        .iter()
        .filter(|p| {
            p.file_stem()
                .is_some_and(|s| s.to_string_lossy().ends_with("findings"))
        })
        .max_by_key(|p| p.extension().is_some_and(|e| e == "xlsx"));
    let count = report
        .json
        .get("errors")
        .or_else(|| report.json.get("findings").and_then(|f| f.get("errors")))
        .and_then(Value::as_u64)
        .or_else(|| listed.and_then(|p| error_rows(p)));
    match (count, listed) {
        (Some(n), Some(p)) => format!(
            "`fupin {label}` found {n} {}: see {}",
            if n == 1 { "error" } else { "errors" },
            town.rel(p)
        ),
        (Some(n), None) => format!(
            "`fupin {label}` found {n} {}",
            if n == 1 { "error" } else { "errors" }
        ),
        (None, Some(p)) => format!("`fupin {label}` exited {code}: see {}", town.rel(p)),
        (None, None) => format!("`fupin {label}` exited {code}"),
    }
}

/// The errors a findings CSV lists; a workbook is not counted.
fn error_rows(path: &Path) -> Option<u64> {
    if path.extension().is_none_or(|e| e != "csv") {
        return None;
    }
    let n = crate::io::findings::count_errors(path).ok()??;
    Some(n as u64)
}

/// A step is up to date when it has run successfully (the journal says
/// so) and staleness finds none of its outputs stale: its inputs
/// unchanged, no new file in the input folders it read, its outputs there.
fn up_to_date(town: &Ctx, step: Step, verdict: &staleness::Verdict) -> bool {
    journal::last_success(&town.out(), step).is_some() && !verdict.touches(step)
}
