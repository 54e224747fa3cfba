//! fupin: precise identification of poor rural households (精准识别) and their
//! file-and-card registration (建档立卡).

pub mod domain;
pub mod io;
pub mod demo;
