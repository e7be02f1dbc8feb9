//! Importing a calendar file: its occurrences (read by `transfer::calendar`) become
//! meetings, matched to people by email, skipped by reason when they are no 1:1 of the
//! org, identified by `UID/original start` so that importing again updates rather than
//! duplicates, and an occurrence the file no longer holds is marked CANCELLED, never
//! deleted. Everything runs in bulk in one transaction: one statement per batch to find
//! people, classify, find and write meetings; a dry run rolls it back.
//!
//! Scope of "no longer holds": only meetings of UIDs the file contains, whose original
//! start lies before the import's `until`. A partial export (other UIDs) or a shorter
//! `until` therefore cancels nothing; an occurrence still in the file but now skipped
//! (say, someone left) is left as it is.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, TransactionSession, TransactionTrait, Value};

use crate::auth::{Viewer, access};
use crate::domain::employment::{is_employed, truncate};
use crate::domain::meeting::{MAX_DURATION, MIN_DURATION, MeetingKind, MeetingStatus};
use crate::domain::webhook::EventType;
use crate::error::{AppError, AppResult, FileProblem};
use crate::service::classify::classify_many;
use crate::service::sql::{Sql, begin_write, id_in, id_set, text_set};
use crate::service::webhooks::outbox;
use crate::transfer::calendar::{self, Occurrence, original_start_of};

/// Rows per statement when reading or writing meetings in bulk.
const BATCH: usize = 5_000;
/// Rows per multi-row INSERT/UPDATE on SQLite (its bound-parameter limit is 32,766).
const SQLITE_ROWS: usize = 500;

/// What an import did to meetings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MeetingCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Meetings marked CANCELLED because the file no longer holds their occurrence.
    pub cancelled: u64,
}

/// Why an occurrence became no meeting; the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipReason {
    /// A DATE (not DATE-TIME) event.
    AllDay,
    /// Three or more distinct people (organizer and attendees who did not decline).
    Group,
    /// Fewer than two.
    Solo,
    /// An email that matches nobody.
    UnknownPerson,
    /// Someone not employed on the occurrence's day.
    NotEmployed,
}

/// Skipped occurrences by reason (serialised with the reasons' names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SkipCounts {
    #[serde(rename = "GROUP")]
    pub group: u64,
    #[serde(rename = "ALL_DAY")]
    pub all_day: u64,
    #[serde(rename = "UNKNOWN_PERSON")]
    pub unknown_person: u64,
    #[serde(rename = "SOLO")]
    pub solo: u64,
    #[serde(rename = "NOT_EMPLOYED")]
    pub not_employed: u64,
}

impl SkipCounts {
    fn add(&mut self, reason: SkipReason) {
        let n = match reason {
            SkipReason::AllDay => &mut self.all_day,
            SkipReason::Group => &mut self.group,
            SkipReason::Solo => &mut self.solo,
            SkipReason::UnknownPerson => &mut self.unknown_person,
            SkipReason::NotEmployed => &mut self.not_employed,
        };
        *n += 1;
    }
}

/// What `import_calendar` did (or, in a dry run, would have done).
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarReport {
    pub meetings: MeetingCounts,
    pub skipped: SkipCounts,
    pub dry_run: bool,
    /// The meetings created, updated or cancelled (none in a dry run), for subscribers.
    #[serde(skip)]
    pub changed: Vec<i64>,
}

/// A person as the import needs them.
struct Known {
    id: i64,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
}

/// A meeting an occurrence should be.
struct Wanted {
    external_id: String,
    host_id: i64,
    guest_id: i64,
    scheduled_at: DateTime<Utc>,
    duration_minutes: i32,
    status: MeetingStatus,
    kind: MeetingKind,
}

/// A stored meeting's columns the import compares.
struct Stored {
    id: i64,
    host_id: i64,
    guest_id: i64,
    scheduled_at: DateTime<Utc>,
    duration_minutes: i32,
    status: String,
    kind: String,
}

/// Imports the calendar file `ics`, expanding series up to `until`, as of `now` (which
/// splits HELD from SCHEDULED). All or nothing; a dry run counts and writes nothing.
#[tracing::instrument(level = "debug", skip(db, viewer, ics), fields(bytes = ics.len()))]
pub async fn import_calendar<C>(
    db: &C,
    viewer: &Viewer,
    ics: &str,
    until: DateTime<Utc>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> AppResult<CalendarReport>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_import_meetings(viewer)?;
    let file = calendar::parse(ics, until).map_err(AppError::BadFile)?;
    let mut report = CalendarReport {
        dry_run,
        ..Default::default()
    };
    let txn = begin_write(db).await?;
    let people = people_by_email(&txn, &file.occurrences).await?;
    let mut candidates: Vec<(&Occurrence, i64, i64)> = Vec::new();
    let mut problems = Vec::new();
    for o in &file.occurrences {
        match pair(o, &people) {
            Err(reason) => report.skipped.add(reason),
            Ok((host, guest)) => {
                let minutes = o.duration.num_seconds() / 60;
                if !(i64::from(MIN_DURATION)..=i64::from(MAX_DURATION)).contains(&minutes) {
                    problems.push(FileProblem {
                        line: o.line,
                        column: Some("DTEND".into()),
                        message: format!(
                            "a 1:1 lasts {MIN_DURATION} to {MAX_DURATION} minutes; {} lasts {minutes}",
                            o.external_id()
                        ),
                    });
                }
                candidates.push((o, host, guest));
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::BadFile(problems));
    }
    let mut wanted = wanted_meetings(&candidates, now);
    let stored = stored_by_external_id(&txn, &wanted).await?;
    classify(&txn, &mut wanted, &stored).await?;
    let mut inserts = Vec::new();
    let mut updates = Vec::new();
    for w in wanted {
        match stored.get(&w.external_id) {
            None => inserts.push(w),
            Some(s) => {
                let mut w = w;
                // A meeting marked NO_SHOW in Cadence stays so: the calendar only knows it
                // was planned.
                if w.status == MeetingStatus::Held && s.status == MeetingStatus::NoShow.as_str() {
                    w.status = MeetingStatus::NoShow;
                }
                if same(s, &w) {
                    report.meetings.unchanged += 1;
                } else {
                    updates.push((s.id, w));
                }
            }
        }
    }
    let in_file: HashSet<String> = file
        .occurrences
        .iter()
        .map(Occurrence::external_id)
        .collect();
    let gone = no_longer_in_file(&txn, &file.uids, &in_file, until).await?;

    report.meetings.created = inserts.len() as u64;
    report.meetings.updated = updates.len() as u64;
    report.meetings.cancelled = gone.len() as u64;
    let mut changed = insert(&txn, &inserts, now).await?;
    update(&txn, &updates, now).await?;
    cancel(&txn, &gone, now).await?;
    if !dry_run {
        outbox::record(
            &txn,
            truncate(now),
            webhook_events(&inserts, &changed, &updates, &gone, &report),
        )
        .await?;
    }
    changed.extend(updates.iter().map(|(id, _)| *id));
    changed.extend(gone);
    if dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
        report.changed = changed;
    }
    Ok(report)
}

/// The host and guest of an occurrence, or why it is skipped.
fn pair(o: &Occurrence, people: &HashMap<String, Known>) -> Result<(i64, i64), SkipReason> {
    if o.all_day {
        return Err(SkipReason::AllDay);
    }
    let who = o.participants();
    match who.len() {
        0 | 1 => return Err(SkipReason::Solo),
        2 => {}
        _ => return Err(SkipReason::Group),
    }
    let (Some(host), Some(guest)) = (people.get(who[0]), people.get(who[1])) else {
        return Err(SkipReason::UnknownPerson);
    };
    let employed = |p: &Known| is_employed(p.start_date, p.end_date, o.start);
    if !employed(host) || !employed(guest) {
        return Err(SkipReason::NotEmployed);
    }
    Ok((host.id, guest.id))
}

/// The people the occurrences' 1:1s name, by (lower-cased) email: one statement per batch.
async fn people_by_email(
    db: &impl ConnectionTrait,
    occurrences: &[Occurrence],
) -> AppResult<HashMap<String, Known>> {
    let mut emails: Vec<String> = occurrences
        .iter()
        .filter(|o| !o.all_day)
        .map(Occurrence::participants)
        .filter(|p| p.len() == 2)
        .flatten()
        .map(str::to_string)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    emails.sort();
    let mut out = HashMap::new();
    for chunk in emails.chunks(BATCH) {
        let mut q = Sql::new();
        let wanted = q.text_in(db.get_database_backend(), "p.email", chunk);
        let sql =
            format!("SELECT p.id, p.email, p.start_date, p.end_date FROM person p WHERE {wanted}");
        for row in q.all(db, sql).await? {
            let email: String = row.try_get("", "email")?;
            out.insert(
                email.to_lowercase(),
                Known {
                    id: row.try_get("", "id")?,
                    start_date: row.try_get("", "start_date")?,
                    end_date: row.try_get("", "end_date")?,
                },
            );
        }
    }
    Ok(out)
}

/// The meetings the candidates should be, their status from the file and `now` (their
/// kind is set by [`classify`]).
fn wanted_meetings(candidates: &[(&Occurrence, i64, i64)], now: DateTime<Utc>) -> Vec<Wanted> {
    candidates
        .iter()
        .map(|(o, host, guest)| {
            let at = truncate(o.start);
            let status = if o.cancelled {
                MeetingStatus::Cancelled
            } else if at < now {
                MeetingStatus::Held
            } else {
                MeetingStatus::Scheduled
            };
            Wanted {
                external_id: o.external_id(),
                host_id: *host,
                guest_id: *guest,
                scheduled_at: at,
                duration_minutes: (o.duration.num_seconds() / 60) as i32,
                status,
                kind: MeetingKind::Other,
            }
        })
        .collect()
}

/// Sets each wanted meeting's kind from the org chart at its time, in batches. A stored
/// meeting with the same people and time keeps its kind: reorgs re-derive stored kinds as
/// they happen (`classify::reclassify_after_org_change`), so it is already right.
async fn classify(
    db: &impl ConnectionTrait,
    wanted: &mut [Wanted],
    stored: &HashMap<String, Stored>,
) -> AppResult<()> {
    let mut ask: Vec<usize> = Vec::new();
    for (i, w) in wanted.iter_mut().enumerate() {
        match stored.get(&w.external_id) {
            Some(s)
                if s.host_id == w.host_id
                    && s.guest_id == w.guest_id
                    && s.scheduled_at == w.scheduled_at =>
            {
                match MeetingKind::parse(&s.kind) {
                    Some(kind) => w.kind = kind,
                    None => ask.push(i),
                }
            }
            _ => ask.push(i),
        }
    }
    for chunk in ask.chunks(BATCH) {
        let triples: Vec<(i64, i64, DateTime<Utc>)> = chunk
            .iter()
            .map(|&i| {
                (
                    wanted[i].host_id,
                    wanted[i].guest_id,
                    wanted[i].scheduled_at,
                )
            })
            .collect();
        let kinds = classify_many(db, &triples).await?;
        for (&i, kind) in chunk.iter().zip(kinds) {
            wanted[i].kind = kind;
        }
    }
    Ok(())
}

fn same(s: &Stored, w: &Wanted) -> bool {
    s.host_id == w.host_id
        && s.guest_id == w.guest_id
        && s.scheduled_at == w.scheduled_at
        && s.duration_minutes == w.duration_minutes
        && s.status == w.status.as_str()
        && s.kind == w.kind.as_str()
}

/// The stored meetings with the wanted externalIds: one statement per batch.
async fn stored_by_external_id(
    db: &impl ConnectionTrait,
    wanted: &[Wanted],
) -> AppResult<HashMap<String, Stored>> {
    let mut out = HashMap::new();
    for chunk in wanted.chunks(BATCH) {
        let ids: Vec<String> = chunk.iter().map(|w| w.external_id.clone()).collect();
        let mut q = Sql::new();
        let cond = q.text_in(db.get_database_backend(), "m.external_id", &ids);
        let sql = format!(
            "SELECT m.id, m.external_id, m.host_id, m.guest_id, m.scheduled_at, \
             m.duration_minutes, m.status, m.kind FROM meeting m WHERE {cond}"
        );
        for row in q.all(db, sql).await? {
            out.insert(
                row.try_get("", "external_id")?,
                Stored {
                    id: row.try_get("", "id")?,
                    host_id: row.try_get("", "host_id")?,
                    guest_id: row.try_get("", "guest_id")?,
                    scheduled_at: row.try_get("", "scheduled_at")?,
                    duration_minutes: row.try_get("", "duration_minutes")?,
                    status: row.try_get("", "status")?,
                    kind: row.try_get("", "kind")?,
                },
            );
        }
    }
    Ok(out)
}

/// The meetings of the file's UIDs, originally before `until` and not CANCELLED, whose
/// occurrence the file no longer holds. Each UID's meetings are one index range
/// (`UID/` ≤ externalId < `UID0`, `0` following `/`), checked again by prefix. The range
/// is compared in byte order (PostgreSQL's "C" collation, which the
/// `idx_meeting_external_id_bytes` index holds; SQLite's BINARY), because a language
/// collation may ignore the `/` and miss meetings.
async fn no_longer_in_file(
    db: &impl ConnectionTrait,
    uids: &[String],
    in_file: &HashSet<String>,
    until: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for chunk in uids.chunks(BATCH) {
        let mut q = Sql::new();
        let sql = match backend {
            DbBackend::Postgres => {
                let set = q.bind(text_set(backend, chunk));
                format!(
                    "SELECT m.id, m.external_id, m.status, u.uid FROM UNNEST(CAST({set} AS TEXT[])) AS u(uid) \
                     JOIN meeting m ON (m.external_id COLLATE \"C\") >= u.uid || '/' \
                     AND (m.external_id COLLATE \"C\") < u.uid || '0' \
                     AND starts_with(m.external_id, u.uid || '/')"
                )
            }
            _ => {
                let set = q.bind(text_set(backend, chunk));
                format!(
                    "SELECT m.id, m.external_id, m.status, u.value AS uid FROM json_each({set}) u \
                     JOIN meeting m ON m.external_id >= u.value || '/' AND m.external_id < u.value || '0' \
                     AND substr(m.external_id, 1, length(u.value) + 1) = u.value || '/'"
                )
            }
        };
        for row in q.all(db, sql).await? {
            let ext: String = row.try_get("", "external_id")?;
            let uid: String = row.try_get("", "uid")?;
            let status: String = row.try_get("", "status")?;
            let gone = original_start_of(&ext, &uid).is_some_and(|t| t < until)
                && !in_file.contains(&ext)
                && status != MeetingStatus::Cancelled.as_str();
            if gone {
                out.push(row.try_get("", "id")?);
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Rows one multi-row INSERT or UPDATE carries: SQLite binds fewer parameters.
fn rows_per_write(backend: DbBackend) -> usize {
    if backend == DbBackend::Postgres {
        BATCH
    } else {
        SQLITE_ROWS
    }
}

/// Creates the meetings (no agenda, so counts 0): multi-row INSERTs, returning their ids.
async fn insert(
    db: &impl ConnectionTrait,
    rows: &[Wanted],
    now: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    const COLUMNS: &str = "external_id, host_id, guest_id, scheduled_at, duration_minutes, status, kind, \
         agenda_item_count, tactical_item_count, created_at, updated_at";
    let backend = db.get_database_backend();
    let mut ids = Vec::with_capacity(rows.len());
    let size = rows_per_write(backend);
    for chunk in rows.chunks(size) {
        let mut q = Sql::new();
        let sql = match backend {
            DbBackend::Postgres => {
                let cols = arrays(&mut q, &chunk.iter().collect::<Vec<_>>());
                let at = q.bind(now);
                format!(
                    "INSERT INTO meeting ({COLUMNS}) SELECT e, h, g, s, d, st, k, 0, 0, {at}, {at} \
                     FROM UNNEST({cols}) AS u(e, h, g, s, d, st, k) RETURNING id"
                )
            }
            _ => {
                let at = q.bind(now);
                let values: Vec<String> = chunk
                    .iter()
                    .map(|w| format!("({}, 0, 0, {at}, {at})", row_values(&mut q, w)))
                    .collect();
                format!(
                    "INSERT INTO meeting ({COLUMNS}) VALUES {} RETURNING id",
                    values.join(", ")
                )
            }
        };
        for row in q.all(db, sql).await? {
            ids.push(row.try_get("", "id")?);
        }
    }
    Ok(ids)
}

/// The seven wanted columns of `rows` bound as PostgreSQL arrays, for `UNNEST`.
fn arrays(q: &mut Sql, rows: &[&Wanted]) -> String {
    let e = q.bind(Value::from(
        rows.iter()
            .map(|w| w.external_id.clone())
            .collect::<Vec<_>>(),
    ));
    let h = q.bind(Value::from(
        rows.iter().map(|w| w.host_id).collect::<Vec<_>>(),
    ));
    let g = q.bind(Value::from(
        rows.iter().map(|w| w.guest_id).collect::<Vec<_>>(),
    ));
    let s = q.bind(Value::from(
        rows.iter().map(|w| w.scheduled_at).collect::<Vec<_>>(),
    ));
    let d = q.bind(Value::from(
        rows.iter().map(|w| w.duration_minutes).collect::<Vec<_>>(),
    ));
    let st = q.bind(Value::from(
        rows.iter()
            .map(|w| w.status.as_str().to_string())
            .collect::<Vec<_>>(),
    ));
    let k = q.bind(Value::from(
        rows.iter()
            .map(|w| w.kind.as_str().to_string())
            .collect::<Vec<_>>(),
    ));
    format!(
        "CAST({e} AS TEXT[]), CAST({h} AS BIGINT[]), CAST({g} AS BIGINT[]), \
         CAST({s} AS TIMESTAMPTZ[]), CAST({d} AS INT[]), CAST({st} AS TEXT[]), CAST({k} AS TEXT[])"
    )
}

/// One wanted row's seven columns as bound placeholders.
fn row_values(q: &mut Sql, w: &Wanted) -> String {
    [
        q.bind(w.external_id.clone()),
        q.bind(w.host_id),
        q.bind(w.guest_id),
        q.bind(w.scheduled_at),
        q.bind(w.duration_minutes),
        q.bind(w.status.as_str()),
        q.bind(w.kind.as_str()),
    ]
    .join(", ")
}

/// Writes the changed columns onto existing meetings: one UPDATE per batch.
async fn update(
    db: &impl ConnectionTrait,
    rows: &[(i64, Wanted)],
    now: DateTime<Utc>,
) -> AppResult<()> {
    const SET: &str = "host_id = u.h, guest_id = u.g, scheduled_at = u.s, duration_minutes = u.d, \
         status = u.st, kind = u.k";
    let backend = db.get_database_backend();
    let size = rows_per_write(backend);
    for chunk in rows.chunks(size) {
        let mut q = Sql::new();
        let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
        let sql = match backend {
            DbBackend::Postgres => {
                let wanted: Vec<&Wanted> = chunk.iter().map(|(_, w)| w).collect();
                let set = q.bind(Value::from(ids));
                let cols = arrays(&mut q, &wanted);
                let at = q.bind(now);
                format!(
                    "UPDATE meeting SET {SET}, updated_at = {at} \
                     FROM UNNEST(CAST({set} AS BIGINT[]), {cols}) AS u(id, e, h, g, s, d, st, k) \
                     WHERE meeting.id = u.id"
                )
            }
            _ => {
                let values: Vec<String> = chunk
                    .iter()
                    .map(|(id, w)| {
                        let id = q.bind(*id);
                        format!("({id}, {})", row_values(&mut q, w))
                    })
                    .collect();
                let at = q.bind(now);
                format!(
                    "WITH u(id, e, h, g, s, d, st, k) AS (VALUES {}) \
                     UPDATE meeting SET {SET}, updated_at = {at} FROM u WHERE meeting.id = u.id",
                    values.join(", ")
                )
            }
        };
        db.execute_raw(q.statement(backend, sql)).await?;
    }
    Ok(())
}

/// Marks meetings CANCELLED: one UPDATE per batch of ids.
async fn cancel(db: &impl ConnectionTrait, ids: &[i64], now: DateTime<Utc>) -> AppResult<()> {
    let backend = db.get_database_backend();
    for chunk in ids.chunks(BATCH) {
        let mut q = Sql::new();
        let status = q.bind(MeetingStatus::Cancelled.as_str());
        let at = q.bind(now);
        let set = q.bind(id_set(backend, chunk));
        let sql = format!(
            "UPDATE meeting SET status = {status}, updated_at = {at} WHERE {}",
            id_in(backend, "id", &set)
        );
        db.execute_raw(q.statement(backend, sql)).await?;
    }
    Ok(())
}

/// The webhook events of an import: one per meeting created, updated or cancelled (in the
/// order written), then IMPORT_COMPLETED with the counts.
fn webhook_events(
    inserts: &[Wanted],
    inserted: &[i64],
    updates: &[(i64, Wanted)],
    gone: &[i64],
    report: &CalendarReport,
) -> Vec<outbox::Event> {
    let data = |id: i64, w: &Wanted| {
        outbox::meeting_data(
            id,
            Some(&w.external_id),
            w.host_id,
            w.guest_id,
            w.scheduled_at,
            w.duration_minutes,
            w.status.as_str(),
            w.kind.as_str(),
        )
    };
    let mut events: Vec<outbox::Event> = inserts
        .iter()
        .zip(inserted)
        .map(|(w, &id)| {
            outbox::Event::new(EventType::MeetingCreated, data(id, w))
                .naming(outbox::meeting_people(w.host_id, w.guest_id))
        })
        .collect();
    events.extend(updates.iter().map(|(id, w)| {
        outbox::Event::new(EventType::MeetingUpdated, data(*id, w))
            .naming(outbox::meeting_people(w.host_id, w.guest_id))
    }));
    events.extend(gone.iter().map(|&id| {
        outbox::Event::new(
            EventType::MeetingCancelled,
            serde_json::json!({
                "id": crate::domain::ids::global_id("Meeting", id),
                "status": MeetingStatus::Cancelled.as_str(),
            }),
        )
    }));
    events.push(outbox::Event::new(
        EventType::ImportCompleted,
        serde_json::json!({
            "source": "calendar",
            "created": report.meetings.created,
            "updated": report.meetings.updated,
            "unchanged": report.meetings.unchanged,
            "cancelled": report.meetings.cancelled,
        }),
    ));
    events
}
