//! What every request handler shares, built once at start-up.

use sea_orm::DatabaseConnection;

use super::explorer::Explorer;
use super::gate::SchemaShape;
use super::persisted::PersistedQueries;
use super::rate_limit::RateLimiter;
use crate::auth::jwt::JwtKeys;
use crate::config::LimitSettings;
use crate::graphql::CadenceSchema;
use crate::service::events::MeetingEvents;
use crate::service::viewers::SubjectCache;
use crate::telemetry::metrics::OperationNames;

/// What every request handler shares.
pub struct AppState {
    pub schema: CadenceSchema,
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub limits: LimitSettings,
    pub events: MeetingEvents,
    /// The schema's fields and connections, to price queries before they run.
    pub shape: SchemaShape,
    /// Per-client cost budgets, kept in this process's memory.
    pub rate_limit: RateLimiter,
    /// Automatic persisted queries, or the allow-list of `--persisted-only`.
    pub persisted: PersistedQueries,
    /// Token subjects looked up in the last moments.
    pub subjects: SubjectCache,
    /// The operation names `/metrics` has reported, bounded.
    pub operation_names: OperationNames,
    /// The GraphiQL page, rendered at start-up.
    pub explorer: Explorer,
}
