//! A small builder for hand-written SQL that runs unchanged on SQLite and PostgreSQL:
//! `$n` placeholders (both drivers accept them), values bound in order.

use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, FromQueryResult, QueryResult, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait, Value,
};

use entity::person;

/// The person columns, for `SELECT`s that read whole `person` rows under alias `p`.
pub(crate) const PERSON_COLUMNS: &str = "p.id, p.external_id, p.name, p.email, p.title, \
     p.team_id, p.timezone, p.start_date, p.end_date, p.created_at, p.updated_at";

#[derive(Debug, Default)]
pub(crate) struct Sql {
    values: Vec<Value>,
}

impl Sql {
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds a value and returns its placeholder.
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// Binds every id and returns `$a, $b, …` for an `IN (…)` list.
    pub fn bind_ids(&mut self, ids: &[i64]) -> String {
        ids.iter()
            .map(|id| self.bind(*id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn statement(self, backend: DbBackend, sql: String) -> Statement {
        Statement::from_sql_and_values(backend, sql, self.values)
    }

    pub async fn all(
        self,
        db: &impl ConnectionTrait,
        sql: String,
    ) -> Result<Vec<QueryResult>, sea_orm::DbErr> {
        let stmt = self.statement(db.get_database_backend(), sql);
        db.query_all_raw(stmt).await
    }
}

/// `person p` is employed on the day bound at `day` (start and end days inclusive).
pub(crate) fn employed(day: &str) -> String {
    format!(
        "(p.start_date IS NULL OR p.start_date <= {day}) AND (p.end_date IS NULL OR p.end_date >= {day})"
    )
}

/// The lower of meeting `alias`'s two participant ids, spelled exactly as the pair index
/// `idx_meeting_pair_kind` spells it, so that lookups of a pair are one index probe
/// whichever of the two hosted.
pub(crate) fn pair_low(alias: &str) -> String {
    format!(
        "(CASE WHEN {alias}.host_id < {alias}.guest_id THEN {alias}.host_id ELSE {alias}.guest_id END)"
    )
}

/// The higher participant id of meeting `alias` (see [`pair_low`]).
pub(crate) fn pair_high(alias: &str) -> String {
    format!(
        "(CASE WHEN {alias}.host_id < {alias}.guest_id THEN {alias}.guest_id ELSE {alias}.host_id END)"
    )
}

/// Ids written into the statement as an `IN (…)` list: they are integers, so nothing can
/// be injected, and the planner sees how many there are (bound parameters would hit
/// SQLite's and PostgreSQL's parameter limits on a large org). An empty list matches nothing.
pub(crate) fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "NULL".into();
    }
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reporting line `alias` covers the instant bound at `at`.
pub(crate) fn line_covers(alias: &str, at: &str) -> String {
    format!("{alias}.valid_from <= {at} AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {at})")
}

/// The instant or date `expr` as whole seconds since 1970-01-01 UTC (a date: its midnight
/// UTC), a BIGINT on both databases.
pub(crate) fn epoch(backend: DbBackend, expr: &str) -> String {
    match backend {
        DbBackend::Sqlite => format!("unixepoch({expr})"),
        _ => format!("CAST(EXTRACT(EPOCH FROM {expr}) AS BIGINT)"),
    }
}

/// The largest of `exprs`, none of which may be NULL.
pub(crate) fn greatest(backend: DbBackend, exprs: &[&str]) -> String {
    let f = if backend == DbBackend::Sqlite {
        "MAX"
    } else {
        "GREATEST"
    };
    format!("{f}({})", exprs.join(", "))
}

/// The smallest of `exprs`, none of which may be NULL.
pub(crate) fn least(backend: DbBackend, exprs: &[&str]) -> String {
    let f = if backend == DbBackend::Sqlite {
        "MIN"
    } else {
        "LEAST"
    };
    format!("{f}({})", exprs.join(", "))
}

/// An integer column read whichever width the database gave it (PostgreSQL sums to
/// NUMERIC, SQLite and literals to 32 bits). A failed try builds an error, which adds up
/// over tens of thousands of rows: statements that return many rows cast their integers to
/// BIGINT so that the first try succeeds.
pub(crate) fn int_col(row: &QueryResult, col: &str) -> Result<i64, DbErr> {
    row.try_get::<i64>("", col)
        .or_else(|_| row.try_get::<i32>("", col).map(i64::from))
        .or_else(|_| {
            row.try_get::<sea_orm::prelude::Decimal>("", col)
                .map(|d| d.try_into().unwrap_or_default())
        })
}

pub(crate) fn person_from_row(row: &QueryResult) -> Result<person::Model, sea_orm::DbErr> {
    person::Model::from_query_result(row, "")
}

/// Advisory lock key that serialises org chart writes on PostgreSQL ("Cadence" + 1).
const ORG_WRITE_LOCK: i64 = 0x4361_6465_6e63_6501;

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that read first fails outright
/// (SQLITE_BUSY_SNAPSHOT) when another writer committed in between, whereas this one waits
/// its turn (busy_timeout).
pub(crate) async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Begins a write to the org chart (people, teams, reporting lines). Such writes run one at
/// a time: each checks rules over the whole chart (no reporting cycle, unique emails) that
/// two concurrent writes could each pass and break together. SQLite has one writer anyway;
/// PostgreSQL takes a lock held until the transaction ends.
pub(crate) async fn begin_org_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    let txn = begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [ORG_WRITE_LOCK.into()],
        ))
        .await?;
    }
    Ok(txn)
}
