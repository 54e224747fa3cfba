#![no_main]
//! Any text as an income cell (`fupin::fuzzing::money`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| fupin::fuzzing::money(s));
