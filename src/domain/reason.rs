//! Why the primary list decided what it did about a household (DESIGN 2.1–2.5,
//! 2.9): one value, made by the rule that decided and carrying the numbers
//! it decided on, so the lists and the workbooks cannot tell two stories.
//!
//! It is worded in two forms, both here: [`Reason::sentence`], the full
//! English sentence of the machine-readable `primary-list.csv`, which scripts
//! and the later lists read; and [`Reason::text`], the short text of the
//! printed list in its language, short because the per-capita income, the
//! rank and the cumulative persons stand in columns of their own there.

use std::borrow::Cow;
use std::fmt;

use super::campaign::Lang;
use super::money::Fen;
use super::screen::Decision;

/// Why a household is on the primary list with its decision.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// An error finding of the register or of the survey stands against the
    /// household; `message` is the finding's.
    Invalid { message: String },
    /// The household's village is not in the roster, so it has no quota pool.
    UnknownVillage,
    /// The household's annual net income cannot be read.
    NoIncome,
    /// The household survey eliminated the household; `why` as the survey
    /// sheet gives it, possibly blank.
    Eliminated { why: String },
    /// Exclusion flags answered yes, by their configured names.
    Excluded { flags: Vec<String> },
    /// Per capita at or above the standard but inside the near-standard band,
    /// and no deprivation to rank it (2.2).
    NearStandardNoDeprivation { per_capita: Fen, standard: Fen },
    /// Per capita at or above the standard, no band configured.
    AboveStandard { per_capita: Fen, standard: Fen },
    /// Per capita at or above the top of the band, `limit` = `standard` ×
    /// (1 + `band`) per person; `band` as `campaign.toml` gives it.
    AboveBand {
        per_capita: Fen,
        standard: Fen,
        band: f64,
        limit: Fen,
    },
    /// Ranked and within the quota; `near_standard`: ranked from inside the
    /// band for a deprivation rather than for being below the standard.
    Admitted {
        per_capita: Fen,
        near_standard: bool,
        rank: u32,
        quota: u64,
    },
    /// Ranked but over the quota.
    OverQuota(OverQuota),
}

/// How the walk down a quota pool turned a ranked household away (2.5, 2.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverQuota {
    /// Policy stop: the first household that does not fit, `admitted`
    /// persons being in before it.
    Reached {
        rank: u32,
        admitted: u64,
        size: u64,
        quota: u64,
    },
    /// Policy stop: ranked after the household at `at_rank`, which did not fit.
    After { at_rank: u32, quota: u64 },
    /// Policy skip: does not fit behind the `admitted` persons ranked before it.
    DoesNotFit {
        admitted: u64,
        size: u64,
        quota: u64,
    },
}

impl OverQuota {
    /// The quota of the pool, in persons.
    pub fn quota(self) -> u64 {
        match self {
            OverQuota::Reached { quota, .. }
            | OverQuota::After { quota, .. }
            | OverQuota::DoesNotFit { quota, .. } => quota,
        }
    }
}

impl Reason {
    /// The decision this reason gives.
    pub fn decision(&self) -> Decision {
        match self {
            Reason::Invalid { .. } | Reason::UnknownVillage | Reason::NoIncome => Decision::Invalid,
            Reason::Eliminated { .. } => Decision::Eliminated,
            Reason::Excluded { .. } => Decision::Excluded,
            Reason::NearStandardNoDeprivation { .. }
            | Reason::AboveStandard { .. }
            | Reason::AboveBand { .. } => Decision::AboveStandard,
            Reason::Admitted { .. } => Decision::Admitted,
            Reason::OverQuota(_) => Decision::OverQuota,
        }
    }

    /// The full English sentence of `primary-list.csv`.
    pub fn sentence(&self) -> String {
        match self {
            Reason::Invalid { message } => format!("data error: {message}"),
            Reason::UnknownVillage | Reason::NoIncome => {
                "data error: the household cannot be placed".into()
            }
            Reason::Eliminated { why } if why.is_empty() => {
                "eliminated by the household survey".into()
            }
            Reason::Eliminated { why } => format!("eliminated by the household survey: {why}"),
            Reason::Excluded { flags } => format!("exclusion flag: {}", flags.join(", ")),
            Reason::NearStandardNoDeprivation {
                per_capita,
                standard,
            } => format!(
                "per-capita income {} ≥ standard {}, inside the near-standard band but with no deprivation",
                per_capita.grouped(),
                standard.grouped_yuan()
            ),
            Reason::AboveStandard {
                per_capita,
                standard,
            } => format!(
                "per-capita income {} ≥ standard {}",
                per_capita.grouped(),
                standard.grouped_yuan()
            ),
            Reason::AboveBand {
                per_capita,
                standard,
                band,
                limit,
            } => format!(
                "per-capita income {} ≥ standard {} × (1 + {band}) = {}",
                per_capita.grouped(),
                standard.grouped_yuan(),
                limit.grouped()
            ),
            Reason::Admitted {
                per_capita,
                near_standard,
                rank,
                quota,
            } => format!(
                "per-capita income {} {}; rank {rank} within quota {quota}",
                per_capita.grouped(),
                if *near_standard {
                    "inside the near-standard band with a deprivation"
                } else {
                    "below the standard"
                }
            ),
            Reason::OverQuota(OverQuota::Reached {
                rank,
                admitted,
                size,
                quota,
            }) => {
                let quota = Persons(*quota);
                format!(
                    "quota {quota} reached at rank {rank}: {admitted} of {quota} admitted, household of {} does not fit",
                    Persons(*size)
                )
            }
            Reason::OverQuota(OverQuota::After { at_rank, quota }) => format!(
                "quota {} reached at rank {at_rank}: no household ranked after it is admitted (policy stop)",
                Persons(*quota)
            ),
            Reason::OverQuota(OverQuota::DoesNotFit {
                admitted,
                size,
                quota,
            }) => format!(
                "household of {} does not fit: {admitted} of quota {} admitted",
                Persons(*size),
                Persons(*quota)
            ),
        }
    }

    /// The short text of the printed list (说明) in `lang`.
    pub fn text(&self, lang: Lang) -> Cow<'static, str> {
        let zh = lang == Lang::Zh;
        let t = |a: &'static str, b: &'static str| Cow::Borrowed(if zh { a } else { b });
        let owned = |a: String, b: String| Cow::Owned(if zh { a } else { b });
        match self {
            Reason::Invalid { message } if zh => Cow::Owned(format!("数据有误：{message}")),
            Reason::UnknownVillage if zh => Cow::Borrowed("数据有误：所填的村不在村名册中"),
            Reason::NoIncome if zh => Cow::Borrowed("数据有误：家庭年纯收入无法读取"),
            Reason::Invalid { .. } | Reason::UnknownVillage | Reason::NoIncome => {
                Cow::Owned(self.sentence())
            }
            Reason::Eliminated { why } if why.trim().is_empty() => {
                t("入户核查剔除", "eliminated by the survey")
            }
            Reason::Eliminated { why } => {
                owned(format!("入户核查剔除：{why}"), format!("survey: {why}"))
            }
            Reason::Excluded { flags } => owned(
                format!("排除情形：{}", flags.join("、")),
                format!("excluded: {}", flags.join(", ")),
            ),
            Reason::NearStandardNoDeprivation { .. } => t(
                "在标准上浮范围内，但无致贫条件",
                "in the band, but no deprivation",
            ),
            Reason::AboveStandard { standard, .. } => {
                let s = standard.grouped_yuan();
                owned(
                    format!("人均纯收入不低于标准 {s} 元"),
                    format!("per capita ≥ standard {s}"),
                )
            }
            Reason::AboveBand { limit, .. } => {
                let l = limit.grouped();
                owned(
                    format!("人均纯收入不低于上浮线 {l} 元"),
                    format!("per capita ≥ band limit {l}"),
                )
            }
            Reason::Admitted {
                near_standard: true,
                ..
            } => t(
                "在标准上浮范围内且有致贫条件，在规模以内",
                "in the band with a deprivation, within the quota",
            ),
            Reason::Admitted { .. } => t(
                "低于扶贫标准，在规模以内",
                "below the standard, within the quota",
            ),
            Reason::OverQuota(OverQuota::After { at_rank, .. }) => owned(
                format!("规模在第 {at_rank} 名处已满，其后各户不再纳入"),
                format!("quota full at rank {at_rank}: no household after it is admitted"),
            ),
            Reason::OverQuota(
                OverQuota::Reached {
                    admitted,
                    size,
                    quota,
                    ..
                }
                | OverQuota::DoesNotFit {
                    admitted,
                    size,
                    quota,
                },
            ) => owned(
                format!("已纳入 {admitted} 人，加本户 {size} 人超过规模 {quota} 人"),
                format!("{admitted} admitted + {size} persons > quota {quota}"),
            ),
        }
    }
}

/// A number of persons in words: `1 person`, `5 persons`.
struct Persons(u64);

impl fmt::Display for Persons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 person"),
            n => write!(f, "{n} persons"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentence, the Chinese text and the English text of `r`.
    fn all(r: &Reason) -> [String; 3] {
        [
            r.sentence(),
            r.text(Lang::Zh).into_owned(),
            r.text(Lang::En).into_owned(),
        ]
    }

    #[test]
    fn data_errors() {
        let r = Reason::Invalid {
            message: "身份证号码校验位错误".into(),
        };
        assert_eq!(r.decision(), Decision::Invalid);
        assert_eq!(
            all(&r),
            [
                "data error: 身份证号码校验位错误",
                "数据有误：身份证号码校验位错误",
                "data error: 身份证号码校验位错误",
            ]
        );
        let placed = "data error: the household cannot be placed";
        assert_eq!(
            all(&Reason::UnknownVillage),
            [placed, "数据有误：所填的村不在村名册中", placed]
        );
        assert_eq!(
            all(&Reason::NoIncome),
            [placed, "数据有误：家庭年纯收入无法读取", placed]
        );
        assert_eq!(Reason::NoIncome.decision(), Decision::Invalid);
    }

    #[test]
    fn survey_elimination_with_and_without_a_reason() {
        let r = Reason::Eliminated {
            why: "家有轿车".into(),
        };
        assert_eq!(r.decision(), Decision::Eliminated);
        assert_eq!(
            all(&r),
            [
                "eliminated by the household survey: 家有轿车",
                "入户核查剔除：家有轿车",
                "survey: 家有轿车",
            ]
        );
        let blank = Reason::Eliminated { why: String::new() };
        assert_eq!(
            all(&blank),
            [
                "eliminated by the household survey",
                "入户核查剔除",
                "eliminated by the survey",
            ]
        );
        // A blank-looking reason is written as given in the CSV, left out
        // of the printed list.
        let spaces = Reason::Eliminated { why: "  ".into() };
        assert_eq!(
            all(&spaces),
            [
                "eliminated by the household survey:   ",
                "入户核查剔除",
                "eliminated by the survey",
            ]
        );
    }

    #[test]
    fn exclusion_names_every_flag() {
        let r = Reason::Excluded {
            flags: vec!["财政供养".into(), "有商品房".into()],
        };
        assert_eq!(r.decision(), Decision::Excluded);
        assert_eq!(
            all(&r),
            [
                "exclusion flag: 财政供养, 有商品房",
                "排除情形：财政供养、有商品房",
                "excluded: 财政供养, 有商品房",
            ]
        );
    }

    #[test]
    fn above_the_standard_and_the_band() {
        // 3,322 yuan, band 0.1: the band ends at 3,654.20 per person.
        let r = Reason::AboveStandard {
            per_capita: Fen(1_234_567),
            standard: Fen::from_yuan(3322),
        };
        assert_eq!(r.decision(), Decision::AboveStandard);
        assert_eq!(
            all(&r),
            [
                "per-capita income 12,345.67 ≥ standard 3,322",
                "人均纯收入不低于标准 3,322 元",
                "per capita ≥ standard 3,322",
            ]
        );
        let r = Reason::AboveBand {
            per_capita: Fen(365_420),
            standard: Fen::from_yuan(3322),
            band: 0.1,
            limit: Fen(365_420),
        };
        assert_eq!(r.decision(), Decision::AboveStandard);
        assert_eq!(
            all(&r),
            [
                "per-capita income 3,654.20 ≥ standard 3,322 × (1 + 0.1) = 3,654.20",
                "人均纯收入不低于上浮线 3,654.20 元",
                "per capita ≥ band limit 3,654.20",
            ]
        );
        let r = Reason::NearStandardNoDeprivation {
            per_capita: Fen(332_200),
            standard: Fen::from_yuan(3322),
        };
        assert_eq!(r.decision(), Decision::AboveStandard);
        assert_eq!(
            all(&r),
            [
                "per-capita income 3,322.00 ≥ standard 3,322, inside the near-standard band but with no deprivation",
                "在标准上浮范围内，但无致贫条件",
                "in the band, but no deprivation",
            ]
        );
    }

    #[test]
    fn admitted_below_the_standard_or_from_the_band() {
        let r = Reason::Admitted {
            per_capita: Fen(166_667),
            near_standard: false,
            rank: 3,
            quota: 228,
        };
        assert_eq!(r.decision(), Decision::Admitted);
        assert_eq!(
            all(&r),
            [
                "per-capita income 1,666.67 below the standard; rank 3 within quota 228",
                "低于扶贫标准，在规模以内",
                "below the standard, within the quota",
            ]
        );
        let r = Reason::Admitted {
            per_capita: Fen(-5_000),
            near_standard: true,
            rank: 12,
            quota: 1,
        };
        assert_eq!(
            all(&r),
            [
                "per-capita income -50.00 inside the near-standard band with a deprivation; rank 12 within quota 1",
                "在标准上浮范围内且有致贫条件，在规模以内",
                "in the band with a deprivation, within the quota",
            ]
        );
    }

    #[test]
    fn over_the_quota_under_stop_and_skip() {
        let reached = Reason::OverQuota(OverQuota::Reached {
            rank: 2,
            admitted: 3,
            size: 6,
            quota: 8,
        });
        assert_eq!(reached.decision(), Decision::OverQuota);
        assert_eq!(
            all(&reached),
            [
                "quota 8 persons reached at rank 2: 3 of 8 persons admitted, household of 6 persons does not fit",
                "已纳入 3 人，加本户 6 人超过规模 8 人",
                "3 admitted + 6 persons > quota 8",
            ]
        );
        let after = Reason::OverQuota(OverQuota::After {
            at_rank: 2,
            quota: 8,
        });
        assert_eq!(
            all(&after),
            [
                "quota 8 persons reached at rank 2: no household ranked after it is admitted (policy stop)",
                "规模在第 2 名处已满，其后各户不再纳入",
                "quota full at rank 2: no household after it is admitted",
            ]
        );
        let skip = Reason::OverQuota(OverQuota::DoesNotFit {
            admitted: 0,
            size: 2,
            quota: 1,
        });
        assert_eq!(
            all(&skip),
            [
                "household of 2 persons does not fit: 0 of quota 1 person admitted",
                "已纳入 0 人，加本户 2 人超过规模 1 人",
                "0 admitted + 2 persons > quota 1",
            ]
        );
        assert_eq!(
            [
                OverQuota::After {
                    at_rank: 1,
                    quota: 7
                }
                .quota(),
                OverQuota::DoesNotFit {
                    admitted: 0,
                    size: 1,
                    quota: 0
                }
                .quota()
            ],
            [7, 0]
        );
    }
}
