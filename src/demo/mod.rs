//! The demo town generator: a complete, realistic campaign folder (roster,
//! application sheets, survey) for trying fupin end to end, with a handful
//! of deliberate data errors listed in `demo-errors.txt`.
//!
//! Every village draws from its own random streams (seed, village,
//! household), so villages are generated in parallel and the same options
//! give byte-identical files.

pub mod appraisal;
mod household;
mod ids;
mod income;
mod inject;
mod names;
pub mod review;
mod village;
mod write;

#[cfg(test)]
mod tests;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::Rng;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::campaign::DEFAULT_TOML;

use household::Calendar;
use inject::{Injection, Kind};
use village::{ErrorNote, Town, VillageOut, VillagePlan};
use write::{toml_string, write_file, BOM};

/// What the demo town looks like.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub villages: usize,
    /// Applicant households across the town.
    pub households: usize,
    pub seed: u64,
    /// The first villages hand in workbooks (.xlsx) instead of CSV files.
    pub xlsx_villages: usize,
    /// Put a handful of deliberate data errors into the CSV sheets.
    pub errors: bool,
    pub county: String,
    pub town: String,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            villages: 8,
            households: 1200,
            seed: 2015,
            xlsx_villages: 2,
            errors: true,
            county: "平阴县".into(),
            town: "孝直镇".into(),
        }
    }
}

/// What `generate` wrote.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    pub villages: usize,
    pub households: usize,
    pub persons: usize,
    pub files: Vec<PathBuf>,
}

/// The campaign year of the demo.
const YEAR: i32 = 2015;
/// Mean persons per household that `household` draws.
const MEAN_SIZE: f64 = 3.6;
/// First village code; the others count up from it.
const FIRST_CODE: u64 = 370_124_101_001;

/// Writes a complete campaign folder into `dir` (created if missing).
pub fn generate(dir: &Path, opts: &DemoOptions) -> Result<DemoSummary> {
    let plans = plan_town(opts);
    refuse_foreign_sheets(dir, &plans)?;
    std::fs::create_dir_all(dir.join("applications")).with_context(|| {
        format!(
            "cannot create folder {}",
            dir.join("applications").display()
        )
    })?;
    std::fs::create_dir_all(dir.join("survey"))
        .with_context(|| format!("cannot create folder {}", dir.join("survey").display()))?;

    let town = Town {
        seed: opts.seed,
        villages: plans.len(),
        year: YEAR,
        cal: Calendar {
            last_birth: date(YEAR - 1, 12, 31),
            today: date(YEAR, 6, 1),
        },
    };
    let mut files = vec![dir.join("campaign.toml"), dir.join("villages.csv")];
    write_file(&files[0], |w| {
        Ok(w.write_all(campaign_toml(opts).as_bytes())?)
    })?;
    write_file(&files[1], |w| write_roster(w, &plans))?;

    // The village that lists the duplicate again waits for the village
    // whose person it copies; all others run at once.
    let source = find_village(&plans, Kind::DuplicateSource);
    let target = find_village(&plans, Kind::DuplicateTarget).filter(|t| Some(*t) != source);
    let mut outs: Vec<Option<VillageOut>> = plans
        .par_iter()
        .map(|p| {
            if Some(p.index) == target || p.applicants == 0 {
                Ok(None)
            } else {
                village::generate(dir, p, &town, None).map(Some)
            }
        })
        .collect::<Result<_>>()?;
    if let Some(t) = target {
        let dup = source
            .and_then(|s| outs[s].as_ref())
            .and_then(|o| o.dup_source.clone());
        outs[t] = Some(village::generate(dir, &plans[t], &town, dup.as_ref())?);
    }

    let mut persons = 0;
    let mut notes: Vec<ErrorNote> = Vec::new();
    for (p, out) in plans.iter().zip(&outs) {
        if let Some(o) = out {
            persons += o.persons;
            notes.extend(o.notes.iter().cloned());
            files.push(dir.join(&p.file));
        }
    }
    let survey_path = dir.join("survey").join("survey.csv");
    write_file(&survey_path, |w| {
        w.write_all(BOM)?;
        w.write_all("村,户编号,核实家庭年纯收入,核实结论,剔除原因\n".as_bytes())?;
        for o in outs.iter().flatten() {
            w.write_all(&o.survey)?;
        }
        Ok(())
    })?;
    files.push(survey_path);
    if opts.errors {
        let path = dir.join("demo-errors.txt");
        write_file(&path, |w| write_errors(w, &notes))?;
        files.push(path);
    }
    Ok(DemoSummary {
        villages: plans.len(),
        households: plans.iter().map(|p| p.applicants as usize).sum(),
        persons,
        files,
    })
}

/// Sheets in `applications/` that this demo would not overwrite would be
/// imported with it: refuse rather than mix towns (or delete anything).
fn refuse_foreign_sheets(dir: &Path, plans: &[VillagePlan]) -> Result<()> {
    let apps = dir.join("applications");
    let Ok(entries) = std::fs::read_dir(&apps) else {
        return Ok(());
    };
    let ours: HashSet<&str> = plans
        .iter()
        .filter(|p| p.applicants > 0)
        .filter_map(|p| p.file.strip_prefix("applications/"))
        .collect();
    for e in entries {
        let name = e?.file_name();
        let name = name.to_string_lossy();
        if !ours.contains(name.as_ref()) && !name.starts_with(".fupin-demo-") {
            anyhow::bail!(
                "{} already holds {name}, which this demo town would not replace; \
                 write the demo into a new or empty folder",
                apps.display()
            );
        }
    }
    Ok(())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn find_village(plans: &[VillagePlan], kind: Kind) -> Option<usize> {
    plans
        .iter()
        .find(|p| p.injections.iter().any(|i| i.kind == kind))
        .map(|p| p.index)
}

/// The default campaign file with the demo's county, town and contact.
fn campaign_toml(opts: &DemoOptions) -> String {
    let contact = format!("{}人民政府扶贫办公室（镇政府一楼）", opts.town);
    DEFAULT_TOML
        .replacen(
            "county = \"\"",
            &format!("county = {}", toml_string(&opts.county)),
            1,
        )
        .replacen(
            "town = \"\"",
            &format!("town = {}", toml_string(&opts.town)),
            1,
        )
        .replacen(
            "contact = \"\"",
            &format!("contact = {}", toml_string(&contact)),
            1,
        )
}

fn write_roster(w: &mut impl Write, plans: &[VillagePlan]) -> Result<()> {
    w.write_all(BOM)?;
    let mut c = csv::Writer::from_writer(w);
    c.write_record(["村代码", "村名", "人口", "户数", "重点村", "村民代表人数"])?;
    for p in plans {
        let reps = p.representatives.map(|r| r.to_string()).unwrap_or_default();
        c.write_record([
            p.code.as_str(),
            &p.name,
            &p.population.to_string(),
            &p.roster_households.to_string(),
            if p.key { "是" } else { "否" },
            &reps,
        ])?;
    }
    c.flush()?;
    Ok(())
}

fn write_errors(w: &mut impl Write, notes: &[ErrorNote]) -> Result<()> {
    writeln!(
        w,
        "# Deliberate data errors in this demo town (DESIGN 2.10); rows count the header as row 1."
    )?;
    writeln!(w, "file\trow\thousehold\tseverity\twhat")?;
    for n in notes {
        writeln!(
            w,
            "{}\t{}\t{}\t{}\t{}",
            n.file, n.row, n.household, n.severity, n.what
        )?;
    }
    Ok(())
}

/// Decide every village: name, code, size, key status, applicants, the
/// share below the standard, file format and the errors placed in it.
fn plan_town(opts: &DemoOptions) -> Vec<VillagePlan> {
    let n = opts.villages.max(1);
    let mut rng = village::stream(opts.seed, u64::MAX, 0);
    let names = names::village_names(&mut rng, n);

    let mut key = Vec::with_capacity(n);
    let mut pop = Vec::with_capacity(n);
    for i in 0..n {
        let (k, p) = if i == 0 {
            (true, rng.gen_range(1000..=2500u64))
        } else if i == n - 1 {
            (false, rng.gen_range(450..=950u64))
        } else {
            (rng.gen_bool(1.0 / 3.0), rng.gen_range(300..=2500u64))
        };
        key.push(k);
        pop.push(p);
    }
    // Applicant persons as a share of the population: most of a key
    // village applies, a fifth or so of another.
    let mut share: Vec<f64> = key
        .iter()
        .map(|&k| {
            if k {
                rng.gen_range(0.55..0.75)
            } else {
                rng.gen_range(0.12..0.30)
            }
        })
        .collect();
    let wanted: f64 = pop.iter().zip(&share).map(|(&p, s)| p as f64 * s).sum();
    let scale = opts.households as f64 * MEAN_SIZE / wanted.max(1.0);
    if (0.75..=1.33).contains(&scale) {
        share.iter_mut().for_each(|s| *s *= scale);
    } else {
        // Far more (or fewer) applicants than villages of this size hold:
        // the villages grow (or shrink) with them, shrinking no further
        // than real villages do.
        for (i, p) in pop.iter_mut().enumerate() {
            let mut v = (*p as f64 * scale).round() as u64;
            if scale < 1.0 {
                v = v.clamp(300, 2500);
                if i == 0 {
                    v = v.max(1000);
                }
            }
            *p = v;
        }
    }
    let weights: Vec<f64> = pop.iter().zip(&share).map(|(&p, s)| p as f64 * s).collect();
    let applicants = apportion(opts.households, &weights);

    let roster: HashSet<&str> = names.iter().map(String::as_str).collect();
    let mut plans = Vec::with_capacity(n);
    for i in 0..n {
        let expected_persons = (applicants[i] as f64 * MEAN_SIZE).max(1.0);
        let eligible_share = if key[i] {
            // Eligible persons near the quota, floor(pop × 0.5): a little
            // over it or a little under.
            (pop[i] as f64 * 0.5 * rng.gen_range(0.88..1.12) / expected_persons).min(0.95)
        } else {
            rng.gen_range(0.6..0.8)
        };
        let representatives = rng.gen_bool(0.6).then(|| {
            if pop[i] < 1000 {
                rng.gen_range(25..=45)
            } else {
                rng.gen_range(35..=60)
            }
        });
        let code = (FIRST_CODE + i as u64).to_string();
        let xlsx = (i < opts.xlsx_villages).then_some(i == 0);
        let ext = if xlsx.is_some() { "xlsx" } else { "csv" };
        plans.push(VillagePlan {
            index: i,
            file: format!("applications/{code}-{}.{ext}", names[i]),
            code,
            name: names[i].clone(),
            population: pop[i],
            roster_households: ((pop[i] as f64 / 3.3).round() as u64).max(applicants[i] as u64),
            key: key[i],
            representatives,
            applicants: applicants[i],
            eligible_share,
            xlsx,
            injections: Vec::new(),
            stray_name: names::name_not_in(&roster, &names[i]),
        });
    }
    if opts.errors {
        place_errors(&mut rng, &mut plans);
    }
    plans
}

/// Split `total` households over villages in proportion to `weights`
/// (largest remainder), at least one each when there are enough.
fn apportion(total: usize, weights: &[f64]) -> Vec<u32> {
    let n = weights.len();
    let base = if total >= n { 1 } else { 0 };
    let rest = total - base * n;
    let sum: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let exact: Vec<f64> = weights.iter().map(|w| rest as f64 * w / sum).collect();
    let mut out: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut left = rest.saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(n * 2) {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out.iter().map(|&c| (c + base) as u32).collect()
}

/// Hand the error kinds out over the CSV villages, each to a household of
/// its own; the duplicate's copy goes to another village than its source.
fn place_errors(rng: &mut rand_chacha::ChaCha8Rng, plans: &mut [VillagePlan]) {
    let csv: Vec<usize> = plans
        .iter()
        .filter(|p| p.xlsx.is_none() && p.applicants > 0)
        .map(|p| p.index)
        .collect();
    if csv.is_empty() {
        return;
    }
    let mut free: Vec<Vec<u32>> = csv
        .iter()
        .map(|&i| {
            let mut h: Vec<u32> = (1..=plans[i].applicants).collect();
            h.shuffle(rng);
            h
        })
        .collect();
    let mut at = 0;
    let mut source: Option<(usize, u32)> = None;
    for kind in inject::ALL {
        if kind == Kind::DuplicateTarget && source.is_none() {
            continue;
        }
        // The next CSV village with a household left (the copy skips its
        // source village when there is another).
        let mut pick = None;
        for step in 0..csv.len() {
            let slot = (at + step) % csv.len();
            let same = source.is_some_and(|(s, _)| s == slot);
            if free[slot].is_empty() || (kind == Kind::DuplicateTarget && same && csv.len() > 1) {
                continue;
            }
            pick = Some(slot);
            break;
        }
        let Some(slot) = pick else { continue };
        at = slot + 1;
        let Some(mut household) = free[slot].pop() else {
            continue;
        };
        if kind == Kind::DuplicateTarget {
            if let Some((s, src)) = source {
                // In the same village, the copy must come after its source.
                if s == slot && household < src {
                    let src_plan = &mut plans[csv[slot]];
                    for inj in src_plan.injections.iter_mut() {
                        if inj.kind == Kind::DuplicateSource {
                            inj.household = household;
                        }
                    }
                    household = src;
                }
            }
        }
        if kind == Kind::DuplicateSource {
            source = Some((slot, household));
        }
        plans[csv[slot]]
            .injections
            .push(Injection { kind, household });
    }
}
