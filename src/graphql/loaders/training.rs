use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::{training_attendee, training_session};

use super::{LoadResult, LoaderEnv, group_by};
use crate::domain::paging::{Page, PageOf};
use crate::error::AppError;
use crate::service::training;

/// Training sessions the viewer may see something of, by id.
pub struct TrainingSessionLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<i64> for TrainingSessionLoader {
    type Value = training_session::Model;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, training_session::Model> {
        Ok(training::by_ids(&self.0.db, &self.0.viewer, keys, self.1).await?)
    }
}

/// The attendees of a session the viewer may see, by session id.
pub struct TrainingAttendeesLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<i64> for TrainingAttendeesLoader {
    type Value = Vec<training_attendee::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, Vec<training_attendee::Model>> {
        Ok(training::attendees_of(&self.0.db, &self.0.viewer, keys, self.1).await?)
    }
}

/// "One page of `person`'s training sessions".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrainingSessionsOf {
    pub person: i64,
    pub page: Page,
}

pub struct TrainingSessionsOfLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<TrainingSessionsOf> for TrainingSessionsOfLoader {
    type Value = PageOf<training_session::Model>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[TrainingSessionsOf],
    ) -> LoadResult<TrainingSessionsOf, PageOf<training_session::Model>> {
        let mut out = HashMap::new();
        for (page, keys) in group_by(keys, |k| k.page.clone()) {
            let people: Vec<i64> = keys.iter().map(|k| k.person).collect();
            let found =
                training::of_people(&self.0.db, &self.0.viewer, &people, &page, self.1).await?;
            out.extend(found.into_iter().map(|(person, p)| {
                (
                    TrainingSessionsOf {
                        person,
                        page: page.clone(),
                    },
                    p,
                )
            }));
        }
        Ok(out)
    }
}

/// "When did `person` last attend a training session, as of `as_of`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LastTrainedOf {
    pub person: i64,
    pub as_of: DateTime<Utc>,
}

pub struct LastTrainedLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<LastTrainedOf> for LastTrainedLoader {
    type Value = DateTime<Utc>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[LastTrainedOf]) -> LoadResult<LastTrainedOf, DateTime<Utc>> {
        let mut out = HashMap::new();
        for (as_of, keys) in group_by(keys, |k| k.as_of) {
            let mut people: Vec<i64> = keys.iter().map(|k| k.person).collect();
            // Sorted, so that the same report reads with the same statement.
            people.sort_unstable();
            let found =
                training::last_trained(&self.0.db, &self.0.viewer, &people, as_of, self.1).await?;
            out.extend(
                found
                    .into_iter()
                    .map(|(person, at)| (LastTrainedOf { person, as_of }, at)),
            );
        }
        Ok(out)
    }
}
