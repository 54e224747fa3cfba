//! `fupin appraise` on the example town: quorum and majority at their
//! edges, the findings on vote sheets, the flags, the chain and the
//! printable record.
//!
//! After import, survey and screen the example town admits 8 households in
//! 双河村 (population 1019, 45 representatives: 30 needed), 6 in 南庞庄村
//! (457) and 7 in 鹿泉村 (820).

mod harness;

use calamine::{Data, Reader};
use harness::{meetings, present, Town};
use std::collections::HashMap;

const VILLAGES: [&str; 3] = ["双河村", "南庞庄村", "鹿泉村"];

/// The example town after import, survey and screen.
fn screened() -> Town {
    let t = Town::example();
    chain(&t);
    t
}

fn chain(t: &Town) {
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
}

/// The admitted households of the primary list, by village, in rank order.
fn admitted(t: &Town) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for r in t.csv("out/primary-list.csv") {
        if r["decision"] == "admitted" {
            m.entry(r["village"].clone())
                .or_default()
                .push(r["household_id"].clone());
        }
    }
    m
}

/// The words of a command line.
fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Write `appraisal/votes.csv`: every admitted household gets `votes(village,
/// household)`; `None` leaves its row out.
fn votes(t: &Town, votes: impl Fn(&str, &str) -> Option<String>) {
    let adm = admitted(t);
    let mut s = String::from("\u{feff}村,户编号,赞成,反对,弃权\n");
    for v in VILLAGES {
        for hh in adm.get(v).into_iter().flatten() {
            if let Some(cells) = votes(v, hh) {
                s.push_str(&format!("{v},{hh},{cells}\n"));
            }
        }
    }
    t.write("appraisal/votes.csv", &s);
}

/// Meetings at their quorum and clear majorities everywhere.
fn good_sheets(t: &Town) {
    meetings(
        t,
        &[
            ("双河村", "2015-06-04", 30),
            ("南庞庄村", "2015/6/3", 20),
            ("鹿泉村", "2015年6月4日", 20),
        ],
    );
    votes(t, |_, _| Some("18,1,1".into()));
}

fn rows_of<'a>(
    rows: &'a [HashMap<String, String>],
    village: &'a str,
) -> impl Iterator<Item = &'a HashMap<String, String>> + 'a {
    rows.iter().filter(move |r| r["village"] == village)
}

fn findings(t: &Town) -> Vec<HashMap<String, String>> {
    t.csv("out/appraisal-findings.csv")
}

#[test]
fn every_village_appraised() {
    let t = screened();
    good_sheets(&t);
    let r = t.ok(&["--json", "appraise"], 0);
    let list = t.csv("out/appraised.csv");
    assert_eq!(list.len(), 21);
    let order: Vec<(String, String)> = list
        .iter()
        .map(|r| (r["village"].clone(), r["rank"].clone()))
        .collect();
    let mut expected = Vec::new();
    for v in VILLAGES {
        for (i, _) in admitted(&t)[v].iter().enumerate() {
            expected.push((v.to_string(), (i + 1).to_string()));
        }
    }
    assert_eq!(order, expected, "roster order, then rank order");
    let first = &list[0];
    assert_eq!(first["household_id"], "6");
    assert_eq!(first["head_name"], "孙玉珍");
    assert_eq!(first["per_capita_income"], "2000.00");
    assert_eq!(first["present"], "30");
    assert_eq!(
        (&first["votes_for"], &first["votes_against"]),
        (&"18".to_string(), &"1".to_string())
    );
    assert_eq!(first["outcome"], "passed");
    assert_eq!(first["reason"], "赞成 18 of 30 present: more than half");
    let header = t.read("out/appraised.csv");
    assert!(header.starts_with("village_code,village,household_id,head_name,size,rank,per_capita_income,present,votes_for,votes_against,votes_abstain,outcome,reason"));

    let m = t.csv("out/meetings.csv");
    assert_eq!(m.len(), 3);
    assert_eq!(m[0]["village"], "双河村");
    assert_eq!(m[0]["representatives"], "45");
    assert_eq!(m[0]["required"], "30");
    assert_eq!(m[0]["rule"], "population+two_thirds");
    assert_eq!(m[1]["date"], "2015-06-03");
    assert_eq!(m[2]["date"], "2015-06-04");
    assert!(m.iter().all(|r| r["valid"] == "yes"));
    assert!(findings(&t).is_empty());

    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["villages_appraised"], 3);
    assert_eq!(j["households_passed"], 21);
    assert_eq!(j["households_failed"], 0);
    assert_eq!(j["villages_failed"], 0);
    assert_eq!(j["outputs"][0], "out/appraised.csv");
    let journal = t.read("out/journal.jsonl");
    let last = journal.lines().last().unwrap();
    assert!(last.contains("appraisal/votes.csv") && last.contains("primary-list.csv"));
}

#[test]
fn quorum_of_a_small_village() {
    let t = screened();
    good_sheets(&t);
    let small = |n| present(&t, [30, n, 20]);
    small(19);
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr.contains("南庞庄村")
            && r.stderr.contains(
                "19 present, 20 needed: a village under 1,000 people needs 20 representatives present"
            ),
        "{}",
        r.stderr
    );
    assert!(
        !t.exists("out/appraised.csv"),
        "an appraisal that cannot stand writes no list"
    );
    let m = t.csv("out/meetings.csv");
    assert_eq!(m[1]["valid"], "no");
    let f = findings(&t);
    let q = f.iter().find(|f| f["kind"] == "quorum").unwrap();
    assert_eq!(
        (q["file"].as_str(), q["row"].as_str(), q["village"].as_str()),
        ("appraisal/meetings.csv", "3", "南庞庄村")
    );
    small(20);
    t.ok(&["appraise"], 0);
    assert_eq!(rows_of(&t.csv("out/appraised.csv"), "南庞庄村").count(), 6);
}

#[test]
fn quorum_of_a_large_village() {
    let t = screened();
    good_sheets(&t);
    let large = |n| present(&t, [n, 20, 20]);
    large(29);
    let r = t.ok(&["appraise"], 1);
    assert!(r.stderr.contains("29 present, 30 needed"), "{}", r.stderr);
    assert!(r.stderr.contains("1,000 people or more"), "{}", r.stderr);
    assert!(!t.exists("out/appraised.csv"));
    large(30);
    t.ok(&["appraise"], 0);
    assert_eq!(rows_of(&t.csv("out/appraised.csv"), "双河村").count(), 8);
}

#[test]
fn two_thirds_of_the_representatives() {
    let t = Town::example();
    let roster = t
        .read("villages.csv")
        .replace("南庞庄村,457,139,否,", "南庞庄村,457,139,否,36");
    t.write("villages.csv", &roster);
    chain(&t);
    good_sheets(&t);
    let at = |n| present(&t, [30, n, 20]);
    at(23);
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr.contains("23 present, 24 needed")
            && r.stderr
                .contains("two thirds of the village's 36 representatives"),
        "{}",
        r.stderr
    );
    let m = t.csv("out/meetings.csv");
    assert_eq!(
        (m[1]["required"].as_str(), m[1]["rule"].as_str()),
        ("24", "two_thirds")
    );
    at(24);
    t.ok(&["appraise"], 0);
    assert_eq!(rows_of(&t.csv("out/appraised.csv"), "南庞庄村").count(), 6);
}

#[test]
fn more_than_half_passes_exactly_half_fails() {
    let t = screened();
    present(&t, [30, 20, 40]);
    votes(&t, |v, hh| {
        Some(match (v, hh) {
            ("鹿泉村", "7") => "20,15,5".into(),
            ("鹿泉村", "8") => "21,19,0".into(),
            ("鹿泉村", _) => "30,5,5".into(),
            _ => "18,1,1".into(),
        })
    });
    let r = t.ok(&["--json", "appraise"], 0);
    let list = t.csv("out/appraised.csv");
    let get = |hh: &str| {
        rows_of(&list, "鹿泉村")
            .find(|r| r["household_id"] == hh)
            .unwrap()
            .clone()
    };
    assert_eq!(get("7")["outcome"], "failed");
    assert_eq!(
        get("7")["reason"],
        "赞成 20 of 40 present: not more than half"
    );
    assert_eq!(get("8")["outcome"], "passed");
    assert_eq!(get("8")["reason"], "赞成 21 of 40 present: more than half");
    assert_eq!(
        list.len(),
        21,
        "a failed household is recorded, not dropped"
    );
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["households_failed"], 1);
    assert_eq!(j["households_passed"], 20);
}

/// Good meetings, and the votes of `bad` for one household of 鹿泉村.
fn one_bad_vote(household: &str, cells: &str) -> (Town, harness::Run) {
    let t = screened();
    good_sheets(&t);
    votes(&t, |v, hh| {
        Some(if (v, hh) == ("鹿泉村", household) {
            cells.to_string()
        } else {
            "18,1,1".into()
        })
    });
    let r = t.ok(&["appraise"], 1);
    (t, r)
}

#[test]
fn more_votes_than_present_is_a_finding() {
    let (t, r) = one_bad_vote("8", "15,4,2");
    let f = findings(&t);
    let sum = f.iter().find(|f| f["kind"] == "vote_sum").unwrap();
    assert_eq!(sum["severity"], "error");
    assert_eq!(sum["file"], "appraisal/votes.csv");
    assert_eq!(sum["village"], "鹿泉村");
    assert_eq!(sum["household"], "8");
    assert!(!sum["row"].is_empty() && !sum["column"].is_empty());
    assert!(sum["message"].contains("21 votes, more than the 20"));
    assert!(r.stderr.contains("鹿泉村: not appraised"), "{}", r.stderr);
    assert!(!t.exists("out/appraised.csv"));
}

#[test]
fn a_vote_that_is_not_a_whole_number_is_a_finding() {
    let (t, _) = one_bad_vote("8", "十五,1,1");
    let f = findings(&t);
    let bad = f.iter().find(|f| f["kind"] == "vote_value").unwrap();
    assert_eq!(bad["column"], "赞成");
    assert!(bad["message"].contains("not a whole number"));
    assert!(!f.iter().any(|f| f["kind"] == "votes_missing"));
    let (t, _) = one_bad_vote("8", "12.5,1,1");
    assert!(findings(&t).iter().any(|f| f["kind"] == "vote_value"));
}

#[test]
fn votes_for_a_household_not_admitted_are_a_finding() {
    let t = screened();
    good_sheets(&t);
    let mut s = t.read("appraisal/votes.csv");
    s.push_str("鹿泉村,99,18,1,1\n南庞庄村,6,18,1,1\n");
    t.write("appraisal/votes.csv", &s);
    let r = t.ok(&["appraise"], 1);
    let f = findings(&t);
    let unknown: Vec<_> = f
        .iter()
        .filter(|f| f["kind"] == "vote_unknown_household")
        .collect();
    assert_eq!(unknown.len(), 2, "{}", r.stderr);
    assert!(unknown
        .iter()
        .any(|f| f["household"] == "99" && f["message"].contains("not on the primary list")));
    assert!(unknown
        .iter()
        .any(|f| f["household"] == "6" && f["message"].contains("over_quota")));
    assert!(r.stderr.contains("鹿泉村: not appraised"), "{}", r.stderr);
    assert!(r.stderr.contains("南庞庄村: not appraised"), "{}", r.stderr);
    assert!(!r.stderr.contains("双河村: not appraised"), "{}", r.stderr);
    assert!(!t.exists("out/appraised.csv"));
}

#[test]
fn an_admitted_household_without_votes_is_a_finding() {
    let t = screened();
    good_sheets(&t);
    votes(&t, |v, hh| {
        ((v, hh) != ("双河村", "9")).then(|| "18,1,1".into())
    });
    let r = t.ok(&["appraise"], 1);
    let f = findings(&t);
    let missing = f.iter().find(|f| f["kind"] == "votes_missing").unwrap();
    assert_eq!(
        (missing["village"].as_str(), missing["household"].as_str()),
        ("双河村", "9")
    );
    assert!(missing["message"].contains("李春生"));
    assert!(r.stderr.contains("双河村: not appraised"), "{}", r.stderr);
    assert!(!t.exists("out/appraised.csv"));
}

#[test]
fn a_village_without_a_meeting_is_reported() {
    let t = screened();
    good_sheets(&t);
    meetings(
        &t,
        &[("双河村", "2015-06-04", 30), ("南庞庄村", "2015-06-03", 20)],
    );
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr.contains("no meeting recorded for 鹿泉村: hand in its meeting sheet or use --village --date --present"),
        "{}",
        r.stderr
    );
    assert_eq!(t.csv("out/meetings.csv").len(), 2);
    assert!(!t.exists("out/appraised.csv"));
}

#[test]
fn the_meeting_flags() {
    let t = screened();
    good_sheets(&t);
    present(&t, [30, 20, 12]);
    t.ok(&["appraise"], 1);
    // The flags override the sheet for their village.
    t.ok(
        &words("appraise --village 鹿泉村 --date 2015-06-05 --present 25"),
        0,
    );
    let m = t.csv("out/meetings.csv");
    assert_eq!(
        (m[2]["date"].as_str(), m[2]["present"].as_str()),
        ("2015-06-05", "25")
    );
    assert!(rows_of(&t.csv("out/appraised.csv"), "鹿泉村").all(|r| r["present"] == "25"));
    // By code, with the date written the Chinese way.
    t.ok(
        &words("appraise --village 370323103 --date 2015年6月5日 --present 25"),
        0,
    );
    // All three or none; a village of the roster; a date.
    let r = t.ok(&words("appraise --village 鹿泉村 --present 25"), 2);
    assert!(r.stderr.contains("go together"), "{}", r.stderr);
    let r = t.ok(
        &words("appraise --village 花园村 --date 2015-06-05 --present 25"),
        2,
    );
    assert!(r.stderr.contains("花园村"), "{}", r.stderr);
    let r = t.ok(
        &words("appraise --village 鹿泉村 --date 6月5日 --present 25"),
        2,
    );
    assert!(r.stderr.contains("--date"), "{}", r.stderr);
}

#[test]
fn a_workbook_with_both_tables_and_a_date_cell() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let t = screened();
    let adm = admitted(&t);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("会议").unwrap();
    ws.write_string(0, 0, "民主评议会议情况").unwrap();
    for (c, h) in ["村", "日期", "到会人数"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (i, (v, p)) in [("双河村", 31.0), ("南庞庄村", 21.0), ("鹿泉村", 22.0)]
        .iter()
        .enumerate()
    {
        let r = i as u32 + 2;
        ws.write_string(r, 0, *v).unwrap();
        let d = ExcelDateTime::from_ymd(2015, 6, 4).unwrap();
        ws.write_datetime_with_format(r, 1, &d, &date).unwrap();
        ws.write_number(r, 2, *p).unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("表决").unwrap();
    for (c, h) in ["村", "户编号", "赞成", "反对", "弃权"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let mut r = 1;
    for v in VILLAGES {
        for hh in &adm[v] {
            ws.write_string(r, 0, v).unwrap();
            ws.write_number(r, 1, hh.parse::<f64>().unwrap()).unwrap();
            ws.write_number(r, 2, 19.0).unwrap();
            ws.write_number(r, 3, 0.0).unwrap();
            // 弃权 left blank: no abstentions.
            r += 1;
        }
    }
    std::fs::create_dir_all(t.path().join("appraisal")).unwrap();
    wb.save(t.path().join("appraisal/评议.xlsx")).unwrap();
    let r = t.ok(&["appraise"], 0);
    assert!(r.stderr.contains("3 villages appraised"), "{}", r.stderr);
    let m = t.csv("out/meetings.csv");
    assert!(m.iter().all(|r| r["date"] == "2015-06-04"));
    let list = t.csv("out/appraised.csv");
    assert_eq!(list.len(), 21);
    assert!(list.iter().all(|r| r["votes_abstain"] == "0"));
}

#[test]
fn the_chain() {
    let t = Town::example();
    t.ok(&["import"], 0);
    meetings(&t, &[("双河村", "2015-06-04", 30)]);
    let r = t.ok(&["appraise"], 2);
    assert!(r.stderr.contains("`fupin screen`"), "{}", r.stderr);

    // A provisional primary list is refused.
    let t = Town::example();
    let mut apps = t.read("applications/南庞庄村.csv");
    apps.push_str("南庞庄村,13,庞错号,户主,370124197305142850,男,健康,非在校生,普通劳动力,1,2000,安全,因病,一般贫困户,否,否,否,否,\n");
    t.write("applications/南庞庄村.csv", &format!("\u{feff}{apps}"));
    t.ok(&["import"], 1);
    t.ok(&["survey"], 0);
    t.ok(&["screen", "--provisional"], 0);
    good_sheets(&t);
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr.contains("provisional") && r.stderr.contains("`fupin screen`"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/appraised.csv"));
}

/// The cells of every sheet of a workbook, as text.
fn sheets(path: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let names = wb.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            let cells = range
                .cells()
                .filter_map(|(_, _, d)| match d {
                    Data::String(s) => Some(s.clone()),
                    Data::Float(f) => Some(f.to_string()),
                    _ => None,
                })
                .collect();
            (n, cells)
        })
        .collect()
}

#[test]
fn the_printable_record() {
    let t = screened();
    good_sheets(&t);
    present(&t, [30, 19, 20]);
    t.ok(&["appraise"], 1);
    let wb = sheets(&t.path().join("out/appraisal-record.xlsx"));
    let names: Vec<&str> = wb.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, VILLAGES);
    let (_, shuanghe) = &wb[0];
    let has = |cells: &[String], s: &str| cells.iter().any(|c| c.contains(s));
    assert!(has(shuanghe, "双河村村民代表会议民主评议记录"));
    assert!(has(shuanghe, "2015年6月4日"));
    assert!(has(shuanghe, "主持人（签字）") && has(shuanghe, "记录人（签字）"));
    assert!(has(shuanghe, "日期"));
    assert!(has(shuanghe, "45 人") && has(shuanghe, "三分之二"));
    assert!(has(shuanghe, "孙玉珍") && has(shuanghe, "通过"));
    assert!(has(shuanghe, "共评议 8 户"));
    let (_, nanpang) = &wb[1];
    assert!(has(nanpang, "未达到"), "{nanpang:?}");
    assert!(
        !has(nanpang, "庞广田"),
        "an invalid meeting lists no result"
    );
    assert!(has(nanpang, "主持人（签字）"));

    // English labels.
    let toml = t
        .read("campaign.toml")
        .replace("lang = \"zh\"", "lang = \"en\"");
    t.write("campaign.toml", &toml);
    t.ok(&["appraise"], 1);
    let wb = sheets(&t.path().join("out/appraisal-record.xlsx"));
    let (_, shuanghe) = &wb[0];
    assert!(has(shuanghe, "Chair (signature)"));
    assert!(has(shuanghe, "passed"));
    assert!(!has(shuanghe, "主持人"));
}

#[test]
fn the_demo_sheets_appraise_cleanly_and_repeat() {
    use fupin::demo::appraisal::write_appraisal_sheets;
    let t = screened();
    let primary: Vec<fupin::io::lists::PrimaryLine> =
        fupin::io::lists::read(&t.path().join("out/primary-list.csv")).unwrap();
    let text = t.read("villages.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let body: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let roster = fupin::domain::roster::Roster::from_rows(&head, &body).unwrap();
    let files = write_appraisal_sheets(t.path(), &primary, &roster, 2015, 7).unwrap();
    assert_eq!(files.len(), 2);
    let first: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(first[0].starts_with(b"\xEF\xBB\xBF"));
    write_appraisal_sheets(t.path(), &primary, &roster, 2015, 7).unwrap();
    let again: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert_eq!(first, again, "the same seed gives the same sheets");
    let r = t.ok(&["appraise"], 0);
    assert!(r.stderr.contains("3 villages appraised"), "{}", r.stderr);
    assert_eq!(t.csv("out/appraised.csv").len(), 21);
    assert!(t
        .csv("out/meetings.csv")
        .iter()
        .all(|m| m["date"].starts_with("2015-06-")));
}
