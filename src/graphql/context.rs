//! Per-request context: the viewer, the request's "now", the database and the DataLoaders.

use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::loaders::{
    ActionItemsLoader, AgendaLoader, AverageRatingLoader, CarriedOverLoader, ManagementChainLoader,
    ManagerOfLoader, MeetingLoader, MeetingsOfLoader, MyFeedbackLoader, ParticipantLoader,
    PartnersLoader, PersonLoader, PrivateNoteLoader, RelativesLoader, TeamLoader,
    TemplateItemsLoader, TemplateLoader,
};
use crate::auth::Viewer;
use crate::domain::employment::truncate;
use crate::error::AppError;

/// What every loader needs: where to read and on whose behalf.
#[derive(Clone)]
pub struct LoaderEnv {
    pub db: DatabaseConnection,
    pub viewer: Viewer,
}

pub struct Loaders {
    pub person: DataLoader<PersonLoader>,
    pub participant: DataLoader<ParticipantLoader>,
    pub team: DataLoader<TeamLoader>,
    pub manager_of: DataLoader<ManagerOfLoader>,
    pub management_chain: DataLoader<ManagementChainLoader>,
    pub relatives: DataLoader<RelativesLoader>,
    pub meeting: DataLoader<MeetingLoader>,
    pub meetings_of: DataLoader<MeetingsOfLoader>,
    pub partners: DataLoader<PartnersLoader>,
    pub agenda: DataLoader<AgendaLoader>,
    pub action_items: DataLoader<ActionItemsLoader>,
    pub private_note: DataLoader<PrivateNoteLoader>,
    pub my_feedback: DataLoader<MyFeedbackLoader>,
    pub average_rating: DataLoader<AverageRatingLoader>,
    pub template: DataLoader<TemplateLoader>,
    pub template_items: DataLoader<TemplateItemsLoader>,
    pub carried_over: DataLoader<CarriedOverLoader>,
}

impl Loaders {
    fn new(env: &LoaderEnv, now: DateTime<Utc>) -> Self {
        let spawn = |fut| {
            tokio::spawn(fut);
        };
        Self {
            person: DataLoader::new(PersonLoader(env.clone()), spawn),
            participant: DataLoader::new(ParticipantLoader(env.clone()), spawn),
            team: DataLoader::new(TeamLoader(env.clone()), spawn),
            manager_of: DataLoader::new(ManagerOfLoader(env.clone()), spawn),
            management_chain: DataLoader::new(ManagementChainLoader(env.clone()), spawn),
            relatives: DataLoader::new(RelativesLoader(env.clone()), spawn),
            meeting: DataLoader::new(MeetingLoader(env.clone(), now), spawn),
            meetings_of: DataLoader::new(MeetingsOfLoader(env.clone(), now), spawn),
            partners: DataLoader::new(PartnersLoader(env.clone(), now), spawn),
            agenda: DataLoader::new(AgendaLoader(env.clone()), spawn),
            action_items: DataLoader::new(ActionItemsLoader(env.clone()), spawn),
            private_note: DataLoader::new(PrivateNoteLoader(env.clone()), spawn),
            my_feedback: DataLoader::new(MyFeedbackLoader(env.clone()), spawn),
            average_rating: DataLoader::new(AverageRatingLoader(env.clone()), spawn),
            template: DataLoader::new(TemplateLoader(env.clone()), spawn),
            template_items: DataLoader::new(TemplateItemsLoader(env.clone()), spawn),
            carried_over: DataLoader::new(CarriedOverLoader(env.clone()), spawn),
        }
    }
}

pub struct RequestContext {
    pub db: DatabaseConnection,
    pub viewer: Viewer,
    /// The instant this request runs at: the default `asOf`, the time of writes.
    pub now: DateTime<Utc>,
    pub loaders: Loaders,
}

impl RequestContext {
    pub fn new(db: DatabaseConnection, viewer: Viewer, now: DateTime<Utc>) -> Self {
        let env = LoaderEnv {
            db: db.clone(),
            viewer: viewer.clone(),
        };
        let now = truncate(now);
        Self {
            loaders: Loaders::new(&env, now),
            db,
            viewer,
            now,
        }
    }

    pub fn of<'a>(ctx: &Context<'a>) -> &'a RequestContext {
        ctx.data_unchecked::<RequestContext>()
    }

    /// The instant a hierarchy question is asked at: `as_of`, else now.
    pub fn as_of(&self, as_of: Option<DateTime<Utc>>) -> DateTime<Utc> {
        as_of.map_or(self.now, truncate)
    }
}

/// Loader errors are shared between the fields that awaited the same batch.
pub fn loader_error(err: Arc<AppError>) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    err.as_ref().extend()
}
