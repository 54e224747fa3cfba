//! `fupin run`: every stage whose inputs are present, skipping what is up to
//! date; and a county of several towns.

mod harness;

use harness::{repo, Town};
use std::process::Command;

#[test]
fn run_stops_at_the_first_missing_input_and_skips_what_is_done() {
    let t = Town::example();
    let r = t.ok(&["--json", "run"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let town = &j["towns"][0];
    assert_eq!(town["status"], "waiting");
    assert_eq!(
        town["ran"],
        serde_json::json!(["import", "survey", "screen"])
    );
    assert!(
        town["detail"].as_str().unwrap().contains("appraisal/"),
        "{}",
        town["detail"]
    );
    assert!(t.exists("out/primary-list.csv"));

    let r = t.ok(&["--json", "run"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        j["towns"][0]["skipped"],
        serde_json::json!(["import", "survey", "screen"])
    );
    assert_eq!(j["towns"][0]["ran"], serde_json::json!([]));

    // A changed survey sheet reruns the survey and what follows it.
    let s = t
        .read("survey/survey.csv")
        .replace("鹿泉村,3,12600", "鹿泉村,3,12000");
    t.write("survey/survey.csv", &s);
    let r = t.ok(&["--json", "run"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["towns"][0]["skipped"], serde_json::json!(["import"]));
    assert_eq!(
        j["towns"][0]["ran"],
        serde_json::json!(["survey", "screen"])
    );
}

#[test]
fn run_reports_a_failing_stage() {
    let t = Town::example();
    t.add_application("errors.csv");
    let r = t.ok(&["--json", "run"], 1);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["towns"][0]["status"], "failed");
    assert!(j["towns"][0]["detail"].as_str().unwrap().contains("import"));
}

#[test]
fn a_county_runs_every_town_and_one_broken_town_does_not_stop_the_others() {
    let county = tempfile::tempdir().unwrap();
    for name in ["甲镇", "丙镇"] {
        let t = Town::example();
        let dst = county.path().join(name);
        std::fs::rename(t.dir.keep(), &dst).unwrap_or_else(|_| panic!("move {name}"));
    }
    // Another town, whose applicants are not the first town's: the same
    // person applying in two towns stops both (tests/county_mistakes.rs).
    let demo = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(["-q", "demo"])
        .arg(county.path().join("乙镇"))
        .args([
            "--villages",
            "2",
            "--households",
            "40",
            "--clean",
            "--no-run",
        ])
        .output()
        .unwrap(); // ok: test code, not built into fupin
    assert_eq!(demo.status.code(), Some(0));
    std::fs::write(
        county.path().join("丙镇/campaign.toml"),
        "[scale]\nquota = 1\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args([
            "--json",
            "run",
            county.path().to_str().unwrap(),
            "--jobs",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let towns = j["towns"].as_array().unwrap();
    assert_eq!(towns.len(), 3);
    let by = |n: &str| towns.iter().find(|t| t["town"] == n).unwrap().clone();
    assert_eq!(by("丙镇")["status"], "failed");
    assert_eq!(by("甲镇")["status"], "waiting");
    assert_eq!(by("乙镇")["status"], "waiting");
    let summary = std::fs::read_to_string(county.path().join("county-summary.csv")).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines.len(), 5, "{summary}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",34,21,0,0,") && l.contains("waiting")),
        "{summary}"
    );
    assert!(lines[4].starts_with("total,8,"), "{summary}");
    assert!(!county.path().join("county-findings.csv").exists());
    assert!(county.path().join("county-summary.xlsx").exists());
    let _ = repo();
}

/// `run` used to look for a step's sheets before asking whether the step
/// was done: a review done by hand with `--no-changes` (no sheet in
/// `review/`) left `run` waiting for that sheet forever.
#[test]
fn run_is_not_stuck_after_a_stage_done_by_hand() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let town = dir.path().join("t");
    let demo = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(["-q", "demo"])
        .arg(&town)
        .args(["--villages", "2", "--households", "80", "--clean"])
        .output()
        .unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        demo.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let fupin = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fupin"))
            .arg("-C")
            .arg(&town)
            .args(args)
            .output()
            .unwrap() // ok: test code, not built into fupin
    };
    // The town review again, by hand, passing everyone on; its sheet moved away.
    for e in std::fs::read_dir(town.join("review")).unwrap() {
        let p = e.unwrap().path(); // ok: test code, not built into fupin
        if p.file_name().unwrap().to_string_lossy().starts_with("town") {
            std::fs::remove_file(p).unwrap(); // ok: test code, not built into fupin
        }
    }
    let r = fupin(&["review", "--stage", "town", "--no-changes"]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let r = fupin(&["--json", "run"]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{stderr}");
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap(); // ok: test code, not built into fupin
    let t = &j["towns"][0];
    assert_eq!(t["status"], "done", "{t}");
    assert!(
        t["skipped"]
            .as_array()
            .unwrap() // ok: test code, not built into fupin
            .contains(&serde_json::json!("review --stage town")),
        "{t}"
    );
    // The demo's town sheet removed no one, so the list written by hand is
    // the same by content and nothing after it is stale (DESIGN 7).
    assert_eq!(t["ran"], serde_json::json!([]), "{t}");
}
