//! The running app: `spawn_app` starts the server on a fresh database (SQLite, or
//! PostgreSQL when `CADENCE_TEST_POSTGRES_URL` is set), `app.gql(...)` sends a GraphQL
//! request, tokens are minted with the app's own key, and `db_test!` runs a scenario on both.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::{
    AuthSettings, CorsSettings, DatabaseSettings, LimitSettings, WebhookSettings,
};
use cadence::http::explorer::ExplorerSettings;
use cadence::startup::{self, Application, Settings};
use chrono::Utc;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

use super::fixtures::UPSERT_PEOPLE;

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256-0123456789";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test scenario once on SQLite and once on PostgreSQL: `db_test!(name);` beside
/// `async fn name(backend: Backend)` gives the tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! db_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::support::postgres_url().is_none() {
                    eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
                    return;
                }
                super::$name($crate::support::Backend::Postgres).await;
            }
        }
    };
}

pub fn postgres_url() -> Option<String> {
    std::env::var("CADENCE_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

pub struct TestApp {
    pub address: String,
    /// The database the app serves, for running `cadence` commands against it.
    pub database_url: String,
    /// What the app reads through (`DATABASE_READ_URL`): on PostgreSQL the same database as
    /// the role [`READER`], whose transactions are read-only; on SQLite the same file opened
    /// read-only. `None` when the test turned [`Options::read_replica`] off.
    pub read_database_url: Option<String>,
    pub port: u16,
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub client: reqwest::Client,
    statements: Arc<AtomicUsize>,
    _dir: Option<tempfile::TempDir>,
}

/// Knobs a test may turn before the app starts.
pub struct Options {
    pub auth: AuthSettings,
    pub cors: CorsSettings,
    pub limits: LimitSettings,
    /// PostgreSQL `statement_timeout` of the app's pool.
    pub statement_timeout: Duration,
    /// The app reaches PostgreSQL through this local port (a [`super::Proxy`]); the fresh
    /// database is created directly, and `TestApp::database_url` names it directly.
    pub database_port: Option<u16>,
    /// What the GraphiQL page opens with.
    pub explorer: ExplorerSettings,
    /// Queries and subscriptions read through a read-only replica URL (see
    /// [`TestApp::read_database_url`]), so that every test proves its reads never write.
    /// On by default.
    pub read_replica: bool,
    /// Reads go to this URL instead (with `read_replica` on), e.g. another database.
    pub read_url: Option<String>,
    /// The app reaches the read URL through this local port (a [`super::Proxy`]).
    pub read_port: Option<u16>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            auth: AuthSettings {
                jwt_secret: Some(SECRET.into()),
                // Every request reads its viewer, so that statement counts do not depend
                // on what an earlier request left remembered (`auth.rs` tests the cache).
                subject_cache_ttl: Duration::ZERO,
                ..AuthSettings::default()
            },
            cors: CorsSettings::default(),
            limits: LimitSettings {
                // Tests count statements per request while the whole suite loads both
                // cores: a level's keys must land in one batch even when the worker is
                // preempted halfway through adding them.
                batch_delay: Duration::from_millis(20),
                // No background work on the pools unless a test asks for it: tests count
                // the statements a request runs on them (the webhook tests turn it on).
                webhooks: WebhookSettings {
                    webhook_dispatcher: false,
                    ..WebhookSettings::default()
                },
                ..LimitSettings::default()
            },
            statement_timeout: DatabaseSettings::new("").statement_timeout,
            database_port: None,
            explorer: Default::default(),
            read_replica: true,
            read_url: None,
            read_port: None,
        }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    let (database, dir) = fresh_database(backend).await;
    start_app(backend, database, dir, options).await
}

/// Starts an app on `database` (fresh, or another app's), as `options` say.
async fn start_app(
    backend: Backend,
    mut database: DatabaseSettings,
    dir: Option<tempfile::TempDir>,
    options: Options,
) -> TestApp {
    database.statement_timeout = options.statement_timeout;
    let database_url = database.url.clone();
    let read_database_url = match (options.read_replica, options.read_url) {
        (false, _) => None,
        (true, Some(url)) => Some(url),
        (true, None) => Some(reader_url(backend, &database.url).await),
    };
    database.read_url = read_database_url.clone();
    if let Some(port) = options.database_port {
        database.url = super::proxy::through_port(&database.url, port);
        database.read_url = read_database_url
            .as_deref()
            .map(|url| super::proxy::through_port(url, port));
    }
    if let (Some(port), Some(url)) = (options.read_port, read_database_url.as_deref()) {
        database.read_url = Some(super::proxy::through_port(url, port));
    }
    let statements = Arc::new(AtomicUsize::new(0));
    let counted = |mut db: DatabaseConnection| {
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            cadence::telemetry::metrics::statement_ran();
        });
        db
    };
    let db = counted(startup::connect(&database).await.expect("connect"));
    // Migrated before the read pool opens: a read-only SQLite connection needs the file.
    startup::migrate(&db).await.expect("migrate");
    let read_db = startup::connect_read(&database)
        .await
        .expect("connect the read URL")
        .map(counted);
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        workers: Some(1),
        database,
        auth: options.auth.clone(),
        cors: options.cors,
        limits: options.limits,
        explorer: options.explorer,
    };
    let app = Application::build_with_pools(settings, db.clone(), read_db)
        .await
        .expect("build app");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        database_url,
        read_database_url,
        port,
        db,
        keys: JwtKeys::from_settings(&options.auth).expect("keys"),
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        statements,
        _dir: dir,
    }
}

pub async fn fresh_database(backend: Backend) -> (DatabaseSettings, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (DatabaseSettings::new(url), Some(dir))
        }
        Backend::Postgres => {
            let admin_url = postgres_url().expect("CADENCE_TEST_POSTGRES_URL");
            let name = format!("cadence_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(admin_url.as_str())
                .await
                .expect("connect postgres");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create database");
            admin.close().await.ok();
            (
                DatabaseSettings::new(with_database(&admin_url, &name)),
                None,
            )
        }
    }
}

/// The PostgreSQL role the test apps read through: it may read every table and its
/// transactions are read-only (`default_transaction_read_only`), as on a replica.
pub const READER: &str = "cadence_reader";

/// A read-only URL of the same database: as [`READER`] on PostgreSQL (created first if
/// need be), the same file with `mode=ro` on SQLite.
pub async fn reader_url(backend: Backend, url: &str) -> String {
    match backend {
        Backend::Sqlite => url.replace("mode=rwc", "mode=ro"),
        Backend::Postgres => {
            ensure_reader_role().await;
            as_user(url, READER)
        }
    }
}

/// Creates [`READER`] unless it exists. The role is cluster-wide and tests run in
/// parallel: creating, configuring and granting are one transaction, and losing the race to
/// another test (or finding the role of an earlier run) is fine.
async fn ensure_reader_role() {
    let admin = Database::connect(postgres_url().expect("CADENCE_TEST_POSTGRES_URL").as_str())
        .await
        .expect("connect postgres");
    admin
        .execute_unprepared(&format!(
            "DO $$ BEGIN \
               CREATE ROLE {READER} LOGIN; \
               ALTER ROLE {READER} SET default_transaction_read_only = on; \
               GRANT pg_read_all_data TO {READER}; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; \
             END $$"
        ))
        .await
        .expect("create the reader role");
    admin.close().await.ok();
}

/// `postgres://u@h/db` as another user (no password: the test server trusts local users).
pub fn as_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    format!("{scheme}://{user}@{host}")
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A GraphQL answer: HTTP status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// `data` at a JSON pointer, e.g. `/people/totalCount`.
    pub fn data(&self, pointer: &str) -> &Value {
        self.body
            .pointer(&format!("/data{pointer}"))
            .unwrap_or_else(|| panic!("no data at {pointer} in {}", self.body))
    }

    /// The answer has no errors; returns self for chaining.
    pub fn ok(self) -> Self {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        assert_eq!(self.status, 200, "{}", self.body);
        self
    }

    /// The `extensions.code` of every error.
    pub fn error_codes(&self) -> Vec<String> {
        self.body
            .get("errors")
            .and_then(Value::as_array)
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        e.pointer("/extensions/code")
                            .and_then(Value::as_str)
                            .unwrap_or("<none>")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// At least one error, and every error carries `code`.
    pub fn assert_error_code(&self, code: &str) {
        let codes = self.error_codes();
        assert!(
            !codes.is_empty(),
            "expected {code}, got no errors: {}",
            self.body
        );
        assert!(
            codes.iter().all(|c| c == code),
            "expected {code}, got {codes:?}: {}",
            self.body
        );
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// POSTs a GraphQL request with an optional bearer token.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let body = response.json().await.expect("JSON body");
        Answer { status, body }
    }

    pub fn mint(&self, claims: Claims) -> String {
        self.keys.mint(claims).expect("mint")
    }

    /// A person's token (`sub` = externalId).
    pub fn person_token(&self, external_id: &str) -> String {
        self.mint(Claims::new(
            external_id,
            Utc::now(),
            Duration::from_secs(3600),
        ))
    }

    /// An HR administrator's token.
    pub fn hr_admin_token(&self, external_id: &str) -> String {
        let mut claims = Claims::new(external_id, Utc::now(), Duration::from_secs(3600));
        claims.roles = vec!["hr_admin".into()];
        self.mint(claims)
    }

    /// An integration's token with the given space-separated scopes.
    pub fn integration_token(&self, scope: &str) -> String {
        let mut claims = Claims::new("hris-sync", Utc::now(), Duration::from_secs(3600));
        claims.roles = vec!["integration".into()];
        claims.scope = Some(scope.into());
        self.mint(claims)
    }

    /// Token of an integration that may read and write everything.
    pub fn admin_integration(&self) -> String {
        self.integration_token("org:read org:write meetings:read meetings:write")
    }

    /// Upserts people through the API with a full-scope integration token; panics on errors.
    pub async fn upsert_people(&self, people: Value) -> Value {
        let answer = self
            .gql(
                Some(&self.admin_integration()),
                UPSERT_PEOPLE,
                json!({ "people": people }),
            )
            .await
            .ok();
        answer.data("/upsertPeople").clone()
    }

    /// Freezes the rating figures of every quarter that has ended, as `serve` does on its
    /// schedule (and did at start-up, when the test's meetings were not logged yet).
    pub async fn freeze_ratings(&self) -> Vec<String> {
        cadence::service::insights::freeze_ended_quarters(&self.db, Utc::now())
            .await
            .expect("freeze ratings")
            .into_iter()
            .map(|q| q.format("%Y-%m-%d").to_string())
            .collect()
    }

    /// Statements run on the database so far (through both pools).
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }
}

/// Another app on the database `database_url` already holds (another instance of the
/// service, as in production several share one PostgreSQL database); it may go through a
/// proxy (`options.database_port`) as [`spawn_app_with`]'s apps do.
pub async fn spawn_app_on(database_url: &str, options: Options) -> TestApp {
    let backend = if database_url.starts_with("sqlite") {
        Backend::Sqlite
    } else {
        Backend::Postgres
    };
    start_app(backend, DatabaseSettings::new(database_url), None, options).await
}
