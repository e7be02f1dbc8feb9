//! Loaders for what hangs off a meeting: agenda, action items, the viewer's private note and
//! rating, averages, templates and their items. Content loaders take [`Parties`] so the
//! service can decide, per meeting, whether the viewer may read it.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{action_item, agenda_item, agenda_template, agenda_template_item, meeting_feedback};

use super::{LoadResult, LoaderEnv};
use crate::error::AppError;
use crate::service::agendas::{self, Parties};
use crate::service::feedback;

/// Hands each key what was found for its meeting; a meeting with nothing found is absent.
fn per_meeting<T>(keys: &[Parties], mut found: HashMap<i64, T>) -> HashMap<Parties, T> {
    keys.iter()
        .filter_map(|k| found.remove(&k.meeting).map(|v| (*k, v)))
        .collect()
}

/// A meeting's agenda items, when the viewer may read its content.
pub struct AgendaLoader(pub LoaderEnv);

impl Loader<Parties> for AgendaLoader {
    type Value = Vec<agenda_item::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Parties]) -> LoadResult<Parties, Vec<agenda_item::Model>> {
        let found = agendas::agenda_of(&self.0.db, &self.0.viewer, keys).await?;
        Ok(per_meeting(keys, found))
    }
}

/// A meeting's action items, when the viewer may read its content.
pub struct ActionItemsLoader(pub LoaderEnv);

impl Loader<Parties> for ActionItemsLoader {
    type Value = Vec<action_item::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Parties]) -> LoadResult<Parties, Vec<action_item::Model>> {
        let found = agendas::action_items_of(&self.0.db, &self.0.viewer, keys).await?;
        Ok(per_meeting(keys, found))
    }
}

/// The viewer's own private note, by meeting id.
pub struct PrivateNoteLoader(pub LoaderEnv);

impl Loader<i64> for PrivateNoteLoader {
    type Value = String;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, String> {
        Ok(feedback::my_notes(&self.0.db, &self.0.viewer, keys).await?)
    }
}

/// The viewer's own rating, by meeting id.
pub struct MyFeedbackLoader(pub LoaderEnv);

impl Loader<i64> for MyFeedbackLoader {
    type Value = meeting_feedback::Model;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, meeting_feedback::Model> {
        Ok(feedback::my_feedback(&self.0.db, &self.0.viewer, keys).await?)
    }
}

/// Average rating (over enough ratings), by meeting id.
pub struct AverageRatingLoader(pub LoaderEnv);

impl Loader<i64> for AverageRatingLoader {
    type Value = f64;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, f64> {
        Ok(feedback::average_ratings(&self.0.db, keys).await?)
    }
}

/// Agenda templates the viewer may see, by id.
pub struct TemplateLoader(pub LoaderEnv);

impl Loader<i64> for TemplateLoader {
    type Value = agenda_template::Model;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, agenda_template::Model> {
        Ok(agendas::templates_by_ids(&self.0.db, &self.0.viewer, keys).await?)
    }
}

/// A template's ordered items, by template id.
pub struct TemplateItemsLoader(pub LoaderEnv);

impl Loader<i64> for TemplateItemsLoader {
    type Value = Vec<agenda_template_item::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, Vec<agenda_template_item::Model>> {
        let found: HashMap<_, _> = agendas::template_items(&self.0.db, keys).await?;
        Ok(found)
    }
}

/// "What the pair left open before this meeting".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CarriedOverOf {
    pub parties: Parties,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub struct CarriedOverLoader(pub LoaderEnv);

impl Loader<CarriedOverOf> for CarriedOverLoader {
    type Value = (Vec<action_item::Model>, Vec<agenda_item::Model>);
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[CarriedOverOf]) -> LoadResult<CarriedOverOf, Self::Value> {
        let asks: Vec<_> = keys.iter().map(|k| (k.parties, k.at)).collect();
        let mut found = agendas::carried_over(&self.0.db, &self.0.viewer, &asks).await?;
        Ok(keys
            .iter()
            .filter_map(|k| found.remove(&k.parties.meeting).map(|v| (*k, v)))
            .collect())
    }
}
