//! The campaign's input folders as fupin reads them.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The files of an input folder that fupin should read: not hidden, not an
/// office lock file (`~$…`), sorted by name.
pub fn folder_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in
        std::fs::read_dir(dir).with_context(|| format!("cannot read folder {}", dir.display()))?
    {
        let e = e?;
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name.starts_with("~$") || !e.file_type()?.is_file() {
            continue;
        }
        v.push(e.path());
    }
    v.sort();
    Ok(v)
}

/// `p` relative to the campaign folder `base`, as messages and the journal
/// name files.
pub fn rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}
