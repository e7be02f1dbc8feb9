//! Loaders for the learning resources templates list and meetings show.

use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::learning_resource;

use super::{LoadResult, LoaderEnv};
use crate::error::AppError;
use crate::service::agendas::Parties;
use crate::service::resources;

/// The resources a template lists, in order, by template id.
pub struct TemplateResourcesLoader(pub LoaderEnv);

impl Loader<i64> for TemplateResourcesLoader {
    type Value = Vec<learning_resource::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, Vec<learning_resource::Model>> {
        Ok(resources::of_templates(&self.0.db, &self.0.viewer, keys).await?)
    }
}

/// "The resources this meeting shows": its parties (who may read them) and the template
/// its agenda started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeetingResourcesOf {
    pub parties: Parties,
    pub template: Option<i64>,
}

/// A meeting's resources, when the viewer may read its agenda.
pub struct MeetingResourcesLoader(pub LoaderEnv);

impl Loader<MeetingResourcesOf> for MeetingResourcesLoader {
    type Value = Vec<learning_resource::Model>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[MeetingResourcesOf],
    ) -> LoadResult<MeetingResourcesOf, Vec<learning_resource::Model>> {
        let asks: Vec<_> = keys.iter().map(|k| (k.parties, k.template)).collect();
        let mut found = resources::of_meetings(&self.0.db, &self.0.viewer, &asks).await?;
        Ok(keys
            .iter()
            .filter_map(|k| found.remove(&k.parties.meeting).map(|v| (*k, v)))
            .collect())
    }
}
