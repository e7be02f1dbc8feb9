use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::person;

use super::{LoadResult, LoaderEnv};
use crate::service;

/// People by id.
pub struct PersonLoader(pub LoaderEnv);

impl Loader<i64> for PersonLoader {
    type Value = person::Model;
    type Error = Arc<crate::error::AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, person::Model> {
        Ok(service::people::by_ids(&self.0.db, &self.0.viewer, keys).await?)
    }
}

/// People by id as meeting participants (see `service::people::participants_by_ids`).
pub struct ParticipantLoader(pub LoaderEnv);

impl Loader<i64> for ParticipantLoader {
    type Value = person::Model;
    type Error = Arc<crate::error::AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, person::Model> {
        Ok(service::people::participants_by_ids(&self.0.db, &self.0.viewer, keys).await?)
    }
}
