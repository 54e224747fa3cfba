//! `out/journal.jsonl`: one line per command, for the auditor.

use anyhow::{Context, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;

use crate::domain::chain::{Round, Step};

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// SHA-256 of bytes, hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A file's size and modification time, as the journal records them.
pub fn seen(path: &Path) -> Option<(u64, u64)> {
    let m = std::fs::metadata(path).ok()?;
    let t = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((m.len(), u64::try_from(t.as_nanos()).ok()?))
}

/// A reader that hashes what passes through it: a command that reads a
/// large input whole records the digest of what it read, and the journal
/// need not read the file again.
pub struct HashingReader<R> {
    inner: R,
    hash: Sha256,
    at_end: bool,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> HashingReader<R> {
        HashingReader {
            inner,
            hash: Sha256::new(),
            at_end: false,
        }
    }
    /// The digest of the whole input, once it has been read to the end.
    pub fn digest(&self) -> Option<String> {
        self.at_end
            .then(|| format!("{:x}", self.hash.clone().finalize()))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        if n == 0 && !buf.is_empty() {
            self.at_end = true;
        }
        Ok(n)
    }
}

/// Append one line, written in a single call so lines never interleave.
pub fn append(out_dir: &Path, entry: &Value) -> Result<()> {
    std::fs::create_dir_all(out_dir)?;
    let mut line = serde_json::to_string(entry)?;
    line.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out_dir.join("journal.jsonl"))
        .context("cannot open out/journal.jsonl")?;
    f.write_all(line.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// A command's inputs, with the digests it took of those it read whole.
pub struct Inputs<'a> {
    pub paths: &'a [std::path::PathBuf],
    pub known: &'a std::collections::HashMap<std::path::PathBuf, String>,
}

/// A journal entry.
pub fn entry(
    command: &str,
    args: &[String],
    base: &Path,
    inputs: Inputs<'_>,
    outputs: &[std::path::PathBuf],
    exit: i32,
    counts: &Value,
) -> Value {
    let rel = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    use rayon::prelude::*;
    let known = inputs.known;
    let inputs: Vec<Value> = inputs
        .paths
        .par_iter()
        .map(|p| {
            let sha = match known.get(p) {
                Some(s) => s.clone(),
                None => sha256_file(p).unwrap_or_default(),
            };
            match seen(p) {
                Some((size, modified)) => {
                    json!({"path": rel(p), "sha256": sha, "size": size, "modified": modified})
                }
                None => json!({"path": rel(p), "sha256": sha}),
            }
        })
        .collect();
    json!({
        "time": chrono::Local::now().to_rfc3339(),
        "command": command,
        "args": args,
        "exit": exit,
        "inputs": inputs,
        "outputs": outputs.iter().map(|p| rel(p)).collect::<Vec<_>>(),
        "counts": counts,
    })
}

/// The last entry of `out/journal.jsonl` of a step of the chain that
/// exited 0 and was not provisional, however it was run (files named,
/// `--no-changes`, a meeting given on the command line, notices as CSV).
pub fn last_success(out_dir: &Path, step: Step) -> Option<Value> {
    let text = std::fs::read_to_string(out_dir.join("journal.jsonl")).ok()?;
    text.lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| {
            e["exit"] == 0
                && step_of(e) == Some(step)
                && !strings(e, "args").iter().any(|a| a == "--provisional")
        })
}

/// The strings of an entry's array (`args`, `outputs`).
pub fn strings(e: &Value, key: &str) -> Vec<String> {
    e[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// The step of the chain an entry ran, from its command and `--stage`.
pub fn step_of(e: &Value) -> Option<Step> {
    let args = strings(e, "args");
    let round = args
        .iter()
        .position(|x| x == "--stage")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| Round::from_name(&r.to_lowercase()));
    Step::find(e["command"].as_str()?, round)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_reader_gives_the_file_digest_at_the_end() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut r = HashingReader::new(&data[..]);
        let mut buf = [0u8; 7000];
        assert_eq!(r.read(&mut buf).unwrap(), 7000); // ok: test code, not built into fupin
        assert_eq!(r.digest(), None);
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap(); // ok: test code, not built into fupin
        assert_eq!(r.digest(), Some(sha256_bytes(&data)));
        let tmp = std::env::temp_dir().join(format!("fupin-hash-{}", std::process::id()));
        std::fs::write(&tmp, &data).unwrap(); // ok: test code, not built into fupin
        assert_eq!(sha256_file(&tmp).unwrap(), sha256_bytes(&data)); // ok: test code, not built into fupin
        let _ = std::fs::remove_file(tmp);
    }
}
