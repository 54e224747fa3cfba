//! What every sheet of the primary list shares: the figures of each
//! village, the formats, and the texts of titles and notes.

use anyhow::Result;
use rust_xlsxwriter::{Color, Format, FormatAlign, Worksheet};

use super::Input;
use crate::domain::campaign::{Lang, Scope};
use crate::domain::money::Fen;
use crate::domain::screen::{Decision, PrimaryList};
use crate::io::xlsx::common::{self, label, Formats};

/// Per-village figures and the lines of each village, from one pass over
/// the list.
pub(super) struct Figures {
    pub(super) applicants: Vec<u64>,
    pub(super) eligible: Vec<u64>,
    pub(super) admitted_households: Vec<u64>,
    pub(super) admitted_persons: Vec<u64>,
    /// Indices into `list.lines` per roster village, in list order; the last
    /// entry holds the households whose village is not in the roster.
    pub(super) lines: Vec<Vec<usize>>,
    /// Households per decision, in the order of `DECISIONS`.
    pub(super) decisions: [u64; 6],
}

pub(super) const DECISIONS: [Decision; 6] = [
    Decision::Admitted,
    Decision::OverQuota,
    Decision::AboveStandard,
    Decision::Excluded,
    Decision::Eliminated,
    Decision::Invalid,
];

impl Figures {
    pub(super) fn new(list: &PrimaryList, n: usize) -> Figures {
        let mut f = Figures {
            applicants: vec![0; n],
            eligible: vec![0; n],
            admitted_households: vec![0; n],
            admitted_persons: vec![0; n],
            lines: vec![Vec::new(); n + 1],
            decisions: [0; 6],
        };
        for (i, l) in list.lines.iter().enumerate() {
            if let Some(d) = DECISIONS.iter().position(|&d| d == l.decision()) {
                f.decisions[d] += 1;
            }
            let v = l.household.village.filter(|&v| v < n);
            f.lines[v.unwrap_or(n)].push(i);
            let Some(v) = v else { continue };
            f.applicants[v] += 1;
            f.eligible[v] += u64::from(l.rank.is_some());
            if l.decision() == Decision::Admitted {
                f.admitted_households[v] += 1;
                f.admitted_persons[v] += u64::from(l.household.size);
            }
        }
        f
    }

    pub(super) fn invalid(&self) -> u64 {
        self.decisions[5]
    }
}

/// The look of the data rows, as conditional formats over the table (a
/// format on every cell would cost a look-up per cell, which dominates the
/// time of a province-sized list): every cell bordered, admitted households
/// on a light fill (grey in black and white) with bold text, invalid ones in
/// red. The first rule that holds applies.
pub(super) struct RowLooks {
    pub(super) plain: Format,
    pub(super) admitted: Format,
    pub(super) invalid: Format,
}

impl RowLooks {
    pub(super) fn new() -> RowLooks {
        let plain = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
        RowLooks {
            admitted: plain.clone().set_background_color(0xE2EFDA).set_bold(),
            invalid: plain.clone().set_font_color(Color::RGB(0xC00000)),
            plain,
        }
    }
}

/// Everything a sheet writer needs.
pub(super) struct Ctx<'a> {
    pub(super) input: &'a Input<'a>,
    pub(super) lang: Lang,
    pub(super) f: Formats,
    pub(super) rows: RowLooks,
    /// The provisional warning under a title: red, bold, wrapped.
    pub(super) warning: Format,
    /// A line of facts under a title: wrapped, left aligned.
    pub(super) info: Format,
    pub(super) figures: Figures,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(input: &'a Input<'a>) -> Ctx<'a> {
        let f = Formats::new();
        let red = Color::RGB(0xC00000);
        Ctx {
            lang: input.campaign.output.lang,
            rows: RowLooks::new(),
            warning: Format::new()
                .set_font_color(red)
                .set_bold()
                .set_font_size(12)
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
            info: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
            figures: Figures::new(input.list, input.roster.villages.len()),
            f,
            input,
        }
    }

    pub(super) fn l(&self, zh: &'static str, en: &'static str) -> &'static str {
        label(self.lang, zh, en)
    }

    /// County and town, as titles name them.
    pub(super) fn place(&self) -> String {
        let c = &self.input.campaign.campaign;
        match self.lang {
            Lang::Zh => format!("{}{}", c.county.trim(), c.town.trim()),
            Lang::En => [c.town.trim(), c.county.trim()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// `title` with the provisional mark when the list is provisional.
    pub(super) fn title(&self, title: String) -> String {
        if self.input.provisional {
            format!("{title}{}", self.l("（临时）", " (PROVISIONAL)"))
        } else {
            title
        }
    }

    /// The red line under every title of a provisional list.
    pub(super) fn warning_text(&self) -> String {
        let n = self.figures.invalid();
        match (self.lang, n) {
            (Lang::Zh, 0) => "临时名单：尚有数据错误未更正，排名和纳入结果可能改变。本名单仅供核对，不得用于民主评议、公示或上报。".into(),
            (Lang::Zh, n) => format!("临时名单：尚有数据错误未更正，{n} 户数据有误、未参与排名，排名和纳入结果可能改变。本名单仅供核对，不得用于民主评议、公示或上报。"),
            (Lang::En, 0) => "PROVISIONAL LIST: data errors stand; ranks and admissions may change. For checking only, not for appraisal, publicity or reporting.".into(),
            (Lang::En, n) => format!("PROVISIONAL LIST: data errors stand; {n} households are invalid and not ranked, so ranks and admissions may change. For checking only, not for appraisal, publicity or reporting."),
        }
    }

    /// Print set-up shared by every sheet: A4 landscape, one page wide, page
    /// numbers below, the place and (provisional) a red mark above, and the
    /// title block and header repeated on every page.
    pub(super) fn print(&self, ws: &mut Worksheet, right: &str, header_row: u32) -> Result<()> {
        common::print_setup(ws, true, self.lang);
        common::fit_width(ws);
        let c = &self.input.campaign.campaign;
        let left = match self.lang {
            Lang::Zh => format!("{} {}年 贫困户识别初选名单", self.place(), c.year),
            Lang::En => format!("{} {}: primary list", self.place(), c.year),
        };
        // Excel allows 255 characters in all: keep each part short.
        let short = |s: &str| common::header_footer_text(&s.chars().take(60).collect::<String>());
        let mut h = format!("&L{}", short(left.trim()));
        if self.input.provisional {
            h.push_str(self.l(
                "&C&\"-,Bold\"&KC00000临时名单 · 不得公示",
                "&C&\"-,Bold\"&KC00000PROVISIONAL · NOT FOR PUBLICITY",
            ));
            ws.set_tab_color(Color::RGB(0xC00000));
        }
        h.push_str(&format!("&R{}", short(right)));
        ws.set_header(h);
        ws.set_repeat_rows(0, header_row)?;
        ws.set_freeze_panes(header_row + 1, 0)?;
        Ok(())
    }

    /// `12.5%` for a rate in parts per million.
    pub(super) fn rate_text(ppm: i64) -> String {
        let s = format!("{}.{:04}", ppm / 10_000, ppm % 10_000);
        format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
    }

    pub(super) fn rate_ppm(&self, key: bool) -> i64 {
        if key {
            self.input.campaign.key_rate_ppm()
        } else {
            self.input.campaign.other_rate_ppm()
        }
    }

    pub(super) fn standard_text(&self) -> String {
        let s = &self.input.campaign.standard;
        let cur = Fen::from_yuan(self.input.list.standard).grouped_yuan();
        let base = Fen::from_yuan(s.base_amount).grouped_yuan();
        match self.lang {
            Lang::Zh => format!(
                "现行扶贫标准 {cur} 元/人·年（{}年不变价 {base} 元）",
                s.base_year
            ),
            Lang::En => format!(
                "Current poverty standard {cur} yuan per person per year ({base} yuan at {} prices)",
                s.base_year
            ),
        }
    }

    /// The facts line under a village sheet's title.
    pub(super) fn village_info(&self, v: usize) -> String {
        let Some(village) = self.input.roster.villages.get(v) else {
            return String::new();
        };
        let list = self.input.list;
        let pool = list.village_pool.get(v).and_then(|&p| list.pools.get(p));
        let (quota, pool_pop, pool_h, pool_p) = pool.map_or((0, 0, 0, 0), |p| {
            (
                p.quota,
                p.population,
                p.admitted_households,
                p.admitted_persons,
            )
        });
        let rate = Ctx::rate_text(self.rate_ppm(village.key));
        let fig = &self.figures;
        let (h, p) = (fig.admitted_households[v], fig.admitted_persons[v]);
        let std = Fen::from_yuan(list.standard).grouped_yuan();
        let pop = thousands(village.population);
        let town = self.input.campaign.scale.scope == Scope::Town;
        match self.lang {
            Lang::Zh => {
                let kind = if village.key {
                    "重点村"
                } else {
                    "非重点村"
                };
                let quota_text = if town {
                    format!("规模控制人数 {quota} 人（全镇{kind}统筹：人口合计 {} × {rate}；统筹已纳入 {pool_h} 户 {pool_p} 人）", thousands(pool_pop))
                } else {
                    format!("规模控制人数 {quota} 人（{pop} × {rate}）")
                };
                format!(
                    "村代码 {}　人口 {pop} 人　{kind}　{quota_text}　本村已纳入 {h} 户 {p} 人　现行标准 {std} 元/人·年",
                    village.code
                )
            }
            Lang::En => {
                let kind = if village.key {
                    "key village"
                } else {
                    "other village"
                };
                let quota_text = if town {
                    format!("quota {quota} persons (town pool of {kind}s: population {} × {rate}; pool admitted {pool_h} households, {pool_p} persons)", thousands(pool_pop))
                } else {
                    format!("quota {quota} persons ({pop} × {rate})")
                };
                format!(
                    "Village code {} · population {pop} · {kind} · {quota_text} · admitted {h} households, {p} persons · standard {std} yuan per person per year",
                    village.code
                )
            }
        }
    }
}

/// `1,019`.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
