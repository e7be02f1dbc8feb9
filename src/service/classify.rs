//! Meeting kinds from the org chart: classifying meetings as they are written, and
//! re-deriving the kinds of stored meetings after reporting lines change. Meetings and
//! people both call in here; it calls neither of them.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use super::IN_CHUNK;
use super::sql::{Sql, id_in, id_set};
use crate::domain::meeting::{MeetingKind, classify};
use crate::error::AppResult;
use entity::meeting;

/// Classifies meetings from the org chart at their times, in one statement per chunk.
pub(crate) async fn classify_many(
    db: &impl ConnectionTrait,
    meetings: &[(i64, i64, DateTime<Utc>)],
) -> AppResult<Vec<MeetingKind>> {
    let mut asks: Vec<(i64, DateTime<Utc>)> = Vec::with_capacity(meetings.len() * 2);
    for (host, guest, at) in meetings {
        asks.push((*host, *at));
        asks.push((*guest, *at));
    }
    let chains = super::org::chains_at(db, &asks).await?;
    Ok(meetings
        .iter()
        .enumerate()
        .map(|(i, (host, guest, _))| {
            classify(
                *host,
                *guest,
                chains[2 * i].as_deref(),
                chains[2 * i + 1].as_deref(),
            )
        })
        .collect())
}

/// What reclassifying needs of a stored meeting.
struct Classified {
    id: i64,
    host_id: i64,
    guest_id: i64,
    scheduled_at: DateTime<Utc>,
    kind: String,
}

/// After reporting lines changed from `since` on for `people`, re-derives the kind of every
/// meeting since then that involves them or anyone who was below them (their chains may
/// have changed), in the caller's transaction. Returns how many meetings changed kind.
pub(crate) async fn reclassify_after_org_change(
    txn: &impl ConnectionTrait,
    people: &[i64],
    since: DateTime<Utc>,
) -> AppResult<u64> {
    if people.is_empty() {
        return Ok(0);
    }
    let affected = super::org::everyone_below_since(txn, people, since).await?;
    let mut changed = 0;
    for chunk in affected.chunks(IN_CHUNK / 2) {
        let meetings = meetings_since(txn, chunk, since).await?;
        for batch in meetings.chunks(250) {
            changed += reclassify(txn, batch).await?;
        }
    }
    Ok(changed)
}

/// The meetings of `people` scheduled at or after `since`.
async fn meetings_since(
    txn: &impl ConnectionTrait,
    people: &[i64],
    since: DateTime<Utc>,
) -> AppResult<Vec<Classified>> {
    let backend = txn.get_database_backend();
    let mut q = Sql::new();
    let set = q.bind(id_set(backend, people));
    let from = q.bind(since);
    let sql = format!(
        "SELECT m.id, m.host_id, m.guest_id, m.scheduled_at, m.kind FROM meeting m \
         WHERE ({hosts} OR {guests}) AND m.scheduled_at >= {from}",
        hosts = id_in(backend, "m.host_id", &set),
        guests = id_in(backend, "m.guest_id", &set),
    );
    let mut out = Vec::new();
    for row in q.all(txn, sql).await? {
        out.push(Classified {
            id: row.try_get("", "id")?,
            host_id: row.try_get("", "host_id")?,
            guest_id: row.try_get("", "guest_id")?,
            scheduled_at: row.try_get("", "scheduled_at")?,
            kind: row.try_get("", "kind")?,
        });
    }
    Ok(out)
}

/// Classifies `meetings` again and stores each kind that changed; returns how many did.
async fn reclassify(txn: &impl ConnectionTrait, meetings: &[Classified]) -> AppResult<u64> {
    let triples: Vec<_> = meetings
        .iter()
        .map(|m| (m.host_id, m.guest_id, m.scheduled_at))
        .collect();
    let kinds = classify_many(txn, &triples).await?;
    let mut changed = 0;
    for (m, kind) in meetings.iter().zip(kinds) {
        if m.kind != kind.as_str() {
            meeting::ActiveModel {
                id: Set(m.id),
                kind: Set(kind.as_str().into()),
                ..Default::default()
            }
            .update(txn)
            .await?;
            changed += 1;
        }
    }
    Ok(changed)
}
