//! Publicity review (DESIGN 2.7): the decisions of a stage's review —
//! village objections, town review, county review — applied to the
//! households that entered the stage. Keep, or remove with a reason; every
//! household that entered gets a ruling, and nothing else is touched (a
//! removal never promotes another household).

use std::collections::HashMap;

use super::chain::Round;
use super::finding::{Finding, Source};
use super::key::HouseholdKey as Key;
use super::roster::Roster;
use super::text::fold_width;

/// A decision written in a review sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// 保留
    Keep,
    /// 取消
    Remove,
}

impl Decision {
    /// `保留`/`keep`, `取消`/`remove` (full-width letters and any case
    /// accepted); anything else is not a decision.
    pub fn parse(s: &str) -> Option<Decision> {
        match fold_width(s).trim().to_lowercase().as_str() {
            "保留" | "keep" | "kept" => Some(Decision::Keep),
            "取消" | "remove" | "removed" => Some(Decision::Remove),
            _ => None,
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Decision::Keep => "保留",
            Decision::Remove => "取消",
        }
    }
    pub fn outcome(self) -> Outcome {
        match self {
            Decision::Keep => Outcome::Kept,
            Decision::Remove => Outcome::Removed,
        }
    }
}

/// The round a cell of a decision sheet's column `阶段` (stage) names:
/// `village` `town` `county`, or 村级 镇级 (乡级) 县级 (村 镇 乡 县 alone
/// too), in any case or width; anything else names none.
pub fn parse_stage(s: &str) -> Option<Round> {
    let t = fold_width(s).trim().to_lowercase();
    match t.as_str() {
        "village" | "村" | "村级" => Some(Round::Village),
        "town" | "镇" | "乡" | "乡镇" | "镇级" | "乡级" | "乡镇级" => Some(Round::Town),
        "county" | "县" | "县级" => Some(Round::County),
        _ => None,
    }
}

/// A household's outcome at a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    Removed,
}

impl Outcome {
    pub fn en(self) -> &'static str {
        match self {
            Outcome::Kept => "kept",
            Outcome::Removed => "removed",
        }
    }
}

/// One row of a decision sheet, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecisionRow {
    /// 村: village name or code
    pub village: String,
    /// 户编号
    pub household_id: String,
    /// 决定
    pub decision: String,
    /// 原因
    pub reason: String,
    pub src: Source,
}

/// The review's word on one household that entered the stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ruling {
    pub outcome: Outcome,
    /// The sheet's reason (required for a removal, optional for a keep).
    pub reason: String,
    /// The sheet row that decided it; `None` when no row named the household.
    pub src: Option<Source>,
}

/// Rulings in the order of the households that entered, and the findings.
#[derive(Debug, Default)]
pub struct Review {
    pub rulings: Vec<Ruling>,
    pub findings: Vec<Finding>,
}

impl Review {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
}

struct Decided {
    decision: Decision,
    reasons: Vec<String>,
    src: Source,
}

/// Apply the decision rows of the `stage` review to the households that
/// `entered` it. `absent` gives, for households on the stage's input list
/// that did not enter it, why not (for a plainer message when a sheet names
/// one). A household no row names is kept.
pub fn apply(
    stage: &str,
    roster: &Roster,
    entered: &[Key],
    absent: &HashMap<Key, String>,
    rows: &[DecisionRow],
) -> Review {
    let index: HashMap<&Key, usize> = entered.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut decided: HashMap<usize, Decided> = HashMap::new();
    let mut findings = Vec::new();
    for row in rows {
        let hh = fold_width(row.household_id.trim()).trim().to_string();
        let village = row.village.trim();
        let err = |kind: &'static str, col: &str, village: &str, msg: String| {
            Finding::error(kind, msg)
                .at(&row.src)
                .column(col)
                .household(village, &hh)
        };
        if village.is_empty() {
            findings.push(err(
                "review_unknown_household",
                "村",
                "",
                "the village (村) is empty".into(),
            ));
            continue;
        }
        let Some((_, v)) = roster.find(&fold_width(village)) else {
            findings.push(err(
                "review_unknown_household",
                "村",
                village,
                format!("village {village:?} is not in the roster"),
            ));
            continue;
        };
        if hh.is_empty() {
            findings.push(err(
                "review_unknown_household",
                "户编号",
                &v.name,
                "the household number (户编号) is empty".into(),
            ));
            continue;
        }
        let key = Key::new(v.code.as_str(), hh.as_str());
        let Some(&i) = index.get(&key) else {
            let msg = match absent.get(&key) {
                Some(why) => format!(
                    "household {hh} of {} did not enter the {stage} review: {why}",
                    v.name
                ),
                None => format!(
                    "household {hh} of {} is not on the list that entered the {stage} review",
                    v.name
                ),
            };
            findings.push(err("review_unknown_household", "户编号", &v.name, msg));
            continue;
        };
        let Some(decision) = Decision::parse(&row.decision) else {
            findings.push(err(
                "review_decision",
                "决定",
                &v.name,
                format!(
                    "decision {:?} is neither 保留 (keep) nor 取消 (remove)",
                    row.decision.trim()
                ),
            ));
            continue;
        };
        let reason = row.reason.trim().to_string();
        if decision == Decision::Remove && reason.is_empty() {
            findings.push(err(
                "review_reason",
                "原因",
                &v.name,
                format!(
                    "household {hh} of {} is removed without a reason (原因): give the objection upheld or the finding of the review",
                    v.name
                ),
            ));
            continue;
        }
        match decided.get_mut(&i) {
            Some(prev) if prev.decision != decision => {
                findings.push(err(
                    "review_conflict",
                    "决定",
                    &v.name,
                    format!(
                        "household {hh} of {} has two different decisions: {} here, {} in {} row {}",
                        v.name,
                        decision.zh(),
                        prev.decision.zh(),
                        label(&prev.src),
                        prev.src.row
                    ),
                ));
            }
            Some(prev) => {
                if !reason.is_empty() && !prev.reasons.contains(&reason) {
                    prev.reasons.push(reason);
                }
            }
            None => {
                decided.insert(
                    i,
                    Decided {
                        decision,
                        reasons: if reason.is_empty() {
                            vec![]
                        } else {
                            vec![reason]
                        },
                        src: row.src.clone(),
                    },
                );
            }
        }
    }
    let rulings = (0..entered.len())
        .map(|i| match decided.get(&i) {
            Some(d) => Ruling {
                outcome: d.decision.outcome(),
                reason: d.reasons.join("; "),
                src: Some(d.src.clone()),
            },
            None => Ruling {
                outcome: Outcome::Kept,
                reason: String::new(),
                src: None,
            },
        })
        .collect();
    Review { rulings, findings }
}

fn label(src: &Source) -> String {
    if src.sheet.is_empty() {
        src.file.to_string()
    } else {
        format!("{} sheet {}", src.file, src.sheet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::roster::Roster;

    fn roster() -> Roster {
        Roster::of(&[("101", "甲村"), ("102", "乙村")])
    }

    fn key(v: &str, h: &str) -> Key {
        Key::new(v, h)
    }

    fn row(village: &str, hh: &str, decision: &str, reason: &str, line: u64) -> DecisionRow {
        DecisionRow {
            village: village.into(),
            household_id: hh.into(),
            decision: decision.into(),
            reason: reason.into(),
            src: Source {
                file: "review/village.csv".into(),
                sheet: "".into(),
                row: line,
            },
        }
    }

    fn entered() -> Vec<Key> {
        vec![key("101", "1"), key("101", "2"), key("102", "1")]
    }

    #[test]
    fn decision_words_in_both_languages() {
        assert_eq!(Decision::parse("保留"), Some(Decision::Keep));
        assert_eq!(Decision::parse(" Keep "), Some(Decision::Keep));
        assert_eq!(Decision::parse("ＲＥＭＯＶＥ"), Some(Decision::Remove));
        assert_eq!(Decision::parse("取消"), Some(Decision::Remove));
        assert_eq!(Decision::parse("待定"), None);
        assert_eq!(Decision::parse(""), None);
    }

    #[test]
    fn stage_words_in_both_languages() {
        assert_eq!(parse_stage("村级"), Some(Round::Village));
        assert_eq!(parse_stage(" Village "), Some(Round::Village));
        assert_eq!(parse_stage("镇级"), Some(Round::Town));
        assert_eq!(parse_stage("乡级"), Some(Round::Town));
        assert_eq!(parse_stage("ＴＯＷＮ"), Some(Round::Town));
        assert_eq!(parse_stage("县级"), Some(Round::County));
        assert_eq!(parse_stage("county"), Some(Round::County));
        assert_eq!(parse_stage("市级"), None);
        assert_eq!(parse_stage(""), None);
    }

    #[test]
    fn no_rows_keeps_everyone() {
        let r = apply("village", &roster(), &entered(), &HashMap::new(), &[]);
        assert!(r.findings.is_empty());
        assert_eq!(r.rulings.len(), 3);
        assert!(r.rulings.iter().all(|r| r.outcome == Outcome::Kept));
    }

    #[test]
    fn removes_with_reason_by_name_or_code() {
        let rows = [
            row("甲村", "２", "取消", "异议属实：家有轿车", 2),
            row("102", "1", "keep", "objection not upheld", 3),
        ];
        let r = apply("village", &roster(), &entered(), &HashMap::new(), &rows);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        assert_eq!(r.rulings[0].outcome, Outcome::Kept);
        assert_eq!(r.rulings[0].src, None);
        assert_eq!(r.rulings[1].outcome, Outcome::Removed);
        assert_eq!(r.rulings[1].reason, "异议属实：家有轿车");
        assert_eq!(r.rulings[1].src.as_ref().map(|s| s.row), Some(2));
        assert_eq!(r.rulings[2].outcome, Outcome::Kept);
        assert_eq!(r.rulings[2].reason, "objection not upheld");
    }

    #[test]
    fn every_bad_row_is_a_located_error() {
        let mut absent = HashMap::new();
        absent.insert(key("102", "9"), "it failed the appraisal".to_string());
        let rows = [
            row("甲村", "99", "取消", "x", 2),
            row("乙村", "9", "取消", "x", 3),
            row("丙村", "1", "取消", "x", 4),
            row("甲村", "1", "取消", "", 5),
            row("甲村", "2", "待定", "", 6),
            row("乙村", "1", "保留", "", 7),
            row("乙村", "1", "取消", "异议属实", 8),
            row("", "1", "保留", "", 9),
        ];
        let r = apply("village", &roster(), &entered(), &absent, &rows);
        assert_eq!(r.errors(), 7, "{:#?}", r.findings);
        let at = |line: u64| {
            r.findings
                .iter()
                .find(|f| f.row == line)
                .unwrap_or_else(|| panic!("no finding at row {line}")) // ok: test code, not built into fupin
        };
        assert!(at(2)
            .message
            .contains("household 99 of 甲村 is not on the list"));
        assert_eq!(at(2).column, "户编号");
        assert_eq!(at(2).file, "review/village.csv");
        assert!(at(3).message.contains("it failed the appraisal"));
        assert!(at(4).message.contains("not in the roster"));
        assert_eq!(at(5).kind, "review_reason");
        assert_eq!(at(5).column, "原因");
        assert_eq!(
            (at(5).village.as_str(), at(5).household.as_str()),
            ("甲村", "1")
        );
        assert_eq!(at(6).kind, "review_decision");
        assert_eq!(at(8).kind, "review_conflict");
        assert!(at(8).message.contains("row 7"));
        assert_eq!(at(9).column, "村");
    }

    #[test]
    fn the_same_decision_twice_is_fine() {
        let rows = [
            row("甲村", "1", "取消", "异议一", 2),
            row("甲村", "1", "remove", "异议二", 3),
            row("甲村", "1", "取消", "异议一", 4),
        ];
        let r = apply("town", &roster(), &entered(), &HashMap::new(), &rows);
        assert!(r.findings.is_empty());
        assert_eq!(r.rulings[0].outcome, Outcome::Removed);
        assert_eq!(r.rulings[0].reason, "异议一; 异议二");
    }
}
