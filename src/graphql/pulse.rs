//! The anonymous pulse from reports in GraphQL: rounds, the viewer's own answer, frozen
//! per-manager figures and subtree rollups, and the mutations that open, close and answer
//! rounds.

use async_graphql::{Context, Description, Enum, ID, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{pulse_answer, pulse_round};

use super::connection::{connection, connection_cost, page_args};
use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::loaders::{PulseFiguresOf, load, loader_error};
use super::people::Person;
use super::scalars::InstantInRange;
use crate::service::pulse::{self as service, Figures, Scope, Scores};

/// The pulse's three fixed questions, each answered 1 (disagree) to 5 (agree). The names
/// are stable, so rounds stay comparable.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseQuestion {
    /// "My 1:1s with my manager are useful."
    Useful,
    /// "We talk about more than day-to-day work."
    BeyondTactical,
    /// "I get feedback I can use in my 1:1s."
    Feedback,
}

/// Where a round stands at the request's instant.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseRoundStatus {
    /// Before `opensAt`: answers are refused.
    Upcoming,
    /// Taking answers.
    Open,
    /// Past `closesAt` or closed early: answers are refused. Its figures show once
    /// `closedAt` is set.
    Closed,
}

/// A round of the anonymous pulse from reports, opened by hr_admin. Every employed person
/// with a manager answers the three `PulseQuestion`s once (and may change the answer while
/// the round is open) about the manager they have when they answer. Nobody — hr_admin
/// included — can read another person's answer: the only answer any field shows is the
/// viewer's own (`myAnswer`). Figures per manager are frozen when the round closes and
/// shown only from 3 respondents on. Any person sees the rounds themselves (integrations
/// do not: the pulse is between people and their managers).
#[derive(Debug, Clone, Description)]
pub struct PulseRound(pub pulse_round::Model);

connection!(
    PulseRoundConnection,
    PulseRoundEdge,
    PulseRound,
    "pulse round"
);

#[Object(use_type_description)]
impl PulseRound {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::PulseRound, self.0.id)
    }

    /// The round's name, e.g. "2026 Q4".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// When answers open.
    async fn opens_at(&self) -> DateTime<Utc> {
        self.0.opens_at
    }

    /// When answers close, unless hr_admin closes the round earlier.
    async fn closes_at(&self) -> DateTime<Utc> {
        self.0.closes_at
    }

    /// When the round closed and its figures were frozen; null until then. A round past
    /// `closesAt` is frozen (as of `closesAt`) by the server's scheduled job, soon after.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }

    /// Where the round stands now.
    async fn status(&self, ctx: &Context<'_>) -> PulseRoundStatus {
        let now = RequestContext::of(ctx).now;
        if self.0.closed_at.is_some() || now >= self.0.closes_at {
            PulseRoundStatus::Closed
        } else if now < self.0.opens_at {
            PulseRoundStatus::Upcoming
        } else {
            PulseRoundStatus::Open
        }
    }

    /// The viewer's own answer to this round; null when they have not answered (and for
    /// an integration). Nobody can read anyone else's answer.
    async fn my_answer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PulseAnswer>> {
        let rc = RequestContext::of(ctx);
        Ok(load(rc.loaders.my_pulse_answer(), self.0.id)
            .await?
            .map(PulseAnswer))
    }

    /// `managerId`'s own figures in this round: the answers of those who reported to them
    /// when they answered. Null until the round is closed and frozen, and null below 3
    /// respondents. For the manager themselves, anyone above them now, and hr_admin;
    /// FORBIDDEN for anyone else.
    async fn results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the manager.")] manager_id: ID,
    ) -> async_graphql::Result<Option<PulseFigures>> {
        figures(ctx, Scope::Manager, self.0.id, &manager_id).await
    }

    /// `managerId`'s subtree in this round (the org as it was when the round closed): the
    /// pooled answers of every manager in it, `managerId` included, WHO REACHED 3
    /// RESPONDENTS; managers below 3 are left out entirely (not suppressed subtrees), so no
    /// published figure can be subtracted from another to recover theirs. Null until the
    /// round is frozen, and when no manager in the subtree reached 3. Frozen with the
    /// round: a later reorg does not move it. For the manager, anyone above them now, and
    /// hr_admin.
    async fn rollup(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the manager at the top of the subtree.")] manager_id: ID,
    ) -> async_graphql::Result<Option<PulseFigures>> {
        figures(ctx, Scope::Subtree, self.0.id, &manager_id).await
    }
}

async fn figures(
    ctx: &Context<'_>,
    scope: Scope,
    round: i64,
    manager_id: &ID,
) -> async_graphql::Result<Option<PulseFigures>> {
    let rc = RequestContext::of(ctx);
    let manager = ids::person(manager_id, "managerId")?;
    let key = PulseFiguresOf {
        scope,
        round,
        manager,
    };
    match load(rc.loaders.pulse_figures(), key).await? {
        Some(Ok(found)) => Ok(found.map(PulseFigures)),
        Some(Err(err)) => Err(loader_error(err)),
        None => Ok(None),
    }
}

/// The viewer's own answer to a round.
#[derive(Debug, Clone, Description)]
pub struct PulseAnswer(pub pulse_answer::Model);

#[Object(use_type_description)]
impl PulseAnswer {
    /// Score for USEFUL, 1 to 5.
    async fn useful(&self) -> i32 {
        self.0.useful.into()
    }

    /// Score for BEYOND_TACTICAL, 1 to 5.
    async fn beyond_tactical(&self) -> i32 {
        self.0.beyond_tactical.into()
    }

    /// Score for FEEDBACK, 1 to 5.
    async fn feedback(&self) -> i32 {
        self.0.feedback.into()
    }

    /// The manager the answer is about: the viewer's manager when they last answered.
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.manager_id).await
    }

    /// When the viewer first answered.
    async fn answered_at(&self) -> DateTime<Utc> {
        self.0.answered_at
    }

    /// When the viewer last changed the answer.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Frozen pulse figures: the average score of each question over at least 3 respondents.
#[derive(Debug, Clone, Description)]
pub struct PulseFigures(pub Figures);

#[Object(use_type_description)]
impl PulseFigures {
    /// Average score for USEFUL, 1 to 5.
    async fn useful(&self) -> f64 {
        self.0.useful
    }

    /// Average score for BEYOND_TACTICAL, 1 to 5.
    async fn beyond_tactical(&self) -> f64 {
        self.0.beyond_tactical
    }

    /// Average score for FEEDBACK, 1 to 5.
    async fn feedback(&self) -> f64 {
        self.0.feedback
    }

    /// The average score of one question.
    async fn average(&self, #[graphql(desc = "The question.")] question: PulseQuestion) -> f64 {
        match question {
            PulseQuestion::Useful => self.0.useful,
            PulseQuestion::BeyondTactical => self.0.beyond_tactical,
            PulseQuestion::Feedback => self.0.feedback,
        }
    }

    /// How many people answered (3 or more).
    async fn respondent_count(&self) -> i32 {
        self.0.respondents as i32
    }

    /// How many managers the figures pool: 1 for a manager's own results; for a rollup,
    /// the managers of the subtree who reached 3 respondents.
    async fn manager_count(&self) -> i32 {
        self.0.managers as i32
    }
}

#[derive(Default)]
pub struct PulseQuery;

#[Object]
impl PulseQuery {
    /// Pulse rounds, latest opening first (any authenticated person).
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn pulse_rounds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<PulseRoundConnection> {
        let rc = RequestContext::of(ctx);
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let found = service::list(&rc.db, &rc.viewer, &page).await.extend()?;
        Ok(PulseRoundConnection::from_page(found, PulseRound))
    }

    /// A pulse round by global ID; null when there is none.
    async fn pulse_round(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round's global ID.")] id: ID,
    ) -> async_graphql::Result<Option<PulseRound>> {
        let rc = RequestContext::of(ctx);
        let Some(id) = ids::lookup(&id, NodeKind::PulseRound, "id").extend()? else {
            crate::auth::access::ensure_can_read_pulse_rounds(&rc.viewer).extend()?;
            return Ok(None);
        };
        Ok(service::get(&rc.db, &rc.viewer, id)
            .await
            .extend()?
            .map(PulseRound))
    }
}

/// A new pulse round.
#[derive(Debug, Clone, InputObject)]
pub struct OpenPulseRoundInput {
    /// The round's name (1 to 200 characters).
    pub name: String,
    /// When answers open (may be now or earlier).
    #[graphql(validator(custom = "InstantInRange"))]
    pub opens_at: DateTime<Utc>,
    /// When answers close: after `opensAt`, and in the future.
    #[graphql(validator(custom = "InstantInRange"))]
    pub closes_at: DateTime<Utc>,
}

/// The round to close.
#[derive(Debug, Clone, InputObject)]
pub struct ClosePulseRoundInput {
    /// The round's global ID.
    pub round_id: ID,
}

/// A pulse round after a change.
#[derive(SimpleObject)]
pub struct PulseRoundPayload {
    /// The round as stored now.
    pub round: PulseRound,
}

/// The viewer's answer to a round: each score 1 (disagree) to 5 (agree).
#[derive(Debug, Clone, InputObject)]
pub struct AnswerPulseInput {
    /// The round's global ID.
    pub round_id: ID,
    /// "My 1:1s with my manager are useful."
    pub useful: i32,
    /// "We talk about more than day-to-day work."
    pub beyond_tactical: i32,
    /// "I get feedback I can use in my 1:1s."
    pub feedback: i32,
}

/// The viewer's answer as stored.
#[derive(SimpleObject)]
pub struct AnswerPulsePayload {
    /// The round answered.
    pub round: PulseRound,
    /// The viewer's own answer, as stored now.
    pub answer: PulseAnswer,
}

#[derive(Default)]
pub struct PulseMutation;

#[Object]
impl PulseMutation {
    /// Opens a pulse round (hr_admin only).
    async fn open_pulse_round(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round's name and dates.")] input: OpenPulseRoundInput,
    ) -> async_graphql::Result<PulseRoundPayload> {
        let rc = RequestContext::of(ctx);
        let new = service::NewRound {
            name: input.name,
            opens_at: input.opens_at,
            closes_at: input.closes_at,
        };
        let round = service::open_round(&rc.db, &rc.viewer, new, rc.now)
            .await
            .extend()?;
        Ok(PulseRoundPayload {
            round: PulseRound(round),
        })
    }

    /// Closes a pulse round now, before its `closesAt` (hr_admin only), and freezes its
    /// figures: answers are refused from now on, and no later change moves the figures.
    /// A round past `closesAt` closes as of `closesAt`; closing a closed round changes
    /// nothing.
    async fn close_pulse_round(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round to close.")] input: ClosePulseRoundInput,
    ) -> async_graphql::Result<PulseRoundPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.round_id, NodeKind::PulseRound, "input.roundId").extend()?;
        let round = service::close_round(&rc.db, &rc.viewer, id, rc.now)
            .await
            .extend()?;
        Ok(PulseRoundPayload {
            round: PulseRound(round),
        })
    }

    /// Answers an open round, or changes the viewer's answer while it is open: any
    /// employed person who has a manager now. The answer counts for the manager the viewer
    /// has at the moment of (re)answering. BAD_USER_INPUT before `opensAt`, after the
    /// close, without a manager, or for a score outside 1 to 5.
    async fn answer_pulse(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The round and the three scores.")] input: AnswerPulseInput,
    ) -> async_graphql::Result<AnswerPulsePayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.round_id, NodeKind::PulseRound, "input.roundId").extend()?;
        let scores = Scores {
            useful: input.useful,
            beyond_tactical: input.beyond_tactical,
            feedback: input.feedback,
        };
        let answer = service::answer(&rc.db, &rc.viewer, id, scores, rc.now)
            .await
            .extend()?;
        let round = service::get(&rc.db, &rc.viewer, id)
            .await
            .extend()?
            .ok_or_else(|| crate::error::AppError::NotFound("no pulse round has this id".into()))
            .extend()?;
        Ok(AnswerPulsePayload {
            round: PulseRound(round),
            answer: PulseAnswer(answer),
        })
    }
}

/// For the coverage report: a manager's figures in the latest frozen round.
#[derive(Debug, Clone, Description)]
pub struct ManagerPulse(pub pulse_round::Model, pub Figures);

#[Object(use_type_description)]
impl ManagerPulse {
    /// The round: the latest one frozen by the report's `asOf`.
    async fn round(&self) -> PulseRound {
        PulseRound(self.0.clone())
    }

    /// Average score for USEFUL, 1 to 5.
    async fn useful(&self) -> f64 {
        self.1.useful
    }

    /// Average score for BEYOND_TACTICAL, 1 to 5.
    async fn beyond_tactical(&self) -> f64 {
        self.1.beyond_tactical
    }

    /// Average score for FEEDBACK, 1 to 5.
    async fn feedback(&self) -> f64 {
        self.1.feedback
    }

    /// How many people answered about the manager (3 or more).
    async fn respondents(&self) -> i32 {
        self.1.respondents as i32
    }
}
