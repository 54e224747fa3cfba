//! fupin's own CSV outputs read back by column name, for the files that
//! have no typed line of [`super::lists`]: `meetings.csv`, `schedule.csv`.

use anyhow::{anyhow, Result};
use std::collections::HashMap;
use std::path::Path;

use super::csvout;

/// The rows of `out/schedule.csv` (`village_code, village, stage, start,
/// end`), each as (village code, stage, start, end); none when the file
/// does not exist.
pub fn read_schedule(path: &Path) -> Result<Vec<[String; 4]>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let rows = read_csv(path)?;
    Ok(rows
        .iter()
        .map(|r| {
            let g = |c: &str| r.get(c).cloned().unwrap_or_default();
            [g("village_code"), g("stage"), g("start"), g("end")]
        })
        .collect())
}

/// A fupin CSV output as rows of column → value; header names trimmed of a BOM.
pub fn read_csv(path: &Path) -> Result<Vec<HashMap<String, String>>> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| anyhow!("{} line {}: {e}", path.display(), n + 2))?;
        out.push(
            header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let v = csvout::restore(rec.get(i).unwrap_or("")).trim().to_string();
                    (h.clone(), v)
                })
                .collect(),
        );
    }
    Ok(out)
}
