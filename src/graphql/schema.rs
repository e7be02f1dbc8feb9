//! Assembles the schema: merged query and mutation roots, limits, introspection switch.

use async_graphql::{MergedObject, MergedSubscription, Schema};

use super::agendas::{AgendasMutation, AgendasQuery};
use super::budget::RateLimitQuery;
use super::cadence::{CadenceMutation, CadenceQuery};
use super::check_ins::CheckInsMutation;
use super::insights::InsightsQuery;
use super::meetings::{MeetingsMutation, MeetingsQuery};
use super::node::NodeQuery;
use super::people::{PeopleMutation, PeopleQuery};
use super::pulse::{PulseMutation, PulseQuery};
use super::resources::{ResourcesMutation, ResourcesQuery};
use super::subscriptions::MeetingsSubscription;
use super::teams::{TeamsMutation, TeamsQuery};
use super::training::TrainingMutation;
use super::webhooks::{WebhooksMutation, WebhooksQuery};
use crate::config::LimitSettings;
use crate::service::events::MeetingEvents;

/// Everything a viewer can read: the org chart, meetings, agenda templates, insights and
/// cadence policies, each filtered to what the viewer may see.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    PeopleQuery,
    TeamsQuery,
    MeetingsQuery,
    AgendasQuery,
    InsightsQuery,
    CadenceQuery,
    RateLimitQuery,
    WebhooksQuery,
    ResourcesQuery,
    PulseQuery,
);

/// Every write. Each takes one `input` object and returns a payload; bulk writes are all or
/// nothing and idempotent by `externalId`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    PeopleMutation,
    TeamsMutation,
    MeetingsMutation,
    AgendasMutation,
    CadenceMutation,
    WebhooksMutation,
    ResourcesMutation,
    CheckInsMutation,
    TrainingMutation,
    PulseMutation,
);

/// Live updates over graphql-transport-ws on `/graphql`.
#[derive(MergedSubscription, Default)]
pub struct Subscription(MeetingsSubscription);

pub type CadenceSchema = Schema<Query, Mutation, Subscription>;

/// The schema with the configured limits. Per-request data (viewer, loaders) is added to
/// each request, so one schema serves every request.
pub fn build_schema(limits: &LimitSettings, events: Option<MeetingEvents>) -> CadenceSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(limits.max_depth)
    .limit_recursive_depth(limits.max_depth.max(32))
    .limit_complexity(limits.max_complexity)
    .limit_directives(limits.max_directives)
    .data(limits.webhooks.clone());
    if !limits.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(events) = events {
        builder = builder.data(events);
    }
    builder.finish()
}
