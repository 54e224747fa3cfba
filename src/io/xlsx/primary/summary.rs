//! The summary sheet (汇总): the standard and the rules, then one row per
//! roster village with its quota and figures, a total, and under scope
//! `town` the quota pools.

use anyhow::Result;
use rust_xlsxwriter::{ColNum, Format, RowNum, Worksheet};

use super::context::{thousands, Ctx, DECISIONS};
use super::village::{header_width, merged};
use crate::domain::campaign::{Lang, Policy, Scope};
use crate::io::xlsx::common::{self, Widths};

/// Write the summary sheet (an ordinary sheet: it has one row a village).
pub(super) fn write(ws: &mut Worksheet, ctx: &Ctx) -> Result<()> {
    let input = ctx.input;
    let (list, roster, campaign) = (input.list, input.roster, input.campaign);
    let town = campaign.scale.scope == Scope::Town;
    let fig = &ctx.figures;
    let count = ctx.f.int.clone().set_num_format("#,##0");
    let count_total = ctx.f.total_int.clone().set_num_format("#,##0");
    let pct = ctx.f.cell.clone().set_num_format("0.0%");
    let pct_total = ctx.f.total.clone().set_num_format("0.0%");
    let rate_fmt = |ppm: i64| {
        let f = ctx.f.center.clone();
        if ppm % 10_000 == 0 {
            f.set_num_format("0%")
        } else {
            f.set_num_format("0.00%")
        }
    };

    let mut headers: Vec<&str> = vec![
        ctx.l("村代码", "Village code"),
        ctx.l("村名", "Village"),
        ctx.l("人口", "Population"),
        ctx.l("重点村", "Key village"),
        ctx.l("规模比例", "Rate"),
    ];
    if town {
        headers.push(ctx.l("规模池", "Pool"));
    }
    headers.extend([
        ctx.l("规模控制人数", "Quota (persons)"),
        ctx.l("申请户数", "Applicant households"),
        ctx.l("符合条件户数", "Eligible households"),
        ctx.l("纳入户数", "Admitted households"),
        ctx.l("纳入人数", "Admitted persons"),
        ctx.l("规模使用率", "Quota used"),
    ]);
    let last = ColNum::try_from(headers.len() - 1)?;
    let pool_name = |key: bool| {
        if key {
            ctx.l("重点村统筹", "key villages")
        } else {
            ctx.l("非重点村统筹", "other villages")
        }
    };

    let mut w = Widths::with_limits(6.0, 40.0);
    for (i, h) in headers.iter().enumerate() {
        w.at_least(ColNum::try_from(i)?, header_width(h));
    }
    let pool_headers = [
        ctx.l("规模池", "Pool"),
        ctx.l("村数", "Villages"),
        ctx.l("人口", "Population"),
        ctx.l("规模比例", "Rate"),
        ctx.l("规模控制人数", "Quota (persons)"),
        ctx.l("纳入户数", "Admitted households"),
        ctx.l("纳入人数", "Admitted persons"),
        ctx.l("规模使用率", "Quota used"),
    ];
    if town {
        for (i, h) in pool_headers.iter().enumerate() {
            w.at_least(ColNum::try_from(i)?, header_width(h));
        }
        w.see(0, pool_name(false));
    }
    for v in &roster.villages {
        w.see(0, &v.code);
        w.see(1, &v.name);
    }
    w.see(1, ctx.l("合计", "Total"));
    if fig.lines.last().is_some_and(|l| !l.is_empty()) {
        w.see(1, ctx.l("（村不在名册）", "(not in roster)"));
    }
    let total_pop: u64 = roster.villages.iter().map(|v| v.population).sum();
    w.at_least(2, thousands(total_pop).len());
    if town {
        w.see(5, pool_name(false));
    }
    w.apply(ws)?;
    ws.set_default_row_height(super::village::ROW_HEIGHT);
    let total_width: f64 = (0..=last).map(|c| w.width(c)).sum();

    let c = &campaign.campaign;
    let title = match ctx.lang {
        Lang::Zh => format!("{} {}年贫困户识别初选名单汇总", ctx.place(), c.year),
        Lang::En => format!(
            "{} {}: primary list of poor households, summary",
            ctx.place(),
            c.year
        ),
    };
    let mut r: RowNum = 0;
    merged(ws, r, last, &ctx.title(title), &ctx.f.title)?;
    ws.set_row_height(r, 30)?;
    r += 1;
    let mut notes: Vec<(String, &Format)> = Vec::new();
    if input.provisional {
        notes.push((ctx.warning_text(), &ctx.warning));
    }
    notes.push((ctx.standard_text(), &ctx.info));
    notes.push((rules_text(ctx), &ctx.info));
    notes.push((decisions_text(ctx), &ctx.info));
    for (s, fmt) in &notes {
        merged(ws, r, last, s, fmt)?;
        let n = common::wrapped_lines(s, total_width * 0.9);
        ws.set_row_height(r, common::lines_height(n) + 4.0)?;
        r += 1;
    }
    let header_row = r;
    let mut header_lines = 1;
    for (i, h) in headers.iter().enumerate() {
        let col = ColNum::try_from(i)?;
        common::text(ws, r, col, h, &ctx.f.header)?;
        header_lines = header_lines.max(w.lines(col, h));
    }
    ws.set_row_height(r, common::lines_height(header_lines) + 2.0)?;
    r += 1;

    // Columns after the pool column shift by one under scope town.
    let q: ColNum = if town { 6 } else { 5 };
    for (i, v) in roster.villages.iter().enumerate() {
        let pool = list.village_pool.get(i).and_then(|&p| list.pools.get(p));
        let quota = pool.map_or(0, |p| p.quota);
        let ppm = ctx.rate_ppm(v.key);
        common::text(ws, r, 0, &v.code, &ctx.f.text)?;
        common::text(ws, r, 1, &v.name, &ctx.f.cell)?;
        ws.write_number_with_format(r, 2, v.population as f64, &count)?;
        let key = if v.key {
            ctx.l("是", "yes")
        } else {
            ctx.l("否", "no")
        };
        common::text(ws, r, 3, key, &ctx.f.center)?;
        ws.write_number_with_format(r, 4, ppm as f64 / 1e6, &rate_fmt(ppm))?;
        if town {
            common::text(ws, r, 5, pool_name(v.key), &ctx.f.center)?;
        }
        let figures = [
            quota,
            fig.applicants[i],
            fig.eligible[i],
            fig.admitted_households[i],
            fig.admitted_persons[i],
        ];
        for (k, n) in figures.into_iter().enumerate() {
            ws.write_number_with_format(r, q + ColNum::try_from(k)?, n as f64, &count)?;
        }
        usage(
            ws,
            r,
            q + 5,
            (!town).then_some((fig.admitted_persons[i], quota)),
            &pct,
        )?;
        r += 1;
    }
    let unplaced = fig.lines.last().map_or(0, |l| l.len() as u64);
    if unplaced > 0 {
        for col in 0..=last {
            ws.write_blank(r, col, &ctx.f.cell)?;
        }
        common::text(
            ws,
            r,
            1,
            ctx.l("（村不在名册）", "(not in roster)"),
            &ctx.f.cell,
        )?;
        ws.write_number_with_format(r, q + 1, unplaced as f64, &count)?;
        for k in [2, 3, 4] {
            ws.write_number_with_format(r, q + k, 0.0, &count)?;
        }
        r += 1;
    }

    // Totals.
    let total_quota: u64 = list.pools.iter().map(|p| p.quota).sum();
    let sum = |v: &[u64]| v.iter().sum::<u64>();
    let admitted_persons = sum(&fig.admitted_persons);
    for col in 0..=last {
        ws.write_blank(r, col, &ctx.f.total)?;
    }
    common::text(ws, r, 1, ctx.l("合计", "Total"), &ctx.f.total)?;
    ws.write_number_with_format(r, 2, total_pop as f64, &count_total)?;
    let totals = [
        total_quota,
        sum(&fig.applicants) + unplaced,
        sum(&fig.eligible),
        sum(&fig.admitted_households),
        admitted_persons,
    ];
    for (k, n) in totals.into_iter().enumerate() {
        ws.write_number_with_format(r, q + ColNum::try_from(k)?, n as f64, &count_total)?;
    }
    usage(
        ws,
        r,
        q + 5,
        Some((admitted_persons, total_quota)),
        &pct_total,
    )?;
    r += 1;

    if town {
        r += 1;
        for (i, h) in pool_headers.iter().enumerate() {
            common::text(ws, r, ColNum::try_from(i)?, h, &ctx.f.header)?;
        }
        ws.set_row_height(r, common::lines_height(2) + 2.0)?;
        r += 1;
        for p in &list.pools {
            let villages = roster.villages.iter().filter(|v| v.key == p.key).count();
            let ppm = ctx.rate_ppm(p.key);
            common::text(ws, r, 0, pool_name(p.key), &ctx.f.cell)?;
            ws.write_number_with_format(r, 1, villages as f64, &count)?;
            ws.write_number_with_format(r, 2, p.population as f64, &count)?;
            ws.write_number_with_format(r, 3, ppm as f64 / 1e6, &rate_fmt(ppm))?;
            let figures = [p.quota, p.admitted_households, p.admitted_persons];
            for (k, n) in figures.into_iter().enumerate() {
                ws.write_number_with_format(r, 4 + ColNum::try_from(k)?, n as f64, &count)?;
            }
            usage(ws, r, 7, Some((p.admitted_persons, p.quota)), &pct)?;
            r += 1;
        }
    }
    ctx.print(ws, ctx.l("汇总", "Summary"), header_row)?;
    Ok(())
}

/// Admitted persons as a share of the quota; blank when there is no quota.
fn usage(
    ws: &mut Worksheet,
    r: RowNum,
    c: ColNum,
    of: Option<(u64, u64)>,
    fmt: &Format,
) -> Result<()> {
    match of {
        Some((admitted, quota)) if quota > 0 => {
            ws.write_number_with_format(r, c, admitted as f64 / quota as f64, fmt)?
        }
        _ => ws.write_blank(r, c, fmt)?,
    };
    Ok(())
}

/// The scale rules of the campaign in a sentence.
fn rules_text(ctx: &Ctx) -> String {
    let campaign = ctx.input.campaign;
    let key = Ctx::rate_text(campaign.key_rate_ppm());
    let other = Ctx::rate_text(campaign.other_rate_ppm());
    let town = campaign.scale.scope == Scope::Town;
    let stop = campaign.scale.policy == Policy::Stop;
    let band = campaign.band_ppm();
    let limit = crate::domain::rules::band_limit(ctx.input.list.standard, band).grouped();
    match ctx.lang {
        Lang::Zh => {
            let mut s = format!(
                "规模控制：重点村按人口的 {key}、非重点村按人口的 {other} 确定规模控制人数（向下取整），{}。整户识别，按排名依次纳入，纳入人数不超过规模；{}。",
                if town { "全镇重点村、非重点村各为一个统筹池" } else { "每村单独控制" },
                if stop { "遇首户纳入后超出规模即止，其后各户均不纳入" } else { "纳入后超出规模的户跳过，继续纳入其后能容纳的户" }
            );
            if band > 0 {
                s.push_str(&format!("人均纯收入不低于标准、但低于 {limit} 元且有致贫条件的户，排在标准以下各户之后。"));
            }
            s
        }
        Lang::En => {
            let mut s = format!(
                "Scale control: quota = population × {key} for key villages and × {other} for other villages (rounded down), {}. Whole households are admitted in rank order while the persons admitted stay within the quota; {}.",
                if town { "pooled over the town's key villages and over its other villages" } else { "for each village" },
                if stop { "at the first household that does not fit, it and every household after it are over the quota (policy stop)" } else { "a household that does not fit is skipped and the walk goes on (policy skip)" }
            );
            if band > 0 {
                s.push_str(&format!(" Households at or above the standard but below {limit} per person with a deprivation rank after every household below the standard."));
            }
            s
        }
    }
}

/// How many households got each decision.
fn decisions_text(ctx: &Ctx) -> String {
    let d = &ctx.figures.decisions;
    let total: u64 = d.iter().sum();
    let parts: Vec<String> = DECISIONS
        .iter()
        .zip(d)
        .map(|(dec, n)| match ctx.lang {
            Lang::Zh => format!("{} {n} 户", dec.zh()),
            Lang::En => format!("{} {n}", dec.en()),
        })
        .collect();
    match ctx.lang {
        Lang::Zh => format!("结果：{}（共 {total} 户）。", parts.join("，")),
        Lang::En => format!("Decisions: {} ({total} households).", parts.join(", ")),
    }
}
