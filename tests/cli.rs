//! The command line itself: exit codes from the kind of a failure, the
//! `--json` error object, arguments that are not UTF-8, and help that ends
//! with examples.

mod harness;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::process::Command;

use clap::{CommandFactory, Parser};
use fupin::cli::{Cli, Encoding};
use harness::{Run, Town};
use serde_json::Value;

/// The binary with raw arguments, which need not be UTF-8.
fn fupin<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_fupin"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(r: &Run) -> Value {
    serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {:?}", r.stdout))
}

fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// A town whose `out/` holds a register, a survey and a primary list.
fn screened_town() -> Town {
    let t = Town::example();
    t.ok(&["run"], 0);
    assert!(t.exists("out/primary-list.csv"));
    t
}

// Non-UTF-8 arguments: std::env::args() panicked on them (exit 101).

#[test]
fn a_non_utf8_file_name_to_import_is_refused_not_a_panic() {
    let t = Town::bare();
    let r = fupin([
        OsStr::new("-C"),
        t.path().as_os_str(),
        OsStr::new("import"),
        OsStr::from_bytes(b"bad\xff.csv"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no such file"), "{}", r.stderr);
    assert!(r.stderr.contains("bad\u{fffd}.csv"), "{}", r.stderr);
}

#[test]
fn a_non_utf8_file_name_that_exists_is_imported_and_journaled() {
    let t = Town::bare();
    let name = OsStr::from_bytes(b"bad\xff.csv");
    let file = t.path().join("applications").join(name);
    std::fs::copy(
        harness::repo().join("examples/town/applications/鹿泉村.csv"),
        &file,
    )
    .unwrap();
    let r = fupin([
        OsStr::new("-C"),
        t.path().as_os_str(),
        OsStr::new("import"),
        file.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(t.csv("out/register.csv").len() > 10);
    let journal = t.read("out/journal.jsonl");
    let line: Value = serde_json::from_str(journal.lines().last().unwrap()).unwrap();
    assert_eq!(line["command"], "import");
    assert!(
        line["args"][3]
            .as_str()
            .unwrap()
            .ends_with("bad\u{fffd}.csv"),
        "{line}"
    );
}

#[test]
fn a_non_utf8_campaign_folder_is_refused_not_a_panic() {
    let mut dir = OsString::from("x");
    dir.push(OsStr::from_bytes(b"\xff"));
    // The global option after the command, then before it.
    let r = fupin([OsStr::new("status"), OsStr::new("-C"), dir.as_os_str()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("has no campaign.toml"), "{}", r.stderr);
    let r = fupin([OsStr::new("-C"), dir.as_os_str(), OsStr::new("status")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("x\u{fffd} has no campaign.toml"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_non_utf8_village_name_is_a_usage_error() {
    let t = Town::bare();
    let r = fupin([
        OsStr::new("-C"),
        t.path().as_os_str(),
        OsStr::new("template"),
        OsStr::new("--village"),
        OsStr::from_bytes(b"\xff\xfe"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("invalid UTF-8"), "{}", r.stderr);
}

// Exit codes come from the kind of the failure.

#[test]
fn a_damaged_register_is_a_data_error_for_every_command_that_reads_it() {
    let t = screened_town();
    t.write("out/register.csv", "garbage\n\"unterminated\n");
    for cmd in ["check", "survey", "screen"] {
        let r = t.ok(&[cmd], 1);
        assert!(
            r.stderr
                .contains("register.csv is not a fupin register: column source_file is missing"),
            "{cmd}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_register_cut_short_is_a_data_error() {
    let t = screened_town();
    let text = t.read("out/register.csv");
    let cut: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    t.write("out/register.csv", &format!("{cut}\n1,2,3\n"));
    let r = t.ok(&["check"], 1);
    assert!(
        r.stderr.contains("found record with 3 fields"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_damaged_primary_list_is_a_data_error() {
    let t = screened_town();
    t.write("out/primary-list.csv", "garbage\n1\n");
    let r = t.ok(&["appraise"], 1);
    assert!(
        r.stderr
            .contains("primary-list.csv line 1, column village_code: the column is missing"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_missing_campaign_toml_is_a_configuration_error() {
    let t = Town::bare();
    std::fs::remove_file(t.path().join("campaign.toml")).unwrap();
    for cmd in ["import", "check", "screen"] {
        let r = t.ok(&[cmd], 2);
        assert!(
            r.stderr.contains("has no campaign.toml"),
            "{cmd}: {}",
            r.stderr
        );
    }
}

// `--json` on failure: the error's kind and message beside command and exit.

#[test]
fn json_failure_names_the_data_error() {
    let t = screened_town();
    t.write("out/register.csv", "garbage\n");
    let r = t.ok(&["--json", "screen"], 1);
    let j = json(&r);
    assert_eq!(j["command"], "screen");
    assert_eq!(j["exit"], 1);
    assert_eq!(j["outputs"], Value::Array(vec![]));
    assert_eq!(j["error"]["kind"], "data");
    let message = j["error"]["message"].as_str().unwrap();
    assert!(message.contains("is not a fupin register"), "{message}");
    // The same words as on stderr.
    assert!(r.stderr.contains(message), "{}", r.stderr);
}

#[test]
fn json_failure_names_the_configuration_error() {
    let t = Town::bare();
    std::fs::remove_file(t.path().join("villages.csv")).unwrap();
    let j = json(&t.ok(&["--json", "import"], 2));
    assert_eq!(j["command"], "import");
    assert_eq!(j["exit"], 2);
    assert_eq!(j["error"]["kind"], "config");
    assert!(
        j["error"]["message"]
            .as_str()
            .unwrap()
            .contains("villages.csv"),
        "{j}"
    );
}

#[test]
fn json_failure_names_the_usage_error_even_when_arguments_do_not_parse() {
    let t = Town::bare();
    let j = json(&t.ok(&["--json", "import", "--encoding", "latin9"], 2));
    assert_eq!(j["command"], "import");
    assert_eq!(j["exit"], 2);
    assert_eq!(j["error"]["kind"], "usage");
    let message = j["error"]["message"].as_str().unwrap();
    assert!(message.contains("latin9"), "{message}");
    assert!(message.contains("utf-8, gb18030"), "{message}");
    let j = json(&t.ok(&["--json", "import", "no-such.csv"], 2));
    assert_eq!(j["error"]["kind"], "usage");
    assert!(j["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no-such.csv: no such file"));
}

#[test]
fn json_success_has_no_error_member() {
    let t = Town::example();
    let j = json(&t.ok(&["--json", "import"], 0));
    assert_eq!(j["exit"], 0);
    assert!(j.get("error").is_none(), "{j}");
}

// Help that teaches.

#[test]
fn every_help_ends_with_examples_of_its_command() {
    let names = subcommands();
    assert!(names.len() >= 13, "{names:?}");
    for name in names {
        let r = fupin([name.as_str(), "--help"]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let (_, examples) = r
            .stdout
            .split_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{name} --help has no examples:\n{}", r.stdout));
        assert!(
            !examples.contains("Options:"),
            "{name}: examples are not last"
        );
        let runs = examples
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("fupin "))
            .filter(|l| l.split_whitespace().any(|w| w == name))
            .count();
        assert!(runs >= 1, "{name}: no example runs it:\n{examples}");
    }
    let top = fupin(["--help"]);
    assert!(top.stdout.contains("\nExamples:\n"), "{}", top.stdout);
}

#[test]
fn every_flag_and_argument_has_a_help_line() {
    let cli = Cli::command();
    let builtin = |id: &str| id == "help" || id == "version";
    for a in cli
        .get_arguments()
        .filter(|a| !builtin(a.get_id().as_str()))
    {
        assert!(a.get_help().is_some(), "fupin {} has no help", a.get_id());
    }
    for sub in cli.get_subcommands() {
        assert!(sub.get_about().is_some(), "{} has no about", sub.get_name());
        for a in sub
            .get_arguments()
            .filter(|a| !builtin(a.get_id().as_str()))
        {
            assert!(
                a.get_help().is_some(),
                "fupin {} {} has no help line",
                sub.get_name(),
                a.get_id()
            );
        }
    }
}

#[test]
fn encoding_lists_its_values_and_takes_the_old_spellings() {
    let r = fupin(["import", "--help"]);
    assert!(r.stdout.contains("utf-8"), "{}", r.stdout);
    assert!(r.stdout.contains("gb18030"), "{}", r.stdout);
    let cases = [
        ("utf-8", Encoding::Utf8),
        ("UTF-8", Encoding::Utf8),
        ("utf8", Encoding::Utf8),
        ("utf_8", Encoding::Utf8),
        ("gb18030", Encoding::Gb18030),
        ("GB18030", Encoding::Gb18030),
        ("gb-18030", Encoding::Gb18030),
        ("gbk", Encoding::Gb18030),
        ("GBK", Encoding::Gb18030),
        ("gb2312", Encoding::Gb18030),
    ];
    for (spelling, want) in cases {
        let cli = Cli::try_parse_from(["fupin", "import", "--encoding", spelling])
            .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        match cli.command {
            fupin::cli::Command::Import { encoding, .. } => {
                assert_eq!(encoding, Some(want), "{spelling}")
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(Cli::try_parse_from(["fupin", "import", "--encoding", "latin9"]).is_err());
}

#[test]
fn demo_with_zero_towns_villages_or_households_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    for flag in ["--towns", "--villages", "--households"] {
        let dir = tmp.path().join(flag.trim_start_matches('-'));
        let r = fupin([
            OsStr::new("demo"),
            dir.as_os_str(),
            OsStr::new(flag),
            OsStr::new("0"),
        ]);
        assert_eq!(r.code, 2, "{flag}: {}", r.stderr);
        assert!(
            r.stderr.contains("must be at least 1"),
            "{flag}: {}",
            r.stderr
        );
        assert!(!dir.exists(), "{flag}: demo wrote {}", dir.display());
    }
}
