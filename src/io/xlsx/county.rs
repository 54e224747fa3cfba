//! The county summary (县级汇总): a row per town with its households at the
//! first and last stage, the incidence and how its run ended, and a total.

use anyhow::Result;
use rust_xlsxwriter::{Format, FormatBorder};
use std::path::Path;

use super::common;
use crate::io::atomic;

/// One town's figures, or the county's total.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TownRow {
    pub name: String,
    pub villages: usize,
    pub population: u64,
    pub applicants: usize,
    pub admitted: usize,
    pub final_households: usize,
    pub final_persons: u64,
    pub status: String,
    pub detail: String,
}

/// The columns of `county-summary.csv`, in the order of [`TownRow::cells`].
pub const HEADER: [&str; 10] = [
    "town",
    "villages",
    "population",
    "applicants_households",
    "admitted_households",
    "final_households",
    "final_persons",
    "incidence_percent",
    "status",
    "detail",
];

const LABELS: [&str; 10] = [
    "乡镇",
    "村数",
    "人口",
    "申请户数",
    "初选纳入户数",
    "最终贫困户数",
    "最终贫困人口",
    "贫困发生率(%)",
    "状态",
    "说明",
];

impl TownRow {
    /// The row as text, the CSV's and the workbook's alike.
    pub fn cells(&self) -> [String; 10] {
        [
            self.name.clone(),
            self.villages.to_string(),
            self.population.to_string(),
            self.applicants.to_string(),
            self.admitted.to_string(),
            self.final_households.to_string(),
            self.final_persons.to_string(),
            incidence(self.final_persons, self.population),
            self.status.clone(),
            self.detail.clone(),
        ]
    }
}

fn incidence(persons: u64, population: u64) -> String {
    if population == 0 {
        String::new()
    } else {
        format!("{:.2}", persons as f64 * 100.0 / population as f64)
    }
}

/// `county-summary.xlsx`: the towns, then the total as 合计.
pub fn write_county_summary(
    path: &Path,
    year: i32,
    towns: &[TownRow],
    total: &TownRow,
) -> Result<()> {
    let mut wb = common::new_workbook(year);
    let ws = wb.add_worksheet();
    ws.set_name("县汇总")?;
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin);
    ws.merge_range(
        0,
        0,
        0,
        9,
        &format!("{year}年贫困户识别县级汇总"),
        &Format::new().set_bold().set_font_size(16),
    )?;
    for (c, l) in LABELS.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *l, &head)?;
    }
    let mut widths: Vec<usize> = LABELS.iter().map(|l| common::display_width(l)).collect();
    for (i, r) in towns.iter().chain(std::iter::once(total)).enumerate() {
        let row = i as u32 + 2;
        let mut c = r.cells();
        if i == towns.len() {
            c[0] = "合计".into();
        }
        for (j, v) in c.iter().enumerate() {
            widths[j] = widths[j].max(common::display_width(v));
            // The counts and the incidence are numbers a clerk may sum.
            if (1..=7).contains(&j) && !v.is_empty() {
                ws.write_number_with_format(row, j as u16, v.parse::<f64>().unwrap_or(0.0), &cell)?;
            } else {
                ws.write_string_with_format(row, j as u16, v, &cell)?;
            }
        }
    }
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, (*w).clamp(6, 60) as f64 * 1.1 + 2.0)?;
    }
    ws.set_freeze_panes(2, 1)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_footer("&C第 &P 页 共 &N 页");
    ws.set_print_fit_to_pages(1, 0);
    atomic::write_via_path(path, |tmp| Ok(wb.save(tmp)?))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::xlsx::read_back;

    fn town(name: &str, population: u64, final_persons: u64) -> TownRow {
        TownRow {
            name: name.into(),
            villages: 2,
            population,
            applicants: 30,
            admitted: 12,
            final_households: 10,
            final_persons,
            status: "done".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn incidence_is_a_percentage_and_blank_without_population() {
        assert_eq!(town("双河镇", 800, 37).cells()[7], "4.62");
        assert_eq!(town("双河镇", 0, 37).cells()[7], "");
    }

    #[test]
    fn the_total_row_reads_heji_and_the_counts_are_numbers() {
        let dir = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let path = dir.path().join("county-summary.xlsx");
        let total = TownRow {
            name: "total".into(),
            detail: "1 of 1 towns done".into(),
            ..town("", 800, 37)
        };
        write_county_summary(&path, 2016, &[town("双河镇", 800, 37)], &total).unwrap(); // ok: test code, not built into fupin
        let rows = read_back::rows(&path, "县汇总");
        assert_eq!(rows[0][0], "2016年贫困户识别县级汇总");
        assert_eq!(rows[1], LABELS.map(String::from).to_vec());
        assert_eq!(
            rows[2],
            [
                "双河镇",
                "2",
                "800",
                "30",
                "12",
                "10",
                "37",
                "4.62",
                "done",
                ""
            ]
        );
        assert_eq!(rows[3][0], "合计");
        assert_eq!(rows[3][9], "1 of 1 towns done");
    }
}
