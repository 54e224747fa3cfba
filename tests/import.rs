//! `fupin import` and `fupin check` on real files of every format.

mod harness;

use fupin::domain::codes;
use fupin::domain::columns::Col;
use harness::{fixture, Town};

/// A coded value in canonical form, whichever language the sheet used.
fn canon(col: &str, v: &str) -> String {
    let Some(c) = Col::all().find(|c| c.en() == col) else {
        return v.to_string();
    };
    match codes::list_for(c).and_then(|l| codes::lookup(l, v)) {
        Some(code) => code.en.to_string(),
        None => v.to_string(),
    }
}
use std::collections::BTreeSet;

/// The register without the columns that name the source.
fn persons(t: &Town) -> Vec<Vec<(String, String)>> {
    let mut v: Vec<Vec<(String, String)>> = t
        .csv("out/register.csv")
        .into_iter()
        .map(|r| {
            let mut cells: Vec<(String, String)> = r
                .into_iter()
                .filter(|(k, _)| !k.starts_with("source_") && k != "village" && k != "备注")
                .map(|(k, v)| {
                    let v = canon(&k, &v);
                    (k, v)
                })
                .collect();
            cells.sort();
            cells
        })
        .collect();
    v.sort();
    v
}

#[test]
fn clean_csv_imports_without_findings() {
    let t = Town::with_fixture("clean.csv");
    let r = t.ok(&["--json", "import"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["persons"], 9);
    assert_eq!(j["households"], 3);
    assert_eq!(j["findings"]["errors"], 0);
    assert_eq!(j["findings"]["warnings"], 0);
    let reg = t.csv("out/register.csv");
    assert_eq!(reg.len(), 9);
    // household-level values are carried to every member
    let shuanghe: Vec<_> = reg
        .iter()
        .filter(|r| r["village_code"] == "370323101")
        .collect();
    assert_eq!(shuanghe.len(), 4);
    let incomes: BTreeSet<&str> = shuanghe.iter().map(|r| r["net_income"].as_str()).collect();
    assert_eq!(incomes.len(), 1);
    assert!(!incomes.contains(""));
    assert_eq!(reg[0]["source_file"], "applications/clean.csv");
    assert_eq!(reg[0]["source_row"], "2");
    assert!(t
        .read("out/journal.jsonl")
        .contains("\"command\":\"import\""));
    assert!(t.exists("out/findings.xlsx"));
}

#[test]
fn every_format_gives_the_same_register() {
    let base = Town::with_fixture("clean.csv");
    base.ok(&["import"], 0);
    let expected = persons(&base);
    for f in [
        "clean_nobom.csv",
        "gb18030.csv",
        "english.csv",
        "shuffled.csv",
        "title_merged.xlsx",
        "plain.xlsx",
        "plain.xls",
        "plain.ods",
        "renamed.csv",
    ] {
        let t = Town::with_fixture(f);
        t.ok(&["import"], 0);
        assert_eq!(persons(&t), expected, "{f}");
    }
}

#[test]
fn unknown_columns_are_carried() {
    let t = Town::with_fixture("shuffled.csv");
    t.ok(&["import"], 0);
    let reg = t.csv("out/register.csv");
    assert!(reg[0].contains_key("备注"));
    assert!(reg.iter().filter(|r| !r["备注"].is_empty()).count() >= 1);
}

#[test]
fn title_row_rows_are_numbered_as_the_clerk_sees_them() {
    let t = Town::with_fixture("title_merged.xlsx");
    t.ok(&["import"], 0);
    let reg = t.csv("out/register.csv");
    assert_eq!(reg[0]["source_row"], "3");
    assert_eq!(reg[0]["source_sheet"], "申请表");
}

#[test]
fn every_check_fires_where_the_fixture_says() {
    let t = Town::with_fixture("errors.csv");
    let r = t.ok(&["import"], 1);
    assert!(r.stderr.contains("errors"), "{}", r.stderr);
    let found: BTreeSet<(String, String)> = t
        .csv("out/findings.csv")
        .into_iter()
        .map(|f| (f["row"].clone(), f["kind"].clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("2", "id_check_digit"),
        ("3", "id_birth_date"),
        ("5", "id_converted"),
        ("7", "id_placeholder"),
        ("8", "sex_mismatch"),
        ("10", "id_duplicate"),
        ("12", "id_duplicate"),
        ("13", "no_head"),
        ("16", "two_heads"),
        ("17", "size_mismatch"),
        ("21", "household_cells_disagree"),
        ("24", "required_empty"),
        ("25", "code_value"),
        ("27", "income_not_number"),
        ("28", "income_disagree"),
        ("30", "village_unknown"),
        ("33", "relation_sex"),
        ("35", "relation_sex"),
        ("36", "schooling_age"),
        ("38", "schooling_age"),
        ("39", "income_negative"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(found, expected);
    let f = t.csv("out/findings.csv");
    let code = f.iter().find(|f| f["kind"] == "code_value").unwrap();
    assert!(
        code["message"].contains("健康/healthy"),
        "{}",
        code["message"]
    );
    assert_eq!(code["column"], "健康状况");
    assert_eq!(code["household"], "13");
    assert_eq!(code["village"], "南庞庄村");
    assert_eq!(code["file"], "applications/errors.csv");
    let dup: Vec<_> = f.iter().filter(|f| f["kind"] == "id_duplicate").collect();
    assert!(dup[0]["message"].contains("row 12") || dup[0]["message"].contains("row 10"));
    // the register is written whatever it holds
    assert!(t.exists("out/register.csv"));
}

#[test]
fn check_repeats_the_findings_of_import() {
    let t = Town::with_fixture("errors.csv");
    t.ok(&["import"], 1);
    let first = t.read("out/findings.csv");
    let r = t.ok(&["check"], 1);
    assert!(r.stderr.contains("id_duplicate"), "{}", r.stderr);
    assert_eq!(t.read("out/findings.csv"), first);
}

#[test]
fn roster_village_without_applications_is_a_warning() {
    let t = Town::bare();
    std::fs::copy(fixture("clean.csv"), t.path().join("applications/a.csv")).unwrap();
    t.write("villages.csv", "村代码,村名,人口,户数,重点村\n370323101,双河村,1019,301,是\n370323102,南庞庄村,457,139,否\n370323103,鹿泉村,820,240,否\n370323104,空村,300,90,否\n");
    t.ok(&["import"], 0);
    let f = t.csv("out/findings.csv");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["kind"], "village_no_applications");
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["village"], "空村");
}

#[test]
fn unreadable_files_are_refused_with_their_name() {
    for (name, words) in [
        ("notaspreadsheet.xlsx", "not"),
        ("empty.csv", "empty"),
        ("noheader.csv", "no header"),
        ("latin1.csv", "GB18030"),
    ] {
        let t = Town::with_fixture(name);
        let r = t.ok(&["import"], 1);
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{name}: {}", r.stderr);
        assert!(
            !t.exists("out/register.csv"),
            "{name}: a register was written"
        );
        let f = t.csv("out/findings.csv");
        assert_eq!(f[0]["kind"], "file_unreadable");
        assert!(f[0]["file"].contains(name));
    }
}

#[test]
fn configuration_problems_exit_2() {
    let t = Town::bare();
    std::fs::remove_dir(t.path().join("applications")).unwrap();
    let r = t.ok(&["import"], 2);
    assert!(r.stderr.contains("applications/"), "{}", r.stderr);

    let cases: [(&str, &str, &str); 6] = [
        ("campaign.toml", "[scale]\nquota = 3\n", "unknown field"),
        ("campaign.toml", "[campaign]\nyear = \"2015\"\n", "year"),
        ("campaign.toml", "[standard]\ncurrent_amount = 3300\n[standard.price_index]\n2010 = 100.0\n2015 = 110.73\n", "3322"),
        ("villages.csv", "村代码,村名,人口,户数,重点村\n1,甲村,100,30,是\n1,乙村,100,30,否\n", "appears twice"),
        ("villages.csv", "村代码,村名,人口,户数,重点村\n1,甲村,一百,30,是\n", "人口"),
        ("villages.csv", "村代码,村名,人口,户数,重点村\n1,甲村,100,30,也许\n", "重点村"),
    ];
    for (file, text, words) in cases {
        let t = Town::with_fixture("clean.csv");
        t.write(file, text);
        let r = t.ok(&["import"], 2);
        assert!(r.stderr.contains(file), "{file}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{words}: {}", r.stderr);
        assert!(!t.exists("out/register.csv"));
    }
}

#[test]
fn named_files_and_the_village_flag() {
    let t = Town::bare();
    let body =
        "户编号,姓名,与户主关系,身份证号,家庭年纯收入\n1,张三,户主,11010519491231002X,3000\n";
    let p = t.path().join("one.csv");
    std::fs::write(&p, body).unwrap();
    t.ok(&["import", "--village", "双河村", p.to_str().unwrap()], 0);
    let reg = t.csv("out/register.csv");
    assert_eq!(reg[0]["village_code"], "370323101");
    let r = t.ok(&["import", p.to_str().unwrap()], 1);
    assert!(r.stderr.contains("村 (village)"), "{}", r.stderr);
    let r = t.ok(&["import", "--village", "没有村", p.to_str().unwrap()], 2);
    assert!(r.stderr.contains("没有村"));
}

#[test]
fn encoding_can_be_forced() {
    let t = Town::with_fixture("gb18030.csv");
    t.ok(&["import", "--encoding", "gb18030"], 0);
    let r = t.ok(&["import", "--encoding", "utf-8"], 1);
    assert!(r.stderr.contains("UTF-8"), "{}", r.stderr);
    t.ok(&["import", "--encoding", "latin9"], 2);
}
