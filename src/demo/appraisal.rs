//! The demo town's appraisal sheets: `appraisal/meetings.csv` (one meeting
//! per village with admitted households, early in June, comfortably above
//! its quorum) and `appraisal/votes.csv` (one row per admitted household;
//! most pass clearly, about one in twenty gets no more than half).

use anyhow::{Context, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::write::{write_file, BOM};
use crate::domain::appraisal::Quorum;
use crate::domain::campaign::AppraisalSection;
use crate::domain::roster::Roster;
use crate::domain::screen::Decision;
use crate::io::lists::PrimaryLine;

/// Share of households that fail the vote.
const FAIL_RATE: f64 = 0.05;

/// Write the meeting and vote sheets of the admitted households of
/// `primary` into `dir/appraisal/`; the same seed gives the same files.
pub fn write_appraisal_sheets(
    dir: &Path,
    primary: &[PrimaryLine],
    roster: &Roster,
    year: i32,
    seed: u64,
) -> Result<Vec<PathBuf>> {
    let folder = dir.join("appraisal");
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create folder {}", folder.display()))?;
    let mut by_village: BTreeMap<usize, Vec<&PrimaryLine>> = BTreeMap::new();
    for r in primary.iter().filter(|r| r.decision == Decision::Admitted) {
        let code = &r.base.key.village_code;
        if let Some(vi) = roster.villages.iter().position(|v| v.code == *code) {
            by_village.entry(vi).or_default().push(r);
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6170_7072_6169_7365);
    let rules = AppraisalSection::default();
    let mut meetings = Vec::new();
    let mut votes = Vec::new();
    for (vi, rows) in &by_village {
        let v = &roster.villages[*vi];
        let q = Quorum::new(&rules, v.population, v.representatives);
        let present = match v.representatives {
            Some(reps) if reps > q.required => {
                rng.gen_range(q.required + (reps - q.required).div_ceil(2)..=reps)
            }
            Some(reps) => reps.max(q.required),
            None => q.required + rng.gen_range(4..=16),
        };
        let day = rng.gen_range(3..=4);
        meetings.push(format!("{},{year}-06-{day:02},{present}\n", v.name));
        for r in rows {
            let (f, a, b) = cast(&mut rng, present);
            let hh = &r.base.key.household_id;
            votes.push(format!("{},{hh},{f},{a},{b}\n", v.name));
        }
    }
    let meetings_path = folder.join("meetings.csv");
    write_file(&meetings_path, |w| {
        w.write_all(BOM)?;
        w.write_all("村,日期,到会人数\n".as_bytes())?;
        meetings
            .iter()
            .try_for_each(|l| w.write_all(l.as_bytes()))?;
        Ok(())
    })?;
    let votes_path = folder.join("votes.csv");
    write_file(&votes_path, |w| {
        w.write_all(BOM)?;
        w.write_all("村,户编号,赞成,反对,弃权\n".as_bytes())?;
        votes.iter().try_for_each(|l| w.write_all(l.as_bytes()))?;
        Ok(())
    })?;
    Ok(vec![meetings_path, votes_path])
}

/// Votes for, against and abstaining of `present` representatives; now and
/// then one of them does not vote.
fn cast(rng: &mut ChaCha8Rng, present: u32) -> (u32, u32, u32) {
    let voting = if present > 10 && rng.gen_bool(0.2) {
        present - 1
    } else {
        present
    };
    let votes_for = if rng.gen_bool(FAIL_RATE) {
        rng.gen_range(voting / 4..=present / 2)
    } else {
        voting - rng.gen_range(0..=voting / 6)
    };
    let rest = voting.saturating_sub(votes_for);
    let against = rng.gen_range(0..=rest);
    (votes_for, against, rest - against)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::appraisal::passes;

    #[test]
    fn votes_add_up_and_mostly_pass() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut failed = 0;
        for i in 0..4000 {
            let present = 20 + i % 40;
            let (f, a, b) = cast(&mut rng, present);
            assert!(f + a + b <= present);
            if !passes(f, present) {
                failed += 1;
            }
        }
        assert!((120..=300).contains(&failed), "{failed}");
    }
}
