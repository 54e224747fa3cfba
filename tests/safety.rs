//! DESIGN 6 under stress: an interrupted command leaves every output old or
//! new, never half written; two commands never write one campaign at once;
//! inputs are never modified; the same inputs in any file and row order give
//! the same lists, notices and workbooks; `status --verify` names what is
//! stale.
//!
//! Run with `--nocapture` to see the timings and what each kill left.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_fupin")
}

/// `fupin -C dir args…`, output captured.
fn fupin(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Run and insist on an exit status.
fn ok(dir: &Path, args: &[&str], code: i32) -> Output {
    let out = fupin(dir, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "fupin -C {} {args:?}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `fupin demo NAME args…` in `parent`.
fn demo(parent: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = Command::new(bin())
        .current_dir(parent)
        .args(["-q", "demo", name])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "fupin demo {name} {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parent.join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            // Keep the modification times: `bind` compares those of the lists.
            std::fs::copy(e.path(), &t).unwrap();
            let m = e.metadata().unwrap().modified().unwrap();
            std::fs::File::options()
                .write(true)
                .open(&t)
                .unwrap()
                .set_modified(m)
                .unwrap();
        }
    }
}

/// Every file under `root`, by path relative to `base` with `/`.
fn walk(root: &Path, base: &Path, v: &mut Vec<(String, PathBuf)>) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    for e in rd {
        let e = e.unwrap();
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            walk(&p, base, v);
        } else {
            let rel = p.strip_prefix(base).unwrap();
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            v.push((rel.join("/"), p));
        }
    }
}

fn is_temp(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with(".fupin-"))
}

/// The files under `out/` but the journal and the lock: (outputs by path,
/// temporary files left by interrupted commands).
fn outputs(town: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut files = Vec::new();
    walk(&town.join("out"), town, &mut files);
    let mut outs = BTreeMap::new();
    let mut temps = Vec::new();
    for (rel, p) in files {
        if rel == "out/journal.jsonl" || rel == "out/.lock" {
            continue;
        }
        if is_temp(&rel) {
            temps.push(rel);
        } else {
            outs.insert(rel, std::fs::read(p).unwrap());
        }
    }
    (outs, temps)
}

/// Every file outside `out/`: content, modification time and permissions.
type Fingerprint = (Vec<u8>, SystemTime, u32);

fn inputs(town: &Path) -> BTreeMap<String, Fingerprint> {
    let mut files = Vec::new();
    walk(town, town, &mut files);
    files
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with("out/"))
        .map(|(rel, p)| {
            let m = std::fs::metadata(&p).unwrap();
            #[cfg(unix)]
            let mode = {
                use std::os::unix::fs::PermissionsExt;
                m.permissions().mode()
            };
            #[cfg(not(unix))]
            let mode = 0;
            (
                rel,
                (std::fs::read(&p).unwrap(), m.modified().unwrap(), mode),
            )
        })
        .collect()
}

fn assert_same_inputs(
    before: &BTreeMap<String, Fingerprint>,
    after: &BTreeMap<String, Fingerprint>,
    what: &str,
) {
    let names = |m: &BTreeMap<String, Fingerprint>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(before), names(after), "{what}: files outside out/");
    for (k, a) in before {
        let b = &after[k];
        assert!(a.0 == b.0, "{what}: {k} was modified");
        assert_eq!(a.1, b.1, "{what}: {k} was rewritten (modification time)");
        assert_eq!(a.2, b.2, "{what}: {k} changed permissions");
    }
}

/// Every line of the journal is a whole JSON object.
fn assert_journal_whole(town: &Path) -> usize {
    let text = std::fs::read_to_string(town.join("out/journal.jsonl")).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "torn last line");
    for (i, l) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(l)
            .unwrap_or_else(|e| panic!("journal line {} is torn: {e}\n{l}", i + 1));
        assert!(v["command"].is_string(), "journal line {}: {l}", i + 1);
    }
    text.lines().count()
}

fn set_key(town: &Path, key: &str, value: &str) {
    let p = town.join("campaign.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut found = false;
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with(&format!("{key} ")) || l.starts_with(&format!("{key}=")) {
                found = true;
                format!("{key} = {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(found, "campaign.toml has no {key}");
    std::fs::write(p, text.join("\n") + "\n").unwrap();
}

/// A town big enough that `screen` and `bind` take a while in a debug
/// build, run end to end once per test process and copied by each test.
fn big_town() -> &'static Path {
    static BIG: OnceLock<PathBuf> = OnceLock::new();
    BIG.get_or_init(|| {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        // Towns of earlier test processes (a static is never dropped): those
        // of processes that are gone, or older than an hour.
        if let Ok(rd) = std::fs::read_dir(&base) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(pid) = name.strip_prefix("safety-") else {
                    continue;
                };
                let gone = Path::new("/proc").is_dir() && !Path::new("/proc").join(pid).exists();
                let old = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|d| d > Duration::from_secs(3600));
                if gone || old {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let dir = base.join(format!("safety-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let t = Instant::now();
        let town = demo(
            &dir,
            "big",
            &["--villages", "20", "--households", "1500", "--clean"],
        );
        eprintln!("big town: demo chain {:.1?}", t.elapsed());
        town
    })
}

fn copy_of_big(parent: &Path, name: &str) -> PathBuf {
    let to = parent.join(name);
    copy_dir(big_town(), &to);
    to
}

/// Put back the files of a snapshot that differ from it, and take away
/// outputs it does not have (temporary files stay, as a crash leaves them).
fn restore(town: &Path, snap: &BTreeMap<String, Vec<u8>>) {
    let (now, _) = outputs(town);
    for (rel, bytes) in snap {
        if now.get(rel) != Some(bytes) {
            std::fs::write(town.join(rel), bytes).unwrap();
        }
    }
    for rel in now.keys() {
        if !snap.contains_key(rel) {
            std::fs::remove_file(town.join(rel)).unwrap();
        }
    }
}

/// When to kill a command.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// This long after it started (while it reads, for short delays).
    After(Duration),
    /// This long after its first temporary file appeared (while it writes),
    /// whatever the load of the machine.
    AfterWriting(Duration),
}

/// How the outputs stood after each attempt.
#[derive(Default, Debug)]
struct Tally {
    all_old: usize,
    mixed: usize,
    all_new: usize,
    /// The command finished before its kill came.
    finished: usize,
}

/// The temporary files under `out/` now.
fn temps(town: &Path) -> Vec<String> {
    let mut files = Vec::new();
    walk(&town.join("out"), town, &mut files);
    files
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| is_temp(rel))
        .collect()
}

/// Wait until `deadline` or until the child exits; true when it exited.
fn wait_until(child: &mut std::process::Child, deadline: Instant) -> bool {
    loop {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(2)));
    }
}

/// Start `args` again and again from the old outputs and kill it at each
/// moment of `kills`; after each kill every output is its old or its new
/// version, whole, and the journal has no torn line.
fn kill_repeatedly(
    town: &Path,
    args: &[&str],
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
    kills: &[Kill],
) -> Tally {
    let changed: Vec<&String> = old
        .keys()
        .chain(new.keys())
        .filter(|k| old.get(*k) != new.get(*k))
        .collect();
    assert!(
        !changed.is_empty(),
        "the change made no output of {args:?} differ"
    );
    let mut tally = Tally::default();
    for (i, kill) in kills.iter().enumerate() {
        restore(town, old);
        let before = temps(town);
        let start = Instant::now();
        let mut child = Command::new(bin())
            .arg("-q")
            .arg("-C")
            .arg(town)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let exited = match *kill {
            Kill::After(d) => wait_until(&mut child, start + d),
            Kill::AfterWriting(d) => loop {
                if child.try_wait().unwrap().is_some() {
                    break true;
                }
                if temps(town).iter().any(|t| !before.contains(t)) {
                    break wait_until(&mut child, Instant::now() + d);
                }
                std::thread::sleep(Duration::from_millis(1));
            },
        };
        // SIGKILL on Unix: no destructor, no clean-up runs.
        let _ = child.kill();
        let status = child.wait().unwrap();
        let at = start.elapsed();
        if exited {
            assert!(status.success(), "{args:?} (attempt {i}) exited {status}");
            tally.finished += 1;
        }
        let (now, temps) = outputs(town);
        for rel in old.keys().chain(new.keys()).chain(now.keys()) {
            let got = now.get(rel);
            assert!(
                got == old.get(rel) || got == new.get(rel),
                "{args:?} killed at {kill:?} ({at:?}, attempt {i}, {status}): \
                 {rel} is neither its old nor its new version{}",
                match got {
                    None => " (it is missing)".to_string(),
                    Some(b) => format!(" ({} bytes)", b.len()),
                }
            );
        }
        for t in &temps {
            assert!(!old.contains_key(t) && !new.contains_key(t), "{t}");
        }
        assert_journal_whole(town);
        let n_new = changed
            .iter()
            .filter(|k| now.get(**k) == new.get(**k))
            .count();
        match n_new {
            0 => tally.all_old += 1,
            n if n == changed.len() => tally.all_new += 1,
            _ => tally.mixed += 1,
        }
    }
    tally
}

/// `early` kills spread geometrically from 5 ms to 40 % of `full` (while
/// the command reads), then `writing` kills spread evenly from the moment
/// it starts writing to `span` of `full` after it.
fn kills(early: usize, writing: usize, full: Duration, span: f64) -> Vec<Kill> {
    let full = full.as_secs_f64().max(0.05);
    let (lo, hi) = (0.005f64, 0.4 * full);
    let r = (hi / lo).powf(1.0 / (early.max(2) as f64 - 1.0));
    let step = span * full / (writing.max(2) as f64 - 1.0);
    (0..early)
        .map(|i| Kill::After(Duration::from_secs_f64(lo * r.powi(i as i32))))
        .chain((0..writing).map(|i| Kill::AfterWriting(Duration::from_secs_f64(step * i as f64))))
        .collect()
}

/// Kill `fupin screen` and `fupin bind` at many moments while they replace
/// their outputs with new versions.
#[test]
fn an_interrupted_command_leaves_every_output_old_or_new() {
    let d = tempfile::tempdir().unwrap();
    let (old, _) = outputs(big_town());
    let started = Instant::now();

    // screen, on a changed scale rate: it writes in the last half of its run
    let fresh = copy_of_big(d.path(), "screen-new");
    set_key(&fresh, "other_rate", "0.06");
    let t = Instant::now();
    ok(&fresh, &["-q", "screen"], 0);
    let full = t.elapsed();
    let (new, _) = outputs(&fresh);
    let town = copy_of_big(d.path(), "screen");
    set_key(&town, "other_rate", "0.06");
    let tally = kill_repeatedly(&town, &["screen"], &old, &new, &kills(8, 12, full, 0.4));
    eprintln!("screen ({full:.1?} to completion), 20 attempts: {tally:?}");
    ok(&town, &["-q", "screen"], 0);
    let (now, temps) = outputs(&town);
    assert!(now == new, "screen run to completion after the kills");
    eprintln!("temporary files left by the killed screens: {temps:?}");

    // bind, on a changed town name (on every cover): it writes a workbook
    // after another over most of its run
    let fresh = copy_of_big(d.path(), "bind-new");
    set_key(&fresh, "town", "\"孔村镇\"");
    let t = Instant::now();
    ok(&fresh, &["-q", "bind"], 0);
    let full = t.elapsed();
    let (new, _) = outputs(&fresh);
    let town = copy_of_big(d.path(), "bind");
    set_key(&town, "town", "\"孔村镇\"");
    let tally = kill_repeatedly(&town, &["bind"], &old, &new, &kills(4, 8, full, 0.9));
    eprintln!("bind ({full:.1?} to completion), 12 attempts: {tally:?}");
    ok(&town, &["-q", "bind"], 0);
    let (now, temps) = outputs(&town);
    assert!(now == new, "bind run to completion after the kills");
    eprintln!("temporary files left by the killed binds: {}", temps.len());
    eprintln!("interruption test: {:.1?}", started.elapsed());
}

/// A second command on a campaign that another is writing is refused with
/// a message naming the lock, and the first finishes untouched.
#[test]
fn a_second_command_waits_for_the_lock() {
    let d = tempfile::tempdir().unwrap();
    let (old, _) = outputs(big_town());
    let mut wait = Duration::from_millis(300);
    for attempt in 0..6 {
        let town = copy_of_big(d.path(), &format!("c{attempt}"));
        let first = Command::new(bin())
            .arg("-C")
            .arg(&town)
            .arg("bind")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(wait);
        let second = fupin(&town, &["screen"]);
        let first = first.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&second.stderr);
        if second.status.code() == Some(2) && err.contains("another fupin command is writing to") {
            assert!(err.contains("out/.lock"), "{err}");
            assert_eq!(
                first.status.code(),
                Some(0),
                "the first command: {}",
                String::from_utf8_lossy(&first.stderr)
            );
            let (now, temps) = outputs(&town);
            assert!(temps.is_empty(), "{temps:?}");
            for (rel, bytes) in &old {
                assert!(now.get(rel) == Some(bytes), "{rel} differs");
            }
            assert_eq!(now.len(), old.len());
            let lines = assert_journal_whole(&town);
            let journal = std::fs::read_to_string(town.join("out/journal.jsonl")).unwrap();
            let last: Vec<Value> = journal
                .lines()
                .skip(lines - 2)
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let by = |c: &str| last.iter().find(|e| e["command"] == c).unwrap().clone();
            assert_eq!(by("screen")["exit"], 2);
            assert_eq!(by("bind")["exit"], 0);
            eprintln!(
                "lock refused the second command on attempt {attempt} ({wait:?} after the first)"
            );
            return;
        }
        // The two did not overlap: the first was not started yet (the
        // second got the lock) or was already done. Try again.
        eprintln!(
            "attempt {attempt}: no overlap after {wait:?} (second exited {:?}, first {:?})",
            second.status.code(),
            first.status.code()
        );
        assert!(matches!(second.status.code(), Some(0) | Some(2)), "{err}");
        wait = if second.status.code() == Some(0) && first.status.code() != Some(0) {
            wait * 2
        } else {
            wait / 2
        };
    }
    panic!("bind and screen never overlapped in 6 attempts");
}

/// Hash every file outside out/ before and after the commands.
#[test]
fn inputs_are_never_modified() {
    let d = tempfile::tempdir().unwrap();
    // The demo writes its inputs and runs the chain; the chain left the
    // inputs it found as the demo wrote them.
    let a = demo(
        d.path(),
        "a",
        &["--villages", "4", "--households", "400", "--clean"],
    );
    let b = demo(
        d.path(),
        "b",
        &[
            "--villages",
            "4",
            "--households",
            "400",
            "--clean",
            "--no-run",
        ],
    );
    let (ia, ib) = (inputs(&a), inputs(&b));
    assert!(!ib.is_empty());
    for (k, v) in &ib {
        let w = ia
            .get(k)
            .unwrap_or_else(|| panic!("{k} is gone after the demo chain"));
        assert!(v.0 == w.0, "{k} was modified by the demo chain");
    }

    // `fupin run` over the whole chain, from nothing.
    std::fs::remove_dir_all(a.join("out")).unwrap();
    let before = inputs(&a);
    ok(&a, &["-q", "run"], 0);
    assert!(a.join("out/registration").is_dir());
    assert_same_inputs(&before, &inputs(&a), "fupin run");

    // And the single commands, with files named on the command line.
    let apps: Vec<String> = std::fs::read_dir(a.join("applications"))
        .unwrap()
        .map(|e| format!("applications/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    let mut args = vec!["-q", "import"];
    args.extend(apps.iter().map(String::as_str));
    let a_dir = a.clone();
    let run = |args: &[&str]| {
        let out = Command::new(bin())
            .current_dir(&a_dir)
            .args(args)
            .output()
            .unwrap();
        // `status --verify` may find the later stages stale.
        let want: &[i32] = if args.contains(&"status") {
            &[0, 1]
        } else {
            &[0]
        };
        assert!(
            out.status.code().is_some_and(|c| want.contains(&c)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&args);
    for c in [
        vec!["-q", "check"],
        vec!["-q", "survey", "survey/survey.csv"],
        vec!["-q", "screen"],
        vec!["-q", "appraise"],
        vec!["-q", "notice", "--stage", "village", "--format", "csv"],
        vec!["-q", "status", "--verify"],
    ] {
        run(&c);
    }
    assert_same_inputs(&before, &inputs(&a), "the single commands");
}

/// The data rows of a CSV file in reverse order, the header first.
fn reverse_rows(bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).unwrap();
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let trailing = text.ends_with(nl);
    let mut lines: Vec<&str> = text.trim_end_matches(nl).split(nl).collect();
    lines[1..].reverse();
    let mut s = lines.join(nl);
    if trailing {
        s.push_str(nl);
    }
    s.into_bytes()
}

/// The households of an application CSV in reverse order, the persons of
/// each household in their order.
fn reverse_households(bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    let head = lines.next().unwrap();
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for l in lines {
        let id = l.split(',').nth(1).unwrap_or("").to_string();
        match groups.last_mut() {
            Some((g, v)) if *g == id => v.push(l),
            _ => groups.push((id, vec![l])),
        }
    }
    let mut out = vec![head];
    for (_, v) in groups.iter().rev() {
        out.extend(v);
    }
    (out.join("\n") + "\n").into_bytes()
}

/// A copy of the inputs of `from` in `to`: the application files renamed
/// so that they sort in reverse, their rows rearranged by `shuffle`, the
/// survey rows reversed.
fn shuffled_copy(from: &Path, to: &Path, shuffle: fn(&[u8]) -> Vec<u8>) {
    std::fs::create_dir_all(to).unwrap();
    for f in ["campaign.toml", "villages.csv"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
    for dir in ["appraisal", "review"] {
        copy_dir(&from.join(dir), &to.join(dir));
    }
    let mut apps: Vec<PathBuf> = std::fs::read_dir(from.join("applications"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    apps.sort();
    std::fs::create_dir_all(to.join("applications")).unwrap();
    let n = apps.len();
    for (i, p) in apps.iter().enumerate() {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(p).unwrap();
        let bytes = if name.ends_with(".csv") {
            shuffle(&bytes)
        } else {
            bytes
        };
        std::fs::write(
            to.join("applications").join(format!("{:02}-{name}", n - i)),
            bytes,
        )
        .unwrap();
    }
    std::fs::create_dir_all(to.join("survey")).unwrap();
    for e in std::fs::read_dir(from.join("survey")).unwrap() {
        let e = e.unwrap();
        let bytes = reverse_rows(&std::fs::read(e.path()).unwrap());
        std::fs::write(to.join("survey").join(e.file_name()), bytes).unwrap();
    }
}

/// The rows of a CSV output without the columns that cite source rows,
/// sorted, for outputs whose rows follow the input order.
fn rows_without_sources(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_reader(bytes);
    let head: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let keep: Vec<usize> = (0..head.len())
        .filter(|&i| !head[i].starts_with("source_"))
        .collect();
    let mut rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            keep.iter().map(|&i| r[i].to_string()).collect()
        })
        .collect();
    rows.sort();
    (keep.iter().map(|&i| head[i].clone()).collect(), rows)
}

/// The outputs that cite the rows of the input sheets.
fn cites_sources(rel: &str) -> bool {
    rel == "out/register.csv"
        || rel == "out/survey.csv"
        || rel.ends_with("findings.csv")
        || rel.ends_with("findings.xlsx")
}

/// Compare two towns' outputs; `skip` leaves some out. Returns what differs.
fn differences(
    a: &BTreeMap<String, Vec<u8>>,
    b: &BTreeMap<String, Vec<u8>>,
    loose: bool,
    skip: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut v = Vec::new();
    for k in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        if skip(k) {
            continue;
        }
        let (Some(x), Some(y)) = (a.get(k), b.get(k)) else {
            v.push(format!("{k}: only in one town"));
            continue;
        };
        if x == y {
            continue;
        }
        if loose && cites_sources(k) && k.ends_with(".csv") {
            let (hx, rx) = rows_without_sources(x);
            let (hy, ry) = rows_without_sources(y);
            if hx == hy && rx == ry {
                continue;
            }
        }
        if loose && cites_sources(k) && k.ends_with(".xlsx") {
            // Checked through its CSV twin.
            continue;
        }
        v.push(format!("{k}: not byte-identical"));
    }
    v
}

/// Two runs on the same inputs give the same bytes; the same inputs with
/// the files renamed and the rows in another order give the same lists,
/// notices and workbooks.
#[test]
fn outputs_are_reproducible_whatever_the_file_and_row_order() {
    let d = tempfile::tempdir().unwrap();
    let a = demo(
        d.path(),
        "a",
        &["--villages", "5", "--households", "1000", "--clean"],
    );
    let (oa, _) = outputs(&a);
    assert!(oa.keys().any(|k| k.starts_with("out/registration/")));
    assert!(oa.keys().any(|k| k.starts_with("out/notices/")));

    // The same inputs, run by `fupin run` instead of the demo.
    let same = d.path().join("same");
    std::fs::create_dir_all(&same).unwrap();
    for f in ["campaign.toml", "villages.csv"] {
        std::fs::copy(a.join(f), same.join(f)).unwrap();
    }
    for dir in ["applications", "survey", "appraisal", "review"] {
        copy_dir(&a.join(dir), &same.join(dir));
    }
    ok(&same, &["-q", "run"], 0);
    let diff = differences(&oa, &outputs(&same).0, false, |_| false);
    assert!(diff.is_empty(), "two runs on the same inputs: {diff:#?}");

    // Every row reversed (persons of a household too), files renamed.
    let rev = d.path().join("reversed");
    shuffled_copy(&a, &rev, reverse_rows);
    ok(&rev, &["-q", "run"], 0);
    let diff = differences(&oa, &outputs(&rev).0, true, |k| {
        k.starts_with("out/registration/")
    });
    assert!(diff.is_empty(), "rows reversed, files renamed: {diff:#?}");

    // Households reversed, the persons of each in their order: the
    // registration workbooks too.
    let hh = d.path().join("households");
    shuffled_copy(&a, &hh, reverse_households);
    ok(&hh, &["-q", "run"], 0);
    let diff = differences(&oa, &outputs(&hh).0, true, |_| false);
    assert!(
        diff.is_empty(),
        "households reversed, files renamed: {diff:#?}"
    );
}

/// The registration form lists the persons of a household in the order of
/// the application sheet's rows (head first), so the same household typed
/// in another row order gives another workbook.
#[test]
fn registration_does_not_depend_on_the_order_of_persons() {
    let d = tempfile::tempdir().unwrap();
    let a = demo(
        d.path(),
        "a",
        &["--villages", "3", "--households", "300", "--clean"],
    );
    let rev = d.path().join("reversed");
    shuffled_copy(&a, &rev, reverse_rows);
    ok(&rev, &["-q", "run"], 0);
    let diff = differences(&outputs(&a).0, &outputs(&rev).0, true, |_| false);
    assert!(diff.is_empty(), "{diff:#?}");
}

fn verify(town: &Path, code: i32) -> (Value, String) {
    let out = ok(town, &["--json", "status", "--verify"], code);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        j["verify"].clone(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn stale_of<'a>(v: &'a Value, output: &str) -> Option<&'a Value> {
    v["stale"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["output"] == output)
}

#[test]
fn status_verify_names_stale_outputs_and_the_command_to_run() {
    let d = tempfile::tempdir().unwrap();
    let t = demo(
        d.path(),
        "t",
        &["--villages", "3", "--households", "200", "--clean"],
    );
    let (v, err) = verify(&t, 0);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["stale"], serde_json::json!([]));
    assert!(err.contains("verify:"), "{err}");
    // Without --verify: no verdict, exit 0.
    let out = ok(&t, &["--json", "status"], 0);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j.get("verify").is_none());

    // `fupin run` on a finished town (each notice rewrites schedule.csv,
    // which the reviews before it read) still verifies.
    ok(&t, &["-q", "run"], 0);
    verify(&t, 0);
    ok(&t, &["-q", "notice", "--stage", "village"], 0);
    verify(&t, 0);
    // The village publicity moved: the reviews after it read other dates.
    ok(
        &t,
        &[
            "-q",
            "notice",
            "--stage",
            "village",
            "--start",
            "2015-07-01",
        ],
        0,
    );
    let (v, _) = verify(&t, 1);
    let s = stale_of(&v, "out/after-village-review.csv").unwrap_or_else(|| panic!("{v}"));
    assert_eq!(s["command"], "fupin review --stage village");
    assert_eq!(s["changed_input"], "out/schedule.csv");
    assert!(stale_of(&v, "out/appraised.csv").is_none(), "{v}");
    ok(&t, &["-q", "run"], 0);
    verify(&t, 0);

    // An application sheet's content changes.
    let app = std::fs::read_dir(t.join("applications"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .unwrap();
    let rel = format!(
        "applications/{}",
        app.file_name().unwrap().to_string_lossy()
    );
    let original = std::fs::read(&app).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let (head, rest) = text.split_once('\n').unwrap();
    let mut rows: Vec<String> = rest.lines().map(str::to_string).collect();
    let last = rows[0].rfind(',').unwrap();
    rows[0] = format!("{},13800000000", &rows[0][..last]);
    std::fs::write(&app, format!("{head}\n{}\n", rows.join("\n"))).unwrap();
    let (v, err) = verify(&t, 1);
    assert_eq!(v["ok"], false);
    let s = stale_of(&v, "out/register.csv").unwrap_or_else(|| panic!("{v}"));
    assert_eq!(s["command"], "fupin import");
    assert_eq!(s["changed_input"], rel.as_str());
    assert!(
        err.contains("out/register.csv") && err.contains("`fupin import`"),
        "{err}"
    );
    // What derives from the register is stale too.
    let s = stale_of(&v, "out/primary-list.csv").unwrap();
    assert_eq!(s["command"], "fupin screen");
    assert_eq!(s["changed_input"], "out/register.csv");
    assert!(stale_of(&v, "out/town-summary.xlsx").is_some());

    // Put back: everything verifies again.
    std::fs::write(&app, &original).unwrap();
    verify(&t, 0);

    // Import again on the changed sheet: the register is fresh, the
    // primary list is not.
    std::fs::write(&app, format!("{head}\n{}\n", rows.join("\n"))).unwrap();
    ok(&t, &["-q", "import"], 0);
    let (v, _) = verify(&t, 1);
    assert!(stale_of(&v, "out/register.csv").is_none(), "{v}");
    let s = stale_of(&v, "out/primary-list.csv").unwrap();
    assert_eq!(s["changed_input"], "out/register.csv");
    ok(&t, &["-q", "run"], 0);
    verify(&t, 0);

    // A missing output, and a new application sheet.
    std::fs::remove_file(t.join("out/primary-list.xlsx")).unwrap();
    let (v, _) = verify(&t, 1);
    let s = stale_of(&v, "out/primary-list.xlsx").unwrap();
    assert_eq!(s["command"], "fupin screen");
    assert_eq!(s["reason"], "output_missing");
    ok(&t, &["-q", "screen"], 0);
    std::fs::copy(&app, t.join("applications/zz-more.csv")).unwrap();
    let (v, _) = verify(&t, 1);
    let s = stale_of(&v, "out/register.csv").unwrap();
    assert_eq!(s["changed_input"], "applications/zz-more.csv");
    assert_eq!(s["reason"], "new_input");
}

/// Import and the register checks run files on several threads and put the
/// results back in order: one thread or many, the same bytes. The demo's
/// deliberate errors include duplicate ID numbers across files, so the
/// campaign-wide checks' "first seen" must follow the file order too.
#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let d = tempfile::tempdir().unwrap();
    let a = demo(
        d.path(),
        "a",
        &["--villages", "12", "--households", "3000", "--no-run"],
    );
    let mut seen: Vec<BTreeMap<String, Vec<u8>>> = Vec::new();
    for threads in ["1", "2", "5"] {
        let town = d.path().join(format!("t{threads}"));
        copy_dir(&a, &town);
        for args in [
            &["-q", "import"][..],
            &["-q", "survey"],
            &["-q", "screen", "--provisional"],
        ] {
            let out = Command::new(bin())
                .env("RAYON_NUM_THREADS", threads)
                .arg("-C")
                .arg(&town)
                .args(args)
                .output()
                .unwrap();
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{args:?} with {threads} threads: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let files = [
            "register.csv",
            "findings.csv",
            "primary-list.csv",
            "survey.csv",
        ];
        let got: BTreeMap<String, Vec<u8>> = files
            .iter()
            .map(|f| {
                (
                    f.to_string(),
                    std::fs::read(town.join("out").join(f)).unwrap(),
                )
            })
            .collect();
        let findings = String::from_utf8_lossy(&got["findings.csv"]).into_owned();
        assert!(findings.contains("id_duplicate"), "{findings}");
        seen.push(got);
    }
    for other in &seen[1..] {
        for (name, bytes) in &seen[0] {
            assert!(
                bytes == &other[name],
                "{name} differs with another number of threads"
            );
        }
    }
}
