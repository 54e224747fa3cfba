//! What the fuzz targets of `fuzz/` run on their input, defined once: the
//! targets call these, and `tests/fuzz_regressions.rs` replays the saved
//! crash inputs through the same functions. Each returns what the target
//! checks (an error must carry a message); none panics on any input.

use chrono::NaiveDate;
use std::sync::OnceLock;

use crate::cmd::import::{check_sheets, extra_columns, Reading};
use crate::domain::campaign::Campaign;
use crate::domain::checks::{CampaignChecks, Checker};
use crate::domain::idnum;
use crate::domain::money::{cmp_per_capita, parse_money};
use crate::domain::roster::{Roster, EXAMPLE_CSV};
use crate::io::sheet::read_bytes;

/// The villages of the example roster (the one `init` writes).
pub fn roster() -> Result<&'static Roster, String> {
    static R: OnceLock<Result<Roster, String>> = OnceLock::new();
    R.get_or_init(|| roster_of(EXAMPLE_CSV.as_bytes()))
        .as_ref()
        .map_err(Clone::clone)
}

/// Bytes read as a villages.csv.
fn roster_of(data: &[u8]) -> Result<Roster, String> {
    let sheets = read_bytes(data, None)?;
    let rows: Vec<Vec<String>> = sheets
        .first()
        .map(|s| s.rows.iter().map(|r| r.strings()).collect())
        .unwrap_or_default();
    match rows.split_first() {
        Some((header, rest)) => Roster::from_rows(header, rest),
        None => Err("the file holds no rows".into()),
    }
}

/// `csv_import`: the bytes as an application file, read, checked and
/// written as `fupin import` does; the register bytes, or the message for
/// the clerk.
pub fn import(data: &[u8]) -> Result<Vec<u8>, String> {
    let campaign = Campaign::default();
    let roster = roster()?;
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
    let mut findings = Vec::new();
    r.checked.into_campaign(&mut global, &mut findings, |_| {});
    let _ = global.finish(roster);
    Ok(r.bytes)
}

/// `csv_import`, second oracle: whether the bytes, checked as they are
/// read (household by household, as `fupin import` reads a plain UTF-8
/// CSV file), give the register rows and findings they give read whole.
/// `true` as well when they cannot be checked as read.
pub fn import_as_read_agrees(data: &[u8]) -> bool {
    let campaign = Campaign::default();
    let Ok(roster) = roster() else { return false };
    let Ok(sheets) = read_bytes(data, None) else {
        return true;
    };
    let mut extras: Vec<String> = Vec::new();
    extra_columns(&sheets, &mut extras);
    let checker = Checker::new(&campaign, roster, &extras);
    let village = (data.len() % 2 == 1).then_some("双河村");
    let reading = Reading {
        enc: None,
        village,
        extras: &extras,
        checker: &checker,
    };
    let Some(as_read) = reading.check_csv_as_read("fuzz.csv", data) else {
        return true;
    };
    let whole = check_sheets("fuzz.csv", sheets, village, &extras, &checker);
    whole.problem.is_none()
        && as_read.bytes == whole.bytes
        && as_read.checked.findings == whole.checked.findings
}

/// `workbook_import`: the bytes as a workbook, kept when they carry a zip
/// or OLE magic, else the first byte picks zip (even) or OLE (odd) and the
/// rest follows the magic, so that calamine's parsers see them.
pub fn as_workbook(data: &[u8]) -> Vec<u8> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
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

/// `campaign_toml`: any text as campaign.toml; the error, if it is refused.
pub fn campaign_toml(data: &[u8]) -> Result<(), String> {
    let c = Campaign::from_toml(&String::from_utf8_lossy(data))?;
    let _ = c.current_standard();
    let _ = (c.band_ppm(), c.key_rate_ppm(), c.other_rate_ppm());
    Ok(())
}

/// `villages_csv`: any bytes as villages.csv; the error of a file that
/// reads as a sheet but not as a roster.
pub fn villages_csv(data: &[u8]) -> Result<(), String> {
    if read_bytes(data, None).is_err() {
        return Ok(());
    }
    let r = roster_of(data)?;
    for v in &r.villages {
        let _ = r.find(&v.name);
    }
    Ok(())
}

/// The day the fuzzed ID numbers are checked on.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 12, 31).unwrap_or_default()
}

/// `id_number`: any text as an ID number cell.
pub fn id_number(s: &str) {
    if let Ok(p) = idnum::parse(s, today()) {
        let _ = (
            p.id.sex(),
            p.id.age_on(today()),
            p.id.key(),
            p.id.birth_date(),
        );
        let _ = idnum::mask(p.id.as_str());
    }
    let _ = idnum::mask(s);
}

/// `money`: any text as an income cell.
pub fn money(s: &str) {
    if let Ok(m) = parse_money(s) {
        for n in [0, 1, 3, 7, u32::MAX] {
            let _ = m.per_person(n);
            let _ = m.times(n);
            let _ = cmp_per_capita(m, n, m, 1);
        }
        let _ = (m.grouped(), m.plain(), m.grouped_yuan(), m.as_yuan_f64());
    }
}
