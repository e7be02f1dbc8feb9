use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::person;

use super::{LoadResult, LoaderEnv, group_by};
use crate::service;

/// "The manager of `person` as of `as_of`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ManagerOf {
    pub person: i64,
    pub as_of: DateTime<Utc>,
}

pub struct ManagerOfLoader(pub LoaderEnv);

impl Loader<ManagerOf> for ManagerOfLoader {
    type Value = person::Model;
    type Error = Arc<crate::error::AppError>;

    async fn load(&self, keys: &[ManagerOf]) -> LoadResult<ManagerOf, person::Model> {
        let mut out = std::collections::HashMap::new();
        for (as_of, keys) in group_by(keys, |k| k.as_of) {
            let people: Vec<i64> = keys.iter().map(|k| k.person).collect();
            let found =
                service::org::managers_of(&self.0.db, &self.0.viewer, &people, as_of).await?;
            out.extend(
                found
                    .into_iter()
                    .map(|(person, manager)| (ManagerOf { person, as_of }, manager)),
            );
        }
        Ok(out)
    }
}
