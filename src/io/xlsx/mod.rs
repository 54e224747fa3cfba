//! Workbook layouts, one module per kind of document.

pub mod common;
pub mod findings;
pub mod primary;
pub mod template;
