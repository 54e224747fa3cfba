//! The printable notice of a round of publicity (DESIGN 2.7): one workbook
//! per village, a title, the table of households (number, head's name,
//! masked ID number, persons, and per-capita income when the campaign
//! shows it), then what the list is, the period, where and by when
//! objections go, the issuing body and the date. A4 portrait, one page
//! wide, the title and the table header on every printed page.
//!
//! Only what it is given is printed: the caller passes the head's name, the
//! masked number and the household size, never a member's details.

use anyhow::Result;
use rust_xlsxwriter::{ColNum, Format, FormatAlign, FormatBorder, RowNum, Worksheet};
use std::path::Path;

use super::common::{self, label, text};
use crate::domain::campaign::Lang;
use crate::domain::schedule::{en_date, zh_date, Period, Round};
use crate::io::atomic::write_via_path;

/// One household on a notice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoticeRow {
    pub household_id: String,
    pub head_name: String,
    /// The head's ID number, already masked.
    pub id_masked: String,
    pub size: u32,
    /// As the list gives it (two decimals); printed only when shown.
    pub per_capita_income: String,
}

/// Everything a notice says.
#[derive(Clone, Debug)]
pub struct Notice<'a> {
    pub round: Round,
    pub lang: Lang,
    pub year: i32,
    pub county: &'a str,
    pub town: &'a str,
    pub village: &'a str,
    /// The income standard at current prices, yuan per person per year.
    pub standard: i64,
    pub base_amount: i64,
    pub base_year: i32,
    pub period: Period,
    pub contact: &'a str,
    pub show_income: bool,
    pub rows: &'a [NoticeRow],
}

impl Notice<'_> {
    fn date(&self, d: chrono::NaiveDate) -> String {
        match self.lang {
            Lang::Zh => zh_date(d),
            Lang::En => en_date(d),
        }
    }

    /// `双河村贫困户识别第一次公示`, `孝直镇贫困户识别第二次公示（双河村）`,
    /// `平阴县贫困户识别公告（孝直镇双河村）`.
    pub fn title(&self) -> String {
        let (c, t, v) = (self.county, self.town, self.village);
        match (self.lang, self.round) {
            (Lang::Zh, Round::Village) => format!("{v}贫困户识别第一次公示"),
            (Lang::Zh, Round::Town) => format!("{t}贫困户识别第二次公示（{v}）"),
            (Lang::Zh, Round::County) => format!("{c}贫困户识别公告（{t}{v}）"),
            (Lang::En, Round::Village) => {
                format!("{v}: identification of poor households, first public notice")
            }
            (Lang::En, Round::Town) => format!(
                "{}: identification of poor households, second public notice ({v})",
                place(&[t])
            ),
            (Lang::En, Round::County) => format!(
                "{}: identification of poor households, announcement ({})",
                place(&[c]),
                place(&[v, t])
            ),
        }
    }

    /// The body that issues the notice.
    pub fn issuer(&self) -> String {
        let (c, t, v) = (self.county, self.town, self.village);
        match (self.lang, self.round) {
            (Lang::Zh, Round::Village) => format!("{v}村民委员会"),
            (Lang::Zh, Round::Town) => format!("{t}人民政府"),
            (Lang::Zh, Round::County) => format!("{c}扶贫开发领导小组办公室"),
            (Lang::En, Round::Village) => format!("{v} Villagers' Committee"),
            (Lang::En, Round::Town) => format!("People's Government of {}", place(&[t])),
            (Lang::En, Round::County) => format!(
                "Poverty Alleviation and Development Leading Group Office of {}",
                place(&[c])
            ),
        }
    }

    /// What the list is and how it was drawn up.
    pub fn intro(&self) -> String {
        let n = self.rows.len();
        let persons: u64 = self.rows.iter().map(|r| u64::from(r.size)).sum();
        let (y, s, b, by) = (self.year, self.standard, self.base_amount, self.base_year);
        let (t, c, v) = (self.town, self.county, self.village);
        match self.lang {
            Lang::Zh => {
                let standard =
                    format!("按照{y}年农民人均纯收入{s}元（{by}年不变价{b}元）的扶贫标准");
                let steps = match self.round {
                    Round::Village => "经农户申请、入户调查、村民代表大会民主评议".to_string(),
                    Round::Town => format!(
                        "经农户申请、入户调查、村民代表大会民主评议、村级公示和{t}人民政府审核"
                    ),
                    Round::County => {
                        format!("经农户申请、入户调查、民主评议、村镇两级公示和{c}复审")
                    }
                };
                let verb = match self.round {
                    Round::Village => "拟识别为贫困户，现予公示。",
                    Round::Town => "拟识别为贫困户，现予第二次公示。",
                    Round::County => "确定为贫困户，现予公告。",
                };
                if n == 0 {
                    let none = match self.round {
                        Round::County => "本次没有确定为贫困户的农户，特此公告。",
                        _ => "本次没有拟识别为贫困户的农户，特此公示。",
                    };
                    format!("　　{standard}，{steps}，{v}{none}")
                } else {
                    format!("　　以上{n}户{persons}人，{standard}，{steps}，{verb}")
                }
            }
            Lang::En => {
                let standard = format!(
                    "under the poverty standard of {s} yuan of net income per person in {y} ({b} yuan at {by} prices)"
                );
                let steps = match self.round {
                    Round::Village => {
                        "after application, household survey and appraisal by the villagers' representatives' meeting".to_string()
                    }
                    Round::Town => format!(
                        "after application, household survey, appraisal by the villagers' representatives' meeting, village publicity and review by the government of {}",
                        place(&[t])
                    ),
                    Round::County => format!(
                        "after application, household survey, appraisal, village and town publicity and review by {}",
                        place(&[c])
                    ),
                };
                let (verb, noun) = match self.round {
                    Round::County => ("identified", "announced"),
                    _ => ("proposed", "made public"),
                };
                let people = if persons == 1 { "person" } else { "persons" };
                match n {
                    0 => format!(
                        "{}, {steps}, no household of {v} is {verb} as poor at this stage; this is hereby {noun}.",
                        capitalise(&standard)
                    ),
                    1 => format!(
                        "The household listed above ({persons} {people}) is {verb} as a poor household {standard}, {steps}. The list is hereby {noun}."
                    ),
                    _ => format!(
                        "The {n} households ({persons} {people}) listed above are {verb} as poor households {standard}, {steps}. The list is hereby {noun}."
                    ),
                }
            }
        }
    }

    /// `公示期：2015年6月5日至2015年6月11日（共7天）`
    pub fn period_line(&self) -> String {
        let (s, e, n) = (
            self.date(self.period.start),
            self.date(self.period.end),
            self.period.days(),
        );
        match (self.lang, self.round) {
            (Lang::Zh, Round::County) => format!("　　公告期：{s}至{e}（共{n}天）"),
            (Lang::Zh, _) => format!("　　公示期：{s}至{e}（共{n}天）"),
            (Lang::En, Round::County) => format!("Announcement period: {s} to {e} ({n} days)"),
            (Lang::En, _) => format!("Publicity period: {s} to {e} ({n} days)"),
        }
    }

    /// Where and by when objections go.
    pub fn objection_line(&self) -> String {
        let to = if self.contact.trim().is_empty() {
            self.issuer()
        } else {
            self.contact.trim().to_string()
        };
        let end = self.date(self.period.end);
        match (self.lang, self.round) {
            (Lang::Zh, Round::County) => format!(
                "　　公告期间，任何单位和个人如有异议，可向{to}实名反映，截止{end}。"
            ),
            (Lang::Zh, _) => format!(
                "　　公示期间，任何单位和个人如有异议，可向{to}实名反映，截止{end}。"
            ),
            (Lang::En, _) => format!(
                "Anyone who objects to this list may say so, giving their name, to {to} until {end}."
            ),
        }
    }

    /// The date of issue: the first day of the period.
    pub fn issue_date(&self) -> String {
        self.date(self.period.start)
    }
}

/// Place names joined for English text, empty ones left out.
fn place(parts: &[&str]) -> String {
    let v: Vec<&str> = parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    v.join(", ")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Write the notice workbook to `path` (atomically, reproducibly).
pub fn write_notice(path: &Path, notice: &Notice) -> Result<()> {
    write_via_path(path, |tmp| {
        let mut wb = common::new_workbook(notice.year);
        let ws = wb.add_worksheet();
        fill(ws, notice)?;
        wb.save(tmp)?;
        Ok(())
    })
}

/// Points of body text: larger than a list, for a notice board.
const FONT: f64 = 12.0;
/// Height of one line of body text, Chinese included, in points.
const LINE: f64 = 20.0;
/// Height of one line of a wrapped paragraph, in points.
const PARA_LINE: f64 = 17.0;
/// The width the columns share, in character units: A4 portrait between
/// half-inch margins.
const PAGE_WIDTH: f64 = 92.0;

struct Fmts {
    title: Format,
    header: Format,
    center: Format,
    money: Format,
    para: Format,
    sign: Format,
}

fn formats(lang: Lang) -> Fmts {
    let (body_font, title_font) = match lang {
        Lang::Zh => (Some("宋体"), Some("黑体")),
        Lang::En => (None, None),
    };
    let base = |f: Format, name: Option<&str>| match name {
        Some(n) => f.set_font_name(n),
        None => f,
    };
    let cell = base(
        Format::new()
            .set_font_size(FONT)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter),
        body_font,
    );
    let plain = base(Format::new().set_font_size(FONT), body_font);
    Fmts {
        title: base(
            Format::new()
                .set_bold()
                .set_font_size(18)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            title_font,
        ),
        header: cell
            .clone()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_background_color(0xF2F2F2),
        center: cell
            .clone()
            .set_num_format("@")
            .set_align(FormatAlign::Center),
        money: cell
            .clone()
            .set_num_format("#,##0.00")
            .set_align(FormatAlign::Right)
            .set_indent(1),
        para: plain
            .clone()
            .set_text_wrap()
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::Top),
        sign: plain
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
    }
}

fn headers(lang: Lang, show_income: bool) -> Vec<&'static str> {
    let mut h = vec![
        label(lang, "序号", "No."),
        label(lang, "户编号", "Household no."),
        label(lang, "户主姓名", "Head of household"),
        label(lang, "身份证号", "ID number"),
        label(lang, "家庭人口", "Persons"),
    ];
    if show_income {
        h.push(label(lang, "人均纯收入（元）", "Per-capita income (yuan)"));
    }
    h
}

/// Column widths that fill the page: shares of [`PAGE_WIDTH`], widened
/// where the text needs more (fit-to-width then shrinks the page).
fn column_widths(notice: &Notice, headers: &[&str]) -> Vec<f64> {
    let shares: &[f64] = if notice.show_income {
        &[7.0, 12.0, 17.0, 26.0, 11.0, 19.0]
    } else {
        &[8.0, 14.0, 22.0, 32.0, 16.0]
    };
    let need = |s: &str| common::display_width(s) as f64 * 1.2 + 3.0;
    let scale = PAGE_WIDTH / shares.iter().sum::<f64>();
    let mut w: Vec<f64> = shares.iter().map(|s| s * scale).collect();
    for (i, h) in headers.iter().enumerate() {
        // Headers wrap onto two lines when they must.
        w[i] = w[i].max(need(h) / 2.0 + 2.0);
    }
    for r in notice.rows {
        let cells = [
            r.household_id.as_str(),
            r.head_name.as_str(),
            r.id_masked.as_str(),
        ];
        for (i, s) in cells.iter().enumerate() {
            w[i + 1] = w[i + 1].max(need(s).min(60.0));
        }
    }
    w
}

/// Lines a paragraph takes across the merged width `units`.
fn para_lines(s: &str, units: f64) -> usize {
    // A Chinese character of 12-point 宋体 takes 16 px (two display
    // columns), a unit about 7 px plus the cells' padding. Excel and WPS
    // fit fewer characters on a line than LibreOffice: estimate for them,
    // a little long, since a row too short hides the end of the text.
    let per_line = ((units * 7.0 + 20.0) / 8.0 * 0.95).max(1.0);
    s.split('\n')
        .map(|l| (common::display_width(l) as f64 / per_line).ceil().max(1.0) as usize)
        .sum()
}

fn merged(
    ws: &mut Worksheet,
    row: RowNum,
    last: ColNum,
    s: &str,
    fmt: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    ws.merge_range(row, 0, row, last, "", fmt)?;
    text(ws, row, 0, s, fmt)
}

fn fill(ws: &mut Worksheet, n: &Notice) -> Result<()> {
    let lang = n.lang;
    let f = formats(lang);
    let heads = headers(lang, n.show_income);
    let last = ColNum::try_from(heads.len() - 1)?;
    let widths = column_widths(n, &heads);
    let total: f64 = widths.iter().sum();
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(ColNum::try_from(i)?, *w)?;
    }
    ws.set_name(match n.round {
        Round::County => label(lang, "公告", "Announcement"),
        _ => label(lang, "公示", "Notice"),
    })?;

    let title = n.title();
    merged(ws, 0, last, &title, &f.title)?;
    ws.set_row_height(0, 30.0 * para_lines(&title, total * 0.66) as f64 + 12.0)?;
    for (i, h) in heads.iter().enumerate() {
        text(ws, 1, ColNum::try_from(i)?, h, &f.header)?;
    }
    ws.set_row_height(1, LINE * 1.4)?;

    let mut row: RowNum = 2;
    for (i, r) in n.rows.iter().enumerate() {
        ws.write_number_with_format(row, 0, (i + 1) as f64, &f.center)?;
        text(ws, row, 1, &r.household_id, &f.center)?;
        text(ws, row, 2, &r.head_name, &f.center)?;
        text(ws, row, 3, &r.id_masked, &f.center)?;
        ws.write_number_with_format(row, 4, f64::from(r.size), &f.center)?;
        if n.show_income {
            match r.per_capita_income.trim().replace(',', "").parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    ws.write_number_with_format(row, 5, x, &f.money)?;
                }
                _ => text(ws, row, 5, &r.per_capita_income, &f.money)?,
            };
        }
        ws.set_row_height(row, LINE)?;
        row += 1;
    }
    if n.rows.is_empty() {
        merged(ws, row, last, label(lang, "无", "None"), &f.center)?;
        ws.set_row_height(row, LINE)?;
        row += 1;
    } else {
        let persons: u64 = n.rows.iter().map(|r| u64::from(r.size)).sum();
        let households = match lang {
            Lang::Zh => format!("合计（{}户）", n.rows.len()),
            Lang::En => format!("Total ({} households)", n.rows.len()),
        };
        ws.merge_range(row, 0, row, 3, "", &f.center)?;
        text(ws, row, 0, &households, &f.center)?;
        ws.write_number_with_format(row, 4, persons as f64, &f.center)?;
        if n.show_income {
            ws.write_blank(row, 5, &f.center)?;
        }
        ws.set_row_height(row, LINE)?;
        row += 1;
    }

    row += 1; // a blank line after the table
    for s in [n.intro(), n.period_line(), n.objection_line()] {
        merged(ws, row, last, &s, &f.para)?;
        ws.set_row_height(row, PARA_LINE * para_lines(&s, total) as f64 + 6.0)?;
        row += 1;
    }
    row += 1;
    // The issuing body and the date, centred one above the other over the
    // right half of the page, where the seal goes.
    let from: ColNum = 3;
    for s in [n.issuer(), n.issue_date()] {
        ws.merge_range(row, from, row, last, "", &f.sign)?;
        text(ws, row, from, &s, &f.sign)?;
        ws.set_row_height(row, LINE)?;
        row += 1;
    }

    common::print_setup(ws, false, lang);
    common::fit_width(ws);
    ws.set_print_center_horizontally(true);
    ws.set_screen_gridlines(false);
    ws.set_repeat_rows(0, 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::parse_date;

    fn notice(round: Round, lang: Lang, rows: &[NoticeRow]) -> Notice<'_> {
        Notice {
            round,
            lang,
            year: 2015,
            county: "平阴县",
            town: "孝直镇",
            village: "双河村",
            standard: 3322,
            base_amount: 3000,
            base_year: 2010,
            period: Period::new(parse_date("2015-06-05").unwrap(), 7).unwrap(), // ok: test code, not built into fupin
            contact: "",
            show_income: false,
            rows,
        }
    }

    #[test]
    fn titles_and_issuers() {
        let n = notice(Round::Village, Lang::Zh, &[]);
        assert_eq!(n.title(), "双河村贫困户识别第一次公示");
        assert_eq!(n.issuer(), "双河村村民委员会");
        assert_eq!(
            n.period_line(),
            "　　公示期：2015年6月5日至2015年6月11日（共7天）"
        );
        assert!(n
            .objection_line()
            .contains("向双河村村民委员会实名反映，截止2015年6月11日"));
        assert!(n.intro().contains("双河村本次没有拟识别为贫困户的农户"));
        let n = notice(Round::Town, Lang::Zh, &[]);
        assert_eq!(n.title(), "孝直镇贫困户识别第二次公示（双河村）");
        assert_eq!(n.issuer(), "孝直镇人民政府");
        let n = notice(Round::County, Lang::Zh, &[]);
        assert_eq!(n.title(), "平阴县贫困户识别公告（孝直镇双河村）");
        assert_eq!(n.issuer(), "平阴县扶贫开发领导小组办公室");
        assert!(n.period_line().starts_with("　　公告期："));
        let rows = [NoticeRow {
            size: 3,
            ..Default::default()
        }];
        let n = notice(Round::County, Lang::En, &rows);
        assert_eq!(
            n.title(),
            "平阴县: identification of poor households, announcement (双河村, 孝直镇)"
        );
        assert!(n
            .intro()
            .starts_with("The household listed above (3 persons) is"));
        assert_eq!(n.issue_date(), "5 June 2015");
    }
}
