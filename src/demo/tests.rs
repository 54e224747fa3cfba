//! Tests of the demo town: the folder it writes and the properties the
//! rest of fupin relies on.

use super::*;
use crate::domain::campaign::Campaign;
use crate::domain::columns::{Col, COLUMNS};
use crate::domain::idnum::{self, Sex};
use crate::domain::roster::Roster;
use calamine::{open_workbook_auto, Data, Reader};
use std::collections::HashMap;

fn small(errors: bool) -> DemoOptions {
    DemoOptions {
        villages: 5,
        households: 240,
        errors,
        ..DemoOptions::default()
    }
}

fn today() -> NaiveDate {
    date(2015, 6, 1)
}

/// One application row: the file it came from, its 1-based row, and its
/// cells by column.
struct Row {
    file: String,
    cells: HashMap<Col, String>,
}

impl Row {
    fn get(&self, c: Col) -> &str {
        self.cells.get(&c).map(String::as_str).unwrap_or("")
    }
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap(); // ok: test code, not built into fupin
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect()) // ok: test code, not built into fupin
        .collect()
}

fn read_xlsx(path: &Path) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap(); // ok: test code, not built into fupin
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap(); // ok: test code, not built into fupin
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => panic!("unexpected cell {other:?}"), // ok: test code, not built into fupin
                })
                .collect()
        })
        .collect()
}

/// Every application row of the folder.
fn applications(dir: &Path) -> Vec<Row> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("applications"))
        .unwrap() // ok: test code, not built into fupin
        .map(|e| e.unwrap().path()) // ok: test code, not built into fupin
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for f in files {
        let ext = f.extension().unwrap(); // ok: test code, not built into fupin
        let grid = if ext == "xlsx" {
            read_xlsx(&f)
        } else {
            read_csv(&f)
        };
        let header_at = grid
            .iter()
            .position(|r| r.first().map(String::as_str) == Some("村"))
            .unwrap(); // ok: test code, not built into fupin
        let header: Vec<Col> = grid[header_at]
            .iter()
            .map(|h| Col::from_label(h.trim_start_matches('\u{feff}')).unwrap()) // ok: test code, not built into fupin
            .collect();
        assert_eq!(header.len(), COLUMNS.len());
        for line in &grid[header_at + 1..] {
            let cells = header.iter().copied().zip(line.iter().cloned()).collect();
            rows.push(Row {
                file: f.file_name().unwrap().to_string_lossy().into(), // ok: test code, not built into fupin
                cells,
            });
        }
    }
    rows
}

fn income_yuan(cell: &str) -> Option<f64> {
    cell.replace([',', '元'], "").parse().ok()
}

#[test]
fn writes_the_whole_folder() {
    let tmp = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let s = generate(tmp.path(), &small(true)).unwrap(); // ok: test code, not built into fupin
    assert_eq!(s.villages, 5);
    assert_eq!(s.households, 240);
    // campaign.toml, villages.csv, 5 sheets, survey, error list
    assert_eq!(s.files.len(), 9, "{:?}", s.files);
    assert!(s.files.iter().all(|f| f.is_file()));
    let sheets = std::fs::read_dir(tmp.path().join("applications"))
        .unwrap() // ok: test code, not built into fupin
        .count();
    assert_eq!(sheets, 5);
    let xlsx: Vec<&PathBuf> = s
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    assert_eq!(xlsx.len(), 2);
    // The first workbook has a title row above the header, the second not.
    let first = read_xlsx(xlsx[0]);
    assert!(first[0][0].ends_with("贫困户申请表"), "{:?}", first[0]);
    assert_eq!(first[1][0], "村");
    assert_eq!(read_xlsx(xlsx[1])[0][0], "村");

    let toml = std::fs::read_to_string(tmp.path().join("campaign.toml")).unwrap(); // ok: test code, not built into fupin
    let c = Campaign::from_toml(&toml).unwrap(); // ok: test code, not built into fupin
    assert_eq!(c.campaign.county, "平阴县");
    assert_eq!(c.campaign.town, "孝直镇");
    assert!(c.publicity.contact.starts_with("孝直镇人民政府"));
    assert!(!c.publicity.contact.chars().any(|ch| ch.is_ascii_digit()));

    let grid = read_csv(&tmp.path().join("villages.csv"));
    let header: Vec<String> = grid[0]
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let roster = Roster::from_rows(&header, &grid[1..]).unwrap(); // ok: test code, not built into fupin
    let v = &roster.villages;
    assert_eq!(v.len(), 5);
    assert!(v[0].key && v[0].population >= 1000);
    assert!(v.iter().any(|x| x.population < 1000));
    for x in v {
        assert!(x.representatives.is_none_or(|r| (25..=60).contains(&r)));
        if x.population >= 1000 {
            assert!(x.representatives.is_none_or(|r| r >= 30));
        }
    }
}

#[test]
fn people_ids_and_households_hold_together_but_for_the_injected_errors() {
    let tmp = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let s = generate(tmp.path(), &small(true)).unwrap(); // ok: test code, not built into fupin
    let rows = applications(tmp.path());
    assert_eq!(rows.len(), s.persons);

    let errors = std::fs::read_to_string(tmp.path().join("demo-errors.txt")).unwrap(); // ok: test code, not built into fupin
    let listed: Vec<&str> = errors.lines().skip(2).collect();
    assert_eq!(listed.len(), 8, "{errors}");
    for kind in [
        "check character",
        "second 户主",
        "三千元",
        "duplicate",
        "15-digit",
        "性别",
        "not in villages.csv",
        "家庭人口",
    ] {
        assert!(
            listed.iter().any(|l| l.contains(kind)),
            "{kind} missing:\n{errors}"
        );
    }
    // Errors only in CSV sheets, and each row listed names a real row.
    for l in &listed {
        let f: Vec<&str> = l.split('\t').collect();
        assert!(f[0].ends_with(".csv"), "{l}");
        let grid = read_csv(&tmp.path().join(f[0]));
        let row: usize = f[1].parse().unwrap(); // ok: test code, not built into fupin
        assert_eq!(grid[row - 1][1], f[2], "{l}");
    }

    let (mut invalid, mut legacy, mut sex_wrong) = (0, 0, 0);
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for r in &rows {
        match idnum::parse(r.get(Col::IdNumber), today()) {
            Err(idnum::IdError::CheckDigit { .. }) => invalid += 1,
            Err(e) => panic!("{} {}: {e:?}", r.file, r.get(Col::IdNumber)), // ok: test code, not built into fupin
            Ok(p) => {
                legacy += p.converted_from_15 as usize;
                *seen.entry(p.id.key()).or_default() += 1;
                let male = p.id.sex() == Sex::Male;
                if r.get(Col::Sex) != if male { "男" } else { "女" } {
                    sex_wrong += 1;
                }
                let age = p.id.age_on(today());
                let ok = match r.get(Col::Schooling) {
                    "学前" => age < 6,
                    "小学" => (6..=12).contains(&age),
                    "初中" => (12..=15).contains(&age),
                    "高中" | "中职" => (15..=18).contains(&age),
                    "大专及以上" => (18..=23).contains(&age),
                    "辍学" => (13..=17).contains(&age),
                    "非在校生" => age >= 15,
                    other => panic!("schooling {other}"), // ok: test code, not built into fupin
                };
                assert!(ok, "{} aged {age}", r.get(Col::Schooling));
            }
        }
    }
    assert_eq!((invalid, legacy, sex_wrong), (1, 1, 1));
    assert_eq!(seen.values().filter(|&&n| n == 2).count(), 1);
    assert!(seen.values().all(|&n| n <= 2));

    // Households: one head each but one, sizes as stated but one.
    let mut households: HashMap<(String, String), Vec<&Row>> = HashMap::new();
    for r in &rows {
        households
            .entry((r.file.clone(), r.get(Col::HouseholdId).to_string()))
            .or_default()
            .push(r);
    }
    assert_eq!(households.len(), 240);
    let two_heads = households
        .values()
        .filter(|m| m.iter().filter(|r| r.get(Col::Relation) == "户主").count() != 1)
        .count();
    assert_eq!(two_heads, 1);
    let mean = rows.len() as f64 / households.len() as f64;
    assert!((3.0..4.5).contains(&mean), "{mean}");
    assert!(households
        .keys()
        .any(|(_, h)| h.parse::<u32>().unwrap() >= 10)); // ok: test code, not built into fupin
    let mut wrong_size = 0;
    for m in households.values() {
        let head = m[0];
        let stated: usize = head.get(Col::HouseholdSize).parse().unwrap(); // ok: test code, not built into fupin
        wrong_size += (stated != m.len()) as usize;
        let pc = head.get(Col::PerCapitaIncome);
        if let (Some(net), Ok(pc)) = (income_yuan(head.get(Col::NetIncome)), pc.parse::<f64>()) {
            assert!(
                (net / m.len() as f64 - pc).abs() <= 0.006,
                "{net} / {} vs {pc}",
                m.len()
            );
        }
        let phone = head.get(Col::Phone);
        assert!(phone.is_empty() || (phone.len() == 11 && phone.starts_with('1')));
        // Other rows leave household cells blank or repeat them.
        for r in &m[1..] {
            let v = r.get(Col::Housing);
            assert!(v.is_empty() || v == head.get(Col::Housing));
        }
    }
    assert_eq!(wrong_size, 1);
    let strays = rows
        .iter()
        .filter(|r| !r.file.contains(r.get(Col::Village)))
        .count();
    assert_eq!(strays, 1);
    let bad_income = households
        .values()
        .filter(|m| m[0].get(Col::NetIncome) == "三千元")
        .count();
    assert_eq!(bad_income, 1);
}

#[test]
fn quotas_bind_in_other_villages_and_key_villages_sit_near_theirs() {
    let tmp = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let opts = DemoOptions {
        errors: false,
        ..DemoOptions::default()
    };
    generate(tmp.path(), &opts).unwrap(); // ok: test code, not built into fupin
    let grid = read_csv(&tmp.path().join("villages.csv"));
    let rows = applications(tmp.path());
    let mut by_village: HashMap<&str, Vec<&Row>> = HashMap::new();
    for r in &rows {
        by_village.entry(r.get(Col::Village)).or_default().push(r);
    }
    for v in &grid[1..] {
        let (name, pop, key) = (&v[1], v[2].parse::<f64>().unwrap(), v[4] == "是"); // ok: test code, not built into fupin
        let members = &by_village[name.as_str()];
        let mut sizes: HashMap<&str, usize> = HashMap::new();
        for r in members {
            *sizes.entry(r.get(Col::HouseholdId)).or_default() += 1;
        }
        let eligible: usize = members
            .iter()
            .filter(|r| r.get(Col::Relation) == "户主")
            .filter_map(|r| {
                let n = sizes[r.get(Col::HouseholdId)];
                let net = income_yuan(r.get(Col::NetIncome))?;
                (net < 3322.0 * n as f64).then_some(n)
            })
            .sum();
        let quota = (pop * if key { 0.5 } else { 0.05 }).floor();
        if key {
            let ratio = eligible as f64 / quota;
            assert!(
                (0.6..1.5).contains(&ratio),
                "{name}: {eligible} eligible, quota {quota}"
            );
        } else {
            assert!(
                eligible as f64 > 1.3 * quota,
                "{name}: {eligible} eligible, quota {quota}"
            );
        }
    }
}

#[test]
fn survey_covers_most_households() {
    let tmp = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let s = generate(tmp.path(), &small(false)).unwrap(); // ok: test code, not built into fupin
    let grid = read_csv(&tmp.path().join("survey/survey.csv"));
    assert_eq!(grid[0][0].trim_start_matches('\u{feff}'), "村");
    assert_eq!(
        grid[0][1..],
        ["户编号", "核实家庭年纯收入", "核实结论", "剔除原因"]
    );
    let rows = &grid[1..];
    let covered = rows.len() as f64 / s.households as f64;
    assert!((0.93..1.0).contains(&covered), "{covered}");
    let removed = rows.iter().filter(|r| r[3] == "剔除").count();
    assert!(removed >= 1 && removed < rows.len() / 8);
    assert!(rows.iter().all(|r| (r[3] == "剔除") != r[4].is_empty()));
    assert!(rows.iter().all(|r| r[3] == "剔除" || r[3] == "通过"));
}

#[test]
fn same_options_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()); // ok: test code, not built into fupin
    let sa = generate(a.path(), &small(true)).unwrap(); // ok: test code, not built into fupin
    let sb = generate(b.path(), &small(true)).unwrap(); // ok: test code, not built into fupin
    assert_eq!(sa.files.len(), sb.files.len());
    for (fa, fb) in sa.files.iter().zip(&sb.files) {
        assert_eq!(
            fa.strip_prefix(a.path()).unwrap(), // ok: test code, not built into fupin
            fb.strip_prefix(b.path()).unwrap()  // ok: test code, not built into fupin
        );
        assert!(
            std::fs::read(fa).unwrap() == std::fs::read(fb).unwrap(), // ok: test code, not built into fupin
            "{} differs",
            fa.display()
        );
    }
    let c = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    generate(
        c.path(),
        &DemoOptions {
            seed: 7,
            ..small(true)
        },
    )
    .unwrap(); // ok: test code, not built into fupin
    assert_ne!(
        std::fs::read(c.path().join("villages.csv")).unwrap(), // ok: test code, not built into fupin
        std::fs::read(a.path().join("villages.csv")).unwrap()  // ok: test code, not built into fupin
    );
}

#[test]
fn without_errors_everything_is_clean_even_with_many_villages() {
    let tmp = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let opts = DemoOptions {
        villages: 620,
        households: 2500,
        xlsx_villages: 1,
        errors: false,
        ..DemoOptions::default()
    };
    let s = generate(tmp.path(), &opts).unwrap(); // ok: test code, not built into fupin
    assert!(!tmp.path().join("demo-errors.txt").exists());
    let rows = applications(tmp.path());
    assert_eq!(rows.len(), s.persons);
    let mut seen = HashSet::new();
    for r in &rows {
        let p = idnum::parse(r.get(Col::IdNumber), today()).unwrap(); // ok: test code, not built into fupin
        assert!(!p.converted_from_15);
        assert!(
            seen.insert(p.id.key()),
            "duplicate {}",
            r.get(Col::IdNumber)
        );
    }
    let heads = rows
        .iter()
        .filter(|r| r.get(Col::Relation) == "户主")
        .count();
    assert_eq!(heads, s.households);
}

#[test]
fn regenerates_in_place_but_never_mixes_towns() {
    let tmp = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    generate(tmp.path(), &small(true)).unwrap(); // ok: test code, not built into fupin
    let again = generate(tmp.path(), &small(true)).unwrap(); // ok: test code, not built into fupin
    assert_eq!(again.files.len(), 9);
    let e = generate(
        tmp.path(),
        &DemoOptions {
            seed: 99,
            ..small(true)
        },
    )
    .unwrap_err(); // ok: test code, not built into fupin
    assert!(e.to_string().contains("new or empty folder"), "{e}");
}

#[test]
fn errors_with_a_single_csv_village_stay_apart() {
    let tmp = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let opts = DemoOptions {
        villages: 3,
        households: 200,
        xlsx_villages: 2,
        ..DemoOptions::default()
    };
    generate(tmp.path(), &opts).unwrap(); // ok: test code, not built into fupin
    let rows = applications(tmp.path());
    let errors = std::fs::read_to_string(tmp.path().join("demo-errors.txt")).unwrap(); // ok: test code, not built into fupin
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in &rows {
        *seen.entry(r.get(Col::IdNumber).to_string()).or_default() += 1;
    }
    assert_eq!(seen.values().filter(|&&n| n == 2).count(), 1, "{errors}");
    assert_eq!(errors.lines().count(), 2 + 8, "{errors}");
}
