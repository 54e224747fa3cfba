//! The coded values of the lists that pass from stage to stage (DESIGN 5):
//! each enum knows the code it has in the CSV files, so that a list is
//! compared by value and never by text.

use super::appraisal::Outcome as Appraisal;
use super::review::Outcome as Reviewed;
use super::schedule::Round;
use super::screen::Decision;
use super::survey::Verdict;

/// A value written in a list as one of a fixed set of codes.
pub trait Code: Sized + Copy + 'static {
    /// Every value, in the order a message lists them.
    const ALL: &'static [Self];

    fn code(self) -> &'static str;

    /// The value whose code `s` is (surrounding blanks ignored).
    fn from_code(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.iter().copied().find(|c| c.code() == s)
    }

    /// The codes as a message names them: `passed, failed`.
    fn codes() -> String {
        let codes: Vec<&str> = Self::ALL.iter().map(|c| c.code()).collect();
        codes.join(", ")
    }
}

/// Where a household's net income on the primary list comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncomeBasis {
    /// 申报: as the household declared it.
    Declared,
    /// 核实: as the survey verified it.
    Verified,
}

/// Whether the primary list was written while error findings stood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStatus {
    Final,
    /// `fupin screen --provisional`: not to be built on.
    Provisional,
}

/// The survey's word on a household as `survey.csv` holds it: a
/// [`Verdict`], or a survey row that was invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyVerdict {
    Pass,
    Eliminate,
    Invalid,
}

impl SurveyVerdict {
    pub fn verdict(self) -> Option<Verdict> {
        match self {
            SurveyVerdict::Pass => Some(Verdict::Pass),
            SurveyVerdict::Eliminate => Some(Verdict::Eliminate),
            SurveyVerdict::Invalid => None,
        }
    }
}

impl From<Verdict> for SurveyVerdict {
    fn from(v: Verdict) -> SurveyVerdict {
        match v {
            Verdict::Pass => SurveyVerdict::Pass,
            Verdict::Eliminate => SurveyVerdict::Eliminate,
        }
    }
}

impl Code for IncomeBasis {
    const ALL: &'static [Self] = &[IncomeBasis::Verified, IncomeBasis::Declared];
    fn code(self) -> &'static str {
        match self {
            IncomeBasis::Declared => "declared",
            IncomeBasis::Verified => "verified",
        }
    }
}

impl Code for ListStatus {
    const ALL: &'static [Self] = &[ListStatus::Final, ListStatus::Provisional];
    fn code(self) -> &'static str {
        match self {
            ListStatus::Final => "final",
            ListStatus::Provisional => "provisional",
        }
    }
}

impl Code for SurveyVerdict {
    const ALL: &'static [Self] = &[
        SurveyVerdict::Pass,
        SurveyVerdict::Eliminate,
        SurveyVerdict::Invalid,
    ];
    fn code(self) -> &'static str {
        match self {
            SurveyVerdict::Pass => Verdict::Pass.en(),
            SurveyVerdict::Eliminate => Verdict::Eliminate.en(),
            SurveyVerdict::Invalid => "invalid",
        }
    }
}

impl Code for Decision {
    const ALL: &'static [Self] = &[
        Decision::Admitted,
        Decision::OverQuota,
        Decision::AboveStandard,
        Decision::Excluded,
        Decision::Eliminated,
        Decision::Invalid,
    ];
    fn code(self) -> &'static str {
        self.en()
    }
}

impl Code for Appraisal {
    const ALL: &'static [Self] = &[Appraisal::Passed, Appraisal::Failed];
    fn code(self) -> &'static str {
        self.en()
    }
}

impl Code for Reviewed {
    const ALL: &'static [Self] = &[Reviewed::Kept, Reviewed::Removed];
    fn code(self) -> &'static str {
        self.en()
    }
}

impl Code for Round {
    const ALL: &'static [Self] = &Round::ALL;
    fn code(self) -> &'static str {
        self.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Code + PartialEq + std::fmt::Debug>() {
        for &v in T::ALL {
            assert_eq!(T::from_code(v.code()), Some(v));
            assert_eq!(T::from_code(&format!(" {} ", v.code())), Some(v));
        }
        assert_eq!(T::from_code("maybe"), None);
    }

    #[test]
    fn every_code_reads_back_as_its_value() {
        round_trips::<IncomeBasis>();
        round_trips::<ListStatus>();
        round_trips::<SurveyVerdict>();
        round_trips::<Decision>();
        round_trips::<Appraisal>();
        round_trips::<Reviewed>();
        round_trips::<Round>();
        assert_eq!(Appraisal::codes(), "passed, failed");
        assert_eq!(Decision::from_code("over_quota"), Some(Decision::OverQuota));
    }
}
