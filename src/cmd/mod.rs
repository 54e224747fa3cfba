//! One module per command. Each takes the context and its arguments and
//! returns a [`Report`]; `main` prints it, writes the journal line and maps
//! failures to exit codes.

use anyhow::Result;
use serde_json::Value;
use std::path::{Path, PathBuf};

use crate::domain::campaign::Campaign;
use crate::domain::roster::Roster;
use crate::io::sheet;

pub mod appraise;
pub mod bind;
pub mod chain;
pub mod check;
pub mod demo;
pub mod findings;
pub mod import;
pub mod init;
pub mod notice;
pub mod review;
pub mod run;
pub mod screen;
pub mod status;
pub mod survey;
pub mod template;

/// A failure with its kind, which decides the exit status (see
/// [`crate::error`]); the old name, kept for the commands that use it.
pub type Failure = crate::error::Error;

pub use crate::error::{config, data, usage};

/// What a command did.
#[derive(Debug, Default)]
pub struct Report {
    /// 0 done, 1 the data has blocking errors, which the run reported
    /// (a failure has no report: see [`crate::error`]).
    pub exit: i32,
    /// The `--json` object (the outputs and inputs are added by `main`).
    pub json: serde_json::Map<String, Value>,
    pub inputs: Vec<PathBuf>,
    /// SHA-256 of inputs the command read whole, of the bytes it read; the
    /// journal hashes the other inputs itself.
    pub hashed: std::collections::HashMap<PathBuf, String>,
    pub outputs: Vec<PathBuf>,
    /// The blocking errors the run found in the data: how many, and the
    /// files that list them. `--quiet` still prints this (DESIGN 7).
    pub errors: Option<(usize, Vec<PathBuf>)>,
}

impl Report {
    /// The one line `--quiet` still prints on stderr for a run that found
    /// errors in the data (exit 1): how many, and where they are listed;
    /// `None` for a run that found none. `dir` names the campaign folder
    /// when the clerk ran another command (`run`, `demo`).
    pub fn errors_line(&self, ctx: &Ctx, name: &str, dir: bool) -> Option<String> {
        if self.exit != 1 {
            return None;
        }
        let who = if dir {
            format!("fupin -C {} {name}", ctx.dir.display())
        } else {
            format!("fupin {name}")
        };
        Some(match &self.errors {
            Some((n, files)) if !files.is_empty() => format!(
                "{who}: {n} error{} in the data, listed in {}",
                if *n == 1 { "" } else { "s" },
                files
                    .iter()
                    .map(|p| ctx.rel(p))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            _ => format!("{who}: exit 1: run it without --quiet to see why"),
        })
    }
}

/// The campaign folder and the global options.
pub struct Ctx {
    pub dir: PathBuf,
    pub json: bool,
    pub quiet: bool,
}

impl Ctx {
    pub fn out(&self) -> PathBuf {
        self.dir.join("out")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// A message for the clerk on stderr, unless `--quiet` (which still
    /// prints the errors found: [`Report::errors_line`]).
    pub fn say(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    /// `campaign.toml`; any problem is a configuration error.
    pub fn campaign(&self) -> Result<Campaign> {
        let p = self.path("campaign.toml");
        if !p.exists() {
            return Err(config(format!(
                "{} has no campaign.toml: is it a campaign folder? (`fupin init {}` makes one)",
                self.dir.display(),
                self.dir.display()
            )));
        }
        let text = std::fs::read_to_string(&p)
            .map_err(|e| config(format!("{}: cannot read: {e}", p.display())))?;
        Campaign::from_toml(&text).map_err(|e| config(format!("{}: {e}", p.display())))
    }

    /// `villages.csv`; any problem is a configuration error.
    pub fn roster(&self) -> Result<Roster> {
        let p = self.path("villages.csv");
        let sheets =
            sheet::read_file(&p, None).map_err(|e| config(format!("{}: {e}", p.display())))?;
        let rows = &sheets
            .first()
            .ok_or_else(|| config(format!("{}: no rows", p.display())))?
            .rows;
        let Some((head, rest)) = rows.split_first() else {
            return Err(config(format!("{}: the file has no header", p.display())));
        };
        let body: Vec<Vec<String>> = rest.iter().map(|r| r.strings()).collect();
        Roster::from_rows(&head.strings(), &body)
            .map_err(|e| config(format!("{}: {e}", p.display())))
    }

    /// Path relative to the campaign folder, for messages and outputs.
    pub fn rel(&self, p: &Path) -> String {
        crate::io::folder::rel(&self.dir, p)
    }
}

/// Journal a stage run from inside another command (`demo`, `run`) and
/// report its failure; returns its exit status.
pub fn finish_stage(ctx: &Ctx, name: &str, args: &[&str], result: &Result<Report>) -> i32 {
    let (code, report) = match result {
        Ok(r) => {
            if ctx.quiet {
                let label: Vec<&str> = std::iter::once(name).chain(args.iter().copied()).collect();
                if let Some(line) = r.errors_line(ctx, &label.join(" "), true) {
                    eprintln!("{line}");
                }
            }
            (r.exit, Some(r))
        }
        Err(e) => {
            let code = crate::error::exit_code(e);
            eprintln!("fupin {name}: {}", crate::error::message(e));
            (code, None)
        }
    };
    let empty = Report::default();
    let report = report.unwrap_or(&empty);
    let args: Vec<String> = std::iter::once(name.to_string())
        .chain(args.iter().map(|s| s.to_string()))
        .collect();
    journal_line(ctx, name, &args, report, code);
    code
}

/// Append the command's line to `out/journal.jsonl` when DIR is a campaign.
pub fn journal_line(ctx: &Ctx, name: &str, args: &[String], report: &Report, code: i32) {
    if !ctx.path("campaign.toml").exists() {
        return;
    }
    let counts = Value::Object(report.json.clone());
    let entry = crate::io::journal::entry(
        name,
        args,
        &ctx.dir,
        crate::io::journal::Inputs {
            paths: &report.inputs,
            known: &report.hashed,
        },
        &report.outputs,
        code,
        &counts,
    );
    if let Err(e) = crate::io::journal::append(&ctx.out(), &entry) {
        eprintln!("fupin {name}: cannot write the journal: {e}");
    }
}

/// An exclusive lock on a campaign's `out/`, held until dropped (or the
/// process ends), so two fupin commands never write one campaign at once.
pub struct OutLock {
    _file: std::fs::File,
}

/// Take the lock of the campaign in `ctx`; a second command gets a clear
/// message instead of interleaved files.
pub fn lock(ctx: &Ctx) -> Result<OutLock> {
    let out = ctx.out();
    std::fs::create_dir_all(&out)
        .map_err(|e| config(format!("cannot create {}: {e}", out.display())))?;
    let path = out.join(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| config(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => {
            sweep_temporaries(&out);
            Ok(OutLock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => Err(config(format!(
            "another fupin command is writing to {} (out/.lock is held): wait for it to finish and try again",
            ctx.dir.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(config(format!("cannot lock {}: {e}", path.display()))),
    }
}

/// Remove the temporary files of commands that were killed while writing:
/// with the lock held, no living fupin owns one.
fn sweep_temporaries(out: &Path) {
    let dirs = [
        out.to_path_buf(),
        out.join("notices"),
        out.join("registration"),
    ];
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(".fupin-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// The files named on the command line (each must exist), or else every
/// sheet of the campaign's input `folder`, which must exist; the folder's
/// other files (a note, a photo of the signatures) are skipped, each with a
/// warning naming it.
pub fn named_or_folder(
    ctx: &Ctx,
    files: &[PathBuf],
    folder: &str,
    what: &str,
) -> Result<Vec<PathBuf>> {
    if !files.is_empty() {
        if let Some(f) = files.iter().find(|f| !f.is_file()) {
            return Err(usage(format!("{}: no such file", f.display())));
        }
        return Ok(files.to_vec());
    }
    let dir = ctx.path(folder);
    if !dir.is_dir() {
        return Err(config(format!(
            "{} has no {folder}/ folder: put {what} there, or name the files",
            ctx.dir.display()
        )));
    }
    folder_sheets(ctx, &dir)
}

/// The sheets of an input folder, each other file skipped with a warning
/// naming it (DESIGN 7: every file is used or named).
pub fn folder_sheets(ctx: &Ctx, dir: &Path) -> Result<Vec<PathBuf>> {
    let (sheets, others) = crate::io::folder::folder_contents(dir)?;
    for o in &others {
        ctx.say(format!(
            "warning: {}",
            crate::io::folder::not_a_sheet(&ctx.rel(o))
        ));
    }
    Ok(sheets)
}

pub use crate::io::folder::folder_files;
