//! Check-ins in GraphQL: a manager of managers asking a manager below them how their 1:1s
//! are going, the mutations that log, change and delete them, and `Person.checkIns`.

use async_graphql::{
    Context, Description, Enum, ID, InputObject, MaybeUndefined, Object, ResultExt, SimpleObject,
};
use chrono::{DateTime, Utc};
use entity::check_in;

use super::connection::connection;
use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::people::Person;
use super::scalars::InstantInRange;
use crate::domain::check_in::{self as domain, struggles_from_stored};
use crate::service::check_ins::{self, CheckInChanges, LogCheckIn};

/// What a manager struggles with in their 1:1s.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Struggle {
    /// Not enough time to hold them.
    NoTime,
    /// They get cancelled or moved often.
    CancelledOften,
    /// They drift into day-to-day status talk.
    TacticalDrift,
    /// The pair runs out of things to talk about.
    NothingToTalkAbout,
    /// Difficult conversations (performance, conflict) are hard to have.
    HardConversations,
    /// A report seems disengaged.
    ReportDisengaged,
    /// Something else (see the notes).
    Other,
}

impl From<domain::Struggle> for Struggle {
    fn from(s: domain::Struggle) -> Self {
        match s {
            domain::Struggle::NoTime => Struggle::NoTime,
            domain::Struggle::CancelledOften => Struggle::CancelledOften,
            domain::Struggle::TacticalDrift => Struggle::TacticalDrift,
            domain::Struggle::NothingToTalkAbout => Struggle::NothingToTalkAbout,
            domain::Struggle::HardConversations => Struggle::HardConversations,
            domain::Struggle::ReportDisengaged => Struggle::ReportDisengaged,
            domain::Struggle::Other => Struggle::Other,
        }
    }
}

impl From<Struggle> for domain::Struggle {
    fn from(s: Struggle) -> Self {
        match s {
            Struggle::NoTime => domain::Struggle::NoTime,
            Struggle::CancelledOften => domain::Struggle::CancelledOften,
            Struggle::TacticalDrift => domain::Struggle::TacticalDrift,
            Struggle::NothingToTalkAbout => domain::Struggle::NothingToTalkAbout,
            Struggle::HardConversations => domain::Struggle::HardConversations,
            Struggle::ReportDisengaged => domain::Struggle::ReportDisengaged,
            Struggle::Other => domain::Struggle::Other,
        }
    }
}

/// A check-in: someone above a manager (or hr_admin) asked them how their 1:1s are going.
/// Seen in full by the asker and the manager; anyone above the asker and hr_admin see it
/// without its notes; nobody else sees it at all.
#[derive(Debug, Clone, Description)]
pub struct CheckIn(pub check_in::Model);

connection!(CheckInConnection, CheckInEdge, CheckIn, "check-in");

#[Object(use_type_description)]
impl CheckIn {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::CheckIn, self.0.id)
    }

    /// Who asked (and logged it).
    async fn asker(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.asker_id).await
    }

    /// The manager whose 1:1s it is about.
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.manager_id).await
    }

    /// When it took place.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// How the manager's 1:1s are going, 1 (badly) to 5 (very well).
    async fn rating(&self) -> i32 {
        self.0.rating
    }

    /// What the manager struggles with, in a stable order.
    async fn struggles(&self) -> Vec<Struggle> {
        struggles_from_stored(&self.0.struggles)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Free-form notes; null when there are none, and for anyone but the asker and the
    /// manager.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// When it was logged.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A check-in to log.
#[derive(Debug, Clone, InputObject)]
pub struct LogCheckInInput {
    /// The manager asked (global ID). The viewer must be above them in the chain at `at`
    /// (their manager or higher), or hr_admin.
    pub manager_id: ID,
    /// When it took place; not in the future.
    #[graphql(validator(custom = "InstantInRange"))]
    pub at: DateTime<Utc>,
    /// How the manager's 1:1s are going, 1 to 5.
    pub rating: i32,
    /// What the manager struggles with (default: nothing).
    #[graphql(default)]
    pub struggles: Vec<Struggle>,
    /// Free-form notes, at most 10,000 characters; seen by the asker and the manager only.
    pub notes: Option<String>,
}

/// Changes to a check-in; fields left out stay as they are.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateCheckInInput {
    /// The check-in's global ID.
    pub id: ID,
    /// When it took place; not in the future, and the viewer above the manager then.
    #[graphql(validator(custom = "InstantInRange"))]
    pub at: Option<DateTime<Utc>>,
    /// 1 to 5.
    pub rating: Option<i32>,
    /// The struggles, replacing the ones stored.
    pub struggles: Option<Vec<Struggle>>,
    /// New notes; null removes them.
    pub notes: MaybeUndefined<String>,
}

/// The check-in to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteCheckInInput {
    /// The check-in's global ID.
    pub id: ID,
}

/// A check-in after a change.
#[derive(SimpleObject)]
pub struct CheckInPayload {
    /// The check-in as stored now.
    pub check_in: CheckIn,
}

/// What `deleteCheckIn` did.
#[derive(SimpleObject)]
pub struct DeleteCheckInPayload {
    /// The ID of the deleted check-in.
    pub deleted_id: ID,
}

fn struggles(list: Vec<Struggle>) -> Vec<domain::Struggle> {
    list.into_iter().map(Into::into).collect()
}

#[derive(Default)]
pub struct CheckInsMutation;

#[Object]
impl CheckInsMutation {
    /// Logs a check-in with a manager below the viewer (or any manager, for hr_admin):
    /// how their 1:1s are going and what they struggle with.
    async fn log_check_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The check-in to log.")] input: LogCheckInInput,
    ) -> async_graphql::Result<CheckInPayload> {
        let rc = RequestContext::of(ctx);
        let manager = ids::person(&input.manager_id, "input.managerId")?;
        let saved = check_ins::log(
            &rc.db,
            &rc.viewer,
            LogCheckIn {
                manager,
                at: input.at,
                rating: input.rating,
                struggles: struggles(input.struggles),
                notes: input.notes,
            },
            rc.now,
        )
        .await
        .extend()?;
        Ok(CheckInPayload {
            check_in: CheckIn(saved),
        })
    }

    /// Changes a check-in (the person who logged it only).
    async fn update_check_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The check-in and its changes.")] input: UpdateCheckInInput,
    ) -> async_graphql::Result<CheckInPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::CheckIn, "input.id").extend()?;
        let changes = CheckInChanges {
            at: input.at,
            rating: input.rating,
            struggles: input.struggles.map(struggles),
            notes: match input.notes {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(n) => Some(Some(n)),
            },
        };
        let saved = check_ins::update(&rc.db, &rc.viewer, id, changes, rc.now)
            .await
            .extend()?;
        Ok(CheckInPayload {
            check_in: CheckIn(saved),
        })
    }

    /// Deletes a check-in (the person who logged it only).
    async fn delete_check_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The check-in to delete.")] input: DeleteCheckInInput,
    ) -> async_graphql::Result<DeleteCheckInPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::CheckIn, "input.id").extend()?;
        check_ins::delete(&rc.db, &rc.viewer, id, rc.now)
            .await
            .extend()?;
        Ok(DeleteCheckInPayload {
            deleted_id: input.id,
        })
    }
}
