//! `fupin check`: run every check of DESIGN 2.10 on the register again,
//! print a summary and write the findings.
//!
//! Example: `fupin -C mytown check`

use anyhow::Result;
use serde_json::json;

use super::chain::{self, List};
use super::{Ctx, Report};
use crate::io::recheck::{recheck, Rechecked};

pub fn run(ctx: &Ctx) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let mut report = Report::default();
    let register = chain::require(ctx, List::Register)?;
    report.inputs.extend([
        register.clone(),
        ctx.path("campaign.toml"),
        ctx.path("villages.csv"),
    ]);
    let Rechecked {
        households,
        mut findings,
        digest,
    } = recheck(&register, &campaign, &roster, |_| {})?;
    report.hashed.extend(digest.map(|sha| (register, sha)));
    let counts = super::findings::finish(ctx, &campaign, &mut findings, &mut report)?;
    report.json.insert("households".into(), json!(households));
    report.json.insert("findings".into(), counts);
    Ok(report)
}
