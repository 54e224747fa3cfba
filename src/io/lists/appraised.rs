//! `appraised.csv`: the admitted households of the villages whose
//! appraisal stands, with the votes and the outcome.

use super::{opt, Base, Cells, Line, ListError, Ranked};
use crate::domain::appraisal::Outcome;
use crate::domain::list::Code;
use crate::domain::money::Fen;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppraisedLine {
    pub base: Base,
    pub rank: Option<u32>,
    pub per_capita_income: Option<Fen>,
    /// Representatives present at the meeting.
    pub present: u32,
    pub votes_for: u32,
    pub votes_against: u32,
    pub votes_abstain: u32,
    pub outcome: Outcome,
    pub reason: String,
}

impl Line for AppraisedLine {
    const HEADER: &'static [&'static str] = &[
        "village_code",
        "village",
        "household_id",
        "head_name",
        "size",
        "rank",
        "per_capita_income",
        "present",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "outcome",
        "reason",
    ];

    fn read(c: &Cells<'_>) -> Result<Self, ListError> {
        Ok(AppraisedLine {
            base: Base::read(c)?,
            rank: c.optional("rank")?,
            per_capita_income: c.money("per_capita_income")?,
            present: c.number("present")?,
            votes_for: c.number("votes_for")?,
            votes_against: c.number("votes_against")?,
            votes_abstain: c.number("votes_abstain")?,
            outcome: c.code("outcome")?,
            reason: c.string("reason")?,
        })
    }

    fn cells(&self) -> Vec<String> {
        let mut v = self.base.cells(8);
        v.extend([
            opt(self.rank),
            opt(self.per_capita_income),
            self.present.to_string(),
            self.votes_for.to_string(),
            self.votes_against.to_string(),
            self.votes_abstain.to_string(),
            self.outcome.code().into(),
            self.reason.clone(),
        ]);
        v
    }
}

impl Ranked for AppraisedLine {
    fn base(&self) -> &Base {
        &self.base
    }
    fn rank(&self) -> Option<u32> {
        self.rank
    }
}
