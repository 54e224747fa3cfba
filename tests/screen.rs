//! `fupin survey` and `fupin screen` on the example town, against the list
//! worked out by hand in `examples/town/EXPECTED.md`.

mod harness;

use harness::{repo, Town};

const COLS: [&str; 12] = [
    "village_code",
    "village",
    "household_id",
    "head_name",
    "size",
    "per_capita_income",
    "deprivations",
    "rank",
    "decision",
    "cumulative_persons",
    "quota",
    "net_income",
];

fn expected() -> Vec<Vec<String>> {
    let text =
        std::fs::read_to_string(repo().join("tests/data/expected-primary-list.csv")).unwrap();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut rdr = csv::Reader::from_reader(body.as_bytes());
    rdr.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn screened(t: &Town) -> Vec<Vec<String>> {
    t.csv("out/primary-list.csv")
        .iter()
        .map(|r| COLS.iter().map(|c| r[*c].clone()).collect())
        .collect()
}

fn run_chain(t: &Town) {
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
}

#[test]
fn example_town_matches_the_list_worked_by_hand() {
    let t = Town::example();
    run_chain(&t);
    let r = t.ok(&["--json", "screen"], 0);
    assert_eq!(screened(&t), expected());
    let list = t.csv("out/primary-list.csv");
    let excluded = list
        .iter()
        .find(|r| r["village"] == "鹿泉村" && r["household_id"] == "5")
        .unwrap();
    assert!(excluded["reason"].contains("城镇商品房") && excluded["reason"].contains("经营企业"));
    let elim = list
        .iter()
        .find(|r| r["village"] == "双河村" && r["household_id"] == "11")
        .unwrap();
    assert!(elim["reason"].contains("迁往县城"), "{}", elim["reason"]);
    let above = list
        .iter()
        .find(|r| r["village"] == "南庞庄村" && r["household_id"] == "5")
        .unwrap();
    assert_eq!(
        above["reason"],
        "per-capita income 3,322.00 ≥ standard 3,322"
    );
    let over = list
        .iter()
        .find(|r| r["village"] == "南庞庄村" && r["household_id"] == "6")
        .unwrap();
    assert!(
        over["reason"].contains("quota 22") && over["reason"].contains("rank 7"),
        "{}",
        over["reason"]
    );
    assert_eq!(
        list.iter()
            .filter(|r| r["income_basis"] == "verified")
            .count(),
        2
    );

    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["standard"]["current"], 3322);
    assert_eq!(j["standard"]["base_amount"], 3000);
    let v = &j["villages"][1];
    assert_eq!(v["name"], "南庞庄村");
    assert_eq!(v["quota"], 22);
    assert_eq!(v["applicants_households"], 12);
    assert_eq!(v["eligible_households"], 9);
    assert_eq!(v["admitted_households"], 6);
    assert_eq!(v["admitted_persons"], 18);
    assert_eq!(j["decisions"]["admitted"], 21);
    assert_eq!(j["outputs"][0], "out/primary-list.csv");
    assert!(t.exists("out/primary-list.xlsx"));
}

#[test]
fn policy_skip_admits_the_smaller_household_behind() {
    let t = Town::example();
    let toml = t
        .read("campaign.toml")
        .replace("policy = \"stop\"", "policy = \"skip\"");
    t.write("campaign.toml", &toml);
    run_chain(&t);
    t.ok(&["screen"], 0);
    let list = t.csv("out/primary-list.csv");
    let get = |hh: &str| {
        list.iter()
            .find(|r| r["village"] == "南庞庄村" && r["household_id"] == hh)
            .unwrap()
            .clone()
    };
    assert_eq!(get("6")["decision"], "over_quota");
    assert_eq!(get("10")["decision"], "admitted");
    assert_eq!(get("10")["cumulative_persons"], "21");
    assert_eq!(get("2")["decision"], "admitted");
    assert_eq!(get("2")["cumulative_persons"], "22");
}

#[test]
fn scope_town_pools_the_other_villages() {
    let t = Town::example();
    let toml = t
        .read("campaign.toml")
        .replace("scope = \"village\"", "scope = \"town\"");
    t.write("campaign.toml", &toml);
    run_chain(&t);
    let r = t.ok(&["--json", "screen"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["pools"][1]["pool"], "other");
    assert_eq!(j["pools"][1]["quota"], 63);
    assert_eq!(j["pools"][1]["admitted_households"], 16);
    assert_eq!(j["pools"][1]["admitted_persons"], 50);
    assert_eq!(j["villages"][2]["pool"], "other");
    let list = t.csv("out/primary-list.csv");
    let rank = |v: &str, hh: &str| {
        list.iter()
            .find(|r| r["village"] == v && r["household_id"] == hh)
            .unwrap()["rank"]
            .clone()
    };
    assert_eq!(rank("鹿泉村", "1"), "8");
    assert_eq!(rank("南庞庄村", "11"), "9");
    assert_eq!(rank("南庞庄村", "2"), "16");
}

#[test]
fn errors_block_the_list_unless_provisional() {
    let t = Town::example();
    t.add_application("errors.csv");
    t.ok(&["import"], 1);
    let r = t.ok(&["screen"], 1);
    assert!(r.stderr.contains("--provisional"), "{}", r.stderr);
    assert!(r.stderr.contains("findings.xlsx"), "{}", r.stderr);
    assert!(!t.exists("out/primary-list.csv"));
    let r = t.ok(&["--json", "screen", "--provisional"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["provisional"], true);
    let list = t.csv("out/primary-list.csv");
    assert!(list.iter().all(|r| r["list_status"] == "provisional"));
    let bad = list
        .iter()
        .find(|r| {
            r["village"] == "双河村" && r["household_id"] == "1" && r["head_name"] != "刘长海"
        })
        .unwrap();
    assert_eq!(bad["decision"], "invalid");
    assert!(
        bad["reason"].contains("check character"),
        "{}",
        bad["reason"]
    );
    assert_eq!(bad["rank"], "");
}

#[test]
fn a_survey_of_an_unknown_household_is_a_finding() {
    let t = Town::example();
    let mut s = t.read("survey/survey.csv");
    s.push_str("鹿泉村,99,5000,通过,\n南庞庄村,2,,待定,\n");
    t.write("survey/survey.csv", &s);
    t.ok(&["import"], 0);
    let r = t.ok(&["survey"], 1);
    assert!(
        r.stderr
            .contains("household 99 of 鹿泉村 is not in the register"),
        "{}",
        r.stderr
    );
    let f = t.csv("out/survey-findings.csv");
    let verdict = f.iter().find(|f| f["kind"] == "survey_verdict").unwrap();
    assert_eq!(verdict["file"], "survey/survey.csv");
    assert_eq!(verdict["row"], "37");
    t.ok(&["screen"], 1);
    t.ok(&["screen", "--provisional"], 0);
    let list = t.csv("out/primary-list.csv");
    let hh2 = list
        .iter()
        .find(|r| r["village"] == "南庞庄村" && r["household_id"] == "2")
        .unwrap();
    assert_eq!(hh2["decision"], "invalid");
}

#[test]
fn screen_needs_the_register_and_a_fresh_survey() {
    let t = Town::example();
    let r = t.ok(&["screen"], 2);
    assert!(r.stderr.contains("fupin import"), "{}", r.stderr);
    t.ok(&["survey"], 2);
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    // The same applications imported again: the survey still stands.
    std::thread::sleep(std::time::Duration::from_millis(20));
    t.ok(&["import"], 0);
    t.ok(&["screen"], 0);
    // A register that changed since the survey read it: by content.
    let p = t.path().join("out/register.csv");
    let text = t.read("out/register.csv");
    let fewer: Vec<&str> = text.lines().take(text.lines().count() - 1).collect();
    std::fs::write(&p, fewer.join("\n") + "\n").unwrap(); // ok: test code, not built into fupin
    let r = t.ok(&["screen"], 2);
    assert!(
        r.stderr.contains(
            "out/survey.csv is stale: out/register.csv changed since `fupin survey` read it"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("run `fupin survey` again"),
        "{}",
        r.stderr
    );
}

#[test]
fn output_does_not_depend_on_row_or_file_order() {
    let a = Town::example();
    run_chain(&a);
    a.ok(&["screen"], 0);
    let b = Town::example();
    // Reverse the data rows of one CSV and rename the files so they sort differently.
    let p = b.path().join("applications/南庞庄村.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    std::fs::write(
        b.path().join("applications/0-南庞庄村.csv"),
        format!("{header}\n{}\n", lines.join("\n")),
    )
    .unwrap();
    std::fs::remove_file(p).unwrap();
    run_chain(&b);
    b.ok(&["screen"], 0);
    assert_eq!(
        a.read("out/primary-list.csv"),
        b.read("out/primary-list.csv")
    );
}
