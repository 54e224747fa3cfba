//! Why a command failed, and the exit status that follows from it (DESIGN 5).
//!
//! A script tells bad data from bad usage by the status alone, so the kind of
//! every failure decides it, here and nowhere else:
//!
//! | kind       | exit | what                                                        |
//! |------------|------|-------------------------------------------------------------|
//! | `usage`    | 2    | arguments that contradict each other or name nothing        |
//! | `config`   | 2    | `campaign.toml`, `villages.csv`, the folder, the `out/` lock |
//! | `data`     | 1    | data that stops the stage, and any file fupin wrote (the     |
//! |            |      | register, every list) that cannot be read back               |
//! | `io`       | 2    | the system refused a read or a write (disk full, permission) |
//! | `internal` | 2    | an error nobody gave a kind: a fupin bug, to be given one    |
//!
//! Exit 1 also comes from a run that did its work and found blocking errors
//! in the data ([`crate::cmd::Report::exit`]); that run has its report, a
//! failure has only its message.
//!
//! Commands return `anyhow::Result`; the kind travels as an [`Error`] inside
//! the `anyhow::Error`, made by [`usage`], [`config`] or [`data`].

use serde_json::{json, Value};

/// The kind of a failure; it decides the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Usage,
    Config,
    Data,
    Io,
    Internal,
}

impl Kind {
    /// The exit status of a failure of this kind.
    pub fn code(self) -> i32 {
        match self {
            Kind::Data => 1,
            Kind::Usage | Kind::Config | Kind::Io | Kind::Internal => 2,
        }
    }

    /// The name scripts see in `--json`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Usage => "usage",
            Kind::Config => "config",
            Kind::Data => "data",
            Kind::Io => "io",
            Kind::Internal => "internal",
        }
    }

    /// Said when an error came without words of its own, so no failure is
    /// ever silent.
    fn fallback(self) -> &'static str {
        match self {
            Kind::Usage => "wrong usage: see --help",
            Kind::Config => "the campaign's configuration is wrong",
            Kind::Data => "the data stops this stage",
            Kind::Io => "a file could not be read or written",
            Kind::Internal => "fupin failed without saying why",
        }
    }
}

/// A failure with its kind and the message for the clerk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: Kind,
    message: String,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn code(&self) -> i32 {
        self.kind.code()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    Error::new(Kind::Usage, msg).into()
}

pub fn config(msg: impl Into<String>) -> anyhow::Error {
    Error::new(Kind::Config, msg).into()
}

pub fn data(msg: impl Into<String>) -> anyhow::Error {
    Error::new(Kind::Data, msg).into()
}

/// The kind of any error a command returned. The outermost [`Error`] of the
/// chain wins: a command that wraps what a reader said knows better what it
/// means. Untyped errors are told by what they are: a CSV file that does not
/// parse can only be one fupin wrote (the clerks' sheets are read into
/// findings, never into errors), so it is data; a refusal of the system is
/// I/O.
pub fn kind_of(e: &anyhow::Error) -> Kind {
    for cause in e.chain() {
        if let Some(f) = cause.downcast_ref::<Error>() {
            return f.kind;
        }
        if let Some(c) = cause.downcast_ref::<csv::Error>() {
            return match c.kind() {
                csv::ErrorKind::Io(_) => Kind::Io,
                _ => Kind::Data,
            };
        }
        if cause.is::<std::io::Error>() {
            return Kind::Io;
        }
    }
    Kind::Internal
}

/// The exit status of a failed command: the one mapping from errors to
/// exit codes.
pub fn exit_code(e: &anyhow::Error) -> i32 {
    kind_of(e).code()
}

/// The whole message: each cause after the one it explains.
pub fn message(e: &anyhow::Error) -> String {
    let text = e
        .chain()
        .map(|c| c.to_string())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    if text.is_empty() {
        kind_of(e).fallback().to_string()
    } else {
        text
    }
}

/// The `error` member of a failed command's `--json` object.
pub fn json(e: &anyhow::Error) -> Value {
    json!({"kind": kind_of(e).name(), "message": message(e)})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_exit_1_and_usage_or_configuration_exit_2() {
        assert_eq!(exit_code(&data("x")), 1);
        assert_eq!(exit_code(&usage("x")), 2);
        assert_eq!(exit_code(&config("x")), 2);
    }

    #[test]
    fn a_kind_survives_the_context_added_around_it() {
        let e = data("line 3 is damaged").context("out/register.csv");
        assert_eq!(kind_of(&e), Kind::Data);
        assert_eq!(message(&e), "out/register.csv: line 3 is damaged");
    }

    #[test]
    fn the_outermost_kind_wins() {
        let inner = config("inner");
        let e = data(format!("{inner:#}"));
        assert_eq!(kind_of(&e), Kind::Data);
        let e = anyhow::Error::new(Error::new(Kind::Usage, "outer")).context("more");
        assert_eq!(kind_of(&e), Kind::Usage);
    }

    #[test]
    fn an_unparsable_csv_file_is_data_and_a_refused_read_is_io() {
        let bad = csv::ReaderBuilder::new()
            .from_reader("a,b\n1,2,3\n".as_bytes())
            .records()
            .find_map(Result::err);
        let bad = anyhow::Error::from(bad.expect("a short record")) // ok: test code, not built into fupin
            .context("cannot read out/primary-list.csv");
        assert_eq!(kind_of(&bad), Kind::Data);
        let denied = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let e = anyhow::Error::from(denied).context("cannot write out/register.csv");
        assert_eq!(kind_of(&e), Kind::Io);
        assert_eq!(exit_code(&e), 2);
    }

    #[test]
    fn an_untyped_error_is_internal_and_still_has_a_message() {
        let e = anyhow::anyhow!("");
        assert_eq!(kind_of(&e), Kind::Internal);
        assert_eq!(message(&e), "fupin failed without saying why");
    }

    #[test]
    fn the_json_error_names_kind_and_message() {
        let v = json(&config("campaign.toml: unknown key x"));
        assert_eq!(v["kind"], "config");
        assert_eq!(v["message"], "campaign.toml: unknown key x");
    }
}
