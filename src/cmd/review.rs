//! `fupin review` (to be written)
use anyhow::Result;
use std::path::PathBuf;

use super::chain::Stage;
use super::{config, Ctx, Report};

pub fn run(_ctx: &Ctx, _stage: Stage, _files: &[PathBuf], _no_changes: bool) -> Result<Report> {
    Err(config("review is not built yet"))
}
