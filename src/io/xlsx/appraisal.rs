//! `out/appraisal-record.xlsx`: the printable record of each village's
//! villager representatives' meeting (村民代表会议民主评议记录), one sheet per
//! village, A4 portrait: the meeting and its quorum, the votes on each
//! household, the counts, and lines for the chair's and recorder's
//! signatures.

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ColNum, Color, Format, FormatAlign, FormatBorder, RowNum, Worksheet};
use std::path::Path;

use super::common::{self, label, text, Formats, SheetNames};
use crate::domain::appraisal::{thousands, votes_needed, Outcome, Quorum, Votes};
use crate::domain::campaign::{Campaign, Lang};
use crate::io::atomic::write_via_path;

/// One village's meeting as the record shows it.
#[derive(Clone, Debug)]
pub struct RecordSheet {
    pub village: String,
    pub date: NaiveDate,
    pub present: u32,
    /// 主持人 and 记录人 when the meeting sheet names them.
    pub chair: String,
    pub recorder: String,
    pub quorum: Quorum,
    /// Error findings against the village's sheets (the quorum aside).
    pub errors: usize,
    /// The households appraised; empty when the appraisal did not stand.
    pub lines: Vec<RecordLine>,
    /// Admitted households of the village.
    pub admitted: usize,
}

/// One household of the record.
#[derive(Clone, Debug)]
pub struct RecordLine {
    /// Blank on the record for a household without a rank.
    pub rank: Option<u32>,
    pub household_id: String,
    pub head_name: String,
    pub size: u32,
    pub votes: Votes,
    pub outcome: Outcome,
}

impl RecordSheet {
    /// Whether the meeting's result stands: quorum met and no error.
    pub fn valid(&self) -> bool {
        self.quorum.met(self.present) && self.errors == 0
    }
}

const COLS: ColNum = 8;
/// Rows of the record are a little taller than Excel's default: it is
/// read on paper and signed.
const ROW_HEIGHT: f64 = 20.0;
const LAST: ColNum = COLS - 1;
/// Widths of the columns, in character units (about 76 in all: one A4
/// page wide in portrait at 100 %).
const WIDTHS: [f64; COLS as usize] = [7.0, 10.0, 13.0, 9.0, 8.0, 8.0, 8.0, 13.0];

struct Fmts {
    base: Formats,
    label: Format,
    value: Format,
    value_wrap: Format,
    bad: Format,
    subtitle: Format,
    note: Format,
    sign_label: Format,
    sign_line: Format,
}

impl Fmts {
    fn new() -> Fmts {
        let base = Formats::new();
        let value = base.cell.clone().set_align(FormatAlign::Left).set_indent(1);
        Fmts {
            label: base
                .cell
                .clone()
                .set_bold()
                .set_background_color(0xF2F2F2)
                .set_align(FormatAlign::Center),
            value_wrap: value.clone().set_text_wrap(),
            bad: value
                .clone()
                .set_text_wrap()
                .set_bold()
                .set_font_color(Color::RGB(0xC00000)),
            value,
            subtitle: Format::new().set_align(FormatAlign::Center),
            note: Format::new()
                .set_text_wrap()
                .set_bold()
                .set_font_color(Color::RGB(0xC00000))
                .set_align(FormatAlign::Top),
            sign_label: Format::new()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::Bottom),
            sign_line: Format::new()
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::Bottom),
            base,
        }
    }
}

/// Write the record of every meeting to `path`.
pub fn write_record(path: &Path, sheets: &[RecordSheet], campaign: &Campaign) -> Result<()> {
    write_via_path(path, |tmp| {
        let fmts = Fmts::new();
        let lang = campaign.output.lang;
        let mut wb = common::new_workbook(campaign.campaign.year);
        let mut names = SheetNames::new();
        for s in sheets {
            let ws = wb.add_worksheet();
            ws.set_name(names.unique(&s.village))?;
            write_sheet(ws, s, campaign, &fmts)?;
        }
        if sheets.is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name(label(lang, "说明", "Note"))?;
            text(
                ws,
                0,
                0,
                label(
                    lang,
                    "没有村民代表会议的记录",
                    "No villager representatives' meeting was recorded",
                ),
                &Format::new(),
            )?;
        }
        wb.save(tmp)?;
        Ok(())
    })
}

fn title(lang: Lang, village: &str) -> String {
    match lang {
        Lang::Zh => format!("{village}村民代表会议民主评议记录"),
        Lang::En => format!("{village}: record of the representatives' appraisal meeting"),
    }
}

fn subtitle(campaign: &Campaign) -> String {
    let c = &campaign.campaign;
    let place = format!("{}{}", c.county.trim(), c.town.trim());
    match campaign.output.lang {
        Lang::Zh => format!("{place}{}年扶贫对象精准识别", c.year),
        Lang::En => {
            let place: Vec<&str> = [c.town.trim(), c.county.trim()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            format!(
                "Precise identification of poor households, {} {}",
                place.join(", "),
                c.year
            )
        }
    }
}

fn date_text(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

fn persons(lang: Lang, n: impl std::fmt::Display) -> String {
    match lang {
        Lang::Zh => format!("{n} 人"),
        Lang::En => n.to_string(),
    }
}

/// The quorum rule in the workbook's language.
fn quorum_text(lang: Lang, q: &Quorum) -> String {
    let large = thousands(u64::from(q.large_village));
    let n = q.by_population;
    let pop = match (lang, q.large()) {
        (Lang::Zh, false) => format!("人口不足 {large} 人的村，到会代表不少于 {n} 人"),
        (Lang::Zh, true) => format!("人口 {large} 人及以上的村，到会代表不少于 {n} 人"),
        (Lang::En, false) => format!("a village under {large} people needs {n} present"),
        (Lang::En, true) => format!("a village of {large} people or more needs {n} present"),
    };
    match (lang, q.two_thirds) {
        (Lang::Zh, None) => format!("{pop}。"),
        (Lang::En, None) => format!("{pop}."),
        (Lang::Zh, Some((reps, need))) => format!(
            "{pop}；且不少于村民代表 {reps} 人的三分之二，即 {need} 人。应到会不少于 {} 人。",
            q.required
        ),
        (Lang::En, Some((reps, need))) => format!(
            "{pop}, and two thirds of the {reps} representatives, {need}, must be present: at least {} in all.",
            q.required
        ),
    }
}

fn verdict_text(lang: Lang, s: &RecordSheet) -> String {
    let (p, r) = (s.present, s.quorum.required);
    match (lang, s.quorum.met(p)) {
        (Lang::Zh, true) => format!("达到（到会 {p} 人，应到会不少于 {r} 人），会议有效"),
        (Lang::Zh, false) => format!("未达到（到会 {p} 人，应到会不少于 {r} 人），会议无效"),
        (Lang::En, true) => format!("met ({p} present, {r} needed): the meeting is valid"),
        (Lang::En, false) => {
            format!("not met ({p} present, {r} needed): the meeting is invalid")
        }
    }
}

/// Why the village's result does not stand, for the clerk.
fn void_note(lang: Lang, s: &RecordSheet) -> String {
    let n = s.admitted;
    match (lang, s.quorum.met(s.present)) {
        (Lang::Zh, false) => format!(
            "本次会议未达到法定人数，评议无效：本村初选名单 {n} 户须重新召开村民代表会议评议。"
        ),
        (Lang::En, false) => format!(
            "The meeting did not have its quorum and its votes do not count: the village's {n} households on the primary list must be appraised by a new meeting."
        ),
        (Lang::Zh, true) => format!(
            "评议表有 {} 处错误（见 out/appraisal-findings.csv），本村初选名单 {n} 户的评议结果暂不成立；改正评议表后重新运行 fupin appraise。",
            s.errors
        ),
        (Lang::En, true) => format!(
            "The vote sheets hold {} errors (see out/appraisal-findings.csv): the result for the village's {n} households on the primary list stands only once they are corrected and fupin appraise is run again.",
            s.errors
        ),
    }
}

/// Height of a merged cell of `cols` columns holding `s`.
fn merged_height(s: &str, from: ColNum, to: ColNum) -> f64 {
    let width: f64 = WIDTHS[usize::from(from)..=usize::from(to)].iter().sum();
    (common::lines_height(common::wrapped_lines(s, width)) + 5.0).max(ROW_HEIGHT)
}

fn pair(
    ws: &mut Worksheet,
    row: RowNum,
    (from, to): (ColNum, ColNum),
    key: &str,
    value: &str,
    fmts: &Fmts,
    value_fmt: &Format,
) -> Result<()> {
    ws.merge_range(row, from, row, from + 1, key, &fmts.label)?;
    ws.merge_range(row, from + 2, row, to, value, value_fmt)?;
    ws.set_row_height(row, ROW_HEIGHT)?;
    Ok(())
}

fn write_sheet(ws: &mut Worksheet, s: &RecordSheet, c: &Campaign, fmts: &Fmts) -> Result<()> {
    let lang = c.output.lang;
    let l = |zh: &'static str, en: &'static str| label(lang, zh, en);
    for (i, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(ColNum::try_from(i)?, *w)?;
    }
    ws.merge_range(0, 0, 0, LAST, &title(lang, &s.village), &fmts.base.title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(1, 0, 1, LAST, &subtitle(c), &fmts.subtitle)?;

    let mut row: RowNum = 3;
    let reps = match s.quorum.two_thirds {
        Some((r, _)) => persons(lang, r),
        None => l("未登记", "not in the roster").to_string(),
    };
    let mut halves = vec![
        [
            (l("会议日期", "Date"), date_text(lang, s.date)),
            (l("到会代表", "Present"), persons(lang, s.present)),
        ],
        [
            (l("村民代表", "Representatives"), reps),
            (
                l("全村人口", "Population"),
                persons(lang, thousands(s.quorum.population)),
            ),
        ],
    ];
    if !s.chair.is_empty() || !s.recorder.is_empty() {
        halves.push([
            (l("主持人", "Chair"), s.chair.clone()),
            (l("记录人", "Recorder"), s.recorder.clone()),
        ]);
    }
    for [(k1, v1), (k2, v2)] in &halves {
        pair(ws, row, (0, 3), k1, v1, fmts, &fmts.value)?;
        pair(ws, row, (4, LAST), k2, v2, fmts, &fmts.value)?;
        row += 1;
    }
    let need = votes_needed(s.present);
    let rule = match lang {
        Lang::Zh => format!("赞成票超过到会代表人数的一半（至少 {need} 票）为通过"),
        Lang::En => {
            format!("passed when more than half of those present vote for (at least {need})")
        }
    };
    let met = s.quorum.met(s.present);
    let wide = [
        (l("法定人数", "Quorum"), quorum_text(lang, &s.quorum), true),
        (l("是否有效", "Quorum met"), verdict_text(lang, s), met),
        (l("表决规则", "Majority"), rule, true),
    ];
    for (key, value, good) in &wide {
        let f = if *good { &fmts.value_wrap } else { &fmts.bad };
        pair(ws, row, (0, LAST), key, value, fmts, f)?;
        ws.set_row_height(row, merged_height(value, 2, LAST))?;
        row += 1;
    }
    row += 1;

    if s.valid() {
        row = households(ws, row, s, lang, fmts)?;
    } else if s.admitted > 0 || s.errors > 0 {
        let note = void_note(lang, s);
        ws.merge_range(row, 0, row, LAST, &note, &fmts.note)?;
        ws.set_row_height(row, merged_height(&note, 0, LAST))?;
        row += 2;
    }

    // Signatures.
    row += 1;
    ws.set_row_height(row, 28)?;
    let signers = [
        (0, l("主持人（签字）：", "Chair (signature):")),
        (4, l("记录人（签字）：", "Recorder (signature):")),
    ];
    for (col, key) in signers {
        ws.merge_range(row, col, row, col + 1, key, &fmts.sign_label)?;
        ws.merge_range(row, col + 2, row, col + 3, "", &fmts.sign_line)?;
    }
    row += 2;
    ws.set_row_height(row, 28)?;
    ws.merge_range(row, 4, row, 5, l("日期：", "Date:"), &fmts.sign_label)?;
    let blank_date = l("        年     月     日", "");
    ws.merge_range(row, 6, row, LAST, blank_date, &fmts.sign_line)?;

    common::print_setup(ws, false, lang);
    common::fit_width(ws);
    ws.set_print_center_horizontally(true);
    // Each village's record is printed and signed on its own: its pages
    // count from 1, and the footer does not give a page total, which
    // LibreOffice would count over the whole workbook.
    ws.set_print_first_page_number(1);
    let village = common::header_footer_text(&s.village);
    ws.set_footer(match lang {
        Lang::Zh => format!("&L{village}&C第 &P 页"),
        Lang::En => format!("&L{village}&CPage &P"),
    });
    Ok(())
}

/// The table of households and the counts under it; returns the next row.
fn households(
    ws: &mut Worksheet,
    mut row: RowNum,
    s: &RecordSheet,
    lang: Lang,
    fmts: &Fmts,
) -> Result<RowNum> {
    let heads = match lang {
        Lang::Zh => [
            "排序",
            "户编号",
            "户主姓名",
            "家庭人口",
            "赞成",
            "反对",
            "弃权",
            "结果",
        ],
        Lang::En => [
            "Rank",
            "Household",
            "Head",
            "Persons",
            "For",
            "Against",
            "Abstain",
            "Result",
        ],
    };
    for (i, h) in heads.iter().enumerate() {
        text(ws, row, ColNum::try_from(i)?, h, &fmts.base.header)?;
    }
    ws.set_repeat_rows(row, row)?;
    row += 1;
    let f = &fmts.base;
    let id = f.text.clone().set_align(FormatAlign::Center);
    let num = f.int.clone().set_align(FormatAlign::Center);
    let name = f.cell.clone().set_indent(1);
    let failed = f
        .center
        .clone()
        .set_bold()
        .set_font_color(Color::RGB(0xC00000));
    let (mut passed_h, mut passed_p, mut failed_h, mut failed_p, mut all_p) = (0, 0, 0, 0, 0);
    for line in &s.lines {
        ws.set_row_height(row, 18)?;
        let rank = line.rank.map(|r| r.to_string()).unwrap_or_default();
        text(ws, row, 0, &rank, &f.center)?;
        text(ws, row, 1, &line.household_id, &id)?;
        text(ws, row, 2, &line.head_name, &name)?;
        ws.write_number_with_format(row, 3, f64::from(line.size), &num)?;
        ws.write_number_with_format(row, 4, f64::from(line.votes.for_), &num)?;
        ws.write_number_with_format(row, 5, f64::from(line.votes.against), &num)?;
        ws.write_number_with_format(row, 6, f64::from(line.votes.abstain), &num)?;
        let result = match lang {
            Lang::Zh => line.outcome.zh(),
            Lang::En => line.outcome.en(),
        };
        let fmt = if line.outcome == Outcome::Passed {
            &f.center
        } else {
            &failed
        };
        text(ws, row, 7, result, fmt)?;
        all_p += line.size;
        if line.outcome == Outcome::Passed {
            passed_h += 1;
            passed_p += line.size;
        } else {
            failed_h += 1;
            failed_p += line.size;
        }
        row += 1;
    }
    let counts = match lang {
        Lang::Zh => format!(
            "共评议 {} 户 {all_p} 人：通过 {passed_h} 户 {passed_p} 人，未通过 {failed_h} 户 {failed_p} 人。",
            s.lines.len()
        ),
        Lang::En => format!(
            "{} households ({all_p} persons) appraised: {passed_h} passed ({passed_p} persons), {failed_h} failed ({failed_p} persons).",
            s.lines.len()
        ),
    };
    ws.merge_range(row, 0, row, LAST, &counts, &f.para)?;
    ws.set_row_height(row, merged_height(&counts, 0, LAST))?;
    Ok(row + 2)
}
