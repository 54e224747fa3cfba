//! `after-<stage>-review.csv`, the households that entered a stage's review
//! with the review's outcome, and `final-list.csv`, those the county review
//! kept.

use super::{opt, Base, Cells, Line, ListError, Ranked};
use crate::domain::list::Code;
use crate::domain::money::Fen;
use crate::domain::review::Outcome;
use crate::domain::schedule::Round;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewLine {
    pub base: Base,
    pub rank: Option<u32>,
    pub per_capita_income: Option<Fen>,
    pub outcome: Outcome,
    /// The review's reason: required for a removal.
    pub reason: String,
    /// The review that decided.
    pub stage: Round,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalLine {
    pub base: Base,
    pub rank: Option<u32>,
    pub per_capita_income: Option<Fen>,
}

impl Line for ReviewLine {
    const HEADER: &'static [&'static str] = &[
        "village_code",
        "village",
        "household_id",
        "head_name",
        "size",
        "rank",
        "per_capita_income",
        "outcome",
        "reason",
        "stage",
    ];

    fn read(c: &Cells<'_>) -> Result<Self, ListError> {
        Ok(ReviewLine {
            base: Base::read(c)?,
            rank: c.optional("rank")?,
            per_capita_income: c.money("per_capita_income")?,
            outcome: c.code("outcome")?,
            reason: c.string("reason")?,
            stage: c.code("stage")?,
        })
    }

    fn cells(&self) -> Vec<String> {
        let mut v = self.base.cells(5);
        v.extend([
            opt(self.rank),
            opt(self.per_capita_income),
            self.outcome.code().into(),
            self.reason.clone(),
            self.stage.code().into(),
        ]);
        v
    }
}

impl Line for FinalLine {
    const HEADER: &'static [&'static str] = &[
        "village_code",
        "village",
        "household_id",
        "head_name",
        "size",
        "rank",
        "per_capita_income",
    ];

    fn read(c: &Cells<'_>) -> Result<Self, ListError> {
        Ok(FinalLine {
            base: Base::read(c)?,
            rank: c.optional("rank")?,
            per_capita_income: c.money("per_capita_income")?,
        })
    }

    fn cells(&self) -> Vec<String> {
        let mut v = self.base.cells(2);
        v.extend([opt(self.rank), opt(self.per_capita_income)]);
        v
    }
}

impl From<&ReviewLine> for FinalLine {
    fn from(r: &ReviewLine) -> FinalLine {
        FinalLine {
            base: r.base.clone(),
            rank: r.rank,
            per_capita_income: r.per_capita_income,
        }
    }
}

impl Ranked for ReviewLine {
    fn base(&self) -> &Base {
        &self.base
    }
    fn rank(&self) -> Option<u32> {
        self.rank
    }
}

impl Ranked for FinalLine {
    fn base(&self) -> &Base {
        &self.base
    }
    fn rank(&self) -> Option<u32> {
        self.rank
    }
}
