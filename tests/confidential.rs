//! Confidentiality at scale (DESIGN 2.7): on a demo town of 1,500
//! households run end to end, no notice — printable workbook or CSV, of any
//! stage — shows a full ID number, a mobile phone number, or the name of a
//! listed household's member other than its head. The scanner is checked on
//! known positives first, including a real notice with a member added.

mod harness;

use harness::{confidential_runs, csv_rows, workbook_cells};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fupin(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "fupin {args:?}:\n{stderr}");
    stderr
}

/// Every non-empty cell of every sheet of a workbook, as text.
fn cells(path: &Path) -> Vec<String> {
    let mut out = workbook_cells(path);
    out.extend(printed_parts(path));
    out
}

/// What a workbook prints or tells besides its cells: page headers and
/// footers, and the document properties.
fn printed_parts(path: &Path) -> Vec<String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        if name.starts_with("docProps/") {
            out.push(xml);
        } else if name.starts_with("xl/worksheets/") {
            for tag in [
                "oddHeader",
                "oddFooter",
                "evenHeader",
                "evenFooter",
                "firstHeader",
                "firstFooter",
            ] {
                let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
                if let Some(a) = xml.find(&open) {
                    let body = &xml[a + open.len()..];
                    out.push(body[..body.find(&close).unwrap_or(0)].to_string());
                }
            }
        }
    }
    out
}

/// The texts of a notice: a workbook's cells, or a CSV file whole.
fn texts(path: &Path) -> Vec<String> {
    if path.extension().is_some_and(|e| e == "xlsx") {
        cells(path)
    } else {
        vec![std::fs::read_to_string(path).unwrap()]
    }
}

/// What a scan found in one text: confidential runs, and the members of
/// `members` (names) that it shows.
fn scan(text: &str, members: &BTreeSet<String>) -> Vec<String> {
    let mut found = confidential_runs(text);
    found.extend(
        members
            .iter()
            .filter(|m| text.contains(m.as_str()))
            .map(|m| format!("member {m}")),
    );
    found
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    let none = BTreeSet::new();
    assert_eq!(scan("a370124197305142854b", &none), ["370124197305142854"]);
    // Lower-case x too; the number also begins with an 11-digit run of 1….
    assert!(scan("11010519491231002x", &none).contains(&"11010519491231002x".to_string()));
    assert!(scan("号11010519491231002X号", &none).contains(&"11010519491231002X".to_string()));
    assert_eq!(scan("电话15153109863", &none), ["15153109863"]);
    assert_eq!(scan("15153109863。", &none), ["15153109863"]);
    let members: BTreeSet<String> = ["郑玉兰".to_string()].into();
    assert_eq!(scan("户主庞振华，配偶郑玉兰", &members), ["member 郑玉兰"]);
    for clean in [
        "370124********2854",
        "3322.00 2015年6月5日 至 2015年6月11日",
        "370124101001 上田营村 户编号 29",
        "25153109863",
        "户主庞振华",
    ] {
        assert!(scan(clean, &members).is_empty(), "{clean}");
    }
}

/// Households (village, household id) of each notice, from the list the
/// notice of that stage publishes (DESIGN 5): the households that passed
/// the appraisal, then those kept by the village and the town reviews.
fn listed(out: &Path) -> BTreeMap<&'static str, BTreeSet<(String, String)>> {
    let mut m = BTreeMap::new();
    for (stage, file, outcome) in [
        ("village", "appraised.csv", "passed"),
        ("town", "after-village-review.csv", "kept"),
        ("county", "after-town-review.csv", "kept"),
    ] {
        let set: BTreeSet<(String, String)> = csv_rows(&out.join(file))
            .into_iter()
            .filter(|r| r["outcome"] == outcome)
            .map(|r| (r["village"].clone(), r["household_id"].clone()))
            .collect();
        m.insert(stage, set);
    }
    m
}

#[test]
fn no_notice_of_a_big_town_shows_an_id_a_phone_or_a_member() {
    let d = tempfile::tempdir().unwrap();
    let town = d.path().join("town");
    let town_s = town.to_str().unwrap();
    fupin(&[
        "demo",
        town_s,
        "--villages",
        "6",
        "--households",
        "1500",
        "--seed",
        "11",
    ]);
    fupin(&[
        "-C", town_s, "notice", "--stage", "county", "--format", "csv",
    ]);
    let out = town.join("out");

    // Members of every household, from the register; names that are also
    // (part of) a head's name, a village's name or the campaign's own text
    // may rightly appear and are not looked for.
    let register = csv_rows(&out.join("register.csv"));
    let is_head = |r: &HashMap<String, String>| r["relation"] == "户主" || r["relation"] == "head";
    let mut public: Vec<String> = register
        .iter()
        .filter(|r| is_head(r))
        .map(|r| r["name"].clone())
        .collect();
    public.extend(register.iter().map(|r| r["village"].clone()));
    public.push(std::fs::read_to_string(town.join("campaign.toml")).unwrap());
    let mut members: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    let mut skipped = BTreeSet::new();
    for r in register.iter().filter(|r| !is_head(r)) {
        let name = r["name"].trim().to_string();
        if name.is_empty() {
            continue;
        }
        if public.iter().any(|p| p.contains(&name)) {
            skipped.insert(name);
            continue;
        }
        members
            .entry((r["village"].clone(), r["household_id"].clone()))
            .or_default()
            .insert(name);
    }

    let listed = listed(&out);
    let mut notices: Vec<PathBuf> = std::fs::read_dir(out.join("notices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    notices.sort();
    // The county's CSV notices replace its workbooks (DESIGN 7).
    assert_eq!(notices.len(), 6 * 3, "{notices:?}");

    // The county CSV notices list exactly the households taken as listed.
    for n in notices
        .iter()
        .filter(|n| n.extension().is_some_and(|e| e == "csv"))
    {
        let shown: BTreeSet<(String, String)> = csv_rows(n)
            .into_iter()
            .map(|r| (r["village"].clone(), r["household_id"].clone()))
            .collect();
        let village = &shown.iter().next().unwrap().0;
        let expected: BTreeSet<(String, String)> = listed["county"]
            .iter()
            .filter(|(v, _)| v == village)
            .cloned()
            .collect();
        assert_eq!(shown, expected, "{}", n.display());
    }

    let mut problems = Vec::new();
    let (mut households, mut looked_for, mut masked) = (0usize, 0usize, 0usize);
    for n in &notices {
        let file = n.file_name().unwrap().to_str().unwrap();
        let (stage, rest) = file.split_once('-').unwrap();
        let village = rest.rsplit_once('.').unwrap().0;
        let mine: BTreeSet<String> = listed[stage]
            .iter()
            .filter(|(v, _)| v == village)
            .flat_map(|k| {
                households += 1;
                members.get(k).cloned().unwrap_or_default()
            })
            .collect();
        looked_for += mine.len();
        for t in texts(n) {
            masked += t.matches("********").count();
            for f in scan(&t, &mine) {
                problems.push(format!("{file}: {f} in {t:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!(
        "{} notices, {households} listed households, {looked_for} member names looked for ({} skipped as also public), {masked} masked ID numbers",
        notices.len(),
        skipped.len()
    );
    assert!(households > 1500, "{households}");
    assert!(looked_for > 3000, "{looked_for}");
    assert!(masked > 1500, "{masked}");

    // Known positives on real notices: a member, a full ID number and a
    // phone number slipped into a copy are found, in a CSV and a workbook.
    let (key, names) = members
        .iter()
        .find(|(k, _)| listed["county"].contains(k))
        .unwrap();
    let member = names.iter().next().unwrap().clone();
    let person = register
        .iter()
        .find(|r| r["village"] == key.0 && r["household_id"] == key.1 && r["name"] == member)
        .unwrap();
    let phone = register
        .iter()
        .map(|r| r["phone"].clone())
        .find(|p| p.len() == 11)
        .unwrap();
    let real = out.join(format!("notices/county-{}.csv", key.0));
    let mut tampered = std::fs::read_to_string(&real).unwrap();
    tampered.push_str(&format!(
        "{},{},{member},{},{phone}\n",
        key.0, key.1, person["id_number"]
    ));
    let found = scan(&tampered, names);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(scan(&std::fs::read_to_string(&real).unwrap(), names).is_empty());

    let book = d.path().join("tampered.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, format!("{member}（配偶）")).unwrap();
    ws.write_string(1, 0, person["id_number"].as_str()).unwrap();
    ws.write_string(2, 0, format!("联系电话：{phone}")).unwrap();
    wb.save(&book).unwrap();
    let found: Vec<String> = texts(&book).iter().flat_map(|t| scan(t, names)).collect();
    assert_eq!(found.len(), 3, "{found:?}");
}
