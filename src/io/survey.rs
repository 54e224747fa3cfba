//! `out/survey.csv` read back: the survey's verified values that the
//! primary list takes in place of the declared ones.

use anyhow::Result;
use std::path::Path;

use super::lists::{self, SurveyLine};
use crate::domain::finding::Source;
use crate::domain::key::HouseholdKey;
use crate::domain::survey::{SurveyIndex, SurveyResult, Verdict};
use crate::error;

/// Results by (village code, household number).
pub type SurveyMap = SurveyIndex;

/// Households the survey made invalid, and why.
pub type SurveyInvalid = Vec<(HouseholdKey, String)>;

/// Read `out/survey.csv` back: results by household and the households the
/// survey made invalid, with the reason. A value fupin did not write (the
/// file damaged or edited by hand) is a data error (exit 1).
pub fn load(path: &Path) -> Result<(SurveyMap, SurveyInvalid)> {
    let mut map = SurveyMap::default();
    let mut invalid = Vec::new();
    // Line by line: a county's survey holds a million of them.
    lists::for_each(path, |l: SurveyLine| {
        let Some(verdict) = l.verdict.verdict() else {
            invalid.push((l.key, l.reason));
            return Ok(());
        };
        // Only what the primary list needs is kept.
        let reason = if verdict == Verdict::Eliminate {
            l.reason
        } else {
            String::new()
        };
        map.insert(
            &l.key.village_code,
            &l.key.household_id,
            SurveyResult {
                village_code: String::new(),
                household_id: String::new(),
                verdict,
                verified_net_income: l.verified_net_income,
                reason,
                src: Source::default(),
            },
        );
        Ok(())
    })
    .map_err(|e| error::data(e.to_string()))?;
    Ok((map, invalid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Fen;

    const HEAD: &str = "village_code,village,household_id,verdict,verified_net_income,reason,source_file,source_sheet,source_row\n";

    fn load_text(text: &str) -> Result<(SurveyMap, SurveyInvalid)> {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let path = dir.path().join("survey.csv");
        std::fs::write(&path, format!("{HEAD}{text}")).unwrap(); // ok: test code, not built into fupin
        load(&path)
    }

    #[test]
    fn verified_income_eliminations_and_invalid_rows_read_back() {
        let (map, invalid) = load_text(
            "01,双河村,3,pass,8000.50,,a.xlsx,表,2\n\
             01,双河村,4,eliminate,,有车,a.xlsx,表,3\n\
             02,石桥村,1,invalid,,verdict \"待定\",a.xlsx,表,4\n",
        )
        .unwrap(); // ok: test code, not built into fupin
        let pass = map.get("01", "3").unwrap(); // ok: test code, not built into fupin
        assert_eq!(pass.verdict, Verdict::Pass);
        assert_eq!(pass.verified_net_income, Some(Fen(800_050)));
        let gone = map.get("01", "4").unwrap(); // ok: test code, not built into fupin
        assert_eq!(
            (gone.verdict, gone.reason.as_str()),
            (Verdict::Eliminate, "有车")
        );
        assert!(map.get("02", "1").is_none());
        assert_eq!(invalid.len(), 1);
        assert_eq!(
            invalid[0].0.to_string(),
            HouseholdKey::new("02", "1").to_string()
        );
        assert_eq!(invalid[0].1, "verdict \"待定\"");
    }

    #[test]
    fn a_hand_edited_verdict_is_a_damaged_file_not_a_usage_error() {
        let e = load_text("01,双河村,3,maybe,,,a.xlsx,表,2\n").unwrap_err(); // ok: test code, not built into fupin
        assert_eq!(error::exit_code(&e), 1, "{e}");
        assert!(e.to_string().contains("maybe"), "{e}");
        let e = load_text("01,双河村,3,pass,lots,,a.xlsx,表,2\n").unwrap_err(); // ok: test code, not built into fupin
        assert_eq!(error::exit_code(&e), 1, "{e}");
    }
}
