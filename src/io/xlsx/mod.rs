//! Workbook layouts, one module per kind of document.

pub mod appraisal;
pub mod common;
pub mod county;
pub mod findings;
pub mod notice;
pub mod primary;
#[cfg(test)]
pub(crate) mod read_back;
pub mod registration;
pub mod summary;
pub mod template;
