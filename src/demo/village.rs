//! One village of the demo town: its application sheet, written household
//! by household, its survey rows and the errors placed in it.

use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

use super::household::{self, Calendar, VillageStyle};
use super::ids::IdAllocator;
use super::inject::{self, DupSource, Injection, Kind};
use super::names;
use super::write::{household_rows, Sheet};

/// Everything decided about a village before its households are drawn.
#[derive(Clone, Debug)]
pub struct VillagePlan {
    pub index: usize,
    pub code: String,
    pub name: String,
    pub population: u64,
    pub roster_households: u64,
    pub key: bool,
    pub representatives: Option<u32>,
    /// Applicant households.
    pub applicants: u32,
    /// Share of households below the standard.
    pub eligible_share: f64,
    /// Written as a workbook; `Some(true)` with a title row.
    pub xlsx: Option<bool>,
    /// Path of the application sheet, relative to the campaign folder.
    pub file: String,
    pub injections: Vec<Injection>,
    /// A name that is not in the roster, for the unknown-village error.
    pub stray_name: String,
}

/// Town-wide settings shared by all villages.
pub struct Town {
    pub seed: u64,
    pub villages: usize,
    pub year: i32,
    pub cal: Calendar,
}

/// One error as `demo-errors.txt` lists it.
#[derive(Clone, Debug)]
pub struct ErrorNote {
    pub file: String,
    pub row: usize,
    pub household: u32,
    pub severity: &'static str,
    pub what: String,
}

pub struct VillageOut {
    pub persons: usize,
    /// Survey rows as CSV, without header.
    pub survey: Vec<u8>,
    pub notes: Vec<ErrorNote>,
    pub dup_source: Option<DupSource>,
}

/// An independent random stream for (seed, village, household).
pub fn stream(seed: u64, village: u64, household: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&village.to_le_bytes());
    key[16..24].copy_from_slice(&household.to_le_bytes());
    key[24..].copy_from_slice(b"fupindem");
    ChaCha8Rng::from_seed(key)
}

/// Write the village's application sheet under `dir` and return its survey
/// rows and notes. `dup` is the person to list again when this village
/// holds the duplicate's copy.
pub fn generate(
    dir: &Path,
    plan: &VillagePlan,
    town: &Town,
    dup: Option<&DupSource>,
) -> Result<VillageOut> {
    let mut rng = stream(town.seed, plan.index as u64, u64::MAX);
    let style = VillageStyle {
        dominant: names::dominant_surnames(&mut rng),
        national_labels: rng.gen_bool(0.3),
        eligible_share: plan.eligible_share,
        blank_flags: rng.gen_bool(0.2),
    };
    let repeat = rng.gen_bool(0.15);
    let mut alloc = IdAllocator::new(plan.index, town.villages, town.cal.last_birth);
    let path = dir.join(&plan.file);
    let mut sheet = match plan.xlsx {
        None => Sheet::csv(&path)?,
        Some(titled) => {
            let title = format!("{}贫困户申请表", plan.name);
            Sheet::xlsx(&plan.name, titled.then_some(title.as_str()))?
        }
    };
    // Sheet rows are 0-based; the header is the row before `next_row`.
    let mut next_row: u32 = if plan.xlsx == Some(true) { 2 } else { 1 };
    let mut survey = csv::Writer::from_writer(Vec::new());
    let mut out = VillageOut {
        persons: 0,
        survey: Vec::new(),
        notes: Vec::new(),
        dup_source: None,
    };
    let mut local_dup: Option<DupSource> = dup.cloned();

    for number in 1..=plan.applicants {
        let mut hrng = stream(town.seed, plan.index as u64, number as u64);
        let kinds: Vec<Kind> = plan
            .injections
            .iter()
            .filter(|i| i.household == number)
            .map(|i| i.kind)
            .collect();
        let min_size = kinds.iter().map(|k| k.min_size()).max().unwrap_or(1);
        let mut hh =
            household::generate(&mut hrng, &style, &town.cal, &mut alloc, number, min_size);
        for kind in kinds {
            if kind == Kind::DuplicateSource {
                if let Some(m) = inject::source_member(&hh) {
                    let src = DupSource {
                        person: hh.members[m].clone(),
                        file: plan.file.clone(),
                        row: (next_row as usize) + m + 1,
                        household: number,
                    };
                    out.dup_source = Some(src.clone());
                    local_dup = Some(src);
                }
                continue;
            }
            if let Some(p) = inject::apply(kind, &mut hh, &plan.stray_name, local_dup.as_ref()) {
                out.notes.push(ErrorNote {
                    file: plan.file.clone(),
                    row: next_row as usize + p.member + 1,
                    household: number,
                    severity: p.severity,
                    what: p.what,
                });
            }
        }
        household_rows(&mut sheet, next_row, &plan.name, &hh, repeat)?;
        next_row += hh.members.len() as u32;
        out.persons += hh.members.len();
        survey_row(&mut survey, &mut hrng, &plan.name, &hh)?;
    }
    sheet.finish(&path, town.year)?;
    out.survey = survey
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
    Ok(out)
}

/// The survey team's finding on a household, if it visited it.
fn survey_row(
    w: &mut csv::Writer<Vec<u8>>,
    rng: &mut ChaCha8Rng,
    village: &str,
    hh: &household::Household,
) -> Result<()> {
    if rng.gen_bool(0.03) {
        return Ok(());
    }
    let n = hh.members.len() as i64;
    let number = hh.number.to_string();
    let declared_yuan = hh.net_fen / 100;
    if rng.gen_bool(0.04) {
        const REASONS: [&str; 4] = [
            "家庭实际收入超标",
            "隐瞒财产",
            "子女有赡养能力",
            "家庭成员有财政供养人员",
        ];
        let reason = REASONS[rng.gen_range(0..REASONS.len())];
        let verified = if reason == "家庭实际收入超标" {
            let floor = super::income::STANDARD_FEN / 100 * n + 1;
            let raised = (declared_yuan as f64 * rng.gen_range(1.6..2.4)) as i64;
            raised.max(floor + rng.gen_range(0..2000 * n)).to_string()
        } else {
            String::new()
        };
        w.write_record([village, &number, &verified, "剔除", reason])?;
    } else {
        let verified = if rng.gen_bool(0.25) {
            ((declared_yuan as f64 * rng.gen_range(0.9..1.1)) as i64).to_string()
        } else {
            String::new()
        };
        w.write_record([village, &number, &verified, "通过", ""])?;
    }
    Ok(())
}
