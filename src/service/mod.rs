//! Operations over the database, one module per area. Services take the viewer and check
//! [`crate::auth::policy`] before they read or write; they never see GraphQL or HTTP types.

pub mod agendas;
pub mod demo;
pub mod events;
pub mod feedback;
pub mod insights;
pub mod meetings;
pub mod org;
pub mod people;
pub mod policies;
pub mod teams;
pub mod trend;
pub mod viewers;

pub(crate) mod sql;

/// Most ids bound in one statement: for `IN (…)` lists, well below both databases'
/// parameter limits, and for id sets bound as one parameter, a bound on what one statement
/// carries.
pub(crate) const IN_CHUNK: usize = 1000;
