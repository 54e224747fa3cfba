//! `fupin bind`: file and card (建档立卡, DESIGN 2.8). Binds the final list
//! into a registration workbook per village, `out/registration/<村名>.xlsx`
//! (cover, classified statistics, a form per household on its own page,
//! roster), and the town summary `out/town-summary.xlsx`.
//!
//! Example: `fupin -C mytown bind` once `fupin review --stage county` has
//! written `out/final-list.csv`.

use anyhow::Result;
use rayon::prelude::*;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::chain::{self, List, Round};
use super::{config, data, Ctx, Report};
use crate::domain::appraisal::Outcome as Appraisal;
use crate::domain::campaign::Campaign;
use crate::domain::columns::Col;
use crate::domain::key::HouseholdKey;
use crate::domain::register::PersonRow;
use crate::domain::review::Outcome as Reviewed;
use crate::domain::roster::Roster;
use crate::domain::screen::Decision;
use crate::domain::statistics::{HouseholdValues, MemberValues, Statistics};
use crate::io::lists::{AppraisedLine, FinalLine, PrimaryLine, ReviewLine};
use crate::io::xlsx::registration::{write_registration, FormHousehold, Member, VillageBook};
use crate::io::xlsx::summary::{write_summary, SummaryRow, TownSummary};

mod load;

pub fn run(ctx: &Ctx) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let standard = campaign.current_standard().map_err(config)?;
    let lang = campaign.output.lang;
    let [final_path, register_path, primary_path] =
        chain::require_all(ctx, [List::Final, List::Register, List::Primary])?;
    let mut report = Report::default();
    report.inputs.extend([
        ctx.path("campaign.toml"),
        ctx.path("villages.csv"),
        final_path.clone(),
        register_path.clone(),
        primary_path.clone(),
    ]);

    let finals: Vec<FinalLine> = load::list(&final_path)?;
    let primary_rows: Vec<PrimaryLine> = load::list(&primary_path)?;
    let primary: HashMap<&HouseholdKey, &PrimaryLine> =
        primary_rows.iter().map(|r| (&r.base.key, r)).collect();
    let wanted: HashSet<HouseholdKey> = finals.iter().map(|r| r.base.key.clone()).collect();
    if wanted.len() != finals.len() {
        return Err(data(
            "out/final-list.csv lists a household twice: run `fupin review --stage county` again",
        ));
    }
    let mut members = load::members(&register_path, &wanted)?;

    // The villages in roster order, then any the roster does not know.
    let mut order: Vec<(String, String)> = roster
        .villages
        .iter()
        .map(|v| (v.code.clone(), v.name.clone()))
        .collect();
    for r in &finals {
        if !order.iter().any(|(c, _)| *c == r.base.key.village_code) {
            order.push((r.base.key.village_code.clone(), r.base.village.clone()));
        }
    }
    let mut by_village: HashMap<&str, Vec<&FinalLine>> = HashMap::new();
    for r in &finals {
        by_village
            .entry(r.base.key.village_code.as_str())
            .or_default()
            .push(r);
    }

    let dates = load::announcement_ends(ctx, &mut report.inputs)?;
    let mut books: Vec<VillageBook> = Vec::new();
    for (code, name) in &order {
        let Some(rows) = by_village.get(code.as_str()) else {
            continue;
        };
        let mut book = VillageBook {
            county: campaign.campaign.county.trim().to_string(),
            town: campaign.campaign.town.trim().to_string(),
            village: name.clone(),
            village_code: code.clone(),
            year: campaign.campaign.year,
            standard,
            base_amount: campaign.standard.base_amount,
            base_year: campaign.standard.base_year,
            date: dates.get(code).or_else(|| dates.get("")).cloned(),
            ..Default::default()
        };
        for r in rows {
            let persons = members.remove(&r.base.key).unwrap_or_default();
            book.households.push(form_household(
                r,
                persons,
                primary.get(&r.base.key).copied(),
            )?);
        }
        for hh in &book.households {
            book.stats.add(&values(hh));
        }
        books.push(book);
    }

    // Write the villages' workbooks side by side.
    let dir = ctx.out().join("registration");
    let mut stems: HashSet<String> = HashSet::new();
    let paths: Vec<PathBuf> = books
        .iter()
        .map(|b| {
            let mut stem = load::file_stem(&b.village, &b.village_code);
            if !stems.insert(stem.to_lowercase()) {
                stem = format!("{stem}-{}", load::file_stem(&b.village_code, "village"));
                stems.insert(stem.to_lowercase());
            }
            dir.join(format!("{stem}.xlsx"))
        })
        .collect();
    let sheets: Vec<usize> = books
        .par_iter()
        .zip(paths.par_iter())
        .map(|(b, p)| write_registration(p, b, lang, b.households.len() > 200))
        .collect::<Result<_>>()?;
    remove_stale(ctx, &roster, &books, &paths, &dir);

    let summary = summarise(
        ctx,
        &campaign,
        &roster,
        standard,
        &books,
        &primary_rows,
        &mut report,
    )?;
    let summary_path = ctx.out().join("town-summary.xlsx");
    write_summary(&summary_path, &summary, lang)?;

    let mut villages = Vec::new();
    for ((b, p), n) in books.iter().zip(&paths).zip(&sheets) {
        ctx.say(format!(
            "{}: {} households, {} persons → {}",
            b.village,
            b.stats.households,
            b.stats.persons,
            ctx.rel(p)
        ));
        villages.push(json!({
            "code": b.village_code, "name": b.village, "households": b.stats.households,
            "persons": b.stats.persons, "forms": b.households.len(), "form_sheets": n,
            "file": ctx.rel(p),
        }));
    }
    let (hh, persons) = (summary.stats.households, summary.stats.persons);
    ctx.say(format!(
        "bound {} villages: {hh} households, {persons} persons; town summary → {}",
        books.len(),
        ctx.rel(&summary_path)
    ));
    report.outputs.extend(paths);
    report.outputs.push(summary_path);
    report.json.extend([
        ("villages_bound".into(), json!(books.len())),
        ("households".into(), json!(hh)),
        ("persons".into(), json!(persons)),
        ("forms".into(), json!(hh)),
        ("villages".into(), json!(villages)),
    ]);
    Ok(report)
}

/// The form of one household of the final list.
fn form_household(
    r: &FinalLine,
    persons: Vec<PersonRow>,
    primary: Option<&PrimaryLine>,
) -> Result<FormHousehold> {
    let who = format!(
        "household {} of {}",
        r.base.key.household_id, r.base.village
    );
    if persons.is_empty() {
        return Err(data(format!(
            "{who} is on out/final-list.csv but not in out/register.csv: the register changed after the list was made; run the stages again from `fupin screen`"
        )));
    }
    if persons.len() != r.base.size as usize {
        return Err(data(format!(
            "{who}: out/final-list.csv gives {} persons, out/register.csv lists {}: run the stages again from `fupin screen`",
            r.base.size,
            persons.len()
        )));
    }
    let Some(p) = primary else {
        return Err(data(format!(
            "{who} is on out/final-list.csv but not on out/primary-list.csv: run the stages again from `fupin screen`"
        )));
    };
    let head = persons
        .iter()
        .find(|p| load::is_head(p))
        .unwrap_or(&persons[0]);
    let per_capita = r
        .per_capita_income
        .or(p.per_capita_income)
        .or_else(|| p.net_income.map(|n| n.per_person(persons.len() as u32)));
    Ok(FormHousehold {
        household_id: r.base.key.household_id.clone(),
        head_name: head.get(Col::Name).to_string(),
        head_id: head.get(Col::IdNumber).to_string(),
        net_income: p.net_income,
        per_capita,
        basis: p.income_basis,
        housing: load::household_value(&persons, Col::Housing),
        main_cause: load::household_value(&persons, Col::MainCause),
        attribute: load::household_value(&persons, Col::Attribute),
        phone: load::household_value(&persons, Col::Phone),
        rank: r.rank,
        members: persons
            .iter()
            .map(|p| Member {
                name: p.get(Col::Name).to_string(),
                relation: p.get(Col::Relation).to_string(),
                id_number: p.get(Col::IdNumber).to_string(),
                sex: p.get(Col::Sex).to_string(),
                health: p.get(Col::Health).to_string(),
                schooling: p.get(Col::Schooling).to_string(),
                labour: p.get(Col::Labour).to_string(),
            })
            .collect(),
    })
}

fn values(hh: &FormHousehold) -> HouseholdValues<'_> {
    HouseholdValues {
        main_cause: &hh.main_cause,
        attribute: &hh.attribute,
        housing: &hh.housing,
        members: hh
            .members
            .iter()
            .map(|m| MemberValues {
                health: &m.health,
                labour: &m.labour,
            })
            .collect(),
    }
}

/// A roster village without final households keeps no workbook from an
/// earlier bind.
fn remove_stale(
    ctx: &Ctx,
    roster: &Roster,
    books: &[VillageBook],
    paths: &[PathBuf],
    dir: &std::path::Path,
) {
    for v in &roster.villages {
        if books.iter().any(|b| b.village_code == v.code) {
            continue;
        }
        let p = dir.join(format!("{}.xlsx", load::file_stem(&v.name, &v.code)));
        if p.exists() && !paths.contains(&p) && std::fs::remove_file(&p).is_ok() {
            ctx.say(format!(
                "{}: no household on the final list; removed the old {}",
                v.name,
                ctx.rel(&p)
            ));
        }
    }
}

fn summarise(
    ctx: &Ctx,
    campaign: &Campaign,
    roster: &Roster,
    standard: i64,
    books: &[VillageBook],
    primary_rows: &[PrimaryLine],
    report: &mut Report,
) -> Result<TownSummary> {
    let inputs = &mut report.inputs;
    let appraised = load::stage_counts(ctx, "appraised.csv", inputs, |l: AppraisedLine| {
        (l.outcome == Appraisal::Passed).then_some(l.base.key.village_code)
    })?;
    let mut reviews = Vec::new();
    for r in Round::ALL {
        reviews.push(load::stage_counts(
            ctx,
            List::Reviewed(r).file(),
            inputs,
            |l: ReviewLine| (l.outcome == Reviewed::Kept).then_some(l.base.key.village_code),
        )?);
    }
    let mut town = Statistics::new();
    for b in books {
        town.merge(&b.stats);
    }
    let mut by_village: HashMap<&str, Vec<&PrimaryLine>> = HashMap::new();
    for r in primary_rows {
        by_village
            .entry(r.base.key.village_code.as_str())
            .or_default()
            .push(r);
    }
    let bound: HashMap<&str, &VillageBook> =
        books.iter().map(|b| (b.village_code.as_str(), b)).collect();
    let rows = roster
        .villages
        .iter()
        .map(|v| {
            let mine = by_village.get(v.code.as_str()).into_iter().flatten();
            let mut row = SummaryRow {
                code: v.code.clone(),
                name: v.name.clone(),
                population: v.population,
                key: v.key,
                ..Default::default()
            };
            for r in mine {
                row.applicants += 1;
                if r.decision == Decision::Admitted {
                    row.admitted += 1;
                }
                if row.quota.is_none() {
                    row.quota = r.quota;
                    row.pool = r.pool.clone();
                }
            }
            let count = |m: &Option<HashMap<String, u64>>| {
                m.as_ref().map(|m| m.get(&v.code).copied().unwrap_or(0))
            };
            row.appraised = count(&appraised);
            for (slot, m) in row.reviews.iter_mut().zip(&reviews) {
                *slot = count(m);
            }
            if let Some(b) = bound.get(v.code.as_str()) {
                row.final_households = b.stats.households;
                row.final_persons = b.stats.persons;
            }
            row
        })
        .collect();
    Ok(TownSummary {
        county: campaign.campaign.county.trim().to_string(),
        town: campaign.campaign.town.trim().to_string(),
        year: campaign.campaign.year,
        standard,
        rows,
        stats: town,
    })
}
