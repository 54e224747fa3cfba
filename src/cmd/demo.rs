//! `fupin demo [DIR]`: write a realistic example town and run the whole
//! chain on it, as a town would: applications with a few data errors, the
//! findings, corrected sheets, survey, primary list, appraisal, the three
//! rounds of publicity and review, and the bound registration workbooks.
//! The same generator makes benchmark towns:
//! `fupin demo /tmp/big --villages 1000 --households 1000000 --no-run`.
//!
//! Example: `fupin demo` (writes ./demo-town) or `fupin demo 演示镇 --seed 7`

use anyhow::{Context, Result};
use serde_json::{json, Value};
use std::path::Path;

use super::chain::{run_step, List, Round, Step};
use super::{config, finish_stage, Ctx, Report};
use crate::demo::{appraisal, generate, review, DemoOptions};
use crate::io::lists;

pub struct DemoArgs<'a> {
    pub dir: Option<&'a Path>,
    pub villages: usize,
    pub households: usize,
    pub seed: u64,
    pub towns: usize,
    pub no_run: bool,
    pub clean: bool,
}

/// Town names for a demo county.
const TOWNS: [&str; 12] = [
    "孝直镇",
    "孔村镇",
    "洪范池镇",
    "东阿镇",
    "玫瑰镇",
    "安城镇",
    "榆山街道",
    "锦水街道",
    "店子乡",
    "东平镇",
    "南村镇",
    "北山乡",
];

pub fn run(ctx: &Ctx, a: &DemoArgs) -> Result<Report> {
    if a.villages == 0 || a.households < a.villages {
        return Err(config(
            "--households must be at least --villages, and --villages at least 1",
        ));
    }
    if a.towns > 1 {
        return county(ctx, a);
    }
    let dir = ctx.dir.join(a.dir.unwrap_or(Path::new("demo-town")));
    let opts = DemoOptions {
        villages: a.villages,
        households: a.households,
        seed: a.seed,
        errors: !a.clean,
        ..DemoOptions::default()
    };
    let summary = generate(&dir, &opts).map_err(|e| {
        config(format!(
            "cannot write the demo town in {}: {e:#}",
            dir.display()
        ))
    })?;
    ctx.say(format!(
        "wrote the demo town {}: {} villages, {} households, {} persons{}",
        dir.display(),
        summary.villages,
        summary.households,
        summary.persons,
        if opts.errors {
            " (with a few deliberate data errors, listed in demo-errors.txt)"
        } else {
            ""
        }
    ));
    let mut report = Report {
        outputs: summary.files.clone(),
        ..Default::default()
    };
    report
        .json
        .insert("dir".into(), json!(dir.display().to_string()));
    report
        .json
        .insert("households".into(), json!(summary.households));
    report.json.insert("persons".into(), json!(summary.persons));
    if a.no_run {
        return Ok(report);
    }
    let town = Ctx {
        dir: dir.clone(),
        json: false,
        quiet: ctx.quiet,
    };
    let mut stages: Vec<Value> = Vec::new();
    let result = chain(&town, &opts, &mut stages);
    report.json.insert("stages".into(), json!(stages));
    result?;
    town.say(format!(
        "\nthe demo town has run end to end: see {}/out (registration/ holds the bound workbooks)",
        dir.display()
    ));
    Ok(report)
}

/// A county of `towns` demo towns in DIR, each run end to end in parallel,
/// then the county summary.
fn county(ctx: &Ctx, a: &DemoArgs) -> Result<Report> {
    use rayon::prelude::*;
    let dir = ctx.dir.join(a.dir.unwrap_or(Path::new("demo-county")));
    if a.villages < a.towns || a.households < a.towns {
        return Err(config(
            "--villages and --households must be at least --towns",
        ));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| config(format!("cannot create {}: {e}", dir.display())))?;
    let names: Vec<String> = (0..a.towns)
        .map(|i| match TOWNS.get(i) {
            Some(n) => n.to_string(),
            None => format!("第{}镇", i + 1),
        })
        .collect();
    let results: Vec<(String, Result<Report>)> = names
        .par_iter()
        .enumerate()
        .map(|(i, name)| {
            let share = |n: usize| n / a.towns + usize::from(i < n % a.towns);
            let town_ctx = Ctx {
                dir: dir.clone(),
                json: false,
                quiet: true,
            };
            let args = DemoArgs {
                dir: Some(Path::new(name)),
                villages: share(a.villages),
                households: share(a.households),
                seed: a.seed.wrapping_add(i as u64 * 7919),
                towns: 1,
                no_run: a.no_run,
                clean: a.clean,
            };
            (name.clone(), run_town_named(&town_ctx, &args, name))
        })
        .collect();
    let mut report = Report::default();
    let mut towns = Vec::new();
    for (name, r) in results {
        let ok = r.is_ok();
        ctx.say(format!(
            "{name}: {}",
            match &r {
                Ok(_) => "done".to_string(),
                Err(e) => format!("{e:#}"),
            }
        ));
        towns.push(json!({"town": name, "ok": ok}));
    }
    if !a.no_run {
        let outcomes: Vec<super::chain::Outcome> = names
            .iter()
            .map(|n| {
                super::chain::run_town(&Ctx {
                    dir: dir.join(n),
                    json: false,
                    quiet: true,
                })
            })
            .collect();
        report.outputs = super::chain::county::write_summary(&dir, &outcomes)?;
    }
    ctx.say(format!(
        "wrote the demo county {} with {} towns",
        dir.display(),
        a.towns
    ));
    report
        .json
        .insert("dir".into(), json!(dir.display().to_string()));
    report.json.insert("towns".into(), json!(towns));
    Ok(report)
}

fn run_town_named(ctx: &Ctx, a: &DemoArgs, town: &str) -> Result<Report> {
    let dir = ctx.dir.join(a.dir.unwrap_or(Path::new("demo-town")));
    let opts = DemoOptions {
        villages: a.villages,
        households: a.households,
        seed: a.seed,
        errors: !a.clean,
        town: town.to_string(),
        ..DemoOptions::default()
    };
    generate(&dir, &opts)?;
    if !a.no_run {
        let t = Ctx {
            dir,
            json: false,
            quiet: true,
        };
        chain(&t, &opts, &mut Vec::new())?;
    }
    Ok(Report::default())
}

/// Run one stage: say it, run it, journal it. Returns its exit status.
fn stage(
    town: &Ctx,
    stages: &mut Vec<Value>,
    args: &[&str],
    f: impl FnOnce() -> Result<Report>,
) -> i32 {
    town.say(format!(
        "\n== fupin -C {} {}",
        town.dir.display(),
        args.join(" ")
    ));
    let r = f();
    let code = finish_stage(town, args[0], &args[1..], &r);
    stages.push(json!({"stage": args.join(" "), "exit": code}));
    code
}

/// Run a step of the chain with its defaults, as `run` does.
fn step(town: &Ctx, stages: &mut Vec<Value>, step: Step) -> i32 {
    stage(town, stages, &step.args(), || run_step(town, step))
}

fn chain(town: &Ctx, opts: &DemoOptions, stages: &mut Vec<Value>) -> Result<()> {
    let _lock = super::lock(town)?;
    let must = |code: i32, step: Step| -> Result<()> {
        if code == 0 {
            Ok(())
        } else {
            Err(super::data(format!(
                "the demo stopped: `{step}` exited {code}"
            )))
        }
    };
    let code = step(town, stages, Step::Import);
    if opts.errors {
        step(town, stages, Step::Survey);
        stage(town, stages, &["screen", "--provisional"], || {
            super::screen::run(town, true)
        });
        town.say("\nthe villages correct the rows named in out/findings.xlsx and hand in their sheets again:");
        correct(town, opts)?;
        let code = step(town, stages, Step::Import);
        must(code, Step::Import)?;
    } else {
        must(code, Step::Import)?;
    }
    for s in Step::ALL.into_iter().filter(|s| *s != Step::Import) {
        // The villages hand in what each stage reads as the chain reaches it.
        match s {
            Step::Appraise => {
                let campaign = town.campaign()?;
                let roster = town.roster()?;
                let primary = lists::read(&town.out().join(List::Primary.file()))?;
                appraisal::write_appraisal_sheets(
                    &town.dir,
                    &primary,
                    &roster,
                    campaign.campaign.year,
                    opts.seed,
                )?;
            }
            Step::Notice(Round::Village) => {
                let appraised = lists::read(&town.out().join(List::Appraised.file()))?;
                review::write_review_sheets(&town.dir, &appraised, opts.seed)?;
            }
            _ => {}
        }
        must(step(town, stages, s), s)?;
    }
    Ok(())
}

/// Replace the application sheets that hold the deliberate errors with the
/// same sheets written without them.
fn correct(town: &Ctx, opts: &DemoOptions) -> Result<()> {
    let tmp = tempfile::Builder::new()
        .prefix(".fupin-demo-")
        .tempdir_in(&town.dir)?;
    let clean = DemoOptions {
        errors: false,
        ..opts.clone()
    };
    generate(tmp.path(), &clean)?;
    for e in std::fs::read_dir(tmp.path().join("applications"))? {
        let e = e?;
        let ours = town.dir.join("applications").join(e.file_name());
        let theirs = std::fs::read(e.path())?;
        if std::fs::read(&ours).ok().as_deref() != Some(theirs.as_slice()) {
            crate::io::atomic::write_bytes(&ours, &theirs)
                .with_context(|| format!("cannot replace {}", ours.display()))?;
            town.say(format!("  corrected {}", town.rel(&ours)));
        }
    }
    Ok(())
}
