//! File formats Cadence reads and writes: pure parsing and writing, no database.

pub mod calendar;
