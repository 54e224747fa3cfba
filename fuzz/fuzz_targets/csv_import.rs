#![no_main]
//! Any bytes as an application file: read, find the header, check, write
//! (`fupin::fuzzing::import`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = fupin::fuzzing::import(data) {
        assert!(!e.is_empty(), "an error without a message");
    }
    assert!(
        fupin::fuzzing::import_as_read_agrees(data),
        "checked as read, the file gives other register rows or findings than read whole"
    );
});
