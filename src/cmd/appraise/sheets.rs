//! The meeting and vote tables of the appraisal sheets, read from any sheet
//! of any file and checked against the roster, the primary list and each
//! other. Every problem becomes a located finding.

use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::cmd::Ctx;
use crate::domain::appraisal::{parse_count, parse_date, Votes};
use crate::domain::finding::{Finding, Severity, Source};
use crate::domain::key::HouseholdKey;
use crate::domain::list::Code;
use crate::domain::roster::Roster;
use crate::domain::screen::Decision;
use crate::io::csvin;
use crate::io::sheet;
use crate::io::table::{read_table, Field};

const MEETING_FIELDS: [Field; 5] = [
    Field::required("村", "village"),
    Field::required("日期", "date"),
    Field::required("到会人数", "present"),
    Field::optional("主持人", "chair"),
    Field::optional("记录人", "recorder"),
];

const VOTE_FIELDS: [Field; 5] = [
    Field::required("村", "village"),
    Field::required("户编号", "household_id"),
    Field::required("赞成", "for"),
    Field::required("反对", "against"),
    Field::required("弃权", "abstain"),
];

/// A meeting of a village's representatives.
#[derive(Clone, Debug)]
pub struct Meeting {
    pub date: NaiveDate,
    pub present: u32,
    /// 主持人 and 记录人, when the sheet names them.
    pub chair: String,
    pub recorder: String,
    pub src: Source,
    /// Given by `--village --date --present`, now or in an earlier run.
    pub given: bool,
}

/// The `source` of a meeting given on the command line in `out/meetings.csv`.
pub const GIVEN: &str = "command line";

/// A vote row; `votes` is `None` when a cell could not be read.
pub struct VoteRow {
    pub village: usize,
    pub household: String,
    pub votes: Option<Votes>,
    pub src: Source,
}

/// What the sheets hold.
#[derive(Default)]
pub struct Sheets {
    pub meetings: BTreeMap<usize, Meeting>,
    /// Villages with a meeting row, readable or not.
    pub attempted: BTreeSet<usize>,
    pub votes: Vec<VoteRow>,
    pub findings: Vec<Finding>,
    /// The campaign year, against which meeting dates are checked.
    pub year: i32,
    /// The village whose meeting the flags give: its meeting rows are ignored.
    pub flag_village: Option<usize>,
}

impl Sheets {
    /// Read the meeting and vote tables of one file.
    pub fn read_file(&mut self, ctx: &Ctx, roster: &Roster, path: &Path) {
        let label = ctx.rel(path);
        let sheets = match sheet::read_file(path, None) {
            Ok(x) => x,
            Err(e) => return self.findings.push(file_finding(&label, "", e)),
        };
        let mut any = false;
        for sh in &sheets {
            for (fields, is_meeting) in [(&MEETING_FIELDS, true), (&VOTE_FIELDS, false)] {
                let rows = match read_table(sh, fields) {
                    Ok(Some(r)) => r,
                    Ok(None) => continue,
                    Err(e) => {
                        self.findings.push(file_finding(&label, &sh.name, e));
                        any = true;
                        continue;
                    }
                };
                any = true;
                for row in rows {
                    let src = Source {
                        file: label.as_str().into(),
                        sheet: sh.name.as_str().into(),
                        row: row.line,
                    };
                    if is_meeting {
                        self.meeting_row(roster, &row.cells, src);
                    } else {
                        self.vote_row(roster, &row.cells, src);
                    }
                }
            }
        }
        if !any {
            self.findings.push(file_finding(
                &label,
                "",
                "no meeting or vote table: a header row with 村, 日期, 到会人数 or with 村, 户编号, 赞成, 反对, 弃权 was not found".into(),
            ));
        }
    }

    fn meeting_row(&mut self, roster: &Roster, cells: &[String], src: Source) {
        let [village, date, present, chair, recorder] = cells else {
            return;
        };
        // A village listed with nothing filled in has not met yet.
        if date.is_empty() && present.is_empty() {
            return;
        }
        let Some((vi, v)) = roster.find(village) else {
            return self.findings.push(unknown_village(village, "", &src));
        };
        if self.flag_village == Some(vi) {
            return;
        }
        self.attempted.insert(vi);
        let at = |col: &str, msg: String| {
            Finding::error("meeting_value", msg)
                .at(&src)
                .column(col)
                .household(&v.name, "")
        };
        let d = parse_date(date);
        if d.is_none() {
            let msg =
                format!("meeting date {date:?} is not a date such as 2015-06-04 or 2015年6月4日");
            self.findings.push(at("日期", msg));
        }
        let p = match parse_count(present) {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                let msg = "到会人数 (representatives present) is empty".to_string();
                self.findings.push(at("到会人数", msg));
                None
            }
            Err(e) => {
                let msg = format!("到会人数 (representatives present) {e}");
                self.findings.push(at("到会人数", msg));
                None
            }
        };
        let (Some(date), Some(present)) = (d, p) else {
            return;
        };
        if date.year() != self.year {
            let msg = format!(
                "the meeting date {date} is not in the campaign year {}",
                self.year
            );
            let mut f = at("日期", msg);
            f.severity = Severity::Warning;
            self.findings.push(f);
        }
        if let Some(prev) = self.meetings.get(&vi) {
            if (prev.date, prev.present) != (date, present) {
                let msg = format!(
                    "a second meeting is recorded for {} ({date}, {present} present; also {} row {}: {}, {} present): keep only the meeting whose votes are handed in",
                    v.name, prev.src.file, prev.src.row, prev.date, prev.present
                );
                let mut f = at("日期", msg);
                f.kind = "meeting_twice";
                self.findings.push(f);
            }
            return;
        }
        let m = Meeting {
            date,
            present,
            chair: chair.clone(),
            recorder: recorder.clone(),
            src,
            given: false,
        };
        self.meetings.insert(vi, m);
    }

    fn vote_row(&mut self, roster: &Roster, cells: &[String], src: Source) {
        let [village, hh, cols @ ..] = cells else {
            return;
        };
        let Some((vi, v)) = roster.find(village) else {
            return self.findings.push(unknown_village(village, hh, &src));
        };
        let at = |col: &str, msg: String| {
            Finding::error("vote_value", msg)
                .at(&src)
                .column(col)
                .household(&v.name, hh)
        };
        if hh.is_empty() {
            let msg = "户编号 (household number) is empty".to_string();
            return self.findings.push(at("户编号", msg));
        }
        let mut counts = [0u32; 3];
        let mut ok = true;
        for ((cell, slot), name) in cols.iter().zip(&mut counts).zip(["赞成", "反对", "弃权"])
        {
            match parse_count(cell) {
                Ok(n) => *slot = n.unwrap_or(0),
                Err(e) => {
                    self.findings.push(at(name, format!("{name} {e}")));
                    ok = false;
                }
            }
        }
        if ok && cols.iter().all(|c| c.is_empty()) {
            let msg = "no votes are filled in (赞成, 反对, 弃权 are all blank)".to_string();
            self.findings.push(at("赞成", msg));
            ok = false;
        }
        let votes = ok.then_some(Votes {
            for_: counts[0],
            against: counts[1],
            abstain: counts[2],
        });
        self.votes.push(VoteRow {
            village: vi,
            household: hh.clone(),
            votes,
            src,
        });
    }

    /// The meetings given on the command line in earlier runs, which
    /// `out/meetings.csv` (at `path`, named `label`) records with the source
    /// [`GIVEN`]: each village's meeting, or the finding on a row that
    /// cannot be read (a meeting is never silently dropped).
    pub fn given_before(
        &mut self,
        roster: &Roster,
        path: &Path,
        label: &str,
    ) -> Vec<(usize, Result<Meeting, Finding>)> {
        let mut out = Vec::new();
        if !path.is_file() {
            return out;
        }
        let rows = match csvin::read_rows(path) {
            Ok(rows) => rows,
            Err(e) => {
                let msg = format!("{e:#}: the meetings given on the command line before cannot be read; give them again with --village --date --present");
                self.findings.push(file_finding(label, "", msg));
                return out;
            }
        };
        for (line, r) in rows {
            let g = |c: &str| r.get(c).map(String::as_str).unwrap_or("");
            if g("source") != GIVEN {
                continue;
            }
            // A village taken off the roster has no households to appraise.
            let Some(vi) = roster
                .villages
                .iter()
                .position(|v| v.code == g("village_code"))
            else {
                continue;
            };
            let name = &roster.villages[vi].name;
            let src = Source {
                file: label.into(),
                sheet: "".into(),
                row: line as u64,
            };
            let m = match (parse_date(g("date")), parse_count(g("present"))) {
                (Some(date), Ok(Some(present))) => Ok(Meeting {
                    date,
                    present,
                    chair: String::new(),
                    recorder: String::new(),
                    src,
                    given: true,
                }),
                _ => {
                    let msg = format!(
                        "the meeting of {name} given on the command line before cannot be read (date {:?}, present {:?}): give it again with --village --date --present",
                        g("date"),
                        g("present")
                    );
                    Err(Finding::error("meeting_value", msg)
                        .at(&src)
                        .household(name, ""))
                }
            };
            out.push((vi, m));
        }
        out
    }

    /// Vote rows against the primary list, each other and the meeting.
    /// `decisions` holds every household of the primary list.
    pub fn check_votes(&mut self, roster: &Roster, decisions: &HashMap<HouseholdKey, Decision>) {
        // By village, each in the order of the sheets.
        self.votes.sort_by_key(|r| r.village);
        let mut seen: HashMap<(usize, &str), (&Source, Option<Votes>)> = HashMap::new();
        for r in &self.votes {
            let v = &roster.villages[r.village];
            let hh = &r.household;
            let at = |kind, msg: String| {
                Finding::error(kind, msg)
                    .at(&r.src)
                    .column("户编号")
                    .household(&v.name, hh)
            };
            let decision = decisions.get(&HouseholdKey::new(v.code.as_str(), hh.as_str()));
            if decision.is_none_or(|d| *d != Decision::Admitted) {
                let msg = match decision {
                    Some(d) => format!("household {hh} of {} is on the primary list as {}, not admitted: only admitted households are appraised", v.name, d.code()),
                    None => format!("household {hh} of {} is not on the primary list", v.name),
                };
                self.findings.push(at("vote_unknown_household", msg));
                continue;
            }
            if let Some((prev, pv)) = seen.get(&(r.village, hh.as_str())) {
                let same = *pv == r.votes;
                let msg = format!(
                    "household {hh} is listed twice in the vote sheets (also {} row {}){}",
                    prev.file,
                    prev.row,
                    if same {
                        " with the same votes"
                    } else {
                        " with different votes: keep one row"
                    }
                );
                let mut f = at("vote_twice", msg);
                if same {
                    f.severity = Severity::Warning;
                }
                self.findings.push(f);
                continue;
            }
            seen.insert((r.village, hh.as_str()), (&r.src, r.votes));
            if let (Some(votes), Some(m)) = (r.votes, self.meetings.get(&r.village)) {
                if let Err(msg) = votes.check(m.present) {
                    self.findings.push(at("vote_sum", msg).column("赞成"));
                }
            }
        }
    }

    /// The vote rows of a village (once `check_votes` has sorted them).
    fn of(&self, village: usize) -> &[VoteRow] {
        let from = self.votes.partition_point(|r| r.village < village);
        let to = self.votes.partition_point(|r| r.village <= village);
        &self.votes[from..to]
    }

    /// The votes of a village's households (the first row of each).
    pub fn votes_of(&self, village: usize) -> HashMap<&str, Votes> {
        let mut out = HashMap::new();
        for r in self.of(village) {
            if let Some(v) = r.votes {
                out.entry(r.household.as_str()).or_insert(v);
            }
        }
        out
    }

    /// The households of a village with a vote row, readable or not.
    pub fn voted(&self, village: usize) -> BTreeSet<&str> {
        self.of(village)
            .iter()
            .map(|r| r.household.as_str())
            .collect()
    }
}

fn file_finding(file: &str, sheet: &str, msg: String) -> Finding {
    let mut f = Finding::error("appraisal_file", msg);
    f.file = file.to_string();
    f.sheet = sheet.to_string();
    f
}

fn unknown_village(cell: &str, hh: &str, src: &Source) -> Finding {
    let msg = if cell.is_empty() {
        "村 (village) is empty".to_string()
    } else {
        format!("village {cell:?} is not in the roster (villages.csv)")
    };
    Finding::error("appraisal_village", msg)
        .at(src)
        .column("村")
        .household(cell, hh)
}
