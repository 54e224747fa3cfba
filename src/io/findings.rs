//! `out/findings.csv`: every finding, sorted for the clerk.

use anyhow::Result;
use std::path::Path;

use crate::domain::finding::Finding;
use crate::domain::rules::natural_cmp;

use super::csvout;

pub const HEADER: [&str; 9] = [
    "severity",
    "kind",
    "file",
    "sheet",
    "row",
    "column",
    "village",
    "household",
    "message",
];

/// Sort findings by village, household (natural order), severity, file, row.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.village
            .cmp(&b.village)
            .then_with(|| natural_cmp(&a.household, &b.household))
            .then_with(|| a.severity.cmp(&b.severity))
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.sheet.cmp(&b.sheet))
            .then_with(|| a.row.cmp(&b.row))
            .then_with(|| a.column.cmp(&b.column))
            .then_with(|| a.kind.cmp(b.kind))
            .then_with(|| a.message.cmp(&b.message))
    });
}

pub fn write_csv(path: &Path, findings: &[Finding]) -> Result<()> {
    csvout::write_csv(
        path,
        &HEADER,
        findings.iter().map(|f| {
            vec![
                f.severity.en().to_string(),
                f.kind.to_string(),
                f.file.clone(),
                f.sheet.clone(),
                if f.row == 0 {
                    String::new()
                } else {
                    f.row.to_string()
                },
                f.column.clone(),
                f.village.clone(),
                f.household.clone(),
                f.message.clone(),
            ]
        }),
    )
}
/// How many errors a findings CSV lists (its rows whose severity is
/// `error`); `None` when there is no such file.
pub fn count_errors(path: &Path) -> Result<Option<usize>> {
    if !path.is_file() {
        return Ok(None);
    }
    let rows = super::csvin::read_csv(path)?;
    Ok(Some(
        rows.iter()
            .filter(|r| r.get("severity").is_some_and(|s| s == "error"))
            .count(),
    ))
}
