//! fupin: precise identification of poor rural households (精准识别) and their
//! file-and-card registration (建档立卡).
//!
//! `domain` holds the rules and knows nothing of files; `io` reads and
//! writes sheets, CSV files and workbooks; `cmd` has one module per command;
//! `error` gives every failure a kind and the kind its exit status.

pub mod cli;
pub mod cmd;
pub mod demo;
pub mod domain;
pub mod error;
pub mod fuzzing;
pub mod io;
pub mod pipeline;
