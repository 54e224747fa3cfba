//! `fupin review` on the example town. The lists of `appraise` and the
//! schedule of `notice` are written by hand here, so that these tests do not
//! depend on those commands.

mod harness;

use harness::Town;

/// The example town screened, then appraised by hand: every admitted
/// household passes except 南庞庄村 11; rows written in reverse order.
fn appraised_town() -> Town {
    let t = Town::example();
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    appraise_by_hand(&t);
    t
}

fn appraise_by_hand(t: &Town) {
    let list = t.csv("out/primary-list.csv");
    let mut s = String::from(
        "\u{feff}village_code,village,household_id,head_name,size,rank,per_capita_income,present,votes_for,votes_against,votes_abstain,outcome,reason\n",
    );
    for r in list.iter().rev().filter(|r| r["decision"] == "admitted") {
        let failed = r["village"] == "南庞庄村" && r["household_id"] == "11";
        s.push_str(&format!(
            "{},{},{},{},{},{},{},30,{},0,0,{},{}\n",
            r["village_code"],
            r["village"],
            r["household_id"],
            r["head_name"],
            r["size"],
            r["rank"],
            r["per_capita_income"],
            if failed { 12 } else { 28 },
            if failed { "failed" } else { "passed" },
            if failed {
                "votes for (12) not more than half of those present (30)"
            } else {
                ""
            },
        ));
    }
    t.write("out/appraised.csv", &s);
    t.write(
        "out/meetings.csv",
        "\u{feff}village_code,village,date,present,representatives,required,rule,valid\n\
         370323101,双河村,2015-06-04,36,45,30,30 of a village of 1000 or more,true\n\
         370323102,南庞庄村,2015-06-04,30,,20,20 of a village under 1000,true\n\
         370323103,鹿泉村,2015-06-03,25,,20,20 of a village under 1000,true\n",
    );
}

/// Write `out/schedule.csv` with the periods of the stages given.
/// The notices of `stages` on fixed dates. A stage whose list exists is
/// noticed by `fupin notice --start` (the appraisal above has no meeting to
/// count from), so the journal knows what the schedule holds; for one whose
/// list does not exist yet (to try the chain's order) its rows are written
/// into the schedule by hand. A stage already noticed is left as it is.
fn notice_by_hand(t: &Town, stages: &[&str]) {
    for st in stages {
        let schedule = if t.exists("out/schedule.csv") {
            t.read("out/schedule.csv")
        } else {
            String::from("\u{feff}village_code,village,stage,start,end\n")
        };
        if schedule.contains(&format!(",{st},20")) {
            continue;
        }
        let (a, b, input) = match *st {
            "village" => ("2015-06-05", "2015-06-11", "out/appraised.csv"),
            "town" => ("2015-06-12", "2015-06-18", "out/after-village-review.csv"),
            _ => ("2015-06-19", "2015-06-23", "out/after-town-review.csv"),
        };
        if t.exists(input) {
            t.ok(&["notice", "--stage", st, "--start", a], 0);
            continue;
        }
        let mut s = schedule;
        for (code, name) in [
            ("370323101", "双河村"),
            ("370323102", "南庞庄村"),
            ("370323103", "鹿泉村"),
        ] {
            s.push_str(&format!("{code},{name},{st},{a},{b}\n"));
        }
        t.write("out/schedule.csv", &s);
    }
}

fn find<'a>(
    rows: &'a [std::collections::HashMap<String, String>],
    village: &str,
    hh: &str,
) -> Option<&'a std::collections::HashMap<String, String>> {
    rows.iter()
        .find(|r| r["village"] == village && r["household_id"] == hh)
}

#[test]
fn reviews_remove_households_and_the_counts_follow() {
    let t = appraised_town();
    notice_by_hand(&t, &["village"]);
    t.write(
        "review/village-双河村.csv",
        "村,户编号,决定,原因\n双河村,2,取消,群众异议属实：家中有经营性货车\n鹿泉村,7,保留,异议不实\n",
    );
    // A town sheet already handed in is not read at the village stage.
    t.write(
        "review/town.csv",
        "village,household_id,decision,reason\n370323103,9,remove,county audit: runs a shop\n",
    );
    let r = t.ok(&["--json", "review", "--stage", "village"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        j["decision_sheets"],
        serde_json::json!(["review/village-双河村.csv"])
    );
    assert_eq!(j["no_changes"], false);
    assert_eq!(
        (
            j["entered"].as_u64(),
            j["kept"].as_u64(),
            j["removed"].as_u64()
        ),
        (Some(20), Some(19), Some(1))
    );
    assert!(r.stderr.contains("群众异议属实"), "{}", r.stderr);

    let header = t.read("out/after-village-review.csv");
    assert!(header.starts_with(
        "village_code,village,household_id,head_name,size,rank,per_capita_income,outcome,reason,stage\n"
    ));
    let v = t.csv("out/after-village-review.csv");
    assert_eq!(v.len(), 20);
    let gone = find(&v, "双河村", "2").unwrap();
    assert_eq!(gone["outcome"], "removed");
    assert_eq!(gone["reason"], "群众异议属实：家中有经营性货车");
    assert_eq!(gone["stage"], "village");
    assert_eq!(find(&v, "鹿泉村", "7").unwrap()["outcome"], "kept");
    assert_eq!(find(&v, "鹿泉村", "7").unwrap()["reason"], "异议不实");
    // The household that failed the appraisal did not enter; nobody moved up.
    assert!(find(&v, "南庞庄村", "11").is_none());
    assert!(find(&v, "南庞庄村", "6").is_none());
    assert_eq!(v.iter().filter(|r| r["outcome"] == "kept").count(), 19);
    // Roster order of villages, then rank, whatever the order of the input.
    let order: Vec<(String, String)> = v
        .iter()
        .map(|r| (r["village"].clone(), r["rank"].clone()))
        .collect();
    assert_eq!(order[0], ("双河村".into(), "1".into()));
    assert_eq!(order[7], ("双河村".into(), "8".into()));
    assert_eq!(order[8], ("南庞庄村".into(), "1".into()));
    assert_eq!(order[19], ("鹿泉村".into(), "7".into()));

    // Town review: English headers, codes and words.
    notice_by_hand(&t, &["village", "town"]);
    t.ok(&["review", "--stage", "town"], 0);
    let town = t.csv("out/after-town-review.csv");
    assert_eq!(town.len(), 19);
    assert!(find(&town, "双河村", "2").is_none());
    let shop = find(&town, "鹿泉村", "9").unwrap();
    assert_eq!(
        (shop["outcome"].as_str(), shop["stage"].as_str()),
        ("removed", "town")
    );
    assert_eq!(shop["reason"], "county audit: runs a shop");

    // County review: no objections.
    notice_by_hand(&t, &["village", "town", "county"]);
    let r = t.ok(
        &["--json", "review", "--stage", "county", "--no-changes"],
        0,
    );
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["no_changes"], true);
    assert_eq!(j["removed"], 0);
    let outputs: Vec<&str> = j["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o.as_str())
        .collect();
    assert!(outputs.contains(&"out/after-county-review.csv"));
    assert!(outputs.contains(&"out/final-list.csv"));
    let county = t.csv("out/after-county-review.csv");
    assert_eq!(county.len(), 18);
    assert!(county
        .iter()
        .all(|r| r["outcome"] == "kept" && r["stage"] == "county"));

    let text = t.read("out/final-list.csv");
    assert!(text
        .starts_with("village_code,village,household_id,head_name,size,rank,per_capita_income\n"));
    let fin = t.csv("out/final-list.csv");
    let ids: Vec<String> = fin
        .iter()
        .map(|r| format!("{}{}", r["village"], r["household_id"]))
        .collect();
    assert_eq!(
        ids,
        [
            "双河村6",
            "双河村5",
            "双河村1",
            "双河村10",
            "双河村8",
            "双河村9",
            "双河村3",
            "南庞庄村3",
            "南庞庄村7",
            "南庞庄村9",
            "南庞庄村4",
            "南庞庄村1",
            "鹿泉村7",
            "鹿泉村8",
            "鹿泉村2",
            "鹿泉村1",
            "鹿泉村6",
            "鹿泉村10",
        ]
    );
    assert_eq!(
        find(&fin, "双河村", "6").unwrap()["per_capita_income"],
        "2000.00"
    );
    assert!(t.exists("out/review-county-findings.csv"));
}

#[test]
fn a_missing_sheet_is_never_taken_for_no_objections() {
    let t = appraised_town();
    notice_by_hand(&t, &["village"]);
    let r = t.ok(&["review", "--stage", "village"], 1);
    assert!(
        r.stderr.contains("no decision sheet for the village review in review/ (files named village… or 村…, or a sheet whose column 阶段 (stage) says village): hand it in, or run with --no-changes"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/after-village-review.csv"));
    // A sheet of another stage does not count.
    t.write("review/county.csv", "村,户编号,决定,原因\n");
    t.ok(&["review", "--stage", "village"], 1);
    t.ok(&["review", "--stage", "village", "--no-changes"], 0);
    let v = t.csv("out/after-village-review.csv");
    assert_eq!(v.len(), 20);
    assert!(v
        .iter()
        .all(|r| r["outcome"] == "kept" && r["reason"].is_empty()));
    let journal = t.read("out/journal.jsonl");
    assert!(journal
        .lines()
        .last()
        .unwrap()
        .contains("\"no_changes\":true"));
}

#[test]
fn a_sheet_with_only_its_header_says_no_changes() {
    let t = appraised_town();
    notice_by_hand(&t, &["village"]);
    t.write("review/village.csv", "村,户编号,决定,原因\n");
    let r = t.ok(&["--json", "review", "--stage", "village"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        j["decision_sheets"],
        serde_json::json!(["review/village.csv"])
    );
    assert_eq!(j["kept"], 20);
    // --no-changes against a sheet that holds decisions is refused.
    t.write(
        "review/village.csv",
        "村,户编号,决定,原因\n双河村,2,取消,异议属实\n",
    );
    let r = t.ok(&["review", "--stage", "village", "--no-changes"], 1);
    assert!(
        r.stderr
            .contains("--no-changes, but review/village.csv holds 1 decision"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_unknown_household_is_a_finding_and_no_list_is_written() {
    let t = appraised_town();
    notice_by_hand(&t, &["village"]);
    t.ok(&["review", "--stage", "village", "--no-changes"], 0);
    assert!(t.exists("out/after-village-review.csv"));
    t.write(
        "review/village.csv",
        "村,户编号,决定,原因\n双河村,99,取消,不在名单\n南庞庄村,11,取消,未通过评议\n",
    );
    let r = t.ok(&["review", "--stage", "village"], 1);
    assert!(
        r.stderr
            .contains("household 99 of 双河村 is not on the list"),
        "{}",
        r.stderr
    );
    // The earlier list no longer reflects the sheets: it is taken away.
    assert!(!t.exists("out/after-village-review.csv"));
    let f = t.csv("out/review-village-findings.csv");
    assert_eq!(f.len(), 2);
    let unknown = f.iter().find(|f| f["household"] == "99").unwrap();
    assert_eq!(unknown["severity"], "error");
    assert_eq!(unknown["file"], "review/village.csv");
    assert_eq!(unknown["row"], "2");
    assert_eq!(unknown["column"], "户编号");
    assert_eq!(unknown["village"], "双河村");
    let failed = f.iter().find(|f| f["household"] == "11").unwrap();
    assert!(
        failed["message"].contains("failed the appraisal"),
        "{}",
        failed["message"]
    );
    // The next stage cannot build on a list that is not there.
    notice_by_hand(&t, &["village", "town"]);
    let r = t.ok(&["review", "--stage", "town", "--no-changes"], 2);
    assert!(
        r.stderr.contains("fupin review --stage village"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_decisions_are_findings() {
    let t = appraised_town();
    notice_by_hand(&t, &["village"]);
    t.write(
        "review/village.csv",
        "村,户编号,决定,原因\n双河村,2,取消,\n双河村,3,待定,\n鹿泉村,1,保留,\n鹿泉村,1,取消,异议属实\n南庞庄村,3,KEEP,\n",
    );
    let r = t.ok(&["review", "--stage", "village"], 1);
    let f = t.csv("out/review-village-findings.csv");
    let kind = |k: &str| f.iter().filter(|f| f["kind"] == k).count();
    assert_eq!(kind("review_reason"), 1, "{f:?}");
    assert_eq!(kind("review_decision"), 1);
    assert_eq!(kind("review_conflict"), 1);
    assert_eq!(f.len(), 3);
    let reason = f.iter().find(|f| f["kind"] == "review_reason").unwrap();
    assert_eq!(
        (reason["row"].as_str(), reason["column"].as_str()),
        ("2", "原因")
    );
    assert!(r.stderr.contains("without a reason"), "{}", r.stderr);
    assert!(!t.exists("out/after-village-review.csv"));
}

#[test]
fn a_workbook_sheet_with_a_title_row_and_named_on_the_command_line() {
    let t = appraised_town();
    notice_by_hand(&t, &["village"]);
    let path = t.path().join("村级公示异议处理.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("异议").unwrap();
    ws.write_string(0, 0, "孝直镇村级公示异议处理结果").unwrap();
    for (c, h) in ["户编号", "村", "决定", "原因"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.write_number(2, 0, 8.0).unwrap();
    ws.write_string(2, 1, "双河村").unwrap();
    ws.write_string(2, 2, "取消").unwrap();
    ws.write_string(2, 3, "=子女在外有房").unwrap();
    wb.save(&path).unwrap();
    let p = path.to_string_lossy().to_string();
    t.ok(&["review", "--stage", "village", &p], 0);
    let v = t.csv("out/after-village-review.csv");
    let r = find(&v, "双河村", "8").unwrap();
    assert_eq!(r["outcome"], "removed");
    assert_eq!(r["reason"], "'=子女在外有房");
    // FILES and --no-changes contradict each other.
    t.ok(&["review", "--stage", "village", &p, "--no-changes"], 2);
}

#[test]
fn the_chain_is_enforced() {
    let t = appraised_town();
    notice_by_hand(&t, &["village", "town"]);
    let r = t.ok(&["review", "--stage", "town", "--no-changes"], 2);
    assert!(
        r.stderr
            .contains("run `fupin review --stage village` first"),
        "{}",
        r.stderr
    );
    // The village review's list changed since the town notice was made of
    // it (by content, DESIGN 7): the town notice is to be made again.
    t.ok(&["review", "--stage", "village", "--no-changes"], 0);
    t.ok(&["notice", "--stage", "town", "--start", "2015-06-12"], 0);
    t.ok(&["review", "--stage", "town", "--no-changes"], 0);
    let list = t.read("out/after-village-review.csv");
    let fewer: Vec<&str> = list.lines().take(list.lines().count() - 1).collect();
    t.write("out/after-village-review.csv", &(fewer.join("\n") + "\n"));
    let r = t.ok(&["review", "--stage", "town", "--no-changes"], 2);
    assert!(
        r.stderr.contains("fupin notice --stage town` again"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_review_needs_its_stage_noticed() {
    let t = appraised_town();
    let r = t.ok(&["review", "--stage", "village", "--no-changes"], 2);
    assert!(
        r.stderr
            .contains("run `fupin notice --stage village` first"),
        "{}",
        r.stderr
    );
    notice_by_hand(&t, &["village"]);
    t.ok(&["review", "--stage", "village", "--no-changes"], 0);
    // The village notice does not open the town review.
    let r = t.ok(&["review", "--stage", "town", "--no-changes"], 2);
    assert!(
        r.stderr.contains("run `fupin notice --stage town` first"),
        "{}",
        r.stderr
    );
    // The same list written again by the same review leaves the town
    // notice up to date: staleness is by content, not by clock.
    notice_by_hand(&t, &["village", "town"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    t.ok(&["review", "--stage", "village", "--no-changes"], 0);
    t.ok(&["review", "--stage", "town", "--no-changes"], 0);
}
