//! `fupin run [DIR] [--jobs N]`: run every stage whose inputs are present,
//! in order, skipping stages already done on unchanged inputs, and stop at
//! the first stage whose input is missing (saying what it waits for). When
//! DIR holds several campaign folders (the towns of a county) they run in
//! parallel and `county-summary.csv` / `.xlsx` are written beside them.
//!
//! Example: `fupin run 孝直镇` or `fupin run 平阴县 --jobs 2`

use anyhow::Result;
use serde_json::json;
use std::path::Path;

use super::chain::{county, run_town};
use super::{config, Ctx, Report};

pub fn run(ctx: &Ctx, dir: Option<&Path>, jobs: Option<usize>) -> Result<Report> {
    let dir = dir
        .map(|d| ctx.dir.join(d))
        .unwrap_or_else(|| ctx.dir.clone());
    let mut report = Report::default();
    if dir.join("campaign.toml").exists() {
        let town = Ctx {
            dir: dir.clone(),
            json: false,
            quiet: ctx.quiet,
        };
        let o = run_town(&town);
        let n = county::findings_of(&dir);
        if n > 0 {
            ctx.say(format!(
                "note: ../county-findings.csv lists {n} {} of this town that another town's register also holds: correct the application sheets, then run the county again",
                if n == 1 { "ID number" } else { "ID numbers" }
            ));
        }
        report.exit = o.exit;
        report.json.insert("towns".into(), json!([o.json(&dir)]));
        return Ok(report);
    }
    let towns = county::towns(&dir)?;
    if towns.is_empty() {
        return Err(config(format!(
            "{} is neither a campaign folder (no campaign.toml) nor a folder of campaign folders",
            dir.display()
        )));
    }
    let county::CountyRun { outcomes, findings } = county::run_all(ctx, &dir, &towns, jobs)?;
    for o in &outcomes {
        ctx.say(format!(
            "{}: {}",
            o.dir
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            o.line()
        ));
    }
    if let Some(f) = &findings {
        ctx.say(format!(
            "ID numbers in the registers of two towns are listed in {}: a person applies in one town only; correct the application sheets and run again",
            f.display()
        ));
    }
    report.outputs = county::write_summary(&dir, &outcomes)?;
    report.outputs.extend(findings);
    report.exit = outcomes.iter().map(|o| o.exit).max().unwrap_or(0);
    report.json.insert(
        "towns".into(),
        outcomes.iter().map(|o| o.json(&dir)).collect(),
    );
    Ok(report)
}
