#![no_main]
//! Bytes forced to look like a workbook (zip or OLE magic), so that
//! calamine's .xlsx/.ods/.xls parsers see them (`fupin::fuzzing`).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = fupin::fuzzing::as_workbook(data);
    if let Err(e) = fupin::fuzzing::import(&bytes) {
        assert!(!e.is_empty(), "an error without a message");
    }
});
