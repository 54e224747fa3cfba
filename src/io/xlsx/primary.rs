//! The printable primary list (初选名单, `out/primary-list.xlsx`): a summary
//! sheet with the figures of every village, then one sheet per roster
//! village in roster order with its households in the list's order, and a
//! sheet 其他 for households whose village is not in the roster.
//!
//! A province-sized list (a million households, a thousand villages) is
//! written with constant-memory sheets: widths come from a pre-pass over
//! each sheet's lines, then the rows are written in order.

mod context;
mod reason;
mod summary;
mod village;

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::common::{self, SheetNames};
use crate::domain::campaign::{Campaign, Lang};
use crate::domain::roster::Roster;
use crate::domain::screen::PrimaryList;
use crate::io::atomic::write_via_path;
use context::Ctx;

/// Data lines on one sheet; a village with more continues on `<name> (2)`.
const LINES_PER_SHEET: usize = 1_048_000;

/// Write the primary list workbook to `path` (atomically, reproducibly).
pub fn write_primary(
    path: &Path,
    list: &PrimaryList,
    roster: &Roster,
    campaign: &Campaign,
    provisional: bool,
) -> Result<()> {
    let input = Input {
        list,
        roster,
        campaign,
        provisional,
    };
    let limits = Limits {
        lines_per_sheet: LINES_PER_SHEET,
        constant_memory: constant_memory_budget(),
    };
    save(path, &input, &limits)
}

fn save(path: &Path, input: &Input, limits: &Limits) -> Result<()> {
    write_via_path(path, |tmp| {
        let mut wb = build(input, tmp.parent(), limits)?;
        wb.save(tmp)?;
        Ok(())
    })
}

struct Input<'a> {
    list: &'a PrimaryList,
    roster: &'a Roster,
    campaign: &'a Campaign,
    provisional: bool,
}

struct Limits {
    lines_per_sheet: usize,
    /// How many sheets may be constant-memory sheets (each keeps a
    /// temporary file open until the workbook is saved).
    constant_memory: usize,
}

/// Open files this process may still use for constant-memory sheets, with
/// room to spare; unlimited where the system does not say (Windows has no
/// small limit on open files).
fn constant_memory_budget() -> usize {
    #[cfg(target_os = "linux")]
    {
        let soft = std::fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("Max open files"))
                    .and_then(|l| l.split_whitespace().nth(3))
                    .and_then(|v| v.parse::<usize>().ok())
            });
        if let Some(soft) = soft {
            let open = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count());
            return soft.saturating_sub(open).saturating_sub(128);
        }
    }
    usize::MAX
}

fn build(input: &Input, tempdir: Option<&Path>, limits: &Limits) -> Result<Workbook> {
    let mut wb = common::new_workbook(input.campaign.campaign.year);
    // A province-sized list is millions of cells: fast compression is worth
    // its slightly larger file.
    wb.set_zip_compression_level(3);
    if let Some(dir) = tempdir.filter(|d| !d.as_os_str().is_empty()) {
        wb.set_tempdir(dir)?;
    }
    let ctx = Ctx::new(input);
    let mut names = SheetNames::new();
    let mut sheets = 0usize;

    let name = ctx.l("汇总", "Summary");
    names.reserve(name);
    let ws = wb.add_worksheet();
    sheets += 1;
    ws.set_name(name)?;
    summary::write(ws, &ctx)?;

    // Constant-memory sheets for the largest villages first, as far as the
    // budget of open files goes; the rest are ordinary sheets.
    let villages = &input.roster.villages;
    let n = villages.len();
    let mut by_size: Vec<usize> = (0..=n).collect();
    by_size.sort_by_key(|&v| std::cmp::Reverse(ctx.figures.lines[v].len()));
    let mut constant = vec![false; n + 1];
    let mut budget = limits.constant_memory;
    for v in by_size {
        let need = ctx.figures.lines[v]
            .len()
            .div_ceil(limits.lines_per_sheet.max(1))
            .max(1);
        if need <= budget {
            budget -= need;
            constant[v] = true;
        }
    }

    for (v, lines) in ctx.figures.lines.iter().enumerate() {
        if v == n && lines.is_empty() {
            break;
        }
        let (base_name, base_title, info) = match villages.get(v) {
            Some(village) => (
                village.name.as_str(),
                match ctx.lang {
                    Lang::Zh => format!("{}贫困户识别初选名单", village.name),
                    Lang::En => format!("{}: primary list of poor households", village.name),
                },
                ctx.village_info(v),
            ),
            None => (
                ctx.l("其他", "Unplaced"),
                ctx.l(
                    "村名不在村名册中的申请户",
                    "Households whose village is not in the roster",
                )
                .to_string(),
                match ctx.lang {
                    Lang::Zh => format!("以下 {} 户所填的村不在村名册（villages.csv）中，未参与排名。请核对村名后重新导入。", lines.len()),
                    Lang::En => format!("The village these {} households gave is not in the roster (villages.csv); they are not ranked. Correct the village and import again.", lines.len()),
                },
            ),
        };
        let chunks: Vec<&[usize]> = if lines.is_empty() {
            vec![&[]]
        } else {
            lines.chunks(limits.lines_per_sheet.max(1)).collect()
        };
        for (k, chunk) in chunks.iter().enumerate() {
            let mut title = base_title.clone();
            if k > 0 {
                title.push_str(&match ctx.lang {
                    Lang::Zh => format!("（续 {}）", k + 1),
                    Lang::En => format!(" (part {})", k + 1),
                });
            }
            let name = names.unique(base_name);
            let ws = add_sheet(&mut wb, sheets, constant[v])?;
            sheets += 1;
            ws.set_name(&name)?;
            let sheet = village::Sheet {
                title: ctx.title(title),
                info: info.clone(),
                lines: chunk,
                unplaced: v == n,
                page_name: base_name,
            };
            village::write(ws, &ctx, &sheet)?;
        }
    }
    Ok(wb)
}

/// Add sheet number `index`: a constant-memory sheet when asked and the
/// system lets one more temporary file be opened, else an ordinary one.
fn add_sheet(wb: &mut Workbook, index: usize, constant: bool) -> Result<&mut Worksheet> {
    if !(constant && wb.add_worksheet_with_constant_memory().is_ok()) {
        wb.add_worksheet();
    }
    Ok(wb.worksheet_from_index(index)?)
}

#[cfg(test)]
mod tests {
    use super::context::thousands;
    use super::*;
    use crate::domain::money::Fen;
    use crate::domain::register::{Deprivations, Household};
    use crate::domain::screen::screen;
    use crate::io::xlsx::read_back::rows;
    use calamine::{open_workbook_auto, Reader};
    use std::collections::HashMap;

    fn campaign(extra: &str) -> Campaign {
        Campaign::from_toml(&format!(
            "[campaign]\ncounty = \"平阴县\"\ntown = \"孝直镇\"\nyear = 2015\n{extra}"
        ))
        .unwrap() // ok: test code, not built into fupin
    }

    fn roster() -> Roster {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        Roster::from_rows(
            &s(&["村代码", "村名", "人口", "户数", "重点村"]),
            &[
                s(&["101", "甲村", "20", "5", "是"]),
                s(&["102", "乙村", "100", "30", "否"]),
                s(&["103", "丙村", "10", "3", "否"]),
            ],
        )
        .unwrap() // ok: test code, not built into fupin
    }

    fn hh(village: Option<usize>, id: &str, name: &str, size: u32, net: i64) -> Household {
        let names = ["甲村", "乙村", "丙村"];
        Household {
            village,
            village_code: village
                .map(|v| format!("10{}", v + 1))
                .unwrap_or_default()
                .into(),
            village_name: village.map_or("外村", |v| names[v]).into(),
            household_id: id.into(),
            head_name: name.into(),
            size,
            net_income: Some(Fen::from_yuan(net).into()),
            ..Default::default()
        }
    }

    /// 甲村 (quota 10): 2 (2,000/person, 3 persons) ranks first, then 1
    /// (2,500, 4), then 3 (3,000, 4) which no longer fits; 4 is above the
    /// standard. 乙村 (quota 5): one household whose head's name looks like
    /// a formula. One household of a village not in the roster.
    fn households() -> Vec<Household> {
        let mut v = vec![
            hh(Some(0), "1", "刘长海", 4, 10_000),
            hh(Some(0), "2", "王德明", 3, 6_000),
            hh(Some(0), "3", "张文清", 4, 12_000),
            hh(Some(0), "4", "李国强", 2, 9_000),
            hh(Some(1), "1", "=HYPERLINK(\"x\")", 2, 4_000),
            hh(None, "9", "赵建国", 1, 1_000),
        ];
        v[0].deprivations = Deprivations {
            unsafe_housing: true,
            ..Default::default()
        };
        v
    }

    fn list(c: &Campaign, invalid: &HashMap<usize, String>) -> PrimaryList {
        screen(
            c,
            &roster(),
            3322,
            households(),
            invalid,
            &Default::default(),
        )
    }

    fn sheet_names(path: &Path) -> Vec<String> {
        open_workbook_auto(path).unwrap().sheet_names() // ok: test code, not built into fupin
    }

    fn write(dir: &Path, name: &str, c: &Campaign, provisional: bool) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut invalid = HashMap::new();
        if provisional {
            invalid.insert(3, "ID number check digit is wrong".to_string());
        }
        write_primary(&path, &list(c, &invalid), &roster(), c, provisional).unwrap(); // ok: test code, not built into fupin
        path
    }

    fn header_row(r: &[Vec<String>], first: &str) -> usize {
        r.iter().position(|x| x[0] == first).unwrap() // ok: test code, not built into fupin
    }

    #[test]
    fn sheets_summary_and_village_rows() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let c = campaign("");
        let path = write(dir.path(), "p.xlsx", &c, false);
        assert_eq!(sheet_names(&path), ["汇总", "甲村", "乙村", "丙村", "其他"]);

        let s = rows(&path, "汇总");
        assert!(s[0][0].starts_with("平阴县孝直镇 2015年贫困户识别初选名单汇总"));
        assert!(s.iter().any(|r| r[0].contains("3,322 元/人·年")));
        let h = header_row(&s, "村代码");
        assert_eq!(
            s[h],
            [
                "村代码",
                "村名",
                "人口",
                "重点村",
                "规模比例",
                "规模控制人数",
                "申请户数",
                "符合条件户数",
                "纳入户数",
                "纳入人数",
                "规模使用率"
            ]
        );
        // quota, applicants, eligible, admitted households and persons.
        assert_eq!(
            s[h + 1][..10],
            ["101", "甲村", "20", "是", "0.5", "10", "4", "3", "2", "7"]
        );
        assert_eq!(s[h + 1][10], "0.7");
        assert_eq!(s[h + 2][5..10], ["5", "1", "1", "1", "2"]);
        assert_eq!(s[h + 3][5..11], ["0", "0", "0", "0", "0", ""]);
        assert_eq!(s[h + 4][1..7], ["（村不在名册）", "", "", "", "", "1"]);
        assert_eq!(s[h + 5][1], "合计");
        assert_eq!(s[h + 5][5..10], ["15", "6", "4", "3", "9"]);

        let v = rows(&path, "甲村");
        assert_eq!(v[0][0], "甲村贫困户识别初选名单");
        assert!(v[1][0].contains("规模控制人数 10 人"), "{}", v[1][0]);
        let h = header_row(&v, "排名");
        assert_eq!(
            v[h],
            [
                "排名",
                "户编号",
                "户主姓名",
                "家庭人口",
                "家庭年纯收入（元）",
                "收入依据",
                "人均纯收入（元）",
                "致贫条件",
                "累计纳入人数",
                "结果",
                "说明"
            ]
        );
        assert_eq!(
            v[h + 1][..10],
            [
                "1",
                "2",
                "王德明",
                "3",
                "6000",
                "申报",
                "2000",
                "",
                "3",
                "纳入"
            ]
        );
        assert_eq!(v[h + 1][10], "低于扶贫标准，在规模以内");
        assert_eq!(v[h + 2][..3], ["2", "1", "刘长海"]);
        assert_eq!(v[h + 2][7], "危房");
        assert_eq!(v[h + 3][..2], ["3", "3"]);
        assert_eq!(v[h + 3][10], "已纳入 7 人，加本户 4 人超过规模 10 人");
        assert_eq!(v[h + 3][9], "超出规模");
        assert_eq!(v[h + 4][..2], ["", "4"]);
        assert_eq!(v[h + 4][9], "收入超标");
        assert_eq!(v.len(), h + 5);

        // Borders, and the fill of admitted rows, are conditional formats
        // over the table only.
        let xml = sheet_xml(&path, 2);
        assert!(xml.contains(r#"<conditionalFormatting sqref="A4:K7">"#));
        assert!(xml.contains(r#"<formula>$J4="纳入"</formula>"#));

        assert_eq!(rows(&path, "丙村")[3][0], "本村没有申请户");
        let o = rows(&path, "其他");
        let h = header_row(&o, "所填村名");
        assert_eq!(o[h + 1][..3], ["外村", "9", "赵建国"]);
        assert_eq!(o[h + 1][8], "数据有误");
        assert_eq!(o[h + 1][9], "数据有误：所填的村不在村名册中");
    }

    #[test]
    fn formula_like_names_stay_text() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let path = write(dir.path(), "p.xlsx", &campaign(""), false);
        let v = rows(&path, "乙村");
        let h = header_row(&v, "排名");
        assert_eq!(v[h + 1][2], "=HYPERLINK(\"x\")");
        let mut wb = open_workbook_auto(&path).unwrap(); // ok: test code, not built into fupin
        let f = wb.worksheet_formula("乙村").unwrap(); // ok: test code, not built into fupin
        assert!(f.used_cells().all(|(_, _, s)| s.is_empty()));
    }

    #[test]
    fn provisional_marking() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let c = campaign("");
        let all_text = |path: &Path| -> String {
            sheet_names(path)
                .iter()
                .flat_map(|s| rows(path, s))
                .flatten()
                .collect::<Vec<_>>()
                .join("\n")
        };
        let path = write(dir.path(), "p.xlsx", &c, true);
        for s in sheet_names(&path) {
            let r = rows(&path, &s);
            assert!(r[0][0].ends_with("（临时）"), "{s}: {}", r[0][0]);
            assert!(r[1][0].starts_with("临时名单"), "{s}: {}", r[1][0]);
            assert!(r[1][0].contains("2 户数据有误"), "{s}: {}", r[1][0]);
        }
        let v = rows(&path, "甲村");
        assert!(v.iter().any(|r| r[9] == "数据有误"));
        let xml = sheet_xml(&path, 2);
        assert!(xml.contains("临时名单"), "page header");

        let path = write(dir.path(), "f.xlsx", &c, false);
        assert!(!all_text(&path).contains("临时"));
        assert!(!sheet_xml(&path, 2).contains("临时"));

        let c = campaign("[output]\nlang = \"en\"\n");
        let path = write(dir.path(), "en.xlsx", &c, true);
        assert_eq!(
            sheet_names(&path),
            ["Summary", "甲村", "乙村", "丙村", "Unplaced"]
        );
        let v = rows(&path, "甲村");
        assert!(v[0][0].ends_with("(PROVISIONAL)"), "{}", v[0][0]);
        assert!(v[1][0].starts_with("PROVISIONAL LIST"));
        let h = header_row(&v, "Rank");
        assert_eq!(v[h + 1][9], "admitted");
        assert_eq!(v[h + 1][10], "below the standard, within the quota");
    }

    /// The XML of worksheet `n` (1-based).
    fn sheet_xml(path: &Path, n: usize) -> String {
        use std::io::Read;
        let f = std::fs::File::open(path).unwrap(); // ok: test code, not built into fupin
        let mut z = zip::ZipArchive::new(f).unwrap(); // ok: test code, not built into fupin
        let mut s = String::new();
        z.by_name(&format!("xl/worksheets/sheet{n}.xml"))
            .unwrap() // ok: test code, not built into fupin
            .read_to_string(&mut s)
            .unwrap(); // ok: test code, not built into fupin
        s
    }

    #[test]
    fn reproducible_bytes() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let c = campaign("");
        let a = write(dir.path(), "a.xlsx", &c, true);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let b = write(dir.path(), "b.xlsx", &c, true);
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap()); // ok: test code, not built into fupin
    }

    #[test]
    fn long_villages_continue_and_ordinary_sheets_read_the_same() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let c = campaign("");
        let (r, l) = (roster(), list(&c, &HashMap::new()));
        let input = Input {
            list: &l,
            roster: &r,
            campaign: &c,
            provisional: false,
        };
        let small = Limits {
            lines_per_sheet: 3,
            constant_memory: 0,
        };
        let path = dir.path().join("split.xlsx");
        save(&path, &input, &small).unwrap(); // ok: test code, not built into fupin
        assert_eq!(
            sheet_names(&path),
            ["汇总", "甲村", "甲村 (2)", "乙村", "丙村", "其他"]
        );
        let a = rows(&path, "甲村");
        let b = rows(&path, "甲村 (2)");
        assert_eq!(b[0][0], "甲村贫困户识别初选名单（续 2）");
        let (ha, hb) = (header_row(&a, "排名"), header_row(&b, "排名"));
        assert_eq!(a.len() - ha - 1, 3);
        assert_eq!(b[hb + 1][1], "4");

        // Ordinary sheets (no open file to spare) hold the same cells as
        // constant-memory ones.
        let path2 = dir.path().join("cm.xlsx");
        let full = Limits {
            lines_per_sheet: LINES_PER_SHEET,
            constant_memory: usize::MAX,
        };
        save(&path2, &input, &full).unwrap(); // ok: test code, not built into fupin
        let path3 = dir.path().join("plain.xlsx");
        let plain = Limits {
            lines_per_sheet: LINES_PER_SHEET,
            constant_memory: 0,
        };
        save(&path3, &input, &plain).unwrap(); // ok: test code, not built into fupin
        for s in sheet_names(&path2) {
            assert_eq!(rows(&path2, &s), rows(&path3, &s), "{s}");
        }
    }

    #[test]
    fn scope_town_pools() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let c = campaign("[scale]\nscope = \"town\"\npolicy = \"skip\"\n");
        let path = write(dir.path(), "t.xlsx", &c, false);
        let s = rows(&path, "汇总");
        let h = header_row(&s, "村代码");
        assert_eq!(s[h][5], "规模池");
        // 乙村 and 丙村 share the pool of other villages: floor(110 × 5%) = 5.
        assert_eq!(s[h + 2][5..8], ["非重点村统筹", "5", "1"]);
        assert_eq!(s[h + 2][11], "");
        let p = header_row(&s, "规模池");
        assert_eq!(
            s[p + 1][..8],
            ["重点村统筹", "1", "20", "0.5", "10", "2", "7", "0.7"]
        );
        assert_eq!(
            s[p + 2][..7],
            ["非重点村统筹", "2", "110", "0.05", "5", "1", "2"]
        );
        // Under skip, 甲村 3 (4 persons) does not fit after 7 admitted.
        let v = rows(&path, "甲村");
        let h = header_row(&v, "排名");
        assert!(v[h + 3][10].contains("已纳入 7 人"), "{}", v[h + 3][10]);
        assert!(v[1][0].contains("全镇重点村统筹"), "{}", v[1][0]);
    }

    #[test]
    fn chinese_deprivations_match_the_register() {
        for i in 0..8u8 {
            let d = Deprivations {
                unsafe_housing: i & 1 != 0,
                illness_or_disability: i & 2 != 0,
                dropout: i & 4 != 0,
            };
            assert_eq!(reason::deprivations(d, Lang::Zh), d.label());
        }
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(0), "0");
        assert_eq!(Ctx::rate_text(500_000), "50%");
        assert_eq!(Ctx::rate_text(55_000), "5.5%");
    }
}
