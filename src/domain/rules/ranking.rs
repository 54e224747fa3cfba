//! Ranking within quota pools and the walk that admits households within the
//! quota (DESIGN 2.4, 2.5, 2.9).

use std::cmp::Ordering;
use std::ops::Range;

use super::natural::natural_cmp;
use crate::domain::campaign::Policy;
use crate::domain::money::{cmp_per_capita_exact, Exact};
use crate::domain::reason::OverQuota;

/// A household that has a rank (is eligible) within a pool.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// Quota pool index (into the `quotas` of [`rank_and_admit`]).
    pub pool: usize,
    /// Inside the near-standard band: ranks after every household below the standard.
    pub near_band: bool,
    /// Annual net income of the household, exactly (a per-capita income
    /// of 3321.995 times the size is not rounded to the fen).
    pub net_income: Exact,
    /// Persons listed (>= 1).
    pub size: u32,
    pub deprivations: u8,
    /// The village's order in the roster (tie-break under scope town).
    pub village_order: usize,
    pub household_id: String,
}

/// Where a candidate ended up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// 1-based rank within the pool.
    pub rank: u32,
    pub admitted: bool,
    /// Admitted persons of the pool after this household (None if not admitted).
    pub cumulative_persons: Option<u64>,
    /// Why, when the household is over the quota.
    pub over_quota: Option<OverQuota>,
}

/// The order of 2.4 and 2.9 within a pool (pools themselves by index):
/// near-band households after all others; per-capita income ascending,
/// compared exactly; deprivations descending; size descending; household
/// number in natural order; the village's roster order. `Equal` only for
/// candidates that agree on every key.
pub fn rank_cmp(a: &Candidate, b: &Candidate) -> Ordering {
    a.pool
        .cmp(&b.pool)
        .then(a.near_band.cmp(&b.near_band))
        .then_with(|| cmp_per_capita_exact(a.net_income, a.size, b.net_income, b.size))
        .then(b.deprivations.cmp(&a.deprivations))
        .then(b.size.cmp(&a.size))
        .then_with(|| natural_cmp(&a.household_id, &b.household_id))
        .then(a.village_order.cmp(&b.village_order))
}

/// The sort key of a candidate within its pool, copied out so the sort
/// touches one compact array; the rarely needed household number and
/// village order are read from the candidate itself.
#[derive(Clone, Copy)]
struct Key {
    net: Exact,
    index: usize,
    size: u32,
    deprivations: u8,
    near_band: bool,
}

impl Key {
    fn new(index: usize, c: &Candidate) -> Key {
        Key {
            net: c.net_income,
            index,
            size: c.size,
            deprivations: c.deprivations,
            near_band: c.near_band,
        }
    }

    /// [`rank_cmp`] within one pool, then the input index.
    fn cmp(&self, o: &Key, cands: &[Candidate]) -> Ordering {
        self.near_band
            .cmp(&o.near_band)
            .then_with(|| cmp_per_capita_exact(self.net, self.size, o.net, o.size))
            .then(o.deprivations.cmp(&self.deprivations))
            .then(o.size.cmp(&self.size))
            .then_with(|| match (cands.get(self.index), cands.get(o.index)) {
                (Some(a), Some(b)) => natural_cmp(&a.household_id, &b.household_id)
                    .then(a.village_order.cmp(&b.village_order)),
                _ => Ordering::Equal,
            })
            .then(self.index.cmp(&o.index))
    }
}

/// Rank every candidate within its pool (2.4, [`rank_cmp`]; the input index
/// breaks only ties between candidates equal on every key) and walk each
/// pool in rank order, admitting a household while the admitted persons plus
/// its size stay within the pool's quota `quotas[pool]` (2.5, 2.9: filling
/// the quota exactly is admitted). Under `Policy::Stop` the first household
/// that does not fit and every one ranked after it are over the quota; under
/// `Policy::Skip` only the households that do not fit are, and the walk goes
/// on. A pool with no entry in `quotas` has quota 0.
///
/// Returns one placement per candidate, in the order of `cands`.
pub fn rank_and_admit(cands: &[Candidate], quotas: &[u64], policy: Policy) -> Vec<Placement> {
    let mut out: Vec<Placement> = vec![
        Placement {
            rank: 0,
            admitted: false,
            cumulative_persons: None,
            over_quota: None
        };
        cands.len()
    ];
    let (mut keys, pools) = keys_by_pool(cands, quotas.len());
    // Placements in rank order first, then moved to input order in a tight
    // loop (random writes interleaved with the walk stall on cache misses).
    let mut ranked: Vec<Placement> = Vec::with_capacity(cands.len());
    for (pool, range) in pools {
        let Some(keys) = keys.get_mut(range) else {
            continue;
        };
        keys.sort_unstable_by(|a, b| a.cmp(b, cands));
        let mut walk = Walk::new(quotas.get(pool).copied().unwrap_or(0));
        ranked.extend(keys.iter().map(|k| walk.place(u64::from(k.size), policy)));
    }
    for (k, placement) in keys.iter().zip(ranked) {
        if let Some(slot) = out.get_mut(k.index) {
            *slot = placement;
        }
    }
    out
}

/// The keys of the candidates grouped by pool (a counting sort, in one pass
/// over the candidates), and each non-empty pool with its range of keys,
/// pools ascending.
fn keys_by_pool(cands: &[Candidate], n_quotas: usize) -> (Vec<Key>, Vec<(usize, Range<usize>)>) {
    // Pool numbers are dense in practice; otherwise map them to dense slots.
    let max_pool = cands.iter().map(|c| c.pool).max().unwrap_or(0);
    let sparse: Option<Vec<usize>> =
        (max_pool >= cands.len().saturating_add(n_quotas)).then(|| {
            let mut p: Vec<usize> = cands.iter().map(|c| c.pool).collect();
            p.sort_unstable();
            p.dedup();
            p
        });
    let slot = |pool: usize| match &sparse {
        None => pool,
        Some(p) => p.binary_search(&pool).unwrap_or_else(|i| i),
    };
    let n_slots = sparse.as_ref().map_or(max_pool.saturating_add(1), Vec::len);

    // next[s]: where the next key of slot s goes.
    let mut next = vec![0usize; n_slots + 1];
    for c in cands {
        next[slot(c.pool) + 1] += 1;
    }
    for s in 1..next.len() {
        next[s] += next[s - 1];
    }
    let ranges: Vec<(usize, Range<usize>)> = (0..n_slots)
        .filter(|&s| next[s] < next[s + 1])
        .map(|s| {
            let pool = sparse.as_ref().and_then(|p| p.get(s).copied()).unwrap_or(s);
            (pool, next[s]..next[s + 1])
        })
        .collect();
    let empty = Key {
        net: Exact::default(),
        index: 0,
        size: 0,
        deprivations: 0,
        near_band: false,
    };
    let mut keys = vec![empty; cands.len()];
    for (i, c) in cands.iter().enumerate() {
        let s = slot(c.pool);
        keys[next[s]] = Key::new(i, c);
        next[s] += 1;
    }
    (keys, ranges)
}

/// The state of the walk down one pool.
struct Walk {
    quota: u64,
    rank: u32,
    admitted: u64,
    /// Under `stop`, once a household did not fit: its rank.
    stopped_at: Option<u32>,
}

impl Walk {
    fn new(quota: u64) -> Walk {
        Walk {
            quota,
            rank: 0,
            admitted: 0,
            stopped_at: None,
        }
    }

    fn place(&mut self, size: u64, policy: Policy) -> Placement {
        self.rank = self.rank.saturating_add(1);
        let (rank, quota) = (self.rank, self.quota);
        let over = |why: OverQuota| Placement {
            rank,
            admitted: false,
            cumulative_persons: None,
            over_quota: Some(why),
        };
        if let Some(at_rank) = self.stopped_at {
            return over(OverQuota::After { at_rank, quota });
        }
        let after = self.admitted.saturating_add(size);
        if after <= quota {
            self.admitted = after;
            return Placement {
                rank,
                admitted: true,
                cumulative_persons: Some(after),
                over_quota: None,
            };
        }
        let admitted = self.admitted;
        over(match policy {
            Policy::Stop => {
                self.stopped_at = Some(rank);
                OverQuota::Reached {
                    rank,
                    admitted,
                    size,
                    quota,
                }
            }
            Policy::Skip => OverQuota::DoesNotFit {
                admitted,
                size,
                quota,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Fen;

    fn cand(id: &str, net_yuan: i64, size: u32) -> Candidate {
        Candidate {
            pool: 0,
            near_band: false,
            net_income: Fen::from_yuan(net_yuan).into(),
            size,
            deprivations: 0,
            village_order: 0,
            household_id: id.to_string(),
        }
    }

    /// Household ids in rank order, for pool 0.
    fn order(cands: &[Candidate]) -> Vec<String> {
        let p = rank_and_admit(cands, &[u64::MAX], Policy::Stop);
        let mut v: Vec<(u32, String)> = p
            .iter()
            .zip(cands)
            .map(|(p, c)| (p.rank, c.household_id.clone()))
            .collect();
        v.sort();
        v.into_iter().map(|(_, id)| id).collect()
    }

    fn admitted(p: &[Placement]) -> Vec<bool> {
        p.iter().map(|p| p.admitted).collect()
    }

    #[test]
    fn income_ascending_compared_exactly() {
        // 6,643.99 / 2 = 3,321.995 per person against 3,321.99 and 3,322.00.
        let mut a = cand("a", 0, 2);
        a.net_income = Fen(664_399).into();
        let mut b = cand("b", 0, 1);
        b.net_income = Fen(332_199).into();
        let mut c = cand("c", 0, 1);
        c.net_income = Fen(332_200).into();
        assert_eq!(order(&[c, a, b]), ["b", "a", "c"]);
        // 1,000 / 3 persons < 334 / 1 person, though both show 333.33 / 334.
        assert_eq!(order(&[cand("x", 334, 1), cand("y", 1000, 3)]), ["y", "x"]);
        // Negative incomes first.
        assert_eq!(order(&[cand("x", 0, 1), cand("y", -10, 1)]), ["y", "x"]);
    }

    #[test]
    fn deprivations_break_income_ties() {
        let mut a = cand("1", 2000, 2);
        a.deprivations = 1;
        let mut b = cand("2", 1000, 1);
        b.deprivations = 3;
        assert_eq!(order(&[a, b]), ["2", "1"]);
    }

    #[test]
    fn size_breaks_deprivation_ties() {
        assert_eq!(order(&[cand("1", 2000, 2), cand("2", 3000, 3)]), ["2", "1"]);
    }

    #[test]
    fn natural_household_number_breaks_size_ties() {
        assert_eq!(
            order(&[
                cand("10", 1000, 2),
                cand("2", 1000, 2),
                cand("10a", 1000, 2)
            ]),
            ["2", "10", "10a"]
        );
    }

    #[test]
    fn village_order_breaks_household_number_ties() {
        let mut a = cand("3", 1000, 2);
        a.village_order = 5;
        let mut b = cand("3", 1000, 2);
        b.village_order = 1;
        let p = rank_and_admit(&[a.clone(), b.clone()], &[10], Policy::Stop);
        assert_eq!((p[0].rank, p[1].rank), (2, 1));
        let p = rank_and_admit(&[b, a], &[10], Policy::Stop);
        assert_eq!((p[0].rank, p[1].rank), (1, 2));
    }

    #[test]
    fn near_band_after_every_below_standard_household() {
        let mut near = cand("1", 100, 1);
        near.near_band = true;
        near.deprivations = 3;
        near.size = 9;
        assert_eq!(
            order(&[near, cand("2", 3000, 1), cand("3", 3321, 1)]),
            ["2", "3", "1"]
        );
        let mut n1 = cand("n1", 3500, 1);
        n1.near_band = true;
        let mut n2 = cand("n2", 3400, 1);
        n2.near_band = true;
        assert_eq!(order(&[n1, cand("b", 3300, 1), n2]), ["b", "n2", "n1"]);
    }

    #[test]
    fn pools_are_ranked_and_filled_separately() {
        let mut a = cand("1", 1000, 3);
        a.pool = 1;
        let b = cand("2", 2000, 3);
        let mut c = cand("3", 500, 3);
        c.pool = 1;
        let p = rank_and_admit(&[a, b, c], &[3, 3], Policy::Stop);
        assert_eq!(p.iter().map(|p| p.rank).collect::<Vec<_>>(), [2, 1, 1]);
        assert_eq!(admitted(&p), [false, true, true]);
        assert_eq!(p[1].cumulative_persons, Some(3));
        assert_eq!(p[2].cumulative_persons, Some(3));
    }

    /// Quota 8, per-capita incomes 100 < 200 < 300 < 400 yuan: rank 1
    /// (3 persons) fits, rank 2 (6 persons) does not, rank 3 (2 persons)
    /// would fit behind it, rank 4 (4 persons) would not.
    fn stop_skip_case() -> Vec<Candidate> {
        vec![
            cand("r3", 600, 2),
            cand("r1", 300, 3),
            cand("r4", 1600, 4),
            cand("r2", 1200, 6),
        ]
    }

    #[test]
    fn stop_ends_the_list_at_the_first_household_that_does_not_fit() {
        let p = rank_and_admit(&stop_skip_case(), &[8], Policy::Stop);
        assert_eq!(p.iter().map(|p| p.rank).collect::<Vec<_>>(), [3, 1, 4, 2]);
        assert_eq!(admitted(&p), [false, true, false, false]);
        assert_eq!(p[1].cumulative_persons, Some(3));
        assert_eq!(p[0].cumulative_persons, None);
        assert_eq!(
            p[3].over_quota,
            Some(OverQuota::Reached {
                rank: 2,
                admitted: 3,
                size: 6,
                quota: 8
            })
        );
        // Rank 3 would fit behind rank 2; under stop it is turned away too.
        for i in [0, 2] {
            assert_eq!(
                p[i].over_quota,
                Some(OverQuota::After {
                    at_rank: 2,
                    quota: 8
                })
            );
        }
        assert_eq!(p[1].over_quota, None);
    }

    #[test]
    fn skip_admits_a_smaller_household_behind() {
        let p = rank_and_admit(&stop_skip_case(), &[8], Policy::Skip);
        assert_eq!(admitted(&p), [true, true, false, false]);
        assert_eq!(p[0].cumulative_persons, Some(5));
        assert_eq!(
            p[3].over_quota,
            Some(OverQuota::DoesNotFit {
                admitted: 3,
                size: 6,
                quota: 8
            })
        );
        assert_eq!(
            p[2].over_quota,
            Some(OverQuota::DoesNotFit {
                admitted: 5,
                size: 4,
                quota: 8
            })
        );
    }

    #[test]
    fn a_household_filling_the_quota_exactly_is_admitted() {
        for policy in [Policy::Stop, Policy::Skip] {
            let p = rank_and_admit(
                &[cand("1", 1000, 3), cand("2", 2000, 5), cand("3", 3000, 1)],
                &[8],
                policy,
            );
            assert_eq!(admitted(&p), [true, true, false]);
            assert_eq!(p[1].cumulative_persons, Some(8));
            let (admitted, size, quota) = (8, 1, 8);
            assert_eq!(
                p[2].over_quota,
                Some(match policy {
                    Policy::Stop => OverQuota::Reached {
                        rank: 3,
                        admitted,
                        size,
                        quota
                    },
                    Policy::Skip => OverQuota::DoesNotFit {
                        admitted,
                        size,
                        quota
                    },
                })
            );
        }
    }

    #[test]
    fn zero_quota_and_missing_pool() {
        let mut b = cand("2", 1000, 1);
        b.pool = 7;
        let p = rank_and_admit(&[cand("1", 1000, 1), b], &[0], Policy::Stop);
        assert_eq!(admitted(&p), [false, false]);
        assert_eq!((p[0].rank, p[1].rank), (1, 1));
        assert_eq!(
            p[1].over_quota,
            Some(OverQuota::Reached {
                rank: 1,
                admitted: 0,
                size: 1,
                quota: 0
            })
        );
        assert!(rank_and_admit(&[], &[], Policy::Skip).is_empty());
    }

    #[test]
    fn independent_of_input_order() {
        let mut v = stop_skip_case();
        let a = rank_and_admit(&v, &[8], Policy::Skip);
        v.reverse();
        let mut b = rank_and_admit(&v, &[8], Policy::Skip);
        b.reverse();
        assert_eq!(a, b);
    }
}
