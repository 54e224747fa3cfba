//! The town summary (乡镇汇总表, DESIGN 2.8): a row per roster village with
//! the households at every stage, the final households and persons and the
//! incidence; the town's classified statistics; two charts.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartType, ColNum, Format, FormatAlign, RowNum, Worksheet,
};

use super::common::{self, label, text, Formats, Widths};
use super::registration::{self, place, tables};
use crate::domain::campaign::Lang;
use crate::domain::money::Fen;
use crate::domain::statistics::{Dimension, Statistics};
use crate::io::atomic::write_via_path;

/// One village of the roster.
#[derive(Clone, Debug, Default)]
pub struct SummaryRow {
    pub code: String,
    pub name: String,
    pub population: u64,
    pub key: bool,
    /// The quota of the village's pool, when the primary list gives it.
    pub quota: Option<u64>,
    /// The pool the quota belongs to (the village, or `key` / `other`).
    pub pool: String,
    /// Households in the register (applicants).
    pub applicants: u64,
    /// Households admitted to the primary list.
    pub admitted: u64,
    /// Households that passed the appraisal, once it has been held.
    pub appraised: Option<u64>,
    /// Households kept after the village, town and county reviews.
    pub reviews: [Option<u64>; 3],
    pub final_households: u64,
    pub final_persons: u64,
}

/// The whole summary.
#[derive(Clone, Debug, Default)]
pub struct TownSummary {
    pub county: String,
    pub town: String,
    pub year: i32,
    pub standard: i64,
    pub rows: Vec<SummaryRow>,
    pub stats: Statistics,
}

const HEADERS_ZH: [&str; 14] = [
    "村代码",
    "村名",
    "人口",
    "重点村",
    "规模控制\n指标（人）",
    "申请\n户数",
    "初选\n户数",
    "民主评议\n通过户数",
    "村级公示\n后户数",
    "镇级复审\n后户数",
    "县级复审\n后户数",
    "贫困\n户数",
    "贫困\n人口",
    "贫困\n发生率",
];
const HEADERS_EN: [&str; 14] = [
    "Code",
    "Village",
    "Population",
    "Key\nvillage",
    "Quota\n(persons)",
    "Applicant\nhouseholds",
    "Admitted\nhouseholds",
    "Passed\nappraisal",
    "After\nvillage\nreview",
    "After\ntown\nreview",
    "After\ncounty\nreview",
    "Poor\nhouseholds",
    "Poor\npersons",
    "Incidence",
];

/// Column of the final poor persons, for the chart.
const PERSONS: ColNum = 12;
const FIRST_ROW: RowNum = 3;

pub fn write_summary(path: &Path, s: &TownSummary, lang: Lang) -> Result<()> {
    write_via_path(path, |tmp| {
        let mut wb = registration::new_workbook(s.year)?;
        let formats = registration::formats();
        let place = place(lang, &[&s.county, &s.town]);
        let header = format!(
            "&L{}&R{}",
            common::header_footer_text(&place),
            common::header_footer_text(&format!(
                "{} {}",
                s.year,
                label(lang, "建档立卡汇总", "registration summary")
            ))
        );
        let summary_name = label(lang, "汇总", "Summary");
        let ws = wb.add_worksheet();
        ws.set_name(summary_name)?;
        write_table(ws, s, &place, lang, &formats)?;
        ws.set_header(&header);

        let ws = wb.add_worksheet();
        let stats_name = label(lang, "分类统计", "Statistics");
        ws.set_name(stats_name)?;
        let title = match lang {
            Lang::Zh => format!("{place} {}年贫困户分类统计", s.year),
            Lang::En => format!("{place}: classified statistics {}", s.year),
        };
        let placed = tables::write_sheet(ws, &title, &s.stats, lang, &formats)?;
        common::print_setup(ws, true, lang);
        ws.set_print_fit_to_pages(1, 1);
        ws.set_header(&header);

        let ws = wb.add_worksheet();
        ws.set_name(label(lang, "图表", "Charts"))?;
        let n = RowNum::try_from(s.rows.len())?;
        let mut persons = Chart::new(ChartType::Column);
        persons
            .add_series()
            .set_name(label(lang, "贫困人口", "Poor persons"))
            .set_categories((summary_name, FIRST_ROW, 1, FIRST_ROW + n.max(1) - 1, 1))
            .set_values((
                summary_name,
                FIRST_ROW,
                PERSONS,
                FIRST_ROW + n.max(1) - 1,
                PERSONS,
            ))
            .set_data_label(ChartDataLabel::new().show_value());
        persons
            .title()
            .set_name(label(lang, "各村贫困人口", "Poor persons by village"));
        persons.legend().set_hidden();
        persons.set_width(960).set_height(300);
        ws.insert_chart(0, 0, &persons)?;
        if let Some(p) = placed.iter().find(|p| p.dimension == Dimension::MainCause) {
            let last = p.first_row + p.rows.max(1) - 1;
            let mut causes = Chart::new(ChartType::Column);
            causes
                .add_series()
                .set_name(label(lang, "贫困户数", "Poor households"))
                .set_categories((stats_name, p.first_row, p.col, last, p.col))
                .set_values((stats_name, p.first_row, p.col + 1, last, p.col + 1))
                .set_data_label(ChartDataLabel::new().show_value());
            causes.title().set_name(label(
                lang,
                "按主要致贫原因分户数",
                "Households by main cause of poverty",
            ));
            causes.legend().set_hidden();
            causes.set_width(960).set_height(300);
            // Below the first chart: rows of 17 pixels.
            ws.insert_chart(19, 0, &causes)?;
        }
        common::print_setup(ws, true, lang);
        ws.set_print_fit_to_pages(1, 1);
        ws.set_header(&header);
        wb.save(tmp)?;
        Ok(())
    })
}

fn opt(ws: &mut Worksheet, r: RowNum, c: ColNum, v: Option<u64>, f: &Format) -> Result<()> {
    match v {
        Some(n) => ws.write_number_with_format(r, c, n as f64, f)?,
        None => ws.write_blank(r, c, f)?,
    };
    Ok(())
}

fn write_table(
    ws: &mut Worksheet,
    s: &TownSummary,
    place: &str,
    lang: Lang,
    formats: &Formats,
) -> Result<()> {
    let heads = match lang {
        Lang::Zh => HEADERS_ZH,
        Lang::En => HEADERS_EN,
    };
    let last: ColNum = 13;
    let title = match lang {
        Lang::Zh => format!("{place} {}年贫困户建档立卡汇总表", s.year),
        Lang::En => format!("{place}: poor household registration summary {}", s.year),
    };
    ws.set_row_height(0, 30.0)?;
    ws.merge_range(0, 0, 0, last, "", &formats.title)?;
    text(ws, 0, 0, &title, &formats.title)?;
    let sub = match lang {
        Lang::Zh => format!(
            "现行扶贫标准：{} 元/人·年",
            Fen::from_yuan(s.standard).grouped_yuan()
        ),
        Lang::En => format!(
            "Current standard: {} yuan per person per year",
            Fen::from_yuan(s.standard).grouped_yuan()
        ),
    };
    let centre = registration::plain().set_align(FormatAlign::Center);
    ws.merge_range(1, 0, 1, last, "", &centre)?;
    text(ws, 1, 0, &sub, &centre)?;

    let mut widths = Widths::with_limits(7.0, 24.0);
    ws.set_row_height(2, 48.0)?;
    for (c, h) in heads.iter().enumerate() {
        let c = ColNum::try_from(c)?;
        widths.text(ws, 2, c, h, &formats.header)?;
    }
    let pct = formats.cell.clone().set_num_format("0.00%");
    let pct_total = formats.total.clone().set_num_format("0.00%");
    let mut r = FIRST_ROW;
    let mut pools: Vec<(&str, u64)> = Vec::new();
    let mut sums = [0u64; 8];
    let mut seen = [false; 4];
    for v in &s.rows {
        ws.set_row_height(r, 20.0)?;
        widths.text(ws, r, 0, &v.code, &formats.text)?;
        widths.text(ws, r, 1, &v.name, &formats.cell)?;
        ws.write_number_with_format(r, 2, v.population as f64, &formats.int)?;
        let key = if v.key {
            label(lang, "是", "yes")
        } else {
            label(lang, "否", "no")
        };
        text(ws, r, 3, key, &formats.center)?;
        opt(ws, r, 4, v.quota, &formats.int)?;
        if let Some(q) = v.quota {
            if !pools.iter().any(|(p, _)| *p == v.pool) {
                pools.push((v.pool.as_str(), q));
            }
        }
        let stages = [Some(v.applicants), Some(v.admitted), v.appraised]
            .into_iter()
            .chain(v.reviews);
        for (i, n) in stages.enumerate() {
            opt(ws, r, 5 + i as ColNum, n, &formats.int)?;
            if i >= 2 && n.is_some() {
                seen[i - 2] = true;
            }
        }
        ws.write_number_with_format(r, 11, v.final_households as f64, &formats.int)?;
        ws.write_number_with_format(r, PERSONS, v.final_persons as f64, &formats.int)?;
        match share(v.final_persons, v.population) {
            Some(x) => ws.write_number_with_format(r, 13, x, &pct)?,
            None => ws.write_blank(r, 13, &pct)?,
        };
        let vals = [
            v.population,
            v.applicants,
            v.admitted,
            v.appraised.unwrap_or(0),
            v.reviews[0].unwrap_or(0),
            v.reviews[1].unwrap_or(0),
            v.reviews[2].unwrap_or(0),
            v.final_households,
        ];
        for (a, b) in sums.iter_mut().zip(vals) {
            *a += b;
        }
        r += 1;
    }
    // Totals: a quota shared by a pool of villages counts once.
    let persons: u64 = s.rows.iter().map(|v| v.final_persons).sum();
    ws.set_row_height(r, 20.0)?;
    ws.merge_range(r, 0, r, 1, "", &formats.total)?;
    text(ws, r, 0, label(lang, "合计", "Total"), &formats.total)?;
    ws.write_number_with_format(r, 2, sums[0] as f64, &formats.total_int)?;
    let keys = s.rows.iter().filter(|v| v.key).count() as u64;
    text(
        ws,
        r,
        3,
        &match lang {
            Lang::Zh => format!("{keys} 个"),
            Lang::En => keys.to_string(),
        },
        &formats.total,
    )?;
    let quota = (!pools.is_empty()).then(|| pools.iter().map(|(_, q)| q).sum());
    opt(ws, r, 4, quota, &formats.total_int)?;
    for i in 0..6 {
        let shown = i < 2 || seen[i - 2];
        opt(
            ws,
            r,
            5 + i as ColNum,
            shown.then_some(sums[i + 1]),
            &formats.total_int,
        )?;
    }
    ws.write_number_with_format(r, 11, sums[7] as f64, &formats.total_int)?;
    ws.write_number_with_format(r, PERSONS, persons as f64, &formats.total_int)?;
    match share(persons, sums[0]) {
        Some(x) => ws.write_number_with_format(r, 13, x, &pct_total)?,
        None => ws.write_blank(r, 13, &pct_total)?,
    };
    r += 1;
    let shared = pools.len() < s.rows.iter().filter(|v| v.quota.is_some()).count();
    let note = match (lang, shared) {
        (Lang::Zh, true) => "注：贫困发生率 = 贫困人口 ÷ 人口。规模控制指标按全镇统筹，同一指标池的各村显示该池的指标，合计中只计一次。",
        (Lang::Zh, false) => "注：贫困发生率 = 贫困人口 ÷ 人口。空白表示该环节尚未进行。",
        (Lang::En, true) => "Incidence = poor persons / population. Quotas are pooled over the town: each village shows its pool's quota, counted once in the total.",
        (Lang::En, false) => "Incidence = poor persons / population. A blank cell: that stage has not been held.",
    };
    r += 1;
    ws.merge_range(r, 0, r, last, "", &registration::plain())?;
    text(ws, r, 0, note, &registration::plain())?;

    widths.at_least(1, 8);
    widths.apply(ws)?;
    ws.set_freeze_panes(FIRST_ROW, 2)?;
    common::print_setup(ws, true, lang);
    common::fit_width(ws);
    ws.set_repeat_rows(2, 2)?;
    Ok(())
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}
