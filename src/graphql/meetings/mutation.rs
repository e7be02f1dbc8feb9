//! Meeting mutations: logging, importing, updating, cancelling and rating meetings, the
//! viewer's private note, with their inputs and payloads; each write tells subscribers.

use async_graphql::{Context, ID, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};

use super::Meeting;
use crate::domain::meeting::{MeetingDuration, Rating};
use crate::error::AppResult;
use crate::graphql::agendas::AgendaItemInput;
use crate::graphql::context::RequestContext;
use crate::graphql::enums::MeetingStatus;
use crate::graphql::ids::{self, NodeKind};
use crate::graphql::scalars::InstantInRange;
use crate::service::events::MeetingEvents;
use crate::service::{feedback, meetings};

/// A meeting to log or schedule.
#[derive(Debug, Clone, InputObject)]
pub struct LogMeetingInput {
    /// The calendar's identifier: sending the same one again updates that meeting.
    pub external_id: Option<String>,
    /// The person who organises the meeting; employed at `scheduledAt`.
    pub host_id: ID,
    /// The other participant, not the host; employed at `scheduledAt`.
    pub guest_id: ID,
    /// Start time; the meeting's kind is derived from the org chart at this instant.
    #[graphql(validator(custom = "InstantInRange"))]
    pub scheduled_at: DateTime<Utc>,
    /// 1 to 480.
    pub duration_minutes: i32,
    /// Default SCHEDULED; HELD and NO_SHOW only for meetings in the past.
    pub status: Option<MeetingStatus>,
    /// A template whose items start the agenda (on creation).
    pub template_id: Option<ID>,
    /// Agenda items (after the template's); on an update they replace the agenda.
    pub agenda: Option<Vec<AgendaItemInput>>,
    /// Notes both participants see; null or blank for none (re-sending without them clears
    /// them).
    pub shared_notes: Option<String>,
    /// A practice 1:1 held for a training session both people attended (default false):
    /// it keeps its kind and is listed, but counts in no coverage, overdue, trend,
    /// `meetsWith` or rating figure. Re-sending without it makes the meeting a real one.
    pub practice: Option<bool>,
    /// The training session a practice 1:1 practises for; required with `practice: true`,
    /// refused without it.
    pub training_session_id: Option<ID>,
}

impl LogMeetingInput {
    fn into_service(self, prefix: &str) -> AppResult<meetings::LogMeeting> {
        let field = |f: &str| format!("{prefix}.{f}");
        Ok(meetings::LogMeeting {
            external_id: self
                .external_id
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty()),
            host_id: ids::expect(&self.host_id, NodeKind::Person, &field("hostId"))?,
            guest_id: ids::expect(&self.guest_id, NodeKind::Person, &field("guestId"))?,
            scheduled_at: self.scheduled_at,
            duration: MeetingDuration::parse(self.duration_minutes, &field("durationMinutes"))?,
            status: self.status.map(Into::into),
            template_id: self
                .template_id
                .map(|t| ids::expect(&t, NodeKind::AgendaTemplate, &field("templateId")))
                .transpose()?,
            agenda: self
                .agenda
                .map(|items| items.into_iter().map(AgendaItemInput::into_pair).collect()),
            shared_notes: self.shared_notes,
            practice: self.practice.unwrap_or(false),
            training_session_id: self
                .training_session_id
                .map(|t| ids::expect(&t, NodeKind::TrainingSession, &field("trainingSessionId")))
                .transpose()?,
        })
    }
}

/// What `logMeeting` did.
#[derive(SimpleObject)]
pub struct LogMeetingPayload {
    /// The meeting as stored.
    pub meeting: Meeting,
    /// False when a meeting with the same externalId was updated instead.
    pub created: bool,
}

/// Changes to a meeting; fields left out stay as they are.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateMeetingInput {
    /// The meeting's global ID.
    pub id: ID,
    /// New start time; the meeting's kind follows the org chart at the new time.
    #[graphql(validator(custom = "InstantInRange"))]
    pub scheduled_at: Option<DateTime<Utc>>,
    /// New length in minutes, 1 to 480.
    pub duration_minutes: Option<i32>,
    /// New status; HELD and NO_SHOW only for meetings in the past.
    pub status: Option<MeetingStatus>,
    /// New notes both participants see; only the participants may change them.
    pub shared_notes: Option<String>,
    /// Makes the meeting a practice 1:1 (true: both people attended the training session,
    /// given here or already stored) or a real one (false, which also drops the session).
    pub practice: Option<bool>,
    /// The training session a practice 1:1 practises for.
    pub training_session_id: Option<ID>,
}

/// The meeting to cancel.
#[derive(Debug, Clone, InputObject)]
pub struct CancelMeetingInput {
    /// The meeting's global ID.
    pub id: ID,
}

/// A meeting after a change.
#[derive(SimpleObject)]
pub struct MeetingPayload {
    /// The meeting as stored now.
    pub meeting: Meeting,
}

/// A batch of meetings to log, typically from a calendar sync.
#[derive(Debug, Clone, InputObject)]
pub struct ImportMeetingsInput {
    /// Each needs an externalId; at most 5,000.
    pub meetings: Vec<LogMeetingInput>,
}

/// What `importMeetings` did.
#[derive(SimpleObject)]
pub struct ImportMeetingsPayload {
    /// Meetings created by this call.
    pub created: i32,
    /// Meetings with the same externalId that changed.
    pub updated: i32,
    /// Meetings already exactly as sent.
    pub unchanged: i32,
    /// The meetings of the batch as stored.
    pub meetings: Vec<Meeting>,
}

/// The viewer's rating of a meeting they took part in.
#[derive(Debug, Clone, InputObject)]
pub struct RateMeetingInput {
    /// The meeting's global ID; it must be HELD.
    pub meeting_id: ID,
    /// 1 to 5.
    pub rating: i32,
    /// A remark to go with the rating; blank for none.
    pub comment: Option<String>,
}

/// The meeting just rated.
#[derive(SimpleObject)]
pub struct RateMeetingPayload {
    /// The meeting, with the viewer's `myRating`.
    pub meeting: Meeting,
}

/// The viewer's private note on a meeting they take part in.
#[derive(Debug, Clone, InputObject)]
pub struct SetPrivateNoteInput {
    /// The meeting's global ID.
    pub meeting_id: ID,
    /// The note; empty removes it.
    pub text: String,
}

/// Meeting writes one at a time or in small batches (calendar imports are in
/// [`super::calendar`]).
#[derive(Default)]
pub struct MeetingWritesMutation;

/// Tells subscribers that meetings changed (after the write committed).
pub(super) async fn announce(ctx: &Context<'_>, meetings: Vec<i64>) {
    if let Ok(events) = ctx.data::<MeetingEvents>() {
        let rc = RequestContext::of(ctx);
        for id in meetings {
            events.publish(&rc.db, id).await;
        }
    }
}

#[Object]
impl MeetingWritesMutation {
    /// Logs or schedules a 1:1 (participants, hr_admin, integrations with
    /// `meetings:write`). Its kind is derived from the org chart at `scheduledAt`.
    async fn log_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting to log or schedule.")] input: LogMeetingInput,
    ) -> async_graphql::Result<LogMeetingPayload> {
        let rc = RequestContext::of(ctx);
        let input = input.into_service("input").extend()?;
        let logged = meetings::log(&rc.db, &rc.viewer, input, rc.now)
            .await
            .extend()?;
        if logged.changed {
            announce(ctx, vec![logged.meeting.id]).await;
        }
        Ok(LogMeetingPayload {
            meeting: Meeting(logged.meeting),
            created: logged.created,
        })
    }

    /// Reschedules a meeting or changes its status, length or shared notes.
    async fn update_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes to make.")] input: UpdateMeetingInput,
    ) -> async_graphql::Result<MeetingPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::Meeting, "input.id").extend()?;
        let changes = meetings::MeetingChanges {
            scheduled_at: input.scheduled_at,
            duration: input
                .duration_minutes
                .map(|d| MeetingDuration::parse(d, "input.durationMinutes"))
                .transpose()
                .extend()?,
            status: input.status.map(Into::into),
            shared_notes: input.shared_notes,
            practice: input.practice,
            training_session_id: input
                .training_session_id
                .map(|t| ids::expect(&t, NodeKind::TrainingSession, "input.trainingSessionId"))
                .transpose()
                .extend()?,
        };
        let m = meetings::update(&rc.db, &rc.viewer, id, changes, rc.now)
            .await
            .extend()?;
        announce(ctx, vec![m.id]).await;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Cancels a meeting.
    async fn cancel_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting to cancel.")] input: CancelMeetingInput,
    ) -> async_graphql::Result<MeetingPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::Meeting, "input.id").extend()?;
        let m = meetings::cancel(&rc.db, &rc.viewer, id, rc.now)
            .await
            .extend()?;
        announce(ctx, vec![m.id]).await;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Logs many meetings at once, all or nothing, idempotent by externalId.
    async fn import_meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meetings to log.")] input: ImportMeetingsInput,
    ) -> async_graphql::Result<ImportMeetingsPayload> {
        let rc = RequestContext::of(ctx);
        let rows = input
            .meetings
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.into_service(&format!("input.meetings[{i}]")))
            .collect::<AppResult<Vec<_>>>()
            .extend()?;
        let (created, updated, unchanged, found) =
            meetings::import(&rc.db, &rc.viewer, rows, rc.now)
                .await
                .extend()?;
        let changed: Vec<i64> = found.iter().map(|m| m.id).collect();
        announce(ctx, changed).await;
        Ok(ImportMeetingsPayload {
            created: created as i32,
            updated: updated as i32,
            unchanged: unchanged as i32,
            meetings: found.into_iter().map(Meeting).collect(),
        })
    }

    /// Rates a HELD meeting (1 to 5) as one of its participants; rating again replaces it.
    async fn rate_meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting and the rating.")] input: RateMeetingInput,
    ) -> async_graphql::Result<RateMeetingPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.meeting_id, NodeKind::Meeting, "input.meetingId").extend()?;
        let rating = Rating::parse(input.rating, "input.rating").extend()?;
        let m = feedback::rate(&rc.db, &rc.viewer, id, rating, input.comment, rc.now)
            .await
            .extend()?;
        Ok(RateMeetingPayload {
            meeting: Meeting(m),
        })
    }

    /// Sets the viewer's private note on a meeting they take part in.
    async fn set_private_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting and the note.")] input: SetPrivateNoteInput,
    ) -> async_graphql::Result<MeetingPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.meeting_id, NodeKind::Meeting, "input.meetingId").extend()?;
        let m = feedback::set_private_note(&rc.db, &rc.viewer, id, &input.text, rc.now)
            .await
            .extend()?;
        Ok(MeetingPayload {
            meeting: Meeting(m),
        })
    }
}
