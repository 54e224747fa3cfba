//! A county run: every town of a folder in parallel, and the county
//! summary beside them.

use anyhow::Result;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::{run_town, Outcome};
use crate::cmd::{config, Ctx};
use crate::domain::campaign::Campaign;
use crate::domain::screen::Decision;
use crate::io::csvout;
use crate::io::lists::{self, FinalLine, PrimaryLine};
use crate::io::xlsx::county::{self, TownRow, HEADER};

/// The campaign folders directly inside `dir`, sorted by name.
pub fn towns(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| config(format!("cannot read {}: {e}", dir.display())))?;
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && p.join("campaign.toml").exists() {
            v.push(p);
        }
    }
    v.sort();
    Ok(v)
}

/// Run every town, `jobs` at a time; a failing town does not stop the rest.
pub fn run_all(ctx: &Ctx, towns: &[PathBuf], jobs: Option<usize>) -> Result<Vec<Outcome>> {
    let jobs = jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| config(format!("cannot start {jobs} jobs: {e}")))?;
    let bar = if !ctx.quiet && !ctx.json && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(towns.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} towns {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let outcomes = pool.install(|| {
        towns
            .par_iter()
            .map(|t| {
                let town = Ctx {
                    dir: t.clone(),
                    json: false,
                    quiet: true,
                };
                let o = run_town(&town);
                if let Some(b) = &bar {
                    b.set_message(
                        t.file_name()
                            .map(|n| n.to_string_lossy().to_string())
                            .unwrap_or_default(),
                    );
                    b.inc(1);
                }
                o
            })
            .collect::<Vec<_>>()
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(outcomes)
}

fn town_row(o: &Outcome) -> TownRow {
    let town = Ctx {
        dir: o.dir.clone(),
        json: false,
        quiet: true,
    };
    let name = town
        .campaign()
        .ok()
        .map(|c: Campaign| c.campaign.town)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            o.dir
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        });
    let roster = town.roster().ok();
    let primary: Vec<PrimaryLine> =
        lists::read(&town.out().join("primary-list.csv")).unwrap_or_default();
    let fin: Vec<FinalLine> = lists::read(&town.out().join("final-list.csv")).unwrap_or_default();
    TownRow {
        name,
        villages: roster.as_ref().map(|r| r.villages.len()).unwrap_or(0),
        population: roster
            .as_ref()
            .map(|r| r.villages.iter().map(|v| v.population).sum())
            .unwrap_or(0),
        applicants: primary.len(),
        admitted: primary
            .iter()
            .filter(|r| r.decision == Decision::Admitted)
            .count(),
        final_households: fin.len(),
        final_persons: fin.iter().map(|r| u64::from(r.base.size)).sum(),
        status: o.status.to_string(),
        detail: o.detail.clone(),
    }
}

/// `county-summary.csv` and `county-summary.xlsx` beside the towns.
pub fn write_summary(dir: &Path, outcomes: &[Outcome]) -> Result<Vec<PathBuf>> {
    let rows: Vec<TownRow> = outcomes.iter().map(town_row).collect();
    let total = TownRow {
        name: "total".into(),
        villages: rows.iter().map(|r| r.villages).sum(),
        population: rows.iter().map(|r| r.population).sum(),
        applicants: rows.iter().map(|r| r.applicants).sum(),
        admitted: rows.iter().map(|r| r.admitted).sum(),
        final_households: rows.iter().map(|r| r.final_households).sum(),
        final_persons: rows.iter().map(|r| r.final_persons).sum(),
        status: String::new(),
        detail: format!(
            "{} of {} towns done",
            rows.iter().filter(|r| r.status == "done").count(),
            rows.len()
        ),
    };
    let csv_path = dir.join("county-summary.csv");
    csvout::write_csv(
        &csv_path,
        &HEADER,
        rows.iter()
            .chain(std::iter::once(&total))
            .map(|r| r.cells().to_vec()),
    )?;

    let year = outcomes
        .first()
        .and_then(|o| {
            Ctx {
                dir: o.dir.clone(),
                json: false,
                quiet: true,
            }
            .campaign()
            .ok()
        })
        .map(|c| c.campaign.year)
        .unwrap_or(2015);
    let xlsx_path = dir.join("county-summary.xlsx");
    county::write_county_summary(&xlsx_path, year, &rows, &total)?;
    Ok(vec![csv_path, xlsx_path])
}
