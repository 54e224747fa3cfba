//! `fupin appraise` (to be written)
use anyhow::Result;
use std::path::PathBuf;

use super::{config, Ctx, Report};

pub fn run(
    _ctx: &Ctx,
    _files: &[PathBuf],
    _village: Option<&str>,
    _date: Option<&str>,
    _present: Option<u32>,
) -> Result<Report> {
    Err(config("appraise is not built yet"))
}
