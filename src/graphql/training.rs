//! Training in GraphQL: the `TrainingSession` type with its attendees, and the
//! `createTrainingSession` and `recordTrainingAttendance` mutations. A person's sessions
//! are `Person.trainingSessions`; practice 1:1s are meetings with `practice: true`.

use async_graphql::{Context, Description, ID, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{training_attendee, training_session};

use super::connection::connection;
use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::loaders::load;
use super::people::Person;
use super::scalars::InstantInRange;
use crate::error::AppResult;
use crate::service::training;

/// A training session where managers learn to hold good 1:1s (and practise on each
/// other). Visible to hr_admin, its facilitator and creator, and to anyone who may see
/// one of its attendees' training: the attendee themselves and anyone above them in the
/// current management chain. Nobody else, and no integration, sees it.
#[derive(Debug, Clone, Description)]
pub struct TrainingSession(pub training_session::Model);

connection!(
    TrainingSessionConnection,
    TrainingSessionEdge,
    TrainingSession,
    "training session"
);

#[Object(use_type_description)]
impl TrainingSession {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::TrainingSession, self.0.id)
    }

    /// What the session is about.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// When it takes (or took) place (UTC).
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Who leads it.
    async fn facilitator(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.facilitator_id).await
    }

    /// Who created it (hr_admin or a manager); null once that person is gone.
    async fn created_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        match self.0.created_by {
            Some(id) => Person::load(ctx, id).await.map(Some),
            None => Ok(None),
        }
    }

    /// The invited people and whether each attended, as far as the viewer may see their
    /// training: everyone for hr_admin, the facilitator and the creator; otherwise the
    /// viewer and the people below them.
    async fn attendees(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TrainingAttendee>> {
        let rc = RequestContext::of(ctx);
        let found = load(rc.loaders.training_attendees(), self.0.id).await?;
        Ok(found
            .unwrap_or_default()
            .into_iter()
            .map(TrainingAttendee)
            .collect())
    }

    /// When the session was created in Cadence.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// One invited person of a training session.
#[derive(Debug, Clone, Description)]
pub struct TrainingAttendee(pub training_attendee::Model);

#[Object(use_type_description)]
impl TrainingAttendee {
    /// The invited person.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.person_id).await
    }

    /// Whether they attended (false until the facilitator, the creator or hr_admin records
    /// it). Only attendees may hold practice 1:1s for the session.
    async fn attended(&self) -> bool {
        self.0.attended
    }
}

/// A training session to create.
#[derive(Debug, Clone, InputObject)]
pub struct CreateTrainingSessionInput {
    /// What the session is about: 1 to 200 characters.
    pub title: String,
    /// When it takes (or took) place.
    #[graphql(validator(custom = "InstantInRange"))]
    pub at: DateTime<Utc>,
    /// Who leads it; employed at `at`.
    pub facilitator_id: ID,
    /// The people invited (at most 500, each employed at `at`); attendance is recorded
    /// afterwards with `recordTrainingAttendance`.
    pub attendee_ids: Vec<ID>,
}

impl CreateTrainingSessionInput {
    fn into_service(self) -> AppResult<training::NewSession> {
        Ok(training::NewSession {
            title: self.title,
            at: self.at,
            facilitator_id: ids::expect(
                &self.facilitator_id,
                NodeKind::Person,
                "input.facilitatorId",
            )?,
            attendee_ids: self
                .attendee_ids
                .iter()
                .map(|id| ids::expect(id, NodeKind::Person, "input.attendeeIds"))
                .collect::<AppResult<_>>()?,
        })
    }
}

/// Who attended a training session.
#[derive(Debug, Clone, InputObject)]
pub struct RecordTrainingAttendanceInput {
    /// The session's global ID.
    pub session_id: ID,
    /// Invited attendees of the session.
    pub person_ids: Vec<ID>,
    /// Whether they attended (default true); false corrects a mistake. Attendance is
    /// recorded once the session has begun.
    #[graphql(default = true)]
    pub attended: bool,
}

/// The training session after a change.
#[derive(SimpleObject)]
pub struct TrainingSessionPayload {
    /// The session as stored now.
    pub session: TrainingSession,
}

#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// Creates a training session with the people invited to it: hr_admin or any manager
    /// (someone with a direct report now).
    async fn create_training_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session to create.")] input: CreateTrainingSessionInput,
    ) -> async_graphql::Result<TrainingSessionPayload> {
        let rc = RequestContext::of(ctx);
        let input = input.into_service().extend()?;
        let session = training::create(&rc.db, &rc.viewer, input, rc.now)
            .await
            .extend()?;
        Ok(TrainingSessionPayload {
            session: TrainingSession(session),
        })
    }

    /// Records who attended a training session: its facilitator, its creator or hr_admin.
    async fn record_training_attendance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session and who attended.")] input: RecordTrainingAttendanceInput,
    ) -> async_graphql::Result<TrainingSessionPayload> {
        let rc = RequestContext::of(ctx);
        let session = ids::expect(
            &input.session_id,
            NodeKind::TrainingSession,
            "input.sessionId",
        )
        .extend()?;
        let people = input
            .person_ids
            .iter()
            .map(|id| ids::expect(id, NodeKind::Person, "input.personIds"))
            .collect::<AppResult<Vec<_>>>()
            .extend()?;
        let stored = training::record_attendance(
            &rc.db,
            &rc.viewer,
            session,
            &people,
            input.attended,
            rc.now,
        )
        .await
        .extend()?;
        Ok(TrainingSessionPayload {
            session: TrainingSession(stored),
        })
    }
}
