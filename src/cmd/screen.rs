//! `fupin screen [--provisional]`: the ranked primary list (初选名单),
//! `out/primary-list.csv` and the printable `out/primary-list.xlsx`.
//!
//! Example: `fupin -C mytown screen` or, while villages still correct their
//! sheets, `fupin -C mytown screen --provisional`

use anyhow::Result;
use serde_json::{json, Value};
use std::collections::HashMap;

use super::chain::{self, List};
use super::{config, Ctx, Report};
use crate::domain::campaign::Scope;
use crate::domain::finding::Severity;
use crate::domain::key::HouseholdKey;
use crate::domain::list::{IncomeBasis, ListStatus};
use crate::domain::register::Household;
use crate::domain::roster::Roster;
use crate::domain::screen::{screen, Decision, PrimaryList};
use crate::io::lists::{self, Base, PrimaryLine};
use crate::io::recheck::recheck;
use crate::io::{survey, xlsx};

pub fn run(ctx: &Ctx, provisional: bool) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let standard = campaign.current_standard().map_err(config)?;
    let mut report = Report::default();
    let register = chain::require(ctx, List::Register)?;
    report.inputs.extend([
        register.clone(),
        ctx.path("campaign.toml"),
        ctx.path("villages.csv"),
    ]);
    let mut households: Vec<Household> = Vec::new();
    let checked = recheck(&register, &campaign, &roster, |hh| households.push(hh))?;
    let findings = checked.findings;
    report
        .hashed
        .extend(checked.digest.map(|sha| (register.clone(), sha)));

    let survey_csv = ctx.out().join("survey.csv");
    let (survey_map, survey_invalid) = if survey_csv.exists() {
        chain::require(ctx, List::Survey)?;
        report.inputs.push(survey_csv.clone());
        survey::load(&survey_csv)?
    } else {
        (Default::default(), Vec::new())
    };
    let survey_errors =
        crate::io::findings::count_errors(&ctx.out().join("survey-findings.csv"))?.unwrap_or(0);

    // Households with an error finding or an invalid survey row, by their
    // key, with the first message. A finding names its village as the sheet
    // did (name or code): the roster gives the code; a village it does not
    // know keys by what was written, as its households do.
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let key_of = |village: &str, household: &str| {
        let code = roster
            .find(village)
            .map_or_else(|| village.to_string(), |(_, v)| v.code.clone());
        HouseholdKey::new(code, household)
    };
    let mut why: HashMap<HouseholdKey, String> = HashMap::new();
    for f in &errors {
        why.entry(key_of(&f.village, &f.household))
            .or_insert_with(|| f.message.clone());
    }
    for (key, msg) in &survey_invalid {
        why.entry(key.clone())
            .or_insert_with(|| format!("survey: {msg}"));
    }
    let mut invalid: HashMap<usize, String> = HashMap::new();
    if !why.is_empty() {
        for (i, hh) in households.iter().enumerate() {
            let key = match &hh.village {
                Some(_) => {
                    HouseholdKey::new(hh.village_code.to_string(), hh.household_id.to_string())
                }
                None => key_of(&hh.village_name, &hh.household_id),
            };
            if let Some(m) = why.get(&key) {
                invalid.insert(i, m.clone());
            }
        }
    }
    let n_errors = errors.len() + survey_errors;
    if n_errors > 0 && !provisional {
        ctx.say(format!(
            "{} error findings stand ({} in the register, {} in the survey); the primary list was not written, since an unranked invalid household would change who fits the quota:",
            n_errors,
            errors.len(),
            survey_errors
        ));
        for f in errors.iter().take(10) {
            ctx.say(format!("  {f}"));
        }
        ctx.say("see out/findings.xlsx and out/survey-findings.csv; correct the sheets and import again, or run `fupin screen --provisional` to see where things stand");
        report.exit = 1;
        let listed = [
            (errors.len(), "findings.xlsx"),
            (survey_errors, "survey-findings.csv"),
        ];
        let listed = listed.iter().filter(|l| l.0 > 0);
        report.errors = Some((n_errors, listed.map(|l| ctx.out().join(l.1)).collect()));
        report.json.insert("errors".into(), json!(n_errors));
        return Ok(report);
    }
    let provisional = provisional && n_errors > 0;
    let list = screen(
        &campaign,
        &roster,
        standard,
        households,
        &invalid,
        &survey_map,
    );

    let out = ctx.out();
    let csv_path = out.join("primary-list.csv");
    let xlsx_path = out.join("primary-list.xlsx");
    // The two files are written at the same time.
    let (csv, book) = rayon::join(
        || {
            lists::write(
                &csv_path,
                lines(&list, &roster, &campaign.scale.scope, provisional),
            )
        },
        || xlsx::primary::write_primary(&xlsx_path, &list, &roster, &campaign, provisional),
    );
    csv?;
    book?;
    report.outputs.extend([csv_path, xlsx_path]);

    let summary = summarise(&list, &roster, &campaign, provisional);
    for v in summary["villages"].as_array().into_iter().flatten() {
        ctx.say(format!(
            "{}: quota {} persons, {} applicant households, {} eligible, {} admitted ({} persons)",
            v["name"].as_str().unwrap_or(""),
            v["quota"],
            v["applicants_households"],
            v["eligible_households"],
            v["admitted_households"],
            v["admitted_persons"]
        ));
    }
    if provisional {
        ctx.say(format!("PROVISIONAL: {n_errors} error findings stand; the list is marked provisional throughout"));
    }
    if let Value::Object(m) = summary {
        report.json.extend(m);
    }
    Ok(report)
}

fn lines<'a>(
    list: &'a PrimaryList,
    roster: &'a Roster,
    scope: &'a Scope,
    provisional: bool,
) -> impl Iterator<Item = PrimaryLine> + 'a {
    list.lines.iter().map(move |l| {
        let h = &l.household;
        let pool = match (scope, list.pools.get(l.pool)) {
            (Scope::Town, Some(p)) => p.name.clone(),
            (Scope::Village, Some(_)) => h.village_code.to_string(),
            _ => String::new(),
        };
        let _ = roster;
        PrimaryLine {
            base: Base {
                key: HouseholdKey::new(h.village_code.to_string(), h.household_id.to_string()),
                village: h.village_name.to_string(),
                head_name: h.head_name.to_string(),
                size: h.size,
            },
            net_income: l.net_income,
            income_basis: l.net_income.map(|_| {
                if l.verified {
                    IncomeBasis::Verified
                } else {
                    IncomeBasis::Declared
                }
            }),
            per_capita_income: l.per_capita(),
            deprivations: h.deprivations.count().into(),
            deprivation_detail: h.deprivations.label(),
            rank: l.rank,
            decision: l.decision(),
            reason: l.reason.sentence(),
            cumulative_persons: l.cumulative_persons,
            quota: h.village.map(|_| l.quota),
            pool,
            list_status: if provisional {
                ListStatus::Provisional
            } else {
                ListStatus::Final
            },
        }
    })
}

/// The `--json` object of DESIGN 5.
pub fn summarise(
    list: &PrimaryList,
    roster: &Roster,
    campaign: &crate::domain::campaign::Campaign,
    provisional: bool,
) -> Value {
    let n = roster.villages.len();
    let (mut applicants, mut eligible, mut adm_h, mut adm_p) =
        (vec![0u64; n], vec![0u64; n], vec![0u64; n], vec![0u64; n]);
    for l in &list.lines {
        let Some(v) = l.household.village else {
            continue;
        };
        applicants[v] += 1;
        if l.rank.is_some() {
            eligible[v] += 1;
        }
        if l.decision() == Decision::Admitted {
            adm_h[v] += 1;
            adm_p[v] += l.household.size as u64;
        }
    }
    let town = campaign.scale.scope == Scope::Town;
    let villages: Vec<Value> = roster
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let pool = &list.pools[list.village_pool[i]];
            let mut o = json!({
                "code": v.code, "name": v.name, "key": v.key, "population": v.population,
                "quota": pool.quota, "applicants_households": applicants[i], "eligible_households": eligible[i],
                "admitted_households": adm_h[i], "admitted_persons": adm_p[i],
            });
            if town {
                o["pool"] = json!(pool.name);
                o["pool_quota"] = json!(pool.quota);
            }
            o
        })
        .collect();
    let s = &campaign.standard;
    let mut out = json!({
        "standard": {"base_amount": s.base_amount, "base_year": s.base_year, "year": campaign.campaign.year, "current": list.standard},
        "scope": if town { "town" } else { "village" },
        "policy": match campaign.scale.policy { crate::domain::campaign::Policy::Stop => "stop", _ => "skip" },
        "provisional": provisional,
        "villages": villages,
        "decisions": decision_counts(list),
    });
    if town {
        out["pools"] = json!(list.pools.iter().map(|p| json!({
            "pool": p.name, "population": p.population, "quota": p.quota,
            "admitted_households": p.admitted_households, "admitted_persons": p.admitted_persons,
        })).collect::<Vec<_>>());
    }
    out
}

fn decision_counts(list: &PrimaryList) -> Value {
    let mut m = serde_json::Map::new();
    for l in &list.lines {
        let e = m.entry(l.decision().en()).or_insert(json!(0));
        *e = json!(e.as_u64().unwrap_or(0) + 1);
    }
    Value::Object(m)
}
