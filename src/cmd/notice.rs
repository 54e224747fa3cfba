//! `fupin notice --stage village|town|county [--start D] [--format xlsx|csv]`:
//! the printable notice of a round of publicity for each village (DESIGN
//! 2.7), `out/notices/<stage>-<village>.xlsx` (or `.csv`), and the dates in
//! `out/schedule.csv`.
//!
//! Example: `fupin -C mytown notice --stage village` after `fupin appraise`;
//! `fupin -C mytown notice --stage town --start 2015-06-15` to post the town
//! notices on another day.
//!
//! A notice shows the head's name, the head's ID number masked and the
//! household size: never a full ID number, a phone number or a member.

use anyhow::Result;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::chain::{self, List};
use super::{config, data, usage, Ctx, Report};
use crate::cli::NoticeFormat;
use crate::domain::appraisal::Outcome as Appraisal;
use crate::domain::codes;
use crate::domain::columns::Col;
use crate::domain::idnum;
use crate::domain::key::HouseholdKey;
use crate::domain::review::Outcome as Reviewed;
use crate::domain::roster::Roster;
use crate::domain::schedule::{self, Entry, Period, Round};
use crate::io::csvin::read_rows;
use crate::io::csvout;
use crate::io::lists::{self, rank_cmp, AppraisedLine, FinalLine, ReviewLine};
use crate::io::register::RegisterReader;
use crate::io::xlsx::notice::{write_notice, Notice, NoticeRow};

/// The columns of a notice written with `--format csv`.
const CSV_HEADER: [&str; 5] = [
    "village",
    "household_id",
    "head_name",
    "id_number_masked",
    "size",
];

/// A village that entered the stage, with the households listed on it
/// (what a notice shows of them are the columns of the final list).
struct Village {
    code: String,
    name: String,
    rows: Vec<FinalLine>,
}

pub fn run(ctx: &Ctx, round: Round, start: Option<&str>, format: NoticeFormat) -> Result<Report> {
    let campaign = ctx.campaign()?;
    let roster = ctx.roster()?;
    let standard = campaign.current_standard().map_err(config)?;
    let days = round.days(&campaign.publicity);
    if days == 0 {
        return Err(config(format!(
            "campaign.toml: [publicity] {}_days must be at least 1",
            round.name()
        )));
    }
    let start = start
        .map(|s| schedule::parse_date(s).map_err(|e| config(format!("--start: {e}"))))
        .transpose()?;

    let mut report = Report::default();
    let [list_path, register] = chain::require_all(ctx, [round.input(), List::Register])?;
    report.inputs.push(list_path.clone());
    report
        .inputs
        .extend([ctx.path("campaign.toml"), ctx.path("villages.csv")]);
    let villages = villages_of(&list_path, round, &roster)?;

    let wanted: HashSet<HouseholdKey> = villages
        .iter()
        .flat_map(|v| v.rows.iter().map(|r| r.base.key.clone()))
        .collect();
    let heads = head_ids(&register, &wanted)?;
    report.inputs.push(register);

    // The day each village's period is anchored to: the appraisal meeting,
    // or the last day of the previous round.
    let schedule_path = ctx.out().join("schedule.csv");
    let old_schedule = if schedule_path.exists() {
        read_schedule(&schedule_path)?
    } else {
        Vec::new()
    };
    let anchors: HashMap<String, NaiveDate> = match round.previous() {
        None => {
            let meetings = ctx.out().join("meetings.csv");
            if meetings.exists() {
                report.inputs.push(meetings.clone());
                read_meetings(&meetings)?
            } else if start.is_none() && !old_schedule.iter().any(|e| e.round == round) {
                return Err(usage(
                    "out/meetings.csv does not exist yet: run `fupin appraise` first (or give the first day of publicity with --start)",
                ));
            } else {
                HashMap::new()
            }
        }
        Some(prev) => {
            if schedule_path.exists() {
                report.inputs.push(schedule_path.clone());
            }
            old_schedule
                .iter()
                .filter(|e| e.round == prev)
                .map(|e| (e.village_code.clone(), e.period.end))
                .collect()
        }
    };

    // A start chosen before (or given by an earlier default) is kept: the
    // notices posted show it (DESIGN 7).
    let recorded: HashMap<String, NaiveDate> = old_schedule
        .iter()
        .filter(|e| e.round == round)
        .map(|e| (e.village_code.clone(), e.period.start))
        .collect();
    let periods = periods(ctx, round, days, start, &villages, &anchors, &recorded)?;
    let c = &campaign.campaign;
    if (round == Round::County && c.county.trim().is_empty())
        || (round != Round::Village && c.town.trim().is_empty())
    {
        ctx.say("warning: [campaign] county or town is empty in campaign.toml: the notices do not name it");
    }

    let folder = ctx.out().join("notices");
    let ext = match format {
        NoticeFormat::Xlsx => "xlsx",
        NoticeFormat::Csv => "csv",
    };
    let show_income = campaign.publicity.show_income;
    let mut written: Vec<PathBuf> = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut json_villages: Vec<Value> = Vec::new();
    let (mut n_households, mut n_persons) = (0usize, 0u64);
    for (v, period) in villages.iter().zip(&periods) {
        let rows: Vec<NoticeRow> = v
            .rows
            .iter()
            .map(|r| {
                let id = heads.get(&r.base.key).filter(|id| !id.trim().is_empty());
                if id.is_none() {
                    ctx.say(format!(
                        "warning: {} household {}: the register has no head's ID number; its cell on the notice is blank",
                        v.name, r.base.key.household_id
                    ));
                }
                NoticeRow {
                    household_id: r.base.key.household_id.clone(),
                    head_name: r.base.head_name.clone(),
                    id_masked: id.map(|id| idnum::mask(id)).unwrap_or_default(),
                    size: r.base.size,
                    per_capita_income: r
                        .per_capita_income
                        .map(|m| m.plain())
                        .unwrap_or_default(),
                }
            })
            .collect();
        let path = folder.join(format!("{}-{}.{ext}", round.name(), file_stem(v)));
        match format {
            NoticeFormat::Xlsx => {
                let notice = Notice {
                    round,
                    lang: campaign.output.lang,
                    year: c.year,
                    county: c.county.trim(),
                    town: c.town.trim(),
                    village: &v.name,
                    standard,
                    base_amount: campaign.standard.base_amount,
                    base_year: campaign.standard.base_year,
                    period: *period,
                    contact: &campaign.publicity.contact,
                    show_income,
                    rows: &rows,
                };
                write_notice(&path, &notice)?;
            }
            NoticeFormat::Csv => write_csv(&path, &v.name, &rows, show_income)?,
        }
        let persons: u64 = rows.iter().map(|r| u64::from(r.size)).sum();
        n_households += rows.len();
        n_persons += persons;
        ctx.say(format!(
            "{}: {} households ({} persons), {} to {} → {}",
            v.name,
            rows.len(),
            persons,
            period.start,
            period.end,
            ctx.rel(&path)
        ));
        json_villages.push(json!({
            "code": v.code,
            "name": v.name,
            "households": rows.len(),
            "persons": persons,
            "start": period.start.format("%Y-%m-%d").to_string(),
            "end": period.end.format("%Y-%m-%d").to_string(),
            "notice": ctx.rel(&path),
        }));
        entries.push(Entry {
            village_code: v.code.clone(),
            village: v.name.clone(),
            round,
            period: *period,
        });
        written.push(path);
    }

    warn_later_rounds(ctx, &old_schedule, &entries);
    let place = |e: &Entry| {
        roster
            .villages
            .iter()
            .position(|v| v.code == e.village_code)
            .unwrap_or(usize::MAX)
    };
    let all = schedule::replace_round(old_schedule, round, entries, place);
    csvout::write_csv(
        &schedule_path,
        &schedule::HEADER,
        all.iter().map(Entry::cells),
    )?;
    let removed = remove_stale(ctx, &folder, round, ext, &written)?;
    if !removed.is_empty() {
        let removed: Vec<String> = removed.iter().map(|p| ctx.rel(p)).collect();
        report.json.insert("removed".into(), json!(removed));
    }

    report.outputs.extend(written);
    report.outputs.push(schedule_path);
    report.json.insert("stage".into(), json!(round.name()));
    report.json.insert("format".into(), json!(ext));
    report
        .json
        .insert("villages".into(), Value::Array(json_villages));
    report.json.insert("households".into(), json!(n_households));
    report.json.insert("persons".into(), json!(n_persons));
    Ok(report)
}

/// The villages of the input list, in roster order (villages outside the
/// roster after them, in the order they appear), each with its listed
/// households in rank order.
fn villages_of(path: &Path, round: Round, roster: &Roster) -> Result<Vec<Village>> {
    let err = |e: lists::ListError| data(e.to_string());
    // Each household of the list, and whether the round lists it.
    let rows: Vec<(FinalLine, bool)> = if round == Round::Village {
        lists::read::<AppraisedLine>(path)
            .map_err(err)?
            .into_iter()
            .map(|l| {
                let listed = l.outcome == Appraisal::Passed;
                let line = FinalLine {
                    base: l.base,
                    rank: l.rank,
                    per_capita_income: l.per_capita_income,
                };
                (line, listed)
            })
            .collect()
    } else {
        lists::read::<ReviewLine>(path)
            .map_err(err)?
            .into_iter()
            .map(|l| (FinalLine::from(&l), l.outcome == Reviewed::Kept))
            .collect()
    };
    let mut villages: Vec<(usize, Village)> = Vec::new();
    for (row, listed) in rows {
        let code = &row.base.key.village_code;
        let place = roster
            .villages
            .iter()
            .position(|v| v.code == *code)
            .unwrap_or(usize::MAX);
        let i = match villages.iter().position(|(_, v)| v.code == *code) {
            Some(i) => i,
            None => {
                villages.push((
                    place,
                    Village {
                        code: code.clone(),
                        name: row.base.village.clone(),
                        rows: Vec::new(),
                    },
                ));
                villages.len() - 1
            }
        };
        if listed {
            villages[i].1.rows.push(row);
        }
    }
    // A stable sort keeps villages outside the roster in their order.
    villages.sort_by_key(|(place, _)| *place);
    let mut out: Vec<Village> = villages.into_iter().map(|(_, v)| v).collect();
    for v in &mut out {
        v.rows.sort_by(rank_cmp);
    }
    Ok(out)
}

/// The ID numbers of the heads of the `wanted` households.
fn head_ids(
    register: &Path,
    wanted: &HashSet<HouseholdKey>,
) -> Result<HashMap<HouseholdKey, String>> {
    let mut reader = RegisterReader::open(register).map_err(|e| data(format!("{e:#}")))?;
    let mut heads = HashMap::new();
    while let Some(rows) = reader.next_file().map_err(|e| data(format!("{e:#}")))? {
        for p in rows {
            let is_head = codes::lookup(codes::RELATION, p.get(Col::Relation))
                .is_some_and(|c| c.en == "head");
            let key = HouseholdKey::new(p.village_code.to_string(), p.get(Col::HouseholdId));
            if is_head && wanted.contains(&key) {
                heads
                    .entry(key)
                    .or_insert_with(|| p.get(Col::IdNumber).to_string());
            }
        }
    }
    Ok(heads)
}

/// The period of each village: from `--start` when given, else from the
/// start recorded in `out/schedule.csv` for this round while it still
/// follows its anchor, else from the day after its anchor.
fn periods(
    ctx: &Ctx,
    round: Round,
    days: u32,
    start: Option<NaiveDate>,
    villages: &[Village],
    anchors: &HashMap<String, NaiveDate>,
    recorded: &HashMap<String, NaiveDate>,
) -> Result<Vec<Period>> {
    let mut out = Vec::new();
    let mut kept = 0;
    for v in villages {
        let anchor = anchors.get(&v.code).copied();
        let before = recorded.get(&v.code).copied();
        let first = match (start, anchor) {
            (Some(s), Some(a)) if !schedule::start_fits(round, s, a) => {
                return Err(config(match round.previous() {
                    None => format!(
                        "--start {s} is before the appraisal meeting of {} on {a}",
                        v.name
                    ),
                    Some(p) => format!(
                        "--start {s} is not after the {} publicity of {}, which ends on {a}",
                        p.name(),
                        v.name
                    ),
                }));
            }
            (Some(s), _) => s,
            (None, Some(a)) => {
                let default = schedule::default_start(a).map_err(data)?;
                match before {
                    Some(b) if schedule::start_fits(round, b, a) => {
                        kept += usize::from(b != default);
                        b
                    }
                    Some(b) => {
                        ctx.say(format!(
                            "warning: the {} publicity of {} was to start on {b}, which is not after {}: it now starts on {default}",
                            round.name(),
                            v.name,
                            match round.previous() {
                                None => format!("its appraisal meeting on {a}"),
                                Some(p) => format!("the end of its {} publicity on {a}", p.name()),
                            }
                        ));
                        default
                    }
                    None => default,
                }
            }
            (None, None) => match before {
                Some(b) => b,
                None => {
                    return Err(match round.previous() {
                        None => data(format!(
                            "out/meetings.csv gives no valid appraisal meeting for {}: run `fupin appraise` again (or give the first day of publicity with --start)",
                            v.name
                        )),
                        Some(p) => usage(format!(
                            "out/schedule.csv has no {} publicity dates for {}: run `fupin notice --stage {}` first (or give the first day with --start)",
                            p.name(),
                            v.name,
                            p.name()
                        )),
                    })
                }
            },
        };
        out.push(Period::new(first, days).map_err(config)?);
    }
    if kept > 0 {
        ctx.say(format!(
            "the {} publicity keeps the start recorded in out/schedule.csv for {kept} village{} (give --start to change it)",
            round.name(),
            if kept == 1 { "" } else { "s" }
        ));
    }
    Ok(out)
}

/// The date of each village's (latest valid) appraisal meeting, by code.
fn read_meetings(path: &Path) -> Result<HashMap<String, NaiveDate>> {
    let rows = read_rows(path)?;
    let mut out: HashMap<String, NaiveDate> = HashMap::new();
    for (line, r) in rows {
        let valid = r.get("valid").map(|s| s.trim()).unwrap_or("yes");
        if matches!(valid, "no" | "否" | "false" | "0") {
            continue;
        }
        let date = r.get("date").map(String::as_str).unwrap_or("");
        let date = schedule::parse_date(date)
            .map_err(|e| data(format!("out/meetings.csv line {line}, column date: {e}")))?;
        let code = r.get("village_code").cloned().unwrap_or_default();
        let e = out.entry(code).or_insert(date);
        *e = (*e).max(date);
    }
    Ok(out)
}

fn read_schedule(path: &Path) -> Result<Vec<Entry>> {
    let rows = read_rows(path)?;
    let mut out = Vec::new();
    for (line, r) in rows {
        let cells: Vec<&str> = schedule::HEADER
            .iter()
            .map(|h| r.get(*h).map(String::as_str).unwrap_or(""))
            .collect();
        out.push(
            Entry::from_cells(&cells)
                .map_err(|e| data(format!("out/schedule.csv line {line}: {e}")))?,
        );
    }
    Ok(out)
}

fn write_csv(path: &Path, village: &str, rows: &[NoticeRow], show_income: bool) -> Result<()> {
    let mut header: Vec<&str> = CSV_HEADER.to_vec();
    if show_income {
        header.push("per_capita_income");
    }
    csvout::write_csv(
        path,
        &header,
        rows.iter().map(|r| {
            let mut cells = vec![
                village.to_string(),
                r.household_id.clone(),
                r.head_name.clone(),
                r.id_masked.clone(),
                r.size.to_string(),
            ];
            if show_income {
                cells.push(r.per_capita_income.clone());
            }
            cells
        }),
    )
}

/// The village's name as a file name: characters that Windows or Linux do
/// not allow in a name become `_`; the code stands in for an empty name.
fn file_stem(v: &Village) -> String {
    let s: String = v
        .name
        .trim()
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim_end_matches(['.', ' ']).to_string();
    if s.is_empty() || s.starts_with('.') {
        format!("{}{}", v.code, s)
    } else {
        s
    }
}

/// Tell the clerk when a later round's dates no longer follow the new ones.
fn warn_later_rounds(ctx: &Ctx, old: &[Entry], new: &[Entry]) {
    for e in new {
        for later in old
            .iter()
            .filter(|o| o.village_code == e.village_code && o.round.previous() == Some(e.round))
        {
            if later.period.start <= e.period.end {
                ctx.say(format!(
                    "warning: the {} publicity of {} ({} to {}) no longer follows this one: run `fupin notice --stage {}` again",
                    later.round.name(),
                    e.village,
                    later.period.start,
                    later.period.end,
                    later.round.name()
                ));
            }
        }
    }
}

/// Remove the notices of this round left from an earlier run: in this
/// format, those of villages no longer on the list; in the other format,
/// every one, so that two versions never lie side by side (DESIGN 7).
fn remove_stale(
    ctx: &Ctx,
    folder: &Path,
    round: Round,
    ext: &str,
    keep: &[PathBuf],
) -> Result<Vec<PathBuf>> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{}-", round.name());
    let (other, now) = match ext {
        "csv" => ("xlsx", "CSV"),
        _ => ("csv", "workbooks"),
    };
    let mut gone: Vec<(PathBuf, String)> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let path = e.path();
        if !name.starts_with(&prefix)
            || !e.file_type().is_ok_and(|t| t.is_file())
            || keep.contains(&path)
        {
            continue;
        }
        let lower = name.to_lowercase();
        if name.ends_with(&format!(".{ext}")) {
            gone.push((path, "that village is no longer on the list".into()));
        } else if lower.ends_with(&format!(".{other}")) {
            let why = format!("the {} notices are now written as {now}", round.name());
            gone.push((path, why));
        }
    }
    gone.sort();
    let mut removed = Vec::new();
    for (path, why) in gone {
        std::fs::remove_file(&path)
            .map_err(|err| data(format!("cannot remove {}: {err}", ctx.rel(&path))))?;
        ctx.say(format!("removed {}: {why}", ctx.rel(&path)));
        removed.push(path);
    }
    Ok(removed)
}
