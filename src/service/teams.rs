//! Teams: reading them and the HRIS bulk upsert of the team tree.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};

use super::sql::{begin_org_write, id_in_expr, page_by_name};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::paging::{Page, PageOf};
use crate::error::{AppError, AppResult, InputProblem};
use entity::team;

#[tracing::instrument(level = "debug", skip(db, viewer, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
) -> AppResult<HashMap<i64, team::Model>> {
    access::ensure_can_read_org(viewer)?;
    let found = team::Entity::find()
        .filter(id_in_expr(db.get_database_backend(), team::Column::Id, ids))
        .all(db)
        .await?;
    Ok(found.into_iter().map(|t| (t.id, t)).collect())
}

#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Option<team::Model>> {
    access::ensure_can_read_org(viewer)?;
    Ok(team::Entity::find_by_id(id).one(db).await?)
}

/// All teams, ordered by name (then id): one keyset page, and the count when asked.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    page: &Page,
) -> AppResult<PageOf<team::Model>> {
    access::ensure_can_read_org(viewer)?;
    page_by_name(
        db,
        team::Entity::find(),
        (team::Column::Name, team::Column::Id),
        page,
        |t| (t.name.clone(), t.id),
    )
    .await
}

/// One row of a team upsert.
#[derive(Debug, Clone)]
pub struct TeamUpsert {
    pub external_id: String,
    pub name: String,
    pub parent_external_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TeamUpsertOutcome {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub teams: Vec<team::Model>,
}

/// Creates or updates teams by externalId in one transaction; a parent may be anywhere in
/// the batch. Rejects duplicates, unknown parents and cycles, writing nothing.
#[tracing::instrument(level = "debug", skip(db, viewer, rows), fields(rows = rows.len()))]
pub async fn upsert<C>(
    db: &C,
    viewer: &Viewer,
    rows: Vec<TeamUpsert>,
    now: DateTime<Utc>,
) -> AppResult<TeamUpsertOutcome>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_write_org(viewer)?;
    let now = truncate(now);
    let rows = normalized(rows)?;
    let txn = begin_org_write(db).await?;
    // Teams are few: the whole tree fits in memory, which makes the cycle check simple.
    let all = team::Entity::find().all(&txn).await?;
    let mut by_ext: HashMap<String, team::Model> = all
        .into_iter()
        .map(|t| (t.external_id.clone(), t))
        .collect();
    let mut problems = unknown_parents(&rows, &by_ext);
    problems.extend(cycles(&rows, &by_ext));
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    let mut changes = write_names(&txn, &rows, &mut by_ext, now).await?;
    write_parents(&txn, &rows, &mut by_ext, &mut changes, now).await?;
    txn.commit().await?;
    let mut outcome = TeamUpsertOutcome::default();
    for (r, change) in rows.iter().zip(changes) {
        match change {
            Change::Created => outcome.created += 1,
            Change::Updated => outcome.updated += 1,
            Change::Unchanged => outcome.unchanged += 1,
        }
        outcome.teams.push(by_ext[&r.external_id].clone());
    }
    Ok(outcome)
}

/// What an upsert did to one team of the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Unchanged,
    Created,
    Updated,
}

/// A problem with field `field` of the batch's row `i`.
fn problem(i: usize, field: &str, message: String) -> InputProblem {
    InputProblem {
        field: format!("input.teams[{i}].{field}"),
        message,
    }
}

/// The rows trimmed (an empty parent is none), or every problem with their ids and names:
/// empty or too long, or an externalId twice in the batch.
fn normalized(rows: Vec<TeamUpsert>) -> AppResult<Vec<TeamUpsert>> {
    let mut problems = Vec::new();
    let mut seen = HashMap::new();
    let rows: Vec<TeamUpsert> = rows
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.external_id = r.external_id.trim().to_string();
            r.name = r.name.trim().to_string();
            r.parent_external_id = r
                .parent_external_id
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty());
            if r.external_id.is_empty() || r.external_id.len() > 255 {
                problems.push(problem(
                    i,
                    "externalId",
                    "must be 1 to 255 characters".into(),
                ));
            }
            if r.name.is_empty() || r.name.len() > 255 {
                problems.push(problem(i, "name", "must be 1 to 255 characters".into()));
            }
            if let Some(first) = seen.insert(r.external_id.clone(), i) {
                problems.push(problem(
                    i,
                    "externalId",
                    format!("duplicates teams[{first}]"),
                ));
            }
            r
        })
        .collect();
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    Ok(rows)
}

/// Rows whose parent is neither in the batch nor an existing team.
fn unknown_parents(
    rows: &[TeamUpsert],
    by_ext: &HashMap<String, team::Model>,
) -> Vec<InputProblem> {
    let batch: HashSet<&str> = rows.iter().map(|r| r.external_id.as_str()).collect();
    let mut problems = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(p) = &r.parent_external_id
            && !batch.contains(p.as_str())
            && !by_ext.contains_key(p)
        {
            problems.push(problem(
                i,
                "parentExternalId",
                format!("no team has externalId {p}"),
            ));
        }
    }
    problems
}

/// Rows that would be their own ancestor once the batch is written.
fn cycles(rows: &[TeamUpsert], by_ext: &HashMap<String, team::Model>) -> Vec<InputProblem> {
    // Parent of every team after this batch, by externalId.
    let ext_of: HashMap<i64, String> = by_ext
        .values()
        .map(|t| (t.id, t.external_id.clone()))
        .collect();
    let mut parent: HashMap<String, Option<String>> = by_ext
        .values()
        .map(|t| {
            (
                t.external_id.clone(),
                t.parent_id.and_then(|p| ext_of.get(&p).cloned()),
            )
        })
        .collect();
    for r in rows {
        parent.insert(r.external_id.clone(), r.parent_external_id.clone());
    }
    let mut problems = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let mut current = parent.get(&r.external_id).cloned().flatten();
        let mut steps = 0;
        while let Some(p) = current {
            if p == r.external_id {
                problems.push(problem(
                    i,
                    "parentExternalId",
                    "creates a cycle of teams".into(),
                ));
                break;
            }
            steps += 1;
            if steps > parent.len() {
                break;
            }
            current = parent.get(&p).cloned().flatten();
        }
    }
    problems
}

/// Creates the batch's new teams (without a parent yet) and renames the others whose name
/// changed, keeping `by_ext` current.
async fn write_names(
    txn: &impl ConnectionTrait,
    rows: &[TeamUpsert],
    by_ext: &mut HashMap<String, team::Model>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Change>> {
    let mut changes = vec![Change::Unchanged; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        match by_ext.get(&r.external_id) {
            None => {
                let model = team::ActiveModel {
                    external_id: Set(r.external_id.clone()),
                    name: Set(r.name.clone()),
                    parent_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await
                .map_err(AppError::from_db)?;
                changes[i] = Change::Created;
                by_ext.insert(r.external_id.clone(), model);
            }
            Some(t) if t.name != r.name => {
                let model = team::ActiveModel {
                    id: Set(t.id),
                    name: Set(r.name.clone()),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .update(txn)
                .await?;
                changes[i] = Change::Updated;
                by_ext.insert(r.external_id.clone(), model);
            }
            Some(_) => {}
        }
    }
    Ok(changes)
}

/// Sets the parents, once every team of the batch has an id; a team whose parent alone
/// changed counts as updated.
async fn write_parents(
    txn: &impl ConnectionTrait,
    rows: &[TeamUpsert],
    by_ext: &mut HashMap<String, team::Model>,
    changes: &mut [Change],
    now: DateTime<Utc>,
) -> AppResult<()> {
    for (i, r) in rows.iter().enumerate() {
        let team = &by_ext[&r.external_id];
        let parent_id = r.parent_external_id.as_ref().map(|p| by_ext[p].id);
        if team.parent_id != parent_id {
            let model = team::ActiveModel {
                id: Set(team.id),
                parent_id: Set(parent_id),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(txn)
            .await?;
            if changes[i] == Change::Unchanged {
                changes[i] = Change::Updated;
            }
            by_ext.insert(r.external_id.clone(), model);
        }
    }
    Ok(())
}
