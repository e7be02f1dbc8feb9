use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::person;

use super::{LoadResult, LoaderEnv, group_by};
use crate::domain::paging::{Page, PageOf};
use crate::service;
use crate::service::org::Relatives;

/// "One page of the `relatives` of `person` as of `as_of`" (reports, peers…).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RelativesOf {
    pub person: i64,
    pub relatives: Relatives,
    pub as_of: DateTime<Utc>,
    pub page: Page,
}

pub struct RelativesLoader(pub LoaderEnv);

impl Loader<RelativesOf> for RelativesLoader {
    type Value = PageOf<person::Model>;
    type Error = Arc<crate::error::AppError>;

    async fn load(&self, keys: &[RelativesOf]) -> LoadResult<RelativesOf, PageOf<person::Model>> {
        let mut out = std::collections::HashMap::new();
        for ((relatives, as_of, page), keys) in
            group_by(keys, |k| (k.relatives, k.as_of, k.page.clone()))
        {
            let people: Vec<i64> = keys.iter().map(|k| k.person).collect();
            let found = service::org::relatives_of(
                &self.0.db,
                &self.0.viewer,
                relatives,
                &people,
                as_of,
                &page,
            )
            .await?;
            out.extend(found.into_iter().map(|(person, page_of)| {
                (
                    RelativesOf {
                        person,
                        relatives,
                        as_of,
                        page: page.clone(),
                    },
                    page_of,
                )
            }));
        }
        Ok(out)
    }
}
