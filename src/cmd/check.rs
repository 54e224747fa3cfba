//! `fupin check`: run every check of DESIGN 2.10 on the register again,
//! print a summary and write the findings.
//!
//! Example: `fupin -C mytown check`

use anyhow::Result;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::{data, Ctx, Report};
use crate::domain::campaign::Campaign;
use crate::domain::campaign_checks::Checked;
use crate::domain::checks::{CampaignChecks, Checker};
use crate::domain::finding::{kind_label, Finding, Severity};
use crate::domain::register::Household;
use crate::domain::roster::Roster;
use crate::io::register::RegisterReader;
use crate::io::{findings as findings_io, xlsx};

pub fn run(ctx: &Ctx) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let mut report = Report::default();
    let (households, mut findings) =
        validate_register(ctx, &campaign, &roster, &mut report, |_| {})?;
    let counts = finish(ctx, &campaign, &mut findings, &mut report)?;
    report.json.insert("households".into(), json!(households));
    report.json.insert("findings".into(), counts);
    Ok(report)
}

/// Read `out/register.csv` and check every household; `each` sees every
/// checked household. Returns the number of households.
pub fn validate_register(
    ctx: &Ctx,
    campaign: &Campaign,
    roster: &Roster,
    report: &mut Report,
    mut each: impl FnMut(Household),
) -> Result<(usize, Vec<Finding>)> {
    let path = ctx.out().join("register.csv");
    if !path.exists() {
        return Err(data(format!(
            "{} does not exist yet: run `fupin import` first",
            ctx.rel(&path)
        )));
    }
    report.inputs.extend([
        path.clone(),
        ctx.path("campaign.toml"),
        ctx.path("villages.csv"),
    ]);
    let mut rdr = RegisterReader::open(&path)?;
    let extras = rdr.extras.clone();
    let checker = Checker::new(campaign, roster, &extras);
    let mut global = CampaignChecks::new(roster);
    // A line of the register holds about 220 bytes.
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    global.reserve((bytes / 220) as usize);
    let mut findings = Vec::new();
    let mut n = 0;
    // The register is read on one thread, its source files checked on
    // every core, and the campaign-wide checks and `each` see the
    // households in the register's order.
    let files = std::iter::from_fn(|| rdr.next_raw().transpose());
    crate::pipeline::ordered(
        rayon::current_num_threads(),
        files,
        |raw| -> Result<Checked> { Ok(Checked::check(&checker, raw.rows()?, |_, _| {})) },
        |checked| {
            checked?.into_campaign(&mut global, &mut findings, |hh| {
                each(hh);
                n += 1;
            });
            Ok(())
        },
    )?;
    if let Some(sha) = rdr.digest() {
        report.hashed.insert(path, sha);
    }
    findings.extend(global.finish(roster));
    Ok((n, findings))
}

/// Sort and write the findings (CSV and workbook), print the summary, set
/// the exit status; returns the counts for `--json`.
pub fn finish(
    ctx: &Ctx,
    campaign: &Campaign,
    findings: &mut [Finding],
    report: &mut Report,
) -> Result<Value> {
    findings_io::sort(findings);
    let out = ctx.out();
    let csv_path = out.join("findings.csv");
    let xlsx_path = out.join("findings.xlsx");
    findings_io::write_csv(&csv_path, findings)?;
    xlsx::findings::write_findings(&xlsx_path, findings, campaign)?;
    report.outputs.extend([csv_path, xlsx_path.clone()]);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings.iter() {
        *by_kind.entry(f.kind).or_default() += 1;
    }
    ctx.say(format!("{errors} errors, {warnings} warnings"));
    for (k, n) in &by_kind {
        ctx.say(format!("  {n:>6}  {k} ({})", kind_label(k)));
    }
    let mut shown: Vec<&Finding> = findings.iter().filter(|f| f.is_error()).take(10).collect();
    if shown.is_empty() {
        shown = findings.iter().take(5).collect();
    }
    for f in shown {
        ctx.say(format!("  {f}"));
    }
    if errors > 0 {
        report.exit = 1;
        ctx.say(format!(
            "the errors are listed in {}: correct the village sheets and import again",
            ctx.rel(&xlsx_path)
        ));
    }
    Ok(json!({"errors": errors, "warnings": warnings, "by_kind": by_kind}))
}
