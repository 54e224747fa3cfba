//! The import path of `fupin import` (see `src/cmd/import.rs`, `read_one`),
//! shared by the `csv_import` and `workbook_import` targets.
//! `tests/fuzz_regressions.rs` replays the same path.

use std::sync::OnceLock;

use fupin::domain::campaign::Campaign;
use fupin::domain::checks::{CampaignChecks, Checker};
use fupin::domain::roster::{Roster, EXAMPLE_CSV};
use fupin::cmd::import::{check_sheets, extra_columns};
use fupin::io::sheet::read_bytes;

/// The three villages of the example roster.
pub fn roster() -> &'static Roster {
    static R: OnceLock<Roster> = OnceLock::new();
    R.get_or_init(|| {
        let sheets = read_bytes(EXAMPLE_CSV.as_bytes(), None).expect("example roster");
        let rows: Vec<Vec<String>> = sheets[0].rows.iter().map(|r| r.strings()).collect();
        Roster::from_rows(&rows[0], &rows[1..]).expect("example roster")
    })
}

/// Read the bytes as an application file and run every check on it; the
/// register bytes, or the message for the clerk.
pub fn import(data: &[u8]) -> Result<Vec<u8>, String> {
    let campaign = Campaign::default();
    let roster = roster();
    let sheets = read_bytes(data, None)?;
    let mut extras: Vec<String> = Vec::new();
    extra_columns(&sheets, &mut extras);
    let checker = Checker::new(&campaign, roster, &extras);
    let village = (data.len() % 2 == 1).then_some("双河村");
    let r = check_sheets("fuzz.csv", sheets, village, &extras, &checker);
    if let Some(p) = r.problem {
        return Err(p.message);
    }
    let mut global = CampaignChecks::new(roster);
    for (hh, ids) in r.checked() {
        let _ = global.add(hh, ids);
    }
    let _ = global.finish(roster);
    Ok(r.bytes)
}
