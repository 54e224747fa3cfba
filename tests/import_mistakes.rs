//! The ordinary mistakes of a real campaign at import (DESIGN 7): one
//! village imported again, a note or a photo in an input folder, sheets
//! that name their village only by the file's or the sheet's name.

mod harness;

use harness::{fixture, Town};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const SHUANGHE: &str = "370323101";
const NANPANG: &str = "370323102";
const LUQUAN: &str = "370323103";

/// The register's rows of a village (by code), as column → value.
fn rows_of(t: &Town, code: &str) -> Vec<HashMap<String, String>> {
    t.csv("out/register.csv")
        .into_iter()
        .filter(|r| r["village_code"] == code)
        .collect()
}

/// How many households the register holds of each village code.
fn households(t: &Town) -> BTreeMap<String, usize> {
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for r in t.csv("out/register.csv") {
        seen.insert((r["village_code"].clone(), r["household_id"].clone()));
    }
    let mut m = BTreeMap::new();
    for (v, _) in seen {
        *m.entry(v).or_insert(0) += 1;
    }
    m
}

/// The lines of the example town's 鹿泉村.csv (GB18030) as bytes: the
/// header and the rows of the households `keep` accepts.
fn luquan_lines(t: &Town, keep: impl Fn(&str) -> bool) -> Vec<u8> {
    let bytes = std::fs::read(t.path().join("applications/鹿泉村.csv")).unwrap(); // ok: test code, not built into fupin
    let mut out = Vec::new();
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        // 户编号 is the second field, ASCII digits.
        let household = line
            .split(|b| *b == b',')
            .nth(1)
            .map(|f| String::from_utf8_lossy(f).to_string())
            .unwrap_or_default();
        if i == 0 || keep(&household) {
            out.extend_from_slice(line);
        }
    }
    out
}

fn abs(t: &Town, rel: &str) -> String {
    t.path().join(rel).to_string_lossy().to_string()
}

#[test]
fn importing_one_village_keeps_the_others() {
    let t = Town::example();
    t.ok(&["import"], 0);
    let shuanghe = rows_of(&t, SHUANGHE);
    let nanpang = rows_of(&t, NANPANG);
    assert_eq!(shuanghe.len(), 37);
    assert_eq!(nanpang.len(), 39);
    assert_eq!(households(&t)[LUQUAN], 11);

    // The README's own example: the village's sheet handed in again, as a
    // GB18030 CSV outside the campaign folder.
    let home = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
    let path = home.path().join("鹿泉村.csv");
    let file = path.to_string_lossy().to_string();
    std::fs::write(&path, luquan_lines(&t, |_| true)).unwrap(); // ok: test code, not built into fupin
    let r = t.ok(
        &[
            "import",
            "--village",
            "鹿泉村",
            &file,
            "--encoding",
            "gb18030",
        ],
        0,
    );
    assert!(
        r.stderr
            .contains("replaced in the register: 鹿泉村 (11 households, 11 before)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("kept in the register: 双河村 (11 households), 南庞庄村 (12 households)"),
        "{}",
        r.stderr
    );
    assert_eq!(rows_of(&t, SHUANGHE), shuanghe);
    assert_eq!(rows_of(&t, NANPANG), nanpang);
    let luquan = rows_of(&t, LUQUAN);
    assert_eq!(luquan.len(), 33);
    assert!(luquan.iter().all(|r| r["source_file"] == file));

    // `run` takes the import as done: it does not read applications/ again
    // over it, and goes on.
    let r = t.ok(&["run"], 0);
    assert!(r.stderr.contains("import: up to date"), "{}", r.stderr);
    assert!(rows_of(&t, LUQUAN).iter().all(|r| r["source_file"] == file));
    let r = t.ok(&["status", "--verify"], 0);
    assert!(r.stderr.contains("every one matches"), "{}", r.stderr);

    // Two households handed in: the village has two now, the others all of
    // theirs.
    let two = luquan_lines(&t, |h| h == "1" || h == "2");
    std::fs::write(&path, &two).unwrap(); // ok: test code, not built into fupin
    let r = t.ok(
        &[
            "--json",
            "import",
            "--village",
            "鹿泉村",
            &file,
            "--encoding",
            "gb18030",
        ],
        0,
    );
    assert!(
        r.stderr
            .contains("replaced in the register: 鹿泉村 (2 households, 11 before)"),
        "{}",
        r.stderr
    );
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap(); // ok: test code, not built into fupin
    assert_eq!(j["households"], 25);
    assert_eq!(j["imported"]["households"], 2);
    assert_eq!(j["kept"][0]["village"], "双河村");
    assert_eq!(j["kept"][0]["households"], 11);
    let want: BTreeMap<String, usize> = [(SHUANGHE, 11), (NANPANG, 12), (LUQUAN, 2)]
        .into_iter()
        .map(|(v, n)| (v.to_string(), n))
        .collect();
    assert_eq!(households(&t), want);
    assert_eq!(rows_of(&t, SHUANGHE), shuanghe);

    // The campaign-wide checks see the whole register: a person of 双河村
    // applying again in 鹿泉村 is found.
    let id = &shuanghe[0]["id_number"];
    t.write(
        "incoming/dup.csv",
        &format!(
            "户编号,姓名,与户主关系,身份证号,家庭人口,家庭年纯收入\n1,宋玉成,户主,{id},1,2000\n"
        ),
    );
    let r = t.ok(
        &[
            "import",
            "--village",
            "鹿泉村",
            &abs(&t, "incoming/dup.csv"),
        ],
        1,
    );
    let dup: Vec<_> = t
        .csv("out/findings.csv")
        .into_iter()
        .filter(|f| f["kind"] == "id_duplicate")
        .collect();
    let files: BTreeSet<&str> = dup.iter().map(|f| f["file"].as_str()).collect();
    let want: BTreeSet<&str> = ["applications/双河村.xlsx", "incoming/dup.csv"].into();
    assert_eq!(files, want, "{}", r.stderr);
    assert!(
        dup.iter().all(|f| f["message"].contains(id.as_str())),
        "{}",
        r.stderr
    );
    assert_eq!(households(&t)[SHUANGHE], 11);

    // `import` with no file reads all of applications/ again, and names the
    // file it no longer reads.
    let r = t.ok(&["import"], 0);
    assert!(
        r.stderr.contains("dup.csv was imported before"),
        "{}",
        r.stderr
    );
    assert_eq!(households(&t)[LUQUAN], 11);
    assert_eq!(t.csv("out/register.csv").len(), 110 - 1);
}

#[test]
fn a_text_file_in_applications_is_skipped_with_a_warning() {
    let t = Town::example();
    t.write("applications/说明.txt", "各村于6月1日前交回申请表。\n");
    let r = t.ok(&["import"], 0);
    assert!(
        r.stderr.contains(
            "warning: applications/说明.txt: not a sheet (.xlsx, .xls, .ods or .csv): skipped"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("imported 3 files"), "{}", r.stderr);
    assert!(!r.stderr.contains("not written"), "{}", r.stderr);
    assert_eq!(t.csv("out/register.csv").len(), 109);
    // A note added afterwards is no new input: the register is not stale.
    t.write("applications/收件记录.docx", "PK not really a document");
    let r = t.ok(&["status", "--verify"], 0);
    assert!(r.stderr.contains("every one matches"), "{}", r.stderr);
}

#[test]
fn a_photo_in_appraisal_is_skipped_with_a_warning() {
    let t = Town::example();
    t.ok(&["import"], 0);
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    t.write(
        "appraisal/meetings.csv",
        "\u{feff}村,日期,到会人数\n双河村,2015-06-04,30\n南庞庄村,2015-06-03,20\n鹿泉村,2015-06-04,20\n",
    );
    let mut votes = String::from("\u{feff}村,户编号,赞成,反对,弃权\n");
    for r in t.csv("out/primary-list.csv") {
        if r["decision"] == "admitted" {
            votes.push_str(&format!("{},{},18,1,1\n", r["village"], r["household_id"]));
        }
    }
    t.write("appraisal/votes.csv", &votes);
    std::fs::write(
        t.path().join("appraisal/签到表.jpg"),
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'],
    )
    .unwrap(); // ok: test code, not built into fupin
    let r = t.ok(&["appraise"], 0);
    assert!(
        r.stderr.contains(
            "warning: appraisal/签到表.jpg: not a sheet (.xlsx, .xls, .ods or .csv): skipped"
        ),
        "{}",
        r.stderr
    );
    assert!(t.exists("out/appraised.csv"));

    // A scanned objection in review/ is named too, and the review goes on.
    t.ok(&["notice", "--stage", "village"], 0);
    t.write(
        "review/village.csv",
        "村,户编号,决定,原因\n双河村,1,取消,异议属实\n",
    );
    t.write("review/村民来信.docx", "not a sheet");
    let r = t.ok(&["review", "--stage", "village"], 0);
    assert!(
        r.stderr.contains(
            "warning: review/村民来信.docx: not a sheet (.xlsx, .xls, .ods or .csv): skipped"
        ),
        "{}",
        r.stderr
    );
    assert!(t.exists("out/after-village-review.csv"));
}

/// The rows of `tests/data/clean.csv` of a village, without the 村 column,
/// under its header.
fn without_village(village: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(fixture("clean.csv")).unwrap(); // ok: test code, not built into fupin
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<String>>());
    let head = lines.next().unwrap(); // ok: test code, not built into fupin
    std::iter::once(head[1..].to_vec())
        .chain(lines.filter(|l| l[0] == village).map(|l| l[1..].to_vec()))
        .collect()
}

fn csv_text(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| r.join(",") + "\n").collect()
}

#[test]
fn the_village_comes_from_the_file_name() {
    let t = Town::bare();
    // As `fupin template` names files, and by the village's name alone.
    t.write(
        "applications/370323103-鹿泉村.csv",
        &csv_text(&without_village("鹿泉村")),
    );
    t.write(
        "applications/双河村.csv",
        &csv_text(&without_village("双河村")),
    );
    t.write(
        "applications/南庞庄村申请表.csv",
        &csv_text(&without_village("南庞庄村")),
    );
    let r = t.ok(&["import"], 0);
    assert!(!r.stderr.contains("lacks"), "{}", r.stderr);
    let by_file: BTreeSet<(String, String)> = t
        .csv("out/register.csv")
        .into_iter()
        .map(|r| (r["source_file"].clone(), r["village_code"].clone()))
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("applications/370323103-鹿泉村.csv", LUQUAN),
        ("applications/双河村.csv", SHUANGHE),
        ("applications/南庞庄村申请表.csv", NANPANG),
    ]
    .into_iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    assert_eq!(by_file, want);
    assert_eq!(t.csv("out/register.csv").len(), 9);

    // --village still overrides the name; what the file gave before is
    // replaced by what it gives now.
    let r = t.ok(
        &[
            "import",
            "--village",
            "南庞庄村",
            &abs(&t, "applications/双河村.csv"),
        ],
        0,
    );
    assert!(
        r.stderr.contains(
            "replaced in the register: 双河村 (0 households, 1 before), 南庞庄村 (1 households, 1 before)"
        ),
        "{}",
        r.stderr
    );
    let moved: BTreeSet<(String, String)> = t
        .csv("out/register.csv")
        .into_iter()
        .map(|r| (r["source_file"].clone(), r["village_code"].clone()))
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("applications/370323103-鹿泉村.csv", LUQUAN),
        ("applications/双河村.csv", NANPANG),
    ]
    .into_iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    assert_eq!(moved, want);

    // A name that names no village: the column is asked for, with the ways
    // to give it.
    let t = Town::bare();
    t.write(
        "applications/申请表.csv",
        &csv_text(&without_village("鹿泉村")),
    );
    let r = t.ok(&["import"], 1);
    assert!(
        r.stderr.contains("村 (village)") && r.stderr.contains("--village"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/register.csv"));
}

#[test]
fn a_workbook_with_a_sheet_per_village_imports_them_all() {
    let t = Town::bare();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (sheet, village) in [
        ("双河村", "双河村"),
        ("370323102", "南庞庄村"),
        ("370323103-鹿泉村", "鹿泉村"),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap(); // ok: test code, not built into fupin
        for (r, row) in without_village(village).iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, cell).unwrap(); // ok: test code, not built into fupin
            }
        }
    }
    wb.save(t.path().join("applications/孝直镇申请表.xlsx"))
        .unwrap(); // ok: test code, not built into fupin
    let r = t.ok(&["--json", "import"], 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap(); // ok: test code, not built into fupin
    assert_eq!(j["households"], 3);
    assert_eq!(j["persons"], 9);
    let by_sheet: BTreeSet<(String, String)> = t
        .csv("out/register.csv")
        .into_iter()
        .map(|r| (r["source_sheet"].clone(), r["village_code"].clone()))
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("双河村", SHUANGHE),
        ("370323102", NANPANG),
        ("370323103-鹿泉村", LUQUAN),
    ]
    .into_iter()
    .map(|(s, c)| (s.to_string(), c.to_string()))
    .collect();
    assert_eq!(by_sheet, want);
}
