use super::*;
use calamine::{open_workbook_auto, Data, Reader};

fn village() -> Village {
    Village {
        code: "370323101".into(),
        name: "双河村".into(),
        population: 1019,
        households: 301,
        key: true,
        representatives: Some(45),
    }
}

fn campaign(extra: &str) -> Campaign {
    let toml = format!("[campaign]\ntown = \"石桥镇\"\nyear = 2015\n{extra}");
    Campaign::from_toml(&toml).unwrap() // ok: test code, not built into fupin
}

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap(); // ok: test code, not built into fupin
    let range = wb.worksheet_range(sheet).unwrap(); // ok: test code, not built into fupin
    let (r0, c0) = range.start().unwrap(); // ok: test code, not built into fupin
    let mut out = vec![vec![]; r0 as usize];
    for row in range.rows() {
        let mut v = vec![String::new(); c0 as usize];
        v.extend(row.iter().map(cell));
        out.push(v);
    }
    out
}

#[test]
fn template_headers_and_sheets() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("双河村.xlsx");
    let c = campaign("[exclusions]\nflags = [\"财政供养人员\", \"拥有车辆\", \"城镇商品房\", \"经营企业\", \"大型农机\"]\n");
    write_template(&path, &village(), &c).unwrap(); // ok: test code, not built into fupin

    let wb = open_workbook_auto(&path).unwrap(); // ok: test code, not built into fupin
    let names = wb.sheet_names();
    assert_eq!(names, vec!["申请表".to_string(), "填表说明".to_string()]);

    let r = rows(&path, "申请表");
    assert!(r[0][0].contains("石桥镇双河村"), "{:?}", r[0]);
    assert!(r[0][0].contains("2015"));
    let mut expected: Vec<String> = COLUMNS.iter().map(|c| c.zh.to_string()).collect();
    expected.push("大型农机".into());
    assert_eq!(r[1], expected);
    assert_eq!(r.len(), 2, "no data rows are written");

    let i = rows(&path, "填表说明");
    let table = i
        .iter()
        .position(|row| row.first().map(String::as_str) == Some("列名"))
        .unwrap(); // ok: test code, not built into fupin
    assert_eq!(i[table][..4], ["列名", "英文名", "级别", "必填"]);
    let rel = &i[table + 1 + Col::Relation.index()];
    assert_eq!(rel[0], "与户主关系");
    assert_eq!(rel[1], "relation");
    assert_eq!(rel[2], "人");
    assert!(
        rel[4].contains("户主/head") && rel[4].contains("之子"),
        "{}",
        rel[4]
    );
    assert_eq!(i.last().unwrap()[0], "大型农机"); // ok: test code, not built into fupin
}

#[test]
fn english_template() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("t.xlsx");
    let c =
        campaign("[output]\nlang = \"en\"\n[exclusions]\nflags = [\"owns_car\", \"拥有车辆\"]\n");
    write_template(&path, &village(), &c).unwrap(); // ok: test code, not built into fupin
    let wb = open_workbook_auto(&path).unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        wb.sheet_names(),
        vec!["Applications".to_string(), "Instructions".to_string()]
    );
    let r = rows(&path, "Applications");
    let expected: Vec<String> = COLUMNS.iter().map(|c| c.en.to_string()).collect();
    assert_eq!(r[1], expected);
}

#[test]
fn print_titles_are_defined() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("t.xlsx");
    write_template(&path, &village(), &campaign("")).unwrap(); // ok: test code, not built into fupin
    let wb = open_workbook_auto(&path).unwrap(); // ok: test code, not built into fupin
    let names: Vec<String> = wb
        .defined_names()
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.contains("Print_Titles") && n.contains("$1:$2")),
        "{names:?}"
    );
}

#[test]
fn long_lists_go_to_a_hidden_sheet() {
    let mut v = village();
    v.name = "很".repeat(300);
    let c = campaign("");
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("long.xlsx");
    write_template(&path, &v, &c).unwrap(); // ok: test code, not built into fupin
    let wb = open_workbook_auto(&path).unwrap(); // ok: test code, not built into fupin
    let meta: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == calamine::SheetVisible::Visible))
        .collect();
    assert_eq!(meta[2], (LISTS_SHEET.to_string(), false));
    let l = rows(&path, LISTS_SHEET);
    assert_eq!(l[0][0], v.name);
}

#[test]
fn template_is_reproducible() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    let c = campaign("");
    write_template(&a, &village(), &c).unwrap(); // ok: test code, not built into fupin
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write_template(&b, &village(), &c).unwrap(); // ok: test code, not built into fupin
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap()); // ok: test code, not built into fupin
}
