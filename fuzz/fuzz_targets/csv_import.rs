#![no_main]
//! Any bytes as an application file: read, find the header, check, write.

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = common::import(data) {
        assert!(!e.is_empty(), "an error without a message");
    }
});
