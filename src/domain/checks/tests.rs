use super::*;
use crate::domain::finding::Source;
use crate::domain::roster::Roster;

fn roster() -> Roster {
    let h: Vec<String> = ["村代码", "村名", "人口", "户数", "重点村"]
        .map(String::from)
        .to_vec();
    let r: Vec<String> = ["1", "甲村", "500", "150", "否"].map(String::from).to_vec();
    Roster::from_rows(&h, &[r]).unwrap() // ok: test code, not built into fupin
}

fn person(row: u64, name: &str, relation: &str, id: &str, cells: &[(Col, &str)]) -> PersonRow {
    let mut p = PersonRow::new(Source {
        file: "a.csv".into(),
        sheet: "".into(),
        row,
    });
    p.set(Col::Village, "甲村");
    p.set(Col::HouseholdId, "7");
    p.set(Col::Name, name);
    p.set(Col::Relation, relation);
    p.set(Col::IdNumber, id);
    for (c, v) in cells {
        p.set(*c, v);
    }
    p
}

fn kinds(rows: &mut [PersonRow]) -> (Household, Vec<&'static str>) {
    let c = Campaign::default();
    let r = roster();
    let checker = Checker::new(&c, &r, &[]);
    let (hh, f) = checker.household(rows);
    (hh, f.iter().map(|x| x.kind).collect())
}

// 1949-12-31, female; 1980-01-01 male; 2005-03-01 male
const MOTHER: &str = "11010519491231002X";

fn id(birth: &str, seq: u32) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap(); // ok: test code, not built into fupin
    idnum::make(110105, d, seq)
}

#[test]
fn a_clean_household() {
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[
                (Col::NetIncome, "6,000"),
                (Col::HouseholdSize, "2"),
                (Col::Housing, "危房"),
            ],
        ),
        person(3, "李四", "配偶", MOTHER, &[]),
    ];
    let (hh, k) = kinds(&mut rows);
    assert!(k.is_empty(), "{k:?}");
    assert_eq!(hh.size, 2);
    assert_eq!(hh.net_income, Some(Fen(600000).into()));
    assert_eq!(hh.head_name, "张三");
    assert_eq!(hh.deprivations.count(), 1);
    assert_eq!(hh.village_code, "1");
    assert!(rows.iter().all(|r| r.id_key != 0));
}

#[test]
fn heads_size_and_incomes() {
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[
                (Col::NetIncome, "6000"),
                (Col::PerCapitaIncome, "3500"),
                (Col::HouseholdSize, "3"),
            ],
        ),
        person(3, "李四", "户主", MOTHER, &[]),
    ];
    let (hh, k) = kinds(&mut rows);
    assert!(
        k.contains(&"two_heads") && k.contains(&"size_mismatch") && k.contains(&"income_disagree"),
        "{k:?}"
    );
    assert!(hh.error.is_some());
}

#[test]
fn plausibility_is_a_warning() {
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[(Col::NetIncome, "-100"), (Col::Schooling, "初中")],
        ),
        person(
            3,
            "王五",
            "之女",
            &id("2005-03-01", 13),
            &[(Col::Schooling, "学前")],
        ),
    ];
    let (hh, k) = kinds(&mut rows);
    assert_eq!(
        k.iter().filter(|k| **k == "schooling_age").count(),
        2,
        "{k:?}"
    );
    assert!(
        k.contains(&"relation_sex") && k.contains(&"income_negative"),
        "{k:?}"
    );
    assert!(hh.error.is_none(), "{:?}", hh.error);
}

#[test]
fn household_cells_disagree_and_codes() {
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[(Col::NetIncome, "6000"), (Col::Housing, "安全")],
        ),
        person(
            3,
            "李四",
            "配偶",
            MOTHER,
            &[(Col::Housing, "danger"), (Col::Health, "很好")],
        ),
    ];
    let (_, k) = kinds(&mut rows);
    assert!(
        k.contains(&"household_cells_disagree") && k.contains(&"code_value"),
        "{k:?}"
    );
    // the same value in the other language is not a disagreement
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[(Col::NetIncome, "6000"), (Col::Housing, "安全")],
        ),
        person(3, "李四", "配偶", MOTHER, &[(Col::Housing, "safe")]),
    ];
    let (_, k) = kinds(&mut rows);
    assert!(k.is_empty(), "{k:?}");
}

#[test]
fn a_per_capita_income_alone_is_the_basis_exactly() {
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[(Col::PerCapitaIncome, "3321.995")],
        ),
        person(3, "李四", "配偶", MOTHER, &[]),
    ];
    let (hh, k) = kinds(&mut rows);
    assert!(k.is_empty(), "{k:?}");
    let net = hh.net_income.unwrap(); // ok: test code, not built into fupin
    assert_eq!(net, Exact::from(Fen(664_399)));
    assert!(net < Exact::from(Fen(664_400)));
    // Both given: 3321.995 × 2 = 6643.99 agrees with 6643.99 exactly.
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[
                (Col::NetIncome, "6643.99"),
                (Col::PerCapitaIncome, "3321.995"),
            ],
        ),
        person(3, "李四", "配偶", MOTHER, &[]),
    ];
    let (hh, k) = kinds(&mut rows);
    assert!(k.is_empty(), "{k:?}");
    assert_eq!(hh.net_income, Some(Fen(664_399).into()));
}

#[test]
fn an_id_number_in_scientific_notation_is_stored_as_a_number() {
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[(Col::NetIncome, "6000")],
        ),
        person(3, "李四", "配偶", "3.70983E+17", &[]),
    ];
    let (_, k) = kinds(&mut rows);
    assert_eq!(k, ["id_stored_as_number"]);
}

#[test]
fn full_width_household_numbers_and_villages_are_matched_normalised() {
    let mut rows = vec![
        person(
            2,
            "张三",
            "户主",
            &id("1980-01-01", 11),
            &[(Col::NetIncome, "6000")],
        ),
        person(3, "李四", "配偶", MOTHER, &[]),
    ];
    rows[0].set(Col::HouseholdId, "７");
    rows[1].set(Col::Village, "１");
    rows[0].set(Col::Village, " 甲村 ");
    let (hh, k) = kinds(&mut rows);
    assert!(k.is_empty(), "{k:?}");
    assert_eq!(hh.household_id, "7");
    assert_eq!(hh.village_code, "1");
}
