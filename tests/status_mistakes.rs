//! DESIGN 7 on the order of the chain and on what fupin says of it: a list
//! written again with the same content leaves the later stages up to date;
//! a command run before the stage it needs exits 2, data with errors 1;
//! `--quiet` still names the errors; `status` names the first thing that
//! really has to happen, lists the standing problems, and `--verify` says
//! how many outputs it checked.

mod harness;

use harness::Town;
use serde_json::Value;

/// A generated town of two villages without deliberate errors, with every
/// stage run (`fupin demo --clean`), or only its files (`--no-run`).
fn demo(run: bool) -> Town {
    let t = Town {
        dir: tempfile::tempdir().unwrap(), // ok: test code, not built into fupin
    };
    let dir = t.path().to_str().unwrap().to_string(); // ok: test code, not built into fupin
    let mut args = vec![
        "-q",
        "demo",
        dir.as_str(),
        "--villages",
        "2",
        "--households",
        "80",
        "--clean",
    ];
    if !run {
        args.push("--no-run");
    }
    t.ok(&args, 0);
    t
}

/// The demo town with only its files, and the appraisal sheets that `demo`
/// writes once the primary list is made (the same seed, the same town).
fn demo_to_appraise() -> Town {
    let done = demo(true);
    let t = demo(false);
    std::fs::create_dir_all(t.path().join("appraisal")).unwrap(); // ok: test code, not built into fupin
    for f in ["meetings.csv", "votes.csv"] {
        let from = done.path().join("appraisal").join(f);
        std::fs::copy(from, t.path().join("appraisal").join(f)).unwrap(); // ok: test code, not built into fupin
    }
    t
}

fn json(r: &harness::Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap() // ok: test code, not built into fupin
}

/// The error rows of `out/findings.csv`.
fn register_errors(t: &Town) -> usize {
    t.csv("out/findings.csv")
        .iter()
        .filter(|r| r["severity"] == "error")
        .count()
}

/// The example town with the sheet of deliberate errors added, imported.
fn town_with_errors() -> Town {
    let t = Town::example();
    t.add_application("errors.csv");
    t.ok(&["import"], 1);
    t
}

/// The stderr lines that are not empty.
fn lines(s: &str) -> Vec<&str> {
    s.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Lower the meeting of 鸡埠村 below its quorum (32 representatives).
fn meeting_below_quorum(t: &Town) {
    let m = t.read("appraisal/meetings.csv");
    assert!(m.contains("鸡埠村,2015-06-03,28"), "{m}");
    t.write(
        "appraisal/meetings.csv",
        &format!(
            "\u{feff}{}",
            m.replace("鸡埠村,2015-06-03,28", "鸡埠村,2015-06-03,5")
        ),
    );
}

#[test]
fn the_same_list_written_again_leaves_later_stages_up_to_date() {
    let t = demo(true);
    let list = t.read("out/primary-list.csv");
    // A later clock, the same bytes: no stage refuses.
    std::thread::sleep(std::time::Duration::from_millis(20));
    t.ok(&["screen"], 0);
    assert_eq!(t.read("out/primary-list.csv"), list);
    t.ok(&["bind"], 0);
    let r = t.ok(&["--json", "status", "--verify"], 0);
    let j = json(&r);
    assert_eq!(j["verify"]["ok"], true);
    assert_eq!(j["verify"]["stale"], serde_json::json!([]));
    assert!(j["verify"]["checked"].as_u64().unwrap() > 20); // ok: test code, not built into fupin
    assert_eq!(j["next_command"], "nothing");
    assert!(
        r.stderr.contains("outputs checked, every one matches"),
        "{}",
        r.stderr
    );
    // Every later stage reads the list again without a word against it ...
    for args in [
        &["appraise"][..],
        &["notice", "--stage", "village"],
        &["review", "--stage", "village"],
        &["notice", "--stage", "town"],
        &["review", "--stage", "town"],
        &["notice", "--stage", "county"],
        &["review", "--stage", "county"],
        &["bind"],
    ] {
        t.ok(args, 0);
    }
    // ... and `run` finds nothing to do.
    let j = json(&t.ok(&["--json", "run"], 0));
    assert_eq!(j["towns"][0]["ran"], serde_json::json!([]), "{j}");

    // A list changed by content makes the later ones stale: `bind` names
    // the first stage to run again, and `status --verify` agrees.
    let changed: Vec<&str> = list.lines().collect();
    let fewer = changed[..changed.len() - 1].join("\n") + "\n";
    t.write("out/primary-list.csv", &fewer);
    let r = t.ok(&["bind"], 2);
    assert!(
        r.stderr.contains(
            "out/appraised.csv is stale: out/primary-list.csv changed since `fupin appraise` read it: run `fupin appraise` again first, then the stages after it"
        ),
        "{}",
        r.stderr
    );
    let r = t.ok(&["--json", "status", "--verify"], 1);
    let j = json(&r);
    assert_eq!(j["verify"]["ok"], false);
    let stale: Vec<&str> = j["verify"]["stale"]
        .as_array()
        .unwrap() // ok: test code, not built into fupin
        .iter()
        .filter_map(|s| s["output"].as_str())
        .collect();
    for o in [
        "out/appraised.csv",
        "out/after-village-review.csv",
        "out/final-list.csv",
    ] {
        assert!(stale.contains(&o), "{o} not stale: {stale:?}");
    }
    assert!(!stale.contains(&"out/primary-list.csv"), "{stale:?}");
    assert_eq!(j["next_command"], "fupin appraise");
}

#[test]
fn a_command_run_before_the_stage_it_needs_exits_2() {
    let t = demo_to_appraise();
    // `screen` before `import`: usage, not data.
    let r = t.ok(&["--json", "screen"], 2);
    assert!(
        r.stderr
            .contains("out/register.csv does not exist yet: run `fupin import` first"),
        "{}",
        r.stderr
    );
    let j = json(&r);
    assert_eq!(j["error"]["kind"], "usage");
    assert_eq!(j["exit"], 2);
    for cmd in ["check", "survey", "appraise", "bind"] {
        let r = t.ok(&[cmd], 2);
        assert!(r.stderr.contains("first"), "{cmd}: {}", r.stderr);
    }
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    t.ok(&["appraise"], 0);
    // `review` before `notice`.
    let r = t.ok(&["review", "--stage", "village"], 2);
    assert!(
        r.stderr
            .contains("run `fupin notice --stage village` first"),
        "{}",
        r.stderr
    );
    // The town notice before the village review.
    let r = t.ok(&["notice", "--stage", "town"], 2);
    assert!(
        r.stderr.contains(
            "out/after-village-review.csv does not exist yet: run `fupin review --stage village` first"
        ),
        "{}",
        r.stderr
    );
    // `notice` after a failed `appraise` (which takes its list away, so
    // that no later stage runs on it).
    meeting_below_quorum(&t);
    t.ok(&["appraise"], 1);
    if t.exists("out/appraised.csv") {
        std::fs::remove_file(t.path().join("out/appraised.csv")).unwrap(); // ok: test code, not built into fupin
    }
    let r = t.ok(&["notice", "--stage", "village"], 2);
    assert!(
        r.stderr
            .contains("out/appraised.csv does not exist yet: run `fupin appraise` first"),
        "{}",
        r.stderr
    );
    // Data that has errors stays 1.
    let t = Town::example();
    t.add_application("errors.csv");
    let j = json(&t.ok(&["--json", "import"], 1));
    assert_eq!(j["exit"], 1);
    t.ok(&["screen"], 1);
}

#[test]
fn quiet_still_names_the_errors() {
    let t = Town::example();
    t.add_application("errors.csv");
    let r = t.ok(&["-q", "import"], 1);
    let n = register_errors(&t);
    assert!(n >= 10, "{n}");
    assert_eq!(r.stdout, "");
    assert_eq!(
        lines(&r.stderr),
        [format!(
            "fupin import: {n} errors in the data, listed in out/findings.xlsx"
        )],
    );
    let r = t.ok(&["--quiet", "screen"], 1);
    assert_eq!(
        lines(&r.stderr),
        [format!(
            "fupin screen: {n} errors in the data, listed in out/findings.xlsx"
        )],
    );
    // `run` says it of the stage that found them, naming the town.
    let r = t.ok(&["-q", "run"], 1);
    assert_eq!(
        lines(&r.stderr),
        [format!(
            "fupin -C {} import: {n} errors in the data, listed in out/findings.xlsx",
            t.path().display()
        )],
    );
    // A failed appraisal names its findings.
    let t = demo(true);
    meeting_below_quorum(&t);
    let r = t.ok(&["-q", "appraise"], 1);
    let e = lines(&r.stderr);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("fupin appraise: ")
            && e[0].ends_with(" in the data, listed in out/appraisal-findings.csv"),
        "{e:?}"
    );
    // Quiet stays quiet when nothing is wrong.
    let t = Town::example();
    let r = t.ok(&["-q", "import"], 0);
    assert_eq!(r.stderr, "");
}

#[test]
fn status_names_the_errors_to_correct_as_next_step() {
    let t = town_with_errors();
    let n = register_errors(&t);
    let r = t.ok(&["--json", "status"], 0);
    let j = json(&r);
    let next = format!("correct the {n} errors listed in out/findings.xlsx, then `fupin import`");
    assert_eq!(j["next"], next.as_str());
    assert_eq!(j["next_command"], "fupin import");
    assert!(r.stderr.contains(&format!("next: {next}")), "{}", r.stderr);
    let problems: Vec<&str> = j["problems"]
        .as_array()
        .unwrap() // ok: test code, not built into fupin
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("`fupin import` stopped on errors") && p.contains(&next)),
        "{problems:?}"
    );
    // `screen` refused: still the errors first, not `fupin screen`.
    t.ok(&["screen"], 1);
    assert_eq!(json(&t.ok(&["--json", "status"], 0))["next"], next.as_str());
    // Corrected: the problems are gone and the chain goes on.
    std::fs::remove_file(t.path().join("applications/errors.csv")).unwrap(); // ok: test code, not built into fupin
    t.ok(&["import"], 0);
    let j = json(&t.ok(&["--json", "status"], 0));
    assert_eq!(j["next"], "fupin survey");
    assert_eq!(j["problems"], serde_json::json!([]));
}

#[test]
fn status_after_a_provisional_list_is_not_appraise() {
    let t = town_with_errors();
    t.ok(&["survey"], 0);
    t.ok(&["screen", "--provisional"], 0);
    let j = json(&t.ok(&["--json", "status"], 0));
    assert_eq!(j["next_command"], "fupin import");
    assert!(
        j["next"]
            .as_str()
            .unwrap() // ok: test code, not built into fupin
            .starts_with("correct the "),
        "{j}"
    );
    assert!(
        j["problems"]
            .as_array()
            .unwrap() // ok: test code, not built into fupin
            .iter()
            .any(|p| p
                == "out/primary-list.csv is provisional, not final: it was made while error findings stood, and no stage reads it"),
        "{j}"
    );
    // The errors corrected and imported: screen, not appraise.
    std::fs::remove_file(t.path().join("applications/errors.csv")).unwrap(); // ok: test code, not built into fupin
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    let j = json(&t.ok(&["--json", "status"], 0));
    assert_eq!(j["next_command"], "fupin screen");
    assert!(
        j["next"]
            .as_str()
            .unwrap()
            .contains("provisional, not final"), // ok: test code, not built into fupin
        "{j}"
    );
    t.ok(&["screen"], 0);
    let j = json(&t.ok(&["--json", "status"], 0));
    assert_eq!(j["next_command"], "fupin appraise");
    assert_eq!(j["problems"], serde_json::json!([]));
}

#[test]
fn status_after_a_failed_appraisal_is_not_notice() {
    let t = demo_to_appraise();
    for cmd in ["import", "survey", "screen"] {
        t.ok(&[cmd], 0);
    }
    meeting_below_quorum(&t);
    t.ok(&["appraise"], 1);
    let errors = t
        .csv("out/appraisal-findings.csv")
        .iter()
        .filter(|r| r["severity"] == "error")
        .count();
    assert!(errors > 0);
    let j = json(&t.ok(&["--json", "status"], 0));
    assert_eq!(j["next_command"], "fupin appraise");
    let plural = if errors == 1 {
        "error".to_string()
    } else {
        format!("{errors} errors")
    };
    assert_eq!(
        j["next"],
        format!("correct the {plural} listed in out/appraisal-findings.csv, then `fupin appraise`")
    );
    // The same once the failed appraisal's list is gone.
    if t.exists("out/appraised.csv") {
        std::fs::remove_file(t.path().join("out/appraised.csv")).unwrap(); // ok: test code, not built into fupin
    }
    let j = json(&t.ok(&["--json", "status"], 0));
    assert_eq!(j["next_command"], "fupin appraise");
    assert!(
        j["next"].as_str().unwrap().starts_with("correct the "), // ok: test code, not built into fupin
        "{j}"
    );
}

#[test]
fn verify_warns_when_it_checked_nothing() {
    let t = Town::example();
    let r = t.ok(&["--json", "status", "--verify"], 0);
    assert!(
        r.stderr.contains("verify: warning: no output was checked"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("every one matches"), "{}", r.stderr);
    let j = json(&r);
    assert_eq!(j["verify"]["checked"], 0);
    assert_eq!(j["verify"]["warning"], "no output was checked");
    // Once a stage ran, it counts what it checked.
    t.ok(&["import"], 0);
    let r = t.ok(&["--json", "status", "--verify"], 0);
    let n = json(&r)["verify"]["checked"].as_u64().unwrap(); // ok: test code, not built into fupin
    assert!(n >= 3, "{n}");
    assert!(
        r.stderr.contains(&format!(
            "verify: {n} outputs checked, every one matches the inputs it was made from"
        )),
        "{}",
        r.stderr
    );
    // A provisional list is named as not final.
    let t = town_with_errors();
    t.ok(&["screen", "--provisional"], 0);
    let r = t.ok(&["--json", "status", "--verify"], 0);
    assert!(
        r.stderr.contains(
            "verify: out/primary-list.csv is provisional, not final: it was made while error findings stood"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        json(&r)["verify"]["provisional"],
        serde_json::json!(["out/primary-list.csv"])
    );
}
