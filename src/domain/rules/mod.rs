//! Screening rules: income standard, ranking, scale caps (DESIGN 2.1-2.5, 2.9).
//!
//! Pure functions, no I/O. Money is exact: amounts are fen (`Fen`), rates and
//! the near-standard band are parts per million (`PPM`), and every comparison
//! that involves a household's size is made by cross-multiplying in `i128`,
//! never with binary floating point.
//!
//! * [`income_class`]: below the standard, inside the near-standard band, or
//!   above (2.1, 2.2, 2.9);
//! * [`quota`]: `floor(population × rate)` persons (2.5);
//! * [`natural_cmp`]: natural order of household numbers (2.4);
//! * [`rank_and_admit`]: the ranking of every quota pool and the walk that
//!   admits whole households within the quota, policy `stop` or `skip`
//!   (2.4, 2.5, 2.9).

mod natural;
mod quota;
mod ranking;
mod standard;

pub use natural::natural_cmp;
pub use quota::quota;
pub use ranking::{rank_and_admit, rank_cmp, Candidate, Placement};
pub use standard::{band_limit, income_class, IncomeClass};
