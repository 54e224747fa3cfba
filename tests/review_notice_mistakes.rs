//! DESIGN 7, the mistakes of a real campaign in `review/` and `notice`:
//! a review sheet named in Chinese or known by its column 阶段 is used, one
//! that says no stage is an error naming it; a chosen start of publicity is
//! kept; notices in one format replace those in the other. Each test runs
//! on a small demo town whose whole chain has run.

mod harness;

use harness::{workbook_cells, Town};
use std::collections::HashMap;

type Row = HashMap<String, String>;

/// A demo town of two villages, without deliberate errors, run from
/// applications to registration.
fn demo_town() -> Town {
    let t = Town {
        dir: tempfile::tempdir().unwrap(), // ok: test code, not built into fupin
    };
    t.ok(
        &[
            "-q",
            "demo",
            ".",
            "--villages",
            "2",
            "--households",
            "80",
            "--clean",
        ],
        0,
    );
    t
}

fn remove(t: &Town, rel: &str) {
    std::fs::remove_file(t.path().join(rel)).unwrap(); // ok: test code, not built into fupin
}

/// The households kept on a list, as (village, household number).
fn kept(t: &Town, list: &str) -> Vec<(String, String)> {
    t.csv(list)
        .into_iter()
        .filter(|r| r["outcome"] == "kept")
        .map(|r| (r["village"].clone(), r["household_id"].clone()))
        .collect()
}

fn row<'a>(rows: &'a [Row], h: &(String, String)) -> &'a Row {
    rows.iter()
        .find(|r| r["village"] == h.0 && r["household_id"] == h.1)
        .unwrap_or_else(|| panic!("{h:?} is not on the list")) // ok: test code, not built into fupin
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap() // ok: test code, not built into fupin
}

/// Finding 3: `review/村级公示异议处理.csv` was ignored by the village
/// review, which advised `--no-changes`, and the household stayed listed.
#[test]
fn a_review_sheet_named_in_chinese_is_used() {
    let t = demo_town();
    let on_list = kept(&t, "out/after-village-review.csv");
    let (a, b) = (on_list[0].clone(), on_list[1].clone());
    remove(&t, "review/village-objections.csv");
    t.write(
        "review/村级公示异议处理.csv",
        &format!(
            "村,户编号,决定,原因\n{},{},取消,异议属实：家有轿车\n",
            a.0, a.1
        ),
    );
    let r = t.ok(&["--json", "review", "--stage", "village"], 0);
    let j = json(&r.stdout);
    assert_eq!(
        j["decision_sheets"],
        serde_json::json!(["review/村级公示异议处理.csv"])
    );
    let list = t.csv("out/after-village-review.csv");
    assert_eq!(row(&list, &a)["outcome"], "removed");
    assert_eq!(row(&list, &a)["reason"], "异议属实：家有轿车");
    assert_eq!(row(&list, &b)["outcome"], "kept");

    // A town sheet named 镇级… in place of town…: `run` finds it, reads it
    // and applies it.
    remove(&t, "review/town-review.csv");
    t.write(
        "review/镇级复核.csv",
        &format!(
            "村,户编号,决定,原因\n{},{},取消,镇复核：有个体经营\n",
            b.0, b.1
        ),
    );
    let r = t.ok(&["--json", "run"], 0);
    let town = &json(&r.stdout)["towns"][0];
    assert_eq!(town["status"], "done", "{town}");
    let list = t.csv("out/after-town-review.csv");
    assert_eq!(row(&list, &b)["outcome"], "removed");
    assert_eq!(row(&list, &b)["reason"], "镇复核：有个体经营");
    assert!(!t
        .csv("out/final-list.csv")
        .iter()
        .any(|r| r["village"] == b.0 && r["household_id"] == b.1));
    // Nothing is left to do: the Chinese-named sheets are the inputs read.
    let r = t.ok(&["--json", "run"], 0);
    assert_eq!(json(&r.stdout)["towns"][0]["ran"], serde_json::json!([]));
}

/// Finding 3: a sheet named for no stage that says each row's stage in a
/// column 阶段 is read by each review for its own rows, and `run` counts it
/// as handed in for the stages it has rows of, and only those.
#[test]
fn a_review_sheet_with_a_stage_column_is_used() {
    let t = demo_town();
    let on_list = kept(&t, "out/after-village-review.csv");
    let (a, b) = (on_list[0].clone(), on_list[1].clone());
    remove(&t, "review/village-objections.csv");
    remove(&t, "review/town-review.csv");
    t.write(
        "review/异议处理.csv",
        &format!(
            "村,户编号,决定,原因,阶段\n{},{},取消,村公示异议属实,村级\n{},{},取消,镇复核不符,镇级\n",
            a.0, a.1, b.0, b.1
        ),
    );
    let r = t.ok(&["--json", "run"], 0);
    let town = &json(&r.stdout)["towns"][0];
    assert_eq!(town["status"], "done", "{town}");
    let village = t.csv("out/after-village-review.csv");
    assert_eq!(row(&village, &a)["outcome"], "removed");
    assert_eq!(row(&village, &a)["reason"], "村公示异议属实");
    assert_eq!(row(&village, &b)["outcome"], "kept");
    let town_list = t.csv("out/after-town-review.csv");
    assert_eq!(row(&town_list, &b)["outcome"], "removed");
    assert_eq!(row(&town_list, &b)["reason"], "镇复核不符");

    let r = t.ok(&["--json", "review", "--stage", "town"], 0);
    assert_eq!(
        json(&r.stdout)["decision_sheets"],
        serde_json::json!(["review/异议处理.csv"])
    );

    // The sheet has no county rows: without the county sheet, `run` waits
    // for it rather than taking the stage column's sheet for it.
    remove(&t, "review/county-review.csv");
    let r = t.ok(&["--json", "run"], 0);
    let town = &json(&r.stdout)["towns"][0];
    assert_eq!(town["status"], "waiting", "{town}");
    let detail = town["detail"].as_str().unwrap(); // ok: test code, not built into fupin
    assert!(
        detail.contains("county review's decision sheet"),
        "{detail}"
    );
    assert!(detail.contains("review --stage county"), "{detail}");

    // A row whose 阶段 is no stage is an error at the cell.
    t.write(
        "review/异议处理.csv",
        &format!("村,户编号,决定,原因,阶段\n{},{},取消,x,市级\n", a.0, a.1),
    );
    t.ok(&["review", "--stage", "village"], 1);
    let f = t.csv("out/review-village-findings.csv");
    let e = f.iter().find(|r| r["kind"] == "review_stage").unwrap(); // ok: test code, not built into fupin
    assert_eq!(e["file"], "review/异议处理.csv");
    assert_eq!(e["row"], "2");
    assert_eq!(e["column"], "阶段");

    // A sheet named for the village review is read by that review only: a
    // town row in it would be lost, so it is an error there.
    remove(&t, "review/异议处理.csv");
    t.write(
        "review/村级异议.csv",
        &format!(
            "村,户编号,决定,原因,阶段
{},{},取消,x,镇级
",
            a.0, a.1
        ),
    );
    let r = t.ok(&["review", "--stage", "village"], 1);
    assert!(
        r.stderr.contains("this row is for the town review"),
        "{}",
        r.stderr
    );
}

/// Finding 3: a sheet of `review/` that says no stage (neither by its name
/// nor by a column 阶段) is an error naming it, never skipped.
#[test]
fn a_review_sheet_of_no_stage_is_an_error() {
    let t = demo_town();
    let on_list = kept(&t, "out/after-village-review.csv");
    let a = on_list[0].clone();
    t.write(
        "review/异议处理.csv",
        &format!("村,户编号,决定,原因\n{},{},取消,异议属实\n", a.0, a.1),
    );
    let r = t.ok(&["review", "--stage", "village"], 1);
    assert!(r.stderr.contains("review/异议处理.csv"), "{}", r.stderr);
    assert!(r.stderr.contains("阶段"), "{}", r.stderr);
    assert!(!r.stderr.contains("--no-changes"), "{}", r.stderr);
    let f = t.csv("out/review-village-findings.csv");
    let e = f.iter().find(|r| r["kind"] == "review_no_stage").unwrap(); // ok: test code, not built into fupin
    assert_eq!(e["file"], "review/异议处理.csv");
    assert_eq!(e["severity"], "error");
    // No list stands on sheets that were not all read.
    assert!(!t.exists("out/after-village-review.csv"));

    // `--no-changes` does not pass over it either, and `run` fails on it.
    t.ok(&["review", "--stage", "village", "--no-changes"], 1);
    let r = t.ok(&["--json", "run"], 1);
    let town = &json(&r.stdout)["towns"][0];
    assert_eq!(town["status"], "failed", "{town}");
    assert!(
        town["detail"]
            .as_str()
            .unwrap() // ok: test code, not built into fupin
            .contains("review --stage village"),
        "{town}"
    );

    // Named for its stage, the same sheet is used.
    std::fs::rename(
        t.path().join("review/异议处理.csv"),
        t.path().join("review/村异议处理.csv"),
    )
    .unwrap(); // ok: test code, not built into fupin
    t.ok(&["review", "--stage", "village"], 0);
    assert_eq!(
        row(&t.csv("out/after-village-review.csv"), &a)["outcome"],
        "removed"
    );
}

fn schedule(t: &Town, stage: &str) -> Vec<(String, String, String)> {
    t.csv("out/schedule.csv")
        .into_iter()
        .filter(|r| r["stage"] == stage)
        .map(|r| (r["village"].clone(), r["start"].clone(), r["end"].clone()))
        .collect()
}

/// Finding 4: `notice --stage town --start 2015-06-15`, then `run`: the
/// town notices and the schedule were rewritten with the default dates
/// (06-11 to 06-17), so the notices posted no longer matched the record.
#[test]
fn a_chosen_start_date_is_kept_by_run_and_a_later_notice() {
    let t = demo_town();
    let defaults = schedule(&t, "town");
    assert!(
        defaults.iter().all(|(_, s, _)| s == "2015-06-11"),
        "{defaults:?}"
    );
    t.ok(&["notice", "--stage", "town", "--start", "2015-06-15"], 0);

    // An objection handed in late: `run` redoes the village review and
    // every stage after it, the town notices among them.
    let a = kept(&t, "out/after-village-review.csv")[0].clone();
    let mut sheet = t.read("review/village-objections.csv");
    sheet.push_str(&format!("{},{},取消,异议属实\n", a.0, a.1));
    t.write("review/village-objections.csv", &sheet);
    let r = t.ok(&["--json", "run"], 0);
    let town = &json(&r.stdout)["towns"][0];
    assert_eq!(town["status"], "done", "{town}");
    assert!(
        town["ran"]
            .as_array()
            .unwrap() // ok: test code, not built into fupin
            .contains(&serde_json::json!("notice --stage town")),
        "{town}"
    );
    let want = |start: &str, end: &str| -> Vec<(String, String, String)> {
        defaults
            .iter()
            .map(|(v, _, _)| (v.clone(), start.to_string(), end.to_string()))
            .collect()
    };
    assert_eq!(schedule(&t, "town"), want("2015-06-15", "2015-06-21"));
    // The next round follows the recorded end.
    assert_eq!(schedule(&t, "county"), want("2015-06-22", "2015-06-26"));
    let v = &defaults[0].0;
    let cells = workbook_cells(&t.path().join(format!("out/notices/town-{v}.xlsx")));
    assert!(
        cells.iter().any(|c| c.contains("2015年6月15日")),
        "{cells:?}"
    );
    assert!(
        !cells.iter().any(|c| c.contains("2015年6月11日")),
        "{cells:?}"
    );

    // A later notice without --start keeps the date too.
    let r = t.ok(&["notice", "--stage", "town"], 0);
    assert!(
        r.stderr.contains("2015-06-15 to 2015-06-21"),
        "{}",
        r.stderr
    );
    assert_eq!(schedule(&t, "town"), want("2015-06-15", "2015-06-21"));
    t.ok(&["notice", "--stage", "county"], 0);
    assert_eq!(schedule(&t, "county"), want("2015-06-22", "2015-06-26"));
}

fn notices(t: &Town) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(t.path().join("out/notices"))
        .unwrap() // ok: test code, not built into fupin
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string()) // ok: test code, not built into fupin
        .collect();
    v.sort();
    v
}

/// Finding 13: `notice --stage town --format csv` left the older
/// `town-*.xlsx` beside the new CSV notices.
#[test]
fn notices_in_one_format_remove_the_other() {
    let t = demo_town();
    let before = notices(&t);
    let town_xlsx: Vec<&String> = before
        .iter()
        .filter(|n| n.starts_with("town-") && n.ends_with(".xlsx"))
        .collect();
    assert_eq!(town_xlsx.len(), 2, "{before:?}");

    let r = t.ok(
        &["--json", "notice", "--stage", "town", "--format", "csv"],
        0,
    );
    let after = notices(&t);
    let swap = |from: &str, to: &str| -> Vec<String> {
        let mut v: Vec<String> = before
            .iter()
            .map(|n| {
                if n.starts_with("town-") {
                    n.replace(from, to)
                } else {
                    n.clone()
                }
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(after, swap(".xlsx", ".csv"));
    for n in &town_xlsx {
        assert!(
            r.stderr.contains(&format!("removed out/notices/{n}")),
            "{}",
            r.stderr
        );
    }
    let j = json(&r.stdout);
    assert_eq!(j["removed"].as_array().map(Vec::len), Some(2), "{j}");

    // Each review still reads what was posted: nothing is stuck.
    t.ok(&["review", "--stage", "town"], 0);
    let r = t.ok(&["--json", "status", "--verify"], 0);
    assert_eq!(json(&r.stdout)["verify"]["ok"], true, "{}", r.stdout);

    // And back: the workbooks replace the CSV notices.
    let r = t.ok(&["notice", "--stage", "town"], 0);
    assert_eq!(notices(&t), before);
    assert!(
        r.stderr
            .contains(".csv: the town notices are now written as workbooks"),
        "{}",
        r.stderr
    );
}
