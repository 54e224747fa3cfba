//! DESIGN 7, "An appraisal that cannot stand stops the chain": a meeting
//! below its quorum, a village without a meeting, an admitted household
//! without a vote row: `appraise` exits 1, writes no `out/appraised.csv`
//! (an older one is removed) and every later stage refuses, naming
//! `fupin appraise`. A meeting given on the command line is kept by later
//! runs of `appraise` and `run`.
//!
//! The example town admits 8 households in 双河村 (30 representatives
//! needed), 6 in 南庞庄村 (20) and 7 in 鹿泉村 (20).

mod harness;

use harness::{meetings, present, Town};
use std::collections::HashMap;

/// The example town after import, survey and screen.
fn screened() -> Town {
    let t = Town::example();
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    t
}

/// The admitted households of the primary list as (village, household).
fn admitted(t: &Town) -> Vec<(String, String)> {
    t.csv("out/primary-list.csv")
        .into_iter()
        .filter(|r| r["decision"] == "admitted")
        .map(|r| (r["village"].clone(), r["household_id"].clone()))
        .collect()
}

/// Write `appraisal/votes.csv`: 18 for, 1 against, 1 abstaining for every
/// admitted household but those `skip` leaves out.
fn votes(t: &Town, skip: &[(&str, &str)]) {
    let mut s = String::from("\u{feff}村,户编号,赞成,反对,弃权\n");
    for (v, hh) in admitted(t) {
        if !skip.contains(&(v.as_str(), hh.as_str())) {
            s.push_str(&format!("{v},{hh},18,1,1\n"));
        }
    }
    t.write("appraisal/votes.csv", &s);
}

/// The words of a command line.
fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Every stage after `appraise`, in order, as `run` would take them by hand.
const LATER: [&str; 7] = [
    "notice --stage village",
    "review --stage village --no-changes",
    "notice --stage town",
    "review --stage town --no-changes",
    "notice --stage county",
    "review --stage county --no-changes",
    "bind",
];

/// Each later stage refuses (a data or usage status, never 0) and names
/// `fupin appraise` as the command to run first.
fn later_stages_refuse(t: &Town) {
    for c in LATER {
        let r = t.run(&words(c));
        assert!(
            r.code == 1 || r.code == 2,
            "`fupin {c}` exited {}:\n{}",
            r.code,
            r.stderr
        );
        assert!(
            r.stderr
                .contains("out/appraised.csv does not exist yet: run `fupin appraise` first"),
            "`fupin {c}`: {}",
            r.stderr
        );
    }
}

/// `appraised.csv` has a row for every admitted household, each with its
/// outcome and reason.
fn every_admitted_household_has_its_row(t: &Town) {
    let rows: HashMap<(String, String), HashMap<String, String>> = t
        .csv("out/appraised.csv")
        .into_iter()
        .map(|r| ((r["village"].clone(), r["household_id"].clone()), r))
        .collect();
    let adm = admitted(t);
    assert_eq!(rows.len(), adm.len());
    for k in &adm {
        let r = &rows[k];
        assert!(
            ["passed", "failed"].contains(&r["outcome"].as_str()),
            "{k:?}"
        );
        assert!(r["reason"].starts_with("赞成 "), "{k:?}: {}", r["reason"]);
    }
}

#[test]
fn a_meeting_below_quorum_stops_the_chain() {
    let t = screened();
    present(&t, [30, 20, 20]);
    votes(&t, &[]);
    t.ok(&["appraise"], 0);
    for c in LATER {
        t.ok(&words(c), 0);
    }
    assert!(t.exists("out/final-list.csv"));

    // 南庞庄村 met with 18 of the 20 it needs.
    present(&t, [30, 18, 20]);
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr
            .contains("南庞庄村: not appraised: 18 present, 20 needed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the earlier out/appraised.csv was removed"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("out/appraised.csv is not written"));
    assert!(!t.exists("out/appraised.csv"));
    // What tells the clerk what is wrong is still written.
    let m = t.csv("out/meetings.csv");
    let valid: Vec<(&str, &str)> = m
        .iter()
        .map(|r| (r["village"].as_str(), r["valid"].as_str()))
        .collect();
    assert_eq!(
        valid,
        [("双河村", "yes"), ("南庞庄村", "no"), ("鹿泉村", "yes")]
    );
    assert!(t
        .csv("out/appraisal-findings.csv")
        .iter()
        .any(|f| f["kind"] == "quorum" && f["village"] == "南庞庄村"));
    assert!(t.exists("out/appraisal-record.xlsx"));
    let last = t.read("out/journal.jsonl");
    let last = last.lines().last().unwrap(); // ok: test code, not built into fupin
    let j: serde_json::Value = serde_json::from_str(last).unwrap(); // ok: test code, not built into fupin
    assert_eq!(j["exit"], 1);
    assert!(
        !j["outputs"].to_string().contains("appraised.csv"),
        "the journal does not list a list that was not written: {last}"
    );

    later_stages_refuse(&t);
    // The notice did not run: 南庞庄村's notice is not taken away as if the
    // village had left the list.
    assert!(t.exists("out/notices/village-南庞庄村.xlsx"));

    // `run` stops at the appraisal too.
    let r = t.ok(&["run"], 1);
    assert!(
        r.stderr.contains("the appraisal cannot stand"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("notice --stage village\n"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/appraised.csv"));

    // With its quorum the appraisal stands again, every household with its row.
    present(&t, [30, 20, 20]);
    t.ok(&["appraise"], 0);
    every_admitted_household_has_its_row(&t);
}

#[test]
fn a_missing_vote_row_stops_the_chain() {
    let t = screened();
    present(&t, [30, 20, 20]);
    votes(&t, &[("双河村", "9")]);
    let r = t.ok(&["appraise"], 1);
    assert!(r.stderr.contains("双河村: not appraised"), "{}", r.stderr);
    assert!(!t.exists("out/appraised.csv"));
    let f = t.csv("out/appraisal-findings.csv");
    let missing: Vec<(&str, &str)> = f
        .iter()
        .filter(|f| f["kind"] == "votes_missing")
        .map(|f| (f["village"].as_str(), f["household"].as_str()))
        .collect();
    assert_eq!(missing, [("双河村", "9")]);
    later_stages_refuse(&t);

    votes(&t, &[]);
    t.ok(&["appraise"], 0);
    every_admitted_household_has_its_row(&t);
}

#[test]
fn a_village_without_a_meeting_stops_the_chain() {
    let t = screened();
    votes(&t, &[]);
    meetings(
        &t,
        &[("双河村", "2015-06-04", 30), ("南庞庄村", "2015-06-03", 20)],
    );
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr
            .contains("鹿泉村: not appraised: no meeting recorded for 鹿泉村"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/appraised.csv"));
    assert_eq!(t.csv("out/meetings.csv").len(), 2);
    later_stages_refuse(&t);
}

#[test]
fn no_household_leaves_the_appraisal_without_a_row() {
    let t = screened();
    meetings(
        &t,
        &[
            ("双河村", "2015-06-04", 30),
            ("南庞庄村", "2015-06-03", 20),
            ("鹿泉村", "2015-06-04", 40),
        ],
    );
    // 18 of 40 present is not more than half: 鹿泉村's households fail,
    // and each keeps its row saying why.
    votes(&t, &[]);
    t.ok(&["appraise"], 0);
    every_admitted_household_has_its_row(&t);
    let list = t.csv("out/appraised.csv");
    let failed: Vec<&str> = list
        .iter()
        .filter(|r| r["outcome"] == "failed")
        .map(|r| r["village"].as_str())
        .collect();
    assert_eq!(failed, ["鹿泉村"; 7]);
    assert!(list
        .iter()
        .filter(|r| r["village"] == "鹿泉村")
        .all(|r| r["reason"] == "赞成 18 of 40 present: not more than half"));
}

#[test]
fn a_meeting_given_on_the_command_line_is_kept_by_a_later_run() {
    let t = screened();
    votes(&t, &[]);
    meetings(
        &t,
        &[("双河村", "2015-06-04", 30), ("南庞庄村", "2015-06-03", 20)],
    );
    t.ok(&["appraise"], 1);
    t.ok(
        &words("appraise --village 鹿泉村 --date 2015-06-05 --present 25"),
        0,
    );
    // Recorded in out/meetings.csv, marked as given on the command line.
    let m = t.csv("out/meetings.csv");
    let rows: Vec<(&str, &str, &str, &str)> = m
        .iter()
        .map(|r| {
            (
                r["village"].as_str(),
                r["date"].as_str(),
                r["present"].as_str(),
                r["source"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("双河村", "2015-06-04", "30", "appraisal/meetings.csv"),
            ("南庞庄村", "2015-06-03", "20", "appraisal/meetings.csv"),
            ("鹿泉村", "2015-06-05", "25", "command line"),
        ]
    );

    // A later `appraise` without the flags keeps it.
    let r = t.ok(&["appraise"], 0);
    assert!(!r.stderr.contains("no meeting recorded"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "the meeting of 鹿泉村 is the one given on the command line before (2015-06-05, 25 present"
        ),
        "{}",
        r.stderr
    );
    let present_of = |t: &Town, v: &str| -> Vec<String> {
        t.csv("out/appraised.csv")
            .into_iter()
            .filter(|r| r["village"] == v)
            .map(|r| r["present"].clone())
            .collect()
    };
    assert_eq!(present_of(&t, "鹿泉村"), vec!["25"; 7]);
    assert_eq!(t.csv("out/meetings.csv")[2]["source"], "command line");

    // `run` re-does the appraisal when a vote sheet changes, and keeps it too.
    let changed = t
        .read("appraisal/votes.csv")
        .replacen(",18,1,1", ",17,2,1", 1);
    t.write("appraisal/votes.csv", &changed);
    let r = t.run(&["run"]);
    assert!(
        r.stderr.contains("== fupin") && r.stderr.contains(" appraise\n"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("no meeting recorded"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("`fupin appraise` exited"),
        "{}",
        r.stderr
    );
    assert_eq!(present_of(&t, "鹿泉村"), vec!["25"; 7]);
    every_admitted_household_has_its_row(&t);

    // A meeting of the village in appraisal/ wins, and the mark goes.
    present(&t, [30, 20, 22]);
    let r = t.ok(&["appraise"], 0);
    assert!(
        r.stderr.contains(
            "the meeting of 鹿泉村 in appraisal/ replaces the one given on the command line before"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(present_of(&t, "鹿泉村"), vec!["22"; 7]);
    let m = t.read("out/meetings.csv");
    assert!(
        m.starts_with("village_code,village,date,present,representatives,required,rule,valid\n")
    );
}

#[test]
fn a_meeting_given_before_that_cannot_be_read_stops_the_chain() {
    let t = screened();
    votes(&t, &[]);
    meetings(
        &t,
        &[("双河村", "2015-06-04", 30), ("南庞庄村", "2015-06-03", 20)],
    );
    t.ok(
        &words("appraise --village 鹿泉村 --date 2015-06-05 --present 25"),
        0,
    );
    let m = t
        .read("out/meetings.csv")
        .replace("2015-06-05,25,", "2015-06-05,二十五,");
    t.write("out/meetings.csv", &m);
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr
            .contains("the meeting of 鹿泉村 given on the command line before cannot be read"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/appraised.csv"));
    let f = t.csv("out/appraisal-findings.csv");
    let bad = f.iter().find(|f| f["kind"] == "meeting_value").unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        (
            bad["file"].as_str(),
            bad["row"].as_str(),
            bad["village"].as_str()
        ),
        ("out/meetings.csv", "4", "鹿泉村")
    );
    // Given again, it stands.
    t.ok(
        &words("appraise --village 鹿泉村 --date 2015-06-05 --present 25"),
        0,
    );
    every_admitted_household_has_its_row(&t);
}
