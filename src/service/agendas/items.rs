//! Changes to a meeting's agenda items and action items, by its two participants.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait,
};

use super::check_text;
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::meeting::TopicCategory;
use crate::error::{AppError, AppResult};
use crate::service::meetings;
use crate::service::sql::begin_write;
use entity::{action_item, agenda_item, meeting};

/// A visible meeting the viewer takes part in, for content changes.
async fn participant_meeting(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting_id: i64,
    now: DateTime<Utc>,
) -> AppResult<(meeting::Model, i64)> {
    let m = meetings::get(db, viewer, meeting_id, now)
        .await?
        .ok_or_else(|| AppError::NotFound("no such meeting".into()))?;
    let me = access::ensure_participant(viewer, m.host_id, m.guest_id)?;
    Ok((m, me))
}

#[tracing::instrument(level = "debug", skip(db, viewer, text))]
pub async fn add_agenda_item<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    meeting_id: i64,
    text: &str,
    category: TopicCategory,
    now: DateTime<Utc>,
) -> AppResult<agenda_item::Model> {
    let txn = begin_write(db).await?;
    let (m, me) = participant_meeting(&txn, viewer, meeting_id, now).await?;
    let text = check_text(text, "input.text")?;
    let last = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(m.id))
        .order_by_desc(agenda_item::Column::Position)
        .one(&txn)
        .await?;
    let item = agenda_item::ActiveModel {
        meeting_id: Set(m.id),
        position: Set(last.map_or(0, |l| l.position + 1)),
        text: Set(text),
        category: Set(category.as_str().into()),
        added_by: Set(Some(me)),
        discussed: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    meetings::refresh_agenda_counts(&txn, m.id).await?;
    txn.commit().await?;
    Ok(item)
}

async fn participant_agenda_item(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    item_id: i64,
    now: DateTime<Utc>,
) -> AppResult<agenda_item::Model> {
    access::ensure_authenticated(viewer)?;
    let item = agenda_item::Entity::find_by_id(item_id).one(db).await?;
    let meeting = item.as_ref().map(|i| i.meeting_id);
    hide_from_outsiders(db, viewer, meeting, now, "no such agenda item").await?;
    item.ok_or_else(|| AppError::NotFound("no such agenda item".into()))
}

/// Someone outside the pair learns nothing about an item, not even that it exists: every
/// refusal reads exactly like an unknown id.
async fn hide_from_outsiders(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting: Option<i64>,
    now: DateTime<Utc>,
    not_found: &str,
) -> AppResult<()> {
    let Some(meeting) = meeting else {
        return Err(AppError::NotFound(not_found.into()));
    };
    participant_meeting(db, viewer, meeting, now)
        .await
        .map(|_| ())
        .map_err(|e| match e {
            AppError::Forbidden(_) | AppError::NotFound(_) => AppError::NotFound(not_found.into()),
            other => other,
        })
}

#[tracing::instrument(level = "debug", skip(db, viewer, text))]
pub async fn update_agenda_item<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    item_id: i64,
    text: Option<&str>,
    category: Option<TopicCategory>,
    discussed: Option<bool>,
    now: DateTime<Utc>,
) -> AppResult<agenda_item::Model> {
    let txn = begin_write(db).await?;
    let item = participant_agenda_item(&txn, viewer, item_id, now).await?;
    let mut model: agenda_item::ActiveModel = item.into();
    if let Some(text) = text {
        model.text = Set(check_text(text, "input.text")?);
    }
    if let Some(category) = category {
        model.category = Set(category.as_str().into());
    }
    if let Some(discussed) = discussed {
        model.discussed = Set(discussed);
    }
    let item = model.update(&txn).await?;
    if category.is_some() {
        meetings::refresh_agenda_counts(&txn, item.meeting_id).await?;
    }
    txn.commit().await?;
    Ok(item)
}

/// Removes an agenda item; the items after it move up, so positions stay zero-based places.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn remove_agenda_item<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    item_id: i64,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let txn = begin_write(db).await?;
    let item = participant_agenda_item(&txn, viewer, item_id, now).await?;
    agenda_item::Entity::delete_by_id(item.id)
        .exec(&txn)
        .await?;
    agenda_item::Entity::update_many()
        .col_expr(
            agenda_item::Column::Position,
            Expr::col(agenda_item::Column::Position).sub(1),
        )
        .filter(agenda_item::Column::MeetingId.eq(item.meeting_id))
        .filter(agenda_item::Column::Position.gt(item.position))
        .exec(&txn)
        .await?;
    meetings::refresh_agenda_counts(&txn, item.meeting_id).await?;
    txn.commit().await?;
    Ok(item.meeting_id)
}

/// Puts a meeting's agenda in the given order; the ids must be exactly its items.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn reorder_agenda<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    meeting_id: i64,
    order: &[i64],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = begin_write(db).await?;
    let (m, _) = participant_meeting(&txn, viewer, meeting_id, now).await?;
    let items = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(m.id))
        .all(&txn)
        .await?;
    let mut expected: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut given = order.to_vec();
    expected.sort_unstable();
    given.sort_unstable();
    if expected != given {
        return Err(AppError::bad_input(
            "input.itemIds",
            "must list every agenda item of the meeting exactly once",
        ));
    }
    for (position, id) in order.iter().enumerate() {
        agenda_item::ActiveModel {
            id: Set(*id),
            position: Set(position as i32),
            ..Default::default()
        }
        .update(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip(db, viewer, text))]
pub async fn add_action_item(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meeting_id: i64,
    owner_id: Option<i64>,
    text: &str,
    due_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> AppResult<action_item::Model> {
    let (m, me) = participant_meeting(db, viewer, meeting_id, now).await?;
    let owner = owner_id.unwrap_or(me);
    if owner != m.host_id && owner != m.guest_id {
        return Err(AppError::bad_input(
            "input.ownerId",
            "must be one of the two participants",
        ));
    }
    let text = check_text(text, "input.text")?;
    Ok(action_item::ActiveModel {
        meeting_id: Set(m.id),
        owner_id: Set(owner),
        text: Set(text),
        due_on: Set(due_on),
        done_at: Set(None),
        created_at: Set(truncate(now)),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Marks an action item done (`done = true`) or open again.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn set_action_item_done(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    item_id: i64,
    done: bool,
    now: DateTime<Utc>,
) -> AppResult<action_item::Model> {
    access::ensure_authenticated(viewer)?;
    let item = action_item::Entity::find_by_id(item_id).one(db).await?;
    let meeting = item.as_ref().map(|i| i.meeting_id);
    hide_from_outsiders(db, viewer, meeting, now, "no such action item").await?;
    let item = item.ok_or_else(|| AppError::NotFound("no such action item".into()))?;
    let mut model: action_item::ActiveModel = item.into();
    model.done_at = Set(done.then(|| truncate(now)));
    Ok(model.update(db).await?)
}
