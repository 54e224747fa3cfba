//! Identity numbers that are unique across the whole demo town without any
//! coordination between villages generated in parallel.
//!
//! A birth date and a sequence half-number `h` (0..LANES) form a slot
//! `day × LANES + h`; village `v` of `V` owns the slots `≡ v (mod V)`. Males
//! get sequence `2h + 1`, females `2h + 2`, so the number's sex digit is
//! right, and two villages can never produce the same number.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

use crate::domain::idnum;

/// Sequence half-numbers per birth date: 2h+2 stays below 1000.
const LANES: u64 = 499;

/// Address codes: the county itself, and a few neighbouring counties where
/// people who married in were first registered.
const HOME_ADDRESS: u32 = 370124;
const OTHER_ADDRESSES: &[u32] = &[370983, 371524, 370181, 370105, 371522, 370911];

/// Day number 0 of the slot space.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

/// The day number of a date (days since 1900-01-01).
pub fn day_of(date: NaiveDate) -> i64 {
    (date - epoch()).num_days()
}

fn date_of(day: i64) -> NaiveDate {
    epoch() + chrono::Duration::days(day)
}

pub struct IdAllocator {
    village: u64,
    villages: u64,
    /// The last day a birth may fall on.
    max_day: i64,
    used: HashSet<u64>,
}

/// A freshly made number and the birth date in it.
pub struct Allocated {
    pub id: String,
    pub birth: NaiveDate,
}

impl IdAllocator {
    pub fn new(village: usize, villages: usize, last_birth: NaiveDate) -> IdAllocator {
        IdAllocator {
            village: village as u64,
            villages: villages.max(1) as u64,
            max_day: day_of(last_birth),
            used: HashSet::new(),
        }
    }

    /// A number for a person born near `wanted` (moved by at most a few days
    /// when the village has no free slot on that day). `home` says whether
    /// the number was issued in the county.
    pub fn allocate(
        &mut self,
        rng: &mut ChaCha8Rng,
        wanted: NaiveDate,
        male: bool,
        home: bool,
    ) -> Allocated {
        let day = day_of(wanted).clamp(1, self.max_day);
        let start = day as u64 * LANES + rng.gen_range(0..LANES);
        let slot = self.free_slot(start, male);
        let h = slot % LANES;
        let birth = date_of((slot / LANES) as i64);
        let sequence = if male { 2 * h + 1 } else { 2 * h + 2 } as u32;
        let address = if home {
            HOME_ADDRESS
        } else {
            OTHER_ADDRESSES[rng.gen_range(0..OTHER_ADDRESSES.len())]
        };
        Allocated {
            id: idnum::make(address, birth, sequence),
            birth,
        }
    }

    /// The first free slot of this village at or after `start` (before it
    /// when the later ones run past the last birth day).
    fn free_slot(&mut self, start: u64, male: bool) -> u64 {
        let (v, n) = (self.village, self.villages);
        let limit = (self.max_day as u64 + 1) * LANES;
        let mut s = start + (v + n - start % n) % n;
        while s < limit {
            if self.used.insert(s * 2 + male as u64) {
                return s;
            }
            s += n;
        }
        let mut next = start.checked_sub((start % n + n - v) % n);
        while let Some(s) = next {
            if self.used.insert(s * 2 + male as u64) {
                return s;
            }
            next = s.checked_sub(n);
        }
        // Every slot of a century is taken: no household list comes near
        // that, but stay correct by going past the last day.
        let mut s = limit + (v + n - limit % n) % n;
        while !self.used.insert(s * 2 + male as u64) {
            s += n;
        }
        s
    }
}

/// Age in whole years on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The 15-digit legacy form of an 18-digit number born in the 1900s.
pub fn legacy15(id: &str) -> Option<String> {
    if id.len() != 18 || !id.is_char_boundary(6) || id.get(6..8) != Some("19") {
        return None;
    }
    Some(format!("{}{}", &id[..6], &id[8..17]))
}

/// The number with a wrong check character.
pub fn break_check(id: &str) -> String {
    const CYCLE: &[u8] = b"0123456789X";
    let b = id.as_bytes();
    let last = b.last().copied().unwrap_or(b'0');
    let pos = CYCLE.iter().position(|&c| c == last).unwrap_or(0);
    let mut s = id[..id.len().saturating_sub(1)].to_string();
    s.push(CYCLE[(pos + 1) % CYCLE.len()] as char);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn villages_never_collide() {
        let last = NaiveDate::from_ymd_opt(2014, 12, 31).unwrap(); // ok: test code, not built into fupin
        let today = NaiveDate::from_ymd_opt(2015, 6, 1).unwrap(); // ok: test code, not built into fupin
        let mut seen = HashSet::new();
        for v in 0..3 {
            let mut a = IdAllocator::new(v, 3, last);
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            for i in 0..3000 {
                let wanted = NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(); // ok: test code, not built into fupin
                let male = i % 2 == 0;
                let got = a.allocate(&mut rng, wanted, male, i % 7 != 0);
                let p = idnum::parse(&got.id, today).unwrap(); // ok: test code, not built into fupin
                assert_eq!(p.id.sex() == idnum::Sex::Male, male);
                assert_eq!(p.id.birth_date(), got.birth);
                assert!(seen.insert(got.id[6..].to_string()), "{}", got.id);
            }
        }
    }

    #[test]
    fn many_villages_stay_near_the_wanted_day_and_before_the_last() {
        let last = NaiveDate::from_ymd_opt(2014, 12, 31).unwrap(); // ok: test code, not built into fupin
        let mut a = IdAllocator::new(777, 1000, last);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let early = NaiveDate::from_ymd_opt(1960, 3, 3).unwrap(); // ok: test code, not built into fupin
        for wanted in [early, last] {
            for _ in 0..5 {
                let got = a.allocate(&mut rng, wanted, true, true);
                assert!(got.birth <= last);
                assert!((got.birth - wanted).num_days().abs() <= 15);
            }
        }
    }

    #[test]
    fn legacy_and_broken_forms() {
        let today = NaiveDate::from_ymd_opt(2015, 6, 1).unwrap(); // ok: test code, not built into fupin
        let id = idnum::make(370124, NaiveDate::from_ymd_opt(1970, 5, 6).unwrap(), 31); // ok: test code, not built into fupin
        let l = legacy15(&id).unwrap(); // ok: test code, not built into fupin
        assert_eq!(l.len(), 15);
        let p = idnum::parse(&l, today).unwrap(); // ok: test code, not built into fupin
        assert!(p.converted_from_15);
        assert_eq!(p.id.as_str(), id);
        assert!(matches!(
            idnum::parse(&break_check(&id), today),
            Err(idnum::IdError::CheckDigit { .. })
        ));
    }
}
