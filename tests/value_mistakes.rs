//! The values clerks really write (DESIGN 7): an ID number typed as a
//! number, a per-capita income with three decimals, a household number in
//! full-width digits. Each runs the real binary on real files.

mod harness;

use std::collections::HashMap;

use harness::Town;

const HEADER: &str =
    "村,户编号,姓名,与户主关系,身份证号,性别,家庭人口,家庭年纯收入,人均纯收入,住房";

fn findings(t: &Town) -> Vec<HashMap<String, String>> {
    t.csv("out/findings.csv")
}

/// The findings of one kind.
fn of_kind(t: &Town, kind: &str) -> Vec<HashMap<String, String>> {
    findings(t)
        .into_iter()
        .filter(|f| f["kind"] == kind)
        .collect()
}

/// The primary list's rows by household number.
fn primary(t: &Town) -> HashMap<String, HashMap<String, String>> {
    t.csv("out/primary-list.csv")
        .into_iter()
        .map(|r| (r["household_id"].clone(), r))
        .collect()
}

/// No finding gives a check character for the number: following such
/// advice would make a valid-looking wrong ID number.
fn no_check_character_advice(t: &Town) {
    for f in findings(t) {
        assert_ne!(f["kind"], "id_check_digit", "{f:?}");
        assert!(
            !f["message"].contains("check character") && !f["message"].contains("GB 11643"),
            "{f:?}"
        );
    }
}

#[test]
fn an_id_number_typed_as_a_number_is_not_given_a_check_character() {
    // An .xlsx whose 身份证号 cell of the spouse is a number: Excel keeps 15
    // digits, so 370983196609020126 became 370983196609020100 or so.
    let t = Town::bare();
    let path = t.path().join("applications/双河村.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap(); // ok: test code, not built into fupin
    }
    let rows: [[&str; 10]; 2] = [
        [
            "双河村",
            "1",
            "宋玉成",
            "户主",
            "370124196404212817",
            "男",
            "2",
            "6000",
            "",
            "安全",
        ],
        ["双河村", "1", "石凤兰", "配偶", "", "女", "", "", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap(); // ok: test code, not built into fupin
        }
    }
    ws.write_number(2, 4, 370983196609020126.0).unwrap(); // ok: test code, not built into fupin
    wb.save(&path).unwrap(); // ok: test code, not built into fupin

    t.ok(&["import"], 1);
    let found = of_kind(&t, "id_stored_as_number");
    assert_eq!(found.len(), 1, "{:?}", findings(&t));
    let f = &found[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["row"], "3");
    assert_eq!(f["column"], "身份证号");
    assert_eq!(f["household"], "1");
    assert!(
        f["message"].contains("format the column 身份证号 as text"),
        "{}",
        f["message"]
    );
    assert!(f["message"].contains("E+17"), "{}", f["message"]);
    no_check_character_advice(&t);
    // The register keeps what the cell was; `check` finds it again.
    t.ok(&["check"], 1);
    assert_eq!(of_kind(&t, "id_stored_as_number").len(), 1);
    no_check_character_advice(&t);
    // The head's number, typed as text, is fine.
    assert!(findings(&t).iter().all(|f| f["row"] != "2"));

    // A CSV that Excel saved from such a sheet: the number in scientific
    // notation, as Excel shows it.
    let t = Town::bare();
    t.write(
        "applications/双河村.csv",
        &format!(
            "{HEADER}\n\
             双河村,1,宋玉成,户主,370124196404212817,男,2,6000,,安全\n\
             双河村,1,石凤兰,配偶,3.70983E+17,女,,,,\n"
        ),
    );
    t.ok(&["import"], 1);
    let found = of_kind(&t, "id_stored_as_number");
    assert_eq!(found.len(), 1, "{:?}", findings(&t));
    assert_eq!(found[0]["row"], "3");
    assert!(found[0]["message"].contains("3.70983E+17"));
    assert!(found[0]["message"].contains("as text"));
    no_check_character_advice(&t);
}

#[test]
fn per_capita_income_is_exact() {
    // Only 人均纯收入 is given. 3321.995 is below 3,322; 3322.000 is not.
    let t = Town::bare();
    t.write(
        "applications/双河村.csv",
        &format!(
            "{HEADER}\n\
             双河村,1,宋玉成,户主,370124196404212817,男,2,,3321.995,安全\n\
             双河村,1,石凤兰,配偶,370983196609020126,女,,,,\n\
             双河村,2,张宏伟,户主,370124197705053471,男,3,,3321.995,安全\n\
             双河村,2,刘秀英,配偶,370983197909190682,女,,,,\n\
             双河村,2,张佳怡,之女,370124200306124708,女,,,,\n\
             双河村,3,鹿长河,户主,370124194808184593,男,2,,3322.000,安全\n\
             双河村,3,王桂兰,配偶,370124195002022864,女,,,,\n"
        ),
    );
    t.ok(&["import"], 0);
    t.ok(&["screen"], 0);
    let list = primary(&t);

    let two = &list["1"];
    assert_eq!(two["decision"], "admitted", "{two:?}");
    // The same per-capita income as household 2, compared exactly (not as
    // 9965.99 / 3): the larger household ranks first.
    assert_eq!(two["rank"], "2");
    // Net income: per-capita × size, 6643.99; per-capita shown half-up.
    assert_eq!(two["net_income"], "6643.99");
    assert_eq!(two["per_capita_income"], "3322.00");

    // 3321.995 × 3 = 9965.985, shown 9965.99; still below 3,322 × 3.
    let three = &list["2"];
    assert_eq!(three["decision"], "admitted", "{three:?}");
    assert_eq!(three["rank"], "1");
    assert_eq!(three["net_income"], "9965.99");
    assert_eq!(three["per_capita_income"], "3322.00");

    let at = &list["3"];
    assert_eq!(at["decision"], "above_standard", "{at:?}");
    assert_eq!(at["net_income"], "6644.00");
    assert_eq!(at["rank"], "");
}

#[test]
fn full_width_household_numbers_are_one_household() {
    // The spouse's row says １ (full width), the head's 1; household 2 names
    // its village by code in full-width digits.
    let t = Town::bare();
    t.write(
        "applications/双河村.csv",
        &format!(
            "{HEADER}\n\
             双河村,1,宋玉成,户主,370124196404212817,男,2,6000,,安全\n\
             双河村,１,石凤兰,配偶,370983196609020126,女,,,,\n\
             ３７０３２３１０１,２,张宏伟,户主,370124197705053471,男,1,3000,,安全\n"
        ),
    );
    t.ok(&["import"], 0);
    assert!(of_kind(&t, "no_head").is_empty(), "{:?}", findings(&t));
    assert!(
        of_kind(&t, "size_mismatch").is_empty(),
        "{:?}",
        findings(&t)
    );
    assert!(
        of_kind(&t, "village_unknown").is_empty(),
        "{:?}",
        findings(&t)
    );

    // The survey sheet writes the numbers the other way round.
    t.write(
        "survey/survey.csv",
        "村,户编号,核实家庭年纯收入,核实结论,剔除原因\n\
         双河村,１,5000,通过,\n\
         ３７０３２３１０１, 2 ,,通过,\n",
    );
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    let rows = t.csv("out/primary-list.csv");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let list = primary(&t);
    let one = &list["1"];
    assert_eq!(one["size"], "2");
    assert_eq!(one["head_name"], "宋玉成");
    assert_eq!(one["net_income"], "5000.00");
    assert_eq!(one["income_basis"], "verified");
    assert_eq!(one["decision"], "admitted");
    let two = &list["2"];
    assert_eq!(two["village"], "双河村");
    assert_eq!(two["village_code"], "370323101");
    assert_eq!(two["decision"], "admitted");
}
