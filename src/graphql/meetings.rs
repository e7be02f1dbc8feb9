//! Meetings in GraphQL: the `Meeting` type (metadata for everyone who may see it, content
//! for the two participants), meeting queries and mutations, and `MeetingPartner`.

use async_graphql::{Context, ID, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};
use entity::meeting;

use super::agendas::{ActionItem, AgendaItem, AgendaItemInput, AgendaTemplate};
use super::connection::{MeetingConnection, connection_cost, page_args};
use super::context::{RequestContext, loader_error};
use super::enums::{MeetingKind, MeetingStatus};
use super::ids::{self, NodeKind};
use super::loaders::CarriedOverOf;
use super::people::Person;
use super::scalars::InstantInRange;
use crate::domain::meeting::{MeetingDuration, Rating};
use crate::error::AppResult;
use crate::service::agendas::{self, Parties};
use crate::service::events::MeetingEvents;
use crate::service::{feedback, meetings};

/// A one-on-one meeting between a host and a guest.
#[derive(Debug, Clone)]
pub struct Meeting(pub meeting::Model);

impl Meeting {
    fn parties(&self) -> Parties {
        Parties::from(&self.0)
    }

    async fn person(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Person> {
        let rc = RequestContext::of(ctx);
        let p = rc
            .loaders
            .participant()
            .load_one(id)
            .await
            .map_err(loader_error)?;
        p.map(Person)
            .ok_or_else(|| "the participant no longer exists".into())
    }
}

#[Object]
impl Meeting {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Meeting, self.0.id)
    }

    /// The calendar's identifier, when the meeting came from a calendar sync.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    /// Who organised the meeting.
    async fn host(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        self.person(ctx, self.0.host_id).await
    }

    /// The other participant.
    async fn guest(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        self.person(ctx, self.0.guest_id).await
    }

    /// How host and guest related in the org chart at `scheduledAt`.
    async fn kind(&self) -> MeetingKind {
        MeetingKind::from_stored(&self.0.kind)
    }

    async fn status(&self) -> MeetingStatus {
        MeetingStatus::from_stored(&self.0.status)
    }

    /// Start time (UTC).
    async fn scheduled_at(&self) -> DateTime<Utc> {
        self.0.scheduled_at
    }

    /// Length in minutes (1 to 480).
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }

    /// The agenda template the agenda started from.
    async fn template(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgendaTemplate>> {
        let Some(id) = self.0.template_id else {
            return Ok(None);
        };
        let rc = RequestContext::of(ctx);
        let t = rc
            .loaders
            .template()
            .load_one(id)
            .await
            .map_err(loader_error)?;
        Ok(t.map(AgendaTemplate))
    }

    /// The agenda, in order. Null for anyone but the two participants.
    async fn agenda(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<AgendaItem>>> {
        let rc = RequestContext::of(ctx);
        let items = rc
            .loaders
            .agenda()
            .load_one(self.parties())
            .await
            .map_err(loader_error)?;
        Ok(items.map(|items| items.into_iter().map(AgendaItem).collect()))
    }

    /// Action items agreed in this meeting. Null for anyone but the two participants.
    async fn action_items(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<ActionItem>>> {
        let rc = RequestContext::of(ctx);
        let items = rc
            .loaders
            .action_items()
            .load_one(self.parties())
            .await
            .map_err(loader_error)?;
        Ok(items.map(|items| items.into_iter().map(ActionItem).collect()))
    }

    /// Notes both participants share. Null for anyone else.
    async fn shared_notes(&self, ctx: &Context<'_>) -> Option<&str> {
        agendas::shared_notes(&RequestContext::of(ctx).viewer, &self.0)
    }

    /// The viewer's own private note on this meeting, if any; nobody else's.
    async fn private_note(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let rc = RequestContext::of(ctx);
        rc.loaders
            .private_note()
            .load_one(self.0.id)
            .await
            .map_err(loader_error)
    }

    /// The viewer's own rating of this meeting, if they gave one.
    async fn my_rating(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let rc = RequestContext::of(ctx);
        let f = rc
            .loaders
            .my_feedback()
            .load_one(self.0.id)
            .await
            .map_err(loader_error)?;
        Ok(f.map(|f| f.rating))
    }

    /// Mean rating, shown only once at least 3 participants' ratings exist (so no single
    /// rating can be worked out); null below that.
    async fn average_rating(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        let rc = RequestContext::of(ctx);
        rc.loaders
            .average_rating()
            .load_one(self.0.id)
            .await
            .map_err(loader_error)
    }

    /// Open action items and undiscussed agenda items from the pair's earlier meetings.
    /// Null for anyone but the two participants.
    async fn carried_over(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CarriedOver>> {
        let rc = RequestContext::of(ctx);
        let key = CarriedOverOf {
            parties: self.parties(),
            at: self.0.scheduled_at,
        };
        let found = rc
            .loaders
            .carried_over()
            .load_one(key)
            .await
            .map_err(loader_error)?;
        Ok(found.map(|(actions, agenda)| CarriedOver {
            action_items: actions.into_iter().map(ActionItem).collect(),
            agenda_items: agenda.into_iter().map(AgendaItem).collect(),
        }))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// What a pair left open in earlier meetings.
#[derive(SimpleObject)]
pub struct CarriedOver {
    /// Action items not yet done.
    pub action_items: Vec<ActionItem>,
    /// Agenda items not yet discussed.
    pub agenda_items: Vec<AgendaItem>,
}

/// One counterpart of a person, with how often they met (HELD meetings) in the window.
#[derive(Debug, Clone)]
pub struct MeetingPartner(pub meetings::Partner);

#[Object]
impl MeetingPartner {
    /// The counterpart.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        let rc = RequestContext::of(ctx);
        let p = rc
            .loaders
            .participant()
            .load_one(self.0.person_id)
            .await
            .map_err(loader_error)?;
        p.map(Person)
            .ok_or_else(|| "the counterpart no longer exists".into())
    }

    /// HELD meetings together in the window.
    async fn count(&self) -> i32 {
        self.0.count as i32
    }

    async fn first_met_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.first_met_at)
    }

    async fn last_met_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.last_met_at)
    }

    /// Mean days between consecutive meetings; null below two meetings.
    async fn average_interval_days(&self) -> Option<f64> {
        self.0.average_interval_days()
    }

    /// Kinds of the meetings together.
    async fn kinds(&self) -> Vec<MeetingKind> {
        self.0.kinds.iter().map(|k| MeetingKind::from(*k)).collect()
    }
}

/// Conditions on meetings; all given ones must hold.
#[derive(Debug, Clone, Default, InputObject)]
pub struct MeetingFilter {
    /// Meetings this person takes part in.
    pub person_id: Option<ID>,
    /// Meetings with this person.
    pub with_person_id: Option<ID>,
    pub kind: Option<MeetingKind>,
    pub status: Option<MeetingStatus>,
    /// Scheduled at or after.
    #[graphql(validator(custom = "InstantInRange"))]
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    #[graphql(validator(custom = "InstantInRange"))]
    pub to: Option<DateTime<Utc>>,
}

impl MeetingFilter {
    pub fn into_service(self) -> AppResult<meetings::MeetingFilter> {
        let person = |id: Option<ID>, field: &str| {
            id.map(|id| ids::expect(&id, NodeKind::Person, field))
                .transpose()
        };
        Ok(meetings::MeetingFilter {
            person_id: person(self.person_id, "filter.personId")?,
            with_person_id: person(self.with_person_id, "filter.withPersonId")?,
            kind: self.kind.map(Into::into),
            status: self.status.map(Into::into),
            from: self.from,
            to: self.to,
        })
    }
}

#[derive(Default)]
pub struct MeetingsQuery;

#[Object]
impl MeetingsQuery {
    /// A meeting by global ID; null when there is none or the viewer may not see it.
    async fn meeting(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Meeting>> {
        let rc = RequestContext::of(ctx);
        let Some(id) = ids::lookup(&id, NodeKind::Meeting, "id").extend()? else {
            crate::auth::access::ensure_authenticated(&rc.viewer).extend()?;
            return Ok(None);
        };
        let m = meetings::get(&rc.db, &rc.viewer, id, rc.now)
            .await
            .extend()?;
        Ok(m.map(Meeting))
    }

    /// Meetings the viewer may see, latest first: their own, those of everyone below them,
    /// everything for hr_admin and integrations with `meetings:read`.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
        filter: Option<MeetingFilter>,
    ) -> async_graphql::Result<MeetingConnection> {
        let rc = RequestContext::of(ctx);
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let filter = filter.unwrap_or_default().into_service().extend()?;
        let found = meetings::list(&rc.db, &rc.viewer, &filter, &page, rc.now)
            .await
            .extend()?;
        Ok(MeetingConnection::from_page(found, Meeting))
    }
}

/// A meeting to log or schedule.
#[derive(Debug, Clone, InputObject)]
pub struct LogMeetingInput {
    /// The calendar's identifier: sending the same one again updates that meeting.
    pub external_id: Option<String>,
    pub host_id: ID,
    pub guest_id: ID,
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
    pub shared_notes: Option<String>,
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
        })
    }
}

#[derive(SimpleObject)]
pub struct LogMeetingPayload {
    pub meeting: Meeting,
    /// False when a meeting with the same externalId was updated instead.
    pub created: bool,
}

#[derive(Debug, Clone, InputObject)]
pub struct UpdateMeetingInput {
    pub id: ID,
    #[graphql(validator(custom = "InstantInRange"))]
    pub scheduled_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
    pub status: Option<MeetingStatus>,
    /// Participants only.
    pub shared_notes: Option<String>,
}

#[derive(Debug, Clone, InputObject)]
pub struct CancelMeetingInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct MeetingPayload {
    pub meeting: Meeting,
}

#[derive(Debug, Clone, InputObject)]
pub struct ImportMeetingsInput {
    /// Each needs an externalId; at most 5,000.
    pub meetings: Vec<LogMeetingInput>,
}

#[derive(SimpleObject)]
pub struct ImportMeetingsPayload {
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub meetings: Vec<Meeting>,
}

#[derive(Debug, Clone, InputObject)]
pub struct RateMeetingInput {
    pub meeting_id: ID,
    /// 1 to 5.
    pub rating: i32,
    pub comment: Option<String>,
}

#[derive(SimpleObject)]
pub struct RateMeetingPayload {
    pub meeting: Meeting,
}

#[derive(Debug, Clone, InputObject)]
pub struct SetPrivateNoteInput {
    pub meeting_id: ID,
    /// The note; empty removes it.
    pub text: String,
}

#[derive(Default)]
pub struct MeetingsMutation;

/// Tells subscribers that meetings changed (after the write committed).
async fn announce(ctx: &Context<'_>, meetings: Vec<i64>) {
    if let Ok(events) = ctx.data::<MeetingEvents>() {
        let rc = RequestContext::of(ctx);
        for id in meetings {
            events.publish(&rc.db, id).await;
        }
    }
}

#[Object]
impl MeetingsMutation {
    /// Logs or schedules a 1:1 (participants, hr_admin, integrations with
    /// `meetings:write`). Its kind is derived from the org chart at `scheduledAt`.
    async fn log_meeting(
        &self,
        ctx: &Context<'_>,
        input: LogMeetingInput,
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
        input: UpdateMeetingInput,
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
        input: CancelMeetingInput,
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
        input: ImportMeetingsInput,
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
        input: RateMeetingInput,
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
        input: SetPrivateNoteInput,
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
