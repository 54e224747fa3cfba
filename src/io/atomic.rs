//! Atomic writes: every output goes to a temporary file in the same folder
//! and is renamed into place, so a reader sees the old file or the new one.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, |f| f.write_all(bytes).map_err(Into::into))
}

/// Create `path` atomically from a writer callback.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut std::fs::File) -> Result<()>) -> Result<()> {
    let dir = parent_dir(path)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".fupin-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    fill(tmp.as_file_mut()).with_context(|| format!("cannot write {}", path.display()))?;
    readable(tmp.path())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Create `path` atomically from a callback that writes to a file path
/// (for libraries that save to a path, such as the workbook writer).
pub fn write_via_path(path: &Path, save: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let dir = parent_dir(path)?;
    let tmp = tempfile::Builder::new()
        .prefix(".fupin-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    save(tmp.path()).with_context(|| format!("cannot write {}", path.display()))?;
    readable(tmp.path())?;
    std::fs::File::open(tmp.path())?.sync_all()?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Temporary files are created private (0600); outputs are ordinary files
/// that colleagues on the same machine may read.
pub fn readable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))?;
    }
    let _ = path;
    Ok(())
}

fn parent_dir(path: &Path) -> Result<&Path> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file() {
        let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let p = d.path().join("sub/a.txt");
        write_bytes(&p, b"one").unwrap(); // ok: test code, not built into fupin
        write_bytes(&p, b"two").unwrap(); // ok: test code, not built into fupin
        assert_eq!(std::fs::read(&p).unwrap(), b"two"); // ok: test code, not built into fupin
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, // ok: test code, not built into fupin
                0o644
            );
        }
        assert_eq!(std::fs::read_dir(d.path().join("sub")).unwrap().count(), 1);
        // ok: test code, not built into fupin
    }
}
