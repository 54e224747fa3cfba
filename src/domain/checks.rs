//! The data checks of DESIGN 2.10 ("村不漏户、户不漏人、表不漏项、项不出错").
//! `Checker::household` checks one household's rows; `CampaignChecks` holds
//! what must be seen across the whole campaign (duplicate ID numbers and
//! households, villages with no applications).

use chrono::NaiveDate;
use std::collections::HashMap;

use super::campaign::Campaign;
use super::codes::{self, Code};
use super::columns::{Col, Level, COLUMNS, N_COLS};
use super::finding::Finding;
use super::idnum::{self, Sex};
use super::money::{parse_exact, Exact, Fen};
use super::register::{Cell, Deprivations, Household, PersonRow};
use super::roster::Roster;
use super::text::normal;

pub use super::campaign_checks::CampaignChecks;

/// Where a configured exclusion flag is found in a row.
#[derive(Clone, Debug)]
pub enum FlagRef {
    Known(Col),
    Extra(usize),
    /// No sheet has the column: the flag is never yes.
    Absent,
}

pub struct Checker<'a> {
    pub roster: &'a Roster,
    /// Birth dates after this day are not real.
    pub last_day: NaiveDate,
    /// The day ages are taken on for the schooling checks.
    pub school_day: NaiveDate,
    pub flags: Vec<(String, FlagRef)>,
    /// Roster villages by code and by name.
    villages: HashMap<String, usize>,
    /// The code list of each coded column.
    lists: [Option<codes::Lookup>; N_COLS],
}

impl<'a> Checker<'a> {
    /// A checker for a campaign whose register has these extra columns.
    pub fn new(campaign: &Campaign, roster: &'a Roster, extras: &[String]) -> Checker<'a> {
        let year = campaign.campaign.year;
        let flags = campaign
            .exclusions
            .flags
            .iter()
            .map(|name| {
                let r = match Col::from_label(name.trim()) {
                    Some(c) => FlagRef::Known(c),
                    None => match extras.iter().position(|e| e == name.trim()) {
                        Some(i) => FlagRef::Extra(i),
                        None => FlagRef::Absent,
                    },
                };
                (name.clone(), r)
            })
            .collect();
        Checker {
            roster,
            last_day: NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
            school_day: NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or_default(),
            flags,
            villages: roster
                .villages
                .iter()
                .enumerate()
                .flat_map(|(i, v)| [(normal(&v.name).into(), i), (normal(&v.code).into(), i)])
                .collect(),
            lists: {
                let mut lists = [None; N_COLS];
                for spec in COLUMNS {
                    lists[spec.col.index()] = codes::list_for(spec.col).map(codes::Lookup::of);
                }
                lists
            },
        }
    }

    /// Check one household's rows (already grouped), resolving villages,
    /// converting legacy ID numbers and recording valid ones' keys. Returns
    /// the household and its findings.
    pub fn household(&self, rows: &mut [PersonRow]) -> (Household, Vec<Finding>) {
        let mut f: Vec<Finding> = Vec::new();
        let mut hh = Household {
            household_id: normal(rows[0].get(Col::HouseholdId)).as_ref().into(),
            size: rows.len() as u32,
            ..Default::default()
        };
        self.resolve_village(rows, &mut hh, &mut f);
        let ctx = (hh.village_name.clone(), hh.household_id.clone());
        let at = |kind: Finding, row: &PersonRow, col: Col| {
            kind.at(&row.src).column(col.zh()).household(&ctx.0, &ctx.1)
        };

        let mut coded: Vec<Coded> = Vec::with_capacity(rows.len());
        let mut sexes: Vec<Option<Sex>> = Vec::with_capacity(rows.len());
        let mut ages: Vec<Option<i32>> = Vec::with_capacity(rows.len());
        for row in rows.iter_mut() {
            for spec in COLUMNS
                .iter()
                .filter(|s| s.required && s.col != Col::Village)
            {
                if !row.has(spec.col) {
                    f.push(at(
                        Finding::error(
                            "required_empty",
                            format!("{} ({}) is empty", spec.zh, spec.en),
                        ),
                        row,
                        spec.col,
                    ));
                }
            }
            let mut found: Coded = [None; N_COLS];
            for spec in COLUMNS {
                let Some(list) = &self.lists[spec.col.index()] else {
                    continue;
                };
                if !row.has(spec.col) {
                    continue;
                }
                let v = row.get(spec.col);
                found[spec.col.index()] = list.get(v);
                if found[spec.col.index()].is_none() {
                    f.push(at(
                        Finding::error(
                            "code_value",
                            format!(
                                "{} {v:?} is not one of the accepted values: {}",
                                spec.zh,
                                codes::accepted(list.list())
                            ),
                        ),
                        row,
                        spec.col,
                    ));
                }
            }
            let id = self.check_id(row, &mut f, &ctx);
            let sex = id.as_ref().map(|i| i.sex());
            if let (Some(s), Some(code)) = (sex, found[Col::Sex.index()]) {
                if sex_en(s) != code.en {
                    f.push(at(
                        Finding::warning(
                            "sex_mismatch",
                            format!(
                                "sex {} disagrees with the ID number, which gives {}",
                                row.get(Col::Sex),
                                sex_zh(s)
                            ),
                        ),
                        row,
                        Col::Sex,
                    ));
                }
            }
            coded.push(found);
            sexes.push(sex);
            ages.push(id.as_ref().map(|i| i.age_on(self.school_day)));
        }

        let heads: Vec<usize> = (0..rows.len())
            .filter(|&i| en(&coded[i], Col::Relation) == Some("head"))
            .collect();
        match heads.len() {
            1 => hh.head_name = rows[heads[0]].get(Col::Name).into(),
            0 => f.push(at(
                Finding::error(
                    "no_head",
                    format!(
                        "household {} has no head (户主) among its {} persons",
                        hh.household_id,
                        rows.len()
                    ),
                ),
                &rows[0],
                Col::Relation,
            )),
            n => {
                hh.head_name = rows[heads[0]].get(Col::Name).into();
                let lines: Vec<String> =
                    heads.iter().map(|&i| rows[i].src.row.to_string()).collect();
                f.push(at(
                    Finding::error(
                        "two_heads",
                        format!(
                            "household {} has {n} heads (户主), on rows {}",
                            hh.household_id,
                            lines.join(", ")
                        ),
                    ),
                    &rows[heads[1]],
                    Col::Relation,
                ));
            }
        }
        let head = heads.first().copied().unwrap_or(0);
        hh.head = head;
        self.household_cells(rows, head, &mut f, &ctx);
        self.size_and_income(rows, head, &mut hh, &mut f, &ctx);
        self.plausibility(rows, head, &coded, &sexes, &ages, &mut f, &ctx);
        hh.deprivations = deprivations(&coded);
        hh.flags = self.flags_of(rows, &coded);
        hh.error = f.iter().find(|x| x.is_error()).map(|x| x.message.clone());
        (hh, f)
    }

    fn resolve_village(&self, rows: &mut [PersonRow], hh: &mut Household, f: &mut Vec<Finding>) {
        let cell: Cell = rows[0].get(Col::Village).into();
        let key = if rows[0].village_code.is_empty() {
            normal(&cell)
        } else {
            normal(rows[0].village_code.as_str())
        };
        let found = self
            .villages
            .get(key.as_ref())
            .map(|&i| (i, &self.roster.villages[i]));
        match found {
            Some((i, v)) => {
                hh.village = Some(i);
                hh.village_code = v.code.as_str().into();
                hh.village_name = v.name.as_str().into();
                for r in rows.iter_mut() {
                    r.village_code = v.code.as_str().into();
                }
            }
            None => {
                hh.village_name = cell.clone();
                let fnd = if cell.is_empty() {
                    Finding::error(
                        "required_empty",
                        "村 (village) is empty and the file was not imported with --village",
                    )
                } else {
                    Finding::error(
                        "village_unknown",
                        format!("village {cell:?} is not in the roster (villages.csv)"),
                    )
                };
                f.push(
                    fnd.at(&rows[0].src)
                        .column(Col::Village.zh())
                        .household(&cell, &hh.household_id),
                );
            }
        }
    }

    fn check_id(
        &self,
        row: &mut PersonRow,
        f: &mut Vec<Finding>,
        ctx: &(Cell, Cell),
    ) -> Option<idnum::IdNumber> {
        let cell = Cell::from(row.get(Col::IdNumber));
        if cell.is_empty() {
            return None;
        }
        let loc = |x: Finding| {
            x.at(&row.src)
                .column(Col::IdNumber.zh())
                .household(&ctx.0, &ctx.1)
        };
        match idnum::parse(&cell, self.last_day) {
            Ok(p) => {
                let written = if p.converted_from_15 {
                    cell.as_str().into()
                } else {
                    row.id_as_written.clone()
                };
                if written.len() == 15 {
                    f.push(loc(Finding::warning(
                        "id_converted",
                        format!(
                            "15-digit ID number {written} was converted to {}",
                            p.id.as_str()
                        ),
                    )));
                    row.id_as_written = written;
                }
                if row.get(Col::IdNumber) != p.id.as_str() {
                    row.set(Col::IdNumber, p.id.as_str());
                }
                row.id_key = p.id.key();
                Some(p.id)
            }
            Err(e) => {
                let kind = match e {
                    idnum::IdError::Shape => "id_shape",
                    idnum::IdError::BirthDate => "id_birth_date",
                    idnum::IdError::CheckDigit { .. } => "id_check_digit",
                    idnum::IdError::Placeholder => "id_placeholder",
                    idnum::IdError::StoredAsNumber => "id_stored_as_number",
                };
                f.push(loc(Finding::error(
                    kind,
                    format!("{}: {cell}", e.message()),
                )));
                None
            }
        }
    }

    /// Household-level cells belong on the head's row; other rows leave them
    /// blank or repeat the same value.
    fn household_cells(
        &self,
        rows: &[PersonRow],
        head: usize,
        f: &mut Vec<Finding>,
        ctx: &(Cell, Cell),
    ) {
        for spec in COLUMNS.iter().filter(|s| s.level == Level::Household) {
            let vr = value_row(rows, head, spec.col);
            let value = vr.get(spec.col);
            if value.is_empty() {
                continue;
            }
            let mut canon: Option<String> = None;
            // The row that holds the value agrees with itself.
            for row in rows.iter().filter(|r| !std::ptr::eq(*r, vr)) {
                let v = row.get(spec.col);
                if !v.is_empty()
                    && v != value
                    && canonical(spec.col, v)
                        != *canon.get_or_insert_with(|| canonical(spec.col, value))
                {
                    f.push(Finding::error("household_cells_disagree", format!(
                        "{} is {v:?} here but {value:?} on row {}: a household has one value", spec.zh, vr.src.row))
                        .at(&row.src).column(spec.zh).household(&ctx.0, &ctx.1));
                }
            }
        }
    }

    fn size_and_income(
        &self,
        rows: &[PersonRow],
        head: usize,
        hh: &mut Household,
        f: &mut Vec<Finding>,
        ctx: &(Cell, Cell),
    ) {
        let at = |col: Col| value_row(rows, head, col);
        let loc = |x: Finding, col: Col| {
            x.at(&at(col).src)
                .column(col.zh())
                .household(&ctx.0, &ctx.1)
        };
        let stated = at(Col::HouseholdSize).get(Col::HouseholdSize);
        if !stated.is_empty() {
            match super::text::fold_width(stated).trim().parse::<u32>() {
                Ok(n) if n == hh.size => {}
                _ => f.push(loc(
                    Finding::error(
                        "size_mismatch",
                        format!(
                            "家庭人口 says {stated} but the sheet lists {} persons",
                            hh.size
                        ),
                    ),
                    Col::HouseholdSize,
                )),
            }
        }
        // Exact, not rounded to the fen: a per-capita income of 3321.995 is
        // below 3,322 (DESIGN 7).
        let read = |col: Col, f: &mut Vec<Finding>| -> Option<Exact> {
            let v = at(col).get(col);
            if v.is_empty() {
                return None;
            }
            match parse_exact(v) {
                Ok(m) => Some(m),
                Err(_) => {
                    f.push(loc(Finding::error("income_not_number", format!(
                        "{} {v:?} is not a number (write e.g. 3200, 3,200, 3200.50 or 3200元)", col.zh())), col));
                    None
                }
            }
        };
        let net_blank = at(Col::NetIncome).get(Col::NetIncome).is_empty();
        let pc_blank = at(Col::PerCapitaIncome)
            .get(Col::PerCapitaIncome)
            .is_empty();
        let net = read(Col::NetIncome, f);
        let pc = read(Col::PerCapitaIncome, f);
        if net_blank && pc_blank {
            f.push(loc(
                Finding::error(
                    "income_missing",
                    "neither 家庭年纯收入 (net income) nor 人均纯收入 (per-capita income) is given",
                ),
                Col::NetIncome,
            ));
        }
        let basis = match (net, pc) {
            (Some(n), Some(p)) => {
                let product = p.times(hh.size);
                let diff = n.units().saturating_sub(product.units()).saturating_abs();
                if diff > Exact::from(Fen::from_yuan(1)).times(hh.size).units() {
                    f.push(loc(Finding::error("income_disagree", format!(
                        "net income {} and per-capita income {} × {} persons = {} differ by more than 1 yuan per person",
                        n.fen().grouped(), p.fen().grouped(), hh.size, product.fen().grouped())), Col::PerCapitaIncome));
                }
                Some(n)
            }
            (Some(n), None) if pc_blank => Some(n),
            (None, Some(p)) if net_blank => Some(p.times(hh.size)),
            _ => None,
        };
        if let Some(b) = basis {
            if b.is_negative() {
                f.push(loc(
                    Finding::warning(
                        "income_negative",
                        format!("net income is negative ({})", b.fen().grouped()),
                    ),
                    Col::NetIncome,
                ));
            }
        }
        hh.net_income = basis;
    }

    #[allow(clippy::too_many_arguments)]
    fn plausibility(
        &self,
        rows: &[PersonRow],
        head: usize,
        coded: &[Coded],
        sexes: &[Option<Sex>],
        ages: &[Option<i32>],
        f: &mut Vec<Finding>,
        ctx: &(Cell, Cell),
    ) {
        let head_sex = sexes.get(head).copied().flatten();
        for (i, row) in rows.iter().enumerate() {
            let loc =
                |x: Finding, col: Col| x.at(&row.src).column(col.zh()).household(&ctx.0, &ctx.1);
            let rel = row.get(Col::Relation);
            if let (Some(implied), Some(actual)) = (codes::relation_sex(rel), sexes[i]) {
                if implied != actual {
                    f.push(loc(
                        Finding::warning(
                            "relation_sex",
                            format!(
                                "relation {rel} is {} but the ID number says {}",
                                sex_zh(implied),
                                sex_zh(actual)
                            ),
                        ),
                        Col::Relation,
                    ));
                }
            }
            let is_spouse = en(&coded[i], Col::Relation) == Some("spouse");
            if let (true, Some(hs), Some(s)) = (is_spouse && i != head, head_sex, sexes[i]) {
                if hs == s {
                    f.push(loc(
                        Finding::warning(
                            "relation_sex",
                            format!("spouse and head are both {} by their ID numbers", sex_zh(s)),
                        ),
                        Col::Relation,
                    ));
                }
            }
            if let (Some(age), Some(code)) = (ages[i], coded[i][Col::Schooling.index()]) {
                let healthy = matches!(en(&coded[i], Col::Health), None | Some("healthy"));
                if let Some(why) = schooling_misfit(code, age, healthy) {
                    f.push(loc(
                        Finding::warning(
                            "schooling_age",
                            format!(
                                "schooling {} does not fit a person aged {age}: {why}",
                                row.get(Col::Schooling)
                            ),
                        ),
                        Col::Schooling,
                    ));
                }
            }
        }
    }

    /// The exclusion flags answered yes on any row of the household. A
    /// yes/no column's values were looked up already (`coded`).
    fn flags_of(&self, rows: &[PersonRow], coded: &[Coded]) -> Vec<String> {
        self.flags
            .iter()
            .filter(|(_, r)| {
                rows.iter().zip(coded).any(|(row, coded)| {
                    let v = match r {
                        FlagRef::Known(c)
                            if codes::list_for(*c)
                                .is_some_and(|l| std::ptr::eq(l, codes::YES_NO)) =>
                        {
                            return en(coded, *c) == Some("yes");
                        }
                        FlagRef::Known(c) => row.get(*c),
                        FlagRef::Extra(i) => row.extras.get(*i).map(|s| s.as_str()).unwrap_or(""),
                        FlagRef::Absent => "",
                    };
                    codes::yes_no(v) == Some(true)
                })
            })
            .map(|(n, _)| n.clone())
            .collect()
    }
}

/// The row that holds a household-level value: the head's when filled,
/// else the first row that fills it (else the head's).
pub fn value_row(rows: &[PersonRow], head: usize, col: Col) -> &PersonRow {
    if rows[head].has(col) {
        return &rows[head];
    }
    rows.iter().find(|r| r.has(col)).unwrap_or(&rows[head])
}

fn canonical(col: Col, v: &str) -> String {
    if let Some(list) = codes::list_for(col) {
        if let Some(c) = codes::lookup(list, v) {
            return c.en.to_string();
        }
    }
    if matches!(col, Col::NetIncome | Col::PerCapitaIncome) {
        if let Ok(m) = parse_exact(v) {
            return m.units().to_string();
        }
    }
    v.to_string()
}

fn sex_en(s: Sex) -> &'static str {
    match s {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

pub fn sex_zh(s: Sex) -> &'static str {
    match s {
        Sex::Male => "男",
        Sex::Female => "女",
    }
}

fn schooling_misfit(code: &Code, age: i32, healthy: bool) -> Option<&'static str> {
    let (lo, hi, why) = match code.en {
        "preschool" if healthy => (0, 6, "a healthy child of 7 or more is in school"),
        "primary" => (6, 15, "primary pupils are 6 to 15"),
        "junior" => (11, 18, "junior school pupils are 11 to 18"),
        "senior" => (14, 21, "senior school pupils are 14 to 21"),
        "vocational" => (14, 24, "vocational pupils are 14 to 24"),
        "college" => (16, 40, "college students are 16 to 40"),
        "dropout" => (6, 18, "a dropout is of school age, 6 to 18"),
        _ => return None,
    };
    (age < lo || age > hi).then_some(why)
}

fn deprivations(coded: &[Coded]) -> Deprivations {
    let any = |col: Col, ens: &[&str]| {
        coded
            .iter()
            .any(|c| en(c, col).is_some_and(|e| ens.contains(&e)))
    };
    Deprivations {
        unsafe_housing: any(Col::Housing, &["unsafe"]),
        illness_or_disability: any(Col::Health, &["serious_illness", "disabled"]),
        dropout: any(Col::Schooling, &["dropout"]),
    }
}

/// The code of each coded cell of a row, looked up once.
type Coded = [Option<&'static Code>; N_COLS];

fn en(coded: &Coded, col: Col) -> Option<&'static str> {
    coded[col.index()].map(|c| c.en)
}

#[cfg(test)]
mod tests;
