//! The `fupin` binary: parse arguments, dispatch to a command, print the
//! report, append the journal line, and map failures to exit codes
//! (0 done, 1 blocking data errors, 2 usage or configuration).

use clap::Parser;
use serde_json::Value;

use fupin::cli::{Cli, Command};
use fupin::cmd::{self, Ctx, Failure, Report};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let dir = cli
        .campaign_dir
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let ctx = Ctx {
        dir,
        json: cli.json,
        quiet: cli.quiet,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = cli.command.name();
    let held = lock(&ctx, &cli.command);
    let result = match &held {
        Ok(_) => dispatch(&ctx, &cli.command),
        Err(e) => Err(held_error(e)),
    };
    let (code, report) = match result {
        Ok(r) => (r.exit, Some(r)),
        Err(e) => {
            let code = e.downcast_ref::<Failure>().map(Failure::code).unwrap_or(2);
            eprintln!("fupin {name}: {}", chain(&e));
            (code, None)
        }
    };
    let report = report.unwrap_or_default();
    if ctx.json {
        let mut obj = report.json.clone();
        obj.insert("command".into(), Value::from(name));
        obj.insert("exit".into(), Value::from(code));
        obj.insert(
            "outputs".into(),
            report
                .outputs
                .iter()
                .map(|p| Value::from(ctx.rel(p)))
                .collect(),
        );
        println!("{}", Value::Object(obj));
    }
    match &cli.command {
        Command::Demo { .. } | Command::Run { .. } => {}
        Command::Init { dir: Some(d) } => {
            let town = Ctx {
                dir: ctx.dir.join(d),
                json: false,
                quiet: true,
            };
            cmd::journal_line(&town, name, &args, &report, code);
        }
        _ => cmd::journal_line(&ctx, name, &args, &report, code),
    }
    drop(held);
    std::process::exit(code);
}

/// Commands that write into the campaign's out/ hold its lock until their
/// journal line is written.
fn lock(ctx: &Ctx, command: &Command) -> anyhow::Result<Option<cmd::OutLock>> {
    Ok(match command {
        Command::Init { .. }
        | Command::Demo { .. }
        | Command::Run { .. }
        | Command::Status { .. } => None,
        _ if ctx.path("campaign.toml").exists() => Some(cmd::lock(ctx)?),
        _ => None,
    })
}

/// The lock's failure, kept with its exit status.
fn held_error(e: &anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<Failure>() {
        Some(Failure::Config(m)) => Failure::Config(m.clone()).into(),
        Some(Failure::Data(m)) => Failure::Data(m.clone()).into(),
        None => anyhow::anyhow!("{e:#}"),
    }
}

fn dispatch(ctx: &Ctx, command: &Command) -> anyhow::Result<Report> {
    match command {
        Command::Init { dir } => cmd::init::run(ctx, dir.as_deref()),
        Command::Template { village } => cmd::template::run(ctx, village.as_deref()),
        Command::Import {
            files,
            village,
            encoding,
        } => cmd::import::run(ctx, files, village.as_deref(), encoding.as_deref()),
        Command::Check => cmd::check::run(ctx),
        Command::Survey { files } => cmd::survey::run(ctx, files),
        Command::Screen { provisional } => cmd::screen::run(ctx, *provisional),
        Command::Appraise {
            files,
            village,
            date,
            present,
        } => cmd::appraise::run(ctx, files, village.as_deref(), date.as_deref(), *present),
        Command::Notice {
            stage,
            start,
            format,
        } => cmd::notice::run(ctx, *stage, start.as_deref(), *format),
        Command::Review {
            stage,
            files,
            no_changes,
        } => cmd::review::run(ctx, *stage, files, *no_changes),
        Command::Status { verify } => cmd::status::run(ctx, *verify),
        Command::Bind => cmd::bind::run(ctx),
        Command::Run { dir, jobs } => cmd::run::run(ctx, dir.as_deref(), *jobs),
        Command::Demo {
            dir,
            villages,
            households,
            seed,
            towns,
            no_run,
            clean,
        } => {
            let a = cmd::demo::DemoArgs {
                dir: dir.as_deref(),
                villages: *villages,
                households: *households,
                seed: *seed,
                towns: *towns,
                no_run: *no_run,
                clean: *clean,
            };
            cmd::demo::run(ctx, &a)
        }
    }
}

fn chain(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
