use super::*;
use crate::io::xlsx::read_back::rows;
use calamine::{open_workbook_auto, Reader};

fn campaign(lang: &str) -> Campaign {
    Campaign::from_toml(&format!(
        "[campaign]\ntown = \"石桥镇\"\n[output]\nlang = \"{lang}\"\n"
    ))
    .unwrap() // ok: test code, not built into fupin
}

fn f(
    sev: Severity,
    kind: &'static str,
    village: &str,
    hh: &str,
    file: &str,
    row: u64,
    msg: &str,
) -> Finding {
    Finding {
        severity: sev,
        kind,
        file: file.into(),
        sheet: "Sheet1".into(),
        row,
        column: "身份证号".into(),
        village: village.into(),
        household: hh.into(),
        message: msg.into(),
    }
}

#[test]
fn natural_order() {
    let mut v = vec![
        "10", "2", "1", "01", "a10", "a9", "", "b", "甲2", "甲10", "1a", "1",
    ];
    v.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(
        v,
        vec!["", "01", "1", "1", "1a", "2", "10", "a9", "a10", "b", "甲2", "甲10"]
    );
    assert_eq!(natural_cmp("0101", "101"), Ordering::Less);
    assert_eq!(natural_cmp("x", "x"), Ordering::Equal);
    assert_eq!(
        natural_cmp("99999999999999999999999", "100000000000000000000000"),
        Ordering::Less
    );
}

fn sample() -> Vec<Finding> {
    vec![
        f(
            Severity::Warning,
            "sex_mismatch",
            "南庄村",
            "10",
            "b.xlsx",
            5,
            "性别与身份证号不符",
        ),
        f(
            Severity::Error,
            "id_check_digit",
            "南庄村",
            "2",
            "b.xlsx",
            9,
            "校验位错误",
        ),
        f(
            Severity::Warning,
            "schooling_age",
            "南庄村",
            "2",
            "a.xlsx",
            3,
            "年龄不符",
        ),
        f(
            Severity::Error,
            "id_duplicate",
            "南庄村",
            "2",
            "b.xlsx",
            4,
            "=HYPERLINK(\"http://x\",\"点击\")",
        ),
        f(
            Severity::Error,
            "no_head",
            "北庄村",
            "10",
            "a.xlsx",
            0,
            "没有户主",
        ),
        f(
            Severity::Warning,
            "village_no_applications",
            "东村",
            "",
            "",
            0,
            "东村未上报申请",
        ),
    ]
}

#[test]
fn findings_sorted_and_counted() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("findings.xlsx");
    write_findings(&path, &sample(), &campaign("zh")).unwrap(); // ok: test code, not built into fupin

    let wb = open_workbook_auto(&path).unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        wb.sheet_names(),
        vec!["问题清单".to_string(), "问题统计".to_string()]
    );

    let r = rows(&path, "问题清单");
    assert_eq!(r[0], HEADERS_ZH.map(String::from).to_vec());
    let keys: Vec<(String, String, String, String)> = r[1..]
        .iter()
        .map(|x| (x[2].clone(), x[3].clone(), x[0].clone(), x[6].clone()))
        .collect();
    let k = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_string(), b.to_string(), c.to_string(), d.to_string())
    };
    assert_eq!(
        keys,
        vec![
            k("东村", "", "提示", ""),
            k("北庄村", "10", "错误", ""),
            k("南庄村", "2", "错误", "4"),
            k("南庄村", "2", "错误", "9"),
            k("南庄村", "2", "提示", "3"),
            k("南庄村", "10", "提示", "5"),
        ]
    );
    // Text that looks like a formula reads back as the same text.
    assert_eq!(r[3][8], "=HYPERLINK(\"http://x\",\"点击\")");
    assert_eq!(r[3][1], "身份证号重复");

    let c = rows(&path, "问题统计");
    assert_eq!(
        c[0][..4],
        ["问题类型代码", "问题类型", "严重程度", "问题数"]
    );
    assert_eq!(c.len(), 1 + 6 + 3);
    let last = c.last().unwrap(); // ok: test code, not built into fupin
    assert_eq!(last[0], "合计");
    assert_eq!(last[3], "6");
    assert_eq!(last[4], "3"); // 南庄村 2, 南庄村 10, 北庄村 10
    let errors = c.iter().find(|x| x[0] == "错误合计").unwrap(); // ok: test code, not built into fupin
    assert_eq!(errors[3], "3");
    assert_eq!(c[1][2], "错误");
    assert_eq!(c[c.len() - 4][2], "提示");
}

#[test]
fn empty_findings() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("f.xlsx");
    write_findings(&path, &[], &campaign("zh")).unwrap(); // ok: test code, not built into fupin
    let r = rows(&path, "问题清单");
    assert_eq!(r[1][0], "没有发现问题");
    let c = rows(&path, "问题统计");
    assert_eq!(c[1][0], "没有发现问题");
    assert_eq!(c.last().unwrap()[0], "合计"); // ok: test code, not built into fupin
    assert_eq!(c.last().unwrap()[3], "0"); // ok: test code, not built into fupin

    let path = dir.path().join("en.xlsx");
    write_findings(&path, &[], &campaign("en")).unwrap(); // ok: test code, not built into fupin
    let wb = open_workbook_auto(&path).unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        wb.sheet_names(),
        vec!["Findings".to_string(), "Counts".to_string()]
    );
    assert_eq!(rows(&path, "Findings")[1][0], "No findings");
}

#[test]
fn english_labels() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("f.xlsx");
    write_findings(&path, &sample(), &campaign("en")).unwrap(); // ok: test code, not built into fupin
    let r = rows(&path, "Findings");
    assert_eq!(r[0], HEADERS_EN.map(String::from).to_vec());
    assert_eq!(r[2][0], "error");
    assert_eq!(r[2][1], "no household head");
}

#[test]
fn reproducible_and_independent_of_input_order() {
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    let mut data = sample();
    write_findings(&a, &data, &campaign("zh")).unwrap(); // ok: test code, not built into fupin
    std::thread::sleep(std::time::Duration::from_millis(1100));
    data.reverse();
    write_findings(&b, &data, &campaign("zh")).unwrap(); // ok: test code, not built into fupin
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap()); // ok: test code, not built into fupin
}

#[test]
fn many_findings() {
    many(20_000);
}

fn many(n: u64) {
    let kinds = [
        "id_check_digit",
        "sex_mismatch",
        "required_empty",
        "schooling_age",
    ];
    let data: Vec<Finding> = (0..n)
        .map(|i| {
            let sev = if i % 3 == 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            f(
                sev,
                kinds[(i % 4) as usize],
                &format!("村{}", i % 37),
                &format!("{}", (i * 7919) % 5000),
                "applications/村.xlsx",
                i + 2,
                "身份证号校验位错误，请核对",
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = dir.path().join("big.xlsx");
    let t = std::time::Instant::now();
    write_findings(&path, &data, &campaign("zh")).unwrap(); // ok: test code, not built into fupin
    let elapsed = t.elapsed();
    eprintln!("{n} findings written in {elapsed:?}");
    let c = rows(&path, "问题统计");
    assert_eq!(c.last().unwrap()[3], n.to_string()); // ok: test code, not built into fupin
}
