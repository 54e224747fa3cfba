//! The `fupin` binary: parse arguments, dispatch to a command, print the
//! report, append the journal line, and map failures to exit codes
//! (0 done, 1 blocking data errors, 2 usage or configuration; the kinds are
//! in `fupin::error`).

use clap::{CommandFactory, Parser};
use serde_json::{json, Value};

use fupin::cli::{Cli, Command};
use fupin::cmd::{self, Ctx, Report};
use fupin::error;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            if !e.use_stderr() {
                std::process::exit(0);
            }
            usage_json(&e);
            std::process::exit(error::Kind::Usage.code());
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
    // File names need not be UTF-8; the journal keeps them readable.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let name = cli.command.name();
    let (held, result) = match lock(&ctx, &cli.command) {
        Ok(held) => (held, dispatch(&ctx, &cli.command)),
        Err(e) => (None, Err(e)),
    };
    let (code, report, failure) = match result {
        Ok(r) => {
            // Quiet is not silent: one line for a run that found errors.
            // `run` and `demo` said it for each stage that found them.
            let chain = matches!(cli.command, Command::Demo { .. } | Command::Run { .. });
            if ctx.quiet && !chain {
                if let Some(line) = r.errors_line(&ctx, name, false) {
                    eprintln!("{line}");
                }
            }
            (r.exit, r, None)
        }
        Err(e) => {
            eprintln!("fupin {name}: {}", error::message(&e));
            (
                error::exit_code(&e),
                Report::default(),
                Some(error::json(&e)),
            )
        }
    };
    if ctx.json {
        let mut obj = report.json.clone();
        obj.insert("command".into(), Value::from(name));
        obj.insert("exit".into(), Value::from(code));
        if let Some(f) = failure {
            obj.insert("error".into(), f);
        }
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

/// A script that asked for `--json` gets its object even when the arguments
/// did not parse; the command is the first argument that names one.
fn usage_json(e: &clap::Error) {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if !args.iter().any(|a| a == "--json") {
        return;
    }
    let cli = Cli::command();
    let command = args.iter().find_map(|a| {
        cli.get_subcommands()
            .map(|c| c.get_name())
            .find(|n| a.as_os_str() == *n)
    });
    // clap's first paragraph, without its usage line and its hint.
    let text = e.to_string();
    let message = text
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let message = message.trim_start_matches("error: ");
    let obj = json!({
        "command": command,
        "exit": error::Kind::Usage.code(),
        "outputs": [],
        "error": {"kind": error::Kind::Usage.name(), "message": message},
    });
    println!("{obj}");
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

fn dispatch(ctx: &Ctx, command: &Command) -> anyhow::Result<Report> {
    match command {
        Command::Init { dir } => cmd::init::run(ctx, dir.as_deref()),
        Command::Template { village } => cmd::template::run(ctx, village.as_deref()),
        Command::Import {
            files,
            village,
            encoding,
        } => cmd::import::run(ctx, files, village.as_deref(), encoding.map(Into::into)),
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

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
