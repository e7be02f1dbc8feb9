//! The outbox: events written in the same transaction as the change that caused them, so
//! a committed change always has its events and a rolled-back one never does. An event
//! is written only when some webhook subscribes to its type (an index probe on
//! `webhook_subscription`). A mutation's few events cost one statement in all, which
//! probes the subscriptions itself, whether or not anyone subscribes; a larger batch costs
//! the probe first (to build no payload nobody wants), then one statement per thousand
//! events. That statement writes the events and their deliveries together: on PostgreSQL
//! an `INSERT … RETURNING` feeds the deliveries' `INSERT`, on SQLite a trigger adds them.
//! An event that names people whose externalIds its writer did not have costs one lookup
//! more.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Value, json};

use crate::domain::ids::global_id;
use crate::domain::meeting::MeetingStatus;
use crate::domain::webhook::EventType;
use crate::error::AppResult;
use crate::service::sql::Sql;
use entity::{person, webhook_subscription};

/// Up to this many events, with no externalIds to look up, are recorded by one statement
/// that checks the subscriptions itself (a mutation's events: no probe first).
const SMALL_BATCH: usize = 16;

/// Delivery states, as stored.
pub const PENDING: &str = "pending";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";

/// An event to record: its type and its `data` (ids and metadata only: never agenda,
/// notes, private notes or ratings).
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventType,
    pub data: Value,
    /// People `data` names by id whose externalIds it should also carry: the field to put
    /// each in, and the person. Looked up in one statement when the event is written.
    pub people: Vec<(&'static str, i64)>,
}

impl Event {
    pub fn new(kind: EventType, data: Value) -> Self {
        Self {
            kind,
            data,
            people: Vec::new(),
        }
    }

    /// The event with `data.<field>` set to each person's externalId.
    pub fn naming(mut self, people: impl IntoIterator<Item = (&'static str, i64)>) -> Self {
        self.people.extend(people);
        self
    }
}

/// Records `events`, all at `occurred_at`, with a pending delivery for each webhook that
/// subscribes to its type. Call it with the transaction of the change.
pub async fn record(
    txn: &impl ConnectionTrait,
    occurred_at: DateTime<Utc>,
    events: Vec<Event>,
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let postgres = txn.get_database_backend() == DbBackend::Postgres;
    if events.len() <= SMALL_BATCH && events.iter().all(|e| e.people.is_empty()) {
        // A mutation's few events: one statement that itself keeps only the wanted ones.
        let rows = payloads(events, occurred_at);
        return match postgres {
            true => insert_postgres(txn, occurred_at, &rows, true).await,
            false => insert_sqlite(txn, occurred_at, &rows).await,
        };
    }
    let kinds: HashSet<&'static str> = events.iter().map(|e| e.kind.as_str()).collect();
    let wanted: HashSet<String> = webhook_subscription::Entity::find()
        .select_only()
        .column(webhook_subscription::Column::EventType)
        .filter(webhook_subscription::Column::EventType.is_in(kinds))
        .distinct()
        .into_tuple::<String>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let mut events: Vec<Event> = events
        .into_iter()
        .filter(|e| wanted.contains(e.kind.as_str()))
        .collect();
    name_people(txn, &mut events).await?;
    let rows = payloads(events, occurred_at);
    for chunk in rows.chunks(1000) {
        match postgres {
            true => insert_postgres(txn, occurred_at, chunk, false).await?,
            false => insert_sqlite(txn, occurred_at, chunk).await?,
        }
    }
    Ok(())
}

/// An event as written: its id (a new UUID), its type and its JSON body.
type Row = (String, &'static str, String);

fn payloads(events: Vec<Event>, occurred_at: DateTime<Utc>) -> Vec<Row> {
    events
        .into_iter()
        .map(|e| {
            let id = uuid::Uuid::new_v4().to_string();
            let payload = json!({
                "id": id,
                "type": e.kind.as_str(),
                "occurredAt": occurred_at.to_rfc3339_opts(SecondsFormat::Millis, true),
                "data": e.data,
            });
            (id, e.kind.as_str(), payload.to_string())
        })
        .collect()
}

/// PostgreSQL: the events and their deliveries in one statement, its text the same
/// whatever the batch (the rows travel as arrays), so it is prepared once per connection.
/// Sequence numbers follow the order of `rows`. `unchecked`: the caller has not asked
/// which types are wanted, so the statement writes only the events some webhook wants.
async fn insert_postgres(
    txn: &impl ConnectionTrait,
    occurred_at: DateTime<Utc>,
    rows: &[Row],
    unchecked: bool,
) -> AppResult<()> {
    let mut sql = Sql::new();
    let ids = sql.bind(rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>());
    let types = sql.bind(rows.iter().map(|r| r.1.to_string()).collect::<Vec<_>>());
    let payloads = sql.bind(rows.iter().map(|r| r.2.clone()).collect::<Vec<_>>());
    let at = sql.bind(occurred_at);
    let wanted = if unchecked {
        " WHERE EXISTS (SELECT 1 FROM webhook_subscription w WHERE w.event_type = u.event_type)"
    } else {
        ""
    };
    let text = format!(
        "WITH e AS (INSERT INTO outbox_event (event_id, event_type, occurred_at, payload) \
         SELECT u.event_id, u.event_type, {at}, u.payload \
         FROM UNNEST({ids}::text[], {types}::text[], {payloads}::text[]) \
         WITH ORDINALITY AS u(event_id, event_type, payload, n){wanted} ORDER BY u.n \
         RETURNING seq, event_type, occurred_at) \
         INSERT INTO webhook_delivery \
         (event_seq, webhook_id, status, attempts, created_at, next_attempt_at) \
         SELECT e.seq, s.webhook_id, '{PENDING}', 0, e.occurred_at, e.occurred_at \
         FROM e JOIN webhook_subscription s ON s.event_type = e.event_type ORDER BY e.seq"
    );
    txn.execute_raw(sql.statement(DbBackend::Postgres, text))
        .await?;
    Ok(())
}

/// SQLite: one statement writes the events some webhook wants; the trigger
/// `outbox_event_deliveries` (migration 000020) adds each one's deliveries. The rows travel
/// as one JSON array, so the text is the same whatever the batch.
async fn insert_sqlite(
    txn: &impl ConnectionTrait,
    occurred_at: DateTime<Utc>,
    rows: &[Row],
) -> AppResult<()> {
    let rows: Vec<[&str; 3]> = rows
        .iter()
        .map(|(id, kind, payload)| [id.as_str(), kind, payload.as_str()])
        .collect();
    let mut sql = Sql::new();
    let json = sql.bind(serde_json::to_string(&rows).map_err(anyhow::Error::from)?);
    let at = sql.bind(occurred_at);
    let text = format!(
        "INSERT INTO outbox_event (event_id, event_type, occurred_at, payload) \
         SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), {at}, \
         json_extract(j.value, '$[2]') FROM json_each({json}) j \
         WHERE EXISTS (SELECT 1 FROM webhook_subscription w \
                       WHERE w.event_type = json_extract(j.value, '$[1]')) \
         ORDER BY j.key"
    );
    txn.execute_raw(sql.statement(DbBackend::Sqlite, text))
        .await?;
    Ok(())
}

/// Fills in the externalIds the events ask for ([`Event::naming`]): one statement for
/// the whole batch.
async fn name_people(txn: &impl ConnectionTrait, events: &mut [Event]) -> AppResult<()> {
    let ids: HashSet<i64> = events
        .iter()
        .flat_map(|e| e.people.iter().map(|(_, id)| *id))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let external: HashMap<i64, String> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::ExternalId)
        .filter(person::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    for event in events {
        for (field, id) in std::mem::take(&mut event.people) {
            event.data[field] = json!(external.get(&id));
        }
    }
    Ok(())
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a meeting event says about the meeting: ids and metadata an integration with
/// `meetings:read` may query. Never its agenda, notes or ratings.
#[allow(clippy::too_many_arguments)]
pub fn meeting_data(
    id: i64,
    external_id: Option<&str>,
    host_id: i64,
    guest_id: i64,
    scheduled_at: DateTime<Utc>,
    duration_minutes: i32,
    status: &str,
    kind: &str,
) -> Value {
    json!({
        "id": global_id("Meeting", id),
        "externalId": external_id,
        "hostId": global_id("Person", host_id),
        "guestId": global_id("Person", guest_id),
        "scheduledAt": scheduled_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "durationMinutes": duration_minutes,
        "status": status,
        "kind": kind,
    })
}

/// The externalIds a meeting event carries beside [`meeting_data`]: its host's and guest's.
pub fn meeting_people(host_id: i64, guest_id: i64) -> [(&'static str, i64); 2] {
    [("hostExternalId", host_id), ("guestExternalId", guest_id)]
}

/// [`meeting_data`] of a stored meeting.
pub fn meeting_model_data(m: &entity::meeting::Model) -> Value {
    meeting_data(
        m.id,
        m.external_id.as_deref(),
        m.host_id,
        m.guest_id,
        m.scheduled_at,
        m.duration_minutes,
        &m.status,
        &m.kind,
    )
}

/// The event for a meeting just written: created, cancelled (its status became
/// CANCELLED), or updated; `None` when nothing changed. `before` is its status before the
/// write, when known; `participants` its host and guest as stored, whose externalIds the
/// event carries (one not among them is looked up when the event is recorded).
pub fn meeting_event(
    m: &entity::meeting::Model,
    participants: &[person::Model],
    created: bool,
    changed: bool,
    before: Option<&str>,
) -> Option<Event> {
    let cancelled = MeetingStatus::Cancelled.as_str();
    let kind = if created {
        EventType::MeetingCreated
    } else if !changed {
        return None;
    } else if m.status == cancelled && before != Some(cancelled) {
        EventType::MeetingCancelled
    } else {
        EventType::MeetingUpdated
    };
    let mut event = Event::new(kind, meeting_model_data(m));
    for (field, id) in meeting_people(m.host_id, m.guest_id) {
        match participants.iter().find(|p| p.id == id) {
            Some(p) => event.data[field] = json!(p.external_id),
            None => event.people.push((field, id)),
        }
    }
    Some(event)
}

/// What a person event says about the person: their global ID and externalId, and the
/// org-chart fields an integration with `org:read` may query.
pub fn person_data(p: &entity::person::Model) -> Value {
    json!({
        "id": global_id("Person", p.id),
        "externalId": p.external_id,
        "name": p.name,
        "email": p.email,
        "title": p.title,
        "teamId": p.team_id.map(|t| global_id("Team", t)),
        "startDate": p.start_date,
        "endDate": p.end_date,
    })
}
