//! What a subscription may see: whether its viewer may watch meeting changes at all,
//! whether that viewer still stands when an event arrives, and which changed meetings it
//! is shown.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::meetings;
use crate::auth::{Viewer, access};
use crate::domain::employment::is_employed;
use crate::error::{AppError, AppResult};
use entity::{meeting, person};

/// Watching meeting changes needs the right to read meetings at all.
pub fn ensure_can_watch(viewer: &Viewer) -> AppResult<()> {
    access::meeting_visibility(viewer).map(|_| ())
}

/// Checks that a viewer resolved earlier still stands at `now`. A subscription resolves its
/// viewer once, when it starts, and may stream for hours: before each event it delivers,
/// the person behind it must still be employed (UNAUTHENTICATED otherwise, as for a token
/// whose `sub` is no employed person). An integration has no employment to end; its
/// token's expiry closes its socket.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn ensure_still_valid(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    now: DateTime<Utc>,
) -> AppResult<()> {
    match viewer {
        Viewer::Person { id, .. } => match person::Entity::find_by_id(*id).one(db).await? {
            Some(p) if is_employed(p.start_date, p.end_date, now) => Ok(()),
            _ => Err(AppError::unauthenticated()),
        },
        Viewer::Integration { .. } => Ok(()),
        Viewer::Anonymous => Err(AppError::unauthenticated()),
    }
}

/// A changed meeting as a subscriber sees it at `now`. The subscriber is checked again
/// first ([`ensure_still_valid`]): an error here ends the subscription, unless it is
/// UNAVAILABLE (the database could not be reached: the event is withheld, and the
/// subscriber told it may have missed events). `None`: the subscriber may not see this
/// meeting (or it is gone).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn change_seen_by(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<meeting::Model>> {
    ensure_still_valid(db, viewer, now).await?;
    ensure_can_watch(viewer)?;
    match meetings::get(db, viewer, id, now).await {
        Ok(seen) => Ok(seen),
        // An unreachable database is told: the subscriber may have missed this event.
        Err(err) if err.is_unavailable() => Err(err),
        // Anything else that fails here costs this one event, never more than it shows.
        Err(_) => Ok(None),
    }
}
