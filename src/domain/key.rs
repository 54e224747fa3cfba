//! The one key of a household: its village's code and its number within
//! the village. Every join of households (lists, register, survey, review
//! sheets) goes through it; a village's name is for people, never a key.

use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HouseholdKey {
    /// 村代码
    pub village_code: String,
    /// 户编号
    pub household_id: String,
}

impl HouseholdKey {
    /// The key of a household, both parts normalised as every sheet's are
    /// matched (NFKC, trimmed: `１` is `1`, DESIGN 7).
    pub fn new(village_code: impl Into<String>, household_id: impl Into<String>) -> HouseholdKey {
        HouseholdKey {
            village_code: normalised(village_code.into()),
            household_id: normalised(household_id.into()),
        }
    }
}

fn normalised(s: String) -> String {
    match super::text::normal(&s) {
        std::borrow::Cow::Borrowed(b) if b.len() == s.len() => s,
        n => n.into_owned(),
    }
}

impl fmt::Display for HouseholdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "household {} of village {}",
            self.household_id, self.village_code
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_by_village_then_household() {
        let mut keys = [
            HouseholdKey::new("102", "1"),
            HouseholdKey::new("101", "2"),
            HouseholdKey::new("101", "10"),
        ];
        keys.sort();
        assert_eq!(keys[0], HouseholdKey::new("101", "10"));
        assert_eq!(keys[2], HouseholdKey::new("102", "1"));
        assert_eq!(
            HouseholdKey::new("101", "１"),
            HouseholdKey::new("101", " 1")
        );
        assert_eq!(
            HouseholdKey::new("101", "7").to_string(),
            "household 7 of village 101"
        );
    }
}
