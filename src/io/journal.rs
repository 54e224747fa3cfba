//! `out/journal.jsonl`: one line per command, for the auditor.

use anyhow::{Context, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;

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

/// A journal entry.
pub fn entry(
    command: &str,
    args: &[String],
    base: &Path,
    inputs: &[std::path::PathBuf],
    outputs: &[std::path::PathBuf],
    exit: i32,
    counts: &Value,
) -> Value {
    let rel = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    use rayon::prelude::*;
    let inputs: Vec<Value> = inputs
        .par_iter()
        .map(|p| json!({"path": rel(p), "sha256": sha256_file(p).unwrap_or_default()}))
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

/// The last entry of `out/journal.jsonl` for a command and its `--stage`
/// that exited 0 and was not provisional.
pub fn last_success(out_dir: &Path, args: &[&str]) -> Option<Value> {
    let text = std::fs::read_to_string(out_dir.join("journal.jsonl")).ok()?;
    let stage = |a: &[String]| {
        a.iter()
            .position(|x| x == "--stage")
            .and_then(|i| a.get(i + 1))
            .cloned()
    };
    let want_stage = args
        .iter()
        .position(|x| *x == "--stage")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.to_string());
    text.lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| {
            let a: Vec<String> = e["args"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect();
            e["command"] == args[0]
                && e["exit"] == 0
                && stage(&a) == want_stage
                && !a.iter().any(|x| x == "--provisional" || x == "--format")
        })
}
