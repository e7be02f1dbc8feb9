//! Meetings in GraphQL: the `Meeting` type (metadata for everyone who may see it, content
//! for the two participants), meeting queries and mutations, and `MeetingPartner`.

use async_graphql::{
    Context, Description, ID, InputObject, MergedObject, Object, ResultExt, SimpleObject,
};
use chrono::{DateTime, Utc};
use entity::meeting;

use super::agendas::{ActionItem, AgendaItem, AgendaTemplate};
use super::connection::{connection, connection_cost, page_args};
use super::context::RequestContext;
use super::enums::{MeetingKind, MeetingStatus};
use super::ids::{self, NodeKind};
use super::loaders::{CarriedOverOf, MeetingResourcesOf, load};
use super::people::Person;
use super::resources::LearningResource;
use super::scalars::InstantInRange;
use super::training::TrainingSession;
use crate::error::AppResult;
use crate::service::agendas::{self, Parties};
use crate::service::meetings;

mod calendar;
mod mutation;

/// Every meeting mutation: single writes and batches, and calendar imports.
#[derive(MergedObject, Default)]
pub struct MeetingsMutation(mutation::MeetingWritesMutation, calendar::CalendarMutation);

/// A one-on-one meeting between a host and a guest. Its metadata (who, when, kind, status,
/// length) is visible to the two participants, anyone above either of them in the current
/// management chain, hr_admin and integrations with `meetings:read`; its content (agenda,
/// action items, shared notes) to the two participants only.
#[derive(Debug, Clone, Description)]
pub struct Meeting(pub meeting::Model);

connection!(MeetingConnection, MeetingEdge, Meeting, "meeting");

impl Meeting {
    fn parties(&self) -> Parties {
        Parties::from(&self.0)
    }

    async fn person(&self, ctx: &Context<'_>, id: i64) -> async_graphql::Result<Person> {
        let rc = RequestContext::of(ctx);
        let p = load(rc.loaders.participant(), id).await?;
        p.map(Person)
            .ok_or_else(|| "the participant no longer exists".into())
    }
}

#[Object(use_type_description)]
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

    /// Where the meeting stands: SCHEDULED until it is marked HELD, NO_SHOW or CANCELLED.
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
        let t = load(rc.loaders.template(), id).await?;
        Ok(t.map(AgendaTemplate))
    }

    /// The learning resources of the template the agenda started from, as the template
    /// lists them now (empty without a template, or once it is deleted). Null for anyone
    /// but the two participants, like the agenda.
    async fn resources(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<LearningResource>>> {
        let rc = RequestContext::of(ctx);
        let key = MeetingResourcesOf {
            parties: self.parties(),
            template: self.0.template_id,
        };
        let found = load(rc.loaders.meeting_resources(), key).await?;
        Ok(found.map(|r| r.into_iter().map(LearningResource).collect()))
    }

    /// The agenda, in order. Null for anyone but the two participants.
    async fn agenda(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<AgendaItem>>> {
        let rc = RequestContext::of(ctx);
        let items = load(rc.loaders.agenda(), self.parties()).await?;
        Ok(items.map(|items| items.into_iter().map(AgendaItem).collect()))
    }

    /// Action items agreed in this meeting. Null for anyone but the two participants.
    async fn action_items(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<ActionItem>>> {
        let rc = RequestContext::of(ctx);
        let items = load(rc.loaders.action_items(), self.parties()).await?;
        Ok(items.map(|items| items.into_iter().map(ActionItem).collect()))
    }

    /// Notes both participants share. Null for anyone else.
    async fn shared_notes(&self, ctx: &Context<'_>) -> Option<&str> {
        agendas::shared_notes(&RequestContext::of(ctx).viewer, &self.0)
    }

    /// The viewer's own private note on this meeting, if any; nobody else's.
    async fn private_note(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let rc = RequestContext::of(ctx);
        load(rc.loaders.private_note(), self.0.id).await
    }

    /// The viewer's own rating of this meeting, if they gave one.
    async fn my_rating(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let rc = RequestContext::of(ctx);
        let f = load(rc.loaders.my_feedback(), self.0.id).await?;
        Ok(f.map(|f| f.rating))
    }

    /// Mean rating, shown only once at least 3 participants' ratings exist (so no single
    /// rating can be worked out); null below that.
    async fn average_rating(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        let rc = RequestContext::of(ctx);
        load(rc.loaders.average_rating(), self.0.id).await
    }

    /// Open action items and undiscussed agenda items from the pair's earlier meetings.
    /// Null for anyone but the two participants.
    async fn carried_over(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CarriedOver>> {
        let rc = RequestContext::of(ctx);
        let key = CarriedOverOf {
            parties: self.parties(),
            at: self.0.scheduled_at,
        };
        let found = load(rc.loaders.carried_over(), key).await?;
        Ok(found.map(|(actions, agenda)| CarriedOver {
            action_items: actions.into_iter().map(ActionItem).collect(),
            agenda_items: agenda.into_iter().map(AgendaItem).collect(),
        }))
    }

    /// Whether this is a practice 1:1 held for a training session: it keeps its kind and
    /// is listed, but counts in no coverage, overdue, trend, `meetsWith` or rating figure.
    async fn practice(&self) -> bool {
        self.0.practice
    }

    /// The training session a practice 1:1 practised for; null for other meetings and for
    /// viewers who may see none of that session's training.
    async fn training_session(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<TrainingSession>> {
        let Some(id) = self.0.training_session_id else {
            return Ok(None);
        };
        let rc = RequestContext::of(ctx);
        let s = load(rc.loaders.training_session(), id).await?;
        Ok(s.map(TrainingSession))
    }

    /// When the meeting was first logged in Cadence.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the meeting or its content last changed.
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
#[derive(Debug, Clone, Description)]
pub struct MeetingPartner(pub meetings::Partner);

connection!(
    MeetingPartnerConnection,
    MeetingPartnerEdge,
    MeetingPartner,
    "meeting partner"
);

#[Object(use_type_description)]
impl MeetingPartner {
    /// The counterpart.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        let rc = RequestContext::of(ctx);
        let p = load(rc.loaders.participant(), self.0.person_id).await?;
        p.map(Person)
            .ok_or_else(|| "the counterpart no longer exists".into())
    }

    /// HELD meetings together in the window.
    async fn count(&self) -> i32 {
        self.0.count as i32
    }

    /// Start of their first HELD meeting together in the window.
    async fn first_met_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.first_met_at)
    }

    /// Start of their latest HELD meeting together in the window.
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
    /// Meetings of this kind.
    pub kind: Option<MeetingKind>,
    /// Meetings with this status.
    pub status: Option<MeetingStatus>,
    /// Scheduled at or after.
    #[graphql(validator(custom = "InstantInRange"))]
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    #[graphql(validator(custom = "InstantInRange"))]
    pub to: Option<DateTime<Utc>>,
    /// Only practice 1:1s (true) or only real ones (false); both when absent.
    pub practice: Option<bool>,
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
            practice: self.practice,
        })
    }
}

#[derive(Default)]
pub struct MeetingsQuery;

#[Object]
impl MeetingsQuery {
    /// A meeting by global ID; null when there is none or the viewer may not see it.
    async fn meeting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The meeting's global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Meeting>> {
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
        #[graphql(desc = "Conditions the meetings must meet (default: none).")] filter: Option<
            MeetingFilter,
        >,
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
