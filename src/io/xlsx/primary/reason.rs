//! The 说明 (reason) column in the workbook's language. The list carries its
//! reasons in full English sentences (they go to the machine-readable CSV);
//! the printed list words them again, shortly, from the same facts: the
//! income class and the walk down the quota pool.

use std::borrow::Cow;

use crate::domain::campaign::{Campaign, Lang, Policy};
use crate::domain::money::Fen;
use crate::domain::rules::{income_class, IncomeClass};
use crate::domain::screen::{Decision, Line, PrimaryList};

/// What a reason needs beyond its line.
pub struct Reasons {
    lang: Lang,
    standard: i64,
    band_ppm: i64,
    policy: Policy,
    /// The band's upper limit per person, for messages.
    band_limit: Fen,
    /// Per pool: the persons admitted.
    pool_admitted: Vec<u64>,
    /// Per pool: the rank of the first household over the quota.
    first_over: Vec<Option<u32>>,
    /// Per pool, under `skip`: (rank, cumulative persons) of the admitted
    /// households in rank order.
    admitted: Vec<Vec<(u32, u64)>>,
}

impl Reasons {
    pub fn new(list: &PrimaryList, campaign: &Campaign) -> Reasons {
        let lang = campaign.output.lang;
        let policy = campaign.scale.policy;
        let band_ppm = campaign.band_ppm();
        let n = list.pools.len();
        let mut first_over: Vec<Option<u32>> = vec![None; n];
        let mut admitted: Vec<Vec<(u32, u64)>> = vec![Vec::new(); n];
        {
            for l in &list.lines {
                let (Some(rank), Some(slot)) = (l.rank, first_over.get_mut(l.pool)) else {
                    continue;
                };
                match l.decision {
                    Decision::OverQuota => {
                        *slot = Some(slot.map_or(rank, |r| r.min(rank)));
                    }
                    Decision::Admitted if policy == Policy::Skip => {
                        if let (Some(v), Some(c)) = (admitted.get_mut(l.pool), l.cumulative_persons)
                        {
                            v.push((rank, c));
                        }
                    }
                    _ => {}
                }
            }
            for v in &mut admitted {
                v.sort_unstable();
            }
        }
        let band_limit = crate::domain::rules::band_limit(list.standard, band_ppm);
        Reasons {
            lang,
            standard: list.standard,
            band_ppm,
            policy,
            band_limit,
            pool_admitted: list.pools.iter().map(|p| p.admitted_persons).collect(),
            first_over,
            admitted,
        }
    }

    /// The reason of `line` as the workbook shows it: short enough to fit
    /// one printed line in most cases, since the per-capita income, the
    /// rank and the cumulative persons stand in their own columns.
    pub fn of<'a>(&self, line: &'a Line) -> Cow<'a, str> {
        let zh = self.lang == Lang::Zh;
        let t = |a: &'static str, b: &'static str| Cow::Borrowed(if zh { a } else { b });
        let hh = &line.household;
        let class = || {
            line.net_income
                .map(|n| income_class(n, hh.size, self.standard, self.band_ppm))
        };
        let quota = line.quota;
        match line.decision {
            Decision::Admitted if class() == Some(IncomeClass::NearBand) => t(
                "在标准上浮范围内且有致贫条件，在规模以内",
                "in the band with a deprivation, within the quota",
            ),
            Decision::Admitted => t(
                "低于扶贫标准，在规模以内",
                "below the standard, within the quota",
            ),
            Decision::OverQuota => {
                let rank = line.rank.unwrap_or(0);
                let first = self.first_over.get(line.pool).copied().flatten();
                if self.policy == Policy::Stop && first.is_some_and(|f| f < rank) {
                    let f = first.unwrap_or(rank);
                    return Cow::Owned(if zh {
                        format!("规模在第 {f} 名处已满，其后各户不再纳入")
                    } else {
                        format!("quota full at rank {f}: no household after it is admitted")
                    });
                }
                let before = match self.policy {
                    Policy::Stop => self.pool_admitted.get(line.pool).copied().unwrap_or(0),
                    Policy::Skip => self
                        .admitted
                        .get(line.pool)
                        .and_then(|v| {
                            let i = v.partition_point(|&(r, _)| r < rank);
                            i.checked_sub(1).and_then(|i| v.get(i)).map(|x| x.1)
                        })
                        .unwrap_or(0),
                };
                let size = hh.size;
                Cow::Owned(if zh {
                    format!("已纳入 {before} 人，加本户 {size} 人超过规模 {quota} 人")
                } else {
                    format!("{before} admitted + {size} persons > quota {quota}")
                })
            }
            Decision::AboveStandard => {
                let std = Fen::from_yuan(self.standard).grouped_yuan();
                let limit = self.band_limit.grouped();
                Cow::Owned(match (class(), zh) {
                    (Some(IncomeClass::NearBand), true) => "在标准上浮范围内，但无致贫条件".into(),
                    (Some(IncomeClass::NearBand), false) => {
                        "in the band, but no deprivation".into()
                    }
                    (_, true) if self.band_ppm > 0 => format!("人均纯收入不低于上浮线 {limit} 元"),
                    (_, false) if self.band_ppm > 0 => format!("per capita ≥ band limit {limit}"),
                    (_, true) => format!("人均纯收入不低于标准 {std} 元"),
                    (_, false) => format!("per capita ≥ standard {std}"),
                })
            }
            Decision::Excluded => Cow::Owned(if zh {
                format!("排除情形：{}", hh.flags.join("、"))
            } else {
                format!("excluded: {}", hh.flags.join(", "))
            }),
            Decision::Eliminated => {
                let why = line
                    .reason
                    .strip_prefix("eliminated by the household survey: ")
                    .filter(|r| !r.trim().is_empty());
                match (why, zh) {
                    (Some(r), true) => Cow::Owned(format!("入户核查剔除：{r}")),
                    (Some(r), false) => Cow::Owned(format!("survey: {r}")),
                    (None, _) => t("入户核查剔除", "eliminated by the survey"),
                }
            }
            Decision::Invalid if !zh => Cow::Borrowed(line.reason.as_str()),
            Decision::Invalid => {
                let msg = line
                    .reason
                    .strip_prefix("data error: ")
                    .unwrap_or(&line.reason);
                let msg = match msg {
                    "the household cannot be placed" if hh.village.is_none() => {
                        "所填的村不在村名册中"
                    }
                    "the household cannot be placed" => "家庭年纯收入无法读取",
                    m => m,
                };
                Cow::Owned(format!("数据有误：{msg}"))
            }
        }
    }
}

/// The deprivations of a household as the list shows them; in Chinese the
/// same text as `Deprivations::label`.
pub fn deprivations(d: crate::domain::register::Deprivations, lang: Lang) -> &'static str {
    let i = usize::from(d.unsafe_housing)
        | usize::from(d.illness_or_disability) << 1
        | usize::from(d.dropout) << 2;
    const ZH: [&str; 8] = [
        "",
        "危房",
        "大病/残疾",
        "危房、大病/残疾",
        "辍学",
        "危房、辍学",
        "大病/残疾、辍学",
        "危房、大病/残疾、辍学",
    ];
    const EN: [&str; 8] = [
        "",
        "unsafe housing",
        "illness/disability",
        "unsafe housing; illness/disability",
        "dropout",
        "unsafe housing; dropout",
        "illness/disability; dropout",
        "unsafe housing; illness/disability; dropout",
    ];
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}
