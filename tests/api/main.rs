//! Integration tests: the real HTTP server on a random port and a fresh database per test,
//! each test run on SQLite and on PostgreSQL (when `CADENCE_TEST_POSTGRES_URL` is set).

mod support;

mod agendas;
mod auth;
mod cli;
mod coaching;
mod cors;
mod explorer;
mod exports;
mod fuzz;
mod http;
mod imports;
mod insights;
mod instances;
mod jwks;
mod limits;
mod logs;
mod matrix;
mod meetings;
mod metrics;
mod org;
mod outage;
mod people;
mod persisted;
mod policies;
mod privacy;
mod rate_limit;
mod replicas;
mod schema;
mod shutdown;
mod teams;
mod timeouts;
mod webhooks;
mod ws_expiry;
mod ws_limits;
mod ws_protocol;
