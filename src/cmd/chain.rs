//! The chain of stages as the commands meet it (the registry itself is
//! `domain::chain`): a step's input list must exist and be up to date, and
//! `run` and `demo` run a step with its defaults through [`run_step`].

use anyhow::Result;
use std::path::PathBuf;

use super::{data, Ctx, Report};
use crate::cli::NoticeFormat;
pub use crate::domain::chain::{List, Round, Step};
use crate::io::staleness;

/// The path of `out/<list>`, which must exist and must not be stale (DESIGN
/// 7: by content, as `status --verify` decides, the settings aside);
/// otherwise a data error naming the command to run.
pub fn require(ctx: &Ctx, list: List) -> Result<PathBuf> {
    let path = ctx.out().join(list.file());
    let by = list.written_by();
    if !path.is_file() {
        return Err(data(format!("{list} does not exist yet: run `{by}` first")));
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
