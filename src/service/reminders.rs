//! The overdue-1:1 reminders: a check, at an instant, of which required 1:1s of the whole
//! org are overdue under the cadence policies, announcing each new overdue episode once
//! with a `ONE_ON_ONE_OVERDUE` outbox event.
//!
//! An episode is a pair and the instant their meeting fell due (`overdue_episode`): when
//! they meet again the due instant moves, so a later overdue spell is a new episode, while
//! a pair still overdue at the next check (or after a restart, or on another instance) has
//! its row already and is not announced again. One check is one transaction: on PostgreSQL
//! it first tries an advisory lock held until the transaction ends, and skips the round
//! when another instance is checking; the episode rows' key keeps two checks that do run
//! from announcing an episode twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ConnectionTrait, DbBackend, Statement, TransactionSession, TransactionTrait, Value as DbValue,
};
use serde_json::json;

use super::insights::{OrgOverdue, overdue_in_org};
use super::sql::{Sql, begin_write, id_list};
use super::webhooks::outbox::{self, Event};
use crate::domain::employment::truncate;
use crate::domain::ids::global_id;
use crate::domain::webhook::EventType;
use crate::error::AppResult;

/// The advisory lock one overdue check holds on PostgreSQL ("Cadence" + 2).
const OVERDUE_CHECK_LOCK: i64 = 0x4361_6465_6e63_6502;

/// Episodes inserted per statement.
const CHUNK: usize = 500;

/// What one check did.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Another instance was checking (PostgreSQL): this one did nothing.
    pub skipped: bool,
    /// Required 1:1s overdue at the check.
    pub overdue: usize,
    /// The episodes announced by this check (new since the last), most overdue first.
    pub announced: Vec<OrgOverdue>,
}

/// Checks the whole org at `now` and announces every overdue episode not announced before,
/// in one transaction (see the module).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn check_overdue<C>(db: &C, now: DateTime<Utc>) -> AppResult<Checked>
where
    C: ConnectionTrait + TransactionTrait,
{
    let now = truncate(now);
    let txn = begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        let row = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_try_advisory_xact_lock($1) AS locked",
                [OVERDUE_CHECK_LOCK.into()],
            ))
            .await?;
        let locked = match row {
            Some(row) => row.try_get::<bool>("", "locked")?,
            None => false,
        };
        if !locked {
            txn.rollback().await?;
            return Ok(Checked {
                skipped: true,
                ..Default::default()
            });
        }
        // No JIT here: the pool's connections run without it (`startup::connect`). The
        // skip-level self-join is estimated far above its real size (a report has one
        // manager), which would price this scan into JIT compilation: on the 10,000-person
        // demo that compiling took 350 ms of a 500 ms scan that runs in 150 ms without it.
    }
    let overdue = overdue_in_org(&txn, now).await?;
    let count = overdue.len();
    let mut new: HashSet<(i64, i64)> = HashSet::new();
    for chunk in overdue.chunks(CHUNK) {
        new.extend(insert_new_episodes(&txn, chunk, now).await?);
    }
    let announced: Vec<OrgOverdue> = overdue
        .into_iter()
        .filter(|o| new.contains(&(o.pair.manager, o.pair.report)))
        .collect();
    let external = external_ids(&txn, &announced).await?;
    let events = announced
        .iter()
        .map(|o| Event::new(EventType::OneOnOneOverdue, event_data(o, &external)))
        .collect();
    outbox::record(&txn, now, events).await?;
    txn.commit().await?;
    Ok(Checked {
        skipped: false,
        overdue: count,
        announced,
    })
}

/// Inserts the episodes of `overdue` that have no row yet; returns their pairs.
async fn insert_new_episodes(
    txn: &impl ConnectionTrait,
    overdue: &[OrgOverdue],
    now: DateTime<Utc>,
) -> AppResult<Vec<(i64, i64)>> {
    if overdue.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new();
    let notified = q.bind(now);
    // Ids are integers, written into the text; the instants are bound.
    let values: Vec<String> = overdue
        .iter()
        .map(|o| {
            let due = q.bind(DbValue::from(o.due_at));
            format!("({}, {}, {due}, {notified})", o.pair.manager, o.pair.report)
        })
        .collect();
    let sql = format!(
        "INSERT INTO overdue_episode (manager_id, report_id, due_at, notified_at) \
         VALUES {} ON CONFLICT (manager_id, report_id, due_at) DO NOTHING \
         RETURNING manager_id, report_id",
        values.join(", ")
    );
    let mut out = Vec::new();
    for row in q.all(txn, sql).await? {
        out.push((
            row.try_get::<i64>("", "manager_id")?,
            row.try_get::<i64>("", "report_id")?,
        ));
    }
    Ok(out)
}

/// The externalIds of the people of `announced`.
async fn external_ids(
    txn: &impl ConnectionTrait,
    announced: &[OrgOverdue],
) -> AppResult<HashMap<i64, Option<String>>> {
    let mut ids: Vec<i64> = announced
        .iter()
        .flat_map(|o| [o.pair.manager, o.pair.report])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, external_id FROM person WHERE id IN ({})",
            id_list(chunk)
        );
        for row in Sql::new().all(txn, sql).await? {
            out.insert(
                row.try_get::<i64>("", "id")?,
                row.try_get::<Option<String>>("", "external_id")?,
            );
        }
    }
    Ok(out)
}

/// The event's `data`: the pair by global ID and externalId, the kind of 1:1, when they
/// last met (null: never since the line began), when it fell due and how many whole days
/// ago.
fn event_data(o: &OrgOverdue, external: &HashMap<i64, Option<String>>) -> serde_json::Value {
    let instant = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    json!({
        "managerId": global_id("Person", o.pair.manager),
        "managerExternalId": external.get(&o.pair.manager).cloned().flatten(),
        "reportId": global_id("Person", o.pair.report),
        "reportExternalId": external.get(&o.pair.report).cloned().flatten(),
        "kind": o.kind.as_str(),
        "lastMetAt": o.pair.last_held.map(instant),
        "dueAt": instant(o.due_at),
        "daysOverdue": o.days,
    })
}
