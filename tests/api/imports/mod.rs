//! Imports of real files: HRIS CSV exports and calendars, by the `cadence import` commands
//! and their GraphQL mutations.

mod calendar;
mod people;
