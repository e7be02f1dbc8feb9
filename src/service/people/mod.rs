//! People: reading them (one, many, filtered lists). The HRIS bulk upsert is in
//! [`upsert`], with its row checks in [`rows`] and its reporting-line changes in [`lines`];
//! the HRIS CSV import, which goes through the same upsert, in [`import`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select};

use super::sql::{
    Order, PERSON_COLUMNS, Sql, count, employed, id_in_expr, line_covers, person_from_row,
};
use crate::auth::{Viewer, access};
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::AppResult;
use entity::person;

mod import;
mod lines;
mod rows;
mod upsert;

pub use import::{ImportCounts, ImportOptions, PeopleImported, import_csv};
pub use rows::MAX_UPSERT_ROWS;
pub use upsert::{PersonUpsert, UpsertOutcome, upsert};

/// Whether the database holds anyone at all (not a viewer's question: for maintenance).
pub async fn any_exist(db: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    Ok(person::Entity::find().one(db).await?.is_some())
}

/// Whether every one of `ids` is a person (employed or not).
pub(crate) async fn people_exist(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<bool> {
    let found: Vec<i64> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.iter().all(|id| found.contains(id)))
}

/// A person by id, for viewers who may read the org chart.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Option<person::Model>> {
    one_in_org(db, viewer, person::Entity::find_by_id(id)).await
}

/// A person by HRIS externalId, for viewers who may read the org chart.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn by_external_id(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    external_id: &str,
) -> AppResult<Option<person::Model>> {
    let query = person::Entity::find().filter(person::Column::ExternalId.eq(external_id));
    one_in_org(db, viewer, query).await
}

/// The one person `query` finds, once the viewer may read the org chart.
async fn one_in_org(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: Select<person::Entity>,
) -> AppResult<Option<person::Model>> {
    access::ensure_can_read_org(viewer)?;
    Ok(query.one(db).await?)
}

#[tracing::instrument(level = "debug", skip(db, viewer, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
) -> AppResult<HashMap<i64, person::Model>> {
    access::ensure_can_read_org(viewer)?;
    load_by_ids(db, ids).await
}

/// People by id as meeting participants: also for integrations that may read meetings but
/// not browse the org chart.
#[tracing::instrument(level = "debug", skip(db, viewer, ids), fields(count = ids.len()))]
pub async fn participants_by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
) -> AppResult<HashMap<i64, person::Model>> {
    access::ensure_can_read_participants(viewer)?;
    load_by_ids(db, ids).await
}

async fn load_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, person::Model>> {
    let found = person::Entity::find()
        .filter(id_in_expr(
            db.get_database_backend(),
            person::Column::Id,
            ids,
        ))
        .all(db)
        .await?;
    Ok(found.into_iter().map(|p| (p.id, p)).collect())
}

/// Filters for listing people; all given conditions must hold.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Case-insensitive substring of the name.
    pub name_contains: Option<String>,
    pub team_id: Option<i64>,
    /// Direct reports of this manager as of `now`.
    pub manager_id: Option<i64>,
    /// Employed (true) or not employed (false) as of `now`.
    pub active: Option<bool>,
}

/// People matching `filter`, ordered by name (then id): one keyset page, read from the
/// `(name, id)` index, and the count when the page asks for it.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &PersonFilter,
    page: &Page,
    now: DateTime<Utc>,
) -> AppResult<PageOf<person::Model>> {
    access::ensure_can_read_org(viewer)?;
    let after = page.after_key::<(String, i64)>()?;
    let rows = if page.rows {
        let mut q = Sql::new();
        let mut conditions = filter.conditions(&mut q, now);
        if let Some((name, id)) = after {
            conditions.push(q.after(
                &[("p.name", Order::Asc), ("p.id", Order::Asc)],
                vec![name.into(), id.into()],
            ));
        }
        let limit = q.bind(page.fetch() as i64);
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p WHERE {where_} \
             ORDER BY p.name, p.id LIMIT {limit}",
            where_ = conditions.join(" AND "),
        );
        q.all(db, sql)
            .await?
            .iter()
            .map(|row| {
                let p = person_from_row(row)?;
                let cursor = Cursor::of(&(&p.name, p.id));
                Ok((p, cursor))
            })
            .collect::<AppResult<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let total = if page.total {
        let mut q = Sql::new();
        let where_ = filter.conditions(&mut q, now).join(" AND ");
        let sql = format!("SELECT COUNT(*) AS total FROM person p WHERE {where_}");
        Some(count(q.all(db, sql).await?)?)
    } else {
        None
    };
    Ok(PageOf::from_rows(page, rows, total))
}

impl PersonFilter {
    /// The filter as conditions on `person p` (at least one, so they can be joined).
    fn conditions(&self, q: &mut Sql, now: DateTime<Utc>) -> Vec<String> {
        let mut conditions = vec!["1 = 1".to_string()];
        if let Some(s) = self.name_contains.as_deref().filter(|s| !s.is_empty()) {
            let escaped = s
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = q.bind(format!("%{escaped}%"));
            conditions.push(format!("LOWER(p.name) LIKE {pattern} ESCAPE '\\'"));
        }
        if let Some(team) = self.team_id {
            conditions.push(format!("p.team_id = {}", q.bind(team)));
        }
        if let Some(manager) = self.manager_id {
            let m = q.bind(manager);
            let at = q.bind(now);
            conditions.push(format!(
                "p.id IN (SELECT rl.person_id FROM reporting_line rl WHERE rl.manager_id = {m} AND {})",
                line_covers("rl", &at)
            ));
        }
        if let Some(active) = self.active {
            let day = q.bind(now.date_naive());
            let cond = employed(&day);
            conditions.push(if active {
                cond
            } else {
                format!("NOT ({cond})")
            });
        }
        conditions
    }
}
