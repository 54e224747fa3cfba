//! The import path of `fupin import` (see `src/cmd/import.rs`, `read_one`),
//! shared by the `csv_import` and `workbook_import` targets.
//! `tests/fuzz_regressions.rs` holds a copy of this logic.

use std::sync::OnceLock;

use fupin::domain::campaign::Campaign;
use fupin::domain::checks::{CampaignChecks, Checker};
use fupin::domain::register::{group_households, PersonRow};
use fupin::domain::roster::{Roster, EXAMPLE_CSV};
use fupin::io::application::{find_header, normalise_header, person_rows};
use fupin::io::register::write_household;
use fupin::io::sheet::read_bytes;

/// The three villages of the example roster.
pub fn roster() -> &'static Roster {
    static R: OnceLock<Roster> = OnceLock::new();
    R.get_or_init(|| {
        let sheets = read_bytes(EXAMPLE_CSV.as_bytes(), None).expect("example roster");
        let rows: Vec<Vec<String>> = sheets[0].rows.iter().map(|r| r.cells.clone()).collect();
        Roster::from_rows(&rows[0], &rows[1..]).expect("example roster")
    })
}

/// Read the bytes as an application file and run every check on it; the
/// register bytes, or the message for the clerk.
pub fn import(data: &[u8]) -> Result<Vec<u8>, String> {
    let campaign = Campaign::default();
    let roster = roster();
    let mut sheets = read_bytes(data, None)?;
    let mut extras: Vec<String> = Vec::new();
    for s in &sheets {
        if let Some(m) = find_header(s) {
            for (_, label) in m.extras {
                if !label.is_empty() && !extras.contains(&label) {
                    extras.push(label);
                }
            }
        }
    }
    let checker = Checker::new(&campaign, roster, &extras);
    let mut rows: Vec<PersonRow> = Vec::new();
    for s in &mut sheets {
        let Some(map) = find_header(s) else { continue };
        let slots: Vec<usize> = map
            .extras
            .iter()
            .map(|(_, l)| {
                extras
                    .iter()
                    .position(|e| e == &normalise_header(l))
                    .unwrap_or(usize::MAX)
            })
            .collect();
        // Half the inputs as if imported with --village.
        let village = (data.len() % 2 == 1).then_some("双河村");
        rows.append(&mut person_rows(
            "fuzz.csv",
            s,
            &map,
            &slots,
            extras.len(),
            village,
        ));
    }
    let mut global = CampaignChecks::new(roster);
    let mut w = csv::Writer::from_writer(Vec::new());
    for mut group in group_households(rows) {
        let (hh, _findings) = checker.household(&mut group);
        let _ = global.add(&hh, &group);
        write_household(&mut w, &group, extras.len()).map_err(|e| e.to_string())?;
    }
    let _ = global.finish(roster);
    w.into_inner().map_err(|e| e.to_string())
}
