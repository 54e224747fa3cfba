//! Campaign parameters (`campaign.toml`, DESIGN 3).

use serde::Deserialize;
use std::collections::BTreeMap;

use super::money::div_round_half_up;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Campaign {
    pub campaign: CampaignSection,
    pub standard: StandardSection,
    pub scale: ScaleSection,
    pub appraisal: AppraisalSection,
    pub publicity: PublicitySection,
    pub exclusions: ExclusionsSection,
    pub output: OutputSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignSection {
    pub county: String,
    pub town: String,
    pub year: i32,
}

impl Default for CampaignSection {
    fn default() -> Self {
        CampaignSection {
            county: String::new(),
            town: String::new(),
            year: 2015,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StandardSection {
    pub base_amount: i64,
    pub base_year: i32,
    pub current_amount: Option<i64>,
    pub price_index: Option<BTreeMap<String, f64>>,
    pub near_standard_band: f64,
}

impl Default for StandardSection {
    fn default() -> Self {
        StandardSection {
            base_amount: 3000,
            base_year: 2010,
            current_amount: None,
            price_index: None,
            near_standard_band: 0.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Village,
    Town,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    Stop,
    Skip,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScaleSection {
    pub key_rate: f64,
    pub other_rate: f64,
    pub scope: Scope,
    pub policy: Policy,
}

impl Default for ScaleSection {
    fn default() -> Self {
        ScaleSection {
            key_rate: 0.5,
            other_rate: 0.05,
            scope: Scope::Village,
            policy: Policy::Stop,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppraisalSection {
    pub quorum_small: u32,
    pub quorum_large: u32,
    pub large_village: u32,
}

impl Default for AppraisalSection {
    fn default() -> Self {
        AppraisalSection {
            quorum_small: 20,
            quorum_large: 30,
            large_village: 1000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublicitySection {
    pub village_days: u32,
    pub town_days: u32,
    pub county_days: u32,
    pub show_income: bool,
    pub contact: String,
}

impl Default for PublicitySection {
    fn default() -> Self {
        PublicitySection {
            village_days: 7,
            town_days: 7,
            county_days: 5,
            show_income: false,
            contact: String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExclusionsSection {
    pub flags: Vec<String>,
}

impl Default for ExclusionsSection {
    fn default() -> Self {
        ExclusionsSection {
            flags: ["财政供养人员", "拥有车辆", "城镇商品房", "经营企业"]
                .map(String::from)
                .to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSection {
    pub lang: Lang,
}

/// Parts per million, for rates and the band held exactly.
pub const PPM: i64 = 1_000_000;

fn to_ppm(x: f64) -> i64 {
    (x * PPM as f64).round() as i64
}

impl Campaign {
    /// Parse and validate the text of `campaign.toml`.
    pub fn from_toml(text: &str) -> Result<Campaign, String> {
        let c: Campaign = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), String> {
        let s = &self.standard;
        if s.base_amount <= 0 {
            return Err("[standard] base_amount must be a positive number of yuan".into());
        }
        if !(0.0..=1.0).contains(&s.near_standard_band) {
            return Err("[standard] near_standard_band must lie between 0 and 1".into());
        }
        for (name, r) in [
            ("key_rate", self.scale.key_rate),
            ("other_rate", self.scale.other_rate),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(format!("[scale] {name} must lie between 0 and 1, not {r}"));
            }
        }
        if !(1900..=2100).contains(&self.campaign.year) {
            return Err(format!(
                "[campaign] year {} is not a plausible year",
                self.campaign.year
            ));
        }
        self.current_standard().map(|_| ())
    }

    /// The current income standard in whole yuan per person per year.
    pub fn current_standard(&self) -> Result<i64, String> {
        let s = &self.standard;
        let Some(index) = &s.price_index else {
            return Ok(s.current_amount.unwrap_or(3322));
        };
        let get = |y: i32| {
            index
                .get(&y.to_string())
                .copied()
                .ok_or_else(|| format!("[standard.price_index] has no index for {y}"))
        };
        let (now, base) = (to_ppm(get(self.campaign.year)?), to_ppm(get(s.base_year)?));
        if base <= 0 || now <= 0 {
            return Err("[standard.price_index] values must be positive".into());
        }
        let computed = div_round_half_up(s.base_amount as i128 * now as i128, base as i128) as i64;
        match s.current_amount {
            Some(stated) if stated != computed => Err(format!(
                "[standard] current_amount = {stated} disagrees with the price index, which gives {} × {} / {} = {computed}",
                s.base_amount,
                get(self.campaign.year)?,
                get(s.base_year)?
            )),
            _ => Ok(computed),
        }
    }

    /// The band above the standard in parts per million.
    pub fn band_ppm(&self) -> i64 {
        to_ppm(self.standard.near_standard_band)
    }

    pub fn key_rate_ppm(&self) -> i64 {
        to_ppm(self.scale.key_rate)
    }

    pub fn other_rate_ppm(&self) -> i64 {
        to_ppm(self.scale.other_rate)
    }
}

/// The commented `campaign.toml` that `init` writes.
pub const DEFAULT_TOML: &str = r#"# fupin campaign parameters. Every key is shown with its default.

[campaign]
county = ""                  # 县
town = ""                    # 乡镇
year = 2015                  # campaign year: the standard is converted to its prices

[standard]
base_amount = 3000           # yuan per person per year at base_year prices
base_year = 2010
current_amount = 3322        # the standard at current prices; or give a price index:
# [standard.price_index]     # current = round(base_amount × index[year] / index[base_year])
# 2010 = 100.0
# 2015 = 110.73
near_standard_band = 0.0     # e.g. 0.1 admits households below standard × 1.1 with a deprivation

[scale]
key_rate = 0.50              # quota = floor(population × rate) persons, key poverty villages
other_rate = 0.05            # other villages
scope = "village"            # "village": a pool per village; "town": key and other villages pooled
policy = "stop"              # "stop": the first household that does not fit ends the list; "skip"

[appraisal]
quorum_small = 20            # representatives present, village under large_village people
quorum_large = 30            # representatives present, village of large_village or more
large_village = 1000

[publicity]
village_days = 7
town_days = 7
county_days = 5
show_income = false          # print per-capita income on notices
contact = ""                 # where objections go, printed on every notice

[exclusions]
flags = ["财政供养人员", "拥有车辆", "城镇商品房", "经营企业"]

[output]
lang = "zh"                  # labels of human-facing workbooks: "zh" or "en"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_template_agree() {
        let c = Campaign::from_toml(DEFAULT_TOML).unwrap(); // ok: test code, not built into fupin
        assert_eq!(c.current_standard(), Ok(3322));
        assert_eq!(c.scale.policy, Policy::Stop);
        assert_eq!(c.exclusions.flags.len(), 4);
        assert_eq!(
            Campaign::from_toml("").unwrap().current_standard(), // ok: test code, not built into fupin
            Ok(3322)
        );
    }

    #[test]
    fn price_index_rounds_half_up() {
        let t = "[standard.price_index]\n2010 = 100.0\n2015 = 110.73\n";
        assert_eq!(Campaign::from_toml(t).unwrap().current_standard(), Ok(3322)); // ok: test code, not built into fupin
        let t = "[standard]\ncurrent_amount = 3300\n[standard.price_index]\n2010 = 100.0\n2015 = 110.73\n";
        let e = Campaign::from_toml(t).unwrap_err(); // ok: test code, not built into fupin
        assert!(e.contains("disagrees"), "{e}");
    }

    #[test]
    fn unknown_keys_and_wrong_types() {
        assert!(Campaign::from_toml("[scale]\nquota = 3\n")
            .unwrap_err() // ok: test code, not built into fupin
            .contains("unknown field"));
        assert!(Campaign::from_toml("[campaign]\nyear = \"x\"\n").is_err());
        assert!(Campaign::from_toml("[scale]\npolicy = \"jump\"\n").is_err());
    }
}
