//! The demo town's review sheets: a few upheld objections during the village
//! publicity, and a town and a county review that pass everyone on (a sheet
//! with its header and no rows).

use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::write::{write_file, BOM};
use crate::domain::appraisal::Outcome;
use crate::io::lists::AppraisedLine;

const REASONS: [&str; 4] = [
    "群众反映家庭有经营性收入，经核实属实",
    "群众反映子女在城镇工作、有赡养能力，经核实属实",
    "群众反映家庭购置小轿车，经核实属实",
    "群众反映申报收入偏低，经入户复核收入超标",
];

/// Write `review/village-objections.csv` (about one household in a hundred
/// of those that passed the appraisal removed, with the reason), and
/// header-only `review/town-review.csv` and `review/county-review.csv`.
pub fn write_review_sheets(
    dir: &Path,
    appraised: &[AppraisedLine],
    seed: u64,
) -> Result<Vec<PathBuf>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_0b1e_c710);
    let header = "村,户编号,决定,原因\n";
    let passed: Vec<&AppraisedLine> = appraised
        .iter()
        .filter(|r| r.outcome == Outcome::Passed)
        .collect();
    let n_remove = (passed.len() / 100).max(1).min(passed.len());
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n_remove {
        let i = rng.gen_range(0..passed.len());
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    let dir = dir.join("review");
    std::fs::create_dir_all(&dir)?;
    let mut files = Vec::new();
    let village = dir.join("village-objections.csv");
    write_file(&village, |w| {
        w.write_all(BOM)?;
        w.write_all(header.as_bytes())?;
        for &i in &chosen {
            let r = passed[i];
            let reason = REASONS[rng.gen_range(0..REASONS.len())];
            // The sheet names the village as a clerk would: by its name.
            let (village, hh) = (&r.base.village, &r.base.key.household_id);
            writeln!(w, "{village},{hh},取消,{reason}")?;
        }
        Ok(())
    })?;
    files.push(village);
    for name in ["town-review.csv", "county-review.csv"] {
        let p = dir.join(name);
        write_file(&p, |w| {
            w.write_all(BOM)?;
            w.write_all(header.as_bytes())?;
            Ok(())
        })?;
        files.push(p);
    }
    Ok(files)
}
