//! `fupin survey [FILES…]`: apply the household survey's result sheets
//! (default: every file in `survey/`) and write `out/survey.csv`, the
//! survey's word on each household, with `out/survey-findings.csv`.
//!
//! Example: `fupin -C mytown survey` or `fupin -C mytown survey 核查结果.xlsx`

use anyhow::Result;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::{usage, Ctx, Report};
use crate::domain::columns::Col;
use crate::domain::finding::{Finding, Severity, Source};
use crate::domain::key::HouseholdKey;
use crate::domain::list::{Code, SurveyVerdict};
use crate::domain::money::parse_money;
use crate::domain::roster::Roster;
use crate::domain::rules::natural_cmp;
use crate::domain::survey::{SurveyResult, Verdict};
use crate::io::lists::{self, SurveyLine};
use crate::io::register::RegisterReader;
use crate::io::table::{read_table, Field};
use crate::io::{findings as findings_io, sheet};

const FIELDS: [Field; 5] = [
    Field::required("村", "village"),
    Field::required("户编号", "household_id"),
    Field::optional("核实家庭年纯收入", "verified_net_income"),
    Field::required("核实结论", "verdict"),
    Field::optional("剔除原因", "reason"),
];

pub fn run(ctx: &Ctx, files: &[PathBuf]) -> Result<Report> {
    let _campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let register = ctx.out().join("register.csv");
    if !register.exists() {
        return Err(usage(
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

    // Households of the register, and whether the survey covered each.
    let mut known: BTreeMap<HouseholdKey, bool> = BTreeMap::new();
    let mut rdr = RegisterReader::open(&register)?;
    while let Some(rows) = rdr.next_file()? {
        for r in rows {
            let v = roster.find(if r.village_code.is_empty() {
                r.get(Col::Village)
            } else {
                &r.village_code
            });
            if let Some((_, v)) = v {
                known.insert(
                    HouseholdKey::new(v.code.as_str(), r.get(Col::HouseholdId)),
                    false,
                );
            }
        }
    }

    let mut findings = Vec::new();
    let mut results: HashMap<HouseholdKey, SurveyResult> = HashMap::new();
    let mut invalid: Vec<SurveyLine> = Vec::new();
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
    let name_of = |code: &str| {
        roster
            .find(code)
            .map(|v| v.1.name.clone())
            .unwrap_or_default()
    };
    for (key, seen) in &known {
        if !seen {
            findings.push(
                Finding::warning(
                    "survey_not_covered",
                    "the survey sheets do not cover this household: its declared values are kept",
                )
                .household(&name_of(&key.village_code), &key.household_id),
            );
        }
    }
    let mut lines: Vec<SurveyLine> = results
        .values()
        .map(|r| SurveyLine {
            key: HouseholdKey::new(r.village_code.as_str(), r.household_id.as_str()),
            village: name_of(&r.village_code),
            verdict: r.verdict.into(),
            verified_net_income: r.verified_net_income,
            reason: r.reason.clone(),
            source_file: r.src.file.to_string(),
            source_sheet: r.src.sheet.to_string(),
            source_row: r.src.row,
        })
        .chain(invalid)
        .collect();
    let order = |code: &str| {
        roster
            .villages
            .iter()
            .position(|v| v.code == code)
            .unwrap_or(usize::MAX)
    };
    lines.sort_by(|a, b| {
        order(&a.key.village_code)
            .cmp(&order(&b.key.village_code))
            .then_with(|| natural_cmp(&a.key.household_id, &b.key.household_id))
            .then_with(|| a.verdict.code().cmp(b.verdict.code()))
    });
    let out = ctx.out();
    let survey_csv = out.join("survey.csv");
    lists::write(&survey_csv, lines)?;
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
        report.errors = Some((errors, vec![out.join("survey-findings.csv")]));
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
    known: &mut BTreeMap<HouseholdKey, bool>,
    results: &mut HashMap<HouseholdKey, SurveyResult>,
    invalid: &mut Vec<SurveyLine>,
    findings: &mut Vec<Finding>,
    cells: &[String],
    src: Source,
) {
    let (village, hh, income, verdict, reason) =
        (&cells[0], &cells[1], &cells[2], &cells[3], &cells[4]);
    let Some((_, v)) = roster.find(village) else {
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
    let key = HouseholdKey::new(v.code.as_str(), hh.as_str());
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
        invalid.push(SurveyLine {
            key: key.clone(),
            village: v.name.clone(),
            verdict: SurveyVerdict::Invalid,
            verified_net_income: None,
            reason: msg,
            source_file: src.file.to_string(),
            source_sheet: src.sheet.to_string(),
            source_row: src.row,
        });
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
