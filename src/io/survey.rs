//! `out/survey.csv` read back: the survey's verified values that the
//! primary list takes in place of the declared ones.

use anyhow::Result;
use std::fmt;
use std::path::Path;

use super::csvout;
use crate::domain::finding::Source;
use crate::domain::money::parse_money;
use crate::domain::survey::{SurveyIndex, SurveyResult, Verdict};

/// Results by (village code, household number).
pub type SurveyMap = SurveyIndex;

/// Households the survey made invalid: (village code, household number) and why.
pub type SurveyInvalid = Vec<((String, String), String)>;

/// A value in `out/survey.csv` that fupin did not write: the file was
/// damaged or edited by hand. It is a data problem (exit 1), not a usage
/// one, so a command maps it to its data failure.
#[derive(Debug)]
pub struct Damaged(pub String);

impl fmt::Display for Damaged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Damaged {}

fn damaged(msg: String) -> anyhow::Error {
    Damaged(msg).into()
}

/// Read `out/survey.csv` back: results by (village code, household number)
/// and the households the survey made invalid, with the reason.
pub fn load(path: &Path) -> Result<(SurveyMap, SurveyInvalid)> {
    let mut rdr = csv::Reader::from_path(path)?;
    let mut map = SurveyMap::default();
    let mut invalid = Vec::new();
    let mut rec = csv::StringRecord::new();
    while rdr.read_record(&mut rec)? {
        let g = |i: usize| csvout::restore(rec.get(i).unwrap_or(""));
        let verdict = match g(3) {
            "invalid" => {
                invalid.push(((g(0).to_string(), g(2).to_string()), g(5).to_string()));
                continue;
            }
            v => Verdict::parse(v).ok_or_else(|| {
                damaged(format!(
                    "{}: verdict {v:?} is not one fupin wrote",
                    path.display()
                ))
            })?,
        };
        let verified = match g(4) {
            "" => None,
            s => Some(parse_money(s).map_err(|_| {
                damaged(format!("{}: income {s:?} is not a number", path.display()))
            })?),
        };
        // Only what the primary list needs is kept: a county list holds a
        // million of these.
        let reason = if verdict == Verdict::Eliminate {
            g(5).to_string()
        } else {
            String::new()
        };
        map.insert(
            g(0),
            g(2),
            SurveyResult {
                village_code: String::new(),
                household_id: String::new(),
                verdict,
                verified_net_income: verified,
                reason,
                src: Source::default(),
            },
        );
    }
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
        assert_eq!(
            invalid,
            vec![(("02".into(), "1".into()), "verdict \"待定\"".into())]
        );
    }

    #[test]
    fn a_hand_edited_verdict_is_a_damaged_file_not_a_usage_error() {
        let e = load_text("01,双河村,3,maybe,,,a.xlsx,表,2\n").unwrap_err(); // ok: test code, not built into fupin
        let d = e.downcast::<Damaged>().unwrap(); // ok: test code, not built into fupin
        assert!(
            d.0.ends_with("verdict \"maybe\" is not one fupin wrote"),
            "{}",
            d.0
        );
        let e = load_text("01,双河村,3,pass,lots,,a.xlsx,表,2\n").unwrap_err(); // ok: test code, not built into fupin
        assert!(e.is::<Damaged>(), "{e}");
    }
}
