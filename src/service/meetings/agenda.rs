//! A meeting's agenda as its writer sets it: the template's items on creation, then the
//! given ones; and the agenda counters kept on the meeting row.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::domain::meeting::TopicCategory;
use crate::error::AppResult;
use crate::service::sql::Sql;
use entity::{agenda_item, agenda_template, agenda_template_item};

/// Sets the agenda of a meeting just written: on creation the template's items, then the
/// given ones; later, a given agenda replaces the stored one. Returns whether it changed.
pub(super) async fn set_agenda(
    txn: &impl ConnectionTrait,
    meeting_id: i64,
    created: bool,
    template: Option<&agenda_template::Model>,
    given: Option<Vec<(String, TopicCategory)>>,
    added_by: Option<i64>,
) -> AppResult<bool> {
    let mut items: Vec<(String, TopicCategory)> = Vec::new();
    if created && let Some(t) = template {
        items.extend(template_items(txn, t.id).await?);
    }
    if let Some(agenda) = given {
        items.extend(agenda);
    }
    if created || !items.is_empty() {
        return replace_agenda(txn, meeting_id, items, added_by).await;
    }
    Ok(false)
}

/// A template's items, in order.
async fn template_items(
    txn: &impl ConnectionTrait,
    template_id: i64,
) -> AppResult<Vec<(String, TopicCategory)>> {
    let items = agenda_template_item::Entity::find()
        .filter(agenda_template_item::Column::TemplateId.eq(template_id))
        .order_by_asc(agenda_template_item::Column::Position)
        .all(txn)
        .await?;
    Ok(items
        .into_iter()
        .map(|i| {
            (
                i.text,
                TopicCategory::parse(&i.category).unwrap_or(TopicCategory::Other),
            )
        })
        .collect())
}

/// Replaces a meeting's agenda when it differs; returns whether it did.
async fn replace_agenda(
    txn: &impl ConnectionTrait,
    meeting_id: i64,
    items: Vec<(String, TopicCategory)>,
    added_by: Option<i64>,
) -> AppResult<bool> {
    let current = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(meeting_id))
        .order_by_asc(agenda_item::Column::Position)
        .all(txn)
        .await?;
    let same = current.len() == items.len()
        && current
            .iter()
            .zip(&items)
            .all(|(c, (text, cat))| c.text == *text && c.category == cat.as_str());
    if same {
        return Ok(false);
    }
    agenda_item::Entity::delete_many()
        .filter(agenda_item::Column::MeetingId.eq(meeting_id))
        .exec(txn)
        .await?;
    let models: Vec<agenda_item::ActiveModel> = items
        .into_iter()
        .enumerate()
        .map(|(i, (text, category))| agenda_item::ActiveModel {
            meeting_id: Set(meeting_id),
            position: Set(i as i32),
            text: Set(text),
            category: Set(category.as_str().into()),
            added_by: Set(added_by),
            discussed: Set(false),
            ..Default::default()
        })
        .collect();
    for chunk in models.chunks(200) {
        agenda_item::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }
    refresh_agenda_counts(txn, meeting_id).await?;
    Ok(true)
}

/// Recounts a meeting's agenda items (all, and TACTICAL ones) into its row. Every write to
/// `agenda_item` calls this in the same transaction, so the counters reports sum are
/// never out of step with the items.
pub(crate) async fn refresh_agenda_counts(
    txn: &impl ConnectionTrait,
    meeting_id: i64,
) -> AppResult<()> {
    let mut q = Sql::new();
    let id = q.bind(meeting_id);
    let tactical = q.bind(TopicCategory::Tactical.as_str());
    let sql = format!(
        "UPDATE meeting SET \
           agenda_item_count = (SELECT COUNT(*) FROM agenda_item a WHERE a.meeting_id = {id}), \
           tactical_item_count = (SELECT COUNT(*) FROM agenda_item a \
             WHERE a.meeting_id = {id} AND a.category = {tactical}) \
         WHERE id = {id}"
    );
    txn.execute_raw(q.statement(txn.get_database_backend(), sql))
        .await?;
    Ok(())
}
