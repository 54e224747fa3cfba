//! Staleness, decided one way (DESIGN 7): by content, from the journal. For
//! the last successful run of each step, every input it read is compared
//! with what is on disk now (SHA-256, as the journal recorded it; a file
//! whose size and modification time are those recorded is not read again),
//! and the outputs made from an input that changed since are stale, with
//! the input and the command to run again. An output that derives from a
//! stale output is stale too. `status --verify`, `run` and every stage's
//! check of its input list read this.

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::domain::chain::{Round, Step};
use crate::io::folder::{folder_files, rel};
use crate::io::journal::sha256_file;

/// Why an output is stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// An input's content differs from what the command read.
    Changed,
    /// An input the command read is gone.
    InputMissing,
    /// A file came into an input folder the command reads all of.
    NewInput,
    /// An input is itself a stale output of an earlier stage.
    Upstream,
    /// The output file is gone.
    OutputMissing,
}

impl Why {
    fn key(self) -> &'static str {
        match self {
            Why::Changed => "input_changed",
            Why::InputMissing => "input_missing",
            Why::NewInput => "new_input",
            Why::Upstream => "upstream_stale",
            Why::OutputMissing => "output_missing",
        }
    }
}

/// One stale output.
#[derive(Clone, Debug)]
pub struct Stale {
    pub output: String,
    pub command: String,
    pub changed_input: Option<String>,
    pub why: Why,
}

impl Stale {
    /// Why it is stale, for the clerk.
    pub fn because(&self) -> String {
        let input = self.changed_input.as_deref().unwrap_or("");
        let cmd = &self.command;
        match self.why {
            Why::Changed => format!("{input} changed since `{cmd}` read it"),
            Why::InputMissing => format!("{input}, which `{cmd}` read, is gone"),
            Why::NewInput => format!("{input} came in after `{cmd}` ran"),
            Why::Upstream => format!("it derives from {input}, which is stale"),
            Why::OutputMissing => "the file is missing".to_string(),
        }
    }

    /// `out/appraised.csv is stale: …: run `fupin appraise` again`.
    pub fn sentence(&self) -> String {
        format!(
            "{} is stale: {}: run `{}` again",
            self.output,
            self.because(),
            self.command
        )
    }
}

/// What `--verify` found.
#[derive(Default)]
pub struct Verdict {
    pub checked: usize,
    pub stale: Vec<Stale>,
    /// Journal lines that could not be read.
    pub problems: Vec<String>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.stale.is_empty()
    }

    /// Whether an output of the last successful run of `step` is stale.
    pub fn touches(&self, step: Step) -> bool {
        let command = step.to_string();
        self.stale.iter().any(|s| {
            s.command
                .strip_prefix(command.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        })
    }

    pub fn json(&self) -> Value {
        let stale: Vec<Value> = self
            .stale
            .iter()
            .map(|s| {
                json!({
                    "output": s.output,
                    "command": s.command,
                    "changed_input": s.changed_input,
                    "reason": s.why.key(),
                })
            })
            .collect();
        json!({"ok": self.ok(), "checked": self.checked, "stale": stale, "problems": self.problems})
    }

    /// Lines for the clerk: stale outputs grouped by the command to run
    /// again and the input that made them stale.
    /// Checking nothing is said as a warning, never as a match.
    pub fn lines(&self) -> Vec<String> {
        if self.checked == 0 {
            return vec![
                "verify: warning: no output was checked: out/journal.jsonl records no finished run of a stage, so nothing could be compared with its inputs".to_string(),
            ];
        }
        if self.ok() {
            return vec![format!(
                "verify: {} checked, every one matches the inputs it was made from",
                if self.checked == 1 {
                    "1 output".to_string()
                } else {
                    format!("{} outputs", self.checked)
                }
            )];
        }
        let mut v = vec![format!(
            "verify: {} of {} outputs are stale:",
            self.stale.len(),
            self.checked
        )];
        // Outputs grouped by the command to run again and why.
        let mut groups: Vec<((&str, String), Vec<&str>)> = Vec::new();
        for s in &self.stale {
            let k = (s.command.as_str(), s.because());
            match groups.iter_mut().find(|g| g.0 == k) {
                Some(g) => g.1.push(&s.output),
                None => groups.push((k, vec![&s.output])),
            }
        }
        for ((cmd, because), outs) in groups {
            let shown = if outs.len() > 4 {
                format!("{} and {} more", outs[..3].join(", "), outs.len() - 3)
            } else {
                outs.join(", ")
            };
            v.push(format!("  {shown}: {because}: run `{cmd}` again"));
        }
        v
    }
}

/// A journal line of a stage of the chain.
struct Entry {
    /// Position in the journal.
    at: usize,
    /// Position of the stage in the chain; `None` for commands outside it
    /// (`status`, `template`), whose lines still tell what a file held.
    order: Option<u32>,
    /// `fupin notice --stage town`, as the clerk would type it.
    command: String,
    exit: i64,
    provisional: bool,
    inputs: Vec<Input>,
    outputs: Vec<String>,
    /// Files were named on the command line (not the whole input folder).
    explicit: bool,
    name: String,
    stage: Option<String>,
}

impl Entry {
    /// Commands outside the chain count as coming before all of it.
    fn rank(&self) -> u32 {
        self.order.unwrap_or(0)
    }

    fn recorded(&self, path: &str) -> Option<&str> {
        self.inputs
            .iter()
            .find(|i| i.path == path)
            .map(|i| i.sha.as_str())
    }

    fn writes(&self, path: &str) -> bool {
        self.outputs.iter().any(|o| o == path)
    }
}

/// Flags of the chain's commands that take a value.
const VALUED: [&str; 9] = [
    "--stage",
    "--village",
    "--encoding",
    "--date",
    "--present",
    "--start",
    "--format",
    "-C",
    "--jobs",
];

/// A journal line's place in the chain, from the registry of steps;
/// `check`, which rewrites the findings from the register, comes between
/// `import` and the next step.
fn order(name: &str, round: Option<Round>) -> Option<u32> {
    if name == "check" {
        return Some(1);
    }
    let step = Step::find(name, round)?;
    Some(step.order() as u32 + u32::from(step != Step::Import))
}

/// The value of `--flag X` or `--flag=X` among the arguments.
fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let eq = format!("{flag}=");
    args.iter().enumerate().find_map(|(i, a)| {
        if a == flag {
            args.get(i + 1).cloned()
        } else {
            a.strip_prefix(&eq).map(str::to_string)
        }
    })
}

fn parse(at: usize, e: &Value) -> Option<Entry> {
    let name = e["command"].as_str()?.to_string();
    let args = super::journal::strings(e, "args");
    let stage = flag_value(&args, "--stage").map(|s| s.to_lowercase());
    let order = order(&name, stage.as_deref().and_then(Round::from_name));
    let format = flag_value(&args, "--format").filter(|f| !f.eq_ignore_ascii_case("xlsx"));
    let mut command = format!("fupin {name}");
    if let Some(s) = &stage {
        command.push_str(&format!(" --stage {s}"));
    }
    if let Some(f) = &format {
        command.push_str(&format!(" --format {f}"));
    }
    // Positional arguments after the command name are files.
    let after = args.iter().position(|a| *a == name).map_or(0, |i| i + 1);
    let mut explicit = false;
    let mut skip = false;
    for a in &args[after.min(args.len())..] {
        if skip {
            skip = false;
        } else if VALUED.contains(&a.as_str()) {
            skip = true;
        } else if !a.starts_with('-') {
            explicit = true;
        }
    }
    let inputs = e["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| {
            Some(Input {
                path: i["path"].as_str()?.to_string(),
                sha: i["sha256"].as_str()?.to_string(),
                seen: i["size"].as_u64().zip(i["modified"].as_u64()),
            })
        })
        .collect();
    let outputs = super::journal::strings(e, "outputs");
    Some(Entry {
        at,
        order,
        command,
        exit: e["exit"].as_i64().unwrap_or(-1),
        provisional: args.iter().any(|a| a == "--provisional"),
        inputs,
        outputs,
        explicit,
        name,
        stage,
    })
}

/// An input as a journal line recorded it.
#[derive(Clone, Debug)]
struct Input {
    path: String,
    sha: String,
    /// Its size and modification time (nanoseconds since 1970) when the
    /// line was written; lines of older versions have none.
    seen: Option<(u64, u64)>,
}

/// Hashes of files on disk, each file read once.
struct Hashes<'a> {
    dir: &'a Path,
    known: HashMap<String, Option<String>>,
    /// Inputs taken as unchanged, whatever they hold now.
    held: &'a [&'a str],
}

impl Hashes<'_> {
    fn get(&mut self, rel: &str) -> Option<String> {
        if let Some(h) = self.known.get(rel) {
            return h.clone();
        }
        let h = sha256_file(&self.dir.join(rel)).ok();
        self.known.insert(rel.to_string(), h.clone());
        h
    }

    /// What the file holds now: the recorded digest when its size and time
    /// are those recorded (the file was not written since), else its hash.
    fn now(&mut self, input: &Input) -> Option<String> {
        if self.held.contains(&input.path.as_str()) {
            return Some(input.sha.clone());
        }
        match input.seen {
            Some(s) if super::journal::seen(&self.dir.join(&input.path)) == Some(s) => {
                Some(input.sha.clone())
            }
            _ => self.get(&input.path),
        }
    }
}

/// The campaign's settings: changing them (the language, the contact on
/// the notices, even the standard) is the clerk's deliberate act, which
/// `status` reports and `run` acts on, but which does not stop a stage from
/// reading a list made before it.
pub const SETTINGS: [&str; 2] = ["campaign.toml", "villages.csv"];

/// Check every output of the journal against the inputs it was made from.
pub fn verify(dir: &Path) -> Verdict {
    verify_holding(dir, &[])
}

/// [`verify`], with the settings taken as unchanged: whether the lists a
/// stage reads still derive from the data on disk.
pub fn verify_data(dir: &Path) -> Verdict {
    verify_holding(dir, &SETTINGS)
}

fn verify_holding(dir: &Path, held: &[&str]) -> Verdict {
    let mut verdict = Verdict::default();
    let text = match std::fs::read_to_string(dir.join("out").join("journal.jsonl")) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return verdict,
        Err(e) => {
            verdict
                .problems
                .push(format!("out/journal.jsonl: cannot read: {e}"));
            return verdict;
        }
    };
    let mut all: Vec<Entry> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) => all.extend(parse(n, &v)),
            Err(e) => verdict.problems.push(format!(
                "out/journal.jsonl line {}: not a journal entry: {e}",
                n + 1
            )),
        }
    }
    // The last successful, final run of each stage, in whichever format
    // (notices in one format remove those in the other).
    let mut latest: BTreeMap<(String, Option<String>), usize> = BTreeMap::new();
    for (i, e) in all.iter().enumerate() {
        if e.order.is_some() && e.exit == 0 && !e.provisional {
            latest.insert((e.name.clone(), e.stage.clone()), i);
        }
    }
    let mut chosen: Vec<usize> = latest.into_values().collect();
    // Each output belongs to the last chosen run that wrote it.
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for &i in &chosen {
        for o in &all[i].outputs {
            let cur = owner.entry(o.as_str()).or_insert(i);
            if all[*cur].at < all[i].at {
                *cur = i;
            }
        }
    }
    chosen.sort_by_key(|&i| (all[i].rank(), all[i].at));
    let mut hashes = Hashes {
        dir,
        known: HashMap::new(),
        held,
    };
    // Stale outputs so far, with the order of the stage that wrote them.
    let mut stale_at: HashMap<String, u32> = HashMap::new();
    for &i in &chosen {
        let e = &all[i];
        let why = reason(dir, e, &all, &mut hashes, &stale_at);
        for o in e
            .outputs
            .iter()
            .filter(|o| owner.get(o.as_str()) == Some(&i))
        {
            verdict.checked += 1;
            let s = if !dir.join(o).is_file() {
                Stale {
                    output: o.clone(),
                    command: e.command.clone(),
                    changed_input: None,
                    why: Why::OutputMissing,
                }
            } else if let Some((input, why)) = &why {
                Stale {
                    output: o.clone(),
                    command: e.command.clone(),
                    changed_input: Some(input.clone()),
                    why: *why,
                }
            } else {
                continue;
            };
            stale_at.insert(o.clone(), e.rank());
            verdict.stale.push(s);
        }
    }
    verdict
}

/// The first input that makes a run's outputs stale, if any.
fn reason(
    dir: &Path,
    e: &Entry,
    all: &[Entry],
    hashes: &mut Hashes,
    stale_at: &HashMap<String, u32>,
) -> Option<(String, Why)> {
    for i in &e.inputs {
        match hashes.now(i) {
            None => return Some((i.path.clone(), Why::InputMissing)),
            Some(now) if now != i.sha && !rewritten_downstream(e, &i.path, &now, all) => {
                return Some((i.path.clone(), Why::Changed))
            }
            _ => {}
        }
    }
    for i in &e.inputs {
        if stale_at.get(&i.path).is_some_and(|o| *o < e.rank()) {
            return Some((i.path.clone(), Why::Upstream));
        }
    }
    new_input(dir, e).map(|p| (p, Why::NewInput))
}

/// Whether an input changed only because later stages of the chain
/// rewrote it (as each `notice` adds its dates to `out/schedule.csv`):
/// follow the file through the journal after `e`, by the hashes later
/// lines recorded of it. A rewrite by `e`'s stage or an earlier one, or a
/// change no line accounts for, makes `e` stale; a rewrite by an earlier
/// stage that left the same bytes does not.
fn rewritten_downstream(e: &Entry, path: &str, now: &str, all: &[Entry]) -> bool {
    // What the file held, when known, and whether an earlier stage has
    // rewritten it since with no line telling the bytes it left.
    let mut known: Option<&str> = e.recorded(path);
    let mut unseen_rewrite = false;
    for r in all.iter().filter(|r| r.at > e.at) {
        let seen = r.recorded(path);
        if r.writes(path) {
            if unseen_rewrite {
                return false;
            }
            if r.rank() > e.rank() {
                known = seen;
            } else {
                match seen {
                    Some(h) if known != Some(h) => return false,
                    Some(_) => {}
                    None => unseen_rewrite = true,
                }
            }
        } else if let Some(h) = seen {
            if unseen_rewrite && known.is_none() {
                return false;
            }
            match known {
                Some(k) if k != h => return false,
                _ => known = Some(h),
            }
            unseen_rewrite = false;
        }
    }
    match known {
        Some(k) => k == now,
        None => !unseen_rewrite,
    }
}

/// A file of an input folder that a run reading the whole folder did not
/// read.
fn new_input(dir: &Path, e: &Entry) -> Option<String> {
    if e.explicit {
        return None;
    }
    let round = e.stage.as_deref().and_then(Round::from_name);
    let folder = Step::find(&e.name, round)?.folder()?;
    let prefix = format!("{}/", folder.name);
    if !e.inputs.iter().any(|i| i.path.starts_with(&prefix)) {
        return None;
    }
    let files: Vec<PathBuf> = folder_files(&dir.join(folder.name)).ok()?;
    files
        .iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| folder.holds(&n.to_string_lossy()))
        })
        .map(|f| rel(dir, f))
        .find(|r| !e.inputs.iter().any(|i| i.path == *r))
}
