use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::meeting;

use super::{LoadResult, LoaderEnv, group_by};
use crate::domain::paging::{Page, PageOf};
use crate::error::AppError;
use crate::service::meetings::{self, MeetingFilter, MeetsWithFilter, Partner};

/// Meetings the viewer may see, by id.
pub struct MeetingLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<i64> for MeetingLoader {
    type Value = meeting::Model;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, meeting::Model> {
        Ok(meetings::by_ids(&self.0.db, &self.0.viewer, keys, self.1).await?)
    }
}

/// "One page of `person`'s meetings matching `filter`".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MeetingsOf {
    pub person: i64,
    pub filter: MeetingFilter,
    pub page: Page,
}

pub struct MeetingsOfLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<MeetingsOf> for MeetingsOfLoader {
    type Value = PageOf<meeting::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[MeetingsOf]) -> LoadResult<MeetingsOf, PageOf<meeting::Model>> {
        let mut out = std::collections::HashMap::new();
        for ((filter, page), keys) in group_by(keys, |k| (k.filter.clone(), k.page.clone())) {
            let people: Vec<i64> = keys.iter().map(|k| k.person).collect();
            let found =
                meetings::of_people(&self.0.db, &self.0.viewer, &people, &filter, &page, self.1)
                    .await?;
            out.extend(found.into_iter().map(|(person, p)| {
                (
                    MeetingsOf {
                        person,
                        filter: filter.clone(),
                        page: page.clone(),
                    },
                    p,
                )
            }));
        }
        Ok(out)
    }
}

/// "One page of the people `person` met, with how often".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartnersOf {
    pub person: i64,
    pub filter: MeetsWithFilter,
    pub page: Page,
}

pub struct PartnersLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<PartnersOf> for PartnersLoader {
    type Value = PageOf<Partner>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[PartnersOf]) -> LoadResult<PartnersOf, PageOf<Partner>> {
        let mut out = std::collections::HashMap::new();
        for ((filter, page), keys) in group_by(keys, |k| (k.filter, k.page.clone())) {
            let people: Vec<i64> = keys.iter().map(|k| k.person).collect();
            let found =
                meetings::meets_with(&self.0.db, &self.0.viewer, &people, filter, &page, self.1)
                    .await?;
            out.extend(found.into_iter().map(|(person, p)| {
                (
                    PartnersOf {
                        person,
                        filter,
                        page: page.clone(),
                    },
                    p,
                )
            }));
        }
        Ok(out)
    }
}
