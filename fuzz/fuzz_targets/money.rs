#![no_main]
//! Any text as an income cell.

use fupin::domain::money::{cmp_per_capita, parse_money};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    if let Ok(m) = parse_money(s) {
        for n in [0, 1, 3, 7, u32::MAX] {
            let _ = m.per_person(n);
            let _ = m.times(n);
            let _ = cmp_per_capita(m, n, m, 1);
        }
        let _ = (m.grouped(), m.plain(), m.grouped_yuan(), m.as_yuan_f64());
    }
});
