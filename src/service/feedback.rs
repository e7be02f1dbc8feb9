//! Private notes (each visible to its author alone) and meeting ratings (an individual
//! rating to its rater alone; averages only over enough ratings to keep raters anonymous).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::meetings;
use super::sql::{Sql, id_in_expr};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::meeting::{MIN_RATINGS_FOR_AVERAGE, MeetingStatus, Rating};
use crate::error::{AppError, AppResult};
use entity::{meeting, meeting_feedback, private_note};

/// The viewer's own private notes on the given meetings.
pub async fn my_notes(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting_ids: &[i64],
) -> AppResult<HashMap<i64, String>> {
    let found = mine::<private_note::Entity>(
        db,
        viewer,
        meeting_ids,
        (
            private_note::Column::MeetingId,
            private_note::Column::AuthorId,
        ),
    )
    .await?;
    Ok(found.into_iter().map(|n| (n.meeting_id, n.text)).collect())
}

/// The viewer's own ratings of the given meetings.
pub async fn my_feedback(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting_ids: &[i64],
) -> AppResult<HashMap<i64, meeting_feedback::Model>> {
    let found = mine::<meeting_feedback::Entity>(
        db,
        viewer,
        meeting_ids,
        (
            meeting_feedback::Column::MeetingId,
            meeting_feedback::Column::RaterId,
        ),
    )
    .await?;
    Ok(found.into_iter().map(|f| (f.meeting_id, f)).collect())
}

/// The rows of `E` on the given meetings written by the viewer: `columns` are the meeting
/// and the author columns. None for a viewer who is no person.
async fn mine<E: EntityTrait>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting_ids: &[i64],
    (meeting, author): (E::Column, E::Column),
) -> AppResult<Vec<E::Model>> {
    let Some(me) = viewer.person_id() else {
        return Ok(Vec::new());
    };
    Ok(E::find()
        .filter(id_in_expr(db.get_database_backend(), meeting, meeting_ids))
        .filter(author.eq(me))
        .all(db)
        .await?)
}

/// Average rating of each meeting that has at least the minimum number of ratings.
pub async fn average_ratings(
    db: &impl ConnectionTrait,
    meeting_ids: &[i64],
) -> AppResult<HashMap<i64, f64>> {
    let mut out = HashMap::new();
    let mut q = Sql::new();
    let wanted = q.id_in(db.get_database_backend(), "meeting_id", meeting_ids);
    let min = q.bind(MIN_RATINGS_FOR_AVERAGE);
    let sql = format!(
        "SELECT meeting_id, CAST(SUM(rating) AS DOUBLE PRECISION) / COUNT(*) AS average \
         FROM meeting_feedback WHERE {wanted} \
         GROUP BY meeting_id HAVING COUNT(*) >= {min}"
    );
    for row in q.all(db, sql).await? {
        out.insert(row.try_get("", "meeting_id")?, row.try_get("", "average")?);
    }
    Ok(out)
}

/// Sets (or, with empty text, removes) the viewer's private note on a meeting they attend.
#[tracing::instrument(level = "debug", skip(db, viewer, text))]
pub async fn set_private_note(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> AppResult<meeting::Model> {
    let m = meetings::get(db, viewer, meeting_id, now)
        .await?
        .ok_or_else(|| AppError::NotFound("no such meeting".into()))?;
    let me = access::ensure_participant(viewer, m.host_id, m.guest_id)?;
    let text = text.trim();
    if text.chars().count() > 20_000 {
        return Err(AppError::bad_input(
            "input.text",
            "at most 20,000 characters",
        ));
    }
    let existing = private_note::Entity::find()
        .filter(private_note::Column::MeetingId.eq(m.id))
        .filter(private_note::Column::AuthorId.eq(me))
        .one(db)
        .await?;
    match (existing, text.is_empty()) {
        (Some(note), true) => {
            private_note::Entity::delete_by_id(note.id).exec(db).await?;
        }
        (Some(note), false) => {
            let mut model: private_note::ActiveModel = note.into();
            model.text = Set(text.into());
            model.updated_at = Set(truncate(now));
            model.update(db).await?;
        }
        (None, false) => {
            private_note::ActiveModel {
                meeting_id: Set(m.id),
                author_id: Set(me),
                text: Set(text.into()),
                updated_at: Set(truncate(now)),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        (None, true) => {}
    }
    Ok(m)
}

/// Rates a HELD meeting as one of its participants; rating again replaces the rating.
#[tracing::instrument(level = "debug", skip(db, viewer, comment))]
pub async fn rate(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting_id: i64,
    rating: Rating,
    comment: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<meeting::Model> {
    let m = meetings::get(db, viewer, meeting_id, now)
        .await?
        .ok_or_else(|| AppError::NotFound("no such meeting".into()))?;
    let me = access::ensure_participant(viewer, m.host_id, m.guest_id)?;
    if m.status != MeetingStatus::Held.as_str() {
        return Err(AppError::bad_input(
            "input.meetingId",
            "only HELD meetings can be rated",
        ));
    }

    let comment = comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let existing = meeting_feedback::Entity::find()
        .filter(meeting_feedback::Column::MeetingId.eq(m.id))
        .filter(meeting_feedback::Column::RaterId.eq(me))
        .one(db)
        .await?;
    match existing {
        Some(f) => {
            let mut model: meeting_feedback::ActiveModel = f.into();
            model.rating = Set(rating.value());
            model.comment = Set(comment);
            model.updated_at = Set(truncate(now));
            model.update(db).await?;
        }
        None => {
            meeting_feedback::ActiveModel {
                meeting_id: Set(m.id),
                rater_id: Set(me),
                rating: Set(rating.value()),
                comment: Set(comment),
                updated_at: Set(truncate(now)),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(AppError::from_db)?;
        }
    }
    Ok(m)
}
