//! `fupin status` (to be written)
use anyhow::Result;

use super::{config, Ctx, Report};

pub fn run(_ctx: &Ctx) -> Result<Report> {
    Err(config("status is not built yet"))
}
