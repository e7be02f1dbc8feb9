//! Check-ins: a manager of managers asking a manager below them how their 1:1s are going
//! (a rating, the struggles named, notes). Reads start from the viewer's visibility
//! ([`Visible`]), so a forgotten check shows less, never more; notes are kept only for
//! whom `access` lets read them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, FromQueryResult,
    TransactionSession, TransactionTrait,
};

use super::sql::{Order, Sql, begin_write, id_in, id_set, subtree_cte, totals_by_subject};
use crate::auth::Viewer;
use crate::auth::access::{self, CheckInVisibility};
use crate::domain::check_in::{Struggle, check_fields, struggles_to_stored};
use crate::domain::employment::truncate;
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::{AppError, AppResult};
use entity::check_in;

const CHECK_IN_COLUMNS: &str = "c.id, c.asker_id, c.manager_id, c.at, c.rating, c.struggles, \
     c.notes, c.created_at, c.updated_at";

/// The visibility rule of one viewer as SQL: a CTE (if any) and a condition on `c`.
struct Visible {
    cte: Option<String>,
    condition: String,
}

impl Visible {
    fn new(q: &mut Sql, viewer: &Viewer, now: DateTime<Utc>) -> AppResult<Visible> {
        Ok(match access::check_in_visibility(viewer)? {
            CheckInVisibility::All => Visible {
                cte: None,
                condition: "1 = 1".into(),
            },
            CheckInVisibility::Nothing => Visible {
                cte: None,
                condition: "1 = 0".into(),
            },
            CheckInVisibility::Involving(person) => {
                let me = q.bind(person);
                let at = q.bind(now);
                Visible {
                    // The viewer and everyone below them now: askers whose check-ins they
                    // oversee (their own included).
                    cte: Some(subtree_cte("below", &me, &at)),
                    condition: format!(
                        "(c.manager_id = {me} OR c.asker_id IN (SELECT id FROM below))"
                    ),
                }
            }
        })
    }

    fn with(&self) -> String {
        match &self.cte {
            Some(cte) => format!("WITH RECURSIVE {cte} "),
            None => String::new(),
        }
    }
}

/// A visible row, its notes kept only for whom `access` lets read them.
fn visible_row(viewer: &Viewer, row: &sea_orm::QueryResult) -> AppResult<check_in::Model> {
    let mut c = check_in::Model::from_query_result(row, "")?;
    if !access::can_read_check_in_notes(viewer, c.asker_id, c.manager_id) {
        c.notes = None;
    }
    Ok(c)
}

/// The check-ins among `ids` the viewer may see.
#[tracing::instrument(level = "debug", skip(db, viewer, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, check_in::Model>> {
    let mut q = Sql::new();
    let visible = Visible::new(&mut q, viewer, now)?;
    let wanted = q.id_in(db.get_database_backend(), "c.id", ids);
    let sql = format!(
        "{with}SELECT {CHECK_IN_COLUMNS} FROM check_in c WHERE {wanted} AND {cond}",
        with = visible.with(),
        cond = visible.condition,
    );
    let mut out = HashMap::new();
    for row in q.all(db, sql).await? {
        let c = visible_row(viewer, &row)?;
        out.insert(c.id, c);
    }
    Ok(out)
}

/// A check-in the viewer may see; `None` when there is none or the viewer may not see it
/// (the two are indistinguishable on purpose).
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<check_in::Model>> {
    Ok(by_ids(db, viewer, &[id], now).await?.remove(&id))
}

/// The sort key of check-in lists, newest first: `(at, id)`, both descending.
const NEWEST_FIRST: [(&str, Order); 2] = [("c.at", Order::Desc), ("c.id", Order::Desc)];

fn newest_first_cursor(c: &check_in::Model) -> Cursor {
    Cursor::of(&(c.at, c.id))
}

/// One page of each manager's check-ins the viewer may see, newest first, and their number
/// when the page asks: one statement for the pages of the whole batch (a keyset condition
/// and a window per manager over `idx_check_in_manager_at`), one for the counts.
#[tracing::instrument(level = "debug", skip(db, viewer, managers))]
pub async fn of_managers(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    managers: &[i64],
    page: &Page,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, PageOf<check_in::Model>>> {
    let backend = db.get_database_backend();
    let mut rows: HashMap<i64, Vec<(check_in::Model, Cursor)>> = HashMap::new();
    if page.rows {
        let mut q = Sql::new();
        let visible = Visible::new(&mut q, viewer, now)?;
        let mut conditions = vec![visible.condition.clone()];
        if let Some((at, id)) = page.after_key::<(DateTime<Utc>, i64)>()? {
            conditions.push(q.after(&NEWEST_FIRST, vec![at.into(), id.into()]));
        }
        let set = q.bind(id_set(backend, managers));
        conditions.push(id_in(backend, "c.manager_id", &set));
        let fetch = q.bind(page.fetch() as i64);
        let sql = format!(
            "{with}SELECT * FROM ( \
               SELECT {CHECK_IN_COLUMNS}, ROW_NUMBER() OVER \
                 (PARTITION BY c.manager_id ORDER BY c.at DESC, c.id DESC) AS rn \
               FROM check_in c WHERE {where_} \
             ) ranked WHERE rn <= {fetch} ORDER BY manager_id, rn",
            with = visible.with(),
            where_ = conditions.join(" AND "),
        );
        for row in q.all(db, sql).await? {
            let c = visible_row(viewer, &row)?;
            let cursor = newest_first_cursor(&c);
            rows.entry(c.manager_id).or_default().push((c, cursor));
        }
    }
    let totals = if page.total {
        let mut q = Sql::new();
        let visible = Visible::new(&mut q, viewer, now)?;
        let set = q.bind(id_set(backend, managers));
        let sql = format!(
            "{with}SELECT c.manager_id AS subject, COUNT(*) AS total FROM check_in c \
             WHERE {managers} AND {cond} GROUP BY c.manager_id",
            with = visible.with(),
            managers = id_in(backend, "c.manager_id", &set),
            cond = visible.condition,
        );
        totals_by_subject(q.all(db, sql).await?)?
    } else {
        HashMap::new()
    };
    Ok(PageOf::per_subject(page, managers, rows, &totals))
}

/// A check-in to log.
#[derive(Debug, Clone)]
pub struct LogCheckIn {
    pub manager: i64,
    pub at: DateTime<Utc>,
    pub rating: i32,
    pub struggles: Vec<Struggle>,
    pub notes: Option<String>,
}

/// The asker allowed to log a check-in with `manager` at `at` (someone above them then,
/// or hr_admin), after checking the manager exists.
async fn asker_for(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    at: DateTime<Utc>,
) -> AppResult<i64> {
    access::ensure_authenticated(viewer)?;
    let chain = super::org::chains_at(db, &[(manager, at)])
        .await?
        .remove(0)
        .unwrap_or_default();
    let asker = access::ensure_can_log_check_in(viewer, &chain)?;
    // Checked after who may: outsiders learn nothing. (Someone above them then proves the
    // manager exists; hr_admin may name anyone.)
    if !super::people::people_exist(db, &[manager]).await? {
        return Err(AppError::bad_input("input.managerId", "no such person"));
    }
    if asker == manager {
        return Err(AppError::bad_input(
            "input.managerId",
            "a check-in is with someone else",
        ));
    }
    Ok(asker)
}

/// Logs a check-in of the viewer with `input.manager`. The viewer must be above the
/// manager in the chain at `input.at` (direct manager or higher), or hr_admin; `at` may
/// not be in the future.
#[tracing::instrument(level = "debug", skip(db, viewer, input))]
pub async fn log<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    input: LogCheckIn,
    now: DateTime<Utc>,
) -> AppResult<check_in::Model> {
    access::ensure_authenticated(viewer)?;
    let at = truncate(input.at);
    let notes = check_fields(input.rating, at, input.notes.as_deref(), now)?;
    let now = truncate(now);
    let txn = begin_write(db).await?;
    let asker = asker_for(&txn, viewer, input.manager, at).await?;
    let saved = check_in::ActiveModel {
        asker_id: Set(asker),
        manager_id: Set(input.manager),
        at: Set(at),
        rating: Set(input.rating),
        struggles: Set(struggles_to_stored(&input.struggles)),
        notes: Set(notes),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Changes to a check-in; `None` leaves a field as it is (`notes: Some(None)` clears them).
#[derive(Debug, Clone, Default)]
pub struct CheckInChanges {
    pub at: Option<DateTime<Utc>>,
    pub rating: Option<i32>,
    pub struggles: Option<Vec<Struggle>>,
    pub notes: Option<Option<String>>,
}

/// The check-in `id` for its author: NOT_FOUND when the viewer cannot see it, FORBIDDEN
/// when they see it but did not log it.
async fn authored(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<check_in::Model> {
    let found = get(db, viewer, id, now)
        .await?
        .ok_or_else(|| AppError::NotFound("no such check-in".into()))?;
    access::ensure_check_in_author(viewer, found.asker_id)?;
    Ok(found)
}

/// Changes a check-in (its author only). A new `at` is checked as when logging.
#[tracing::instrument(level = "debug", skip(db, viewer, changes))]
pub async fn update<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    changes: CheckInChanges,
    now: DateTime<Utc>,
) -> AppResult<check_in::Model> {
    access::ensure_authenticated(viewer)?;
    let txn = begin_write(db).await?;
    let current = authored(&txn, viewer, id, now).await?;
    let at = changes.at.map(truncate).unwrap_or(current.at);
    let rating = changes.rating.unwrap_or(current.rating);
    let notes = changes.notes.unwrap_or(current.notes);
    let notes = check_fields(rating, at, notes.as_deref(), now)?;
    if at != current.at {
        asker_for(&txn, viewer, current.manager_id, at).await?;
    }
    let mut model = check_in::ActiveModel {
        id: Set(id),
        at: Set(at),
        rating: Set(rating),
        notes: Set(notes),
        updated_at: Set(truncate(now)),
        ..Default::default()
    };
    if let Some(struggles) = changes.struggles {
        model.struggles = Set(struggles_to_stored(&struggles));
    }
    let saved = model.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Deletes a check-in (its author only).
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn delete<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    access::ensure_authenticated(viewer)?;
    let txn = begin_write(db).await?;
    authored(&txn, viewer, id, now).await?;
    check_in::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
