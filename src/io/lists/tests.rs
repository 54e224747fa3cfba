//! Each list written and read back, read with its columns in another
//! order, and refused with a located error when a column or a number is
//! wrong.

use super::*;
use crate::domain::appraisal::Outcome as Appraisal;
use crate::domain::list::{IncomeBasis, ListStatus, SurveyVerdict};
use crate::domain::review::Outcome as Reviewed;
use crate::domain::schedule::Round;
use crate::domain::screen::Decision;

fn base(hh: &str, head: &str) -> Base {
    Base {
        key: HouseholdKey::new("370323101", hh),
        village: "双河村".into(),
        head_name: head.into(),
        size: 3,
    }
}

fn primary() -> Vec<PrimaryLine> {
    let line = |hh: &str, head: &str, rank: Option<u32>, decision| PrimaryLine {
        base: base(hh, head),
        net_income: rank.map(|_| Fen(735_050)),
        income_basis: rank.map(|_| IncomeBasis::Verified),
        per_capita_income: rank.map(|_| Fen(245_017)),
        deprivations: 2,
        deprivation_detail: "housing; schooling".into(),
        rank,
        decision,
        reason: "per capita 2,450.17 under the standard".into(),
        cumulative_persons: rank.map(u64::from),
        quota: Some(40),
        pool: "370323101".into(),
        list_status: ListStatus::Final,
    };
    vec![
        line("1", "张三", Some(1), Decision::Admitted),
        line("2", "=HYPERLINK(\"x\")", None, Decision::Invalid),
        line("10", "-李四", Some(2), Decision::OverQuota),
    ]
}

fn appraised() -> Vec<AppraisedLine> {
    vec![AppraisedLine {
        base: base("1", "+86王五"),
        rank: Some(1),
        per_capita_income: Some(Fen(-1250)),
        present: 40,
        votes_for: 35,
        votes_against: 3,
        votes_abstain: 2,
        outcome: Appraisal::Passed,
        reason: "赞成 35 of 40 present: more than half".into(),
    }]
}

fn reviewed() -> Vec<ReviewLine> {
    vec![
        ReviewLine {
            base: base("1", "张三"),
            rank: Some(1),
            per_capita_income: Some(Fen(245_017)),
            outcome: Reviewed::Removed,
            reason: "@举报核实, \"家有轿车\"".into(),
            stage: Round::County,
        },
        ReviewLine {
            base: base("2", "李四"),
            rank: None,
            per_capita_income: None,
            outcome: Reviewed::Kept,
            reason: String::new(),
            stage: Round::County,
        },
    ]
}

fn survey() -> Vec<SurveyLine> {
    vec![SurveyLine {
        key: HouseholdKey::new("370323101", "7"),
        village: "双河村".into(),
        verdict: SurveyVerdict::Invalid,
        verified_net_income: None,
        reason: "=1+1 is not a number".into(),
        source_file: "survey/核查, 一.xlsx".into(),
        source_sheet: "Sheet1".into(),
        source_row: 12,
    }]
}

fn round_trip<T: Line + PartialEq + std::fmt::Debug + Clone>(lines: Vec<T>) -> String {
    let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let p = d.path().join("list.csv");
    write_all(&p, &lines).unwrap(); // ok: test code, not built into fupin
    assert_eq!(read::<T>(&p).unwrap(), lines); // ok: test code, not built into fupin
    std::fs::read_to_string(&p).unwrap() // ok: test code, not built into fupin
}

#[test]
fn every_list_reads_back_as_written() {
    let text = round_trip(primary());
    assert!(text.starts_with("\u{feff}village_code,village,household_id,head_name,size,net_income,income_basis,per_capita_income,deprivations,deprivation_detail,rank,decision,reason,cumulative_persons,quota,pool,list_status\n"));
    assert!(text.contains(
        "370323101,双河村,1,张三,3,7350.50,verified,2450.17,2,housing; schooling,1,admitted,"
    ));
    assert!(text.contains(",2,\"'=HYPERLINK(\"\"x\"\")\",3,,,,2,housing; schooling,,invalid,"));
    let text = round_trip(appraised());
    assert!(text.contains(",1,'+86王五,3,1,-12.50,40,35,3,2,passed,"));
    let text = round_trip(reviewed());
    assert!(text.contains(",removed,\"'@举报核实, \"\"家有轿车\"\"\",county\n"));
    assert!(text.contains(",2,李四,3,,,kept,,county\n"));
    let finals: Vec<FinalLine> = reviewed().iter().map(FinalLine::from).collect();
    let text = round_trip(finals);
    assert!(text.ends_with("370323101,双河村,2,李四,3,,\n"));
    let text = round_trip(survey());
    assert!(text.contains(",7,invalid,,'=1+1 is not a number,\"survey/核查, 一.xlsx\",Sheet1,12\n"));
}

#[test]
fn formula_like_names_are_neutralised_and_restored() {
    let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let p = d.path().join("l.csv");
    write_all(&p, &primary()).unwrap(); // ok: test code, not built into fupin
    let text = std::fs::read_to_string(&p).unwrap(); // ok: test code, not built into fupin
    assert!(text.contains(",'-李四,"));
    let back = read::<PrimaryLine>(&p).unwrap(); // ok: test code, not built into fupin
    assert_eq!(back[1].base.head_name, "=HYPERLINK(\"x\")");
    assert_eq!(back[2].base.head_name, "-李四");
}

#[test]
fn columns_in_another_order_are_read_by_name() {
    let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let p = d.path().join("final-list.csv");
    std::fs::write(
        &p,
        "\u{feff}rank,size,household_id,extra,per_capita_income,head_name,village,village_code\n\
         4,5,12,x,1800.00,赵六,鹿泉村,370323103\n",
    )
    .unwrap(); // ok: test code, not built into fupin
    let lines = read::<FinalLine>(&p).unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        lines,
        vec![FinalLine {
            base: Base {
                key: HouseholdKey::new("370323103", "12"),
                village: "鹿泉村".into(),
                head_name: "赵六".into(),
                size: 5,
            },
            rank: Some(4),
            per_capita_income: Some(Fen(180_000)),
        }]
    );
}

#[test]
fn a_missing_column_names_the_file_and_the_column() {
    let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let p = d.path().join("appraised.csv");
    std::fs::write(
        &p,
        "village_code,village,household_id,head_name,size,rank,per_capita_income,present,votes_for,votes_against,votes_abstain,reason\n",
    )
    .unwrap(); // ok: test code, not built into fupin
    let e = read::<AppraisedLine>(&p).unwrap_err(); // ok: test code, not built into fupin
    assert_eq!((e.line, e.column.as_str()), (1, "outcome"));
    assert_eq!(e.file, p);
    assert!(e
        .to_string()
        .contains("appraised.csv line 1, column outcome: the column is missing"));
}

#[test]
fn a_bad_cell_names_its_line_and_column() {
    let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let p = d.path().join("after-town-review.csv");
    let head = "village_code,village,household_id,head_name,size,rank,per_capita_income,outcome,reason,stage\n";
    let good = "1,甲村,1,张三,3,1,10.00,kept,,town\n";
    for (bad, column, problem) in [
        (
            "1,甲村,2,李四,three,2,10.00,kept,,town\n",
            "size",
            "\"three\" is not a whole number",
        ),
        (
            "1,甲村,2,李四,3,x,10.00,kept,,town\n",
            "rank",
            "\"x\" is not a whole number",
        ),
        (
            "1,甲村,2,李四,3,2,1o.00,kept,,town\n",
            "per_capita_income",
            "\"1o.00\" is not an amount of money",
        ),
        (
            "1,甲村,2,李四,3,2,10.00,maybe,,town\n",
            "outcome",
            "\"maybe\" is not one of kept, removed",
        ),
        (
            "1,甲村,2,李四,3,2,10.00,kept,,city\n",
            "stage",
            "\"city\" is not one of village, town, county",
        ),
    ] {
        std::fs::write(&p, format!("{head}{good}{bad}")).unwrap(); // ok: test code, not built into fupin
        let e = read::<ReviewLine>(&p).unwrap_err(); // ok: test code, not built into fupin
        assert_eq!(
            (e.line, e.column.as_str(), e.problem.as_str()),
            (3, column, problem)
        );
    }
}
