//! Screening rules: income standard, ranking, scale caps (DESIGN 2.1-2.5, 2.9).
