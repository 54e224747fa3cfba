//! A file checked as it is read gives what it gives read whole.

use super::*;
use crate::domain::campaign::Campaign;

/// A person line: village, household, relation and a few values that the
/// checks find fault with now and then.
fn line(village: &str, household: u32, member: u32, odd: bool) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1960 + member as i32 * 7, 3, 1).unwrap(); // ok: test code, not built into fupin
    let id = crate::domain::idnum::make(370323, birth, household * 10 + member);
    let relation = if member == 0 { "户主" } else { "子女" };
    let income = if member == 0 { "6,000" } else { "" };
    let size = if member == 0 { "2" } else { "" };
    let health = if odd { "很好" } else { "健康" };
    format!(
        "{village},{household},张{member},{relation},{id},,{health},,,{size},{income},,,,,,,,,\n"
    )
}

const HEADER: &str = "\u{feff}村,户编号,姓名,与户主关系,身份证号,性别,健康状况,在校生状况,劳动能力,家庭人口,家庭年纯收入,人均纯收入,住房,致贫原因,贫困户属性,财政供养人员,拥有车辆,城镇商品房,经营企业,联系电话\n";

fn reading<'a>(checker: &'a Checker<'a>) -> Reading<'a> {
    Reading {
        enc: None,
        village: None,
        extras: &[],
        checker,
    }
}

/// Register bytes and findings.
type Read = (Vec<u8>, Vec<Finding>);

/// Both ways of reading: (as read, whole).
fn both(text: &str) -> (Option<Read>, Read) {
    let c = Campaign::default();
    let r = crate::fuzzing::roster().unwrap(); // ok: test code, not built into fupin
    let checker = Checker::new(&c, r, &[]);
    let as_read = reading(&checker)
        .check_csv_as_read("a.csv", text.as_bytes())
        .map(|r| (r.bytes, r.checked.findings));
    let sheets = sheet::read_bytes(text.as_bytes(), None).unwrap(); // ok: test code, not built into fupin
    let whole = check_sheets("a.csv", sheets, None, &[], &checker);
    (as_read, (whole.bytes, whole.checked.findings))
}

proptest::proptest! {
    /// Households in any order, their rows together or apart, blank lines
    /// and odd values: the same register rows and findings either way, and
    /// read as it comes whenever each household's rows are together.
    #[test]
    fn as_read_or_whole_the_same(
        rows in proptest::collection::vec(
            (0..2usize, 1..6u32, 0..3u32, proptest::bool::weighted(0.1), proptest::bool::weighted(0.1)),
            1..25,
        )
    ) {
        let villages = ["双河村", "南庞庄村"];
        let mut text = HEADER.to_string();
        let mut households = Vec::new();
        for &(v, h, m, odd, blank) in &rows {
            text.push_str(&line(villages[v], h, m, odd));
            if blank {
                text.push_str(",,,\n");
            }
            households.push((v, h));
        }
        let (as_read, whole) = both(&text);
        // Together: no household starts again after another began.
        let mut seen = Vec::new();
        let together = households.iter().enumerate().all(|(i, k)| {
            let again = i > 0 && households[i - 1] == *k;
            let ok = again || !seen.contains(k);
            seen.push(*k);
            ok
        });
        proptest::prop_assert_eq!(as_read.is_some(), together);
        if let Some(r) = as_read {
            proptest::prop_assert_eq!(r, whole);
        }
    }
}

#[test]
fn a_household_apart_is_read_whole() {
    let text = format!(
        "{HEADER}{}{}{}",
        line("双河村", 1, 0, false),
        line("双河村", 2, 0, false),
        line("双河村", 1, 1, false)
    );
    let (as_read, (bytes, _)) = both(&text);
    assert!(as_read.is_none());
    // Whole, the household's two rows are written together.
    let register = String::from_utf8(bytes).unwrap(); // ok: test code, not built into fupin
    let households: Vec<&str> = register
        .lines()
        .map(|l| l.split(',').nth(6).unwrap_or("")) // ok: test code, not built into fupin
        .collect();
    assert_eq!(households, ["1", "1", "2"]);
}

#[test]
fn not_utf8_text_is_read_whole() {
    let utf8 = format!("{HEADER}{}", line("双河村", 1, 0, false));
    let (text, _, _) = encoding_rs::GB18030.encode(&utf8);
    let c = Campaign::default();
    let r = crate::fuzzing::roster().unwrap(); // ok: test code, not built into fupin
    let checker = Checker::new(&c, r, &[]);
    assert!(reading(&checker)
        .check_csv_as_read("a.csv", &text)
        .is_none());
}
