//! File formats on their own, with no database: reading imports and writing exports.

pub mod calendar;
pub mod export;
pub mod hris;
