//! Scale caps: the quota of a pool in persons (DESIGN 2.5).

use crate::domain::campaign::PPM;

/// `floor(population × rate)` persons, the rate in parts per million, in
/// exact integer arithmetic: 457 × 0.50 → 228; 1,019 × 0.05 → 50.
/// Under scope `town`, pass the pool's summed population. A rate of zero or
/// less gives 0.
pub fn quota(population: u64, rate_ppm: i64) -> u64 {
    if rate_ppm <= 0 {
        return 0;
    }
    let q =
        u128::from(population) * u128::from(rate_ppm.unsigned_abs()) / PPM.unsigned_abs() as u128;
    u64::try_from(q).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors() {
        assert_eq!(quota(457, 500_000), 228);
        assert_eq!(quota(1019, 50_000), 50);
        assert_eq!(quota(456, 500_000), 228);
        assert_eq!(quota(19, 50_000), 0);
        assert_eq!(quota(20, 50_000), 1);
        assert_eq!(quota(0, 500_000), 0);
        assert_eq!(quota(0, 0), 0);
    }

    #[test]
    fn edge_rates() {
        assert_eq!(quota(1000, 0), 0);
        assert_eq!(quota(1000, -1), 0);
        assert_eq!(quota(1000, PPM), 1000);
        assert_eq!(quota(3, 333_333), 0);
        assert_eq!(quota(3, 333_334), 1);
        assert_eq!(quota(u64::MAX, PPM), u64::MAX);
        assert_eq!(quota(u64::MAX, i64::MAX), u64::MAX);
    }

    #[test]
    fn town_pool_sums_before_flooring() {
        // 2.5: floor(Σ population × rate), not Σ floor(population × rate).
        assert_eq!(quota(19 + 19 + 19, 50_000), 2);
        assert_eq!(quota(19, 50_000) * 3, 0);
    }
}
