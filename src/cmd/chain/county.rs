//! A county run: every town of a folder in parallel, and the county
//! summary beside them.

use anyhow::Result;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::{run_steps, Outcome, Progress, Step};
use crate::cmd::{config, Ctx};
use crate::domain::campaign::Campaign;
use crate::domain::columns::Col;
use crate::domain::screen::Decision;
use crate::io::csvout;
use crate::io::lists::{self, FinalLine, PrimaryLine};
use crate::io::register::RegisterReader;
use crate::io::xlsx::county::{self, TownRow, HEADER};
use std::collections::HashSet;

mod ids;

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

/// What a county run did: each town's outcome, and `county-findings.csv`
/// when there was a finding across towns.
pub struct CountyRun {
    pub outcomes: Vec<Outcome>,
    pub findings: Option<PathBuf>,
}

/// Run every town, `jobs` at a time; a failing town does not stop the rest.
/// Every town runs up to `screen` first; then the ID numbers of all the
/// registers are checked across towns (`county-findings.csv` in `dir`),
/// and only the towns no finding concerns go on.
pub fn run_all(ctx: &Ctx, dir: &Path, towns: &[PathBuf], jobs: Option<usize>) -> Result<CountyRun> {
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
    let mut runs: Vec<(Ctx, Progress)> = pool.install(|| {
        towns
            .par_iter()
            .map(|t| {
                let town = Ctx {
                    dir: t.clone(),
                    json: false,
                    quiet: true,
                };
                let mut p = Progress::start(&town);
                run_steps(&town, &mut p, Some(Step::Screen));
                (town, p)
            })
            .collect::<Vec<_>>()
    });

    let names: Vec<String> = towns
        .iter()
        .map(|t| {
            t.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        })
        .collect();
    let (twice, unread) = pool.install(|| ids::across(towns));
    let findings = ids::write(dir, &twice, &names)?;
    let file = findings
        .as_deref()
        .map(|p| crate::io::folder::rel(dir, p))
        .unwrap_or_default();
    for (i, (_, p)) in runs.iter_mut().enumerate() {
        if let Some((_, e)) = unread.iter().find(|(t, _)| *t == i) {
            if p.going() {
                p.fail(1, format!("cannot check its ID numbers across towns: {e}"));
            }
            continue;
        }
        let mine: Vec<&ids::Twice> = twice.iter().filter(|t| t.here.town == i).collect();
        if mine.is_empty() {
            continue;
        }
        let mut others: Vec<&str> = mine
            .iter()
            .filter_map(|t| names.get(t.there.town).map(String::as_str))
            .collect();
        others.sort_unstable();
        others.dedup();
        let n = mine.len();
        let detail = format!(
            "{n} {} also in the register of {}: see {file}",
            if n == 1 {
                "ID number is"
            } else {
                "ID numbers are"
            },
            others.join(", ")
        );
        // A town that failed on its own says both; any other stops here,
        // before `screen`, as for its own errors.
        if p.outcome.status == "failed" {
            p.outcome.exit = p.outcome.exit.max(1);
            p.outcome.detail = format!("{}; {detail}", p.outcome.detail);
        } else {
            p.fail(1, detail);
        }
    }

    pool.install(|| {
        runs.par_iter_mut().for_each(|(town, p)| {
            run_steps(town, p, None);
            if let Some(b) = &bar {
                b.set_message(
                    town.dir
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default(),
                );
                b.inc(1);
            }
        })
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(CountyRun {
        outcomes: runs.into_iter().map(|(_, p)| p.outcome).collect(),
        findings,
    })
}

/// How many findings of the county's `county-findings.csv` (in the folder
/// above `town`) are this town's: a town run alone does not check across
/// towns, but says what the last county run found.
pub fn findings_of(town: &Path) -> usize {
    let Ok(town) = std::fs::canonicalize(town) else {
        return 0;
    };
    let (Some(dir), Some(name)) = (town.parent(), town.file_name()) else {
        return 0;
    };
    let name = name.to_string_lossy();
    crate::io::csvin::read_csv(&dir.join("county-findings.csv"))
        .map(|rows| {
            rows.iter()
                .filter(|r| r.get("town").is_some_and(|t| *t == name))
                .count()
        })
        .unwrap_or(0)
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
        // A town that failed may have stopped before `screen` wrote its
        // list anew: its register says who applies.
        applicants: match town.out().join("register.csv") {
            r if r.is_file() && (o.status == "failed" || primary.is_empty()) => {
                register_households(&r)
            }
            _ => primary.len(),
        },
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

/// The households of a register (its distinct village and household
/// number), for a town that has no primary list yet; 0 without one.
fn register_households(path: &Path) -> usize {
    let Ok(mut rdr) = RegisterReader::open(path) else {
        return 0;
    };
    let mut seen: HashSet<(String, String)> = HashSet::new();
    while let Ok(Some(rows)) = rdr.next_file() {
        for r in rows {
            let village = if r.village_code.is_empty() {
                r.get(Col::Village)
            } else {
                &r.village_code
            };
            seen.insert((village.to_string(), r.get(Col::HouseholdId).to_string()));
        }
    }
    seen.len()
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
