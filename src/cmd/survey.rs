//! `fupin survey [FILES…]`: apply the household survey's result sheets
//! (default: every file in `survey/`) and write `out/survey.csv`, the
//! survey's word on each household, with `out/survey-findings.csv`.
//!
//! Example: `fupin -C mytown survey` or `fupin -C mytown survey 核查结果.xlsx`

use anyhow::Result;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::{data, Ctx, Report};
use crate::domain::columns::Col;
use crate::domain::finding::{Finding, Severity, Source};
use crate::domain::money::parse_money;
use crate::domain::roster::Roster;
use crate::domain::rules::natural_cmp;
use crate::domain::survey::{SurveyResult, Verdict};
use crate::io::register::RegisterReader;
use crate::io::table::{read_table, Field};
use crate::io::{csvout, findings as findings_io, sheet};

const FIELDS: [Field; 5] = [
    Field::required("村", "village"),
    Field::required("户编号", "household_id"),
    Field::optional("核实家庭年纯收入", "verified_net_income"),
    Field::required("核实结论", "verdict"),
    Field::optional("剔除原因", "reason"),
];

pub const HEADER: [&str; 9] = [
    "village_code",
    "village",
    "household_id",
    "verdict",
    "verified_net_income",
    "reason",
    "source_file",
    "source_sheet",
    "source_row",
];

pub fn run(ctx: &Ctx, files: &[PathBuf]) -> Result<Report> {
    let _campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let register = ctx.out().join("register.csv");
    if !register.exists() {
        return Err(data(
            "out/register.csv does not exist yet: run `fupin import` first",
        ));
    }
    let files = super::named_or_folder(ctx, files, "survey", "the survey result sheets")?;
    let mut report = Report {
        inputs: files.clone(),
        ..Default::default()
    };
    report
        .inputs
        .extend([register.clone(), ctx.path("villages.csv")]);

    // Households of the register, by (village code, household number).
    let mut known: BTreeMap<(usize, String), bool> = BTreeMap::new();
    let mut rdr = RegisterReader::open(&register)?;
    while let Some(rows) = rdr.next_file()? {
        for r in rows {
            let v = roster.find(if r.village_code.is_empty() {
                r.get(Col::Village)
            } else {
                &r.village_code
            });
            if let Some((i, _)) = v {
                known.insert((i, r.get(Col::HouseholdId).to_string()), false);
            }
        }
    }

    let mut findings = Vec::new();
    let mut results: HashMap<(usize, String), SurveyResult> = HashMap::new();
    let mut invalid: Vec<(usize, String, String, Source)> = Vec::new();
    for path in &files {
        let label = ctx.rel(path);
        let sheets = match sheet::read_file(path, None) {
            Ok(s) => s,
            Err(e) => {
                findings.push(file_finding(&label, "", e));
                continue;
            }
        };
        let mut any = false;
        for s in &sheets {
            let rows = match read_table(s, &FIELDS) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(e) => {
                    findings.push(file_finding(&label, &s.name, e));
                    any = true;
                    continue;
                }
            };
            any = true;
            for row in rows {
                let src = Source {
                    file: label.as_str().into(),
                    sheet: s.name.as_str().into(),
                    row: row.line,
                };
                apply_row(
                    &roster,
                    &mut known,
                    &mut results,
                    &mut invalid,
                    &mut findings,
                    &row.cells,
                    src,
                );
            }
        }
        if !any {
            findings.push(file_finding(
                &label,
                "",
                "no survey table: a header row with 村, 户编号 and 核实结论 was not found".into(),
            ));
        }
    }
    for ((v, hh), seen) in &known {
        if !seen {
            findings.push(
                Finding::warning(
                    "survey_not_covered",
                    "the survey sheets do not cover this household: its declared values are kept",
                )
                .household(&roster.villages[*v].name, hh),
            );
        }
    }
    let mut lines: Vec<Vec<String>> = results
        .values()
        .map(|r| {
            vec![
                r.village_code.clone(),
                roster
                    .find(&r.village_code)
                    .map(|v| v.1.name.clone())
                    .unwrap_or_default(),
                r.household_id.clone(),
                r.verdict.en().into(),
                r.verified_net_income.map(|f| f.plain()).unwrap_or_default(),
                r.reason.clone(),
                r.src.file.to_string(),
                r.src.sheet.to_string(),
                r.src.row.to_string(),
            ]
        })
        .chain(invalid.iter().map(|(v, hh, msg, src)| {
            let village = &roster.villages[*v];
            vec![
                village.code.clone(),
                village.name.clone(),
                hh.clone(),
                "invalid".into(),
                String::new(),
                msg.clone(),
                src.file.to_string(),
                src.sheet.to_string(),
                src.row.to_string(),
            ]
        }))
        .collect();
    let order = |code: &str| {
        roster
            .villages
            .iter()
            .position(|v| v.code == code)
            .unwrap_or(usize::MAX)
    };
    lines.sort_by(|a, b| {
        order(&a[0])
            .cmp(&order(&b[0]))
            .then_with(|| natural_cmp(&a[2], &b[2]))
            .then_with(|| a[3].cmp(&b[3]))
    });
    let out = ctx.out();
    let survey_csv = out.join("survey.csv");
    csvout::write_csv(&survey_csv, &HEADER, lines)?;
    findings_io::sort(&mut findings);
    let findings_csv = out.join("survey-findings.csv");
    findings_io::write_csv(&findings_csv, &findings)?;
    report.outputs.extend([survey_csv, findings_csv]);

    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let eliminated = results
        .values()
        .filter(|r| r.verdict == Verdict::Eliminate)
        .count();
    let verified = results
        .values()
        .filter(|r| r.verified_net_income.is_some())
        .count();
    let uncovered = findings
        .iter()
        .filter(|f| f.kind == "survey_not_covered")
        .count();
    ctx.say(format!(
        "survey: {} households surveyed, {verified} with a verified income, {eliminated} eliminated; {uncovered} not covered; {errors} errors",
        results.len()
    ));
    for f in findings.iter().filter(|f| f.is_error()).take(10) {
        ctx.say(format!("  {f}"));
    }
    if errors > 0 {
        report.exit = 1;
        ctx.say("the errors are listed in out/survey-findings.csv: correct the survey sheets and run `fupin survey` again");
    }
    report.json.insert("surveyed".into(), json!(results.len()));
    report.json.insert("verified".into(), json!(verified));
    report.json.insert("eliminated".into(), json!(eliminated));
    report.json.insert("not_covered".into(), json!(uncovered));
    report.json.insert("errors".into(), json!(errors));
    Ok(report)
}

fn file_finding(file: &str, sheet: &str, msg: String) -> Finding {
    let mut f = Finding::error("file_unreadable", msg);
    f.file = file.to_string();
    f.sheet = sheet.to_string();
    f
}

fn apply_row(
    roster: &Roster,
    known: &mut BTreeMap<(usize, String), bool>,
    results: &mut HashMap<(usize, String), SurveyResult>,
    invalid: &mut Vec<(usize, String, String, Source)>,
    findings: &mut Vec<Finding>,
    cells: &[String],
    src: Source,
) {
    let (village, hh, income, verdict, reason) =
        (&cells[0], &cells[1], &cells[2], &cells[3], &cells[4]);
    let Some((vi, v)) = roster.find(village) else {
        findings.push(
            Finding::error(
                "survey_unknown_household",
                format!("village {village:?} is not in the roster"),
            )
            .at(&src)
            .column("村")
            .household(village, hh),
        );
        return;
    };
    let key = (vi, hh.clone());
    let Some(seen) = known.get_mut(&key) else {
        findings.push(
            Finding::error(
                "survey_unknown_household",
                format!("household {hh} of {} is not in the register", v.name),
            )
            .at(&src)
            .column("户编号")
            .household(&v.name, hh),
        );
        return;
    };
    *seen = true;
    let mut bad = |kind: &'static str, col: &str, msg: String| {
        findings.push(
            Finding::error(kind, msg.clone())
                .at(&src)
                .column(col)
                .household(&v.name, hh),
        );
        invalid.push((vi, hh.clone(), msg, src.clone()));
    };
    let Some(verdict) = Verdict::parse(verdict) else {
        bad(
            "survey_verdict",
            "核实结论",
            format!("verdict {verdict:?} is neither 通过 (pass) nor 剔除 (eliminate)"),
        );
        return;
    };
    let verified = if income.is_empty() {
        None
    } else {
        match parse_money(income) {
            Ok(m) => Some(m),
            Err(_) => {
                bad(
                    "survey_value",
                    "核实家庭年纯收入",
                    format!("verified income {income:?} is not a number"),
                );
                return;
            }
        }
    };
    let r = SurveyResult {
        village_code: v.code.clone(),
        household_id: hh.clone(),
        verdict,
        verified_net_income: verified,
        reason: reason.clone(),
        src: src.clone(),
    };
    if let Some(prev) = results.get(&key) {
        if (prev.verdict, prev.verified_net_income) != (r.verdict, r.verified_net_income) {
            bad(
                "survey_value",
                "户编号",
                format!(
                    "household {hh} is surveyed twice with different results (also {} row {})",
                    prev.src.file, prev.src.row
                ),
            );
        }
        return;
    }
    results.insert(key, r);
}
