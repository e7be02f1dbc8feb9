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
    /// The primary (`DATABASE_URL`): mutations, and whatever must read its own writes.
    pub db: DatabaseConnection,
    /// The read pool (`DATABASE_READ_URL`, else a clone of `db`): queries, subscriptions,
    /// exports and the viewer lookup of a query. Every connection of a replica's pool is
    /// read-only.
    pub read_db: DatabaseConnection,
    /// Whether `read_db` is a pool of its own (a `DATABASE_READ_URL` is set).
    pub separate_read_pool: bool,
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

impl AppState {
    /// The pool a GraphQL operation runs on: the read pool when it only reads (a query or
    /// a subscription), else the primary. One place decides, for POST, GET, batches and
    /// WebSockets alike.
    pub fn pool_for(&self, reads_only: bool) -> &DatabaseConnection {
        if reads_only { &self.read_db } else { &self.db }
    }

    /// Each pool by the name `/metrics` reports it under: `primary`, and `read` when the
    /// reads have a pool of their own.
    pub fn pools(&self) -> Vec<(&'static str, &DatabaseConnection)> {
        let mut pools = vec![("primary", &self.db)];
        if self.separate_read_pool {
            pools.push(("read", &self.read_db));
        }
        pools
    }
}
