//! `fupin import [FILES…] [--village V] [--encoding E]`: read application
//! sheets into `out/register.csv`, with the findings of every check.
//!
//! Example: `fupin -C mytown import` or
//! `fupin -C mytown import --village 双河村 ~/Downloads/双河村.xlsx`

use anyhow::Result;
use rayon::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};

use super::{config, findings, Ctx, Report};
use crate::domain::campaign_checks::Checked;
use crate::domain::checks::{CampaignChecks, Checker};
use crate::domain::columns::Col;
use crate::domain::finding::Finding;
use crate::domain::register::{Household, PersonRow, Streak};
use crate::io::application::{
    find_header, missing_columns, normalise_header, person_rows, village_of_sheet, HeaderMap, Place,
};
use crate::io::register;
use crate::io::sheet::{self, Encoding};
use crate::io::staleness::SETTINGS;

/// What one file gave: the checked households, not their rows (those are
/// already written, as `bytes`).
#[derive(Default)]
pub struct FileResult {
    /// Why the whole file was refused, if it was.
    pub problem: Option<Finding>,
    pub checked: Checked,
    /// The file's rows of the register, as CSV.
    pub bytes: Vec<u8>,
    /// SHA-256 of the file's bytes, when they were read here.
    pub sha256: Option<String>,
    /// The roster villages of its households, with how many each.
    pub villages: merge::Villages,
}

/// A file refused whole, with the message for the clerk.
fn refused(label: &str, msg: String) -> FileResult {
    let mut f = Finding::error("file_unreadable", msg);
    f.file = label.to_string();
    FileResult {
        problem: Some(f),
        ..Default::default()
    }
}

/// Add the unknown columns of some sheets to the register's extra columns,
/// in order of first appearance.
pub fn extra_columns(sheets: &[sheet::Sheet], extras: &mut Vec<String>) {
    for s in sheets {
        if let Some(m) = find_header(s) {
            for (_, label) in &m.extras {
                if !extras.contains(label) && !label.is_empty() {
                    extras.push(label.clone());
                }
            }
        }
    }
}

pub fn run(
    ctx: &Ctx,
    files: &[PathBuf],
    village: Option<&str>,
    enc: Option<Encoding>,
) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    if let Some(v) = village {
        if roster.find(v).is_none() {
            return Err(super::usage(format!(
                "--village {v}: no such village in villages.csv"
            )));
        }
    }
    let named = !files.is_empty();
    let files =
        super::named_or_folder(ctx, files, "applications", "the village application sheets")?;
    let names: Vec<String> = files.iter().map(|p| ctx.rel(p)).collect();
    let out = ctx.out();
    let register_path = out.join("register.csv");
    // Files named replace their villages in the register; the rest is kept.
    let mut merge = if named {
        merge::Merge::open(&register_path)?
    } else {
        None
    };

    // The register's extra columns, in order of first appearance (the kept
    // register's first).
    let mut heads: Vec<Option<(Vec<sheet::Sheet>, bool)>> =
        files.par_iter().map(|p| sheet::read_head(p, enc)).collect();
    let mut extras: Vec<String> = merge
        .as_ref()
        .map(|m| m.extras().to_vec())
        .unwrap_or_default();
    for (sheets, _) in heads.iter().flatten() {
        extra_columns(sheets, &mut extras);
    }
    // Whole files read in the first pass are not read again.
    let mut whole: Vec<Option<Vec<sheet::Sheet>>> = heads
        .iter_mut()
        .map(|h| match h.take() {
            Some((s, true)) => Some(s),
            _ => None,
        })
        .collect();

    let checker = Checker::new(&campaign, &roster, &extras);
    let mut global = CampaignChecks::new(&roster);
    // A CSV line of an application sheet holds about 120 bytes.
    let bytes: u64 = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    global.reserve((bytes / 120) as usize);
    let mut findings: Vec<Finding> = Vec::new();
    let mut problems: Vec<Finding> = Vec::new();
    let mut hashed = std::collections::HashMap::new();
    let (mut n_households, mut n_persons) = (0usize, 0usize);
    let mut merged: Option<merge::Merged> = None;
    let tmp = tempfile::Builder::new()
        .prefix(".fupin-")
        .tempfile_in(ensure(&out)?)?;
    let syncing = {
        // 790 MB for a million households: written to disk as it grows.
        let file = tmp.as_file().try_clone()?;
        let mut w = crate::io::atomic::SyncAhead::new(
            std::io::BufWriter::with_capacity(1 << 20, file),
            tmp.as_file(),
            64 << 20,
        );
        std::io::Write::write_all(&mut w, b"\xEF\xBB\xBF")?;
        let mut cw = csv::Writer::from_writer(&mut w);
        cw.write_record(register::header(&extras))?;
        cw.flush()?;
        drop(cw);
        // Files are read and checked on every core; the campaign-wide checks
        // and the register's bytes follow in the files' order.
        let jobs = files
            .iter()
            .zip(&names)
            .zip(whole.iter_mut().map(Option::take));
        let mut paths = files.iter();
        let mut labels = names.iter();
        let reading = Reading {
            enc,
            village,
            extras: &extras,
            checker: &checker,
        };
        crate::pipeline::ordered(
            rayon::current_num_threads(),
            jobs.map(Ok::<_, anyhow::Error>),
            |((p, label), cached)| reading.read_one(p, label, cached),
            |mut r| {
                let label = labels.next().map_or("", String::as_str);
                if let (Some(p), Some(sha)) = (paths.next(), r.sha256.take()) {
                    hashed.insert(p.clone(), sha);
                }
                if let Some(p) = r.problem.take() {
                    problems.push(p);
                    return Ok(());
                }
                n_persons += r.checked.persons;
                n_households += r.checked.n_households();
                if let Some(m) = merge.as_mut() {
                    m.hold(label, r);
                    return Ok(());
                }
                std::mem::take(&mut r.checked).into_campaign(&mut global, &mut findings, |_| {});
                std::io::Write::write_all(&mut w, &r.bytes)?;
                Ok(())
            },
        )?;
        // A refused file leaves the register as it is: nothing to merge.
        if let Some(m) = merge.take().filter(|_| problems.is_empty()) {
            merged = Some(m.write(&mut w, &checker, extras.len(), &mut global, &mut findings)?);
        }
        w.finish()?
    };
    // The register is complete: unless a file was refused it replaces the
    // old one (waiting for the disk) while the campaign-wide checks finish.
    let keep = problems.is_empty();
    let (global_findings, stored) = std::thread::scope(|scope| {
        let storing = scope.spawn(|| -> Result<bool> {
            drop(syncing.wait()?);
            if keep {
                crate::io::atomic::readable(tmp.path())?;
                tmp.as_file().sync_all()?;
                tmp.persist(&register_path).map_err(|e| e.error)?;
            }
            Ok(keep)
        });
        let found = global.finish(&roster);
        let stored = storing
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("writing the register stopped")));
        (found, stored)
    });
    findings.extend(global_findings);
    let stored = stored?;
    let mut report = Report {
        inputs: files.clone(),
        hashed,
        ..Default::default()
    };
    report.inputs.push(ctx.path("campaign.toml"));
    report.inputs.push(ctx.path("villages.csv"));
    if !problems.is_empty() {
        ctx.say(format!(
            "{} of {} files could not be read; the register was not written:",
            problems.len(),
            files.len()
        ));
        for p in &problems {
            ctx.say(format!(
                "  {}{}: {}",
                p.file,
                if p.row > 0 {
                    format!(" line {}", p.row)
                } else {
                    String::new()
                },
                p.message
            ));
        }
        findings.extend(problems);
    } else if stored {
        report.outputs.push(register_path);
    }
    if let Some(m) = &merged {
        carry_kept_inputs(ctx, m, &names, &mut report);
    } else if stored && !named {
        no_longer_read(ctx, &names);
    }
    let counts = findings::finish(ctx, &campaign, &mut findings, &mut report)?;
    if stored {
        ctx.say(format!(
            "imported {} files: {} persons in {} households",
            files.len(),
            n_persons,
            n_households
        ));
    }
    report.json.insert("files".into(), json!(names));
    match &merged {
        Some(m) => {
            for line in m.lines() {
                ctx.say(line);
            }
            ctx.say(format!(
                "the register holds {} persons in {} households",
                m.persons, m.households
            ));
            report.json.insert(
                "imported".into(),
                json!({"households": n_households, "persons": n_persons}),
            );
            report.json.insert("households".into(), json!(m.households));
            report.json.insert("persons".into(), json!(m.persons));
            if let serde_json::Value::Object(o) = m.json() {
                report.json.extend(o);
            }
        }
        None => {
            report.json.insert("households".into(), json!(n_households));
            report.json.insert("persons".into(), json!(n_persons));
        }
    }
    report.json.insert("findings".into(), counts);
    Ok(report)
}

/// Name the files the last import read that this one, reading the whole
/// folder, did not (a file named on the command line, a file since
/// removed): the register no longer holds their households.
fn no_longer_read(ctx: &Ctx, names: &[String]) {
    let mut gone: Vec<String> = merge::recorded_inputs(&ctx.out())
        .into_keys()
        .filter(|p| !names.contains(p) && !SETTINGS.contains(&p.as_str()))
        .collect();
    gone.sort();
    for p in gone {
        ctx.say(format!(
            "note: {p} was imported before and is not among the files read now: the register no longer holds its households (`fupin import {p}` imports it again)"
        ));
    }
}

/// The source files of the households kept are inputs of the register as
/// much as the files named: each is recorded with the digest the journal
/// holds of it from the import that gave the households, so that a change
/// of it makes the register stale. One that changed since is named: the
/// register holds the households it gave then.
fn carry_kept_inputs(ctx: &Ctx, m: &merge::Merged, named: &[String], report: &mut Report) {
    let recorded = merge::recorded_inputs(&ctx.out());
    for label in m.kept_files.iter().filter(|l| !named.contains(l)) {
        let Some(sha) = recorded.get(label) else {
            continue;
        };
        let path = ctx.dir.join(label);
        match crate::io::journal::sha256_file(&path) {
            Ok(now) if now == *sha => {
                report.hashed.insert(path.clone(), now);
                report.inputs.push(path);
            }
            Ok(_) => ctx.say(format!(
                "warning: {label} changed since it was imported: the register keeps the households it held then; import it again (`fupin import {label}`) to take the change"
            )),
            Err(_) => {}
        }
    }
}

fn ensure(dir: &Path) -> Result<&Path> {
    std::fs::create_dir_all(dir)
        .map_err(|e| config(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

/// What every file is read and checked with.
pub struct Reading<'a> {
    pub enc: Option<Encoding>,
    pub village: Option<&'a str>,
    pub extras: &'a [String],
    pub checker: &'a Checker<'a>,
}

impl Reading<'_> {
    fn read_one(&self, path: &Path, label: &str, cached: Option<Vec<sheet::Sheet>>) -> FileResult {
        let (village, extras, checker) = (self.village, self.extras, self.checker);
        if let Some(sheets) = cached {
            return check_sheets(label, sheets, village, extras, checker);
        }
        // The journal's digest is taken of the bytes imported.
        let read = sheet::file_bytes(path).and_then(|b| {
            let sha = Some(crate::io::journal::sha256_bytes(&b));
            if let Some(r) = self.check_csv_as_read(label, &b) {
                return Ok(FileResult { sha256: sha, ..r });
            }
            sheet::read_bytes(&b, self.enc).map(|s| FileResult {
                sha256: sha,
                ..check_sheets(label, s, village, extras, checker)
            })
        });
        read.unwrap_or_else(|e| refused(label, e))
    }

    /// Check a UTF-8 CSV file household by household as it is read, each
    /// household checked and written while its rows are at hand. `None`
    /// when the file is anything but plain: not UTF-8, no header, a
    /// required column missing, any row refused, or the rows of a
    /// household apart; then [`check_sheets`] reads it whole, with the
    /// same results.
    pub fn check_csv_as_read(&self, label: &str, bytes: &[u8]) -> Option<FileResult> {
        let (village, extras, checker) = (self.village, self.extras, self.checker);
        let mut records = sheet::utf8_records(bytes, self.enc)?;
        let mut head = sheet::Sheet {
            name: String::new(),
            rows: Vec::new(),
        };
        while head.rows.len() < sheet::HEADER_ROWS {
            match records.next_row().ok()? {
                Some(r) => head.rows.push(r),
                None => break,
            }
        }
        let map = find_header(&head)?;
        let village = sheet_village(checker, label, &head.name, &map, village);
        if !missing_columns(&map, village.is_some()).is_empty() {
            return None;
        }
        let slots = extra_slots(&map, extras);
        let place = Place::new(
            label,
            &head.name,
            &map,
            &slots,
            extras.len(),
            village.as_deref(),
        );
        let mut out = Vec::with_capacity(bytes.len() * 2);
        let mut checked = Checked::default();
        let mut streak = Streak::default();
        let mut writer = register::RowWriter::default();
        let mut villages = merge::Villages::new();
        let mut ready = |group: &mut [PersonRow]| {
            // The register holds the household now: its summary is not kept.
            checked.add(checker, group, &mut |g: &[PersonRow], hh: &Household| {
                writer.household(&mut out, g, hh.head, extras.len());
                merge::count(&mut villages, hh);
            });
        };
        for row in &head.rows[map.header_row + 1..] {
            if let Some(p) = place.person(row) {
                streak.push(p, &mut ready).ok()?;
            }
        }
        // Rows of households already written are filled again.
        while let Some(view) = records.next_view().ok()? {
            let mut p = streak.spare();
            if place.person_of(&view, &mut p) {
                streak.push(p, &mut ready).ok()?;
            }
        }
        streak.finish(&mut ready);
        Some(FileResult {
            checked,
            bytes: out,
            villages,
            ..Default::default()
        })
    }
}

/// The village a sheet's rows take when their 村 cells are empty: the one
/// given by `--village`, else, for a sheet without a 村 column, the roster
/// village its name or its file's name names.
fn sheet_village(
    checker: &Checker,
    label: &str,
    sheet: &str,
    map: &HeaderMap,
    given: Option<&str>,
) -> Option<String> {
    if let Some(v) = given {
        return Some(v.to_string());
    }
    if map.known[Col::Village.index()].is_some() {
        return None;
    }
    village_of_sheet(checker.roster, label, sheet).map(|v| v.name.clone())
}

/// The register position of each of a header's unknown columns.
fn extra_slots(map: &HeaderMap, extras: &[String]) -> Vec<usize> {
    map.extras
        .iter()
        .map(|(_, l)| {
            extras
                .iter()
                .position(|e| e == &normalise_header(l))
                .unwrap_or(usize::MAX)
        })
        .collect()
}

/// Check the sheets of one application file: find their headers, group the
/// persons into households, check each household and write its register
/// rows. The import, and the fuzz targets, go through here.
pub fn check_sheets(
    label: &str,
    sheets: Vec<sheet::Sheet>,
    village: Option<&str>,
    extras: &[String],
    checker: &Checker,
) -> FileResult {
    let problem = |msg: String| refused(label, msg);
    let mut rows: Vec<PersonRow> = Vec::new();
    let mut any_header = false;
    for s in &sheets {
        let Some(map) = find_header(s) else { continue };
        any_header = true;
        let village = sheet_village(checker, label, &s.name, &map, village);
        let missing = missing_columns(&map, village.is_some());
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|c| format!("{} ({})", c.zh(), c.en()))
                .collect();
            let mut p = problem(format!(
                "{}the header on row {} lacks the required column{} {}{}",
                if s.name.is_empty() {
                    String::new()
                } else {
                    format!("sheet {}: ", s.name)
                },
                s.rows[map.header_row].line,
                if names.len() > 1 { "s" } else { "" },
                names.join(", "),
                if missing.contains(&Col::Village) {
                    "; nor does the sheet's or the file's name name one village of villages.csv (as `fupin template` names files: <code>-<village>.xlsx): add the column, rename the file, or give --village"
                } else {
                    ""
                }
            ));
            if let Some(f) = p.problem.as_mut() {
                f.sheet = s.name.clone();
                f.row = s.rows[map.header_row].line;
            }
            return p;
        }
        let slots = extra_slots(&map, extras);
        let mut sheet_rows = person_rows(label, s, &map, &slots, extras.len(), village.as_deref());
        rows.append(&mut sheet_rows);
    }
    if !any_header {
        return problem(if sheets.iter().all(|s| s.rows.is_empty()) {
            "the file holds no rows".into()
        } else {
            "no header row: none of the first 10 rows of any sheet names the columns of the application sheet (村, 户编号, 姓名, 与户主关系, 身份证号, …)".into()
        });
    }
    let mut bytes = Vec::with_capacity(rows.len() * 240);
    let mut writer = register::RowWriter::default();
    let mut villages = merge::Villages::new();
    let mut checked = Checked::check(checker, rows, |group, hh| {
        writer.household(&mut bytes, group, hh.head, extras.len());
        merge::count(&mut villages, hh);
    });
    // The register holds them now: freed here, on the thread that made them.
    checked.households = Vec::new();
    FileResult {
        checked,
        bytes,
        villages,
        ..Default::default()
    }
}

mod merge;

#[cfg(test)]
mod tests;
