//! A county run: every town of a folder in parallel, and the county
//! summary beside them.

use anyhow::Result;
use rayon::prelude::*;
use rust_xlsxwriter::Format;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::{run_town, Outcome};
use crate::cmd::{config, Ctx};
use crate::domain::campaign::Campaign;
use crate::domain::screen::Decision;
use crate::io::lists::{self, FinalLine, PrimaryLine};
use crate::io::xlsx::common;
use crate::io::{atomic, csvout};

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

/// One town's figures for the summary.
struct TownRow {
    name: String,
    villages: usize,
    population: u64,
    applicants: usize,
    admitted: usize,
    final_households: usize,
    final_persons: u64,
    status: String,
    detail: String,
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

fn incidence(persons: u64, population: u64) -> String {
    if population == 0 {
        String::new()
    } else {
        format!("{:.2}", persons as f64 * 100.0 / population as f64)
    }
}

const HEADER: [&str; 10] = [
    "town",
    "villages",
    "population",
    "applicants_households",
    "admitted_households",
    "final_households",
    "final_persons",
    "incidence_percent",
    "status",
    "detail",
];
const LABELS: [&str; 10] = [
    "乡镇",
    "村数",
    "人口",
    "申请户数",
    "初选纳入户数",
    "最终贫困户数",
    "最终贫困人口",
    "贫困发生率(%)",
    "状态",
    "说明",
];

/// `county-summary.csv` and `county-summary.xlsx` beside the towns.
pub fn write_summary(dir: &Path, outcomes: &[Outcome]) -> Result<Vec<PathBuf>> {
    let rows: Vec<TownRow> = outcomes.iter().map(town_row).collect();
    let cells = |r: &TownRow| -> Vec<String> {
        vec![
            r.name.clone(),
            r.villages.to_string(),
            r.population.to_string(),
            r.applicants.to_string(),
            r.admitted.to_string(),
            r.final_households.to_string(),
            r.final_persons.to_string(),
            incidence(r.final_persons, r.population),
            r.status.clone(),
            r.detail.clone(),
        ]
    };
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
        rows.iter().chain(std::iter::once(&total)).map(cells),
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
    let mut wb = common::new_workbook(year);
    let ws = wb.add_worksheet();
    ws.set_name("县汇总")?;
    let head = Format::new()
        .set_bold()
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap();
    let cell = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    ws.merge_range(
        0,
        0,
        0,
        9,
        &format!("{year}年贫困户识别县级汇总"),
        &Format::new().set_bold().set_font_size(16),
    )?;
    for (c, l) in LABELS.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *l, &head)?;
    }
    let mut widths: Vec<usize> = LABELS.iter().map(|l| common::display_width(l)).collect();
    for (i, r) in rows.iter().chain(std::iter::once(&total)).enumerate() {
        let row = i as u32 + 2;
        let mut c = cells(r);
        if i == rows.len() {
            c[0] = "合计".into();
        }
        for (j, v) in c.iter().enumerate() {
            widths[j] = widths[j].max(common::display_width(v));
            if (1..=7).contains(&j) && !v.is_empty() {
                ws.write_number_with_format(row, j as u16, v.parse::<f64>().unwrap_or(0.0), &cell)?;
            } else {
                ws.write_string_with_format(row, j as u16, v, &cell)?;
            }
        }
    }
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, (*w).clamp(6, 60) as f64 * 1.1 + 2.0)?;
    }
    ws.set_freeze_panes(2, 1)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_footer("&C第 &P 页 共 &N 页");
    ws.set_print_fit_to_pages(1, 0);
    atomic::write_via_path(&xlsx_path, |tmp| Ok(wb.save(tmp)?))?;
    Ok(vec![csv_path, xlsx_path])
}
