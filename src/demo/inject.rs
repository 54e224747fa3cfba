//! Deliberate data errors for the demo town, of the kinds the checks of
//! DESIGN 2.10 must catch, each recorded so `demo-errors.txt` can list it.

use super::household::{Household, Person, Role};
use super::ids;

/// The kinds of injected error, in the order they are handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    CheckDigit,
    TwoHeads,
    IncomeText,
    /// The person whose number is copied (not an error in itself).
    DuplicateSource,
    /// The household that lists the copied person again.
    DuplicateTarget,
    Legacy15,
    SexMismatch,
    UnknownVillage,
    SizeMismatch,
}

pub const ALL: [Kind; 9] = [
    Kind::CheckDigit,
    Kind::TwoHeads,
    Kind::IncomeText,
    Kind::DuplicateSource,
    Kind::DuplicateTarget,
    Kind::Legacy15,
    Kind::SexMismatch,
    Kind::UnknownVillage,
    Kind::SizeMismatch,
];

impl Kind {
    /// Persons the household needs for the error to be placed.
    pub fn min_size(self) -> usize {
        match self {
            Kind::TwoHeads | Kind::SexMismatch | Kind::UnknownVillage | Kind::DuplicateSource => 2,
            _ => 1,
        }
    }
}

/// An error placed in household `household` of a village.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Injection {
    pub kind: Kind,
    pub household: u32,
}

/// What was done to which member; the writer adds file and row.
pub struct Placed {
    pub member: usize,
    pub severity: &'static str,
    pub what: String,
}

/// The person whose number another household lists again.
#[derive(Clone, Debug)]
pub struct DupSource {
    pub person: Person,
    pub file: String,
    pub row: usize,
    pub household: u32,
}

/// Change `hh` to carry the error; `None` when the household cannot (the
/// duplicate source, which is reported with its copy).
pub fn apply(
    kind: Kind,
    hh: &mut Household,
    other_village: &str,
    dup: Option<&DupSource>,
) -> Option<Placed> {
    let last = hh.members.len().saturating_sub(1);
    match kind {
        Kind::CheckDigit => {
            let m = hh.members.get_mut(last)?;
            let good = std::mem::take(&mut m.id);
            m.id = ids::break_check(&good);
            Some(placed(
                last,
                "error",
                format!(
                    "身份证号 {} has a wrong check character (valid: {good})",
                    m.id
                ),
            ))
        }
        Kind::TwoHeads => {
            let m = hh.members.get_mut(1)?;
            let was = m.relation;
            m.relation = "户主";
            Some(placed(
                1,
                "error",
                format!(
                    "a second 户主 (head) in household {} (was {was})",
                    hh.number
                ),
            ))
        }
        Kind::IncomeText => {
            hh.net_cell = "三千元".into();
            hh.per_capita_cell.clear();
            Some(placed(
                0,
                "error",
                "家庭年纯收入 written as 三千元, not a number".into(),
            ))
        }
        Kind::DuplicateSource => None,
        Kind::DuplicateTarget => {
            let src = dup?;
            let mut copy = src.person.clone();
            copy.role = Role::ChildInLaw;
            copy.relation = "其他";
            copy.village_cell = None;
            hh.members.push(copy);
            hh.size_cell = hh.members.len().to_string();
            Some(placed(
                hh.members.len() - 1,
                "error",
                format!(
                    "duplicate 身份证号 {} ({}), also listed in {} row {} (household {})",
                    src.person.id, src.person.name, src.file, src.row, src.household
                ),
            ))
        }
        Kind::Legacy15 => {
            let m = hh.members.first_mut()?;
            let short = ids::legacy15(&m.id)?;
            let full = std::mem::replace(&mut m.id, short);
            Some(placed(
                0,
                "warning",
                format!("15-digit legacy 身份证号 {} (converts to {full})", m.id),
            ))
        }
        Kind::SexMismatch => {
            let m = hh.members.get_mut(1)?;
            m.sex_cell = if m.male { "女" } else { "男" };
            let id_says = if m.male { "男" } else { "女" };
            Some(placed(
                1,
                "warning",
                format!("性别 is {} but the 身份证号 says {id_says}", m.sex_cell),
            ))
        }
        Kind::UnknownVillage => {
            let m = hh.members.get_mut(last)?;
            m.village_cell = Some(other_village.to_string());
            Some(placed(
                last,
                "error",
                format!("村 is {other_village}, which is not in villages.csv"),
            ))
        }
        Kind::SizeMismatch => {
            let n = hh.members.len();
            hh.size_cell = (n + 1).to_string();
            Some(placed(
                0,
                "error",
                format!("家庭人口 says {} but {n} persons are listed", n + 1),
            ))
        }
    }
}

/// The member whose number is copied: the last one, not the head.
pub fn source_member(hh: &Household) -> Option<usize> {
    (hh.members.len() >= 2).then(|| hh.members.len() - 1)
}

fn placed(member: usize, severity: &'static str, what: String) -> Placed {
    Placed {
        member,
        severity,
        what,
    }
}
