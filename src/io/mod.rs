//! The edge: reading sheets, writing CSV files and workbooks, atomic writes,
//! the journal.

pub mod atomic;
pub mod xlsx;
