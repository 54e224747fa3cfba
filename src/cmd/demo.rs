//! `fupin demo`
use anyhow::Result;
use std::path::Path;

use super::{config, Ctx, Report};

pub fn run(_ctx: &Ctx, _dir: Option<&Path>, _v: usize, _h: usize, _s: u64, _no_run: bool, _clean: bool) -> Result<Report> {
    Err(config("demo is not built yet"))
}
