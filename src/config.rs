//! Command line and environment configuration. Every option reads a `CADENCE_*` variable
//! (`DATABASE_URL` for the database), and `.env` is read when present.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Cadence: a GraphQL API over an organisation's org chart and its one-on-one meetings.
#[derive(Debug, Parser)]
#[command(name = "cadence", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How log lines are written to stderr: `text` for people, `json` (one object a line)
    /// for log collectors.
    #[arg(long, global = true, env = "CADENCE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The shape of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

// Parsed once at startup: the size of the `Serve` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrations are applied at start).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseSettings),
    /// Print the GraphQL schema (SDL) to stdout.
    Schema,
    /// Mint a signed access token, for development and scripts.
    Token(TokenArgs),
    /// Fill an empty database with a generated demo company.
    SeedDemo(SeedArgs),
    /// Bring people (an HRIS CSV export) or meetings (an iCalendar file) into the database.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write meetings or coverage figures out as CSV or JSON, to stdout.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Freeze the rating figures of every quarter that has ended, and the pulse rounds past
    /// their closing time (what `serve` does on a schedule), for a cron job when
    /// `--ratings-freeze-interval 0s`.
    FreezeRatings(FreezeRatingsArgs),
    /// Record a ONE_ON_ONE_OVERDUE event for each required 1:1 newly overdue (what `serve`
    /// does on a schedule), for a cron job when `--overdue-check-interval 0s`.
    CheckOverdue(CheckOverdueArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CADENCE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Start on a fresh temporary database filled with a demo company, with an ephemeral
    /// signing secret; prints ready-to-use tokens. Never touches DATABASE_URL.
    #[arg(long, env = "CADENCE_DEMO")]
    pub demo: bool,
    /// Number of people in the `--demo` company.
    #[arg(long, env = "CADENCE_DEMO_PEOPLE", default_value_t = 1000)]
    pub demo_people: usize,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "CADENCE_WORKERS")]
    pub workers: Option<usize>,
    #[command(flatten)]
    pub database: DatabaseSettings,
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub cors: CorsSettings,
    #[command(flatten)]
    pub limits: LimitSettings,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Database URL: `sqlite://file.db?mode=rwc` or `postgres://user@host/db`.
    #[arg(
        long = "database-url",
        env = "DATABASE_URL",
        default_value = "sqlite://cadence.db?mode=rwc"
    )]
    pub url: String,
    /// Maximum pooled database connections.
    #[arg(long, env = "CADENCE_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub max_connections: u32,
    /// Longest a single SQL statement may run (PostgreSQL `statement_timeout`).
    #[arg(long, env = "CADENCE_DB_STATEMENT_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration)]
    pub statement_timeout: Duration,
    /// Longest a request waits for a database connection (a free one from the pool, or a
    /// new one opened) before it fails with `UNAVAILABLE` (HTTP 503) instead of hanging
    /// while the database is unreachable.
    #[arg(long, env = "CADENCE_DB_ACQUIRE_TIMEOUT", default_value = "2s", value_parser = humantime::parse_duration)]
    pub acquire_timeout: Duration,
    /// Read replica (`serve` only, optional): queries and subscriptions read here, with the
    /// pool settings above; mutations, migrations and the background jobs use
    /// `DATABASE_URL`. The same kind of database as `DATABASE_URL` (for SQLite, the same
    /// file opened read-only: `sqlite://file.db?mode=ro`).
    #[arg(long = "database-read-url", env = "DATABASE_READ_URL")]
    pub read_url: Option<String>,
    /// How often `serve` freezes the rating figures of quarters that have ended (also at
    /// start-up); `0s` leaves it to `cadence freeze-ratings` run from a scheduler.
    #[arg(long, env = "CADENCE_RATINGS_FREEZE_INTERVAL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub ratings_freeze_interval: Duration,
}

impl DatabaseSettings {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            statement_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(2),
            read_url: None,
            ratings_freeze_interval: Duration::from_secs(3600),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct FreezeRatingsArgs {
    /// The instant to freeze at: every quarter ended by then is frozen. `YYYY-MM-DD`
    /// (midnight UTC) or RFC 3339, not in the future. Default: now.
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

#[derive(Debug, Clone, Args)]
pub struct CheckOverdueArgs {
    /// The instant to check at. `YYYY-MM-DD` (midnight UTC) or RFC 3339, not in the
    /// future. Default: now.
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// Print what was announced as one JSON object instead of one line per episode.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

/// How access tokens are verified: exactly one of an HS256 secret (development, and what
/// `cadence token` signs with), an RS256/ES256 public key in a PEM file, or a JWKS URL.
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// HS256 signing secret (at least 32 bytes), for development and `cadence token`.
    #[arg(long, env = "CADENCE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM file holding the identity provider's public key: RSA (2048 bits or more) verifies
    /// RS256 tokens, EC P-256 verifies ES256 tokens.
    #[arg(long, env = "CADENCE_JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<std::path::PathBuf>,
    /// URL of the identity provider's JSON Web Key Set; tokens name their key by `kid`. The set
    /// is cached and fetched again when a token names a key it lacks.
    #[arg(long, env = "CADENCE_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// Least time between two fetches of the JWKS, however many unknown `kid`s arrive.
    #[arg(long, env = "CADENCE_JWKS_REFRESH_INTERVAL", default_value = "30s", value_parser = humantime::parse_duration)]
    pub jwks_refresh_interval: Duration,
    /// Required `iss` claim, when set.
    #[arg(long, env = "CADENCE_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` claim, when set.
    #[arg(long, env = "CADENCE_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// How long the person a token's subject names is trusted once read, before it is read
    /// again. A write to people through this instance forgets it at once; `0s` reads it on
    /// every request.
    #[arg(long, env = "CADENCE_SUBJECT_CACHE_TTL", default_value = "2s", value_parser = humantime::parse_duration)]
    pub subject_cache_ttl: Duration,
}

impl Default for AuthSettings {
    /// Nothing configured: set exactly one key source before use.
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_public_key_file: None,
            jwks_url: None,
            jwks_refresh_interval: Duration::from_secs(30),
            jwt_issuer: None,
            jwt_audience: None,
            subject_cache_ttl: Duration::from_secs(2),
        }
    }
}

/// Which browser origins may call the API from another origin (CORS).
#[derive(Debug, Clone, Default, Args)]
pub struct CorsSettings {
    /// Origins allowed to call the API from a browser, comma-separated, e.g.
    /// `https://app.example.com,http://localhost:3000`; empty: no CORS headers (same origin only).
    #[arg(long, env = "CADENCE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct LimitSettings {
    /// Largest accepted request body in bytes (413 above).
    #[arg(long, env = "CADENCE_BODY_LIMIT", default_value_t = 4 * 1024 * 1024)]
    pub body_limit: usize,
    /// Largest query document in bytes (the `query` string itself).
    #[arg(long, env = "CADENCE_MAX_DOCUMENT_BYTES", default_value_t = 128 * 1024)]
    pub max_document_bytes: usize,
    /// Most tokens (names, numbers, strings, punctuators) in a query document; counted
    /// before the document is parsed.
    #[arg(long, env = "CADENCE_MAX_TOKENS", default_value_t = 10_000)]
    pub max_tokens: usize,
    /// Deepest selection nesting a query may have (a root field is level 1).
    #[arg(long, env = "CADENCE_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,
    /// Highest query cost, priced as Shopify and GitHub do: a scalar 0, an object 1, a
    /// connection 2 + `first` × its children's cost, a root mutation field 10. Also what a
    /// request is charged against the rate limit.
    #[arg(long, env = "CADENCE_MAX_COST", default_value_t = 50_000)]
    pub max_cost: usize,
    /// Most nodes a query may request: the product of `first` down each path, summed over
    /// every connection (GitHub's node limit).
    #[arg(long, env = "CADENCE_MAX_NODES", default_value_t = 500_000)]
    pub max_nodes: usize,
    /// Backstop on resolved fields, counted as async-graphql counts complexity: every field 1
    /// (scalars too), a connection 2 + `first` × its children. Looser than `--max-cost`,
    /// which prices the same query first.
    #[arg(long, env = "CADENCE_MAX_COMPLEXITY", default_value_t = 1_000_000)]
    pub max_complexity: usize,
    /// Most aliased fields in a query (fragments counted at each spread).
    #[arg(long, env = "CADENCE_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Most fields selected at the root of an operation (fragments counted at each spread).
    #[arg(long, env = "CADENCE_MAX_ROOT_FIELDS", default_value_t = 20)]
    pub max_root_fields: usize,
    /// Most directives on one field (or fragment spread, inline fragment, operation).
    #[arg(long, env = "CADENCE_MAX_DIRECTIVES", default_value_t = 5)]
    pub max_directives: usize,
    /// Most operations in a batched (JSON array) request; 0 turns batching off.
    #[arg(long, env = "CADENCE_MAX_BATCH", default_value_t = 0)]
    pub max_batch: usize,
    /// Longest a request may execute before it is abandoned.
    #[arg(long, env = "CADENCE_EXECUTION_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub execution_timeout: Duration,
    /// How long a data loader waits, after a query level asks for its first key, for the
    /// rest of that level's keys before it reads them all in one statement. Longer batches
    /// more reliably on a busy machine; shorter answers sooner.
    #[arg(long, env = "CADENCE_BATCH_DELAY", default_value = "1ms", value_parser = humantime::parse_duration)]
    pub batch_delay: Duration,
    /// Serve introspection and GraphiQL (`--introspection false` turns both off).
    #[arg(long, env = "CADENCE_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// Cost budget per client (a token's `sub`, else the client's IP address), in cost
    /// points; each request is charged its cost up front (at least 1). 0 turns rate
    /// limiting off. Budgets are kept in each instance's memory.
    #[arg(long, env = "CADENCE_RATE_LIMIT_CAPACITY", default_value_t = 100_000)]
    pub rate_limit_capacity: u64,
    /// Cost points a client's budget regains per second, up to its capacity.
    #[arg(long, env = "CADENCE_RATE_LIMIT_REFILL_PER_SECOND", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub rate_limit_refill_per_second: u64,
    /// Most documents kept for Apollo automatic persisted queries (least recently used
    /// evicted first); 0 turns automatic persisted queries off. Kept in each instance's
    /// memory; unused with `--persisted-only`.
    #[arg(long, env = "CADENCE_APQ_CACHE_ENTRIES", default_value_t = 10_000)]
    pub apq_cache_entries: usize,
    /// Most bytes of query text kept for automatic persisted queries.
    #[arg(long, env = "CADENCE_APQ_CACHE_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub apq_cache_bytes: usize,
    /// Allow-list mode: only the operations in this directory's `*.graphql` files run, sent
    /// as their exact text or by their SHA-256 in `extensions.persistedQuery` (Apollo's
    /// format); everything else is refused with PERSISTED_QUERY_NOT_ALLOWED and automatic
    /// persisted queries register nothing. Startup fails if a document does not parse.
    #[arg(long, env = "CADENCE_PERSISTED_ONLY", value_name = "DIR")]
    pub persisted_only: Option<std::path::PathBuf>,
    /// How long a WebSocket may stay open without sending `connection_init` (then it is
    /// closed with 4408).
    #[arg(long, env = "CADENCE_WS_INIT_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub ws_init_timeout: Duration,
    /// On SIGTERM or SIGINT, how long in-flight requests may take to finish before the
    /// server stops anyway (whole seconds).
    #[arg(long, env = "CADENCE_SHUTDOWN_TIMEOUT", default_value = "25s", value_parser = humantime::parse_duration)]
    pub shutdown_timeout: Duration,
    /// Serve `GET /metrics` (Prometheus) on this address instead of the main one, e.g.
    /// `127.0.0.1:9090`, so it need not be public; port 0 picks a free port.
    #[arg(long, env = "CADENCE_METRICS_BIND")]
    pub metrics_bind: Option<String>,
    /// Record metrics and serve `/metrics` (`--metrics false` turns both off).
    #[arg(long, env = "CADENCE_METRICS", default_value_t = true, action = clap::ArgAction::Set)]
    pub metrics: bool,
    #[command(flatten)]
    pub webhooks: WebhookSettings,
}

/// Webhooks: which receiver URLs are accepted, and how the dispatcher retries and prunes.
#[derive(Debug, Clone, Args)]
pub struct WebhookSettings {
    /// Accept `http://` webhook URLs to loopback addresses (development and tests only).
    #[arg(long, env = "CADENCE_WEBHOOKS_ALLOW_HTTP_LOOPBACK")]
    pub webhooks_allow_http_loopback: bool,
    /// Host names or IP addresses a webhook may target although they are (or resolve to)
    /// private-range, loopback or link-local addresses; comma-separated.
    #[arg(long, env = "CADENCE_WEBHOOKS_ALLOW_HOSTS", value_delimiter = ',')]
    pub webhooks_allow_hosts: Vec<String>,
    /// The first retry's delay after a failed delivery; each further one doubles it (with
    /// jitter), and a delivery still failing 24 h after its first try is given up.
    #[arg(long, env = "CADENCE_WEBHOOK_RETRY_BASE", default_value = "10s", value_parser = humantime::parse_duration)]
    pub webhook_retry_base: Duration,
    /// How long delivered outbox rows are kept before `serve` prunes them.
    #[arg(long, env = "CADENCE_WEBHOOK_RETENTION", default_value = "30days", value_parser = humantime::parse_duration)]
    pub webhook_retention: Duration,
    /// How often the dispatcher looks for due deliveries when no write has woken it.
    #[arg(long, env = "CADENCE_WEBHOOK_POLL_INTERVAL", default_value = "1s", value_parser = humantime::parse_duration)]
    pub webhook_poll_interval: Duration,
    /// Run the webhook dispatcher in `serve` (`false`: another instance delivers).
    #[arg(long, env = "CADENCE_WEBHOOK_DISPATCHER", default_value_t = true, action = clap::ArgAction::Set)]
    pub webhook_dispatcher: bool,
    /// How often `serve` checks which required 1:1s have become overdue and records a
    /// `ONE_ON_ONE_OVERDUE` event per new overdue episode (also at start-up); `0s` leaves
    /// it to `cadence check-overdue` run from a scheduler.
    #[arg(long, env = "CADENCE_OVERDUE_CHECK_INTERVAL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub overdue_check_interval: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            webhooks_allow_http_loopback: false,
            webhooks_allow_hosts: Vec::new(),
            webhook_retry_base: Duration::from_secs(10),
            webhook_retention: Duration::from_secs(30 * 24 * 3600),
            webhook_poll_interval: Duration::from_secs(1),
            webhook_dispatcher: true,
            // Off when settings are built in code (tests, embedding); `serve` defaults to 1h.
            overdue_check_interval: Duration::ZERO,
        }
    }
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            body_limit: 4 * 1024 * 1024,
            max_document_bytes: 128 * 1024,
            max_tokens: 10_000,
            max_depth: 15,
            max_cost: 50_000,
            max_nodes: 500_000,
            max_complexity: 1_000_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_directives: 5,
            max_batch: 0,
            execution_timeout: Duration::from_secs(10),
            batch_delay: Duration::from_millis(1),
            introspection: true,
            rate_limit_capacity: 100_000,
            rate_limit_refill_per_second: 1_000,
            apq_cache_entries: 10_000,
            apq_cache_bytes: 32 * 1024 * 1024,
            persisted_only: None,
            ws_init_timeout: Duration::from_secs(10),
            shutdown_timeout: Duration::from_secs(25),
            metrics_bind: None,
            metrics: true,
            webhooks: WebhookSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenRole {
    /// A person with HR administrator rights.
    #[value(name = "hr_admin", alias = "hr-admin")]
    HrAdmin,
    /// A system integration (HRIS, calendar sync); give it `--scope`.
    Integration,
}

#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// The `sub` claim: a person's externalId, or an integration's client name.
    #[arg(long)]
    pub sub: String,
    /// Role carried in the `roles` claim.
    #[arg(long, value_enum)]
    pub role: Option<TokenRole>,
    /// Space-separated scopes for an integration, e.g. "org:read org:write".
    #[arg(long)]
    pub scope: Option<String>,
    /// Lifetime of the token, e.g. 30m, 1h, 7d.
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    pub ttl: Duration,
    #[command(flatten)]
    pub auth: AuthSettings,
}

#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// Number of people in the generated company.
    #[arg(long, env = "CADENCE_SEED_PEOPLE", default_value_t = 10_000)]
    pub people: usize,
    /// Random seed: the same seed gives the same company.
    #[arg(long, env = "CADENCE_SEED", default_value_t = 42)]
    pub seed: u64,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Create or update people and teams from an HRIS CSV export, all or nothing.
    People(ImportPeopleArgs),
    /// Create or update 1:1s from an iCalendar (.ics) file, expanding recurring series.
    Calendar(ImportCalendarArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportPeopleArgs {
    /// The CSV file.
    pub file: std::path::PathBuf,
    /// A TOML file naming the source column of each field, the date format and delimiter.
    #[arg(long)]
    pub mapping: Option<std::path::PathBuf>,
    /// When a changed manager takes effect: `YYYY-MM-DD` (midnight UTC) or an RFC 3339
    /// instant. Default: now.
    #[arg(long, value_parser = parse_instant)]
    pub effective: Option<DateTime<Utc>>,
    /// Check and count everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON object on stdout instead of a one-line summary.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

#[derive(Debug, Clone, Args)]
pub struct ImportCalendarArgs {
    /// The iCalendar file.
    pub file: std::path::PathBuf,
    /// Expand recurring series up to this instant: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
    /// Default: 90 days after now.
    #[arg(long, value_parser = parse_instant)]
    pub until: Option<DateTime<Utc>>,
    /// Check and count everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON object on stdout instead of a one-line summary.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One row per meeting scheduled in [from, to): ids, people, time, status, kind; no content.
    Meetings(ExportMeetingsArgs),
    /// One row per manager in a subtree, with the figures of `coverageReport.managers`.
    Coverage(ExportCoverageArgs),
}

/// The shape of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ExportMeetingsArgs {
    /// First instant: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
    #[arg(long, value_parser = parse_instant)]
    pub from: DateTime<Utc>,
    /// Instant after the last: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
    #[arg(long, value_parser = parse_instant)]
    pub to: DateTime<Utc>,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Meetings read per statement (for tests of the paging).
    #[arg(long, hide = true, default_value_t = crate::service::export::MEETING_PAGE_SIZE, value_parser = clap::value_parser!(u64).range(1..))]
    pub page_size: u64,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

#[derive(Debug, Clone, Args)]
pub struct ExportCoverageArgs {
    /// The externalId of the manager whose subtree is reported.
    #[arg(long)]
    pub manager: String,
    /// The instant the org and the figures are taken at: `YYYY-MM-DD` (midnight UTC) or
    /// RFC 3339. Default: now.
    #[arg(long, value_parser = parse_instant)]
    pub as_of: Option<DateTime<Utc>>,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    #[command(flatten)]
    pub database: DatabaseSettings,
}

/// A DATE option: `YYYY-MM-DD` (midnight UTC) or an RFC 3339 instant.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(day.and_time(NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("`{s}` is neither a date (YYYY-MM-DD) nor an RFC 3339 instant (2026-01-05T14:00:00Z)")
        })
}

#[cfg(test)]
mod tests {
    use super::parse_instant;

    #[test]
    fn a_date_option_takes_a_day_or_an_instant() {
        assert_eq!(
            parse_instant("2026-01-05").unwrap().to_rfc3339(),
            "2026-01-05T00:00:00+00:00"
        );
        assert_eq!(
            parse_instant("2026-01-05T15:00:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2026-01-05T14:00:00+00:00"
        );
        assert!(parse_instant("05/01/2026").is_err());
        assert!(parse_instant("2026-02-30").is_err());
    }
}
