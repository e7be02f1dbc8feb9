//! People in GraphQL: the `Person` type with its hierarchy fields, people queries and the
//! `upsertPeople` and `importPeopleCsv` mutations.

use async_graphql::{Context, Description, ID, InputObject, Object, ResultExt};
use chrono::{DateTime, Utc};
use entity::person;

use super::check_ins::{CheckIn, CheckInConnection};
use super::connection::{connection, connection_cost, page_args};
use super::context::RequestContext;
use super::enums::MeetingKind;
use super::ids::{self, NodeKind};
use super::loaders::{
    ChainOf, CheckInsOf, ManagerOf, MeetingsOf, PartnersOf, RelativesOf, TrainingSessionsOf, load,
};
use super::meetings::{
    Meeting, MeetingConnection, MeetingFilter, MeetingPartner, MeetingPartnerConnection,
};
use super::scalars::{Date, InstantInRange};
use super::teams::Team;
use super::training::{TrainingSession, TrainingSessionConnection};
use crate::domain::employment::is_employed;
use crate::domain::employment::truncate;
use crate::domain::paging::PageOf;
use crate::service;
use crate::service::meetings::MeetsWithFilter;
use crate::service::org::Relatives;

mod import;
mod mutation;

/// The people mutations: the HRIS upsert and the CSV import.
#[derive(async_graphql::MergedObject, Default)]
pub struct PeopleMutation(mutation::UpsertPeopleMutation, import::ImportPeopleMutation);

/// Someone in the organisation, current or former, with their place in the org chart at any
/// instant. Any authenticated person may see everyone's record.
#[derive(Debug, Clone, Description)]
pub struct Person(pub person::Model);

connection!(PersonConnection, PersonEdge, Person, "person");

impl Person {
    /// Loads a person the viewer already reached through another object (a report's
    /// manager, a policy's pair); a missing one is NOT_FOUND.
    pub async fn load(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Person> {
        let rc = RequestContext::of(ctx);
        let p = load(rc.loaders.person(), id).await?;
        p.map(Person)
            .ok_or_else(|| crate::error::AppError::NotFound("the person no longer exists".into()))
            .extend()
    }

    async fn relatives(
        &self,
        ctx: &Context<'_>,
        relatives: Relatives,
        as_of: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<PersonConnection> {
        let rc = RequestContext::of(ctx);
        let key = RelativesOf {
            person: self.0.id,
            relatives,
            as_of: rc.as_of(as_of),
            page: page_args(ctx, first, after.as_deref()).extend()?,
        };
        let page = key.page.clone();
        let found = load(rc.loaders.relatives(), key).await?;
        let page = found.unwrap_or_else(|| PageOf::empty(&page));
        Ok(PersonConnection::from_page(page, Person))
    }
}

#[Object(use_type_description)]
impl Person {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::Person, self.0.id)
    }

    /// The HRIS identifier (unique).
    async fn external_id(&self) -> Option<&str> {
        Some(&self.0.external_id)
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Work email (unique, lower case).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Job title.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// IANA time zone, e.g. `Europe/Berlin`.
    async fn timezone(&self) -> Option<&str> {
        self.0.timezone.as_deref()
    }

    /// First day of employment.
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }

    /// Last day of employment (inclusive); null while employed.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }

    /// Whether the person is employed at `asOf` (default: now).
    async fn active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The instant to ask about (default: now).")] as_of: Option<DateTime<Utc>>,
    ) -> bool {
        let at = RequestContext::of(ctx).as_of(as_of);
        is_employed(self.0.start_date, self.0.end_date, at)
    }

    /// The team the person belongs to.
    async fn team(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Team>> {
        let Some(team_id) = self.0.team_id else {
            return Ok(None);
        };
        let rc = RequestContext::of(ctx);
        let team = load(rc.loaders.team(), team_id).await?;
        Ok(team.map(Team))
    }

    /// The manager at `asOf` (default: now); null at the top of the org, outside the org
    /// then, or when the manager was no longer employed.
    async fn manager(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The instant to ask about (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Option<Person>> {
        let rc = RequestContext::of(ctx);
        let key = ManagerOf {
            person: self.0.id,
            as_of: rc.as_of(as_of),
        };
        let manager = load(rc.loaders.manager_of(), key).await?;
        Ok(manager.map(Person))
    }

    /// Everyone above the person at `asOf`, nearest manager first.
    async fn management_chain(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The instant to ask about (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Vec<Person>> {
        let rc = RequestContext::of(ctx);
        let key = ChainOf {
            person: self.0.id,
            as_of: rc.as_of(as_of),
        };
        let chain = load(rc.loaders.management_chain(), key).await?;
        Ok(chain.unwrap_or_default().into_iter().map(Person).collect())
    }

    /// People whose manager is this person at `asOf`, by name.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn direct_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The instant to ask about (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<PersonConnection> {
        self.relatives(ctx, Relatives::DIRECT_REPORTS, as_of, first, after)
            .await
    }

    /// Everyone below this person at `asOf`, down to `depth` levels (default: all), level by
    /// level, by name within a level.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The instant to ask about (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
        #[graphql(desc = "How many levels down (1 = direct reports; default: all).")] depth: Option<
            i32,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<PersonConnection> {
        let depth = match depth {
            Some(d) if d < 1 => {
                return Err(crate::error::AppError::bad_input(
                    "depth",
                    "must be at least 1",
                ))
                .extend();
            }
            d => d.map(|d| d as u32),
        };
        self.relatives(ctx, Relatives::reports(depth), as_of, first, after)
            .await
    }

    /// The direct reports of this person's direct reports at `asOf`.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn skip_level_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The instant to ask about (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<PersonConnection> {
        self.relatives(ctx, Relatives::SKIP_LEVEL_REPORTS, as_of, first, after)
            .await
    }

    /// This person's meetings the viewer may see, latest first.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Further conditions on the meetings (default: none).")] filter: Option<
            MeetingFilter,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<MeetingConnection> {
        let rc = RequestContext::of(ctx);
        let key = MeetingsOf {
            person: self.0.id,
            filter: filter.unwrap_or_default().into_service().extend()?,
            page: page_args(ctx, first, after.as_deref()).extend()?,
        };
        let page = key.page.clone();
        let found = load(rc.loaders.meetings_of(), key).await?;
        Ok(MeetingConnection::from_page(
            found.unwrap_or_else(|| PageOf::empty(&page)),
            Meeting,
        ))
    }

    /// The people this person held meetings with (HELD only, among meetings the viewer
    /// may see, practice 1:1s only with `includePractice`), most frequent first, then most
    /// recent.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn meets_with(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only meetings at or after this instant.",
            validator(custom = "InstantInRange")
        )]
        since: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Only meetings before this instant.",
            validator(custom = "InstantInRange")
        )]
        until: Option<DateTime<Utc>>,
        #[graphql(desc = "Only meetings of this kind.")] kind: Option<MeetingKind>,
        #[graphql(
            desc = "Count practice 1:1s of training sessions too (default false: they are left out).",
            default = false
        )]
        include_practice: bool,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<MeetingPartnerConnection> {
        let rc = RequestContext::of(ctx);
        let key = PartnersOf {
            person: self.0.id,
            filter: MeetsWithFilter {
                since: since.map(truncate),
                until: until.map(truncate),
                kind: kind.map(Into::into),
                include_practice,
            },
            page: page_args(ctx, first, after.as_deref()).extend()?,
        };
        let page = key.page.clone();
        let found = load(rc.loaders.partners(), key).await?;
        Ok(MeetingPartnerConnection::from_page(
            found.unwrap_or_else(|| PageOf::empty(&page)),
            MeetingPartner,
        ))
    }

    /// Others with the same manager at `asOf`.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn peers(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The instant to ask about (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<PersonConnection> {
        self.relatives(ctx, Relatives::Peers, as_of, first, after)
            .await
    }

    /// Check-ins about this person as a manager (someone above them asking how their 1:1s
    /// go), newest first, as the viewer may see them: all of them for the person and
    /// hr_admin, else those the viewer asked or someone below the viewer asked; notes only
    /// for the asker and this person.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn check_ins(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<CheckInConnection> {
        let rc = RequestContext::of(ctx);
        let key = CheckInsOf {
            manager: self.0.id,
            page: page_args(ctx, first, after.as_deref()).extend()?,
        };
        let page = key.page.clone();
        let found = load(rc.loaders.check_ins_of(), key).await?;
        Ok(CheckInConnection::from_page(
            found.unwrap_or_else(|| PageOf::empty(&page)),
            CheckIn,
        ))
    }

    /// The training sessions this person was invited to, latest first (see
    /// `TrainingSession.attendees` for who attended). Visible to the person, anyone above
    /// them in the current management chain and hr_admin, and to a session's facilitator
    /// and creator for that session; empty for anyone else, FORBIDDEN for integrations.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn training_sessions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<TrainingSessionConnection> {
        let rc = RequestContext::of(ctx);
        let key = TrainingSessionsOf {
            person: self.0.id,
            page: page_args(ctx, first, after.as_deref()).extend()?,
        };
        let page = key.page.clone();
        let found = load(rc.loaders.training_sessions_of(), key).await?;
        Ok(TrainingSessionConnection::from_page(
            found.unwrap_or_else(|| PageOf::empty(&page)),
            TrainingSession,
        ))
    }
}

/// Conditions on `people`; all given ones must hold.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PersonFilter {
    /// Case-insensitive part of the name.
    pub name_contains: Option<String>,
    /// Members of this team.
    pub team_id: Option<ID>,
    /// Current direct reports of this manager.
    pub manager_id: Option<ID>,
    /// Employed now (true) or not (false); absent lists everyone.
    pub active: Option<bool>,
}

impl PersonFilter {
    fn into_service(self) -> crate::error::AppResult<service::people::PersonFilter> {
        Ok(service::people::PersonFilter {
            name_contains: self.name_contains,
            team_id: self
                .team_id
                .map(|id| ids::expect(&id, NodeKind::Team, "filter.teamId"))
                .transpose()?,
            manager_id: self
                .manager_id
                .map(|id| ids::expect(&id, NodeKind::Person, "filter.managerId"))
                .transpose()?,
            active: self.active,
        })
    }
}

#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// The person the access token belongs to; null for an integration.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        let rc = RequestContext::of(ctx);
        crate::auth::access::ensure_authenticated(&rc.viewer).extend()?;
        let Some(id) = rc.viewer.person_id() else {
            return Ok(None);
        };
        let person = service::people::get(&rc.db, &rc.viewer, id)
            .await
            .extend()?;
        Ok(person.map(Person))
    }

    /// A person by global ID; null when there is none.
    async fn person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Person>> {
        let rc = RequestContext::of(ctx);
        let Some(id) = ids::lookup(&id, NodeKind::Person, "id").extend()? else {
            crate::auth::access::ensure_can_read_org(&rc.viewer).extend()?;
            return Ok(None);
        };
        let person = service::people::get(&rc.db, &rc.viewer, id)
            .await
            .extend()?;
        Ok(person.map(Person))
    }

    /// A person by HRIS identifier; null when there is none.
    async fn person_by_external_id(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person's identifier in the HRIS.")] external_id: String,
    ) -> async_graphql::Result<Option<Person>> {
        let rc = RequestContext::of(ctx);
        let person = service::people::by_external_id(&rc.db, &rc.viewer, &external_id)
            .await
            .extend()?;
        Ok(person.map(Person))
    }

    /// Everyone (current and former, unless `filter.active` says otherwise), by name.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
        #[graphql(desc = "Conditions the people must meet (default: none).")] filter: Option<
            PersonFilter,
        >,
    ) -> async_graphql::Result<PersonConnection> {
        let rc = RequestContext::of(ctx);
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let filter = filter.unwrap_or_default().into_service().extend()?;
        let found = service::people::list(&rc.db, &rc.viewer, &filter, &page, rc.now)
            .await
            .extend()?;
        Ok(PersonConnection::from_page(found, Person))
    }
}
