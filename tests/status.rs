//! `fupin status` on the example town at several points of the campaign.
//! The outputs of `appraise` and `notice` are written by hand.

mod harness;

use harness::Town;
use serde_json::Value;

fn status(t: &Town) -> (Value, String) {
    let r = t.ok(&["--json", "status"], 0);
    (serde_json::from_str(&r.stdout).unwrap(), r.stderr)
}

fn village<'a>(j: &'a Value, name: &str) -> &'a Value {
    j["villages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap()
}

/// Display width as a terminal shows it: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// The lines of the first table on stderr (from its header to a blank
/// line or a line that does not belong to it).
fn first_table(stderr: &str, head: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|l| !l.starts_with(head))
        .take(4)
        .map(str::to_string)
        .collect()
}

#[test]
fn a_fresh_town_has_nothing_done_and_starts_with_import() {
    let t = Town::example();
    let (j, err) = status(&t);
    let vs = j["villages"].as_array().unwrap();
    assert_eq!(vs.len(), 3);
    assert_eq!(vs[0]["name"], "双河村");
    for v in vs {
        assert!(
            v["done"].as_object().unwrap().values().all(|d| d == false),
            "{v}"
        );
        assert_eq!(v["applicants_households"], Value::Null);
        assert_eq!(v["appraisal_date"], Value::Null);
    }
    assert_eq!(j["next_command"], "fupin import");
    assert!(j["next"].as_str().unwrap().starts_with("fupin import"));
    assert!(err.contains("next: fupin import"), "{err}");
    assert!(err.contains("南庞庄村"), "{err}");
    // Not a campaign folder: a configuration error.
    let empty = tempfile::tempdir().unwrap();
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_fupin"))
        .arg("-C")
        .arg(empty.path())
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
}

#[test]
fn an_empty_town_waits_for_applications() {
    let t = Town::bare();
    let (j, _) = status(&t);
    assert_eq!(
        j["next"],
        "fupin import — waiting for application sheets in applications/"
    );
}

#[test]
fn after_screening_it_counts_applicants_and_admitted() {
    let t = Town::example();
    t.ok(&["import"], 0);
    let (j, _) = status(&t);
    assert_eq!(j["next_command"], "fupin survey");
    assert_eq!(village(&j, "双河村")["applicants_households"], 11);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    let (j, err) = status(&t);
    for (name, applicants, admitted) in [("双河村", 11, 8), ("南庞庄村", 12, 6), ("鹿泉村", 11, 7)]
    {
        let v = village(&j, name);
        assert_eq!(v["applicants_households"], applicants, "{name}");
        assert_eq!(v["admitted_households"], admitted, "{name}");
        assert_eq!(v["passed_households"], Value::Null);
        assert_eq!(v["done"]["register"], true);
        assert_eq!(v["done"]["primary_list"], true);
        assert_eq!(v["done"]["appraisal"], false);
        assert_eq!(v["reached"], "primary_list");
    }
    assert_eq!(j["next"], "fupin appraise — waiting for appraisal/ sheets");
    assert!(
        err.contains("next: fupin appraise — waiting for appraisal/ sheets"),
        "{err}"
    );
    // The table is aligned by display width.
    let lines = first_table(&err, "村");
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[1].starts_with("双河村"), "{err}");
    let w: Vec<usize> = lines.iter().map(|l| width(l)).collect();
    assert!(w.iter().all(|x| *x == w[0]), "{w:?}\n{err}");
}

fn appraise_and_notice_by_hand(t: &Town) {
    let list = t.csv("out/primary-list.csv");
    let mut s = String::from(
        "\u{feff}village_code,village,household_id,head_name,size,rank,per_capita_income,present,votes_for,votes_against,votes_abstain,outcome,reason\n",
    );
    for r in list.iter().filter(|r| r["decision"] == "admitted") {
        let failed = r["village"] == "鹿泉村" && r["household_id"] == "10";
        s.push_str(&format!(
            "{},{},{},{},{},{},{},25,{},0,0,{},\n",
            r["village_code"],
            r["village"],
            r["household_id"],
            r["head_name"],
            r["size"],
            r["rank"],
            r["per_capita_income"],
            if failed { 10 } else { 20 },
            if failed { "failed" } else { "passed" },
        ));
    }
    t.write("out/appraised.csv", &s);
    t.write(
        "out/meetings.csv",
        "\u{feff}village_code,village,date,present,representatives,required,rule,valid\n\
         370323101,双河村,2015-06-04,36,45,30,,true\n\
         370323102,南庞庄村,2015-06-02,25,,20,,true\n\
         370323103,鹿泉村,2015-06-03,25,,20,,true\n",
    );
    t.write(
        "out/schedule.csv",
        "\u{feff}village_code,village,stage,start,end\n\
         370323101,双河村,village,2015-06-05,2015-06-11\n\
         370323102,南庞庄村,village,2015-06-03,2015-06-09\n\
         370323103,鹿泉村,village,2015-06-04,2015-06-10\n",
    );
}

#[test]
fn after_the_appraisal_it_shows_the_dates_and_the_review_to_come() {
    let t = Town::example();
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    appraise_and_notice_by_hand(&t);
    let (j, err) = status(&t);
    let v = village(&j, "南庞庄村");
    assert_eq!(v["appraisal_date"], "2015-06-02");
    assert_eq!(v["appraisal_valid"], true);
    assert_eq!(v["publicity"]["village"]["start"], "2015-06-03");
    assert_eq!(v["publicity"]["village"]["end"], "2015-06-09");
    assert_eq!(v["publicity"]["town"], Value::Null);
    assert_eq!(v["done"]["village_notice"], true);
    assert_eq!(v["done"]["village_review"], false);
    assert_eq!(v["reached"], "village_notice");
    assert_eq!(v["passed_households"], 6);
    assert_eq!(village(&j, "鹿泉村")["passed_households"], 6);
    assert_eq!(j["next_command"], "fupin review --stage village");
    assert!(
        j["next"].as_str().unwrap().contains("2015-06-11"),
        "{}",
        j["next"]
    );
    assert!(err.contains("2015-06-05~2015-06-11"), "{err}");
    assert!(err.contains("2015-06-04"), "{err}");

    // A decision sheet handed in: the review can run now.
    t.write(
        "review/village.csv",
        "村,户编号,决定,原因\n双河村,1,取消,异议属实\n",
    );
    let (j, _) = status(&t);
    assert_eq!(j["next"], "fupin review --stage village");
    t.ok(&["review", "--stage", "village"], 0);
    let (j, err) = status(&t);
    let v = village(&j, "双河村");
    assert_eq!(v["kept_after_village"], 7);
    assert_eq!(v["removed_at_village"], 1);
    assert_eq!(v["done"]["village_review"], true);
    assert_eq!(j["next_command"], "fupin notice --stage town");
    assert!(err.contains("7 (-1)"), "{err}");

    // The same list written again leaves the later ones up to date
    // (staleness is by content, not by clock) ...
    std::thread::sleep(std::time::Duration::from_millis(20));
    t.ok(&["screen"], 0);
    let (j, _) = status(&t);
    assert_eq!(j["next_command"], "fupin notice --stage town");
    // ... a list that changed makes them stale.
    let list = t.read("out/appraised.csv");
    t.write("out/appraised.csv", &list.replacen("双河村", "双河村 ", 1));
    let (j, err) = status(&t);
    assert_eq!(j["next_command"], "fupin review --stage village");
    assert!(
        err.contains(
            "out/after-village-review.csv is stale: out/appraised.csv changed since `fupin review --stage village` read it"
        ),
        "{err}"
    );
}
