//! The chain of stages (DESIGN 1): each stage reads the list the previous
//! stage wrote. A stage whose input does not exist yet, or is older than the
//! list it derives from, fails with the command to run first.

use anyhow::Result;
use std::path::PathBuf;
use std::time::SystemTime;

use super::{data, Ctx};

/// A stage of publicity and review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    Village,
    Town,
    County,
}

impl Stage {
    pub fn en(self) -> &'static str {
        match self {
            Stage::Village => "village",
            Stage::Town => "town",
            Stage::County => "county",
        }
    }
    /// The list a notice or review of this stage reads, and the command
    /// that writes it.
    pub fn input(self) -> (&'static str, &'static str) {
        match self {
            Stage::Village => ("appraised.csv", "fupin appraise"),
            Stage::Town => ("after-village-review.csv", "fupin review --stage village"),
            Stage::County => ("after-town-review.csv", "fupin review --stage town"),
        }
    }
    /// The list this stage's review writes.
    pub fn output(self) -> String {
        format!("after-{}-review.csv", self.en())
    }
}

/// The lists in the order they derive from each other.
pub const ORDER: [(&str, &str); 6] = [
    ("register.csv", "fupin import"),
    ("primary-list.csv", "fupin screen"),
    ("appraised.csv", "fupin appraise"),
    ("after-village-review.csv", "fupin review --stage village"),
    ("after-town-review.csv", "fupin review --stage town"),
    ("after-county-review.csv", "fupin review --stage county"),
];

fn modified(p: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// The path of `out/<name>`, which must exist and be no older than the list
/// it derives from; otherwise a data error naming the command to run.
pub fn require(ctx: &Ctx, name: &str) -> Result<PathBuf> {
    let i = ORDER.iter().position(|(n, _)| *n == name).unwrap_or(0);
    let (_, cmd) = ORDER[i];
    let path = ctx.out().join(name);
    let Some(t) = modified(&path) else {
        return Err(data(format!(
            "out/{name} does not exist yet: run `{cmd}` first"
        )));
    };
    if i > 0 {
        let (prev, _) = ORDER[i - 1];
        if let Some(tp) = modified(&ctx.out().join(prev)) {
            if tp > t {
                return Err(data(format!(
                    "out/{name} is older than out/{prev}, which it derives from: run `{cmd}` again"
                )));
            }
        }
    }
    Ok(path)
}
