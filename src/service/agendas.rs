//! Agendas: org-wide and personal agenda templates, a meeting's agenda items and action
//! items, and what carries over from a pair's earlier meetings. Content is for the two
//! participants only ([`access::can_read_meeting_content`]).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};

use super::IN_CHUNK;
use super::meetings;
use super::sql::{Sql, begin_write, id_in_expr, page_by_name};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::meeting::{MeetingKind, TopicCategory};
use crate::domain::paging::{Page, PageOf};
use crate::error::{AppError, AppResult};
use entity::{action_item, agenda_item, agenda_template, agenda_template_item, meeting};

const MAX_TEXT: usize = 2_000;

fn check_text(text: &str, field: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(AppError::bad_input(
            field,
            format!("must be 1 to {MAX_TEXT} characters"),
        ));
    }
    Ok(text.to_string())
}

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

// ---- templates ----

/// Templates the viewer may use: org-wide ones and their own, by name.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list_templates(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    page: &Page,
) -> AppResult<PageOf<agenda_template::Model>> {
    access::ensure_authenticated(viewer)?;
    let mut visible = sea_orm::Condition::any().add(agenda_template::Column::OwnerId.is_null());
    if let Some(me) = viewer.person_id() {
        visible = visible.add(agenda_template::Column::OwnerId.eq(me));
    }
    page_by_name(
        db,
        agenda_template::Entity::find().filter(visible),
        (agenda_template::Column::Name, agenda_template::Column::Id),
        page,
        |t| (t.name.clone(), t.id),
    )
    .await
}

/// Templates by id that the viewer may see (org-wide or their own).
pub async fn templates_by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
) -> AppResult<HashMap<i64, agenda_template::Model>> {
    access::ensure_authenticated(viewer)?;
    let mut out = HashMap::new();
    let found = agenda_template::Entity::find()
        .filter(id_in_expr(
            db.get_database_backend(),
            agenda_template::Column::Id,
            ids,
        ))
        .all(db)
        .await?;
    out.extend(
        found
            .into_iter()
            .filter(|t| access::can_use_template(viewer, t.owner_id))
            .map(|t| (t.id, t)),
    );
    Ok(out)
}

/// The ordered items of each template.
pub async fn template_items(
    db: &impl ConnectionTrait,
    template_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<agenda_template_item::Model>>> {
    let mut out: HashMap<i64, Vec<agenda_template_item::Model>> = HashMap::new();
    let found = agenda_template_item::Entity::find()
        .filter(id_in_expr(
            db.get_database_backend(),
            agenda_template_item::Column::TemplateId,
            template_ids,
        ))
        .order_by_asc(agenda_template_item::Column::TemplateId)
        .order_by_asc(agenda_template_item::Column::Position)
        .all(db)
        .await?;
    for item in found {
        out.entry(item.template_id).or_default().push(item);
    }
    Ok(out)
}

/// A template as written by its author.
#[derive(Debug, Clone)]
pub struct TemplateInput {
    pub name: String,
    pub description: Option<String>,
    pub kind: Option<MeetingKind>,
    /// Org-wide (hr_admin only) rather than personal.
    pub org_wide: bool,
    pub items: Vec<(String, TopicCategory)>,
}

fn check_template(input: &TemplateInput) -> AppResult<(String, Vec<(String, TopicCategory)>)> {
    let name = check_text(&input.name, "input.name")?;
    if input.items.len() > 50 {
        return Err(AppError::bad_input("input.items", "at most 50 items"));
    }
    let items = input
        .items
        .iter()
        .enumerate()
        .map(|(i, (text, cat))| Ok((check_text(text, &format!("input.items[{i}].text"))?, *cat)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok((name, items))
}

async fn write_template_items(
    txn: &impl ConnectionTrait,
    template_id: i64,
    items: Vec<(String, TopicCategory)>,
) -> AppResult<()> {
    agenda_template_item::Entity::delete_many()
        .filter(agenda_template_item::Column::TemplateId.eq(template_id))
        .exec(txn)
        .await?;
    if items.is_empty() {
        return Ok(());
    }
    agenda_template_item::Entity::insert_many(items.into_iter().enumerate().map(
        |(i, (text, cat))| agenda_template_item::ActiveModel {
            template_id: Set(template_id),
            position: Set(i as i32),
            text: Set(text),
            category: Set(cat.as_str().into()),
            ..Default::default()
        },
    ))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip(db, viewer, input))]
pub async fn create_template<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    input: TemplateInput,
    now: DateTime<Utc>,
) -> AppResult<agenda_template::Model> {
    let owner = if input.org_wide {
        None
    } else {
        Some(access::ensure_person(viewer)?)
    };
    access::ensure_can_manage_template(viewer, owner)?;
    let (name, items) = check_template(&input)?;
    let now = truncate(now);
    let txn = begin_write(db).await?;
    let template = agenda_template::ActiveModel {
        name: Set(name),
        description: Set(input
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())),
        owner_id: Set(owner),
        kind: Set(input.kind.map(|k| k.as_str().into())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_template_items(&txn, template.id, items).await?;
    txn.commit().await?;
    Ok(template)
}

async fn managed_template(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<agenda_template::Model> {
    let template = templates_by_ids(db, viewer, &[id])
        .await?
        .remove(&id)
        .ok_or_else(|| AppError::NotFound("no such agenda template".into()))?;
    access::ensure_can_manage_template(viewer, template.owner_id)?;
    Ok(template)
}

/// Replaces a template's name, description, kind and items (its scope stays).
#[tracing::instrument(level = "debug", skip(db, viewer, input))]
pub async fn update_template<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    input: TemplateInput,
    now: DateTime<Utc>,
) -> AppResult<agenda_template::Model> {
    let txn = begin_write(db).await?;
    managed_template(&txn, viewer, id).await?;
    let (name, items) = check_template(&input)?;
    let template = agenda_template::ActiveModel {
        id: Set(id),
        name: Set(name),
        description: Set(input
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())),
        kind: Set(input.kind.map(|k| k.as_str().into())),
        updated_at: Set(truncate(now)),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    write_template_items(&txn, id, items).await?;
    txn.commit().await?;
    Ok(template)
}

/// Deletes a template; meetings that used it keep their agenda.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn delete_template<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    id: i64,
) -> AppResult<()> {
    let txn = begin_write(db).await?;
    managed_template(&txn, viewer, id).await?;
    agenda_template::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

// ---- agenda and action items on meetings ----

/// A meeting and its two participants: enough to decide who may read its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Parties {
    pub meeting: i64,
    pub host: i64,
    pub guest: i64,
}

impl From<&meeting::Model> for Parties {
    fn from(m: &meeting::Model) -> Self {
        Parties {
            meeting: m.id,
            host: m.host_id,
            guest: m.guest_id,
        }
    }
}

fn readable(viewer: &Viewer, meetings: &[Parties]) -> Vec<i64> {
    meetings
        .iter()
        .filter(|p| access::can_read_meeting_content(viewer, p.host, p.guest))
        .map(|p| p.meeting)
        .collect()
}

/// Agenda items of the given meetings, for those the viewer takes part in.
pub async fn agenda_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meetings: &[Parties],
) -> AppResult<HashMap<i64, Vec<agenda_item::Model>>> {
    let readable = readable(viewer, meetings);
    let mut out: HashMap<i64, Vec<agenda_item::Model>> =
        readable.iter().map(|id| (*id, Vec::new())).collect();
    let found = agenda_item::Entity::find()
        .filter(id_in_expr(
            db.get_database_backend(),
            agenda_item::Column::MeetingId,
            &readable,
        ))
        .order_by_asc(agenda_item::Column::MeetingId)
        .order_by_asc(agenda_item::Column::Position)
        .all(db)
        .await?;
    for item in found {
        out.entry(item.meeting_id).or_default().push(item);
    }
    Ok(out)
}

/// Action items of the given meetings, for those the viewer takes part in.
pub async fn action_items_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meetings: &[Parties],
) -> AppResult<HashMap<i64, Vec<action_item::Model>>> {
    let readable = readable(viewer, meetings);
    let mut out: HashMap<i64, Vec<action_item::Model>> =
        readable.iter().map(|id| (*id, Vec::new())).collect();
    let found = action_item::Entity::find()
        .filter(id_in_expr(
            db.get_database_backend(),
            action_item::Column::MeetingId,
            &readable,
        ))
        .order_by_asc(action_item::Column::MeetingId)
        .order_by_asc(action_item::Column::Id)
        .all(db)
        .await?;
    for item in found {
        out.entry(item.meeting_id).or_default().push(item);
    }
    Ok(out)
}

/// A meeting's shared notes: the participants' own, `None` for anyone else.
pub fn shared_notes<'a>(viewer: &Viewer, m: &'a meeting::Model) -> Option<&'a str> {
    access::can_read_meeting_content(viewer, m.host_id, m.guest_id)
        .then_some(m.shared_notes.as_deref())
        .flatten()
}

/// What a pair left open before each meeting: undone action items and undiscussed agenda
/// items from their earlier meetings. Only meetings the viewer takes part in get an entry.
/// Two statements for any number of meetings.
pub async fn carried_over(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meetings: &[(Parties, DateTime<Utc>)],
) -> AppResult<HashMap<i64, (Vec<action_item::Model>, Vec<agenda_item::Model>)>> {
    let readable: Vec<&(Parties, DateTime<Utc>)> = meetings
        .iter()
        .filter(|(p, _)| access::can_read_meeting_content(viewer, p.host, p.guest))
        .collect();
    let mut out: HashMap<i64, (Vec<action_item::Model>, Vec<agenda_item::Model>)> = readable
        .iter()
        .map(|(p, _)| (p.meeting, Default::default()))
        .collect();
    for chunk in readable.chunks(IN_CHUNK / 4) {
        // `earlier(target, id)`: each asked meeting and the pair's meetings before it.
        let earlier = |q: &mut Sql| -> String {
            let values: Vec<String> = chunk
                .iter()
                .map(|(p, at)| {
                    format!(
                        "({}, {}, {}, {})",
                        q.bind(p.meeting),
                        q.bind(p.host),
                        q.bind(p.guest),
                        q.bind(*at)
                    )
                })
                .collect();
            format!(
                "WITH ask(target, a, b, at) AS (VALUES {}), \
                 earlier AS (SELECT ask.target, m.id FROM ask JOIN meeting m \
                   ON ((m.host_id = ask.a AND m.guest_id = ask.b) OR (m.host_id = ask.b AND m.guest_id = ask.a)) \
                   AND m.scheduled_at < ask.at) ",
                values.join(", ")
            )
        };
        let mut q = Sql::new();
        let with = earlier(&mut q);
        let sql = format!(
            "{with}SELECT earlier.target, ai.* FROM earlier JOIN action_item ai ON ai.meeting_id = earlier.id \
             WHERE ai.done_at IS NULL ORDER BY earlier.target, ai.id"
        );
        for row in q.all(db, sql).await? {
            let target: i64 = row.try_get("", "target")?;
            let item = action_item::Model::from_query_result(&row, "")?;
            out.entry(target).or_default().0.push(item);
        }
        let mut q = Sql::new();
        let with = earlier(&mut q);
        let sql = format!(
            "{with}SELECT earlier.target, ag.* FROM earlier JOIN agenda_item ag ON ag.meeting_id = earlier.id \
             WHERE ag.discussed = {no} ORDER BY earlier.target, ag.id",
            no = q.bind(false)
        );
        for row in q.all(db, sql).await? {
            let target: i64 = row.try_get("", "target")?;
            let item = agenda_item::Model::from_query_result(&row, "")?;
            out.entry(target).or_default().1.push(item);
        }
    }
    Ok(out)
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
