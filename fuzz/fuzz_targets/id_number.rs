#![no_main]
//! Any text as an ID number cell (`fupin::fuzzing::id_number`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| fupin::fuzzing::id_number(s));
