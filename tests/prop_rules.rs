//! Property tests of the screening rules (DESIGN 2.1-2.5, 2.9).

use std::cmp::Ordering;
use std::collections::HashMap;

use fupin::domain::campaign::{Policy, PPM};
use fupin::domain::money::Fen;
use fupin::domain::rules::*;
use proptest::prelude::*;

const POOLS: usize = 4;

/// Fields of a candidate other than its identity.
type Fields = (usize, bool, i64, u32, u8);

fn fields() -> impl Strategy<Value = Fields> {
    (
        0..POOLS,
        prop::bool::weighted(0.2),
        // Few distinct incomes, so the later keys of the ranking matter often.
        prop_oneof![
            prop::sample::select(vec![0i64, 100_000, 200_000, 300_000, 600_000]),
            -50_000i64..3_000_000,
        ],
        1u32..9,
        0u8..4,
    )
}

/// Candidates whose (household_id, village_order) pairs are unique; the same
/// household number recurs across villages, as under scope town.
fn build(fields: Vec<Fields>) -> Vec<Candidate> {
    fields
        .into_iter()
        .enumerate()
        .map(|(i, (pool, near_band, net, size, deprivations))| {
            let n = i / 3;
            let household_id = match n % 3 {
                0 => n.to_string(),
                1 => format!("{n}a"),
                _ => format!("0{n}"),
            };
            Candidate {
                pool,
                near_band,
                net_income: Fen(net).into(),
                size,
                deprivations,
                village_order: i % 3,
                household_id,
            }
        })
        .collect()
}

/// The candidates, and the same candidates in another order.
fn cands_and_shuffled() -> impl Strategy<Value = (Vec<Candidate>, Vec<Candidate>)> {
    prop::collection::vec(fields(), 0..80).prop_flat_map(|f| {
        let c = build(f);
        (Just(c.clone()), Just(c).prop_shuffle())
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![Just(Policy::Stop), Just(Policy::Skip)]
}

fn quotas() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(prop_oneof![0u64..40, Just(0), Just(u64::MAX)], POOLS)
}

/// Indices of the candidates of each pool, in rank order, after checking
/// that ranks are 1..n without gaps.
fn pools_in_rank_order(
    cands: &[Candidate],
    p: &[Placement],
) -> Result<Vec<Vec<usize>>, TestCaseError> {
    let mut pools: Vec<Vec<usize>> = vec![Vec::new(); POOLS];
    for (i, c) in cands.iter().enumerate() {
        pools[c.pool].push(i);
    }
    for pool in &mut pools {
        pool.sort_by_key(|&i| p[i].rank);
        let ranks: Vec<u32> = pool.iter().map(|&i| p[i].rank).collect();
        let expected: Vec<u32> = (1..=pool.len() as u32).collect();
        prop_assert_eq!(ranks, expected);
    }
    Ok(pools)
}

fn key(c: &Candidate) -> (String, usize) {
    (c.household_id.clone(), c.village_order)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn one_placement_each_ranks_without_gaps_in_rank_order(
        (cands, _) in cands_and_shuffled(), quotas in quotas(), policy in policy()
    ) {
        let p = rank_and_admit(&cands, &quotas, policy);
        prop_assert_eq!(p.len(), cands.len());
        let pools = pools_in_rank_order(&cands, &p)?;
        for pool in &pools {
            for w in pool.windows(2) {
                // Unique identities: strictly increasing in the order of 2.4.
                prop_assert_eq!(rank_cmp(&cands[w[0]], &cands[w[1]]), Ordering::Less);
                // Every household below the standard before every near-band one.
                prop_assert!(!cands[w[0]].near_band || cands[w[1]].near_band);
            }
        }
    }

    #[test]
    fn the_walk_respects_the_quota_and_the_policy(
        (cands, _) in cands_and_shuffled(), quotas in quotas(), policy in policy()
    ) {
        let p = rank_and_admit(&cands, &quotas, policy);
        let pools = pools_in_rank_order(&cands, &p)?;
        for (pool, members) in pools.iter().enumerate() {
            let quota = quotas[pool];
            let mut admitted = 0u64;
            let mut stopped = false;
            for &i in members {
                let size = u64::from(cands[i].size);
                let fits = admitted + size <= quota;
                if p[i].admitted {
                    prop_assert!(fits);
                    prop_assert!(!stopped, "under stop nothing is admitted after the first misfit");
                    admitted += size;
                    prop_assert_eq!(p[i].cumulative_persons, Some(admitted));
                    prop_assert_eq!(p[i].over_quota, None);
                } else {
                    prop_assert_eq!(p[i].cumulative_persons, None);
                    prop_assert_eq!(p[i].over_quota.map(|o| o.quota()), Some(quota));
                    // Greedy: a household is turned away only when it does not
                    // fit, or (stop) when one ranked before it did not.
                    match policy {
                        Policy::Skip => prop_assert!(!fits),
                        Policy::Stop => {
                            prop_assert!(stopped || !fits);
                            stopped = true;
                        }
                    }
                }
            }
            prop_assert!(admitted <= quota);
            if policy == Policy::Stop {
                // The admitted households are exactly a prefix of the ranking.
                let k = members.iter().filter(|&&i| p[i].admitted).count();
                prop_assert!(members[..k].iter().all(|&i| p[i].admitted));
            }
        }
    }

    #[test]
    fn invariant_under_shuffling((cands, shuffled) in cands_and_shuffled(), quotas in quotas(), policy in policy()) {
        let a = rank_and_admit(&cands, &quotas, policy);
        let b = rank_and_admit(&shuffled, &quotas, policy);
        let by_key: HashMap<(String, usize), &Placement> =
            shuffled.iter().map(key).zip(b.iter()).collect();
        prop_assert_eq!(by_key.len(), cands.len());
        for (c, pa) in cands.iter().zip(&a) {
            prop_assert_eq!(Some(&pa), by_key.get(&key(c)));
        }
    }

    #[test]
    fn natural_order_is_total(mut v in prop::collection::vec("[0-2a-b\\-一]{0,6}", 0..30)) {
        for a in &v {
            for b in &v {
                let o = natural_cmp(a, b);
                prop_assert_eq!(o, natural_cmp(b, a).reverse());
                prop_assert_eq!(o == Ordering::Equal, a == b);
            }
        }
        v.sort_by(|a, b| natural_cmp(a, b));
        for i in 0..v.len() {
            for j in i..v.len() {
                prop_assert_ne!(natural_cmp(&v[i], &v[j]), Ordering::Greater, "{:?}", v);
            }
        }
    }

    #[test]
    fn natural_order_of_numbers_is_numeric(a in any::<u64>(), b in any::<u64>(), s in "[a-c]{0,2}") {
        prop_assert_eq!(natural_cmp(&a.to_string(), &b.to_string()), a.cmp(&b));
        prop_assert_eq!(natural_cmp(&format!("{s}{a}x"), &format!("{s}{b}y")), a.cmp(&b).then(Ordering::Less));
    }

    #[test]
    fn income_class_thresholds(
        standard in 1i64..20_000, band in prop_oneof![Just(0i64), 0i64..=PPM], persons in 1u32..20,
        net in -1_000_000i64..100_000_000,
    ) {
        let line = i128::from(standard) * 100 * i128::from(persons);
        // The band's upper end, rounded up to the fen: net < line × (1 + band)
        // holds exactly when net < ceil(line × (PPM + band) / PPM).
        let t = line * i128::from(PPM + band);
        let upper = (t + i128::from(PPM) - 1) / i128::from(PPM);
        let expected = if i128::from(net) < line {
            IncomeClass::Below
        } else if band > 0 && i128::from(net) < upper {
            IncomeClass::NearBand
        } else {
            IncomeClass::Above
        };
        prop_assert_eq!(income_class(Fen(net), persons, standard, band), expected);
        // Monotone in the income.
        let rank = |c: IncomeClass| match c { IncomeClass::Below => 0, IncomeClass::NearBand => 1, IncomeClass::Above => 2 };
        prop_assert!(rank(income_class(Fen(net), persons, standard, band))
            <= rank(income_class(Fen(net + 1), persons, standard, band)));
    }

    #[test]
    fn quota_is_the_floor(population in 0u64..2_000_000_000_000, rate in 0i64..=PPM) {
        let q = quota(population, rate);
        let exact = u128::from(population) * rate as u128;
        prop_assert!(u128::from(q) * PPM as u128 <= exact);
        prop_assert!(exact < (u128::from(q) + 1) * PPM as u128);
        prop_assert!(q <= population);
    }
}
