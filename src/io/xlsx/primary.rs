//! primary list workbook (placeholder until the layout lands)
use anyhow::Result;
use std::path::Path;

use crate::domain::campaign::Campaign;
use crate::domain::roster::Roster;
use crate::domain::screen::PrimaryList;

pub fn write_primary(
    _path: &Path,
    _list: &PrimaryList,
    _roster: &Roster,
    _campaign: &Campaign,
    _provisional: bool,
) -> Result<()> {
    Ok(())
}
