//! sea-orm entities of Cadence: tables and relations only. GraphQL types, validation and
//! business rules live in the `cadence` crate.

pub mod person;
pub mod reporting_line;
pub mod team;
