//! `primary-list.csv`: every applicant household, ranked, with the
//! decision of the screening and why.

use super::{opt, Base, Cells, Line, ListError, Ranked};
use crate::domain::list::{Code, IncomeBasis, ListStatus};
use crate::domain::money::Fen;
use crate::domain::screen::Decision;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrimaryLine {
    pub base: Base,
    /// Blank when the household has no usable income.
    pub net_income: Option<Fen>,
    /// Blank exactly when `net_income` is.
    pub income_basis: Option<IncomeBasis>,
    pub per_capita_income: Option<Fen>,
    pub deprivations: u32,
    pub deprivation_detail: String,
    /// Blank for a household that is not ranked.
    pub rank: Option<u32>,
    pub decision: Decision,
    pub reason: String,
    pub cumulative_persons: Option<u64>,
    /// Blank for a household of a village outside the roster.
    pub quota: Option<u64>,
    pub pool: String,
    pub list_status: ListStatus,
}

impl Line for PrimaryLine {
    const HEADER: &'static [&'static str] = &[
        "village_code",
        "village",
        "household_id",
        "head_name",
        "size",
        "net_income",
        "income_basis",
        "per_capita_income",
        "deprivations",
        "deprivation_detail",
        "rank",
        "decision",
        "reason",
        "cumulative_persons",
        "quota",
        "pool",
        "list_status",
    ];

    fn read(c: &Cells<'_>) -> Result<Self, ListError> {
        Ok(PrimaryLine {
            base: Base::read(c)?,
            net_income: c.money("net_income")?,
            income_basis: c.optional_code("income_basis")?,
            per_capita_income: c.money("per_capita_income")?,
            deprivations: c.number("deprivations")?,
            deprivation_detail: c.string("deprivation_detail")?,
            rank: c.optional("rank")?,
            decision: c.code("decision")?,
            reason: c.string("reason")?,
            cumulative_persons: c.optional("cumulative_persons")?,
            quota: c.optional("quota")?,
            pool: c.string("pool")?,
            list_status: c.code("list_status")?,
        })
    }

    fn cells(&self) -> Vec<String> {
        let mut v = self.base.cells(12);
        v.extend([
            opt(self.net_income),
            self.income_basis.map(Code::code).unwrap_or_default().into(),
            opt(self.per_capita_income),
            self.deprivations.to_string(),
            self.deprivation_detail.clone(),
            opt(self.rank),
            self.decision.code().into(),
            self.reason.clone(),
            opt(self.cumulative_persons),
            opt(self.quota),
            self.pool.clone(),
            self.list_status.code().into(),
        ]);
        v
    }
}

impl Ranked for PrimaryLine {
    fn base(&self) -> &Base {
        &self.base
    }
    fn rank(&self) -> Option<u32> {
        self.rank
    }
}
