//! `fupin notice`: the dates of the three rounds of publicity, what a notice
//! shows and what it must never show, and the chain of stages. The lists of
//! `appraise` and `review` are written here by hand from the primary list,
//! so these tests do not depend on those commands.

mod harness;

use harness::{confidential_runs, workbook_cells, Town};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

const APPRAISED: &str = "village_code,village,household_id,head_name,size,rank,per_capita_income,present,votes_for,votes_against,votes_abstain,outcome,reason";
const REVIEWED: &str =
    "village_code,village,household_id,head_name,size,rank,per_capita_income,outcome,reason,stage";

/// Import, survey and screen the example town, then write the appraisal
/// by hand: every admitted household passes except 南庞庄村 rank 2, and
/// every household of 鹿泉村 fails. Meetings: 4 June (鹿泉村 5 June).
fn appraised_town() -> Town {
    let t = Town::example();
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    let mut text = format!("\u{feff}{APPRAISED}\n");
    for r in t.csv("out/primary-list.csv") {
        if r["decision"] != "admitted" {
            continue;
        }
        let fail = r["village"] == "鹿泉村" || (r["village"] == "南庞庄村" && r["rank"] == "2");
        let (votes, outcome) = if fail {
            ("10,25,5", "failed")
        } else {
            ("35,3,2", "passed")
        };
        text.push_str(&format!(
            "{},{},{},{},{},{},{},40,{votes},{outcome},\n",
            r["village_code"],
            r["village"],
            r["household_id"],
            r["head_name"],
            r["size"],
            r["rank"],
            r["per_capita_income"]
        ));
    }
    t.write("out/appraised.csv", &text);
    t.write(
        "out/meetings.csv",
        "\u{feff}village_code,village,date,present,representatives,required,rule,valid\n\
         370323101,双河村,2015-06-04,40,45,30,quorum 30 and two thirds of 45,yes\n\
         370323102,南庞庄村,2015-06-04,25,,20,quorum 20,yes\n\
         370323103,鹿泉村,2015-06-05,25,,20,quorum 20,yes\n",
    );
    t
}

/// Write `out/after-<stage>-review.csv` from the households listed on
/// `input` (outcome `listed`), removing those of `removed`.
fn review(t: &Town, stage: &str, input: &str, listed: &str, removed: &[(&str, &str)]) {
    let mut text = format!("\u{feff}{REVIEWED}\n");
    for r in t.csv(input) {
        if r["outcome"] != listed {
            continue;
        }
        let gone = removed
            .iter()
            .any(|(v, h)| r["village"] == *v && r["household_id"] == *h);
        let (outcome, reason) = if gone {
            ("removed", "objection upheld")
        } else {
            ("kept", "")
        };
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{outcome},{reason},{stage}\n",
            r["village_code"],
            r["village"],
            r["household_id"],
            r["head_name"],
            r["size"],
            r["rank"],
            r["per_capita_income"]
        ));
    }
    t.write(&format!("out/after-{stage}-review.csv"), &text);
}

fn notice_text(t: &Town, rel: &str) -> Vec<String> {
    workbook_cells(&t.path().join(rel))
}

fn has(cells: &[String], needle: &str) -> bool {
    cells.iter().any(|c| c.contains(needle))
}

/// (village, stage, start, end) of `out/schedule.csv`.
fn schedule(t: &Town) -> Vec<(String, String, String, String)> {
    t.csv("out/schedule.csv")
        .into_iter()
        .map(|r| {
            (
                r["village"].clone(),
                r["stage"].clone(),
                r["start"].clone(),
                r["end"].clone(),
            )
        })
        .collect()
}

fn row(v: &str, stage: &str, start: &str, end: &str) -> (String, String, String, String) {
    (v.into(), stage.into(), start.into(), end.into())
}

/// Run the three rounds, with the reviews written by hand in between.
fn all_rounds(t: &Town, extra: &[&str]) {
    let args = |stage: &'static str| {
        let mut a = vec!["notice", "--stage", stage];
        a.extend_from_slice(extra);
        a
    };
    t.ok(&args("village"), 0);
    review(
        t,
        "village",
        "out/appraised.csv",
        "passed",
        &[("双河村", "5")],
    );
    t.ok(&args("town"), 0);
    review(
        t,
        "town",
        "out/after-village-review.csv",
        "kept",
        &[("南庞庄村", "3")],
    );
    t.ok(&args("county"), 0);
}

#[test]
fn three_rounds_of_dates_from_the_meeting() {
    let t = appraised_town();
    let r = t.ok(&["--json", "notice", "--stage", "village"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["households"], 13);
    assert_eq!(j["villages"][0]["name"], "双河村");
    assert_eq!(j["villages"][0]["households"], 8);
    assert_eq!(j["villages"][0]["start"], "2015-06-05");
    assert_eq!(j["villages"][0]["end"], "2015-06-11");
    assert_eq!(j["villages"][2]["households"], 0);
    let outputs: Vec<&str> = j["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        outputs.contains(&"out/notices/village-双河村.xlsx"),
        "{outputs:?}"
    );
    assert!(outputs.contains(&"out/schedule.csv"));

    let v = notice_text(&t, "out/notices/village-双河村.xlsx");
    assert_eq!(v[0], "双河村贫困户识别第一次公示");
    assert!(has(&v, "公示期：2015年6月5日至2015年6月11日"), "{v:?}");
    assert!(has(&v, "孝直镇人民政府扶贫办公室") && has(&v, "截止2015年6月11日"));
    assert!(has(&v, "双河村村民委员会"));
    assert!(v.iter().any(|c| c == "2015年6月5日"), "issue date: {v:?}");
    // Rank order: 孙玉珍 (rank 1) before 赵福贵 (rank 2) before 刘长海.
    let pos = |name: &str| v.iter().position(|c| c == name).unwrap();
    assert!(pos("孙玉珍") < pos("赵福贵") && pos("赵福贵") < pos("刘长海"));
    // 南庞庄村 rank 2 failed and is not on the notice.
    let n = notice_text(&t, "out/notices/village-南庞庄村.xlsx");
    assert!(has(&n, "庞广田") && !has(&n, "朱德顺"));
    // Every household of 鹿泉村 failed: a notice saying so, from 6 June.
    let l = notice_text(&t, "out/notices/village-鹿泉村.xlsx");
    assert!(l.iter().any(|c| c == "无"), "{l:?}");
    assert!(has(&l, "公示期：2015年6月6日至2015年6月12日"));

    review(
        &t,
        "village",
        "out/appraised.csv",
        "passed",
        &[("双河村", "5")],
    );
    t.ok(&["notice", "--stage", "town"], 0);
    let tw = notice_text(&t, "out/notices/town-双河村.xlsx");
    assert_eq!(tw[0], "孝直镇贫困户识别第二次公示（双河村）");
    assert!(has(&tw, "公示期：2015年6月12日至2015年6月18日"));
    assert!(has(&tw, "孝直镇人民政府") && !has(&tw, "赵福贵"));
    // 鹿泉村 did not enter the town round: no notice.
    assert!(!t.exists("out/notices/town-鹿泉村.xlsx"));

    review(&t, "town", "out/after-village-review.csv", "kept", &[]);
    t.ok(&["notice", "--stage", "county"], 0);
    let c = notice_text(&t, "out/notices/county-双河村.xlsx");
    assert_eq!(c[0], "平阴县贫困户识别公告（孝直镇双河村）");
    assert!(has(&c, "公告期：2015年6月19日至2015年6月23日（共5天）"));
    assert!(has(&c, "平阴县扶贫开发领导小组办公室"));

    assert_eq!(
        schedule(&t),
        vec![
            row("双河村", "village", "2015-06-05", "2015-06-11"),
            row("双河村", "town", "2015-06-12", "2015-06-18"),
            row("双河村", "county", "2015-06-19", "2015-06-23"),
            row("南庞庄村", "village", "2015-06-05", "2015-06-11"),
            row("南庞庄村", "town", "2015-06-12", "2015-06-18"),
            row("南庞庄村", "county", "2015-06-19", "2015-06-23"),
            row("鹿泉村", "village", "2015-06-06", "2015-06-12"),
        ]
    );
}

#[test]
fn a_start_across_month_and_year_ends() {
    let t = appraised_town();
    t.ok(
        &["notice", "--stage", "village", "--start", "2015-06-28"],
        0,
    );
    assert!(has(
        &notice_text(&t, "out/notices/village-鹿泉村.xlsx"),
        "2015年6月28日至2015年7月4日"
    ));
    t.ok(
        &["notice", "--stage", "village", "--start", "2015-12-29"],
        0,
    );
    let v = notice_text(&t, "out/notices/village-双河村.xlsx");
    assert!(has(&v, "公示期：2015年12月29日至2016年1月4日"), "{v:?}");
    review(&t, "village", "out/appraised.csv", "passed", &[]);
    t.ok(&["notice", "--stage", "town"], 0);
    let s = schedule(&t);
    assert!(s.contains(&row("双河村", "village", "2015-12-29", "2016-01-04")));
    assert!(s.contains(&row("双河村", "town", "2016-01-05", "2016-01-11")));
    // Re-running the village round keeps the town rows, and says they no
    // longer follow.
    let r = t.ok(
        &["notice", "--stage", "village", "--start", "2016-01-10"],
        0,
    );
    assert!(r.stderr.contains("no longer follows"), "{}", r.stderr);
    let s = schedule(&t);
    assert!(s.contains(&row("双河村", "town", "2016-01-05", "2016-01-11")));
    assert!(s.contains(&row("双河村", "village", "2016-01-10", "2016-01-16")));
}

#[test]
fn a_bad_start_is_a_usage_error() {
    let t = appraised_town();
    for bad in ["2015-13-01", "2015-02-29", "June 5", "tomorrow"] {
        let r = t.ok(&["notice", "--stage", "village", "--start", bad], 2);
        assert!(r.stderr.contains("--start"), "{}", r.stderr);
    }
    // Before the appraisal meeting.
    let r = t.ok(
        &["notice", "--stage", "village", "--start", "2015-06-03"],
        2,
    );
    assert!(r.stderr.contains("appraisal meeting"), "{}", r.stderr);
    assert!(!t.exists("out/schedule.csv"));
    t.ok(&["notice", "--stage", "village"], 0);
    review(&t, "village", "out/appraised.csv", "passed", &[]);
    // The town round cannot start before the village round has ended.
    let r = t.ok(&["notice", "--stage", "town", "--start", "2015-06-11"], 2);
    assert!(r.stderr.contains("2015-06-11"), "{}", r.stderr);
}

#[test]
fn the_chain_of_stages() {
    let t = appraised_town();
    let r = t.ok(&["notice", "--stage", "town"], 2);
    assert!(
        r.stderr.contains("`fupin review --stage village`"),
        "{}",
        r.stderr
    );
    // The village review list exists, but the village notice was never run.
    review(&t, "village", "out/appraised.csv", "passed", &[]);
    let r = t.ok(&["notice", "--stage", "town"], 2);
    assert!(
        r.stderr.contains("`fupin notice --stage village`"),
        "{}",
        r.stderr
    );
    // A start date stands in for the missing dates.
    t.ok(&["notice", "--stage", "town", "--start", "2015-07-01"], 0);

    // A register made of application sheets that changed since.
    let sheet = t.read("applications/南庞庄村.csv");
    t.write("applications/南庞庄村.csv", &format!("{sheet}\n"));
    let r = t.ok(&["notice", "--stage", "village"], 2);
    assert!(
        r.stderr.contains(
            "out/register.csv is stale: applications/南庞庄村.csv changed since `fupin import` read it"
        ) && r.stderr.contains("run `fupin import` again"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_meetings_and_odd_outcomes_are_data_errors() {
    let t = appraised_town();
    std::fs::remove_file(t.path().join("out/meetings.csv")).unwrap();
    // The meetings missing: `appraise` is to run first (DESIGN 7: exit 2).
    let r = t.ok(&["notice", "--stage", "village"], 2);
    assert!(r.stderr.contains("`fupin appraise`"), "{}", r.stderr);
    t.ok(
        &["notice", "--stage", "village", "--start", "2015-06-05"],
        0,
    );

    let text = t
        .read("out/appraised.csv")
        .replacen(",passed,", ",maybe,", 1);
    t.write("out/appraised.csv", &text);
    let r = t.ok(
        &["notice", "--stage", "village", "--start", "2015-06-05"],
        1,
    );
    assert!(r.stderr.contains("\"maybe\""), "{}", r.stderr);
}

/// Names of the register's persons who are not a head (and whose name is
/// no head's name, nor part of one).
fn member_names(t: &Town) -> Vec<String> {
    let reg = t.csv("out/register.csv");
    let heads: HashSet<String> = reg
        .iter()
        .filter(|r| r["relation"] == "户主")
        .map(|r| r["name"].clone())
        .collect();
    let mut members: Vec<String> = reg
        .iter()
        .filter(|r| r["relation"] != "户主")
        .map(|r| r["name"].clone())
        .filter(|n| !n.is_empty() && !heads.iter().any(|h| h.contains(n.as_str())))
        .collect();
    members.sort();
    members.dedup();
    members
}

fn notices(t: &Town) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(t.path().join("out/notices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn no_notice_shows_an_id_number_a_phone_or_a_member() {
    assert_eq!(confidential_runs("a370124197305142854b").len(), 1);
    assert_eq!(confidential_runs("电话15153109863").len(), 1);
    assert!(confidential_runs("370124********2854 3322.00 2015年6月5日").is_empty());

    let t = appraised_town();
    let toml = t
        .read("campaign.toml")
        .replace("show_income = false", "show_income = true");
    t.write("campaign.toml", &toml);
    let members = member_names(&t);
    assert!(members.len() > 40, "{members:?}");
    let mut masked = 0;
    // The workbooks, then the CSV notices, which replace them.
    for (extra, ext) in [(&[][..], "xlsx"), (&["--format", "csv"][..], "csv")] {
        all_rounds(&t, extra);
        let files = notices(&t);
        assert_eq!(files.len(), 3 + 2 + 2, "{files:?}");
        for f in &files {
            assert!(f.extension().is_some_and(|e| e == ext), "{}", f.display());
            let texts = if ext == "xlsx" {
                workbook_cells(f)
            } else {
                vec![std::fs::read_to_string(f).unwrap()]
            };
            for s in &texts {
                assert!(confidential_runs(s).is_empty(), "{}: {s}", f.display());
                for m in &members {
                    assert!(
                        !s.contains(m.as_str()),
                        "{}: member {m} in {s}",
                        f.display()
                    );
                }
                masked += s.matches("********").count();
            }
        }
        if ext == "xlsx" {
            // The head's number, masked: 孙玉珍 of 双河村 household 6.
            let reg = t.csv("out/register.csv");
            let id = &reg
                .iter()
                .find(|r| r["name"] == "孙玉珍" && r["relation"] == "户主")
                .unwrap()["id_number"];
            let want = format!("{}********{}", &id[..6], &id[14..]);
            let v = notice_text(&t, "out/notices/village-双河村.xlsx");
            assert!(v.contains(&want), "{want} not in {v:?}");
        }
    }
    assert!(masked > 0);
}

#[test]
fn income_is_shown_only_when_asked() {
    let t = appraised_town();
    t.ok(&["notice", "--stage", "village"], 0);
    let v = notice_text(&t, "out/notices/village-双河村.xlsx");
    assert!(!has(&v, "人均纯收入（元）") && !v.contains(&"2000".to_string()));
    t.ok(&["notice", "--stage", "village", "--format", "csv"], 0);
    assert!(!t
        .read("out/notices/village-双河村.csv")
        .contains("per_capita_income"));

    let toml = t
        .read("campaign.toml")
        .replace("show_income = false", "show_income = true");
    t.write("campaign.toml", &toml);
    t.ok(&["notice", "--stage", "village"], 0);
    let v = notice_text(&t, "out/notices/village-双河村.xlsx");
    assert!(has(&v, "人均纯收入（元）"));
    let i = v.iter().position(|c| c == "孙玉珍").unwrap();
    assert!(v[i..i + 4].contains(&"2000".to_string()), "{v:?}");
    t.ok(&["notice", "--stage", "village", "--format", "csv"], 0);
    let rows = t.csv("out/notices/village-双河村.csv");
    assert_eq!(rows[0]["per_capita_income"], "2000.00");
}

#[test]
fn csv_notices_for_scripts() {
    let t = appraised_town();
    t.ok(&["notice", "--stage", "village", "--format", "csv"], 0);
    let raw = std::fs::read(t.path().join("out/notices/village-双河村.csv")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBF"));
    let text = t.read("out/notices/village-双河村.csv");
    assert_eq!(
        text.lines().next().unwrap(),
        "village,household_id,head_name,id_number_masked,size"
    );
    let rows = t.csv("out/notices/village-双河村.csv");
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0]["head_name"], "孙玉珍");
    assert_eq!(rows[0]["household_id"], "6");
    assert_eq!(rows[0]["size"], "4");
    assert!(rows
        .iter()
        .all(|r| r["id_number_masked"].contains("********")));
    assert_eq!(t.csv("out/notices/village-鹿泉村.csv").len(), 0);
    assert!(!t.exists("out/notices/village-双河村.xlsx"));
}

#[test]
fn english_notices() {
    let t = appraised_town();
    let toml = t
        .read("campaign.toml")
        .replace("lang = \"zh\"", "lang = \"en\"");
    t.write("campaign.toml", &toml);
    t.ok(&["notice", "--stage", "village"], 0);
    let v = notice_text(&t, "out/notices/village-双河村.xlsx");
    assert_eq!(
        v[0],
        "双河村: identification of poor households, first public notice"
    );
    assert!(v.contains(&"Head of household".to_string()));
    assert!(has(
        &v,
        "Publicity period: 5 June 2015 to 11 June 2015 (7 days)"
    ));
    assert!(has(&v, "until 11 June 2015"));
    assert!(has(&v, "双河村 Villagers' Committee"));
}

#[test]
fn notices_are_reproducible_and_stale_ones_go() {
    let t = appraised_town();
    t.ok(&["notice", "--stage", "village"], 0);
    let read_all = |t: &Town| -> HashMap<PathBuf, Vec<u8>> {
        notices(t)
            .into_iter()
            .map(|p| {
                let b = std::fs::read(&p).unwrap();
                (p, b)
            })
            .collect()
    };
    let first = read_all(&t);
    t.ok(&["notice", "--stage", "village"], 0);
    assert_eq!(first, read_all(&t));

    // 鹿泉村 leaves the list: its old notice is removed.
    let text: String = t
        .read("out/appraised.csv")
        .lines()
        .filter(|l| !l.contains("鹿泉村"))
        .map(|l| format!("{l}\n"))
        .collect();
    t.write("out/appraised.csv", &text);
    let r = t.ok(&["notice", "--stage", "village"], 0);
    assert!(!t.exists("out/notices/village-鹿泉村.xlsx"), "{}", r.stderr);
    assert!(t.exists("out/notices/village-双河村.xlsx"));
    assert!(!schedule(&t).iter().any(|r| r.0 == "鹿泉村"));
}
