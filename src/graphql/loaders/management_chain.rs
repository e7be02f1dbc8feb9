use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::person;

use super::{LoadResult, LoaderEnv, group_by};
use crate::service;

/// "The managers above `person` as of `as_of`, nearest first".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainOf {
    pub person: i64,
    pub as_of: DateTime<Utc>,
}

pub struct ManagementChainLoader(pub LoaderEnv);

impl Loader<ChainOf> for ManagementChainLoader {
    type Value = Vec<person::Model>;
    type Error = Arc<crate::error::AppError>;

    async fn load(&self, keys: &[ChainOf]) -> LoadResult<ChainOf, Vec<person::Model>> {
        let mut out = std::collections::HashMap::new();
        for (as_of, keys) in group_by(keys, |k| k.as_of) {
            let people: Vec<i64> = keys.iter().map(|k| k.person).collect();
            let found = service::org::chains_of(&self.0.db, &self.0.viewer, &people, as_of).await?;
            out.extend(
                found
                    .into_iter()
                    .map(|(person, chain)| (ChainOf { person, as_of }, chain)),
            );
        }
        Ok(out)
    }
}
