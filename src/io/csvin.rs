//! fupin's own CSV outputs read back by column name, for the files that
//! have no typed line of [`super::lists`]: `meetings.csv`, `schedule.csv`.

use anyhow::Result;
use std::collections::HashMap;
use std::path::Path;

use super::csvout;
use crate::error;

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

/// A fupin CSV output as rows of column → value, each with its line
/// number; header names trimmed of a BOM, values restored (see
/// [`csvout::restore`]) and trimmed. A file that cannot be read is a data
/// error naming it.
pub fn read_rows(path: &Path) -> Result<Vec<(usize, HashMap<String, String>)>> {
    let err = |e: csv::Error| error::data(format!("{}: {e}", path.display()));
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(err)?;
    let header: Vec<String> = rdr
        .headers()
        .map_err(err)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec =
            rec.map_err(|e| error::data(format!("{} line {}: {e}", path.display(), n + 2)))?;
        let row = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let v = csvout::restore(rec.get(i).unwrap_or("")).trim().to_string();
                (h.clone(), v)
            })
            .collect();
        out.push((n + 2, row));
    }
    Ok(out)
}

/// [`read_rows`] without the line numbers.
pub fn read_csv(path: &Path) -> Result<Vec<HashMap<String, String>>> {
    Ok(read_rows(path)?.into_iter().map(|(_, r)| r).collect())
}
