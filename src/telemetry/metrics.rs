//! Prometheus metrics: every metric's name, and the calls that record them. The recorder
//! (`metrics-exporter-prometheus`, without its own HTTP listener) is installed once per
//! process; `GET /metrics` renders it ([`render`]), on the main address or on
//! `--metrics-bind`.
//!
//! Operation names are bounded per application ([`OperationNames`]): a named operation
//! (persisted or not) is counted by its name, an unnamed one as `anonymous`; once
//! [`MAX_OPERATION_NAMES`] names have been seen, any new name counts as `other`.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseBackend, DatabaseConnection};

/// GraphQL requests, by `operation_type` (`query`, `mutation`, `subscription`, `unknown`)
/// and `operation` (the bounded name).
pub const REQUESTS: &str = "cadence_graphql_requests_total";
/// GraphQL requests by `code`: `OK` when the answer has no error, else the
/// `extensions.code` of its first error (`ERROR` when it has none).
pub const OUTCOMES: &str = "cadence_graphql_outcomes_total";
/// Time from reading a GraphQL request to its answer, by `operation_type`.
pub const DURATION: &str = "cadence_graphql_request_duration_seconds";
/// SQL statements one GraphQL request ran.
pub const STATEMENTS: &str = "cadence_graphql_sql_statements";
/// Connections a database pool holds, in use or idle (read at scrape time), by `pool`
/// (`primary`; `read` when `DATABASE_READ_URL` gives reads a pool of their own).
pub const POOL_SIZE: &str = "cadence_db_pool_connections";
/// Pooled connections lent out to a request.
pub const POOL_IN_USE: &str = "cadence_db_pool_connections_in_use";
/// Pooled connections waiting to be lent.
pub const POOL_IDLE: &str = "cadence_db_pool_connections_idle";
/// graphql-transport-ws sockets open now.
pub const WEBSOCKETS: &str = "cadence_websockets_open";
/// Subscriptions streaming now, over every socket.
pub const SUBSCRIPTIONS: &str = "cadence_subscriptions_active";
/// Requests refused because their client's cost budget did not cover them (429).
pub const RATE_LIMITED: &str = "cadence_rate_limit_refusals_total";
/// Times the meeting-event LISTEN connection (PostgreSQL) was found lost.
pub const EVENTS_LISTENER_DISCONNECTS: &str = "cadence_events_listener_disconnects_total";
/// Times the meeting-event LISTEN connection was re-established after a loss (each one
/// announces `EVENTS_MISSED` to every open subscription).
pub const EVENTS_LISTENER_RECONNECTS: &str = "cadence_events_listener_reconnects_total";
/// Meeting events a subscriber fell too far behind to receive (it was told
/// `EVENTS_MISSED` instead).
pub const EVENTS_LAGGED: &str = "cadence_events_lagged_total";

/// Most distinct operation names an application reports; any further name is `other`.
pub const MAX_OPERATION_NAMES: usize = 500;
/// The label of operations without a name.
pub const ANONYMOUS: &str = "anonymous";
/// The label of named operations beyond [`MAX_OPERATION_NAMES`].
pub const OTHER: &str = "other";

const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const STATEMENT_BUCKETS: &[f64] = &[0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0, 100.0];

/// The process's recorder, installed by the first application built.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), DURATION_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(STATEMENTS.into()), STATEMENT_BUCKETS)
            })
            .expect("the buckets are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (an embedding program): ours then stays empty.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder is already installed; /metrics stays empty");
        }
        handle
    })
}

/// The Prometheus text exposition of every metric, the gauges of each named pool read now.
pub fn render(pools: &[(&'static str, &DatabaseConnection)]) -> String {
    let handle = handle();
    for (name, db) in pools {
        record_pool(name, db);
    }
    handle.render()
}

fn record_pool(name: &'static str, db: &DatabaseConnection) {
    let (size, idle) = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => return,
    };
    let idle = idle as f64;
    let size = f64::from(size);
    gauge!(POOL_SIZE, "pool" => name).set(size);
    gauge!(POOL_IDLE, "pool" => name).set(idle);
    gauge!(POOL_IN_USE, "pool" => name).set((size - idle).max(0.0));
}

/// The operation names an application has reported, at most [`MAX_OPERATION_NAMES`].
#[derive(Default)]
pub struct OperationNames {
    seen: RwLock<HashSet<String>>,
}

impl OperationNames {
    /// The label `name` is counted under: itself while there is room, `anonymous` without
    /// a name, `other` once the names are full.
    pub fn label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return ANONYMOUS.into();
        };
        if self.seen.read().is_ok_and(|seen| seen.contains(name)) {
            return name.into();
        }
        let Ok(mut seen) = self.seen.write() else {
            return OTHER.into();
        };
        if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
            seen.insert(name.into());
            name.into()
        } else {
            OTHER.into()
        }
    }
}

/// What a finished GraphQL request reports.
pub struct Finished<'a> {
    pub operation_type: &'static str,
    pub operation: &'a str,
    pub code: &'a str,
    pub duration: Duration,
    /// Statements it ran, where they were counted (not for a socket's subscriptions).
    pub statements: Option<u64>,
}

/// Records a finished GraphQL request.
pub fn record_request(finished: &Finished<'_>) {
    counter!(REQUESTS, "operation_type" => finished.operation_type, "operation" => finished.operation.to_string())
        .increment(1);
    counter!(OUTCOMES, "code" => finished.code.to_string()).increment(1);
    histogram!(DURATION, "operation_type" => finished.operation_type)
        .record(finished.duration.as_secs_f64());
    if let Some(statements) = finished.statements {
        histogram!(STATEMENTS).record(statements as f64);
    }
}

/// Records a request refused by the rate limit.
pub fn rate_limited() {
    counter!(RATE_LIMITED).increment(1);
}

/// Records that the meeting-event LISTEN connection was lost.
pub fn events_listener_disconnected() {
    counter!(EVENTS_LISTENER_DISCONNECTS).increment(1);
}

/// Records that the meeting-event LISTEN connection is back.
pub fn events_listener_reconnected() {
    counter!(EVENTS_LISTENER_RECONNECTS).increment(1);
}

/// Records `lost` meeting events a lagging subscriber did not receive.
pub fn events_lagged(lost: u64) {
    counter!(EVENTS_LAGGED).increment(lost);
}

/// Counts while alive: an open socket or a streaming subscription.
pub struct Open(&'static str);

impl Open {
    /// A WebSocket opened; it counts until this is dropped.
    pub fn websocket() -> Self {
        Self::count(WEBSOCKETS)
    }

    /// A subscription started; it counts until this is dropped.
    pub fn subscription() -> Self {
        Self::count(SUBSCRIPTIONS)
    }

    fn count(name: &'static str) -> Self {
        gauge!(name).increment(1.0);
        Open(name)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        gauge!(self.0).decrement(1.0);
    }
}

/// A subscription's stream, counted in [`SUBSCRIPTIONS`] while it lives.
pub fn track_subscription<S: futures_util::Stream + Send + 'static>(
    stream: S,
) -> futures_util::stream::BoxStream<'static, S::Item> {
    use futures_util::StreamExt;
    let open = Open::subscription();
    stream
        .map(move |item| {
            let _ = &open;
            item
        })
        .boxed()
}

tokio::task_local! {
    static STATEMENTS_RUN: Arc<AtomicU64>;
}

/// The statements of one request: counted by [`statement_ran`] while `future` runs (and
/// in the DataLoader tasks it spawns through [`in_current_request`]).
pub async fn counting_statements<F: Future>(future: F) -> (F::Output, u64) {
    let count = Arc::new(AtomicU64::new(0));
    let output = STATEMENTS_RUN.scope(count.clone(), future).await;
    (output, count.load(Ordering::Relaxed))
}

/// Wraps a future spawned on behalf of the current request, so its statements count too.
pub fn in_current_request<F: Future>(future: F) -> impl Future<Output = F::Output> {
    let count = STATEMENTS_RUN.try_with(Arc::clone).ok();
    async move {
        match count {
            Some(count) => STATEMENTS_RUN.scope(count, future).await,
            None => future.await,
        }
    }
}

/// Called by the database connection's metric callback after each statement.
pub fn statement_ran() {
    let _ = STATEMENTS_RUN.try_with(|count| count.fetch_add(1, Ordering::Relaxed));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_beyond_the_bound_count_as_other() {
        let names = OperationNames::default();
        for i in 0..MAX_OPERATION_NAMES {
            assert_eq!(names.label(Some(&format!("Op{i}"))), format!("Op{i}"));
        }
        assert_eq!(names.label(Some("OneTooMany")), OTHER);
        assert_eq!(
            names.label(Some("Op0")),
            "Op0",
            "a known name keeps its label"
        );
        assert_eq!(names.label(Some("Op499")), "Op499");
        assert_eq!(names.label(None), ANONYMOUS);
    }
}
