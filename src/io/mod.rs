//! The edge: reading sheets, writing CSV files and workbooks, atomic writes,
//! the journal.

pub mod application;
pub mod atomic;
pub mod csvin;
pub mod csvout;
pub mod findings;
pub mod folder;
pub mod journal;
pub mod lists;
pub mod recheck;
pub mod register;
pub mod sheet;
pub mod staleness;
pub mod survey;
pub mod table;
pub mod xlsx;
