//! The edge: reading sheets, writing CSV files and workbooks, atomic writes,
//! the journal.

pub mod atomic;
pub mod sheet;
pub mod xlsx;
pub mod application;
pub mod csvout;
pub mod register;
pub mod findings;
pub mod journal;
pub mod table;
