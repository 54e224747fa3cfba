//! `fupin init [DIR]`: write a campaign folder.
//!
//! Example: `fupin init 孝直镇2015`

use anyhow::Result;
use std::path::Path;

use super::{config, Ctx, Report};
use crate::domain::{campaign, roster};
use crate::io::atomic;

pub fn run(ctx: &Ctx, dir: Option<&Path>) -> Result<Report> {
    let dir = dir
        .map(|d| ctx.dir.join(d))
        .unwrap_or_else(|| ctx.dir.clone());
    let toml = dir.join("campaign.toml");
    if toml.exists() {
        return Err(config(format!(
            "{} already exists: init never overwrites a campaign",
            toml.display()
        )));
    }
    let mut report = Report::default();
    for sub in ["applications", "survey", "appraisal", "review", "out"] {
        std::fs::create_dir_all(dir.join(sub))
            .map_err(|e| config(format!("cannot create {}: {e}", dir.join(sub).display())))?;
    }
    atomic::write_bytes(&toml, campaign::DEFAULT_TOML.as_bytes())?;
    report.outputs.push(toml);
    let villages = dir.join("villages.csv");
    if !villages.exists() {
        atomic::write_bytes(&villages, roster::EXAMPLE_CSV.as_bytes())?;
        report.outputs.push(villages);
    }
    ctx.say(format!(
        "wrote the campaign folder {}: edit campaign.toml and villages.csv, then run `fupin -C {} template`",
        dir.display(),
        dir.display()
    ));
    Ok(report)
}
