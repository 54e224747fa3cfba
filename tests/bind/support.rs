//! The scenario of `tests/bind.rs`: the example town screened, the later
//! stage lists written by hand, and readers for the workbooks.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::harness::Town;
use calamine::{Data, Range, Reader, Xlsx};

use fupin::domain::codes;

pub const BASE: [&str; 5] = [
    "village_code",
    "village",
    "household_id",
    "head_name",
    "size",
];
/// The household removed at the county review.
pub const REMOVED: (&str, &str) = ("鹿泉村", "8");

pub fn csv_text(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    format!(
        "\u{feff}{}",
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    )
}

pub fn base(r: &HashMap<String, String>) -> Vec<String> {
    BASE.iter().map(|c| r[*c].clone()).collect()
}

/// The example town screened, with the later lists written by hand.
pub fn screened() -> Town {
    let t = Town::example();
    for c in ["import", "survey", "screen"] {
        t.ok(&[c], 0);
    }
    t
}

pub fn simulate_reviews(t: &Town) {
    let admitted: Vec<HashMap<String, String>> = t
        .csv("out/primary-list.csv")
        .into_iter()
        .filter(|r| r["decision"] == "admitted")
        .collect();
    let mut h = BASE.to_vec();
    h.extend([
        "rank",
        "per_capita_income",
        "present",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "outcome",
        "reason",
    ]);
    let rows: Vec<Vec<String>> = admitted
        .iter()
        .map(|r| {
            let mut v = base(r);
            v.extend([r["rank"].clone(), r["per_capita_income"].clone()]);
            v.extend(["40", "35", "3", "2", "passed", ""].map(String::from));
            v
        })
        .collect();
    t.write("out/appraised.csv", &csv_text(&h, &rows));
    for stage in ["village", "town", "county"] {
        let mut h = BASE.to_vec();
        h.extend(["rank", "per_capita_income", "outcome", "reason", "stage"]);
        let rows: Vec<Vec<String>> = admitted
            .iter()
            .map(|r| {
                let removed = stage == "county"
                    && (r["village"].as_str(), r["household_id"].as_str()) == REMOVED;
                let mut v = base(r);
                v.extend([
                    r["rank"].clone(),
                    r["per_capita_income"].clone(),
                    if removed { "removed" } else { "kept" }.into(),
                    if removed {
                        "举报核实：家有轿车"
                    } else {
                        ""
                    }
                    .into(),
                    stage.into(),
                ]);
                v
            })
            .collect();
        t.write(
            &format!("out/after-{stage}-review.csv"),
            &csv_text(&h, &rows),
        );
    }
    let mut schedule = vec![];
    for r in &admitted {
        if !schedule
            .iter()
            .any(|s: &Vec<String>| s[0] == r["village_code"])
        {
            schedule.push(vec![
                r["village_code"].clone(),
                r["village"].clone(),
                "county".into(),
                "2015-06-21".into(),
                "2015-06-25".into(),
            ]);
        }
    }
    t.write(
        "out/schedule.csv",
        &csv_text(
            &["village_code", "village", "stage", "start", "end"],
            &schedule,
        ),
    );
    write_final(t, &admitted);
}

pub fn write_final(t: &Town, admitted: &[HashMap<String, String>]) {
    let mut h = BASE.to_vec();
    h.extend(["rank", "per_capita_income"]);
    let rows: Vec<Vec<String>> = admitted
        .iter()
        .filter(|r| (r["village"].as_str(), r["household_id"].as_str()) != REMOVED)
        .map(|r| {
            let mut v = base(r);
            v.extend([r["rank"].clone(), r["per_capita_income"].clone()]);
            v
        })
        .collect();
    t.write("out/final-list.csv", &csv_text(&h, &rows));
}

pub fn ready() -> Town {
    let t = screened();
    simulate_reviews(&t);
    t
}

pub fn open(p: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn sheet(p: &Path, name: &str) -> Range<Data> {
    open(p).worksheet_range(name).unwrap()
}

pub fn cell(r: &Range<Data>, row: usize, col: usize) -> String {
    r.get((row, col)).map(|d| d.to_string()).unwrap_or_default()
}

pub fn num(r: &Range<Data>, row: usize, col: usize) -> u64 {
    match r.get((row, col)) {
        Some(Data::Float(f)) => *f as u64,
        Some(Data::Int(i)) => *i as u64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

/// The final households by village name: (household number, size).
pub fn finals(t: &Town) -> HashMap<String, Vec<(String, u64)>> {
    let mut m: HashMap<String, Vec<(String, u64)>> = HashMap::new();
    for r in t.csv("out/final-list.csv") {
        m.entry(r["village"].clone())
            .or_default()
            .push((r["household_id"].clone(), r["size"].parse().unwrap()));
    }
    m
}

pub fn workbook(t: &Town, village: &str) -> PathBuf {
    t.path().join(format!("out/registration/{village}.xlsx"))
}

/// A table of a statistics sheet: its title and its rows of (label,
/// numbers), the total last.
pub type StatTable = (String, Vec<(String, Vec<u64>)>);

/// Every table of a statistics sheet.
pub fn read_tables(r: &Range<Data>) -> Vec<StatTable> {
    let mut out = Vec::new();
    for col in [0usize, 6] {
        let mut row = 0;
        while row < r.height() {
            let title = cell(r, row, col);
            if !title.contains('、') {
                row += 1;
                continue;
            }
            let n_cols = if title.contains("户数") { 4 } else { 2 };
            let mut rows = Vec::new();
            row += 2;
            loop {
                let label = cell(r, row, col);
                let nums: Vec<u64> = (0..n_cols)
                    .step_by(2)
                    .map(|i| num(r, row, col + 1 + i))
                    .collect();
                rows.push((label.clone(), nums));
                row += 1;
                if label == "合计" {
                    break;
                }
            }
            out.push((title, rows));
        }
    }
    out
}

/// Register values of the final households of a village: the main cause
/// (Chinese label, or 未填) of each household and the health of each person.
pub fn register_values(t: &Town, village: &str) -> (Vec<String>, Vec<String>) {
    let wanted: HashSet<String> = finals(t)[village].iter().map(|(h, _)| h.clone()).collect();
    let mut cause: HashMap<String, String> = HashMap::new();
    let mut health = Vec::new();
    let zh = |list, v: &str| {
        if v.trim().is_empty() {
            "未填".to_string()
        } else {
            codes::lookup(list, v)
                .map(|c| c.zh)
                .unwrap_or(v)
                .to_string()
        }
    };
    for r in t.csv("out/register.csv") {
        if r["village"] != village || !wanted.contains(&r["household_id"]) {
            continue;
        }
        health.push(zh(codes::HEALTH, &r["health"]));
        let c = cause.entry(r["household_id"].clone()).or_default();
        if c.is_empty() && !r["main_cause"].is_empty() {
            *c = zh(codes::MAIN_CAUSE, &r["main_cause"]);
        }
    }
    let causes = wanted
        .iter()
        .map(|h| match cause.get(h).map(String::as_str) {
            None | Some("") => "未填".to_string(),
            Some(c) => c.to_string(),
        })
        .collect();
    (causes, health)
}

pub fn zip_entry(p: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The `id` of every `<brk>` of a sheet's XML.
pub fn breaks(xml: &str) -> Vec<usize> {
    xml.split("<brk id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}
