#![no_main]
//! Any text as an ID number cell.

use chrono::NaiveDate;
use fupin::domain::idnum;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let today = NaiveDate::from_ymd_opt(2015, 12, 31).unwrap_or_default();
    if let Ok(p) = idnum::parse(s, today) {
        let _ = (
            p.id.sex(),
            p.id.age_on(today),
            p.id.key(),
            p.id.birth_date(),
        );
        let _ = idnum::mask(p.id.as_str());
    }
    let _ = idnum::mask(s);
});
