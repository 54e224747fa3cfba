//! The primary list (初选名单): every applicant household with its decision
//! and the [`Reason`] for it (DESIGN 2.1–2.5, 2.9).

use std::collections::HashMap;

use super::campaign::{Campaign, Scope};
use super::money::{Exact, Fen};
use super::reason::Reason;
use super::register::Household;
use super::roster::Roster;
use super::rules::{income_class, natural_cmp, quota, rank_and_admit, Candidate, IncomeClass};
use super::survey::{SurveyIndex, SurveyResult, Verdict};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Admitted,
    OverQuota,
    AboveStandard,
    Excluded,
    Eliminated,
    Invalid,
}

impl Decision {
    pub fn en(self) -> &'static str {
        match self {
            Decision::Admitted => "admitted",
            Decision::OverQuota => "over_quota",
            Decision::AboveStandard => "above_standard",
            Decision::Excluded => "excluded",
            Decision::Eliminated => "eliminated",
            Decision::Invalid => "invalid",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Decision::Admitted => "纳入",
            Decision::OverQuota => "超出规模",
            Decision::AboveStandard => "收入超标",
            Decision::Excluded => "排除",
            Decision::Eliminated => "核查剔除",
            Decision::Invalid => "数据有误",
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        [
            Decision::Admitted,
            Decision::OverQuota,
            Decision::AboveStandard,
            Decision::Excluded,
            Decision::Eliminated,
            Decision::Invalid,
        ]
        .into_iter()
        .find(|d| d.en() == s)
    }
}

/// One line of the primary list.
#[derive(Clone, Debug)]
pub struct Line {
    pub household: Household,
    /// The income the decision rests on (verified when the survey gave
    /// one), as shown: rounded half-up to the fen.
    pub net_income: Option<Fen>,
    /// That income exactly, as the decision compared it.
    pub income: Option<Exact>,
    pub verified: bool,
    pub rank: Option<u32>,
    /// Why the household has its decision.
    pub reason: Reason,
    pub cumulative_persons: Option<u64>,
    pub pool: usize,
    pub quota: u64,
}

impl Line {
    /// The per-capita income as shown, rounded from the exact income.
    pub fn per_capita(&self) -> Option<Fen> {
        self.income.map(|n| n.per_person(self.household.size))
    }

    pub fn decision(&self) -> Decision {
        self.reason.decision()
    }
}

/// A quota pool: one village, or (scope town) all key or all other villages.
#[derive(Clone, Debug)]
pub struct Pool {
    pub name: String,
    pub key: bool,
    pub population: u64,
    pub quota: u64,
    pub admitted_households: u64,
    pub admitted_persons: u64,
}

pub struct PrimaryList {
    pub standard: i64,
    pub lines: Vec<Line>,
    pub pools: Vec<Pool>,
    /// The pool of each roster village.
    pub village_pool: Vec<usize>,
}

/// Decide every household. `invalid` holds the households (by index) with an
/// error finding and its message; `survey` the survey results by
/// (village code, household number).
pub fn screen(
    campaign: &Campaign,
    roster: &Roster,
    standard: i64,
    households: Vec<Household>,
    invalid: &HashMap<usize, String>,
    survey: &SurveyIndex,
) -> PrimaryList {
    let (pools, village_pool) = pools(campaign, roster);
    let mut lines: Vec<Line> = Vec::with_capacity(households.len());
    let mut cands: Vec<Candidate> = Vec::new();
    let mut cand_line: Vec<usize> = Vec::new();
    for (i, hh) in households.into_iter().enumerate() {
        let pool = hh.village.map(|v| village_pool[v]).unwrap_or(usize::MAX);
        let quota = pools.get(pool).map(|p| p.quota).unwrap_or(0);
        let s = survey.get(&hh.village_code, &hh.household_id);
        let verified = s.and_then(|s| s.verified_net_income);
        let net = verified.map(Exact::from).or(hh.net_income);
        let reason = match sift(campaign, standard, &hh, net, invalid.get(&i), s) {
            Sifted::Decided(reason) => reason,
            Sifted::Ranked { near_standard } => {
                let net = net.unwrap_or_default();
                cands.push(Candidate {
                    pool,
                    near_band: near_standard,
                    net_income: net,
                    size: hh.size,
                    deprivations: hh.deprivations.count(),
                    village_order: hh.village.unwrap_or(usize::MAX),
                    household_id: hh.household_id.to_string(),
                });
                cand_line.push(lines.len());
                // Until the walk below places it.
                Reason::Admitted {
                    per_capita: net.per_person(hh.size),
                    near_standard,
                    rank: 0,
                    quota,
                }
            }
        };
        lines.push(Line {
            net_income: net.map(Exact::fen),
            income: net,
            verified: verified.is_some(),
            rank: None,
            reason,
            cumulative_persons: None,
            pool,
            quota,
            household: hh,
        });
    }
    let quotas: Vec<u64> = pools.iter().map(|p| p.quota).collect();
    let placements = rank_and_admit(&cands, &quotas, campaign.scale.policy);
    let mut pools = pools;
    for (p, &li) in placements.into_iter().zip(&cand_line) {
        let line = &mut lines[li];
        line.rank = Some(p.rank);
        line.cumulative_persons = p.cumulative_persons;
        match (p.over_quota, &mut line.reason) {
            (None, Reason::Admitted { rank, .. }) => {
                *rank = p.rank;
                if let Some(pool) = pools.get_mut(line.pool) {
                    pool.admitted_households += 1;
                    pool.admitted_persons += u64::from(line.household.size);
                }
            }
            (Some(over), reason) => *reason = Reason::OverQuota(over),
            // Every candidate line holds `Admitted` until placed.
            (None, _) => {}
        }
    }
    order_lines(&mut lines, roster.villages.len());
    PrimaryList {
        standard,
        lines,
        pools,
        village_pool,
    }
}

/// Where a household stands before the ranking.
enum Sifted {
    /// Decided without a rank.
    Decided(Reason),
    /// To be ranked; `near_standard`: from inside the band, for a deprivation.
    Ranked { near_standard: bool },
}

fn sift(
    campaign: &Campaign,
    standard: i64,
    hh: &Household,
    net: Option<Exact>,
    invalid: Option<&String>,
    survey: Option<&SurveyResult>,
) -> Sifted {
    if let Some(message) = invalid.or(hh.error.as_ref()) {
        return Sifted::Decided(Reason::Invalid {
            message: message.clone(),
        });
    }
    if hh.village.is_none() {
        return Sifted::Decided(Reason::UnknownVillage);
    }
    let Some(net) = net else {
        return Sifted::Decided(Reason::NoIncome);
    };
    if let Some(s) = survey.filter(|s| s.verdict == Verdict::Eliminate) {
        return Sifted::Decided(Reason::Eliminated {
            why: s.reason.clone(),
        });
    }
    if !hh.flags.is_empty() {
        return Sifted::Decided(Reason::Excluded {
            flags: hh.flags.clone(),
        });
    }
    let band = campaign.band_ppm();
    let per_capita = net.per_person(hh.size);
    let std_fen = Fen::from_yuan(standard);
    match income_class(net, hh.size, standard, band) {
        IncomeClass::Below => Sifted::Ranked {
            near_standard: false,
        },
        IncomeClass::NearBand if hh.deprivations.count() > 0 => Sifted::Ranked {
            near_standard: true,
        },
        IncomeClass::NearBand => Sifted::Decided(Reason::NearStandardNoDeprivation {
            per_capita,
            standard: std_fen,
        }),
        IncomeClass::Above if band > 0 => Sifted::Decided(Reason::AboveBand {
            per_capita,
            standard: std_fen,
            band: campaign.standard.near_standard_band,
            limit: super::rules::band_limit(standard, band),
        }),
        IncomeClass::Above => Sifted::Decided(Reason::AboveStandard {
            per_capita,
            standard: std_fen,
        }),
    }
}

/// The quota pools of the campaign's scope and the pool of each village.
pub fn pools(campaign: &Campaign, roster: &Roster) -> (Vec<Pool>, Vec<usize>) {
    let rate = |key: bool| {
        if key {
            campaign.key_rate_ppm()
        } else {
            campaign.other_rate_ppm()
        }
    };
    match campaign.scale.scope {
        Scope::Village => {
            let pools = roster
                .villages
                .iter()
                .map(|v| Pool {
                    name: v.name.clone(),
                    key: v.key,
                    population: v.population,
                    quota: quota(v.population, rate(v.key)),
                    admitted_households: 0,
                    admitted_persons: 0,
                })
                .collect();
            (pools, (0..roster.villages.len()).collect())
        }
        Scope::Town => {
            let pools = [true, false]
                .into_iter()
                .map(|key| {
                    let population: u64 = roster
                        .villages
                        .iter()
                        .filter(|v| v.key == key)
                        .map(|v| v.population)
                        .sum();
                    Pool {
                        name: if key { "key" } else { "other" }.into(),
                        key,
                        population,
                        quota: quota(population, rate(key)),
                        admitted_households: 0,
                        admitted_persons: 0,
                    }
                })
                .collect();
            (
                pools,
                roster
                    .villages
                    .iter()
                    .map(|v| if v.key { 0 } else { 1 })
                    .collect(),
            )
        }
    }
}

/// Villages in roster order (unknown villages last, by name); within a
/// village, ranked households by rank, then the rest in natural order.
fn order_lines(lines: &mut [Line], n_villages: usize) {
    // Lines are large: sort their positions, then move each line once.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&lines[a], &lines[b]);
        let va = a.household.village.unwrap_or(n_villages);
        let vb = b.household.village.unwrap_or(n_villages);
        va.cmp(&vb)
            .then_with(|| a.household.village_name.cmp(&b.household.village_name))
            .then_with(|| match (a.rank, b.rank) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| natural_cmp(&a.household.household_id, &b.household.household_id))
            .then_with(|| a.household.src.cmp(&b.household.src))
    });
    permute(lines, &mut order);
}

/// Rearrange `items` so that position `i` holds the item that was at
/// `order[i]`, by following the permutation's cycles (`order` is used up).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut here = start;
        // Each cycle is walked from its first position; walked positions
        // point to themselves.
        while order[here] != start {
            let from = order[here];
            items.swap(here, from);
            order[here] = here;
            here = from;
        }
        order[here] = here;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f', 'g'];
        let mut order = vec![3, 0, 4, 1, 2, 5, 6];
        permute(&mut items, &mut order);
        assert_eq!(items, vec!['d', 'a', 'e', 'b', 'c', 'f', 'g']);
        let mut items: Vec<u32> = (0..100).collect();
        let mut order: Vec<usize> = (0..100).map(|i| (i * 37) % 100).collect();
        permute(&mut items, &mut order);
        assert_eq!(
            items,
            (0..100).map(|i| (i * 37) % 100).collect::<Vec<u32>>()
        );
    }
}
