#![no_main]
//! Bytes forced to look like a workbook (zip or OLE magic), so that
//! calamine's .xlsx/.ods/.xls parsers see them.

use libfuzzer_sys::fuzz_target;

mod common;

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The bytes as a workbook: kept when they carry a magic, else the first
/// byte picks zip (even) or OLE (odd) and the rest follows the magic.
pub fn as_workbook(data: &[u8]) -> Vec<u8> {
    if data.starts_with(ZIP) || data.starts_with(&OLE[..4]) {
        return data.to_vec();
    }
    let (first, rest) = match data.split_first() {
        Some((f, r)) => (*f, r),
        None => (0, data),
    };
    let magic = if first & 1 == 0 { ZIP } else { OLE };
    [magic, rest].concat()
}

fuzz_target!(|data: &[u8]| {
    let bytes = as_workbook(data);
    if let Err(e) = common::import(&bytes) {
        assert!(!e.is_empty(), "an error without a message");
    }
});
