//! `survey.csv`: the survey's word on each household it covered, and the
//! survey rows that were invalid.

use super::{opt, Cells, Line, ListError};
use crate::domain::key::HouseholdKey;
use crate::domain::list::{Code, SurveyVerdict};
use crate::domain::money::Fen;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyLine {
    /// `village_code` and `household_id`.
    pub key: HouseholdKey,
    pub village: String,
    pub verdict: SurveyVerdict,
    /// Blank keeps the declared income.
    pub verified_net_income: Option<Fen>,
    /// Why the household was eliminated, or why the survey row is invalid.
    pub reason: String,
    pub source_file: String,
    pub source_sheet: String,
    pub source_row: u64,
}

impl Line for SurveyLine {
    const HEADER: &'static [&'static str] = &[
        "village_code",
        "village",
        "household_id",
        "verdict",
        "verified_net_income",
        "reason",
        "source_file",
        "source_sheet",
        "source_row",
    ];

    fn read(c: &Cells<'_>) -> Result<Self, ListError> {
        Ok(SurveyLine {
            key: HouseholdKey::new(c.text("village_code")?, c.text("household_id")?),
            village: c.string("village")?,
            verdict: c.code("verdict")?,
            verified_net_income: c.money("verified_net_income")?,
            reason: c.string("reason")?,
            source_file: c.string("source_file")?,
            source_sheet: c.string("source_sheet")?,
            source_row: c.number("source_row")?,
        })
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.key.village_code.clone(),
            self.village.clone(),
            self.key.household_id.clone(),
            self.verdict.code().into(),
            opt(self.verified_net_income),
            self.reason.clone(),
            self.source_file.clone(),
            self.source_sheet.clone(),
            self.source_row.to_string(),
        ]
    }
}
