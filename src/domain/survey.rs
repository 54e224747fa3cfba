//! Survey results (入户核查): the verified income replaces the declared one,
//! an eliminated household leaves the list with its reason (DESIGN 2.1, 2.9).

use super::finding::Source;
use super::money::Fen;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 通过
    Pass,
    /// 剔除
    Eliminate,
}

impl Verdict {
    /// `通过`/`pass`, `剔除`/`eliminate`; anything else is not a verdict.
    pub fn parse(s: &str) -> Option<Verdict> {
        match s.trim().to_ascii_lowercase().as_str() {
            "通过" | "pass" | "passed" => Some(Verdict::Pass),
            "剔除" | "eliminate" | "eliminated" => Some(Verdict::Eliminate),
            _ => None,
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Eliminate => "eliminate",
        }
    }
}

/// The survey's word on one household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyResult {
    pub village_code: String,
    pub household_id: String,
    pub verdict: Verdict,
    /// 核实家庭年纯收入: blank keeps the declared income.
    pub verified_net_income: Option<Fen>,
    /// 剔除原因
    pub reason: String,
    pub src: Source,
}

/// Survey results by village code and household number, looked up
/// without building a key.
#[derive(Debug, Default)]
pub struct SurveyIndex {
    by_village: rustc_hash::FxHashMap<String, rustc_hash::FxHashMap<String, SurveyResult>>,
}

impl SurveyIndex {
    pub fn insert(&mut self, village_code: &str, household_id: &str, r: SurveyResult) {
        self.by_village
            .entry(village_code.to_string())
            .or_default()
            .insert(household_id.to_string(), r);
    }
    pub fn get(&self, village_code: &str, household_id: &str) -> Option<&SurveyResult> {
        self.by_village.get(village_code)?.get(household_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(Verdict::parse("通过"), Some(Verdict::Pass));
        assert_eq!(Verdict::parse(" Eliminate "), Some(Verdict::Eliminate));
        assert_eq!(Verdict::parse("待定"), None);
    }
}
