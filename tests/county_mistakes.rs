//! `fupin run` over a county and its messages (DESIGN 7, across towns): a
//! person applying in two towns stops both, an empty survey folder is
//! named, a waiting town is worded once, a failed town's errors are
//! counted and located.

mod harness;

use harness::{csv_rows, Town};
use std::path::Path;
use std::process::{Command, Output};

fn fupin(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap() // ok: test code, not built into fupin
}

fn run_county(dir: &Path) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(["--json", "run"])
        .arg(dir)
        .args(["--jobs", "2"])
        .output()
        .unwrap(); // ok: test code, not built into fupin
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let j = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), j, stderr)
}

/// A demo county of `towns` towns, run to the end.
fn demo_county(towns: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let out = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(["-q", "demo"])
        .arg(dir.path().join("county"))
        .args(["--towns", &towns.to_string(), "--households", "200"])
        .output()
        .unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The town's row in the county summary.
fn summary_row(county: &Path, town: &str) -> std::collections::HashMap<String, String> {
    csv_rows(&county.join("county-summary.csv"))
        .into_iter()
        .find(|r| r["town"] == town)
        .unwrap() // ok: test code, not built into fupin
}

fn town_json<'a>(j: &'a serde_json::Value, town: &str) -> &'a serde_json::Value {
    j["towns"]
        .as_array()
        .unwrap() // ok: test code, not built into fupin
        .iter()
        .find(|t| t["town"] == town)
        .unwrap() // ok: test code, not built into fupin
}

/// The first CSV of a town's `applications/`, as rows of fields.
fn application_csv(town: &Path) -> (std::path::PathBuf, Vec<Vec<String>>) {
    let mut files: Vec<_> = std::fs::read_dir(town.join("applications"))
        .unwrap() // ok: test code, not built into fupin
        .map(|e| e.unwrap().path()) // ok: test code, not built into fupin
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    let path = files[0].clone();
    let text = std::fs::read_to_string(&path).unwrap(); // ok: test code, not built into fupin
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect()) // ok: test code, not built into fupin
        .collect();
    (path, rows)
}

/// A person who applies alone in 孔村镇 is added as household 99 of a
/// village of 孝直镇: both towns stop before `screen`, the third goes on,
/// and `run` exits 1.
#[test]
fn a_person_applying_in_two_towns_stops_both_towns() {
    let tmp = demo_county(3);
    let county = tmp.path().join("county");
    let (from, rows) = application_csv(&county.join("孔村镇"));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap(); // ok: test code, not built into fupin
    let (rel, size, id_col) = (col("与户主关系"), col("家庭人口"), col("身份证号"));
    let alone = rows
        .iter()
        .position(|r| r[rel] == "户主" && r[size] == "1")
        .unwrap(); // ok: test code, not built into fupin
    let id = rows[alone][id_col].clone();
    let (to, target) = application_csv(&county.join("孝直镇"));
    let mut row = rows[alone].clone();
    row[0] = target[1][0].clone();
    row[1] = "99".into();
    let mut text = std::fs::read_to_string(&to).unwrap(); // ok: test code, not built into fupin
    let lines = text.lines().count();
    text.push_str(&row.join(","));
    text.push('\n');
    std::fs::write(&to, text).unwrap(); // ok: test code, not built into fupin
    let rel_file = |p: &Path| format!("applications/{}", p.file_name().unwrap().to_string_lossy()); // ok: test code, not built into fupin

    let (code, j, stderr) = run_county(&county);
    assert_eq!(code, 1, "{stderr}");

    let findings = csv_rows(&county.join("county-findings.csv"));
    assert_eq!(findings.len(), 2, "{findings:?}");
    let at = |town: &str| {
        findings.iter().find(|f| f["town"] == town).unwrap() // ok: test code, not built into fupin
    };
    let here = at("孝直镇");
    assert_eq!(here["severity"], "error");
    assert_eq!(here["id_number"], id);
    assert_eq!(here["file"], rel_file(&to));
    assert_eq!(here["row"], (lines + 1).to_string());
    assert_eq!(here["household"], "99");
    assert_eq!(here["other_town"], "孔村镇");
    assert_eq!(here["other_file"], rel_file(&from));
    assert_eq!(here["other_row"], (alone + 1).to_string());
    let there = at("孔村镇");
    assert_eq!(there["other_town"], "孝直镇");
    assert_eq!(there["row"], (alone + 1).to_string());
    assert_eq!(there["household"], rows[alone][1]);
    assert!(
        there["message"].contains("孔村镇") && there["message"].contains("孝直镇"),
        "{}",
        there["message"]
    );

    for (town, other) in [("孝直镇", "孔村镇"), ("孔村镇", "孝直镇")] {
        let t = town_json(&j, town);
        assert_eq!(t["status"], "failed", "{t}");
        assert_eq!(t["exit"], 1, "{t}");
        // Stopped before screen: the changed register is not screened.
        assert!(
            !t["ran"]
                .as_array()
                .unwrap() // ok: test code, not built into fupin
                .iter()
                .any(|s| s == "screen"),
            "{t}"
        );
        let detail = t["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(other) && detail.contains("county-findings.csv"),
            "{detail}"
        );
        assert!(
            stderr.contains(&format!("{town}: failed: 1 ID number is also in the register of {other}: see county-findings.csv")),
            "{stderr}"
        );
        assert_eq!(summary_row(&county, town)["status"], "failed");
    }
    // 孝直镇 imported again (its sheet changed), 孔村镇 did not.
    assert!(town_json(&j, "孝直镇")["ran"]
        .as_array()
        .unwrap() // ok: test code, not built into fupin
        .contains(&serde_json::json!("import")));
    let third = town_json(&j, "洪范池镇");
    assert_eq!(third["status"], "done", "{third}");
    assert_eq!(summary_row(&county, "洪范池镇")["status"], "done");

    // The town run alone does not check across towns, but says so.
    let alone = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .arg("-C")
        .arg(county.join("孔村镇"))
        .arg("run")
        .output()
        .unwrap(); // ok: test code, not built into fupin
    let said = String::from_utf8_lossy(&alone.stderr);
    assert!(
        said.contains("note: ../county-findings.csv lists 1 ID number of this town that another town's register also holds"),
        "{said}"
    );

    // The town's status names the correction as its next step.
    let status = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .arg("-C")
        .arg(county.join("孔村镇"))
        .args(["--json", "status"])
        .output()
        .unwrap(); // ok: test code, not built into fupin
    let st: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap(); // ok: test code, not built into fupin
    assert!(
        st["next"]
            .as_str()
            .unwrap_or("") // ok: test code, not built into fupin
            .contains("listed in ../county-findings.csv"),
        "{st}"
    );

    // Corrected, the findings go and both towns run on.
    let text = std::fs::read_to_string(&to)
        .unwrap() // ok: test code, not built into fupin
        .lines()
        .filter(|l| !l.contains(&id))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    std::fs::write(&to, text).unwrap(); // ok: test code, not built into fupin
    let (code, j, stderr) = run_county(&county);
    assert_eq!(code, 0, "{stderr}");
    assert!(!county.join("county-findings.csv").exists());
    assert_eq!(town_json(&j, "孝直镇")["status"], "done");
    assert_eq!(town_json(&j, "孔村镇")["status"], "done");
}

#[test]
fn run_says_an_empty_survey_folder_is_skipped() {
    let t = Town::example();
    std::fs::remove_file(t.path().join("survey/survey.csv")).unwrap(); // ok: test code, not built into fupin
    let r = t.ok(&["run"], 0);
    assert!(
        r.stderr.contains(
            "survey: skipped, survey/ is empty: screening goes on with the application sheets' figures"
        ),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/survey.csv"));
    assert!(t.exists("out/primary-list.csv"));
}

#[test]
fn a_county_run_names_what_a_town_waits_for_once() {
    let county = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let t = Town::example();
    std::fs::rename(t.dir.keep(), county.path().join("甲镇")).unwrap(); // ok: test code, not built into fupin
    let out = fupin(&["run"], county.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("甲镇: "))
        .unwrap_or_default();
    assert_eq!(
        line,
        "甲镇: waiting for the appraisal meeting and vote sheets in appraisal/ before `fupin appraise`",
        "{stderr}"
    );
    assert!(!stderr.contains("waiting waiting"), "{stderr}");
}

#[test]
fn a_failed_town_shows_its_errors_in_the_county_summary() {
    let county = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let t = Town::example();
    t.add_application("errors.csv");
    std::fs::rename(t.dir.keep(), county.path().join("甲镇")).unwrap(); // ok: test code, not built into fupin
    let out = fupin(&["run"], county.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let findings = csv_rows(&county.path().join("甲镇/out/findings.csv"));
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert!(errors > 1, "{findings:?}");
    let detail = format!("`fupin import` found {errors} errors: see out/findings.xlsx");
    // The summary names the town as its campaign.toml does.
    let row = csv_rows(&county.path().join("county-summary.csv")).remove(0);
    assert_eq!(row["town"], "孝直镇");
    assert_eq!(row["status"], "failed");
    assert_eq!(row["detail"], detail);
    // No primary list: the applicants are the register's households.
    assert!(!county.path().join("甲镇/out/primary-list.csv").exists());
    let register = csv_rows(&county.path().join("甲镇/out/register.csv"));
    let households: std::collections::HashSet<(String, String)> = register
        .iter()
        .map(|r| {
            let village = if r["village_code"].is_empty() {
                &r["village"]
            } else {
                &r["village_code"]
            };
            (village.clone(), r["household_id"].clone())
        })
        .collect();
    assert!(households.len() > 30, "{}", households.len());
    assert_eq!(row["applicants_households"], households.len().to_string());
    assert!(
        stderr.contains(&format!("甲镇: failed: {detail}")),
        "{stderr}"
    );
}
