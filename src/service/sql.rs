//! A small builder for hand-written SQL that runs unchanged on SQLite and PostgreSQL:
//! `$n` placeholders (both drivers accept them), values bound in order.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, Select,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};

use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::AppResult;
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

    /// Binds `ids` as one parameter and returns the condition "`column` is one of them".
    /// The statement text is the same whatever the number of ids, so each statement is
    /// prepared once (see [`id_in`]).
    pub fn id_in(&mut self, backend: DbBackend, column: &str, ids: &[i64]) -> String {
        let set = self.bind(id_set(backend, ids));
        id_in(backend, column, &set)
    }

    /// [`Sql::id_in`] for text values (emails, externalIds): one parameter, "`column` is
    /// one of them".
    pub fn text_in(&mut self, backend: DbBackend, column: &str, values: &[String]) -> String {
        let set = self.bind(text_set(backend, values));
        id_in(backend, column, &set)
    }

    /// Binds a sort key's values and returns the keyset condition "the row's key comes
    /// after `after`" (see [`after_key`]).
    pub fn after(&mut self, columns: &[(&str, Order)], after: Vec<Value>) -> String {
        let keys: Vec<(&str, Order, String)> = columns
            .iter()
            .zip(after)
            .map(|(&(column, order), value)| (column, order, self.bind(value)))
            .collect();
        after_key(&keys)
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
/// be injected, and the planner sees how many there are. For the whole-subtree statements
/// of the insights, whose lists are long and whose plans depend on their length; loaders
/// bind one parameter instead ([`Sql::id_in`]). An empty list matches nothing.
pub(crate) fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "NULL".into();
    }
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A set of ids as one bindable value: a BIGINT array on PostgreSQL, a JSON array on SQLite.
pub(crate) fn id_set(backend: DbBackend, ids: &[i64]) -> Value {
    match backend {
        DbBackend::Postgres => Value::from(ids.to_vec()),
        _ => Value::from(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())),
    }
}

/// A set of strings as one bindable value: a TEXT array on PostgreSQL, a JSON array on
/// SQLite.
pub(crate) fn text_set(backend: DbBackend, values: &[String]) -> Value {
    match backend {
        DbBackend::Postgres => Value::from(values.to_vec()),
        _ => Value::from(serde_json::to_string(values).unwrap_or_else(|_| "[]".into())),
    }
}

/// "`column` is one of the values bound at `set`" (an [`id_set`] or a [`text_set`]).
pub(crate) fn id_in(backend: DbBackend, column: &str, set: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("{column} = ANY({set})"),
        _ => format!("{column} IN (SELECT value FROM json_each({set}))"),
    }
}

/// [`id_in`] as a condition on `column` for sea-orm's query builder.
pub(crate) fn id_in_expr(
    backend: DbBackend,
    column: impl ColumnTrait,
    ids: &[i64],
) -> sea_orm::sea_query::Expr {
    let (table, column) = column.as_column_ref();
    // sea-query reads `$1` as the placeholder on PostgreSQL and `?` on SQLite.
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    sea_orm::sea_query::Expr::cust_with_values(
        id_in(backend, &format!(r#""{table}"."{column}""#), placeholder),
        [id_set(backend, ids)],
    )
}

/// One keyset page of `query` in name-then-id order, read through sea-orm's query builder
/// (for short lists such as teams and templates), and its count when the page asks.
pub(crate) async fn page_by_name<E>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    (name, id): (E::Column, E::Column),
    page: &Page,
    key: impl Fn(&E::Model) -> (String, i64),
) -> AppResult<PageOf<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let rows = if page.rows {
        let mut rows = query.clone();
        if let Some((after_name, after_id)) = page.after_key::<(String, i64)>()? {
            rows = rows.filter(
                Condition::all().add(name.gte(after_name.clone())).add(
                    Condition::any().add(name.gt(after_name.clone())).add(
                        Condition::all()
                            .add(name.eq(after_name))
                            .add(id.gt(after_id)),
                    ),
                ),
            );
        }
        rows.order_by_asc(name)
            .order_by_asc(id)
            .limit(page.fetch())
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                let cursor = Cursor::of(&key(&m));
                (m, cursor)
            })
            .collect()
    } else {
        Vec::new()
    };
    let total = if page.total {
        Some(query.count(db).await?)
    } else {
        None
    };
    Ok(PageOf::from_rows(page, rows, total))
}

/// The direction one column of a sort key runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Asc,
    Desc,
}

/// "The row's sort key comes after the key bound at the placeholders": for columns
/// `(a ASC, b DESC)` and values `(x, y)`, `a >= x AND (a > x OR (a = x AND b < y))`. The
/// leading bound on the first column lets an index on it start the scan at the cursor;
/// the rest is spelled out rather than a row-value comparison so that columns may run in
/// different directions. No key column may be NULL.
pub(crate) fn after_key(keys: &[(&str, Order, String)]) -> String {
    let Some((first, first_order, first_value)) = keys.first() else {
        return "1 = 1".into();
    };
    let mut nested = String::new();
    for (i, (column, order, value)) in keys.iter().enumerate().rev() {
        let past = order.after_op();
        nested = if i == keys.len() - 1 {
            format!("{column} {past} {value}")
        } else {
            format!("{column} {past} {value} OR ({column} = {value} AND ({nested}))")
        };
    }
    let from = first_order.at_or_after_op();
    format!("{first} {from} {first_value} AND ({nested})")
}

impl Order {
    /// The comparison "comes after" in this direction.
    fn after_op(self) -> &'static str {
        match self {
            Order::Asc => ">",
            Order::Desc => "<",
        }
    }

    /// The comparison "comes at or after" in this direction.
    fn at_or_after_op(self) -> &'static str {
        match self {
            Order::Asc => ">=",
            Order::Desc => "<=",
        }
    }
}

/// Reporting line `alias` covers the instant bound at `at`.
pub(crate) fn line_covers(alias: &str, at: &str) -> String {
    format!("{alias}.valid_from <= {at} AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {at})")
}

/// The recursive CTE `name(id)`: the person bound at `root` and everyone below them in the
/// chain at the instant bound at `at` (what a person's visibility of their subtree covers).
pub(crate) fn subtree_cte(name: &str, root: &str, at: &str) -> String {
    format!(
        "{name}(id) AS (SELECT CAST({root} AS BIGINT) UNION ALL \
         SELECT rl.person_id FROM reporting_line rl JOIN {name} ON rl.manager_id = {name}.id \
         WHERE {covers})",
        covers = line_covers("rl", at)
    )
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

/// The `total` column of a `SELECT COUNT(*) AS total …` (0 when there is no row).
pub(crate) fn count(rows: Vec<QueryResult>) -> Result<u64, DbErr> {
    match rows.first() {
        Some(row) => Ok(int_col(row, "total")?.max(0) as u64),
        None => Ok(0),
    }
}

/// The `subject` and `total` columns of a statement that counts per subject.
pub(crate) fn totals_by_subject(rows: Vec<QueryResult>) -> Result<HashMap<i64, u64>, DbErr> {
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "subject")?,
                int_col(row, "total")?.max(0) as u64,
            ))
        })
        .collect()
}

pub(crate) fn person_from_row(row: &QueryResult) -> Result<person::Model, sea_orm::DbErr> {
    person::Model::from_query_result(row, "")
}

/// Refreshes the planner's statistics after a bulk write, so that the next statements are
/// planned for the data as it now is: PostgreSQL samples each table (`ANALYZE`), SQLite
/// reads a bounded number of rows per index (`analysis_limit`). After a bulk load,
/// `vacuum` also has PostgreSQL mark the new rows all-visible, without which index-only
/// scans still visit the table for every row. Neither is bound by the service's statement
/// timeout, which a large table would outlast.
pub async fn refresh_statistics(db: &DatabaseConnection, vacuum: bool) -> anyhow::Result<()> {
    use anyhow::Context;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            // VACUUM cannot run in a transaction, so the timeout is lifted on one
            // connection for the session and put back before it returns to the pool.
            let mut conn = db.get_postgres_connection_pool().acquire().await?;
            let work = if vacuum {
                "VACUUM (ANALYZE)"
            } else {
                "ANALYZE"
            };
            for sql in ["SET statement_timeout = 0", work, "RESET statement_timeout"] {
                if let Err(err) = sea_orm::sqlx::query(sql).execute(&mut *conn).await {
                    // Not back to the pool without its timeout: close it instead.
                    let _ = conn.close().await;
                    return Err(err).with_context(|| format!("running {sql}"));
                }
            }
        }
        _ => {
            let txn = db.begin().await?;
            for sql in ["PRAGMA analysis_limit = 1000", "ANALYZE"] {
                txn.execute_unprepared(sql).await?;
            }
            txn.commit().await?;
        }
    }
    Ok(())
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
#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    #[test]
    fn an_id_set_is_one_bound_value_on_both_databases() {
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let statement = entity::person::Entity::find()
                .filter(super::id_in_expr(
                    backend,
                    entity::person::Column::Id,
                    &[1, 2, 3],
                ))
                .build(backend);
            assert_eq!(
                statement.values.map(|v| v.0.len()),
                Some(1),
                "{backend:?}: {}",
                statement.sql
            );
        }
    }

    #[test]
    fn keyset_conditions_follow_each_columns_direction() {
        let keys = [
            ("a", super::Order::Desc, "$1".to_string()),
            ("b", super::Order::Asc, "$2".to_string()),
        ];
        assert_eq!(
            super::after_key(&keys),
            "a <= $1 AND (a < $1 OR (a = $1 AND (b > $2)))"
        );
    }
}
