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

/// A writer for a large output that has the system start writing it to
/// disk while it is still being filled, so that the final `sync_all` before
/// the rename waits for the last part only: every `every` bytes, a
/// background thread syncs what has been written so far. Dropped without
/// [`SyncAhead::finish`], the thread ends after its current sync.
pub struct SyncAhead<W: Write> {
    inner: W,
    unsynced: u64,
    every: u64,
    tx: Option<std::sync::mpsc::SyncSender<()>>,
    syncer: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// A [`SyncAhead`] writer whose last bytes are being synced in the
/// background: [`Syncing::wait`] returns once they are on disk.
pub struct Syncing<W> {
    inner: W,
    syncer: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl<W> Syncing<W> {
    /// Wait for the last sync; the writer back.
    pub fn wait(self) -> std::io::Result<W> {
        if let Some(h) = self.syncer {
            h.join()
                .map_err(|_| std::io::Error::other("the disk sync stopped"))??;
        }
        Ok(self.inner)
    }
}

impl<W: Write> SyncAhead<W> {
    /// `file` is the file that `inner` writes to.
    pub fn new(inner: W, file: &std::fs::File, every: u64) -> SyncAhead<W> {
        let (tx, syncer) = match file.try_clone() {
            Ok(f) => {
                // One request waits at most: a sync that is running covers
                // the bytes written before it started.
                let (tx, rx) = std::sync::mpsc::sync_channel::<()>(1);
                let h = std::thread::spawn(move || {
                    for () in rx {
                        // A failure shows again in the last sync.
                        let _ = f.sync_data();
                    }
                    f.sync_all()
                });
                (Some(tx), Some(h))
            }
            Err(_) => (None, None),
        };
        SyncAhead {
            inner,
            unsynced: 0,
            every: every.max(1),
            tx,
            syncer,
        }
    }

    /// Flush, and sync the rest in the background: what is left to do
    /// meanwhile goes on while the disk catches up.
    pub fn finish(self) -> std::io::Result<Syncing<W>> {
        let SyncAhead {
            mut inner,
            tx,
            syncer,
            ..
        } = self;
        inner.flush()?;
        // The background thread syncs the whole file once it hears no more.
        drop(tx);
        Ok(Syncing { inner, syncer })
    }
}

impl<W: Write> Write for SyncAhead<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= self.every {
            if let Some(tx) = &self.tx {
                // The data must have reached the file to be synced.
                self.inner.flush()?;
                // Refused when a request already waits: that one covers
                // these bytes too.
                let _ = tx.try_send(());
            }
            self.unsynced = 0;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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
        let entries = std::fs::read_dir(d.path().join("sub")).unwrap(); // ok: test code, not built into fupin
        assert_eq!(entries.count(), 1);
    }

    #[test]
    fn sync_ahead_writes_every_byte_in_order() {
        let d = tempfile::tempdir().unwrap(); // ok: test code, not built into fupin
        let p = d.path().join("big.csv");
        let file = std::fs::File::create(&p).unwrap(); // ok: test code, not built into fupin
        let mut w = SyncAhead::new(std::io::BufWriter::with_capacity(64, &file), &file, 100);
        let mut want = Vec::new();
        for i in 0..500u32 {
            let line = format!("{i},行{i}\n");
            w.write_all(line.as_bytes()).unwrap(); // ok: test code, not built into fupin
            want.extend_from_slice(line.as_bytes());
        }
        drop(w.finish().unwrap().wait().unwrap()); // ok: test code, not built into fupin
        assert_eq!(std::fs::read(&p).unwrap(), want); // ok: test code, not built into fupin
    }
}
