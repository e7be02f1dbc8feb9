//! The learning library: org-wide resources (articles, videos, guides on holding good
//! 1:1s) that hr_admin manages and every authenticated viewer reads, the resources an
//! agenda template lists, and those a meeting shows its participants (its template's).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    FromQueryResult, QueryFilter, TransactionSession, TransactionTrait,
};

use super::agendas::Parties;
use super::sql::{Sql, begin_write, id_in_expr, page_by_name};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::meeting::TopicCategory;
use crate::domain::paging::{Page, PageOf};
use crate::domain::resource::{https_url, topics_column};
use crate::error::{AppError, AppResult};
use entity::{agenda_template_resource, learning_resource};

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 2_000;
/// The most resources one template may list.
pub const MAX_TEMPLATE_RESOURCES: usize = 20;

/// The library by title, optionally only the resources about `topic`.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    topic: Option<TopicCategory>,
    page: &Page,
) -> AppResult<PageOf<learning_resource::Model>> {
    access::ensure_can_read_learning_resources(viewer)?;
    let mut query = learning_resource::Entity::find();
    if let Some(topic) = topic {
        query = query.filter(about(topic));
    }
    page_by_name(
        db,
        query,
        (
            learning_resource::Column::Title,
            learning_resource::Column::Id,
        ),
        page,
        |r| (r.title.clone(), r.id),
    )
    .await
}

/// "The resource's topics include `topic`": one of the comma-separated names is it.
fn about(topic: TopicCategory) -> Condition {
    let name = topic.as_str();
    let topics = learning_resource::Column::Topics;
    Condition::any()
        .add(topics.eq(name))
        .add(topics.like(format!("{name},%")))
        .add(topics.like(format!("%,{name}")))
        .add(topics.like(format!("%,{name},%")))
}

/// Resources by id (for `node(id:)`).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
) -> AppResult<HashMap<i64, learning_resource::Model>> {
    access::ensure_can_read_learning_resources(viewer)?;
    let found = learning_resource::Entity::find()
        .filter(id_in_expr(
            db.get_database_backend(),
            learning_resource::Column::Id,
            ids,
        ))
        .all(db)
        .await?;
    Ok(found.into_iter().map(|r| (r.id, r)).collect())
}

/// A resource as hr_admin writes it.
#[derive(Debug, Clone)]
pub struct ResourceInput {
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    pub topics: Vec<TopicCategory>,
}

/// The checked columns: title, URL, description, topics.
struct Checked {
    title: String,
    url: String,
    description: Option<String>,
    topics: String,
}

fn check(input: &ResourceInput) -> AppResult<Checked> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE {
        return Err(AppError::bad_input(
            "input.title",
            format!("must be 1 to {MAX_TITLE} characters"),
        ));
    }
    let url = https_url(&input.url, "input.url")?;
    let description = input
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if description.is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(AppError::bad_input(
            "input.description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(Checked {
        title: title.to_string(),
        url,
        description: description.map(String::from),
        topics: topics_column(&input.topics),
    })
}

/// Adds a resource to the library (hr_admin).
#[tracing::instrument(level = "debug", skip(db, viewer, input))]
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    input: ResourceInput,
    now: DateTime<Utc>,
) -> AppResult<learning_resource::Model> {
    access::ensure_can_manage_learning_resources(viewer)?;
    let checked = check(&input)?;
    let now = truncate(now);
    let txn = begin_write(db).await?;
    let stored = learning_resource::ActiveModel {
        title: Set(checked.title),
        url: Set(checked.url),
        description: Set(checked.description),
        topics: Set(checked.topics),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(stored)
}

async fn existing(db: &impl ConnectionTrait, id: i64) -> AppResult<learning_resource::Model> {
    learning_resource::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such learning resource".into()))
}

/// Replaces a resource's title, URL, description and topics (hr_admin).
#[tracing::instrument(level = "debug", skip(db, viewer, input))]
pub async fn update<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    input: ResourceInput,
    now: DateTime<Utc>,
) -> AppResult<learning_resource::Model> {
    access::ensure_can_manage_learning_resources(viewer)?;
    let checked = check(&input)?;
    let txn = begin_write(db).await?;
    existing(&txn, id).await?;
    let stored = learning_resource::ActiveModel {
        id: Set(id),
        title: Set(checked.title),
        url: Set(checked.url),
        description: Set(checked.description),
        topics: Set(checked.topics),
        updated_at: Set(truncate(now)),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    txn.commit().await?;
    Ok(stored)
}

/// Removes a resource from the library and from every template that listed it (hr_admin).
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn delete<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    id: i64,
) -> AppResult<()> {
    access::ensure_can_manage_learning_resources(viewer)?;
    let txn = begin_write(db).await?;
    existing(&txn, id).await?;
    agenda_template_resource::Entity::delete_many()
        .filter(agenda_template_resource::Column::ResourceId.eq(id))
        .exec(&txn)
        .await?;
    learning_resource::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The resources each template lists, in its order (every asked template gets an entry).
/// For templates the viewer was already allowed to reach.
pub async fn of_templates(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    template_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<learning_resource::Model>>> {
    access::ensure_can_read_learning_resources(viewer)?;
    listed_by(db, template_ids).await
}

/// The resources each meeting shows: those of the template its agenda started from, for
/// the meetings whose agenda the viewer may read (only those get an entry; a meeting
/// without a template gets an empty list).
pub async fn of_meetings(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meetings: &[(Parties, Option<i64>)],
) -> AppResult<HashMap<i64, Vec<learning_resource::Model>>> {
    let readable: Vec<&(Parties, Option<i64>)> = meetings
        .iter()
        .filter(|(p, _)| access::can_read_meeting_resources(viewer, p.host, p.guest))
        .collect();
    let templates: Vec<i64> = readable.iter().filter_map(|(_, t)| *t).collect();
    let by_template = if templates.is_empty() {
        HashMap::new()
    } else {
        listed_by(db, &templates).await?
    };
    Ok(readable
        .iter()
        .map(|(p, t)| {
            let resources = t
                .and_then(|t| by_template.get(&t).cloned())
                .unwrap_or_default();
            (p.meeting, resources)
        })
        .collect())
}

/// One statement: the resources of each template, in template order.
async fn listed_by(
    db: &impl ConnectionTrait,
    template_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<learning_resource::Model>>> {
    let mut out: HashMap<i64, Vec<learning_resource::Model>> =
        template_ids.iter().map(|t| (*t, Vec::new())).collect();
    let mut q = Sql::new();
    let templates = q.id_in(db.get_database_backend(), "tr.template_id", template_ids);
    let sql = format!(
        "SELECT tr.template_id AS listed_by, lr.* FROM agenda_template_resource tr \
         JOIN learning_resource lr ON lr.id = tr.resource_id \
         WHERE {templates} ORDER BY tr.template_id, tr.position"
    );
    for row in q.all(db, sql).await? {
        let template: i64 = row.try_get("", "listed_by")?;
        let resource = learning_resource::Model::from_query_result(&row, "")?;
        out.entry(template).or_default().push(resource);
    }
    Ok(out)
}

/// Checks the resources a template is to list: each must exist; repeats count once, in
/// the order first given. BAD_USER_INPUT names the first unknown one.
pub(crate) async fn check_template_resources(
    db: &impl ConnectionTrait,
    ids: &[i64],
    field: &str,
) -> AppResult<Vec<i64>> {
    let mut wanted: Vec<i64> = Vec::new();
    for id in ids {
        if !wanted.contains(id) {
            wanted.push(*id);
        }
    }
    if wanted.len() > MAX_TEMPLATE_RESOURCES {
        return Err(AppError::bad_input(
            field,
            format!("at most {MAX_TEMPLATE_RESOURCES} resources"),
        ));
    }
    if wanted.is_empty() {
        return Ok(wanted);
    }
    let found: Vec<i64> = learning_resource::Entity::find()
        .filter(id_in_expr(
            db.get_database_backend(),
            learning_resource::Column::Id,
            &wanted,
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    if let Some(i) = ids.iter().position(|id| !found.contains(id)) {
        return Err(AppError::bad_input(
            format!("{field}[{i}]"),
            "is not a learning resource of the library",
        ));
    }
    Ok(wanted)
}

/// Makes `resources` (checked) the template's list, in that order.
pub(crate) async fn set_template_resources(
    txn: &impl ConnectionTrait,
    template_id: i64,
    resources: &[i64],
) -> AppResult<()> {
    agenda_template_resource::Entity::delete_many()
        .filter(agenda_template_resource::Column::TemplateId.eq(template_id))
        .exec(txn)
        .await?;
    if resources.is_empty() {
        return Ok(());
    }
    agenda_template_resource::Entity::insert_many(resources.iter().enumerate().map(|(i, id)| {
        agenda_template_resource::ActiveModel {
            template_id: Set(template_id),
            resource_id: Set(*id),
            position: Set(i as i32),
        }
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
