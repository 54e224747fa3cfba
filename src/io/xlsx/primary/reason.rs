//! The deprivation column of the printed list in the workbook's language.
//! (The 说明 column is the line's `Reason`, rendered by `Reason::text`.)

use crate::domain::campaign::Lang;

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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use crate::domain::campaign::{Campaign, Lang};
    use crate::domain::money::Fen;
    use crate::domain::reason::{OverQuota, Reason};
    use crate::domain::register::{Deprivations, Household};
    use crate::domain::roster::Roster;
    use crate::domain::screen::{screen, PrimaryList};
    use crate::domain::survey::{SurveyIndex, SurveyResult, Verdict};
    use crate::io::xlsx::primary::write_primary;
    use crate::io::xlsx::read_back::rows;

    fn roster() -> Roster {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        Roster::from_rows(
            &s(&["村代码", "村名", "人口", "户数", "重点村"]),
            &[
                s(&["101", "甲村", "20", "5", "是"]),
                s(&["102", "乙村", "100", "30", "否"]),
            ],
        )
        .unwrap() // ok: test code, not built into fupin
    }

    /// 甲村 (quota 10) and 乙村 (quota 5) with a household for every way a
    /// reason comes about, at 3,322 yuan (band 0.1: up to 3,654.20).
    fn screened(extra: &str) -> (Campaign, PrimaryList) {
        let campaign = Campaign::from_toml(&format!(
            "[campaign]\ncounty = \"平阴县\"\ntown = \"孝直镇\"\nyear = 2015\n{extra}"
        ))
        .unwrap(); // ok: test code, not built into fupin
        let hh = |v: Option<usize>, id: &str, size: u32, net: Option<i64>| Household {
            village: v,
            village_code: v.map_or(String::new(), |v| format!("10{}", v + 1)).into(),
            village_name: v.map_or("外村", |v| ["甲村", "乙村"][v]).into(),
            household_id: id.into(),
            head_name: format!("户主{id}").into(),
            size,
            net_income: net.map(|n| Fen::from_yuan(n).into()),
            ..Default::default()
        };
        let deprived = |mut h: Household| {
            h.deprivations = Deprivations {
                dropout: true,
                ..Default::default()
            };
            h
        };
        let mut excluded = hh(Some(0), "8", 2, Some(1_000));
        excluded.flags = vec!["有商品房".into(), "财政供养".into()];
        let households = vec![
            hh(Some(0), "1", 3, Some(6_000)),
            hh(Some(0), "2", 4, Some(10_000)),
            hh(Some(0), "3", 4, Some(12_000)),
            hh(Some(0), "4", 1, Some(3_100)),
            deprived(hh(Some(0), "5", 1, Some(3_400))),
            hh(Some(0), "6", 2, Some(6_800)),
            hh(Some(0), "7", 1, Some(5_000)),
            excluded,
            hh(Some(0), "9", 2, Some(1_000)),
            hh(Some(0), "10", 2, Some(1_000)),
            hh(Some(0), "11", 2, None),
            hh(Some(0), "12", 2, Some(1_000)),
            deprived(hh(Some(1), "1", 1, Some(3_500))),
            hh(None, "1", 1, Some(1_000)),
        ];
        let mut survey = SurveyIndex::default();
        for (id, why) in [("9", "家有轿车"), ("10", "")] {
            let r = SurveyResult {
                village_code: "101".into(),
                household_id: id.into(),
                verdict: Verdict::Eliminate,
                verified_net_income: None,
                reason: why.into(),
                src: Default::default(),
            };
            survey.insert("101", id, r);
        }
        let invalid = HashMap::from([(11, "身份证号码校验位错误".to_string())]);
        let list = screen(&campaign, &roster(), 3322, households, &invalid, &survey);
        (campaign, list)
    }

    fn kind(r: &Reason) -> &'static str {
        match r {
            Reason::Invalid { .. } => "invalid",
            Reason::UnknownVillage => "unknown village",
            Reason::NoIncome => "no income",
            Reason::Eliminated { why } if why.is_empty() => "eliminated, no reason",
            Reason::Eliminated { .. } => "eliminated",
            Reason::Excluded { .. } => "excluded",
            Reason::NearStandardNoDeprivation { .. } => "near, no deprivation",
            Reason::AboveStandard { .. } => "above standard",
            Reason::AboveBand { .. } => "above band",
            Reason::Admitted {
                near_standard: true,
                ..
            } => "admitted near",
            Reason::Admitted { .. } => "admitted",
            Reason::OverQuota(OverQuota::Reached { .. }) => "reached",
            Reason::OverQuota(OverQuota::After { .. }) => "after",
            Reason::OverQuota(OverQuota::DoesNotFit { .. }) => "does not fit",
        }
    }

    /// The workbook's 说明 cell of every household is its line's reason
    /// rendered in the workbook's language, for every kind of reason.
    #[test]
    fn the_workbook_reason_is_the_lines_reason_text() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let mut kinds = BTreeSet::new();
        for (n, extra) in [
            "[standard]\nnear_standard_band = 0.1\n",
            "[scale]\npolicy = \"skip\"\n",
        ]
        .into_iter()
        .enumerate()
        {
            let (zh, list) = screened(extra);
            let (en, _) = list_en(extra);
            for (lang, campaign) in [(Lang::Zh, &zh), (Lang::En, &en)] {
                let path = dir.path().join(format!("{n}-{lang:?}.xlsx"));
                write_primary(&path, &list, &roster(), campaign, false).unwrap(); // ok: test code, not built into fupin
                let (reason_col, id_col, unplaced) = match lang {
                    Lang::Zh => ("说明", "户编号", "其他"),
                    Lang::En => ("Reason", "Household no.", "Unplaced"),
                };
                for l in &list.lines {
                    let sheet = match l.household.village {
                        Some(v) => ["甲村", "乙村"][v],
                        None => unplaced,
                    };
                    let r = rows(&path, sheet);
                    let h = r.iter().position(|x| x.iter().any(|c| c == reason_col));
                    let h = h.unwrap(); // ok: test code, not built into fupin
                    let col = |name| r[h].iter().position(|c| c == name).unwrap(); // ok: test code, not built into fupin
                    let (rc, ic) = (col(reason_col), col(id_col));
                    let id = l.household.household_id.as_str();
                    let row = r[h + 1..].iter().find(|x| x[ic] == id);
                    let row = row.unwrap(); // ok: test code, not built into fupin
                    assert_eq!(row[rc], l.reason.text(lang), "{sheet} {id}");
                    kinds.insert(kind(&l.reason));
                }
            }
        }
        assert_eq!(kinds.len(), 14, "{kinds:?}");
    }

    /// The rule that decides leaves its numbers on the line: the walk its
    /// persons and ranks, the standard its amounts.
    #[test]
    fn screen_carries_the_numbers_that_decided() {
        let (_, list) = screened("[standard]\nnear_standard_band = 0.1\n");
        let reason = |v: usize, id: &str| {
            let l = list.lines.iter().find(|l| {
                l.household.village == Some(v) && l.household.household_id.as_str() == id
            });
            l.unwrap().reason.clone() // ok: test code, not built into fupin
        };
        assert_eq!(
            reason(0, "2"),
            Reason::Admitted {
                per_capita: Fen(250_000),
                near_standard: false,
                rank: 2,
                quota: 10
            }
        );
        let reached = OverQuota::Reached {
            rank: 3,
            admitted: 7,
            size: 4,
            quota: 10,
        };
        assert_eq!(reason(0, "3"), Reason::OverQuota(reached));
        let after = OverQuota::After {
            at_rank: 3,
            quota: 10,
        };
        assert_eq!(reason(0, "5"), Reason::OverQuota(after));
        assert_eq!(
            reason(0, "6"),
            Reason::NearStandardNoDeprivation {
                per_capita: Fen(340_000),
                standard: Fen(332_200)
            }
        );
        assert_eq!(
            reason(0, "7"),
            Reason::AboveBand {
                per_capita: Fen(500_000),
                standard: Fen(332_200),
                band: 0.1,
                limit: Fen(365_420)
            }
        );
        assert_eq!(
            reason(1, "1"),
            Reason::Admitted {
                per_capita: Fen(350_000),
                near_standard: true,
                rank: 1,
                quota: 5
            }
        );
        assert_eq!(reason(0, "11"), Reason::NoIncome);
        assert_eq!(
            reason(0, "12"),
            Reason::Invalid {
                message: "身份证号码校验位错误".into()
            }
        );

        let (_, skip) = screened("[scale]\npolicy = \"skip\"\n");
        let l = skip
            .lines
            .iter()
            .find(|l| l.household.household_id.as_str() == "3");
        let l = l.unwrap(); // ok: test code, not built into fupin
        let over = OverQuota::DoesNotFit {
            admitted: 7,
            size: 4,
            quota: 10,
        };
        assert_eq!(l.reason, Reason::OverQuota(over));
        assert_eq!(l.decision(), crate::domain::screen::Decision::OverQuota);
    }

    fn list_en(extra: &str) -> (Campaign, PrimaryList) {
        screened(&format!("{extra}[output]\nlang = \"en\"\n"))
    }
}
