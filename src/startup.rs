//! Building and running the application: database, migrations, schema, HTTP server.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use tracing_actix_web::TracingLogger;

use crate::auth::jwt::JwtKeys;
use crate::config::{AuthSettings, CorsSettings, DatabaseSettings, LimitSettings};
use crate::graphql::build_schema;
use crate::http::cors::CorsPolicy;
use crate::http::explorer::{Explorer, ExplorerSettings};
use crate::http::gate::SchemaShape;
use crate::http::persisted::PersistedQueries;
use crate::http::rate_limit::RateLimiter;
use crate::http::socket::session::Shutdown;
use crate::http::{self, state::AppState};
use crate::jobs::Jobs;
use crate::service::events::MeetingEvents;
use crate::service::viewers::SubjectCache;
use crate::telemetry::RequestSpan;

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub workers: Option<usize>,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub cors: CorsSettings,
    pub limits: LimitSettings,
    /// What the GraphiQL page opens with (`serve --demo` prefills it).
    pub explorer: ExplorerSettings,
}

/// Opens the connection pool: SQLite in WAL mode with foreign keys and a busy timeout;
/// PostgreSQL with a statement timeout and without JIT compilation. A request waits at most
/// the acquire timeout for a connection, opening one included, so an unreachable database
/// fails it fast; a connection that broke is closed when it comes back to the pool (sqlx
/// pings it on release) and a fresh one is opened on demand, so the pool heals by itself.
pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<DatabaseConnection> {
    open_pool(settings, &settings.url, false).await
}

/// Opens the read pool of `DATABASE_READ_URL`, when it is set: the same pool settings as
/// [`connect`], and every connection read-only (PostgreSQL `default_transaction_read_only`,
/// SQLite's read-only open), so a read path that writes fails loudly even when the URL
/// names a writable database. Open it after migrating: a read-only SQLite connection
/// cannot create the file.
pub async fn connect_read(
    settings: &DatabaseSettings,
) -> anyhow::Result<Option<DatabaseConnection>> {
    let Some(url) = settings.read_url.as_deref().filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    if backend_of(url) != backend_of(&settings.url) {
        anyhow::bail!(
            "DATABASE_READ_URL ({}) must name the same kind of database as DATABASE_URL ({})",
            redact(url),
            redact(&settings.url)
        );
    }
    Ok(Some(open_pool(settings, url, true).await?))
}

/// `postgres` or `sqlite` (or what else the URL's scheme says), for comparing two URLs.
fn backend_of(url: &str) -> &str {
    match url.split_once(':').map_or(url, |(scheme, _)| scheme) {
        "postgresql" => "postgres",
        scheme => scheme,
    }
}

async fn open_pool(
    settings: &DatabaseSettings,
    url: &str,
    read_only: bool,
) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    let statement_timeout = settings.statement_timeout;
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .connect_timeout(settings.acquire_timeout)
        .acquire_timeout(settings.acquire_timeout)
        // A connection in steady use is handed out as it is; only one idle for a second
        // or more is pinged first (a dropped one is replaced). Pinging on every checkout
        // cost a round trip per statement.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o: SqliteConnectOptions| {
            let o = o
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            // The primary has put the file in WAL mode; a read-only connection could not.
            if read_only {
                o.read_only(true)
            } else {
                o.journal_mode(SqliteJournalMode::Wal)
            }
        })
        // JIT compilation pays off for long analytical scans, not for our index-driven
        // statements: on the coverage report it added ~45 ms of compile time per statement.
        .map_sqlx_postgres_opts(move |o: PgConnectOptions| {
            let mut parameters = vec![
                (
                    "statement_timeout",
                    format!("{}", statement_timeout.as_millis()),
                ),
                ("jit", "off".to_string()),
            ];
            if read_only {
                parameters.push(("default_transaction_read_only", "on".to_string()));
            }
            o.options(parameters)
        });
    let mut db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    db.set_metric_callback(|_| crate::telemetry::metrics::statement_ran());
    Ok(db)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Applies pending migrations. When they changed a database that already holds people,
/// it refreshes the planner's statistics: a migration may add indexes or backfill columns
/// (on an empty database there is nothing to measure, and SQLite would keep statistics
/// of empty tables).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    let pending = Migrator::get_pending_migrations(db)
        .await
        .context("reading the applied migrations")?
        .len();
    Migrator::up(db, None)
        .await
        .context("applying migrations")?;
    if pending > 0 && crate::service::people::any_exist(db).await? {
        crate::service::sql::refresh_statistics(db, false)
            .await
            .context("refreshing statistics after migrating")?;
    }
    Ok(())
}

/// A bound, migrated, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    /// Closes the open WebSockets when the server stops.
    shutdown: Shutdown,
    /// Background work and the pool, stopped once the server has.
    events: MeetingEvents,
    db: DatabaseConnection,
    /// The read pool, when it is not `db`.
    read_db: Option<DatabaseConnection>,
    /// The rating freezer, the overdue-1:1 check and the webhook dispatcher.
    jobs: Jobs,
    /// `/metrics` on `--metrics-bind`, with its port.
    metrics: Option<(u16, Server)>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = connect(&settings.database).await?;
        Self::build_with_db(settings, db).await
    }

    /// Like [`Application::build`] on an already open pool; the read pool is opened from
    /// the settings (or is `db`).
    pub async fn build_with_db(settings: Settings, db: DatabaseConnection) -> anyhow::Result<Self> {
        migrate(&db).await?;
        let read_db = connect_read(&settings.database).await?;
        Self::build_migrated(settings, db, read_db).await
    }

    /// Like [`Application::build`] on already open pools (tests attach statement counters):
    /// `db` the primary, `read_db` the replica's (`None`: `db` serves reads too).
    pub async fn build_with_pools(
        settings: Settings,
        db: DatabaseConnection,
        read_db: Option<DatabaseConnection>,
    ) -> anyhow::Result<Self> {
        migrate(&db).await?;
        Self::build_migrated(settings, db, read_db).await
    }

    async fn build_migrated(
        settings: Settings,
        db: DatabaseConnection,
        read_db: Option<DatabaseConnection>,
    ) -> anyhow::Result<Self> {
        let keys = JwtKeys::from_settings(&settings.auth)?;
        let cors = CorsPolicy::from_settings(&settings.cors)?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let events = MeetingEvents::start(&db, &settings.database.url).await?;
        let schema = build_schema(&settings.limits, Some(events.clone()));
        let background = (events.clone(), db.clone(), read_db.clone());
        let state = web::Data::new(AppState {
            shape: SchemaShape::from_sdl(&schema.sdl()),
            rate_limit: RateLimiter::new(
                settings.limits.rate_limit_capacity,
                settings.limits.rate_limit_refill_per_second,
            ),
            schema,
            events,
            separate_read_pool: read_db.is_some(),
            read_db: read_db.unwrap_or_else(|| db.clone()),
            db,
            keys,
            persisted: PersistedQueries::from_settings(&settings.limits)?,
            subjects: SubjectCache::new(settings.auth.subject_cache_ttl),
            limits: settings.limits.clone(),
            operation_names: Default::default(),
            explorer: Explorer::new(&settings.explorer),
        });
        if settings.limits.metrics {
            crate::telemetry::metrics::handle();
        }
        let metrics_server = metrics_server(&settings.limits, &state)?;
        let body_limit = settings.limits.body_limit;
        let shutdown = Shutdown::default();
        let sockets = web::Data::new(shutdown.clone());
        let serve_metrics = settings.limits.metrics && metrics_server.is_none();
        // Last but the server itself: the jobs run until the application stops.
        let jobs =
            Jobs::start(&background.1, &settings.database, &settings.limits.webhooks).await?;
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(cors.middleware())
                .wrap(TracingLogger::<RequestSpan>::new())
                .app_data(state.clone())
                .app_data(sockets.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .wrap(ErrorHandlers::new().handler(StatusCode::PAYLOAD_TOO_LARGE, json_too_large))
                .configure(http::routes)
                .configure(|cfg| http::metrics_route(cfg, serve_metrics))
        })
        // `run_until_stopped` listens for the signals, so that it can close WebSockets too.
        .disable_signals()
        .shutdown_timeout(settings.limits.shutdown_timeout.as_secs())
        .listen(listener)?;
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            shutdown,
            events: background.0,
            db: background.1,
            read_db: background.2,
            jobs,
            metrics: metrics_server,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on when `--metrics-bind` sets its own address.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Serves until SIGINT or SIGTERM. Then it stops accepting connections, closes open
    /// WebSockets with 1001 (Going Away) and lets in-flight requests finish, for up to the
    /// shutdown timeout.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self.metrics.map(|(_, metrics)| {
            let handle = metrics.handle();
            tokio::spawn(metrics);
            handle
        });
        let mut server = self.server;
        let stopped = tokio::select! {
            stopped = &mut server => stopped,
            signal = stop_signal() => {
                signal?;
                tracing::info!("shutting down: draining in-flight requests");
                self.shutdown.begin();
                // Stopping starts at once; `server` resolves once the workers have drained.
                drop(server.handle().stop(true));
                server.await
            }
        };
        if let Some(metrics) = metrics {
            metrics.stop(true).await;
        }
        self.events.stop();
        self.jobs.stop().await;
        for pool in std::iter::once(&self.db).chain(self.read_db.as_ref()) {
            if let Err(err) = pool.close_by_ref().await {
                tracing::warn!(error = %err, "closing a database pool");
            }
        }
        tracing::info!("stopped");
        stopped
    }
}

/// Resolves at the first SIGTERM or SIGINT.
async fn stop_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    Ok(())
}

/// A second server answering only `GET /metrics`, when `--metrics-bind` asks for one.
fn metrics_server(
    limits: &LimitSettings,
    state: &web::Data<AppState>,
) -> anyhow::Result<Option<(u16, Server)>> {
    let Some(bind) = limits.metrics_bind.as_ref().filter(|_| limits.metrics) else {
        return Ok(None);
    };
    let listener =
        TcpListener::bind(bind).with_context(|| format!("binding {bind} for metrics"))?;
    let port = listener.local_addr()?.port();
    let state = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .configure(|cfg| http::metrics_route(cfg, true))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(Some((port, server)))
}

/// A body over the limit gets a GraphQL-shaped JSON answer, like every other refusal.
fn json_too_large<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, _) = res.into_parts();
    let response = HttpResponse::PayloadTooLarge()
        .content_type("application/json; charset=utf-8")
        .body(r#"{"errors":[{"message":"the request body is larger than the limit"}]}"#);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
