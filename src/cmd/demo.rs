//! `fupin demo [DIR]`: write a realistic example town and run every stage
//! on it. The same generator makes benchmark towns:
//! `fupin demo /tmp/big --villages 1000 --households 1000000 --no-run`.
//!
//! Example: `fupin demo` (writes ./demo-town) or `fupin demo 演示镇 --seed 7`

use anyhow::Result;
use serde_json::json;
use std::path::Path;

use super::{config, Ctx, Report};
use crate::demo::{generate, DemoOptions};

pub struct DemoArgs<'a> {
    pub dir: Option<&'a Path>,
    pub villages: usize,
    pub households: usize,
    pub seed: u64,
    pub no_run: bool,
    pub clean: bool,
}

pub fn run(ctx: &Ctx, a: &DemoArgs) -> Result<Report> {
    if a.villages == 0 || a.households < a.villages {
        return Err(config(
            "--households must be at least --villages, and --villages at least 1",
        ));
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
    let mut stages = Vec::new();
    let steps: [(&str, &[&str]); 3] = [
        ("import", &[]),
        ("survey", &[]),
        ("screen", &["--provisional"]),
    ];
    for (name, args) in steps {
        town.say(format!(
            "\n== fupin -C {} {name} {}",
            dir.display(),
            args.join(" ")
        ));
        let r = match name {
            "import" => super::import::run(&town, &[], None, None),
            "survey" => super::survey::run(&town, &[]),
            _ => super::screen::run(&town, true),
        };
        let code = super::finish_stage(&town, name, args, &r);
        stages.push(json!({"stage": name, "exit": code}));
        if code == 2 {
            break;
        }
    }
    if opts.errors {
        town.say("\nthe deliberate errors make the primary list provisional: see out/findings.xlsx, correct the sheets in applications/ and run `fupin import` and `fupin screen` again");
    }
    report.json.insert("stages".into(), json!(stages));
    Ok(report)
}
