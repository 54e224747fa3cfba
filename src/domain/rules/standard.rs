//! The income standard and the near-standard band (DESIGN 2.1, 2.2, 2.9).

use crate::domain::campaign::PPM;
use crate::domain::money::{Exact, Fen};

/// Where a household's income puts it (DESIGN 2.1, 2.2, 2.9), exact arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncomeClass {
    /// `net < standard × persons`: eligible on income.
    Below,
    /// `standard × persons ≤ net < standard × (1 + band) × persons`: ranked
    /// (after every household below the standard) only with a deprivation.
    NearBand,
    /// At or above the standard, and outside the band.
    Above,
}

impl IncomeClass {
    /// Whether a household of this class gets a rank: below the standard, or
    /// inside the band with at least one deprivation (2.2).
    pub fn is_eligible(self, deprivations: u8) -> bool {
        match self {
            IncomeClass::Below => true,
            IncomeClass::NearBand => deprivations > 0,
            IncomeClass::Above => false,
        }
    }
}

/// Classify a household's annual net income against the current standard
/// (whole yuan per person per year) and the band (parts per million):
/// `net < standard × persons` → `Below`; else, when `band_ppm > 0` and
/// `net < standard × (1 + band) × persons` → `NearBand` (the caller admits it
/// only when it has a deprivation); else `Above`. All in exact integer
/// arithmetic: at 3,322 yuan and band 0.1 the band ends at exactly 3,654.20
/// per person, which is outside it.
///
/// `net` is exact ([`Exact`], or whole fen): a net income that is a
/// per-capita income of 3321.995 times 2 persons is below 3,322 × 2, though
/// its per-capita income shows as 3322.00.
///
/// A household of 0 persons cannot occur (every household has a head); it is
/// treated as 1 person, as `cmp_per_capita` does.
pub fn income_class(
    net: impl Into<Exact>,
    persons: u32,
    standard_yuan: i64,
    band_ppm: i64,
) -> IncomeClass {
    let persons = i128::from(persons.max(1));
    let net = net.into().units();
    // standard × persons in the units of `Exact`; saturating so absurd
    // inputs cannot wrap.
    let line = Exact::from(Fen(standard_yuan))
        .units()
        .saturating_mul(100)
        .saturating_mul(persons);
    if net < line {
        return IncomeClass::Below;
    }
    if band_ppm > 0 {
        // net < line × (PPM + band) / PPM  ⇔  net × PPM < line × (PPM + band)
        let scaled_net = net.saturating_mul(i128::from(PPM));
        let scaled_line = line.saturating_mul(i128::from(PPM) + i128::from(band_ppm));
        if scaled_net < scaled_line {
            return IncomeClass::NearBand;
        }
    }
    IncomeClass::Above
}

/// The top of the near-standard band per person, `standard × (1 + band)`,
/// in fen rounded down: for reasons and explanations.
pub fn band_limit(standard_yuan: i64, band_ppm: i64) -> Fen {
    Fen((i128::from(standard_yuan) * 100 * i128::from(PPM + band_ppm) / i128::from(PPM)) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncomeClass::*;

    #[test]
    fn band_limit_per_person() {
        assert_eq!(band_limit(3322, 100_000), Fen(365_420));
        assert_eq!(band_limit(3322, 0), Fen(332_200));
        assert_eq!(band_limit(2800, 50_000), Fen(294_000));
    }

    const BAND_10: i64 = 100_000; // 0.1 in ppm

    #[test]
    fn exactly_at_the_standard_is_above() {
        assert_eq!(income_class(Fen(332_200), 1, 3322, 0), Above);
        assert_eq!(income_class(Fen(332_199), 1, 3322, 0), Below);
        assert_eq!(income_class(Fen(664_400), 2, 3322, 0), Above);
    }

    #[test]
    fn per_capita_is_not_rounded_before_comparing() {
        // 6,643.99 / 2 = 3,321.995, shown as 3322.00, but below the standard.
        assert_eq!(income_class(Fen(664_399), 2, 3322, 0), Below);
        assert_eq!(Fen(664_399).per_person(2), Fen(332_200));
        // 9,965.99 / 3 = 3,321.996...
        assert_eq!(income_class(Fen(996_599), 3, 3322, 0), Below);
        assert_eq!(income_class(Fen(996_600), 3, 3322, 0), Above);
    }

    #[test]
    fn a_per_capita_income_finer_than_the_fen_is_compared_exactly() {
        use crate::domain::money::parse_exact;
        let p = parse_exact("3321.995").unwrap(); // ok: test code, not built into fupin
        assert_eq!(income_class(p.times(2), 2, 3322, 0), Below);
        assert_eq!(income_class(p.times(3), 3, 3322, 0), Below);
        let at = parse_exact("3322.000").unwrap(); // ok: test code, not built into fupin
        assert_eq!(income_class(at.times(3), 3, 3322, 0), Above);
        // 3,654.199 per person is inside the band, 3,654.20 is not.
        let near = parse_exact("3654.199").unwrap(); // ok: test code, not built into fupin
        assert_eq!(income_class(near.times(3), 3, 3322, BAND_10), NearBand);
        let edge = parse_exact("3654.2").unwrap(); // ok: test code, not built into fupin
        assert_eq!(income_class(edge.times(3), 3, 3322, BAND_10), Above);
    }

    #[test]
    fn band_edges() {
        // 3,322 × 1.1 = 3,654.20 exactly: outside the band.
        assert_eq!(income_class(Fen(365_420), 1, 3322, BAND_10), Above);
        assert_eq!(income_class(Fen(365_419), 1, 3322, BAND_10), NearBand);
        assert_eq!(income_class(Fen(365_420 * 3), 3, 3322, BAND_10), Above);
        assert_eq!(
            income_class(Fen(365_420 * 3 - 1), 3, 3322, BAND_10),
            NearBand
        );
        // Exactly at the standard is inside the band.
        assert_eq!(income_class(Fen(332_200), 1, 3322, BAND_10), NearBand);
        assert_eq!(income_class(Fen(332_200 * 4), 4, 3322, BAND_10), NearBand);
        // One fen below the standard is below, band or not.
        assert_eq!(income_class(Fen(332_199), 1, 3322, BAND_10), Below);
    }

    #[test]
    fn band_off_never_near() {
        assert_eq!(income_class(Fen(332_200), 1, 3322, 0), Above);
        assert_eq!(income_class(Fen(332_200), 1, 3322, -5), Above);
    }

    #[test]
    fn negative_and_zero_incomes_are_below() {
        assert_eq!(income_class(Fen(-15_000), 3, 3322, 0), Below);
        assert_eq!(income_class(Fen(0), 1, 3322, BAND_10), Below);
    }

    #[test]
    fn absurd_inputs_do_not_wrap() {
        assert_eq!(income_class(Fen(i64::MAX), 1, 3322, i64::MAX), Above);
        assert_eq!(
            income_class(Fen(i64::MAX), u32::MAX, i64::MAX, i64::MAX),
            Below
        );
        assert_eq!(income_class(Fen(i64::MAX / 4), 1, 3322, i64::MAX), NearBand);
        assert_eq!(income_class(Fen(i64::MIN), 1, i64::MIN, 0), Above);
        assert_eq!(income_class(Fen(5), 0, 0, 0), Above);
    }

    #[test]
    fn eligibility() {
        assert!(Below.is_eligible(0));
        assert!(!NearBand.is_eligible(0));
        assert!(NearBand.is_eligible(1));
        assert!(!Above.is_eligible(3));
    }
}
