use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::team;

use super::{LoadResult, LoaderEnv};
use crate::service;

/// Teams by id.
pub struct TeamLoader(pub LoaderEnv);

impl Loader<i64> for TeamLoader {
    type Value = team::Model;
    type Error = Arc<crate::error::AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, team::Model> {
        Ok(service::teams::by_ids(&self.0.db, &self.0.viewer, keys).await?)
    }
}
