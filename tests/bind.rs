//! `fupin bind` on the example town. The stages between `screen` and `bind`
//! are simulated: the final list is the admitted households of the primary
//! list but one (removed at the county review), and the stage lists are
//! written by hand, so these tests depend on no other stage's code.

mod harness;
#[path = "bind/support.rs"]
mod support;

use std::path::PathBuf;

use calamine::{Data, Reader};
use harness::Town;
use support::*;

use fupin::domain::codes;

#[test]
fn classified_statistics_add_up_and_match_the_register() {
    let t = ready();
    t.ok(&["bind"], 0);
    let finals = finals(&t);
    assert_eq!(finals.len(), 3);
    for (village, hhs) in &finals {
        let households = hhs.len() as u64;
        let persons: u64 = hhs.iter().map(|(_, s)| s).sum();
        let r = sheet(&workbook(&t, village), "分类统计");
        let tables = read_tables(&r);
        assert_eq!(tables.len(), 5, "{village}: {tables:?}");
        for (title, rows) in &tables {
            let (total, body) = rows.split_last().unwrap();
            let per_household = title.contains("户数");
            let want = if per_household {
                vec![households, persons]
            } else {
                vec![persons]
            };
            assert_eq!(total.1, want, "{village} {title}");
            for i in 0..want.len() {
                let sum: u64 = body.iter().map(|(_, n)| n[i]).sum();
                assert_eq!(sum, want[i], "{village} {title} column {i}");
            }
            assert_eq!(body.last().unwrap().0, "未填", "{village} {title}");
        }
        // Per-cause households and per-health persons as counted from the
        // register.
        let (causes, health) = register_values(&t, village);
        let by_cause = &tables
            .iter()
            .find(|(t, _)| t.contains("致贫原因"))
            .unwrap()
            .1;
        assert_eq!(by_cause.len(), codes::MAIN_CAUSE.len() + 2);
        for (label, n) in &by_cause[..by_cause.len() - 1] {
            let want = causes.iter().filter(|c| *c == label).count() as u64;
            assert_eq!(n[0], want, "{village} {label}");
        }
        let by_health = &tables.iter().find(|(t, _)| t.contains("健康")).unwrap().1;
        for (label, n) in &by_health[..by_health.len() - 1] {
            let want = health.iter().filter(|c| *c == label).count() as u64;
            assert_eq!(n[0], want, "{village} {label}");
        }
        // The cover gives the same totals.
        let cover = sheet(&workbook(&t, village), "封面");
        let texts: Vec<String> = cover.used_cells().map(|(_, _, d)| d.to_string()).collect();
        assert!(texts.contains(&format!("{households} 户")), "{texts:?}");
        assert!(texts.contains(&format!("{persons} 人")), "{texts:?}");
        assert!(texts.contains(&"2015年6月25日".to_string()), "{texts:?}");
        assert!(
            texts.iter().any(|s| s.starts_with("3,322 元/人")),
            "{texts:?}"
        );
    }
}

#[test]
fn one_form_per_household_each_on_its_own_page() {
    let t = ready();
    t.ok(&["bind"], 0);
    for (village, hhs) in finals(&t) {
        let p = workbook(&t, &village);
        let mut wb = open(&p);
        let names = wb.sheet_names();
        assert_eq!(names, ["封面", "分类统计", "登记表", "花名册"], "{village}");
        let forms = wb.worksheet_range("登记表").unwrap();
        let (r0, _) = forms.start().unwrap();
        let titles: Vec<usize> = forms
            .used_cells()
            .filter(|(_, _, d)| matches!(d, Data::String(s) if s == "贫困户登记表"))
            .map(|(r, _, _)| r + r0 as usize)
            .collect();
        assert_eq!(titles.len(), hhs.len(), "{village}");
        // Every form names its household, in the final list's order.
        let subtitles: Vec<String> = titles
            .iter()
            .map(|r| cell(&forms, r + 1 - r0 as usize, 0))
            .collect();
        for ((hh, _), sub) in hhs.iter().zip(&subtitles) {
            assert!(sub.contains(&format!("户编号：{hh}　")), "{sub}");
        }
        // A manual break before every form but the first, no fit to page.
        let xml = zip_entry(&p, "xl/worksheets/sheet3.xml");
        assert_eq!(breaks(&xml), titles[1..].to_vec(), "{village}");
        assert!(!xml.contains("fitToPage"), "{village}");
        assert!(xml.contains("paperSize=\"9\""), "{village}: A4");
        assert!(xml.contains("第 &amp;P 页 共 &amp;N 页"), "{village}");
        // The roster: a row per household, in order, and the total.
        let roster = wb.worksheet_range("花名册").unwrap();
        for (i, (hh, size)) in hhs.iter().enumerate() {
            assert_eq!(num(&roster, i + 2, 0), i as u64 + 1);
            assert_eq!(cell(&roster, i + 2, 1), *hh);
            assert_eq!(num(&roster, i + 2, 4), *size);
        }
        assert_eq!(
            cell(&roster, hhs.len() + 2, 0),
            format!("合计 {} 户", hhs.len())
        );
    }
}

#[test]
fn forms_show_the_household_and_its_members() {
    let t = ready();
    t.ok(&["bind"], 0);
    let forms = sheet(&workbook(&t, "双河村"), "登记表");
    let texts: Vec<String> = forms.used_cells().map(|(_, _, d)| d.to_string()).collect();
    let primary = t.csv("out/primary-list.csv");
    let first = &t.csv("out/final-list.csv")[0];
    let line = primary
        .iter()
        .find(|r| r["village"] == "双河村" && r["household_id"] == first["household_id"])
        .unwrap();
    // The head's full ID number, never masked, and the members' ages in
    // the campaign year.
    let head = t
        .csv("out/register.csv")
        .into_iter()
        .find(|r| {
            r["village"] == "双河村"
                && r["household_id"] == first["household_id"]
                && r["relation"] == "户主"
        })
        .unwrap();
    assert!(texts.contains(&head["id_number"]), "{}", head["id_number"]);
    assert!(!texts.iter().any(|s| s.contains("********")));
    let age = 2015 - head["id_number"][6..10].parse::<u64>().unwrap();
    assert!(forms
        .used_cells()
        .any(|(_, _, d)| *d == Data::Float(age as f64)));
    assert!(texts.contains(&"申报".to_string()));
    let net: f64 = line["net_income"].parse().unwrap();
    assert!(forms.used_cells().any(|(_, _, d)| *d == Data::Float(net)));
    for label in [
        "户主姓名",
        "家庭年纯收入（元）",
        "人均纯收入（元）",
        "收入依据",
        "与户主关系",
        "劳动能力",
    ] {
        assert!(texts.contains(&label.to_string()), "{label}");
    }
}

#[test]
fn coded_values_show_chinese_labels_and_text_stays_text() {
    let t = ready();
    // Rewrite members of the register with English codes, aliases and a
    // formula-like name, and screen it again so the chain still holds.
    let p = t.path().join("out/register.csv");
    let text = t.read("out/register.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let first = t.csv("out/final-list.csv")[0].clone();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut changed = 0;
    for rec in rdr.records() {
        let mut r: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        if r[col("village_code")] == first["village_code"]
            && r[col("household_id")] == first["household_id"]
        {
            changed += 1;
            r[col("health")] = "disabled".into();
            if !r[col("main_cause")].is_empty() {
                r[col("main_cause")] = "disaster".into();
            }
            if r[col("relation")] != "户主" {
                r[col("relation")] = "之儿媳".into();
                r[col("name")] = "'=HYPERLINK(\"x\")".into();
            }
        }
        rows.push(r);
    }
    assert!(changed > 1);
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    std::fs::write(&p, csv_text(&h, &rows)).unwrap();
    // Staleness is by content: the primary list no longer derives from it.
    let r = t.ok(&["bind"], 2);
    assert!(
        r.stderr.contains(
            "out/primary-list.csv is stale: out/register.csv changed since `fupin screen` read it"
        ),
        "{}",
        r.stderr
    );
    t.ok(&["survey"], 0);
    t.ok(&["screen"], 0);
    t.ok(&["bind"], 0);
    let wb = workbook(&t, &first["village"]);
    let forms = sheet(&wb, "登记表");
    let texts: Vec<String> = forms.used_cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(texts.contains(&"因灾".to_string()));
    assert!(texts.iter().filter(|s| *s == "残疾").count() >= changed);
    assert!(!texts
        .iter()
        .any(|s| s == "disabled" || s == "之儿媳" || s == "disaster"));
    // The statistics count the household under 因灾 and its members as 残疾.
    let tables = read_tables(&sheet(&wb, "分类统计"));
    let count = |table: &str, label: &str| {
        let rows = &tables.iter().find(|(t, _)| t.contains(table)).unwrap().1;
        rows.iter().find(|(l, _)| l == label).unwrap().1[0]
    };
    assert_eq!(count("致贫原因", "因灾"), 1);
    assert!(count("健康", "残疾") >= changed as u64);
    let roster = sheet(&wb, "花名册");
    assert_eq!(cell(&roster, 2, 6), "因灾");
    assert!(
        texts.contains(&"=HYPERLINK(\"x\")".to_string()),
        "{texts:?}"
    );
    let xml = zip_entry(&wb, "xl/worksheets/sheet3.xml");
    assert!(!xml.contains("<f>"), "text written as a formula");
}

#[test]
fn two_binds_give_identical_files() {
    let t = ready();
    t.ok(&["bind"], 0);
    let files = |t: &Town| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(t.path().join("out/registration"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.push(t.path().join("out/town-summary.xlsx"));
        v.sort();
        v.into_iter()
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect()
    };
    let a = files(&t);
    assert_eq!(a.len(), 4);
    t.ok(&["bind"], 0);
    assert_eq!(a, files(&t));
}

#[test]
fn bind_needs_the_final_list() {
    let t = screened();
    let r = t.ok(&["bind"], 2);
    // The first list missing is named: the appraisal has not run yet.
    assert!(
        r.stderr
            .contains("out/appraised.csv does not exist yet: run `fupin appraise` first"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("out/registration"));
    assert!(!t.exists("out/town-summary.xlsx"));

    // A register changed since the primary list was made from it, however
    // old its time: staleness is by content (DESIGN 7).
    simulate_reviews(&t);
    let p = t.path().join("out/register.csv");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let text = t.read("out/register.csv").replacen("户主", "户主 ", 1);
    std::fs::write(&p, text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&p)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let r = t.ok(&["bind"], 2);
    assert!(
        r.stderr
            .contains("out/primary-list.csv is stale: out/register.csv changed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("run `fupin screen` again"),
        "{}",
        r.stderr
    );
}

#[test]
fn town_summary_rows_and_report() {
    let t = ready();
    let r = t.ok(&["--json", "bind"], 0);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let finals = finals(&t);
    let households: usize = finals.values().map(Vec::len).sum();
    let persons: u64 = finals.values().flatten().map(|(_, s)| s).sum();
    assert_eq!(json["villages_bound"], 3);
    assert_eq!(json["households"], households);
    assert_eq!(json["persons"], persons);
    assert_eq!(json["forms"], households);
    let outputs: Vec<&str> = json["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for v in ["双河村", "南庞庄村", "鹿泉村"] {
        assert!(
            outputs.contains(&format!("out/registration/{v}.xlsx").as_str()),
            "{outputs:?}"
        );
    }
    assert!(outputs.contains(&"out/town-summary.xlsx"));

    let p = t.path().join("out/town-summary.xlsx");
    let s = sheet(&p, "汇总");
    let primary = t.csv("out/primary-list.csv");
    let roster = ["双河村", "南庞庄村", "鹿泉村"];
    for (i, v) in roster.iter().enumerate() {
        let row = 3 + i;
        assert_eq!(cell(&s, row, 1), *v);
        let mine: Vec<_> = primary.iter().filter(|r| r["village"] == *v).collect();
        let admitted = mine.iter().filter(|r| r["decision"] == "admitted").count() as u64;
        assert_eq!(num(&s, row, 5), mine.len() as u64, "{v} applicants");
        assert_eq!(num(&s, row, 6), admitted, "{v} admitted");
        assert_eq!(num(&s, row, 7), admitted, "{v} appraised");
        assert_eq!(num(&s, row, 8), admitted, "{v} after village review");
        let final_hh = finals[*v].len() as u64;
        assert_eq!(num(&s, row, 10), final_hh, "{v} after county review");
        assert_eq!(num(&s, row, 11), final_hh, "{v} final households");
        let p: u64 = finals[*v].iter().map(|(_, s)| s).sum();
        assert_eq!(num(&s, row, 12), p, "{v} final persons");
    }
    assert_eq!(cell(&s, 6, 0), "合计");
    assert_eq!(num(&s, 6, 2), 1019 + 457 + 820);
    assert_eq!(num(&s, 6, 11), households as u64);
    assert_eq!(num(&s, 6, 12), persons);
    match s.get((6, 13)) {
        Some(Data::Float(f)) => assert!((f - persons as f64 / 2296.0).abs() < 1e-12),
        other => panic!("incidence: {other:?}"),
    }
    // The town's statistics add up to the same totals; two charts.
    let tables = read_tables(&sheet(&p, "分类统计"));
    assert_eq!(tables.len(), 5);
    for (title, rows) in &tables {
        let total = &rows.last().unwrap().1;
        assert_eq!(*total.last().unwrap(), persons, "{title}");
    }
    let mut z = zip::ZipArchive::new(std::fs::File::open(&p).unwrap()).unwrap();
    let charts = (0..z.len())
        .filter(|i| {
            z.by_index(*i)
                .unwrap()
                .name()
                .unwrap()
                .starts_with("xl/charts/chart")
        })
        .count();
    assert_eq!(charts, 2);
}

#[test]
fn english_workbooks() {
    let t = ready();
    let toml = t
        .read("campaign.toml")
        .replace("lang = \"zh\"", "lang = \"en\"");
    t.write("campaign.toml", &toml);
    t.ok(&["bind"], 0);
    let mut wb = open(&workbook(&t, "双河村"));
    assert_eq!(wb.sheet_names(), ["Cover", "Statistics", "Forms", "Roster"]);
    let forms = wb.worksheet_range("Forms").unwrap();
    let texts: Vec<String> = forms.used_cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(texts.contains(&"Poor household registration form".to_string()));
    assert!(texts.contains(&"head".to_string()));
    assert!(!texts.iter().any(|s| s == "户主" || s == "健康"));
}
