//! The demo town generator.
