//! Assembles the schema: merged query and mutation roots, limits, introspection switch.

use async_graphql::{EmptySubscription, MergedObject, Schema};

use super::agendas::{AgendasMutation, AgendasQuery};
use super::meetings::{MeetingsMutation, MeetingsQuery};
use super::node::NodeQuery;
use super::people::{PeopleMutation, PeopleQuery};
use super::teams::{TeamsMutation, TeamsQuery};
use crate::config::LimitSettings;

#[derive(MergedObject, Default)]
pub struct Query(NodeQuery, PeopleQuery, TeamsQuery, MeetingsQuery, AgendasQuery);

#[derive(MergedObject, Default)]
pub struct Mutation(
    PeopleMutation,
    TeamsMutation,
    MeetingsMutation,
    AgendasMutation,
);

pub type CadenceSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema with the configured limits. Per-request data (viewer, loaders) is added to
/// each request, so one schema serves every request.
pub fn build_schema(limits: &LimitSettings) -> CadenceSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_recursive_depth(limits.max_depth.max(32))
        .limit_complexity(limits.max_complexity)
        .limit_directives(limits.max_directives);
    if !limits.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}
