//! `fupin template [--village V]`: blank application workbooks, one per
//! roster village, in `applications/`.
//!
//! Example: `fupin -C mytown template --village 双河村`

use anyhow::Result;

use super::{config, Ctx, Report};
use crate::io::xlsx;

pub fn run(ctx: &Ctx, village: Option<&str>) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let villages: Vec<_> = match village {
        Some(v) => vec![roster
            .find(v)
            .ok_or_else(|| config(format!("--village {v}: no such village in villages.csv")))?
            .1
            .clone()],
        None => roster.villages.clone(),
    };
    let mut report = Report::default();
    report
        .inputs
        .extend([ctx.path("campaign.toml"), ctx.path("villages.csv")]);
    let dir = ctx.path("applications");
    for v in &villages {
        let p = dir.join(format!("{}-{}.xlsx", v.code, v.name));
        if p.exists() {
            ctx.say(format!(
                "{} exists: left as it is (a template never overwrites a sheet)",
                ctx.rel(&p)
            ));
            continue;
        }
        xlsx::template::write_template(&p, v, &campaign)?;
        ctx.say(format!("wrote {}", ctx.rel(&p)));
        report.outputs.push(p);
    }
    Ok(report)
}
