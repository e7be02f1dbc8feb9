//! DataLoaders: one per (entity, key). Each batches the keys one request asks for into a
//! single service call, so the statements a query runs depend on its shape, not on its rows.

mod check_ins;
mod management_chain;
mod manager_of;
mod meeting_content;
mod meetings_of;
mod person;
mod pulse;
mod relatives;
mod resources;
mod team;
mod training;

pub use check_ins::{CheckInsOf, CheckInsOfLoader};
pub use management_chain::{ChainOf, ManagementChainLoader};
pub use manager_of::{ManagerOf, ManagerOfLoader};
pub use meeting_content::{
    ActionItemsLoader, AgendaLoader, AverageRatingLoader, CarriedOverLoader, CarriedOverOf,
    MyFeedbackLoader, PrivateNoteLoader, TemplateItemsLoader, TemplateLoader,
};
pub use meetings_of::{MeetingLoader, MeetingsOf, MeetingsOfLoader, PartnersLoader, PartnersOf};
pub use person::{ParticipantLoader, PersonLoader};
pub use pulse::{MyPulseAnswerLoader, PulseFiguresLoader, PulseFiguresOf};
pub use relatives::{RelativesLoader, RelativesOf};
pub use resources::{MeetingResourcesLoader, MeetingResourcesOf, TemplateResourcesLoader};
pub use team::TeamLoader;
pub use training::{
    LastTrainedLoader, LastTrainedOf, TrainingAttendeesLoader, TrainingSessionLoader,
    TrainingSessionsOf, TrainingSessionsOfLoader,
};

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::DatabaseConnection;

use crate::auth::Viewer;
use crate::error::AppError;

/// What every loader needs: where to read and on whose behalf.
#[derive(Clone)]
pub struct LoaderEnv {
    pub db: DatabaseConnection,
    pub viewer: Viewer,
}

pub type LoadResult<K, V> = Result<HashMap<K, V>, Arc<AppError>>;

/// Loads one key through a per-request loader, for a resolver: the value, or `None` when the
/// loader found nothing (or the viewer may not see it).
pub async fn load<K, L>(loader: &DataLoader<L>, key: K) -> async_graphql::Result<Option<L::Value>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    L: Loader<K, Error = Arc<AppError>>,
{
    loader.load_one(key).await.map_err(loader_error)
}

/// Loader errors are shared between the fields that awaited the same batch.
pub fn loader_error(err: Arc<AppError>) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    err.as_ref().extend()
}

/// Groups keys by the part every statement shares (e.g. the `asOf` instant).
pub(crate) fn group_by<K: Clone, G: Hash + Eq>(
    keys: &[K],
    group: impl Fn(&K) -> G,
) -> HashMap<G, Vec<K>> {
    let mut groups: HashMap<G, Vec<K>> = HashMap::new();
    for key in keys {
        groups.entry(group(key)).or_default().push(key.clone());
    }
    groups
}
