#![no_main]
//! Any bytes as villages.csv (`fupin::fuzzing::villages_csv`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = fupin::fuzzing::villages_csv(data) {
        assert!(!e.is_empty(), "an error without a message");
    }
});
