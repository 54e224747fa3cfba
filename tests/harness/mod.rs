//! A scratch campaign folder and the real binary.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Town {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/data").join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

impl Town {
    /// A copy of `examples/town`.
    pub fn example() -> Town {
        let t = Town {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(&repo().join("examples/town"), t.path());
        t
    }

    /// The example campaign and roster with an empty `applications/`.
    pub fn bare() -> Town {
        let t = Town {
            dir: tempfile::tempdir().unwrap(),
        };
        let ex = repo().join("examples/town");
        std::fs::copy(ex.join("campaign.toml"), t.path().join("campaign.toml")).unwrap();
        std::fs::copy(ex.join("villages.csv"), t.path().join("villages.csv")).unwrap();
        std::fs::create_dir_all(t.path().join("applications")).unwrap();
        t
    }

    /// The bare town with one fixture in `applications/`.
    pub fn with_fixture(name: &str) -> Town {
        let t = Town::bare();
        t.add_application(name);
        t
    }

    pub fn add_application(&self, name: &str) {
        std::fs::copy(fixture(name), self.path().join("applications").join(name)).unwrap();
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_fupin"))
            .arg("-C")
            .arg(self.path())
            .args(args)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Run and insist on an exit status, showing stderr when it differs.
    pub fn ok(&self, args: &[&str], code: i32) -> Run {
        let r = self.run(args);
        assert_eq!(
            r.code, code,
            "fupin {args:?} exited {}:\n{}",
            r.code, r.stderr
        );
        r
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    pub fn read(&self, rel: &str) -> String {
        let s = std::fs::read_to_string(self.path().join(rel)).unwrap();
        s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s)
    }

    /// A CSV output as rows of column → value.
    pub fn csv(&self, rel: &str) -> Vec<HashMap<String, String>> {
        csv_rows(&self.path().join(rel))
    }
}

/// A CSV file (BOM or not) as rows of column → value.
pub fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let h: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            h.iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Every non-empty cell of every sheet of a workbook, as text.
pub fn workbook_cells(path: &Path) -> Vec<String> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        out.extend(
            range
                .used_cells()
                .map(|(_, _, c)| c.to_string())
                .filter(|s| !s.is_empty()),
        );
    }
    out
}

/// Runs of 18 ID characters (`[0-9]{17}[0-9Xx]`, anywhere) and of 11 digits
/// beginning with 1 after a non-digit (a mobile number, whatever follows).
pub fn confidential_runs(s: &str) -> Vec<String> {
    let b: Vec<char> = s.chars().collect();
    let mut found = Vec::new();
    for i in 0..b.len() {
        if i + 18 <= b.len()
            && b[i..i + 17].iter().all(|c| c.is_ascii_digit())
            && (b[i + 17].is_ascii_digit() || b[i + 17] == 'X' || b[i + 17] == 'x')
        {
            found.push(b[i..i + 18].iter().collect());
        }
        if (i == 0 || !b[i - 1].is_ascii_digit())
            && i + 11 <= b.len()
            && b[i] == '1'
            && b[i..i + 11].iter().all(|c| c.is_ascii_digit())
        {
            found.push(b[i..i + 11].iter().collect());
        }
    }
    found
}

/// Write `appraisal/meetings.csv` with (village, date, present) rows.
pub fn meetings(t: &Town, rows: &[(&str, &str, u32)]) {
    let mut s = String::from("\u{feff}村,日期,到会人数\n");
    for (v, d, p) in rows {
        s.push_str(&format!("{v},{d},{p}\n"));
    }
    t.write("appraisal/meetings.csv", &s);
}

/// Meetings of the example town's three villages with these numbers present.
pub fn present(t: &Town, [a, b, c]: [u32; 3]) {
    meetings(
        t,
        &[
            ("双河村", "2015-06-04", a),
            ("南庞庄村", "2015-06-03", b),
            ("鹿泉村", "2015-06-04", c),
        ],
    );
}
