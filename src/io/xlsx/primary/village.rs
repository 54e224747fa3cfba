//! One sheet of households: a village of the roster (or part of one), or
//! the households whose village is not in the roster. Written row by row in
//! order, so it works on a constant-memory sheet.

use anyhow::Result;
use rust_xlsxwriter::{ColNum, ConditionalFormatFormula, Format, FormatAlign, RowNum, Worksheet};

use super::context::{Ctx, DECISIONS};
use super::reason;
use crate::domain::campaign::Lang;
use crate::domain::screen::Decision;
use crate::io::xlsx::common::{self, display_width, text, Widths};

/// What one sheet shows.
pub(super) struct Sheet<'a> {
    /// The title, provisional mark included.
    pub title: String,
    /// The facts line under the title.
    pub info: String,
    /// Indices into the list's lines, in the order to show them.
    pub lines: &'a [usize],
    /// The sheet of households whose village is not in the roster: it shows
    /// the village as written and neither rank nor cumulative persons.
    pub unplaced: bool,
    /// The village, for the page header.
    pub page_name: &'a str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Rank,
    Village,
    Id,
    Head,
    Size,
    Net,
    Basis,
    PerCapita,
    Deps,
    Cum,
    Decision,
    Reason,
}

use Col::*;

const PLACED: [Col; 11] = [
    Rank, Id, Head, Size, Net, Basis, PerCapita, Deps, Cum, Decision, Reason,
];
const UNPLACED: [Col; 10] = [
    Village, Id, Head, Size, Net, Basis, PerCapita, Deps, Decision, Reason,
];

/// Rows a little taller than Excel's 15 points, for Chinese text.
pub(super) const ROW_HEIGHT: f64 = 18.0;

/// The widest the 说明 column gets; longer reasons wrap.
const REASON_CAP: f64 = 44.0;

impl Col {
    fn header(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Rank => ("排名", "Rank"),
            Village => ("所填村名", "Village as written"),
            Id => ("户编号", "Household no."),
            Head => ("户主姓名", "Head of household"),
            Size => ("家庭人口", "Persons"),
            Net => ("家庭年纯收入（元）", "Net income (yuan)"),
            Basis => ("收入依据", "Income basis"),
            PerCapita => ("人均纯收入（元）", "Per capita (yuan)"),
            Deps => ("致贫条件", "Deprivations"),
            Cum => ("累计纳入人数", "Cumulative persons"),
            Decision => ("结果", "Decision"),
            Reason => ("说明", "Reason"),
        };
        common::label(lang, zh, en)
    }
}

impl Col {
    /// The format of the column's data cells: alignment and number format;
    /// borders come from conditional formats limited to the table.
    fn format(self) -> Format {
        let f = Format::new().set_align(FormatAlign::VerticalCenter);
        match self {
            Net | PerCapita => f.set_num_format("#,##0.00"),
            Rank | Size | Cum => f.set_align(FormatAlign::Center).set_num_format("0"),
            Id => f.set_align(FormatAlign::Center).set_num_format("@"),
            Reason => f.set_text_wrap(),
            Village | Head | Basis | Deps | Decision => f.set_align(FormatAlign::Center),
        }
    }
}

fn decision_label(d: Decision, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => d.zh(),
        Lang::En => d.en(),
    }
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Display width of an amount of fen in `#,##0.00`.
fn money_width(max_abs: u64, negative: bool) -> usize {
    let yuan = digits(max_abs / 100);
    yuan + (yuan - 1) / 3 + 3 + usize::from(negative)
}

fn col_num(i: usize) -> Result<ColNum> {
    Ok(ColNum::try_from(i)?)
}

/// Write one sheet of households.
pub(super) fn write(ws: &mut Worksheet, ctx: &Ctx, sheet: &Sheet) -> Result<()> {
    let lang = ctx.lang;
    let cols: &[Col] = if sheet.unplaced { &UNPLACED } else { &PLACED };
    let last = col_num(cols.len() - 1)?;
    // The column of `c`, when the sheet has it.
    let at = |c: Col| {
        cols.iter()
            .position(|&x| x == c)
            .and_then(|i| ColNum::try_from(i).ok())
    };
    let lines = &ctx.input.list.lines;
    let basis = [ctx.l("申报", "declared"), ctx.l("核实", "verified")];

    // Widths first, in one pass over the lines: a constant-memory sheet
    // cannot look back.
    let mut w = Widths::new();
    let (reason_col, decision_col) = match (at(Reason), at(Decision)) {
        (Some(r), Some(d)) => (r, d),
        _ => anyhow::bail!("a household sheet needs its reason and decision columns"),
    };
    let (id_col, head_col, deps_col, village_col) = (at(Id), at(Head), at(Deps), at(Village));
    w.cap(reason_col, REASON_CAP);
    let (mut max_rank, mut max_size, mut max_cum, mut max_money, mut negative) =
        (0u64, 0u64, 0u64, 0u64, false);
    let mut reason_full = false;
    for &i in sheet.lines {
        let Some(l) = lines.get(i) else { continue };
        let h = &l.household;
        max_rank = max_rank.max(u64::from(l.rank.unwrap_or(0)));
        max_size = max_size.max(u64::from(h.size));
        max_cum = max_cum.max(l.cumulative_persons.unwrap_or(0));
        for m in [l.net_income, l.per_capita()].into_iter().flatten() {
            max_money = max_money.max(m.0.unsigned_abs());
            negative |= m.0 < 0;
        }
        for (col, s) in [
            (id_col, h.household_id.as_str()),
            (head_col, h.head_name.as_str()),
            (village_col, h.village_name.as_str()),
            (deps_col, reason::deprivations(h.deprivations, lang)),
        ] {
            if let Some(col) = col {
                w.see(col, s);
            }
        }
        if !reason_full {
            w.see(reason_col, &l.reason.text(lang));
            reason_full = w.width(reason_col) >= REASON_CAP;
        }
    }
    let money = money_width(max_money, negative);
    let numbers = [
        (Rank, digits(max_rank)),
        (Size, digits(max_size)),
        (Cum, digits(max_cum)),
        (Net, money),
        (PerCapita, money),
    ];
    for (c, n) in numbers {
        if let Some(col) = at(c) {
            w.at_least(col, n);
        }
    }
    if let Some(col) = at(Basis) {
        basis.iter().for_each(|b| w.see(col, b));
    }
    for d in DECISIONS {
        w.see(decision_col, decision_label(d, lang));
    }
    for (i, c) in cols.iter().enumerate() {
        w.at_least(col_num(i)?, header_width(c.header(lang)));
    }
    w.apply(ws)?;
    ws.set_default_row_height(ROW_HEIGHT);
    let total_width: f64 = (0..cols.len())
        .map(|i| w.width(ColNum::try_from(i).unwrap_or(0)))
        .sum();

    // The title block.
    let mut r: RowNum = 0;
    merged(ws, r, last, &sheet.title, &ctx.f.title)?;
    ws.set_row_height(r, 30)?;
    r += 1;
    if ctx.input.provisional {
        let warning = ctx.warning_text();
        merged(ws, r, last, &warning, &ctx.warning)?;
        let n = common::wrapped_lines(&warning, total_width * 0.9);
        ws.set_row_height(r, common::lines_height(n) + 4.0)?;
        r += 1;
    }
    merged(ws, r, last, &sheet.info, &ctx.info)?;
    let n = common::wrapped_lines(&sheet.info, total_width);
    ws.set_row_height(r, common::lines_height(n) + 4.0)?;
    r += 1;
    let header_row = r;
    let mut header_lines = 1;
    for (i, c) in cols.iter().enumerate() {
        let col = col_num(i)?;
        text(ws, r, col, c.header(lang), &ctx.f.header)?;
        header_lines = header_lines.max(w.lines(col, c.header(lang)));
    }
    ws.set_row_height(r, common::lines_height(header_lines) + 2.0)?;
    r += 1;

    if sheet.lines.is_empty() {
        let none = ctx.l("本村没有申请户", "No household of this village applied");
        merged(ws, r, last, none, &ctx.f.cell)?;
    }
    // Data cells carry no format of their own: they take their column's
    // (alignment, number format), and the conditional formats added below
    // draw the borders and mark the admitted and invalid households.
    for (i, c) in cols.iter().enumerate() {
        ws.set_column_format(col_num(i)?, &c.format())?;
    }
    let first_data = r;
    for &i in sheet.lines {
        let Some(l) = lines.get(i) else { continue };
        let h = &l.household;
        let reason = l.reason.text(lang);
        for (c, col) in cols.iter().enumerate() {
            let c = col_num(c)?;
            match col {
                Rank => number(ws, r, c, l.rank.map(f64::from))?,
                Village => put(ws, r, c, &h.village_name)?,
                Id => put(ws, r, c, &h.household_id)?,
                Head => put(ws, r, c, &h.head_name)?,
                Size => number(ws, r, c, Some(f64::from(h.size)))?,
                Net => number(ws, r, c, l.net_income.map(|f| f.as_yuan_f64()))?,
                Basis if l.net_income.is_some() => put(ws, r, c, basis[usize::from(l.verified)])?,
                Basis => {}
                PerCapita => number(ws, r, c, l.per_capita().map(|f| f.as_yuan_f64()))?,
                Deps => put(ws, r, c, reason::deprivations(h.deprivations, lang))?,
                Cum => number(ws, r, c, l.cumulative_persons.map(|n| n as f64))?,
                Decision => put(ws, r, c, decision_label(l.decision(), lang))?,
                Reason => put(ws, r, c, &reason)?,
            }
        }
        let n = w.lines(reason_col, &reason);
        if n > 1 {
            // Neither Excel nor LibreOffice sizes rows of wrapped text.
            // Excel's tallest row is 409 points.
            ws.set_row_height(r, (common::lines_height(n) + 3.0).min(409.0))?;
        }
        r += 1;
    }
    if r > first_data {
        let decision = rust_xlsxwriter::utility::column_number_to_name(decision_col);
        let cell = format!("${decision}{}", first_data + 1);
        let rules = [
            (
                format!("={cell}=\"{}\"", decision_label(Decision::Invalid, lang)),
                &ctx.rows.invalid,
            ),
            (
                format!("={cell}=\"{}\"", decision_label(Decision::Admitted, lang)),
                &ctx.rows.admitted,
            ),
            ("=TRUE".to_string(), &ctx.rows.plain),
        ];
        for (rule, fmt) in rules {
            let cf = ConditionalFormatFormula::new()
                .set_rule(rule.as_str())
                .set_format(fmt)
                .set_stop_if_true(true);
            ws.add_conditional_format(first_data, 0, r - 1, last, &cf)?;
        }
    }
    ctx.print(ws, sheet.page_name, header_row)?;
    Ok(())
}

/// Text as a cell can hold it (at most 32,767 UTF-16 units, no U+FFFE or
/// U+FFFF), written as text without a format of its own: never a formula.
fn put(ws: &mut Worksheet, r: RowNum, c: ColNum, s: &str) -> Result<()> {
    if s.is_empty() {
        return Ok(());
    }
    let mut units = 0;
    let cut = s
        .char_indices()
        .find(|&(_, ch)| {
            units += ch.len_utf16();
            units > common::MAX_CELL_CHARS
        })
        .map_or(s.len(), |(i, _)| i);
    let s = &s[..cut];
    if s.contains(['\u{FFFE}', '\u{FFFF}']) {
        ws.write_string(r, c, s.replace(['\u{FFFE}', '\u{FFFF}'], "\u{FFFD}"))?;
    } else {
        ws.write_string(r, c, s)?;
    }
    Ok(())
}

/// A number cell without a format of its own; nothing for `None`.
fn number(ws: &mut Worksheet, r: RowNum, c: ColNum, v: Option<f64>) -> Result<()> {
    if let Some(v) = v {
        ws.write_number(r, c, v)?;
    }
    Ok(())
}

/// The width a header needs: long headers wrap onto two lines, but never
/// inside an English word.
pub(super) fn header_width(h: &str) -> usize {
    let hw = display_width(h);
    if hw <= 8 {
        return hw;
    }
    let word = h
        .split_whitespace()
        .filter(|w| w.is_ascii())
        .map(|w| w.len() + 1)
        .max()
        .unwrap_or(0);
    (hw.div_ceil(2) + 2).max(word)
}

/// Text across the whole width of the table (always written as text).
pub(super) fn merged(
    ws: &mut Worksheet,
    r: RowNum,
    last: ColNum,
    s: &str,
    fmt: &Format,
) -> Result<()> {
    if last > 0 {
        ws.merge_range(r, 0, r, last, "", fmt)?;
    }
    text(ws, r, 0, s, fmt)?;
    Ok(())
}
