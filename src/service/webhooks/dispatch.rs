//! The dispatcher: `serve`'s background job that delivers pending webhook deliveries.
//!
//! Each round claims the due deliveries that head their webhook's queue (so a webhook
//! receives its events in order), POSTs them, and records each answer. On PostgreSQL the
//! claimed rows stay locked (`FOR UPDATE OF d SKIP LOCKED`) in one transaction until their
//! answers are recorded: of several instances exactly one delivers a row at a time, and an
//! instance killed mid-delivery leaves its rows pending for another. SQLite serves one
//! instance, which claims without a lock. Delivery is at least once: a receiver that
//! answered but whose answer was not recorded gets the event again, with the same id.

use std::collections::{BTreeMap, HashMap};
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
use crate::service::sql::{Sql, begin_write};
use entity::{outbox_event, webhook, webhook_secret};

/// Most webhooks one round serves.
const WEBHOOKS_PER_ROUND: i64 = 32;

/// Most deliveries one round sends to one webhook, one after another.
const PER_WEBHOOK: i64 = 500;

/// After this long, a round sends no further delivery to a webhook (the one in flight
/// finishes): it bounds how long a slow receiver keeps its queue's rows locked.
const ROUND_BUDGET: Duration = Duration::from_secs(1);

/// How long a failing delivery is retried, from when it was queued.
pub const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// The longest wait between two tries of one delivery.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

#[derive(Debug, FromQueryResult)]
struct Head {
    webhook_id: i64,
    id: i64,
}

#[derive(Debug, FromQueryResult)]
struct Claimed {
    id: i64,
    event_seq: i64,
    webhook_id: i64,
    attempts: i32,
    created_at: DateTime<Utc>,
    next_attempt_at: DateTime<Utc>,
}

/// The webhooks whose queue's head (oldest pending delivery) is due at `$1`, most overdue
/// first, at most `$2`: one probe of `idx_webhook_delivery_queue` per webhook (the table of
/// subscriptions, which is small, not of events), so a round costs the same however long
/// the queues are.
pub fn heads_sql() -> String {
    format!(
        "SELECT h.webhook_id, h.id FROM \
         (SELECT w.id AS webhook_id, (SELECT min(q.id) FROM webhook_delivery q \
          WHERE q.webhook_id = w.id AND q.status = '{PENDING}') AS id FROM webhook w) h \
         JOIN webhook_delivery d ON d.id = h.id \
         WHERE d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2"
    )
}

/// The front of webhook `$1`'s queue, at most `$2` deliveries in order: a range of
/// `idx_webhook_delivery_queue`. PostgreSQL locks them, skipping rows another instance
/// holds (the caller checks that what it got starts at the head).
pub fn queue_sql(backend: DbBackend) -> String {
    let lock = match backend {
        DbBackend::Postgres => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    format!(
        "SELECT id, event_seq, webhook_id, attempts, created_at, next_attempt_at \
         FROM webhook_delivery WHERE webhook_id = $1 AND status = '{PENDING}' \
         ORDER BY id LIMIT $2{lock}"
    )
}

/// One round: claims the front of each due webhook's queue, delivers it in order, records
/// the answers. Returns how many deliveries it tried.
///
/// A webhook's deliveries go out one at a time, oldest first, and the first failure ends
/// its turn (what follows waits, so the receiver gets its events in order); different
/// webhooks are served at the same time.
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
    let heads = Head::find_by_statement(Statement::from_sql_and_values(
        backend,
        heads_sql(),
        [now.into(), WEBHOOKS_PER_ROUND.into()],
    ))
    .all(&txn)
    .await?;
    let mut queues: Vec<Vec<Claimed>> = Vec::with_capacity(heads.len());
    for head in &heads {
        let front = Claimed::find_by_statement(Statement::from_sql_and_values(
            backend,
            queue_sql(backend),
            [head.webhook_id.into(), PER_WEBHOOK.into()],
        ))
        .all(&txn)
        .await?;
        // Another instance holds the head (or delivered it since): its turn, not ours.
        if front.first().map(|c| c.id) != Some(head.id) {
            continue;
        }
        // Only what is due: a later delivery never overtakes one that waits.
        let due = front
            .into_iter()
            .take_while(|c| c.next_attempt_at <= now)
            .collect();
        queues.push(due);
    }
    if queues.is_empty() {
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
    let seqs: Vec<i64> = queues.iter().flatten().map(|c| c.event_seq).collect();
    let hooks: Vec<i64> = queues
        .iter()
        .filter_map(|q| q.first())
        .map(|c| c.webhook_id)
        .collect();
    let (events, webhooks, secrets) = match &txn {
        Some(t) => load(t, &seqs, &hooks).await?,
        None => load(db, &seqs, &hooks).await?,
    };
    let started = std::time::Instant::now();
    let turns = queues.iter().map(|queue| {
        let (events, webhooks, secrets) = (&events, &webhooks, &secrets);
        async move {
            let mut answers: Vec<(&Claimed, Attempt, DateTime<Utc>)> = Vec::new();
            for c in queue {
                // A webhook deleted since the claim (SQLite claims without a lock) took
                // its deliveries with it: nothing to send or record for them.
                let (Some(hook), Some(event)) =
                    (webhooks.get(&c.webhook_id), events.get(&c.event_seq))
                else {
                    break;
                };
                if !answers.is_empty() && started.elapsed() >= ROUND_BUDGET {
                    break;
                }
                let keys = signing_keys(secrets.get(&c.webhook_id), now);
                let answer = sender
                    .send(settings, &hook.url, &event.event_id, &event.payload, keys)
                    .await;
                let failed = !answer.succeeded();
                answers.push((c, answer, Utc::now()));
                if failed {
                    break;
                }
            }
            answers
        }
    });
    let answers: Vec<_> = futures_util::future::join_all(turns)
        .await
        .into_iter()
        .flatten()
        .collect();
    let tried = answers.len();
    for sql in record_sql(backend, &answers, settings.webhook_retry_base) {
        match &txn {
            Some(t) => t.execute_raw(sql).await?,
            None => db.execute_raw(sql).await?,
        };
    }
    if let Some(t) = txn {
        t.commit().await?;
    }
    Ok(tried)
}

/// The secrets that sign at `now`, the current one first.
fn signing_keys(secrets: Option<&Vec<webhook_secret::Model>>, now: DateTime<Utc>) -> Vec<&str> {
    secrets
        .map(|s| {
            s.iter()
                .filter(|s| s.expires_at.is_none_or(|at| at > now))
                .map(|s| s.secret.as_str())
                .collect()
        })
        .unwrap_or_default()
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

/// The statements recording a round's answers: one per status code for the deliveries
/// that succeeded (done), one per failure (pending again after the backoff, or failed
/// once the next try would fall after [`GIVE_UP_AFTER`]).
fn record_sql(
    backend: DbBackend,
    answers: &[(&Claimed, Attempt, DateTime<Utc>)],
    base: Duration,
) -> Vec<Statement> {
    let mut done: BTreeMap<Option<u16>, (Vec<i64>, DateTime<Utc>)> = BTreeMap::new();
    let mut statements = Vec::new();
    for (c, answer, at) in answers {
        if answer.succeeded() {
            let entry = done.entry(answer.status).or_insert((Vec::new(), *at));
            entry.0.push(c.id);
            entry.1 = entry.1.max(*at);
            continue;
        }
        let next = *at + backoff(base, c.attempts);
        let (status, next) = if next > c.created_at + GIVE_UP_AFTER {
            (FAILED, *at)
        } else {
            (PENDING, next)
        };
        let mut sql = Sql::new();
        let text = format!(
            "UPDATE webhook_delivery SET status = {}, attempts = attempts + 1, \
             next_attempt_at = {}, last_status_code = {}, last_error = {} WHERE id = {}",
            sql.bind(status),
            sql.bind(next),
            sql.bind(answer.status.map(i32::from)),
            sql.bind(answer.error.clone()),
            sql.bind(c.id),
        );
        statements.push(sql.statement(backend, text));
    }
    for (code, (ids, at)) in done {
        let mut sql = Sql::new();
        let at = sql.bind(at);
        let text = format!(
            "UPDATE webhook_delivery SET status = {}, attempts = attempts + 1, \
             next_attempt_at = {at}, delivered_at = {at}, last_status_code = {}, \
             last_error = NULL WHERE {}",
            sql.bind(DONE),
            sql.bind(code.map(i32::from)),
            sql.id_in(backend, "id", &ids),
        );
        statements.push(sql.statement(backend, text));
    }
    statements
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
/// which no delivery needs any more, in one transaction (a reader never sees the
/// deliveries gone and their events still there).
pub async fn prune<C>(db: &C, retention: Duration, now: DateTime<Utc>) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let cutoff = now - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::days(30));
    let backend = db.get_database_backend();
    let txn = begin_write(db).await?;
    let p = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("DELETE FROM webhook_delivery WHERE status = '{DONE}' AND delivered_at < {p}"),
        [cutoff.into()],
    ))
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "DELETE FROM outbox_event WHERE occurred_at < {p} AND NOT EXISTS \
             (SELECT 1 FROM webhook_delivery d WHERE d.event_seq = outbox_event.seq)"
        ),
        [cutoff.into()],
    ))
    .await?;
    txn.commit().await?;
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
