//! 民主评议, the democratic appraisal (DESIGN 2.6): the quorum of a
//! villager representatives' meeting (村民代表会议), the majority a household
//! needs, and the checks on the numbers of a vote sheet. Pure rules; the
//! command reads the sheets.

use chrono::NaiveDate;

use super::campaign::AppraisalSection;
use super::text::fold_width;

/// Which rule sets the number of representatives a meeting needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The village's population: `quorum_small` or `quorum_large`.
    Population,
    /// Two thirds of the village's representatives (Organic Law).
    TwoThirds,
    /// Both rules ask for the same number.
    Both,
}

impl Rule {
    /// The code in `meetings.csv`.
    pub fn en(self) -> &'static str {
        match self {
            Rule::Population => "population",
            Rule::TwoThirds => "two_thirds",
            Rule::Both => "population+two_thirds",
        }
    }
}

/// The quorum of one village's meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quorum {
    /// 人口, the village's registered population.
    pub population: u64,
    /// The population from which a village counts as large (1,000).
    pub large_village: u32,
    /// Representatives the population rule asks for (20 or 30).
    pub by_population: u32,
    /// 村民代表人数 from the roster and two thirds of it, rounded up.
    pub two_thirds: Option<(u32, u32)>,
    /// The larger of the two: representatives that must be present.
    pub required: u32,
}

/// Two thirds of `n`, rounded up: 45 → 30, 46 → 31.
pub fn two_thirds(n: u32) -> u32 {
    ((2 * u64::from(n)).div_ceil(3)) as u32
}

impl Quorum {
    pub fn new(rules: &AppraisalSection, population: u64, representatives: Option<u32>) -> Quorum {
        let by_population = if population < u64::from(rules.large_village) {
            rules.quorum_small
        } else {
            rules.quorum_large
        };
        let two = representatives.map(|r| (r, two_thirds(r)));
        let required = by_population.max(two.map(|t| t.1).unwrap_or(0));
        Quorum {
            population,
            large_village: rules.large_village,
            by_population,
            two_thirds: two,
            required,
        }
    }

    /// Whether the village counts as large (the `quorum_large` rule).
    pub fn large(&self) -> bool {
        self.population >= u64::from(self.large_village)
    }

    pub fn rule(&self) -> Rule {
        match self.two_thirds {
            Some((_, t)) if t > self.by_population => Rule::TwoThirds,
            Some((_, t)) if t == self.by_population => Rule::Both,
            _ => Rule::Population,
        }
    }

    pub fn met(&self, present: u32) -> bool {
        present >= self.required
    }

    /// The rule that binds, in plain English.
    pub fn explain(&self) -> String {
        let pop = if self.large() {
            format!(
                "a village of {} people or more needs {} representatives present",
                thousands(u64::from(self.large_village)),
                self.by_population
            )
        } else {
            format!(
                "a village under {} people needs {} representatives present",
                thousands(u64::from(self.large_village)),
                self.by_population
            )
        };
        match (self.rule(), self.two_thirds) {
            (Rule::TwoThirds, Some((reps, need))) => format!(
                "two thirds of the village's {reps} representatives must be present, that is {need}"
            ),
            (Rule::Both, Some((reps, _))) => {
                format!("{pop}, and so do two thirds of its {reps} representatives")
            }
            _ => pop,
        }
    }

    /// Why a meeting with `present` representatives is invalid, or `None`
    /// when it has its quorum: "19 present, 20 needed: a village under …".
    pub fn shortfall(&self, present: u32) -> Option<String> {
        (!self.met(present)).then(|| {
            format!(
                "{present} present, {} needed: {}",
                self.required,
                self.explain()
            )
        })
    }
}

/// `1000` → `1,000`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The votes on one household: 赞成 for, 反对 against, 弃权 abstain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Votes {
    pub for_: u32,
    pub against: u32,
    pub abstain: u32,
}

impl Votes {
    pub fn total(&self) -> u64 {
        u64::from(self.for_) + u64::from(self.against) + u64::from(self.abstain)
    }

    /// An error when more votes were cast than representatives were present.
    pub fn check(&self, present: u32) -> Result<(), String> {
        if self.total() > u64::from(present) {
            return Err(format!(
                "赞成 {} + 反对 {} + 弃权 {} = {} votes, more than the {present} representatives present",
                self.for_,
                self.against,
                self.abstain,
                self.total()
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
}

impl Outcome {
    pub fn en(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Outcome::Passed => "通过",
            Outcome::Failed => "未通过",
        }
    }
}

/// A household passes when its votes in favour are more than half of those
/// present: 2 × for > present (exactly half fails).
pub fn passes(votes_for: u32, present: u32) -> bool {
    2 * u64::from(votes_for) > u64::from(present)
}

/// The outcome and its reason: "赞成 23 of 45 present: more than half".
pub fn outcome(votes: &Votes, present: u32) -> (Outcome, String) {
    if passes(votes.for_, present) {
        (
            Outcome::Passed,
            format!("赞成 {} of {present} present: more than half", votes.for_),
        )
    } else {
        (
            Outcome::Failed,
            format!(
                "赞成 {} of {present} present: not more than half",
                votes.for_
            ),
        )
    }
}

/// The fewest votes in favour that pass with `present` representatives.
pub fn votes_needed(present: u32) -> u32 {
    present / 2 + 1
}

/// A count cell: a whole number (full-width digits and a `.0` that a
/// spreadsheet adds are accepted), `None` when blank, an error otherwise.
pub fn parse_count(cell: &str) -> Result<Option<u32>, String> {
    let folded = fold_width(cell);
    let s = folded.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let s = s.trim_end_matches('人').trim_end_matches('票').trim();
    let int = match s.split_once('.') {
        Some((i, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => i,
        Some(_) => s,
        None => s,
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{cell:?} is not a whole number"));
    }
    int.parse::<u32>()
        .map(Some)
        .map_err(|_| format!("{cell:?} is too large"))
}

/// A date as clerks write it: `2015-06-04`, `2015/6/4`, `2015.6.4`,
/// `2015年6月4日` (full-width digits too), `20150604`.
pub fn parse_date(cell: &str) -> Option<NaiveDate> {
    let folded = fold_width(cell);
    let s = folded.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月'])
        .map(str::trim)
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str, max_len: usize| -> Option<u32> {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let y = i32::try_from(num(y, 4)?).ok().filter(|y| *y >= 1900)?;
    NaiveDate::from_ymd_opt(y, num(m, 2)?, num(d, 2)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> AppraisalSection {
        AppraisalSection::default()
    }

    #[test]
    fn quorum_by_population_at_the_edges() {
        let q = Quorum::new(&rules(), 999, None);
        assert_eq!(q.required, 20);
        assert!(!q.met(19));
        assert!(q.met(20));
        assert_eq!(
            q.shortfall(19).unwrap(), // ok: test code, not built into fupin
            "19 present, 20 needed: a village under 1,000 people needs 20 representatives present"
        );
        assert_eq!(q.shortfall(20), None);
        let q = Quorum::new(&rules(), 1000, None);
        assert_eq!(q.required, 30);
        assert!(!q.met(29));
        assert!(q.met(30));
        assert!(q
            .shortfall(29)
            .unwrap() // ok: test code, not built into fupin
            .contains("a village of 1,000 people or more needs 30"));
        assert_eq!(q.rule(), Rule::Population);
    }

    #[test]
    fn two_thirds_rounds_up() {
        assert_eq!(two_thirds(45), 30);
        assert_eq!(two_thirds(46), 31);
        assert_eq!(two_thirds(36), 24);
        assert_eq!(two_thirds(0), 0);
        assert_eq!(two_thirds(u32::MAX), 2_863_311_530);
        let q = Quorum::new(&rules(), 1019, Some(45));
        assert_eq!((q.required, q.rule()), (30, Rule::Both));
        let q = Quorum::new(&rules(), 1019, Some(46));
        assert_eq!((q.required, q.rule()), (31, Rule::TwoThirds));
        assert!(!q.met(30));
        let q = Quorum::new(&rules(), 457, Some(36));
        assert_eq!((q.required, q.rule()), (24, Rule::TwoThirds));
        assert_eq!(
            q.shortfall(23).unwrap(), // ok: test code, not built into fupin
            "23 present, 24 needed: two thirds of the village's 36 representatives must be present, that is 24"
        );
        // Few representatives: the population rule still binds.
        let q = Quorum::new(&rules(), 457, Some(21));
        assert_eq!((q.required, q.rule()), (20, Rule::Population));
    }

    #[test]
    fn configured_thresholds() {
        let r = AppraisalSection {
            quorum_small: 15,
            quorum_large: 25,
            large_village: 800,
        };
        assert_eq!(Quorum::new(&r, 799, None).required, 15);
        assert_eq!(Quorum::new(&r, 800, None).required, 25);
    }

    #[test]
    fn majority_is_more_than_half() {
        assert!(!passes(20, 40));
        assert!(passes(21, 40));
        assert!(!passes(22, 45));
        assert!(passes(23, 45));
        assert!(!passes(0, 0));
        assert_eq!(votes_needed(40), 21);
        assert_eq!(votes_needed(45), 23);
        let v = Votes {
            for_: 20,
            against: 15,
            abstain: 5,
        };
        assert_eq!(
            outcome(&v, 40),
            (
                Outcome::Failed,
                "赞成 20 of 40 present: not more than half".into()
            )
        );
        assert_eq!(outcome(&v, 39).0, Outcome::Passed);
        assert!(v.check(40).is_ok());
        assert!(v
            .check(39)
            .unwrap_err() // ok: test code, not built into fupin
            .contains("40 votes, more than the 39"));
    }

    #[test]
    fn counts_and_dates() {
        assert_eq!(parse_count(" 23 "), Ok(Some(23)));
        assert_eq!(parse_count("２３"), Ok(Some(23)));
        assert_eq!(parse_count("23.0"), Ok(Some(23)));
        assert_eq!(parse_count("23人"), Ok(Some(23)));
        assert_eq!(parse_count(""), Ok(None));
        for bad in ["23.5", "-1", "二十", "1e3", ".", "99999999999"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
        let d = NaiveDate::from_ymd_opt(2015, 6, 4);
        for s in [
            "2015-06-04",
            "2015/6/4",
            "2015.6.4",
            "2015年6月4日",
            "２０１５年６月４日",
            "20150604",
            "2015年6月4",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for bad in ["2015-02-30", "6/4/2015", "", "2015-6", "昨天", "15-6-4"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(thousands(1019), "1,019");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
