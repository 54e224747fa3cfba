//! `fupin demo` runs the whole chain on a generated town; `init` writes a
//! campaign folder.

mod harness;

use std::process::Command;

fn fupin(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn demo_runs_every_stage_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = fupin(
        d.path(),
        &[
            "--json",
            "demo",
            "town",
            "--villages",
            "4",
            "--households",
            "300",
            "--seed",
            "3",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let j: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let stages: Vec<String> = j["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stages.first().map(String::as_str), Some("import"));
    assert!(
        stages.contains(&"screen --provisional".to_string()),
        "{stages:?}"
    );
    assert_eq!(stages.last().map(String::as_str), Some("bind"));
    let town = d.path().join("town");
    assert!(town.join("out/final-list.csv").exists());
    assert!(town.join("out/town-summary.xlsx").exists());
    assert!(
        std::fs::read_dir(town.join("out/registration"))
            .unwrap()
            .count()
            >= 1
    );
    // the errors were found first, then corrected
    let journal = std::fs::read_to_string(town.join("out/journal.jsonl")).unwrap();
    let imports: Vec<&str> = journal
        .lines()
        .filter(|l| l.contains("\"command\":\"import\""))
        .collect();
    assert_eq!(imports.len(), 2);
    assert!(imports[0].contains("\"exit\":1") && imports[1].contains("\"exit\":0"));
    assert_eq!(journal.lines().count(), stages.len());
}

#[test]
fn demo_is_reproducible() {
    let d = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        let (code, _, err) = fupin(
            d.path(),
            &[
                "-q",
                "demo",
                name,
                "--villages",
                "3",
                "--households",
                "120",
                "--clean",
            ],
        );
        assert_eq!(code, 0, "{err}");
    }
    for f in [
        "out/primary-list.csv",
        "out/final-list.csv",
        "out/primary-list.xlsx",
        "out/town-summary.xlsx",
        "out/appraisal-record.xlsx",
    ] {
        let a = std::fs::read(d.path().join("a").join(f)).unwrap();
        let b = std::fs::read(d.path().join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs between two runs");
    }
}

#[test]
fn init_writes_a_campaign_folder_that_check_accepts() {
    let d = tempfile::tempdir().unwrap();
    let (code, _, err) = fupin(d.path(), &["init", "镇"]);
    assert_eq!(code, 0, "{err}");
    let town = d.path().join("镇");
    for sub in [
        "applications",
        "survey",
        "appraisal",
        "review",
        "out",
        "campaign.toml",
        "villages.csv",
    ] {
        assert!(town.join(sub).exists(), "{sub}");
    }
    let toml = std::fs::read_to_string(town.join("campaign.toml")).unwrap();
    for key in [
        "base_amount",
        "near_standard_band",
        "policy",
        "quorum_large",
        "show_income",
        "flags",
        "lang",
    ] {
        assert!(toml.contains(key), "{key}");
    }
    // -C and the folder argument are different options
    let (code, _, err) = fupin(d.path(), &["-C", "镇", "template"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_dir(town.join("applications"))
            .unwrap()
            .count(),
        3
    );
    let (code, _, err) = fupin(d.path(), &["init", "镇"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"));
}
