//! The campaign's input folders as fupin reads them.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The extensions of the sheet formats fupin reads (told apart by content,
/// but a file of another kind in an input folder is not a sheet).
pub const SHEET_EXTENSIONS: [&str; 5] = ["csv", "xlsx", "xlsm", "xls", "ods"];

/// Whether a file's name ends in a sheet format's extension.
pub fn is_sheet(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| SHEET_EXTENSIONS.contains(&e.as_str()))
}

/// The files of an input folder: the sheets fupin should read, and the
/// other files (notes, photos, documents), which it skips. Hidden files and
/// office lock files (`~$…`) are neither; both lists are sorted by name.
pub fn folder_contents(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut sheets = Vec::new();
    let mut others = Vec::new();
    for e in
        std::fs::read_dir(dir).with_context(|| format!("cannot read folder {}", dir.display()))?
    {
        let e = e?;
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name.starts_with("~$") || !e.file_type()?.is_file() {
            continue;
        }
        if is_sheet(&e.path()) {
            sheets.push(e.path());
        } else {
            others.push(e.path());
        }
    }
    sheets.sort();
    others.sort();
    Ok((sheets, others))
}

/// The sheets of an input folder that fupin should read (see
/// [`folder_contents`]), sorted by name.
pub fn folder_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(folder_contents(dir)?.0)
}

/// The warning for a file of an input folder that is not a sheet.
pub fn not_a_sheet(name: &str) -> String {
    format!("{name}: not a sheet (.xlsx, .xls, .ods or .csv): skipped")
}

/// `p` relative to the campaign folder `base`, as messages and the journal
/// name files.
pub fn rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}
