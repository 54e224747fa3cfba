//! `fupin notice` (to be written)
use anyhow::Result;

use super::chain::Stage;
use super::{config, Ctx, Report};
use crate::cli::NoticeFormat;

pub fn run(
    _ctx: &Ctx,
    _stage: Stage,
    _start: Option<&str>,
    _format: NoticeFormat,
) -> Result<Report> {
    Err(config("notice is not built yet"))
}
