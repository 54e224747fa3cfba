#![no_main]
//! Any bytes as villages.csv.

use fupin::domain::roster::Roster;
use fupin::io::sheet::read_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sheets) = read_bytes(data, None) else {
        return;
    };
    let Some(sheet) = sheets.first() else { return };
    let rows: Vec<Vec<String>> = sheet.rows.iter().map(|r| r.strings()).collect();
    let Some((header, rest)) = rows.split_first() else {
        return;
    };
    match Roster::from_rows(header, rest) {
        Ok(r) => {
            for v in &r.villages {
                let _ = r.find(&v.name);
            }
        }
        Err(e) => assert!(!e.is_empty(), "an error without a message"),
    }
});
