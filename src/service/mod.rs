//! Operations over the database, one module per area. Services take the viewer and check
//! [`crate::auth::access`] before they read or write; they never see GraphQL or HTTP types.

pub mod agendas;
pub mod cadence;
pub mod check_ins;
pub mod classify;
pub mod events;
pub mod export;
pub mod feedback;
pub mod insights;
pub mod meetings;
pub mod org;
pub mod people;
pub mod pulse;
pub mod reminders;
pub mod resources;
pub mod teams;
pub mod training;
pub mod trend;
pub mod viewers;
pub mod watch;
pub mod webhooks;

pub(crate) mod sql;

/// Chunk size for statements that bind one parameter per value (`IN (…)` lists, `VALUES`
/// rows), well below both databases' parameter limits. Id sets bound as one array
/// parameter ([`sql::id_set`]) need no chunks.
pub(crate) const IN_CHUNK: usize = 1000;
