//! The fuzz targets of `fuzz/` replayed on their saved inputs
//! (`tests/data/fuzz/<target>/`: seeds and the inputs that once crashed
//! them; a missing or empty folder fails), and a handful of hand-made nasty
//! inputs. Whatever the bytes, the code returns; a refused file carries a
//! message.
//!
//! The targets run `fupin::fuzzing`, as the fuzz targets do; its import goes
//! through `fupin::cmd::import::check_sheets`, as `fupin import` does.

use std::path::{Path, PathBuf};

use fupin::domain::idnum;
use fupin::domain::money::parse_money;
use fupin::fuzzing::{as_workbook, import, today};
use fupin::io::sheet::read_bytes;

// ---- the targets' oracles (the targets themselves are in fupin::fuzzing) ----

fn check_import(data: &[u8]) -> Result<Vec<u8>, String> {
    let r = import(data);
    if let Err(e) = &r {
        assert!(!e.is_empty(), "an error without a message");
    }
    assert!(
        fupin::fuzzing::import_as_read_agrees(data),
        "checked as read, the file gives other register rows or findings than read whole"
    );
    r
}

fn campaign_toml(data: &[u8]) {
    if let Err(e) = fupin::fuzzing::campaign_toml(data) {
        assert!(!e.is_empty(), "an error without a message");
    }
}

fn villages_csv(data: &[u8]) {
    if let Err(e) = fupin::fuzzing::villages_csv(data) {
        assert!(!e.is_empty(), "an error without a message");
    }
}

/// The `&str` targets get only UTF-8 text from libFuzzer.
fn id_number(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        fupin::fuzzing::id_number(s);
    }
}

fn money(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        fupin::fuzzing::money(s);
    }
}

// ---- replay of the saved inputs ----

/// Every file of `tests/data/fuzz/<target>/`. A folder that is missing or
/// empty fails the test: a replay of nothing would pass having tested
/// nothing.
fn saved(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    saved_in(&dir).unwrap_or_else(|e| panic!("{e}")) // ok: test code, not built into fupin
}

/// The files of a folder, in name order; an error when there is none.
fn saved_in(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("no saved fuzz inputs at {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    if files.is_empty() {
        return Err(format!("{} holds no input", dir.display()));
    }
    files.sort();
    files
        .into_iter()
        .map(|p| match std::fs::read(&p) {
            Ok(bytes) => Ok((p, bytes)),
            Err(e) => Err(format!("{}: {e}", p.display())),
        })
        .collect()
}

/// Each saved input of `target` through `run`; what `run` says of each.
fn replay<T>(target: &str, run: impl Fn(&[u8]) -> T) -> Vec<T> {
    saved(target)
        .into_iter()
        .map(|(path, bytes)| {
            eprintln!("{target}: {}", path.display());
            run(&bytes)
        })
        .collect()
}

/// The seeds of a target are worth replaying only if some of them get
/// through the reader and some are refused.
fn assert_both_ways(target: &str, accepted: &[bool]) {
    assert!(accepted.contains(&true), "{target}: no input is accepted");
    assert!(accepted.contains(&false), "{target}: no input is refused");
}

#[test]
fn a_missing_or_empty_fuzz_folder_fails_the_replay() {
    let root = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let e = saved_in(&root.path().join("no_such_target")).unwrap_err(); // ok: test code, not built into fupin
    assert!(e.contains("no saved fuzz inputs"), "{e}");
    // A folder holding only a folder holds no input.
    std::fs::create_dir(root.path().join("sub")).unwrap(); // ok: test code, not built into fupin
    let e = saved_in(root.path()).unwrap_err(); // ok: test code, not built into fupin
    assert!(e.contains("holds no input"), "{e}");
    std::fs::write(root.path().join("one"), b"x").unwrap(); // ok: test code, not built into fupin
    assert_eq!(
        saved_in(root.path()),
        Ok(vec![(root.path().join("one"), b"x".to_vec())])
    );
}

#[test]
fn replay_csv_import() {
    let accepted = replay("csv_import", |b| check_import(b).is_ok());
    assert_both_ways("csv_import", &accepted);
}

#[test]
fn replay_workbook_import() {
    replay("workbook_import", |b| {
        let _ = check_import(&as_workbook(b));
    });
}

#[test]
fn replay_campaign_toml() {
    let accepted = replay("campaign_toml", |b| {
        campaign_toml(b);
        fupin::fuzzing::campaign_toml(b).is_ok()
    });
    assert_both_ways("campaign_toml", &accepted);
}

#[test]
fn replay_villages_csv() {
    replay("villages_csv", villages_csv);
}

#[test]
fn replay_id_number() {
    let accepted = replay("id_number", |b| {
        id_number(b);
        std::str::from_utf8(b).is_ok_and(|s| idnum::parse(s, today()).is_ok())
    });
    assert_both_ways("id_number", &accepted);
}

#[test]
fn replay_money() {
    let accepted = replay("money", |b| {
        money(b);
        std::str::from_utf8(b).is_ok_and(|s| parse_money(s).is_ok())
    });
    assert_both_ways("money", &accepted);
}

// ---- hand-made nasty inputs ----

const HEADER: &str = "村,户编号,姓名,与户主关系,身份证号,家庭人口,家庭年纯收入,人均纯收入\n";

#[test]
fn lone_quote() {
    for text in [
        "\"".to_string(),
        format!("{HEADER}双河村,1,\"张三,户主\n"),
        format!("{HEADER}\"\n"),
    ] {
        let _ = check_import(text.as_bytes());
    }
}

#[test]
fn carriage_returns_only() {
    let text = HEADER.replace('\n', "\r")
        + "双河村\r1\r张三\r户主\r11010519491231002X\r1\r3000\r\r"
        + "双河村,1,张三,户主,11010519491231002X,1,3000,\r"
        + "\r\r\r";
    let out = check_import(text.as_bytes()).expect("a CR-only file reads");
    assert!(!out.is_empty());
}

#[test]
fn ten_thousand_columns() {
    let mut text = HEADER.trim_end().to_string();
    for i in 0..10_000 {
        text.push_str(&format!(",c{i}"));
    }
    text.push('\n');
    let e = check_import(text.as_bytes()).expect_err("too many columns");
    assert!(e.contains("columns"), "{e}");
}

#[test]
fn five_megabyte_line() {
    let mut text = "村,户编号,姓名,".to_string();
    text.push_str(&"张".repeat(5 * 1024 * 1024 / 3));
    let _ = check_import(text.as_bytes());
    let long = "x".repeat(5 * 1024 * 1024);
    let _ = check_import(long.as_bytes());
    money(long.as_bytes());
    id_number(long.as_bytes());
}

#[test]
fn gb18030_truncated_mid_character() {
    let text = format!("{HEADER}双河村,1,张三,户主,11010519491231002X,1,3000,张");
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let gb = gb.into_owned();
    // Cut inside the last 2-byte character, and inside a 4-byte one.
    let e = check_import(&gb[..gb.len() - 1]).expect_err("truncated GB18030");
    assert!(e.contains("GB18030"), "{e}");
    let mut four = gb.clone();
    four.extend_from_slice(&[0x81, 0x30, 0x81]);
    let e = check_import(&four).expect_err("truncated 4-byte GB18030");
    assert!(!e.is_empty());
}

#[test]
fn id_of_seventeen_digits_and_small_x() {
    assert!(idnum::parse("11010519491231002x", today()).is_ok());
    let _ = idnum::parse("37032319800101123x", today());
    let _ = idnum::parse("0000000000000000x", today());
    let _ = idnum::parse("99999999999999999x", today());
    id_number("１１０１０５１９４９１２３１００２ｘ".as_bytes());
    let text = format!(
        "{HEADER}双河村,1,张三,户主,11010519491231002x,1,3000,\n双河村,1,李四,配偶,37032319800101123x,,,\n"
    );
    let out = check_import(text.as_bytes()).expect("reads");
    assert!(String::from_utf8_lossy(&out).contains("11010519491231002X"));
}

const BAD_MONEY: [&str; 7] = [
    "1e309",
    "９９９９９９９９９９９９９９９９９９９９",
    "--1",
    "-",
    "元",
    ",",
    ".",
];

#[test]
fn nasty_income_cells() {
    for cell in BAD_MONEY {
        assert!(parse_money(cell).is_err(), "{cell} is not money");
        money(cell.as_bytes());
    }
    let mut text = HEADER.to_string();
    for (i, cell) in BAD_MONEY.iter().enumerate() {
        text.push_str(&format!("双河村,{i},张{i},户主,,1,\"{cell}\",\"{cell}\"\n"));
    }
    let _ = check_import(text.as_bytes()).expect("reads");
}

#[test]
fn huge_household_with_extreme_incomes() {
    // 100,000 persons and per-capita income of minus a trillion yuan: the
    // net income times the size lies beyond i64.
    let mut text = HEADER.to_string();
    text.push_str("双河村,1,张三,户主,,100000,1000000000000,-1000000000000\n");
    for _ in 1..100_000 {
        text.push_str("双河村,1,李,之子\n");
    }
    let _ = check_import(text.as_bytes()).expect("reads");
}

#[test]
fn workbook_magic_on_garbage() {
    for b in [
        &b""[..],
        b"\x00",
        b"\x01",
        b"PK\x03\x04",
        b"\xD0\xCF\x11\xE0",
    ] {
        let e = check_import(&as_workbook(b)).expect_err("not a workbook");
        assert!(!e.is_empty());
    }
}

#[test]
fn date_serial_beyond_chrono() {
    // A date-formatted cell holding -1e300: calamine's date conversion
    // panics on it (chrono's Duration::milliseconds); the cell keeps its
    // number and the workbook reads.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz/workbook_import/date-serial-minus-1e300.xlsx");
    let bytes = std::fs::read(path).expect("the saved workbook");
    let sheets = read_bytes(&bytes, None).expect("the workbook reads");
    let a2 = &sheets[0].rows[1].cells[0];
    // As Excel shows a number of more than 15 digits.
    assert_eq!(a2, "-1E+300");
}
