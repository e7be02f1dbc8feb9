//! The dispatcher: `serve`'s background job that delivers pending webhook deliveries.
//!
//! Each round claims the due deliveries that head their webhook's queue (so a webhook
//! receives its events in order), POSTs them, and records each answer. On PostgreSQL the
//! claimed rows stay locked (`FOR UPDATE OF d SKIP LOCKED`) in one transaction until their
//! answers are recorded: of several instances exactly one delivers a row at a time, and an
//! instance killed mid-delivery leaves its rows pending for another. SQLite serves one
//! instance, which claims without a lock. Delivery is at least once: a receiver that
//! answered but whose answer was not recorded gets the event again, with the same id.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, Statement,
    TransactionSession, TransactionTrait,
};

use super::deliver::{Attempt, Sender};
use super::outbox::{DONE, FAILED, PENDING};
use crate::config::WebhookSettings;
use crate::error::AppResult;
use entity::{outbox_event, webhook, webhook_secret};

/// Most deliveries one round claims (each to a different webhook).
const BATCH: i64 = 32;

/// How long a failing delivery is retried, from when it was queued.
pub const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// The longest wait between two tries of one delivery.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

#[derive(Debug, FromQueryResult)]
struct Claimed {
    id: i64,
    event_seq: i64,
    webhook_id: i64,
    attempts: i32,
    created_at: DateTime<Utc>,
}

/// One round: claims what is due at `now`, delivers it, records the answers. Returns how
/// many deliveries it tried.
pub async fn deliver_due<C>(
    db: &C,
    sender: &Sender,
    settings: &WebhookSettings,
    now: DateTime<Utc>,
) -> AppResult<usize>
where
    C: ConnectionTrait + TransactionTrait,
{
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let (now_param, limit_param, lock) = match backend {
        DbBackend::Postgres => ("$1", "$2", " FOR UPDATE OF d SKIP LOCKED"),
        _ => ("?", "?", ""),
    };
    let sql = format!(
        "SELECT d.id, d.event_seq, d.webhook_id, d.attempts, d.created_at \
         FROM webhook_delivery d \
         WHERE d.status = '{PENDING}' AND d.next_attempt_at <= {now_param} \
         AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.webhook_id = d.webhook_id \
                         AND e.status = '{PENDING}' AND e.id < d.id) \
         ORDER BY d.next_attempt_at, d.id LIMIT {limit_param}{lock}"
    );
    let claimed = Claimed::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [now.into(), BATCH.into()],
    ))
    .all(&txn)
    .await?;
    if claimed.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    // SQLite: nothing is locked, so the write transaction need not stay open meanwhile.
    let txn = if backend == DbBackend::Postgres {
        Some(txn)
    } else {
        txn.commit().await?;
        None
    };
    let seqs: Vec<i64> = claimed.iter().map(|c| c.event_seq).collect();
    let hooks: Vec<i64> = claimed.iter().map(|c| c.webhook_id).collect();
    let (events, webhooks, secrets) = match &txn {
        Some(t) => load(t, &seqs, &hooks).await?,
        None => load(db, &seqs, &hooks).await?,
    };
    // A webhook deleted since the claim (SQLite claims without a lock) took its
    // deliveries with it: nothing to send or record for them.
    let claimed: Vec<&Claimed> = claimed
        .iter()
        .filter(|c| webhooks.contains_key(&c.webhook_id) && events.contains_key(&c.event_seq))
        .collect();
    let attempts = claimed.iter().map(|c| {
        let event = &events[&c.event_seq];
        let hook = &webhooks[&c.webhook_id];
        let keys: Vec<&str> = secrets
            .get(&c.webhook_id)
            .map(|s| {
                s.iter()
                    .filter(|s| s.expires_at.is_none_or(|at| at > now))
                    .map(|s| s.secret.as_str())
                    .collect()
            })
            .unwrap_or_default();
        sender.send(settings, &hook.url, &event.event_id, &event.payload, keys)
    });
    let answers = futures_util::future::join_all(attempts).await;
    let done_at = Utc::now();
    for (c, answer) in claimed.iter().zip(answers) {
        let sql = record_sql(backend, c, &answer, done_at, settings.webhook_retry_base);
        match &txn {
            Some(t) => t.execute_raw(sql).await?,
            None => db.execute_raw(sql).await?,
        };
    }
    if let Some(t) = txn {
        t.commit().await?;
    }
    Ok(claimed.len())
}

type Loaded = (
    HashMap<i64, outbox_event::Model>,
    HashMap<i64, webhook::Model>,
    HashMap<i64, Vec<webhook_secret::Model>>,
);

/// The events, webhooks and secrets of a claimed batch: three statements.
async fn load(db: &impl ConnectionTrait, seqs: &[i64], hooks: &[i64]) -> AppResult<Loaded> {
    let events = outbox_event::Entity::find()
        .filter(outbox_event::Column::Seq.is_in(seqs.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.seq, e))
        .collect();
    let webhooks = webhook::Entity::find()
        .filter(webhook::Column::Id.is_in(hooks.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let mut secrets: HashMap<i64, Vec<webhook_secret::Model>> = HashMap::new();
    for s in webhook_secret::Entity::find()
        .filter(webhook_secret::Column::WebhookId.is_in(hooks.iter().copied()))
        .all(db)
        .await?
    {
        secrets.entry(s.webhook_id).or_default().push(s);
    }
    // The current secret (no expiry) signs first.
    for list in secrets.values_mut() {
        list.sort_by_key(|s| (s.expires_at.is_some(), std::cmp::Reverse(s.id)));
    }
    Ok((events, webhooks, secrets))
}

/// The statement recording one try's outcome: done on 2xx; else pending again after the
/// backoff, or failed once the next try would fall after [`GIVE_UP_AFTER`].
fn record_sql(
    backend: DbBackend,
    c: &Claimed,
    answer: &Attempt,
    now: DateTime<Utc>,
    base: Duration,
) -> Statement {
    let attempts = c.attempts + 1;
    let code: sea_orm::Value = answer.status.map(i32::from).into();
    let error: sea_orm::Value = answer.error.clone().into();
    let (status, next, delivered): (&str, DateTime<Utc>, Option<DateTime<Utc>>) =
        if answer.succeeded() {
            (DONE, now, Some(now))
        } else {
            let next = now + backoff(base, c.attempts);
            if next > c.created_at + GIVE_UP_AFTER {
                (FAILED, now, None)
            } else {
                (PENDING, next, None)
            }
        };
    let p = |i: usize| match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => "?".to_string(),
    };
    Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE webhook_delivery SET status = {}, attempts = {}, next_attempt_at = {}, \
             last_status_code = {}, last_error = {}, delivered_at = {} WHERE id = {}",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6),
            p(7)
        ),
        [
            status.into(),
            attempts.into(),
            next.into(),
            code,
            error,
            delivered.into(),
            c.id.into(),
        ],
    )
}

/// The wait before the try after `failed` failed tries: `base`, doubling each time, with up
/// to a quarter more at random so that many receivers' retries spread out.
pub fn backoff(base: Duration, failed: i32) -> chrono::Duration {
    let exponent = failed.clamp(0, 20) as u32;
    let step = base
        .saturating_mul(1u32 << exponent)
        .min(MAX_BACKOFF)
        .max(Duration::from_millis(1));
    let jitter = rand::thread_rng().gen_range(0.0..0.25);
    let wait = step.mul_f64(1.0 + jitter);
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

/// Deletes deliveries acknowledged before `now - retention`, and events older than that
/// which no delivery needs any more.
pub async fn prune(
    db: &impl ConnectionTrait,
    retention: Duration,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let cutoff = now - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::days(30));
    let backend = db.get_database_backend();
    let p = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("DELETE FROM webhook_delivery WHERE status = '{DONE}' AND delivered_at < {p}"),
        [cutoff.into()],
    ))
    .await?;
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "DELETE FROM outbox_event WHERE occurred_at < {p} AND NOT EXISTS \
             (SELECT 1 FROM webhook_delivery d WHERE d.event_seq = outbox_event.seq)"
        ),
        [cutoff.into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_at_the_base_and_doubles_with_jitter() {
        let base = Duration::from_secs(10);
        for (failed, low) in [(0, 10_000), (1, 20_000), (2, 40_000)] {
            let wait = backoff(base, failed).num_milliseconds();
            assert!((low..=low * 5 / 4).contains(&wait), "{failed}: {wait}");
        }
        assert!(backoff(base, 30).num_seconds() <= 4500);
    }
}
