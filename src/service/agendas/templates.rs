//! Agenda templates: org-wide ones and each person's own.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait,
};

use super::check_text;
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::meeting::{MeetingKind, TopicCategory};
use crate::domain::paging::{Page, PageOf};
use crate::error::{AppError, AppResult};
use crate::service::resources::{check_template_resources, set_template_resources};
use crate::service::sql::{begin_write, id_in_expr, page_by_name};
use entity::{agenda_template, agenda_template_item};

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
    /// The learning resources the template lists, in order; `None`: none on creation,
    /// unchanged on an update.
    pub resources: Option<Vec<i64>>,
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

/// Sets the resources a template lists, when given; each must be in the library.
async fn write_template_resources(
    txn: &impl ConnectionTrait,
    template_id: i64,
    resources: Option<&[i64]>,
) -> AppResult<()> {
    let Some(resources) = resources else {
        return Ok(());
    };
    let resources = check_template_resources(txn, resources, "input.resourceIds").await?;
    set_template_resources(txn, template_id, &resources).await
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
    write_template_resources(&txn, template.id, input.resources.as_deref()).await?;
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
    write_template_resources(&txn, id, input.resources.as_deref()).await?;
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
