//! Pure value types and rules: no database, no GraphQL.

pub mod cadence;
pub mod check_in;
pub mod employment;
pub mod hierarchy;
pub mod ids;
pub mod meeting;
pub mod paging;
pub mod resource;
pub mod webhook;
