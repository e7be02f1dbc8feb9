use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::check_in;

use super::{LoadResult, LoaderEnv, group_by};
use crate::domain::paging::{Page, PageOf};
use crate::error::AppError;
use crate::service::check_ins;

/// "One page of the check-ins about `manager`" that the viewer may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckInsOf {
    pub manager: i64,
    pub page: Page,
}

pub struct CheckInsOfLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<CheckInsOf> for CheckInsOfLoader {
    type Value = PageOf<check_in::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[CheckInsOf]) -> LoadResult<CheckInsOf, PageOf<check_in::Model>> {
        let mut out = std::collections::HashMap::new();
        for (page, keys) in group_by(keys, |k| k.page.clone()) {
            let managers: Vec<i64> = keys.iter().map(|k| k.manager).collect();
            let found =
                check_ins::of_managers(&self.0.db, &self.0.viewer, &managers, &page, self.1)
                    .await?;
            out.extend(found.into_iter().map(|(manager, p)| {
                (
                    CheckInsOf {
                        manager,
                        page: page.clone(),
                    },
                    p,
                )
            }));
        }
        Ok(out)
    }
}
