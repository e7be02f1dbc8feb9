//! Writing meetings: logging one, importing many, rescheduling, changing status or notes,
//! and cancelling. All of them go through one writer ([`write`]): authorise, check,
//! store, set the agenda.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use super::agenda::set_agenda;
use super::checks::{check_in_place, check_logged};
use super::get;
use super::store::{Fields, store_logged};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::meeting::{MeetingDuration, MeetingKind, MeetingStatus, TopicCategory};
use crate::error::{AppError, AppResult, InputProblem};
use crate::service::classify::classify_many;
use crate::service::sql::begin_write;
use crate::service::webhooks::outbox;
use entity::{meeting, person};

/// Most meetings one `importMeetings` call may carry.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// A meeting as logged by a participant, an HR admin or a calendar sync.
#[derive(Debug, Clone)]
pub struct LogMeeting {
    pub external_id: Option<String>,
    pub host_id: i64,
    pub guest_id: i64,
    pub scheduled_at: DateTime<Utc>,
    pub duration: MeetingDuration,
    pub status: Option<MeetingStatus>,
    pub template_id: Option<i64>,
    pub agenda: Option<Vec<(String, TopicCategory)>>,
    pub shared_notes: Option<String>,
    /// A practice 1:1 of `training_session_id` (both people attended it): listed, but
    /// counted in no figure. Re-sending without it makes the meeting a real one again.
    pub practice: bool,
    pub training_session_id: Option<i64>,
}

impl LogMeeting {
    /// The columns this meeting is stored with, given its kind.
    fn fields(&self, kind: MeetingKind) -> Fields {
        Fields {
            host_id: self.host_id,
            guest_id: self.guest_id,
            scheduled_at: truncate(self.scheduled_at),
            duration_minutes: self.duration.minutes(),
            status: self.status.unwrap_or(MeetingStatus::Scheduled),
            kind,
            template_id: self.template_id,
            shared_notes: self
                .shared_notes
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            practice: self.practice,
            training_session_id: self.training_session_id,
        }
    }
}

/// Whether `log` created the meeting or updated the one with the same externalId.
#[derive(Debug, Clone)]
pub struct Logged {
    pub meeting: meeting::Model,
    /// Its host and guest as stored.
    pub participants: Vec<person::Model>,
    pub created: bool,
    pub changed: bool,
}

/// Logs or schedules a meeting. With an externalId that already exists, the meeting is
/// updated instead (so calendar syncs can re-send).
#[tracing::instrument(level = "debug", skip(db, viewer, input))]
pub async fn log<C>(
    db: &C,
    viewer: &Viewer,
    input: LogMeeting,
    now: DateTime<Utc>,
) -> AppResult<Logged>
where
    C: ConnectionTrait + TransactionTrait,
{
    if input.practice || input.training_session_id.is_some() {
        access::ensure_can_claim_practice(viewer)?;
    }
    let txn = begin_write(db).await?;
    let kind = classify_one(&txn, &input).await?;
    let logged = write(
        &txn,
        viewer,
        input,
        kind,
        now,
        Write::Log { prefix: "input" },
    )
    .await?;
    let event = outbox::meeting_event(
        &logged.meeting,
        &logged.participants,
        logged.created,
        logged.changed,
        None,
    );
    outbox::record(&txn, truncate(now), event.into_iter().collect()).await?;
    txn.commit().await?;
    Ok(logged)
}

/// Logs many meetings, all or nothing, each identified by its externalId.
#[tracing::instrument(level = "debug", skip(db, viewer, rows), fields(rows = rows.len()))]
pub async fn import<C>(
    db: &C,
    viewer: &Viewer,
    rows: Vec<LogMeeting>,
    now: DateTime<Utc>,
) -> AppResult<(u32, u32, u32, Vec<meeting::Model>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    check_import_rows(&rows)?;
    if rows
        .iter()
        .any(|r| r.practice || r.training_session_id.is_some())
    {
        access::ensure_can_claim_practice(viewer)?;
    }
    let txn = begin_write(db).await?;
    let triples: Vec<(i64, i64, DateTime<Utc>)> = rows
        .iter()
        .map(|r| (r.host_id, r.guest_id, truncate(r.scheduled_at)))
        .collect();
    let kinds = classify_many(&txn, &triples).await?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut meetings = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    let mut events = Vec::new();
    for (i, (row, kind)) in rows.into_iter().zip(kinds).enumerate() {
        let prefix = format!("input.meetings[{i}]");
        match write(&txn, viewer, row, kind, now, Write::Log { prefix: &prefix }).await {
            Ok(logged) => {
                match (logged.created, logged.changed) {
                    (true, _) => created += 1,
                    (false, true) => updated += 1,
                    (false, false) => unchanged += 1,
                }
                events.extend(outbox::meeting_event(
                    &logged.meeting,
                    &logged.participants,
                    logged.created,
                    logged.changed,
                    None,
                ));
                meetings.push(logged.meeting);
            }
            Err(AppError::BadInput(mut p)) => problems.append(&mut p),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    outbox::record(&txn, truncate(now), events).await?;
    txn.commit().await?;
    Ok((created, updated, unchanged, meetings))
}

/// An import's size, and that each of its rows has an externalId of its own.
fn check_import_rows(rows: &[LogMeeting]) -> AppResult<()> {
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(AppError::bad_input(
            "input.meetings",
            format!(
                "at most {MAX_IMPORT_ROWS} meetings per call, got {}",
                rows.len()
            ),
        ));
    }
    let mut problems = Vec::new();
    let mut seen = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let field = format!("input.meetings[{i}].externalId");
        match row.external_id.as_deref().map(str::trim) {
            None | Some("") => problems.push(InputProblem {
                field,
                message: "is required for imports".into(),
            }),
            Some(ext) => {
                if let Some(first) = seen.insert(ext.to_string(), i) {
                    problems.push(InputProblem {
                        field,
                        message: format!("duplicates meetings[{first}]"),
                    });
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::BadInput(problems))
    }
}

/// Changes to a meeting's time, length, status or notes.
#[derive(Debug, Clone, Default)]
pub struct MeetingChanges {
    pub scheduled_at: Option<DateTime<Utc>>,
    pub duration: Option<MeetingDuration>,
    pub status: Option<MeetingStatus>,
    pub shared_notes: Option<String>,
    /// Makes the meeting a practice 1:1 (true, with a training session given here or
    /// already stored) or a real one (false, which also drops the session).
    pub practice: Option<bool>,
    pub training_session_id: Option<i64>,
}

impl MeetingChanges {
    /// The meeting `current` would be with these changes, as input to the writer.
    fn applied_to(self, current: &meeting::Model) -> AppResult<LogMeeting> {
        let stored_duration =
            MeetingDuration::parse(current.duration_minutes, "input.durationMinutes")?;
        Ok(LogMeeting {
            external_id: current.external_id.clone(),
            host_id: current.host_id,
            guest_id: current.guest_id,
            scheduled_at: self.scheduled_at.unwrap_or(current.scheduled_at),
            duration: self.duration.unwrap_or(stored_duration),
            status: Some(
                self.status
                    .or(MeetingStatus::parse(&current.status))
                    .unwrap_or(MeetingStatus::Scheduled),
            ),
            template_id: current.template_id,
            agenda: None,
            shared_notes: self.shared_notes.or(current.shared_notes.clone()),
            practice: self.practice.unwrap_or(current.practice),
            training_session_id: match self.practice {
                Some(false) => self.training_session_id,
                _ => self.training_session_id.or(current.training_session_id),
            },
        })
    }
}

/// Reschedules, changes status or notes of a meeting (its kind follows a new time).
#[tracing::instrument(level = "debug", skip(db, viewer, changes))]
pub async fn update<C>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    changes: MeetingChanges,
    now: DateTime<Utc>,
) -> AppResult<meeting::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    if changes.practice == Some(true) || changes.training_session_id.is_some() {
        access::ensure_can_claim_practice(viewer)?;
    }
    let txn = begin_write(db).await?;
    let current = get(&txn, viewer, id, now)
        .await?
        .ok_or_else(|| AppError::NotFound("no such meeting".into()))?;
    if changes.shared_notes.is_some() {
        access::ensure_participant(viewer, current.host_id, current.guest_id)?;
    }
    let input = changes.applied_to(&current)?;
    let kind = classify_one(&txn, &input).await?;
    // The writer keys on externalId; meetings without one are changed in place, by id.
    let how = match input.external_id {
        Some(_) => Write::Log { prefix: "input" },
        None => Write::InPlace { id: current.id },
    };
    let logged = write(&txn, viewer, input, kind, now, how).await?;
    let event = outbox::meeting_event(
        &logged.meeting,
        &logged.participants,
        logged.created,
        logged.changed,
        Some(&current.status),
    );
    outbox::record(&txn, truncate(now), event.into_iter().collect()).await?;
    txn.commit().await?;
    Ok(logged.meeting)
}

/// Cancels a meeting.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn cancel<C>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<meeting::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    let changes = MeetingChanges {
        status: Some(MeetingStatus::Cancelled),
        ..Default::default()
    };
    update(db, viewer, id, changes, now).await
}

/// The kind of one meeting about to be written, from the org chart at its time.
async fn classify_one(txn: &impl ConnectionTrait, input: &LogMeeting) -> AppResult<MeetingKind> {
    let at = truncate(input.scheduled_at);
    let kinds = classify_many(txn, &[(input.host_id, input.guest_id, at)]).await?;
    Ok(kinds[0])
}

/// Which row a write lands on, and how its checks report.
#[derive(Debug, Clone, Copy)]
enum Write<'a> {
    /// Logged, imported or re-sent: the meeting with the input's externalId, created when
    /// there is none (or no externalId). Every problem is reported at once, under `prefix`
    /// (`input`, or `input.meetings[i]` in an import).
    Log { prefix: &'a str },
    /// A meeting without externalId changed in place: the first failing check is reported,
    /// on `input.status` or `input.scheduledAt`.
    InPlace { id: i64 },
}

/// The one meeting writer: authorises, checks `input` as `how` says, then creates or
/// updates the meeting inside `txn` and sets its agenda.
async fn write(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    input: LogMeeting,
    kind: MeetingKind,
    now: DateTime<Utc>,
    how: Write<'_>,
) -> AppResult<Logged> {
    // Who may write comes first, so that outsiders learn nothing from validation messages.
    access::ensure_can_write_meeting(viewer, input.host_id, input.guest_id)?;
    let fields = input.fields(kind);
    let (template, participants, (model, created, changed)) = match how {
        Write::Log { prefix } => {
            let (template, people) = check_logged(txn, viewer, &fields, now, prefix).await?;
            let stored = store_logged(txn, viewer, input.external_id, &fields, now).await?;
            (template, people, stored)
        }
        Write::InPlace { id } => {
            let people = check_in_place(txn, &fields, now).await?;
            (
                None,
                people,
                (fields.update(txn, id, now).await?, false, true),
            )
        }
    };
    let added_by = viewer.person_id();
    let agenda_changed = set_agenda(
        txn,
        model.id,
        created,
        template.as_ref(),
        input.agenda,
        added_by,
    )
    .await?;
    Ok(Logged {
        meeting: model,
        participants,
        created,
        changed: changed || agenda_changed,
    })
}
