//! `out/register.csv` read back and every household checked again, as
//! `check` reports it and `screen` needs it before ranking.

use anyhow::Result;
use std::path::Path;

use super::register::RegisterReader;
use crate::domain::campaign::Campaign;
use crate::domain::campaign_checks::Checked;
use crate::domain::checks::{CampaignChecks, Checker};
use crate::domain::finding::Finding;
use crate::domain::register::Household;
use crate::domain::roster::Roster;

/// What checking the register again found.
pub struct Rechecked {
    pub households: usize,
    pub findings: Vec<Finding>,
    /// SHA-256 of the bytes read (the journal records it).
    pub digest: Option<String>,
}

/// Read the register at `path` and check every household; `each` sees
/// every checked household, in the register's order.
pub fn recheck(
    path: &Path,
    campaign: &Campaign,
    roster: &Roster,
    mut each: impl FnMut(Household),
) -> Result<Rechecked> {
    let mut rdr = RegisterReader::open(path)?;
    let extras = rdr.extras.clone();
    let checker = Checker::new(campaign, roster, &extras);
    let mut global = CampaignChecks::new(roster);
    // A line of the register holds about 220 bytes.
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
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
    let digest = rdr.digest();
    findings.extend(global.finish(roster));
    Ok(Rechecked {
        households: n,
        findings,
        digest,
    })
}
