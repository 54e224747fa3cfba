//! The dates of publicity (DESIGN 2.7): village publicity from the day after
//! the appraisal meeting, town publicity from the day after the village
//! publicity ends, the county announcement from the day after the town
//! publicity ends; each lasts its number of days, first and last day
//! included. Also the rows of `out/schedule.csv` and how a stage's rows
//! replace the old ones. Pure: nothing here reads or writes files.

use chrono::{Datelike, Days, NaiveDate};

use super::campaign::PublicitySection;

pub use super::chain::Round;

impl Round {
    /// How many days it lasts, from `[publicity]`.
    pub fn days(self, p: &PublicitySection) -> u32 {
        match self {
            Round::Village => p.village_days,
            Round::Town => p.town_days,
            Round::County => p.county_days,
        }
    }
}

/// A period of publicity, first and last day included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// `days` days from `start`, both ends included: 5 June for 7 days ends
    /// on 11 June.
    pub fn new(start: NaiveDate, days: u32) -> Result<Period, String> {
        if days == 0 {
            return Err("a period of publicity must last at least one day".into());
        }
        let end = start
            .checked_add_days(Days::new(u64::from(days) - 1))
            .ok_or_else(|| format!("{start} plus {days} days is beyond the calendar"))?;
        Ok(Period { start, end })
    }

    /// Days from first to last, both included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// The day after `d`.
pub fn day_after(d: NaiveDate) -> Result<NaiveDate, String> {
    d.succ_opt()
        .ok_or_else(|| format!("{d} is the last day of the calendar"))
}

/// The default first day of a round: the day after the appraisal meeting
/// for the village round, the day after the previous round ends otherwise.
/// `anchor` is the meeting's date or the previous round's last day.
pub fn default_start(anchor: NaiveDate) -> Result<NaiveDate, String> {
    day_after(anchor)
}

/// Whether a start given on the command line fits after `anchor` (the
/// appraisal meeting, or the previous round's last day): the village
/// round may begin on the day of the meeting, later rounds only after the
/// previous round has ended.
pub fn start_fits(round: Round, start: NaiveDate, anchor: NaiveDate) -> bool {
    match round {
        Round::Village => start >= anchor,
        Round::Town | Round::County => start > anchor,
    }
}

/// A date as `YYYY-MM-DD`; `2015-6-5`, `2015/06/05`, `2015.6.5` and
/// `2015年6月5日` are accepted too.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = super::text::fold_width(s);
    let t = t.trim();
    let bad = || format!("{s:?} is not a date (YYYY-MM-DD, e.g. 2015-06-05)");
    let norm: String = t
        .trim_end_matches('日')
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = norm.split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    let num = |p: &str, max_len: usize| -> Result<u32, String> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse::<u32>().map_err(|_| bad())
    };
    if y.len() != 4 {
        return Err(bad());
    }
    let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    let y = i32::try_from(y).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{s:?} is not a real date"))
}

/// `2015年6月5日`
pub fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `5 June 2015`
pub fn en_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = MONTHS
        .get(d.month0() as usize)
        .copied()
        .unwrap_or("January");
    format!("{} {} {}", d.day(), m, d.year())
}

/// One row of `out/schedule.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub village_code: String,
    pub village: String,
    pub round: Round,
    pub period: Period,
}

/// The columns of `out/schedule.csv`.
pub const HEADER: [&str; 5] = ["village_code", "village", "stage", "start", "end"];

impl Entry {
    /// The row's cells in the order of [`HEADER`].
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.village_code.clone(),
            self.village.clone(),
            self.round.name().to_string(),
            self.period.start.format("%Y-%m-%d").to_string(),
            self.period.end.format("%Y-%m-%d").to_string(),
        ]
    }

    /// A row from its cells in the order of [`HEADER`].
    pub fn from_cells(cells: &[&str]) -> Result<Entry, String> {
        let [code, village, stage, start, end] = cells else {
            return Err(format!("expected {} columns", HEADER.len()));
        };
        let round = Round::from_name(stage)
            .ok_or_else(|| format!("stage {stage:?} is not one of village, town, county"))?;
        let period = Period {
            start: parse_date(start)?,
            end: parse_date(end)?,
        };
        if period.end < period.start {
            return Err(format!(
                "the period ends ({end}) before it starts ({start})"
            ));
        }
        Ok(Entry {
            village_code: code.trim().to_string(),
            village: village.trim().to_string(),
            round,
            period,
        })
    }
}

/// The schedule after a round's notices: the old rows of every other round
/// are kept, the round's rows are replaced by `new`; sorted by the
/// village's place (`place`, e.g. its position in the roster), then by
/// round.
pub fn replace_round(
    old: Vec<Entry>,
    round: Round,
    new: Vec<Entry>,
    place: impl Fn(&Entry) -> usize,
) -> Vec<Entry> {
    let mut all: Vec<Entry> = old.into_iter().filter(|e| e.round != round).collect();
    all.extend(new);
    // A stable sort keeps villages outside the roster in their order.
    all.sort_by(|a, b| {
        place(a)
            .cmp(&place(b))
            .then_with(|| a.village_code.cmp(&b.village_code))
            .then_with(|| a.round.cmp(&b.round))
    });
    all
}

/// The period of `round` for a village in the schedule, by code.
pub fn find(entries: &[Entry], village_code: &str, round: Round) -> Option<Period> {
    entries
        .iter()
        .rev()
        .find(|e| e.round == round && e.village_code == village_code)
        .map(|e| e.period)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap() // ok: test code, not built into fupin
    }

    fn p(start: &str, days: u32) -> Period {
        Period::new(d(start), days).unwrap() // ok: test code, not built into fupin
    }

    #[test]
    fn seven_days_inclusive() {
        let v = p("2015-06-05", 7);
        assert_eq!(v.end, d("2015-06-11"));
        assert_eq!(v.days(), 7);
        assert_eq!(p("2015-06-05", 1).end, d("2015-06-05"));
        assert!(Period::new(d("2015-06-05"), 0).is_err());
    }

    #[test]
    fn whole_stage_five_chains_from_the_meeting() {
        let publicity = PublicitySection::default();
        let meeting = d("2015-06-04");
        let mut anchor = meeting;
        let mut got = Vec::new();
        for r in Round::ALL {
            let per = Period::new(default_start(anchor).unwrap(), r.days(&publicity)).unwrap(); // ok: test code, not built into fupin
            got.push((per.start, per.end));
            anchor = per.end;
        }
        assert_eq!(
            got,
            vec![
                (d("2015-06-05"), d("2015-06-11")),
                (d("2015-06-12"), d("2015-06-18")),
                (d("2015-06-19"), d("2015-06-23")),
            ]
        );
    }

    #[test]
    fn across_month_and_year_ends() {
        assert_eq!(p("2015-06-28", 7).end, d("2015-07-04"));
        assert_eq!(p("2015-12-29", 7).end, d("2016-01-04"));
        assert_eq!(default_start(d("2015-12-31")).unwrap(), d("2016-01-01")); // ok: test code, not built into fupin
        assert_eq!(default_start(d("2015-01-31")).unwrap(), d("2015-02-01")); // ok: test code, not built into fupin

        // February of a leap year and of a common year.
        assert_eq!(p("2016-02-26", 7).end, d("2016-03-03"));
        assert_eq!(p("2015-02-26", 7).end, d("2015-03-04"));
        assert_eq!(default_start(d("2016-02-28")).unwrap(), d("2016-02-29")); // ok: test code, not built into fupin
        assert_eq!(default_start(d("2015-02-28")).unwrap(), d("2015-03-01")); // ok: test code, not built into fupin
        assert!(default_start(NaiveDate::MAX).is_err());
        assert!(Period::new(NaiveDate::MAX, 2).is_err());
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(d("2015-6-5"), d("2015-06-05"));
        assert_eq!(d("2015/06/05"), d("2015-06-05"));
        assert_eq!(d(" 2015.6.5 "), d("2015-06-05"));
        assert_eq!(d("2015年6月5日"), d("2015-06-05"));
        assert_eq!(d("２０１５-０６-０５"), d("2015-06-05"));
        for bad in [
            "",
            "2015-13-01",
            "2015-02-29",
            "2015-06",
            "15-06-05",
            "June 5",
            "2015-06-05-01",
            "2015-+6-05",
            "2015-006-05",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(d("2016-02-29").day(), 29);
    }

    #[test]
    fn dates_print_in_both_languages() {
        assert_eq!(zh_date(d("2015-06-05")), "2015年6月5日");
        assert_eq!(en_date(d("2016-01-04")), "4 January 2016");
    }

    #[test]
    fn a_given_start_must_follow_the_previous_round() {
        let meeting = d("2015-06-04");
        assert!(start_fits(Round::Village, meeting, meeting));
        assert!(!start_fits(Round::Village, d("2015-06-03"), meeting));
        let village_end = d("2015-06-11");
        assert!(!start_fits(Round::Town, village_end, village_end));
        assert!(start_fits(Round::Town, d("2015-06-12"), village_end));
    }

    #[test]
    fn a_round_replaces_only_its_own_rows() {
        let e = |code: &str, round: Round, start: &str| Entry {
            village_code: code.into(),
            village: format!("村{code}"),
            round,
            period: p(start, 7),
        };
        let old = vec![
            e("2", Round::Village, "2015-06-05"),
            e("2", Round::Town, "2015-06-12"),
            e("1", Round::Village, "2015-06-05"),
            e("9", Round::Village, "2015-06-05"),
        ];
        let new = vec![e("1", Round::Village, "2015-07-01")];
        let place = |x: &Entry| match x.village_code.as_str() {
            "1" => 0,
            "2" => 1,
            _ => usize::MAX,
        };
        let got = replace_round(old, Round::Village, new, place);
        let keys: Vec<(&str, Round)> = got
            .iter()
            .map(|x| (x.village_code.as_str(), x.round))
            .collect();
        assert_eq!(keys, vec![("1", Round::Village), ("2", Round::Town)]);
        assert_eq!(got[0].period.start, d("2015-07-01"));
        assert_eq!(
            find(&got, "2", Round::Town).map(|x| x.end),
            Some(d("2015-06-18"))
        );
        assert_eq!(find(&got, "2", Round::Village), None);
    }

    #[test]
    fn schedule_rows_round_trip() {
        let e = Entry {
            village_code: "370323101".into(),
            village: "双河村".into(),
            round: Round::Town,
            period: p("2015-12-29", 7),
        };
        let cells = e.cells();
        assert_eq!(cells[3..], ["2015-12-29", "2016-01-04"]);
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        assert_eq!(Entry::from_cells(&refs).unwrap(), e); // ok: test code, not built into fupin
        assert!(Entry::from_cells(&["1", "村", "city", "2015-06-05", "2015-06-06"]).is_err());
        assert!(Entry::from_cells(&["1", "村", "town", "2015-06-05", "2015-06-01"]).is_err());
        assert!(Entry::from_cells(&["1", "村"]).is_err());
    }
}
