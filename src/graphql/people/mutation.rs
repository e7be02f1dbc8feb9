//! The `upsertPeople` mutation: the HRIS sends people in batches.

use async_graphql::{Context, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};

use super::Person;
use crate::graphql::context::RequestContext;
use crate::graphql::scalars::{Date, InstantInRange};
use crate::service;

/// One person's full record from the HRIS. Optional fields left out are cleared.
#[derive(Debug, Clone, InputObject)]
pub struct PersonInput {
    /// HRIS identifier: the key that makes re-sending idempotent.
    pub external_id: String,
    /// Full name.
    pub name: String,
    /// Work email; unique, stored in lower case.
    pub email: String,
    /// Job title.
    pub title: Option<String>,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub timezone: Option<String>,
    /// The team's externalId (the team must already exist); null: no team.
    pub team_external_id: Option<String>,
    /// The manager's externalId (in this batch or already stored); null: top of the org.
    pub manager_external_id: Option<String>,
    /// First day of employment.
    pub start_date: Option<Date>,
    /// Last day of employment (inclusive); the reporting line ends after it.
    pub end_date: Option<Date>,
    /// When the manager given here takes effect (default: now; for a person this call
    /// creates, their start date if given). It supersedes reporting history after it.
    #[graphql(validator(custom = "InstantInRange"))]
    pub effective_from: Option<DateTime<Utc>>,
}

/// A batch of people to create or update.
#[derive(Debug, Clone, InputObject)]
pub struct UpsertPeopleInput {
    /// At most 10,000 people.
    pub people: Vec<PersonInput>,
}

/// What `upsertPeople` did.
#[derive(SimpleObject)]
pub struct UpsertPeoplePayload {
    /// People created by this call.
    pub created: i32,
    /// People whose record or manager changed.
    pub updated: i32,
    /// People already exactly as sent.
    pub unchanged: i32,
    /// The people of the batch, in input order.
    pub people: Vec<Person>,
}

#[derive(Default)]
pub struct UpsertPeopleMutation;

#[Object]
impl UpsertPeopleMutation {
    /// Creates or updates people by externalId, with their managers, all or nothing.
    /// Needs hr_admin or an integration with `org:write`.
    async fn upsert_people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The people to create or update.")] input: UpsertPeopleInput,
    ) -> async_graphql::Result<UpsertPeoplePayload> {
        let rc = RequestContext::of(ctx);
        let rows = input
            .people
            .into_iter()
            .map(|p| service::people::PersonUpsert {
                external_id: p.external_id,
                name: p.name,
                email: p.email,
                title: p.title,
                timezone: p.timezone,
                team_external_id: p.team_external_id,
                manager_external_id: p.manager_external_id,
                start_date: p.start_date.map(|d| d.0),
                end_date: p.end_date.map(|d| d.0),
                effective_from: p.effective_from,
            })
            .collect();
        let outcome = service::people::upsert(&rc.db, &rc.viewer, rows, rc.now)
            .await
            .extend()?;
        Ok(UpsertPeoplePayload {
            created: outcome.created as i32,
            updated: outcome.updated as i32,
            unchanged: outcome.unchanged as i32,
            people: outcome.people.into_iter().map(Person).collect(),
        })
    }
}
