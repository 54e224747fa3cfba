//! The domain: campaign parameters, roster, register, rules and findings.
//! Nothing here reads or writes files.

pub mod appraisal;
pub mod campaign;
pub mod campaign_checks;
pub mod chain;
pub mod checks;
pub mod codes;
pub mod columns;
pub mod finding;
pub mod idnum;
pub mod key;
pub mod list;
pub mod money;
pub mod reason;
pub mod register;
pub mod review;
pub mod roster;
pub mod rules;
pub mod schedule;
pub mod screen;
pub mod statistics;
pub mod survey;
pub mod text;
