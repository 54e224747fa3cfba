//! Exact money. Amounts are held in fen (0.01 yuan) as `i64`; comparisons
//! that involve a household's size are done by cross-multiplying in `i128`,
//! never with binary floating point (DESIGN 2.9). An income written finer
//! than the fen (a per-capita income of 3321.995) is held as an [`Exact`]
//! amount, and rounded to the fen only when it is shown (DESIGN 7).

use std::cmp::Ordering;
use std::fmt;

/// An amount of money in fen (分), 1/100 yuan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

impl Fen {
    pub fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    /// The amount per person, rounded half-up (away from zero) to the fen:
    /// only for display, never for comparison.
    pub fn per_person(self, persons: u32) -> Fen {
        if persons == 0 {
            return self;
        }
        Fen(div_round_half_up(self.0 as i128, persons as i128) as i64)
    }

    /// The amount times a number of persons.
    pub fn times(self, persons: u32) -> Fen {
        Fen(self.0.saturating_mul(persons as i64))
    }

    /// Plain decimal form with two places, no separators: `3322.00`, `-12.50`.
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }

    /// Form with thousands separators for messages: `3,401.50`.
    pub fn grouped(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let int = (a / 100).to_string();
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}.{:02}", a % 100)
    }

    /// Whole yuan with separators, for standards: `3,322`.
    pub fn grouped_yuan(self) -> String {
        let g = self.grouped();
        match g.strip_suffix(".00") {
            Some(s) => s.to_string(),
            None => g,
        }
    }

    /// The amount in yuan as a float, only for writing numbers into workbooks.
    pub fn as_yuan_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

/// Units of [`Exact`] in a fen: 10^10, so that an income cell's finest
/// decimal (the 12th of a yuan) is a whole unit.
const PER_FEN: i128 = 10_000_000_000;

/// An exact amount of money, finer than the fen: in units of 10^-10 fen
/// (10^-12 yuan, the finest an income cell may be written in). Where only
/// 人均纯收入 is given the per-capita income is that value exactly, and the
/// household's net income, per-capita × size, need not be a whole number
/// of fen (3321.995 × 3 = 9965.985): neither is rounded before the
/// comparison with the standard, only when shown (DESIGN 7, 2.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Exact(i128);

impl From<Fen> for Exact {
    fn from(f: Fen) -> Exact {
        Exact(i128::from(f.0) * PER_FEN)
    }
}

impl Exact {
    /// The amount rounded half-up (away from zero) to the fen, as it is
    /// shown; never for comparison.
    pub fn fen(self) -> Fen {
        Fen(div_round_half_up(self.0, PER_FEN).clamp(i64::MIN.into(), i64::MAX.into()) as i64)
    }

    /// The amount per person rounded half-up to the fen, as it is shown.
    pub fn per_person(self, persons: u32) -> Fen {
        let d = PER_FEN * i128::from(persons.max(1));
        Fen(div_round_half_up(self.0, d).clamp(i64::MIN.into(), i64::MAX.into()) as i64)
    }

    /// The amount times a number of persons.
    pub fn times(self, persons: u32) -> Exact {
        Exact(self.0.saturating_mul(i128::from(persons)))
    }

    /// The amount in units of 10^-10 fen.
    pub fn units(self) -> i128 {
        self.0
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

/// Compare per-capita incomes `a / a_size` and `b / b_size` exactly, for
/// any amounts (a size of 0 counts as 1).
pub fn cmp_per_capita_exact(a: Exact, a_size: u32, b: Exact, b_size: u32) -> Ordering {
    let (ad, bd) = (i128::from(a_size.max(1)), i128::from(b_size.max(1)));
    // Whole parts first, then the remainders (each below its divisor, so
    // that their cross products cannot overflow).
    let (aq, ar) = (a.0.div_euclid(ad), a.0.rem_euclid(ad));
    let (bq, br) = (b.0.div_euclid(bd), b.0.rem_euclid(bd));
    aq.cmp(&bq).then_with(|| (ar * bd).cmp(&(br * ad)))
}

/// `n / d` rounded half away from zero; `d > 0`.
pub fn div_round_half_up(n: i128, d: i128) -> i128 {
    if n >= 0 {
        (2 * n + d) / (2 * d)
    } else {
        -((2 * -n + d) / (2 * d))
    }
}

/// Compare per-capita incomes `a_net / a_size` and `b_net / b_size` exactly.
pub fn cmp_per_capita(a_net: Fen, a_size: u32, b_net: Fen, b_size: u32) -> Ordering {
    let l = a_net.0 as i128 * b_size.max(1) as i128;
    let r = b_net.0 as i128 * a_size.max(1) as i128;
    l.cmp(&r)
}

/// Why an income cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyError;

/// Parse an income cell: `3200`, `3,200`, `3200.50`, `3200元`, full-width
/// digits `３２００`, an optional sign. More than two decimals are rounded
/// half-up to the fen. Anything else is an error.
pub fn parse_money(text: &str) -> Result<Fen, MoneyError> {
    parse_exact(text).map(Exact::fen)
}

/// Parse an income cell as [`parse_money`] does, keeping every decimal
/// written (up to 12): `3321.995` is 3321.995 yuan exactly.
pub fn parse_exact(text: &str) -> Result<Exact, MoneyError> {
    let mut s = String::with_capacity(text.len());
    for c in text.trim().chars() {
        let c = match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            '－' | '−' => '-',
            '＋' => '+',
            _ => c,
        };
        s.push(c);
    }
    let s = s.trim();
    let s = s
        .strip_suffix("元")
        .or_else(|| s.strip_suffix("yuan"))
        .unwrap_or(s)
        .trim_end();
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int.is_empty() && frac.is_none_or(|f| f.is_empty()) {
        return Err(MoneyError);
    }
    let int_digits = check_grouping(int)?;
    let mut value: i128 = 0;
    for b in int_digits.bytes() {
        value = value * 10 + (b - b'0') as i128;
        if value > 1_000_000_000_000 {
            return Err(MoneyError);
        }
    }
    let mut units = value * 100 * PER_FEN;
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) || f.len() > 12 {
            return Err(MoneyError);
        }
        let mut num: i128 = 0;
        for b in f.bytes() {
            num = num * 10 + (b - b'0') as i128;
        }
        // 12 decimals at most: the units of a yuan are a multiple of 10^12.
        units += num * 100 * PER_FEN / 10i128.pow(f.len() as u32);
    }
    Ok(Exact(if neg { -units } else { units }))
}

/// Accept `3200` or correctly grouped `3,200` / `1,234,567`; return digits.
fn check_grouping(int: &str) -> Result<String, MoneyError> {
    if int.is_empty() {
        return Ok(String::new());
    }
    if !int.contains(',') {
        return if int.bytes().all(|b| b.is_ascii_digit()) {
            Ok(int.to_string())
        } else {
            Err(MoneyError)
        };
    }
    let groups: Vec<&str> = int.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    if !first_ok || !rest_ok || !int.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(MoneyError);
    }
    Ok(groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_money("3200"), Ok(Fen(320000)));
        assert_eq!(parse_money("3,200"), Ok(Fen(320000)));
        assert_eq!(parse_money("3200.50"), Ok(Fen(320050)));
        assert_eq!(parse_money("3200元"), Ok(Fen(320000)));
        assert_eq!(parse_money("３２００"), Ok(Fen(320000)));
        assert_eq!(parse_money(" 1,234,567.5 "), Ok(Fen(123456750)));
        assert_eq!(parse_money("-150"), Ok(Fen(-15000)));
        assert_eq!(parse_money("3321.995"), Ok(Fen(332200)));
    }

    #[test]
    fn refused_forms() {
        for bad in [
            "",
            "abc",
            "32,00",
            "3200.5.1",
            "3千",
            "1e3",
            ".",
            "3200.",
            "--1",
            "12,34,567",
        ] {
            assert_eq!(parse_money(bad), Err(MoneyError), "{bad}");
        }
    }

    #[test]
    fn per_person_rounds_half_up() {
        assert_eq!(Fen(664399).per_person(2), Fen(332200));
        assert_eq!(Fen(1000).per_person(3), Fen(333));
        assert_eq!(Fen(-1001).per_person(2), Fen(-501));
    }

    #[test]
    fn exact_comparison() {
        // 6,643.99 / 2 = 3,321.995 is below 3,322.00 per person.
        assert_eq!(
            cmp_per_capita(Fen(664399), 2, Fen(332200), 1),
            Ordering::Less
        );
        assert_eq!(cmp_per_capita(Fen(300), 3, Fen(100), 1), Ordering::Equal);
    }

    #[test]
    fn a_per_capita_income_is_that_value_exactly() {
        let p = parse_exact("3321.995").unwrap(); // ok: test code, not built into fupin
        assert!(p < Exact::from(Fen(332_200)));
        assert!(p > Exact::from(Fen(332_199)));
        assert_eq!(p.fen(), Fen(332_200));
        // Times 2: 6643.99 exactly; times 3: 9965.985, shown 9965.99.
        assert_eq!(p.times(2), Exact::from(Fen(664_399)));
        assert_eq!(p.times(3).fen(), Fen(996_599));
        assert_eq!(p.times(3).per_person(3), Fen(332_200));
        assert_eq!(parse_exact("-0.005").map(Exact::fen), Ok(Fen(-1)));
        assert_eq!(
            parse_exact("0.000000000001").map(Exact::units),
            Ok(1),
            "the 12th decimal of a yuan is one unit"
        );
        assert_eq!(parse_exact("3.2.1"), Err(MoneyError));
    }

    #[test]
    fn exact_per_capita_comparison() {
        let p = parse_exact("3321.995").unwrap(); // ok: test code, not built into fupin
        assert_eq!(
            cmp_per_capita_exact(p.times(3), 3, Fen(332_200).into(), 1),
            Ordering::Less
        );
        assert_eq!(cmp_per_capita_exact(p.times(3), 3, p, 1), Ordering::Equal);
        assert_eq!(
            cmp_per_capita_exact(Fen(-1).into(), 3, Fen(0).into(), 1),
            Ordering::Less
        );
        let huge = Exact::from(Fen(i64::MAX)).times(u32::MAX);
        assert_eq!(
            cmp_per_capita_exact(huge, u32::MAX, huge, u32::MAX - 1),
            Ordering::Less
        );
    }

    #[test]
    fn display() {
        assert_eq!(Fen(340150).grouped(), "3,401.50");
        assert_eq!(Fen(332200).plain(), "3322.00");
        assert_eq!(Fen(-5).plain(), "-0.05");
    }
}
