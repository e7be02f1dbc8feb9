//! The Relay `Node` interface and `node(id:)`.

use async_graphql::{Context, ID, Interface, Object, ResultExt};

use super::agendas::AgendaTemplate;
use super::check_ins::CheckIn;
use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::meetings::Meeting;
use super::people::Person;
use super::pulse::PulseRound;
use super::resources::LearningResource;
use super::teams::Team;
use super::training::TrainingSession;
use crate::service;

/// An object with a global ID that `node(id:)` can fetch again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global ID."))]
pub enum Node {
    Person(Person),
    Team(Team),
    Meeting(Meeting),
    AgendaTemplate(AgendaTemplate),
    LearningResource(LearningResource),
    CheckIn(CheckIn),
    TrainingSession(TrainingSession),
    PulseRound(PulseRound),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by global ID; null when there is none.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as any object's `id` gives it.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let rc = RequestContext::of(ctx);
        let (kind, id) = ids::decode(&id, "id").extend()?;
        Ok(match kind {
            NodeKind::Person => service::people::get(&rc.db, &rc.viewer, id)
                .await
                .extend()?
                .map(|p| Node::Person(Person(p))),
            NodeKind::Team => service::teams::get(&rc.db, &rc.viewer, id)
                .await
                .extend()?
                .map(|t| Node::Team(Team(t))),
            NodeKind::Meeting => service::meetings::get(&rc.db, &rc.viewer, id, rc.now)
                .await
                .extend()?
                .map(|m| Node::Meeting(Meeting(m))),
            NodeKind::AgendaTemplate => {
                service::agendas::templates_by_ids(&rc.db, &rc.viewer, &[id])
                    .await
                    .extend()?
                    .remove(&id)
                    .map(|t| Node::AgendaTemplate(AgendaTemplate(t)))
            }
            NodeKind::LearningResource => service::resources::by_ids(&rc.db, &rc.viewer, &[id])
                .await
                .extend()?
                .remove(&id)
                .map(|r| Node::LearningResource(LearningResource(r))),
            NodeKind::CheckIn => service::check_ins::get(&rc.db, &rc.viewer, id, rc.now)
                .await
                .extend()?
                .map(|c| Node::CheckIn(CheckIn(c))),
            NodeKind::TrainingSession => {
                service::training::by_ids(&rc.db, &rc.viewer, &[id], rc.now)
                    .await
                    .extend()?
                    .remove(&id)
                    .map(|s| Node::TrainingSession(TrainingSession(s)))
            }
            NodeKind::PulseRound => service::pulse::get(&rc.db, &rc.viewer, id)
                .await
                .extend()?
                .map(|r| Node::PulseRound(PulseRound(r))),
            // Agenda and action items are reached through their meeting; webhooks through
            // the `webhooks` listing.
            NodeKind::AgendaItem | NodeKind::ActionItem | NodeKind::Webhook => {
                crate::auth::access::ensure_authenticated(&rc.viewer).extend()?;
                None
            }
        })
    }
}
