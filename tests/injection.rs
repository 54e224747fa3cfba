//! No formula injection (DESIGN 6): names that a spreadsheet would take for
//! a formula (`=HYPERLINK(…)`, `+1+1`, `-2+3`, `@SUM(A1)`) go through the
//! whole chain — import, survey, screen, appraise, three notices and
//! reviews, bind — and come out as text: every workbook cell holding one
//! reads back as the text itself, no workbook has a formula made of input
//! text, and every CSV output cell that starts with one is neutralised by a
//! leading `'`.

mod harness;

use calamine::{open_workbook_auto, Data, Reader};
use fupin::io::csvout::restore;
use harness::Town;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

const LINK: &str = "=HYPERLINK(\"http://x\",\"点击\")";
const PAYLOADS: [&str; 4] = [LINK, "+1+1", "-2+3", "@SUM(A1)"];
/// What marks a payload wherever it lands.
const MARKERS: [&str; 4] = ["HYPERLINK", "SUM(", "+1+1", "-2+3"];

/// 南庞庄村: (household, original name, payload). Households 3, 7, 9 and 4
/// are admitted in the example town; each gets a payload on its head and
/// another on a member.
const CHANGES: [(&str, &str, &str); 8] = [
    ("3", "庞广田", LINK),
    ("3", "朱秀云", "+1+1"),
    ("7", "朱德顺", "+1+1"),
    ("7", "孟秀芝", "-2+3"),
    ("9", "郑长福", "-2+3"),
    ("9", "庞桂英", "@SUM(A1)"),
    ("4", "郑大勇", "@SUM(A1)"),
    ("4", "庞春燕", LINK),
];

/// The example town with the names of `CHANGES` replaced in 南庞庄村.csv.
fn hostile_town() -> Town {
    let t = Town::example();
    let path = t.path().join("applications/南庞庄村.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut done = 0;
    for rec in rdr.records() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if let Some((_, _, p)) = CHANGES
            .iter()
            .find(|(h, n, _)| rec[1] == *h && rec[2] == *n)
        {
            rec[2] = p.to_string();
            done += 1;
        }
        w.write_record(&rec).unwrap();
    }
    assert_eq!(done, CHANGES.len());
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    t
}

/// Meeting and vote sheets passing every admitted household.
fn appraisal_sheets(t: &Town) {
    let mut meetings = String::from("\u{feff}村,日期,到会人数\n");
    let mut votes = String::from("\u{feff}村,户编号,赞成,反对,弃权\n");
    let mut villages = BTreeSet::new();
    for r in t.csv("out/primary-list.csv") {
        if r["decision"] != "admitted" {
            continue;
        }
        let present = if r["village"] == "双河村" { 40 } else { 25 };
        if villages.insert(r["village"].clone()) {
            meetings.push_str(&format!("{},2015-06-04,{present}\n", r["village"]));
        }
        votes.push_str(&format!(
            "{},{},{},1,1\n",
            r["village"],
            r["household_id"],
            present - 2
        ));
    }
    t.write("appraisal/meetings.csv", &meetings);
    t.write("appraisal/votes.csv", &votes);
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

fn has_marker(s: &str) -> bool {
    MARKERS.iter().any(|m| s.contains(m))
}

/// The text of every `<f>` (cell formula) and `<formula>` (conditional
/// formats, validations) element of every part of a workbook.
fn raw_formulas(path: &Path) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if !name.ends_with(".xml") {
            continue;
        }
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        for tag in ["f", "formula", "formula1", "formula2"] {
            let open = format!("<{tag}");
            let close = format!("</{tag}>");
            let mut rest = xml.as_str();
            while let Some(at) = rest.find(&open) {
                let after = &rest[at + open.len()..];
                // `<f>`, `<f t="shared" …>`, not `<font>`, `<fill>`…
                if !after.starts_with(['>', ' ']) {
                    rest = after;
                    continue;
                }
                let Some(gt) = after.find('>') else { break };
                let body = &after[gt + 1..];
                let end = body.find(&close).unwrap_or(0);
                if !after[..gt].ends_with('/') {
                    out.push((name.clone(), body[..end].to_string()));
                }
                rest = body;
            }
        }
    }
    out
}

#[test]
fn formula_like_names_stay_text_through_the_whole_chain() {
    let t = hostile_town();
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    let list = t.csv("out/primary-list.csv");
    for (h, _, p) in CHANGES.iter().step_by(2) {
        let r = list
            .iter()
            .find(|r| r["village"] == "南庞庄村" && r["household_id"] == *h)
            .unwrap();
        assert_eq!(r["decision"], "admitted", "household {h}");
        assert_eq!(restore(&r["head_name"]), *p);
        assert!(r["head_name"].starts_with('\''), "{}", r["head_name"]);
    }
    appraisal_sheets(&t);
    t.ok(&["appraise"], 0);
    // Notices in one format replace those in the other (DESIGN 7): the
    // village and town notices end as workbooks, the county's as CSV.
    for stage in ["village", "town", "county"] {
        let csv = ["notice", "--stage", stage, "--format", "csv"];
        let xlsx = ["notice", "--stage", stage];
        if stage == "county" {
            t.ok(&xlsx, 0);
            t.ok(&csv, 0);
        } else {
            t.ok(&csv, 0);
            t.ok(&xlsx, 0);
        }
        t.ok(&["review", "--stage", stage, "--no-changes"], 0);
    }
    t.ok(&["bind"], 0);
    let out = t.path().join("out");

    // Every person's name, as written: no workbook formula may hold one.
    let names: BTreeSet<String> = t
        .csv("out/register.csv")
        .iter()
        .map(|r| restore(&r["name"]).to_string())
        .collect();
    assert!(PAYLOADS.iter().all(|p| names.contains(*p)), "{names:?}");

    // Workbooks: cells read back as the text; formulas never hold input.
    let mut books = Vec::new();
    files(&out, "xlsx", &mut books);
    books.sort();
    assert!(books.len() >= 10, "{books:?}");
    let mut exact: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut formulas_seen = 0;
    for book in &books {
        let rel = book.strip_prefix(&out).unwrap().display().to_string();
        let mut wb = open_workbook_auto(book).unwrap();
        for sheet in wb.sheet_names() {
            let range = wb.worksheet_range(&sheet).unwrap();
            for (r, c, v) in range.used_cells() {
                let text = match v {
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if !has_marker(&text) {
                    continue;
                }
                // Text, never a formula or a number, and never altered: a
                // leading `'` belongs in CSV files only.
                let whole = PAYLOADS.iter().find(|p| text == **p);
                if !matches!(v, Data::String(_)) || text.starts_with('\'') {
                    problems.push(format!("{rel} {sheet}!R{}C{}: {v:?}", r + 1, c + 1));
                }
                if let Some(p) = whole {
                    exact.entry(p).or_default().push(rel.clone());
                }
            }
            if let Ok(formulas) = wb.worksheet_formula(&sheet) {
                for (r, c, f) in formulas.used_cells() {
                    if has_marker(f) || names.iter().any(|n| f.contains(n.as_str())) {
                        problems.push(format!("{rel} {sheet}!R{}C{}: formula {f}", r + 1, c + 1));
                    }
                }
            }
        }
        for (part, f) in raw_formulas(book) {
            formulas_seen += 1;
            if has_marker(&f) || names.iter().any(|n| f.contains(n.as_str())) {
                problems.push(format!("{rel} {part}: formula {f}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!(
        "{} workbooks, {formulas_seen} formulas (none from input)",
        books.len()
    );
    for p in PAYLOADS {
        let seen = exact.get(p).cloned().unwrap_or_default();
        // The primary list, the notices and the registration workbook.
        eprintln!("{p}: a whole cell in {seen:?}");
        assert!(seen.len() >= 5, "{p} is a whole cell only in {seen:?}");
        assert!(
            seen.iter().any(|b| b.starts_with("notices")),
            "{p}: {seen:?}"
        );
    }

    // CSV outputs: a cell that starts like a formula starts with `'`.
    let mut sheets = Vec::new();
    files(&out, "csv", &mut sheets);
    sheets.sort();
    let mut neutralised = BTreeMap::new();
    for f in &sheets {
        let rel = f.strip_prefix(&out).unwrap().display().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for (i, rec) in rdr.records().enumerate() {
            for (j, cell) in rec.unwrap().iter().enumerate() {
                if !has_marker(cell) {
                    continue;
                }
                if cell.starts_with(['=', '+', '-', '@']) {
                    problems.push(format!("{rel} line {} column {}: {cell}", i + 1, j + 1));
                }
                if cell.starts_with('\'') {
                    *neutralised.entry(rel.clone()).or_insert(0) += 1;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!("neutralised CSV cells: {neutralised:?}");
    for must in [
        "register.csv",
        "primary-list.csv",
        "appraised.csv",
        "after-county-review.csv",
        "final-list.csv",
        "notices/county-南庞庄村.csv",
    ] {
        assert!(
            neutralised.get(must).copied().unwrap_or(0) >= 4,
            "{must}: {neutralised:?}"
        );
    }
}

/// Findings echo bad input (an unknown village, a household number, a code
/// value, an income that is not a number): the findings workbook shows it
/// as text, and the CSVs neutralise it.
#[test]
fn formula_like_cells_in_findings_stay_text() {
    let t = Town::bare();
    t.write(
        "applications/坏村.csv",
        &format!(
            "\u{feff}村,户编号,姓名,与户主关系,身份证号,健康状况,家庭年纯收入\n\
             @SUM(A1),1,张三,户主,11010519491231002X,健康,3000\n\
             双河村,+1+1,李四,户主,370124197305142854,\"{}\",3000\n\
             双河村,2,王五,户主,370124194112084746,健康,-2+3\n",
            LINK.replace('"', "\"\"")
        ),
    );
    t.ok(&["import"], 1);
    let out = t.path().join("out");
    let mut problems = Vec::new();
    let mut whole = BTreeSet::new();
    let mut wb = open_workbook_auto(out.join("findings.xlsx")).unwrap();
    for sheet in wb.sheet_names() {
        let range = wb.worksheet_range(&sheet).unwrap();
        for (r, c, v) in range.used_cells() {
            let text = v.to_string();
            if !has_marker(&text) {
                continue;
            }
            if let Some(p) = PAYLOADS.iter().find(|p| text == **p) {
                whole.insert(*p);
            }
            if !matches!(v, Data::String(_)) || text.starts_with('\'') {
                problems.push(format!("{sheet}!R{}C{}: {v:?}", r + 1, c + 1));
            }
        }
        if let Ok(formulas) = wb.worksheet_formula(&sheet) {
            for (_, _, f) in formulas.used_cells() {
                if has_marker(f) {
                    problems.push(format!("{sheet}: formula {f}"));
                }
            }
        }
    }
    for (part, f) in raw_formulas(&out.join("findings.xlsx")) {
        if has_marker(&f) {
            problems.push(format!("{part}: formula {f}"));
        }
    }
    for f in ["findings.csv", "register.csv"] {
        let text = t.read(&format!("out/{f}"));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        for rec in rdr.records() {
            for cell in rec.unwrap().iter() {
                if has_marker(cell) && cell.starts_with(['=', '+', '-', '@']) {
                    problems.push(format!("{f}: {cell}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The unknown village and the household number are cells of their own.
    assert!(
        whole.contains("@SUM(A1)") && whole.contains("+1+1"),
        "{whole:?}"
    );
}
