//! Loaders for a pulse round's relations: the viewer's own answer, and frozen figures.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::{DateTime, Utc};
use entity::pulse_answer;

use super::{LoadResult, LoaderEnv, group_by};
use crate::error::AppError;
use crate::service::pulse::{self, FiguresOutcome, Scope};

/// The viewer's own answer, by round id (nobody else's is ever loaded).
pub struct MyPulseAnswerLoader(pub LoaderEnv);

impl Loader<i64> for MyPulseAnswerLoader {
    type Value = pulse_answer::Model;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i64]) -> LoadResult<i64, pulse_answer::Model> {
        Ok(pulse::my_answers(&self.0.db, &self.0.viewer, keys).await?)
    }
}

/// "The frozen figures of `manager` (or their subtree) in `round`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PulseFiguresOf {
    pub scope: Scope,
    pub round: i64,
    pub manager: i64,
}

/// Frozen figures, each with its own access verdict, so that one manager the viewer may
/// not see does not fail the others of the batch.
pub struct PulseFiguresLoader(pub LoaderEnv, pub DateTime<Utc>);

impl Loader<PulseFiguresOf> for PulseFiguresLoader {
    type Value = FiguresOutcome;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[PulseFiguresOf]) -> LoadResult<PulseFiguresOf, FiguresOutcome> {
        let mut out = HashMap::new();
        for (scope, keys) in group_by(keys, |k| k.scope) {
            let asks: Vec<(i64, i64)> = keys.iter().map(|k| (k.round, k.manager)).collect();
            let found = pulse::figures(&self.0.db, &self.0.viewer, scope, &asks, self.1).await?;
            out.extend(found.into_iter().map(|((round, manager), v)| {
                (
                    PulseFiguresOf {
                        scope,
                        round,
                        manager,
                    },
                    v,
                )
            }));
        }
        Ok(out)
    }
}
