//! Teams in GraphQL: the `Team` type, team queries and the `upsertTeams` mutation.

use async_graphql::{Context, Description, ID, InputObject, Object, ResultExt, SimpleObject};
use entity::team;

use super::connection::{connection, connection_cost, page_args};
use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::loaders::load;
use crate::service;

/// A team of the organisation, as the HRIS defines it; teams form a tree through `parent`.
/// Any authenticated person may see every team.
#[derive(Debug, Clone, Description)]
pub struct Team(pub team::Model);

connection!(TeamConnection, TeamEdge, Team, "team");

#[Object(use_type_description)]
impl Team {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Team, self.0.id)
    }

    /// The HRIS identifier (unique).
    async fn external_id(&self) -> Option<&str> {
        Some(&self.0.external_id)
    }

    /// Team name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The team this one belongs to; null for a top-level team.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Team>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        let rc = RequestContext::of(ctx);
        let team = load(rc.loaders.team(), parent).await?;
        Ok(team.map(Team))
    }
}

#[derive(Default)]
pub struct TeamsQuery;

#[Object]
impl TeamsQuery {
    /// A team by global ID; null when there is none.
    async fn team(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The team's global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Team>> {
        let rc = RequestContext::of(ctx);
        let Some(id) = ids::lookup(&id, NodeKind::Team, "id").extend()? else {
            crate::auth::access::ensure_can_read_org(&rc.viewer).extend()?;
            return Ok(None);
        };
        Ok(service::teams::get(&rc.db, &rc.viewer, id)
            .await
            .extend()?
            .map(Team))
    }

    /// All teams, by name.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn teams(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<TeamConnection> {
        let rc = RequestContext::of(ctx);
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let found = service::teams::list(&rc.db, &rc.viewer, &page)
            .await
            .extend()?;
        Ok(TeamConnection::from_page(found, Team))
    }
}

/// One team from the HRIS.
#[derive(Debug, Clone, InputObject)]
pub struct TeamInput {
    /// HRIS identifier: the key that makes re-sending idempotent.
    pub external_id: String,
    /// Team name.
    pub name: String,
    /// The parent team's externalId (in this batch or already stored); null: a top-level
    /// team.
    pub parent_external_id: Option<String>,
}

/// A batch of teams to create or update.
#[derive(Debug, Clone, InputObject)]
pub struct UpsertTeamsInput {
    /// The teams, parents and children in any order.
    pub teams: Vec<TeamInput>,
}

/// What `upsertTeams` did.
#[derive(SimpleObject)]
pub struct UpsertTeamsPayload {
    /// Teams created by this call.
    pub created: i32,
    /// Teams whose name or parent changed.
    pub updated: i32,
    /// Teams already exactly as sent.
    pub unchanged: i32,
    /// The teams of the batch, in input order.
    pub teams: Vec<Team>,
}

#[derive(Default)]
pub struct TeamsMutation;

#[Object]
impl TeamsMutation {
    /// Creates or updates teams by externalId, all or nothing. Needs hr_admin or an
    /// integration with `org:write`.
    async fn upsert_teams(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The teams to create or update.")] input: UpsertTeamsInput,
    ) -> async_graphql::Result<UpsertTeamsPayload> {
        let rc = RequestContext::of(ctx);
        let rows = input
            .teams
            .into_iter()
            .map(|t| service::teams::TeamUpsert {
                external_id: t.external_id,
                name: t.name,
                parent_external_id: t.parent_external_id,
            })
            .collect();
        let outcome = service::teams::upsert(&rc.db, &rc.viewer, rows, rc.now)
            .await
            .extend()?;
        Ok(UpsertTeamsPayload {
            created: outcome.created as i32,
            updated: outcome.updated as i32,
            unchanged: outcome.unchanged as i32,
            teams: outcome.teams.into_iter().map(Team).collect(),
        })
    }
}
