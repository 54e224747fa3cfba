//! `fupin bind` (to be written)
use anyhow::Result;

use super::{config, Ctx, Report};

pub fn run(_ctx: &Ctx) -> Result<Report> {
    Err(config("bind is not built yet"))
}
