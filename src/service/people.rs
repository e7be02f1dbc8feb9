//! People: reading them (one, many, filtered lists), checking that a viewer still stands,
//! and the HRIS bulk upsert that also maintains effective-dated reporting lines.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect, TransactionSession, TransactionTrait,
};

use super::IN_CHUNK;
use super::sql::{
    Order, PERSON_COLUMNS, Sql, begin_org_write, count, employed, id_in_expr, line_covers,
    person_from_row,
};
use crate::auth::{Viewer, access};
use crate::domain::employment::{end_instant, is_employed, start_of, truncate};
use crate::domain::hierarchy::{Line, Lines};
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::{AppError, AppResult, InputProblem};
use entity::{person, reporting_line, team};

/// Most rows one `upsertPeople` call may carry.
pub const MAX_UPSERT_ROWS: usize = 10_000;

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

#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Option<person::Model>> {
    access::ensure_can_read_org(viewer)?;
    Ok(person::Entity::find_by_id(id).one(db).await?)
}

#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn by_external_id(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    external_id: &str,
) -> AppResult<Option<person::Model>> {
    access::ensure_can_read_org(viewer)?;
    Ok(person::Entity::find()
        .filter(person::Column::ExternalId.eq(external_id))
        .one(db)
        .await?)
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

/// One row of an HRIS upsert: the person's full record (absent optional fields are cleared).
#[derive(Debug, Clone)]
pub struct PersonUpsert {
    pub external_id: String,
    pub name: String,
    pub email: String,
    pub title: Option<String>,
    pub timezone: Option<String>,
    pub team_external_id: Option<String>,
    pub manager_external_id: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// When the manager given here takes effect. Default: now for people who exist (their
    /// start date while it is still ahead), and the start date (else now) for people created
    /// by this call.
    pub effective_from: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct UpsertOutcome {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// The people of the batch, in input order.
    pub people: Vec<person::Model>,
}

/// Creates or updates a batch of people by externalId and sets their managers, in one
/// transaction: either every row is applied or, when any row is invalid, none is.
#[tracing::instrument(level = "debug", skip(db, viewer, rows), fields(rows = rows.len()))]
pub async fn upsert<C>(
    db: &C,
    viewer: &Viewer,
    rows: Vec<PersonUpsert>,
    now: DateTime<Utc>,
) -> AppResult<UpsertOutcome>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_write_org(viewer)?;
    let now = truncate(now);
    let rows = normalise_rows(rows)?;
    if rows.is_empty() {
        return Ok(UpsertOutcome::default());
    }
    let txn = begin_org_write(db).await?;
    let mut problems = Vec::new();

    let ext_ids: Vec<String> = rows.iter().map(|r| r.external_id.clone()).collect();
    let existing = people_by_external_ids(&txn, &ext_ids).await?;

    // Emails must stay unique across people outside the batch too.
    let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
    let mut email_owners = HashMap::new();
    for chunk in emails.chunks(IN_CHUNK) {
        let found = person::Entity::find()
            .filter(person::Column::Email.is_in(chunk.iter().cloned()))
            .all(&txn)
            .await?;
        email_owners.extend(found.into_iter().map(|p| (p.email, p.external_id)));
    }
    let batch_ids: HashSet<&str> = ext_ids.iter().map(String::as_str).collect();
    for (i, row) in rows.iter().enumerate() {
        if let Some(owner) = email_owners.get(&row.email)
            && owner != &row.external_id
            && !batch_ids.contains(owner.as_str())
        {
            problems.push(problem(
                i,
                "email",
                format!("already used by person {owner}"),
            ));
        }
    }

    let team_ext: Vec<String> = rows
        .iter()
        .filter_map(|r| r.team_external_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut teams = HashMap::new();
    for chunk in team_ext.chunks(IN_CHUNK) {
        let found = team::Entity::find()
            .filter(team::Column::ExternalId.is_in(chunk.iter().cloned()))
            .all(&txn)
            .await?;
        teams.extend(found.into_iter().map(|t| (t.external_id, t.id)));
    }
    for (i, row) in rows.iter().enumerate() {
        if let Some(t) = &row.team_external_id
            && !teams.contains_key(t)
        {
            problems.push(problem(
                i,
                "teamExternalId",
                format!("no team has externalId {t}"),
            ));
        }
    }

    let outside_managers: Vec<String> = rows
        .iter()
        .filter_map(|r| r.manager_external_id.clone())
        .filter(|m| !batch_ids.contains(m.as_str()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let outside = people_by_external_ids(&txn, &outside_managers).await?;
    for (i, row) in rows.iter().enumerate() {
        if let Some(m) = &row.manager_external_id
            && !batch_ids.contains(m.as_str())
            && !outside.contains_key(m)
        {
            problems.push(problem(
                i,
                "managerExternalId",
                format!("no person has externalId {m}"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }

    // People first, so that managers anywhere in the batch have ids.
    let mut created = vec![false; rows.len()];
    let mut changed = vec![false; rows.len()];
    let mut new_models = Vec::new();
    // Existing people whose email changes move aside first, so that swaps within the batch
    // do not trip the unique index.
    let mut email_moves = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let team_id = row.team_external_id.as_ref().map(|t| teams[t]);
        match existing.get(&row.external_id) {
            None => {
                created[i] = true;
                new_models.push(person::ActiveModel {
                    external_id: Set(row.external_id.clone()),
                    name: Set(row.name.clone()),
                    email: Set(row.email.clone()),
                    title: Set(row.title.clone()),
                    team_id: Set(team_id),
                    timezone: Set(row.timezone.clone()),
                    start_date: Set(row.start_date),
                    end_date: Set(row.end_date),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
            Some(current) => {
                let same = current.name == row.name
                    && current.email == row.email
                    && current.title == row.title
                    && current.team_id == team_id
                    && current.timezone == row.timezone
                    && current.start_date == row.start_date
                    && current.end_date == row.end_date;
                if !same {
                    changed[i] = true;
                    if current.email != row.email {
                        email_moves.push(current.id);
                    }
                }
            }
        }
    }
    for id in &email_moves {
        person::ActiveModel {
            id: Set(*id),
            email: Set(format!("moving-{id}@cadence.invalid")),
            ..Default::default()
        }
        .update(&txn)
        .await
        .map_err(AppError::from_db)?;
    }
    for (i, row) in rows.iter().enumerate() {
        if !changed[i] {
            continue;
        }
        let current = &existing[&row.external_id];
        person::ActiveModel {
            id: Set(current.id),
            name: Set(row.name.clone()),
            email: Set(row.email.clone()),
            title: Set(row.title.clone()),
            team_id: Set(row.team_external_id.as_ref().map(|t| teams[t])),
            timezone: Set(row.timezone.clone()),
            start_date: Set(row.start_date),
            end_date: Set(row.end_date),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await
        .map_err(AppError::from_db)?;
    }
    for chunk in new_models.chunks(IN_CHUNK / 20) {
        person::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(&txn)
            .await
            .map_err(AppError::from_db)?;
    }
    let people = people_by_external_ids(&txn, &ext_ids).await?;
    let id_of = |ext: &str| -> i64 {
        people
            .get(ext)
            .or_else(|| outside.get(ext))
            .map(|p| p.id)
            .expect("every person and manager was resolved above")
    };

    // Then reporting lines.
    let ids: Vec<i64> = rows.iter().map(|r| id_of(&r.external_id)).collect();
    let mut current_lines = lines_of(&txn, &ids).await?;
    let mut lines_changed = false;
    // Who moved, and the earliest instant their lines changed: meeting kinds follow.
    let mut moved: Vec<i64> = Vec::new();
    let mut moved_since: Option<DateTime<Utc>> = None;
    for (i, row) in rows.iter().enumerate() {
        let person_id = ids[i];
        let manager_id = row.manager_external_id.as_deref().map(id_of);
        let from = match (row.effective_from, created[i], row.start_date) {
            (Some(at), _, _) => truncate(at),
            (None, true, Some(start)) => start_of(start),
            // Before someone's first day, a change takes effect on it: re-sending their row
            // then finds the line it wrote instead of starting another one today.
            (None, false, Some(start)) => now.max(start_of(start)),
            (None, _, None) => now,
        };
        let until = row.end_date.map(end_instant);
        let lines = current_lines.remove(&person_id).unwrap_or_default();
        let plan = plan_line_change(&lines, manager_id, from, until);
        if plan.is_noop() {
            continue;
        }
        lines_changed = true;
        changed[i] = true;
        moved.push(person_id);
        let earliest = until.map_or(from, |u| u.min(from));
        moved_since = Some(moved_since.map_or(earliest, |m| m.min(earliest)));
        apply_line_plan(&txn, person_id, plan).await?;
    }
    if lines_changed {
        let all = reporting_line::Entity::find().all(&txn).await?;
        let lines = Lines::new(all.iter().map(|l| Line {
            person: l.person_id,
            manager: l.manager_id,
            from: l.valid_from,
            to: l.valid_to,
        }));
        if let Some((cycle, at)) = lines.find_cycle() {
            let by_id: HashMap<i64, usize> =
                ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            let names: HashMap<i64, &str> = people
                .values()
                .chain(outside.values())
                .map(|p| (p.id, p.external_id.as_str()))
                .collect();
            let path = cycle
                .iter()
                .chain(cycle.first())
                .map(|id| names.get(id).copied().unwrap_or("?"))
                .collect::<Vec<_>>()
                .join(" → ");
            let problems = cycle
                .iter()
                .filter_map(|id| by_id.get(id))
                .map(|&i| {
                    problem(
                        i,
                        "managerExternalId",
                        format!(
                            "creates a reporting cycle ({path}) as of {}",
                            at.to_rfc3339()
                        ),
                    )
                })
                .collect();
            return Err(AppError::BadInput(problems));
        }
    }
    if let Some(since) = moved_since {
        super::meetings::reclassify_after_org_change(&txn, &moved, since).await?;
    }
    txn.commit().await?;
    super::viewers::people_written();

    let mut outcome = UpsertOutcome::default();
    for (i, row) in rows.iter().enumerate() {
        if created[i] {
            outcome.created += 1;
        } else if changed[i] {
            outcome.updated += 1;
        } else {
            outcome.unchanged += 1;
        }
        outcome.people.push(people[&row.external_id].clone());
    }
    Ok(outcome)
}

fn problem(row: usize, field: &str, message: String) -> InputProblem {
    InputProblem {
        field: format!("input.people[{row}].{field}"),
        message,
    }
}

/// Trims and checks each row on its own and against the rest of the batch.
fn normalise_rows(rows: Vec<PersonUpsert>) -> AppResult<Vec<PersonUpsert>> {
    if rows.len() > MAX_UPSERT_ROWS {
        return Err(AppError::bad_input(
            "input.people",
            format!(
                "at most {MAX_UPSERT_ROWS} people per call, got {}",
                rows.len()
            ),
        ));
    }
    let mut problems = Vec::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_emails: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, mut row) in rows.into_iter().enumerate() {
        row.external_id = row.external_id.trim().to_string();
        row.name = row.name.trim().to_string();
        row.email = row.email.trim().to_lowercase();
        row.title = non_blank(row.title);
        row.timezone = non_blank(row.timezone);
        row.team_external_id = non_blank(row.team_external_id);
        row.manager_external_id = non_blank(row.manager_external_id);
        if row.external_id.is_empty() || row.external_id.len() > 255 {
            problems.push(problem(
                i,
                "externalId",
                "must be 1 to 255 characters".into(),
            ));
        }
        if row.name.is_empty() || row.name.len() > 255 {
            problems.push(problem(i, "name", "must be 1 to 255 characters".into()));
        }
        if !looks_like_email(&row.email) {
            problems.push(problem(
                i,
                "email",
                format!("{:?} is not an email address", row.email),
            ));
        }
        if let (Some(start), Some(end)) = (row.start_date, row.end_date)
            && end < start
        {
            problems.push(problem(i, "endDate", "is before startDate".into()));
        }
        if row.manager_external_id.as_deref() == Some(row.external_id.as_str()) {
            problems.push(problem(
                i,
                "managerExternalId",
                "a person cannot be their own manager".into(),
            ));
        }
        if let Some(first) = seen_ids.insert(row.external_id.clone(), i) {
            problems.push(problem(
                i,
                "externalId",
                format!("duplicates people[{first}]"),
            ));
        }
        if let Some(first) = seen_emails.insert(row.email.clone(), i) {
            problems.push(problem(i, "email", format!("duplicates people[{first}]")));
        }
        out.push(row);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(AppError::BadInput(problems))
    }
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.len() <= 320
        && !s.chars().any(char::is_whitespace)
}

async fn people_by_external_ids(
    db: &impl ConnectionTrait,
    ext_ids: &[String],
) -> AppResult<HashMap<String, person::Model>> {
    let mut out = HashMap::with_capacity(ext_ids.len());
    for chunk in ext_ids.chunks(IN_CHUNK) {
        let found = person::Entity::find()
            .filter(person::Column::ExternalId.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        out.extend(found.into_iter().map(|p| (p.external_id.clone(), p)));
    }
    Ok(out)
}

async fn lines_of(
    db: &impl ConnectionTrait,
    people: &[i64],
) -> AppResult<HashMap<i64, Vec<reporting_line::Model>>> {
    let mut out: HashMap<i64, Vec<reporting_line::Model>> = HashMap::new();
    for chunk in people.chunks(IN_CHUNK) {
        let found = reporting_line::Entity::find()
            .filter(reporting_line::Column::PersonId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        for line in found {
            out.entry(line.person_id).or_default().push(line);
        }
    }
    for lines in out.values_mut() {
        lines.sort_by_key(|l| l.valid_from);
    }
    Ok(out)
}

/// How one person's lines change: the latest write says "from `from` on, the manager is
/// `manager`", superseding any later history; employment ending at `until` ends the line.
#[derive(Debug, Default, PartialEq, Eq)]
struct LinePlan {
    delete: Vec<i64>,
    /// (line id, new valid_to)
    end: Vec<(i64, Option<DateTime<Utc>>)>,
    insert: Option<NewLine>,
}

/// A line to insert: (manager, valid_from, valid_to).
type NewLine = (Option<i64>, DateTime<Utc>, Option<DateTime<Utc>>);

impl LinePlan {
    fn is_noop(&self) -> bool {
        self.delete.is_empty() && self.end.is_empty() && self.insert.is_none()
    }
}

fn plan_line_change(
    lines: &[reporting_line::Model],
    manager: Option<i64>,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> LinePlan {
    let mut plan = LinePlan::default();
    let clip = |to: Option<DateTime<Utc>>| match (to, until) {
        (Some(t), Some(u)) => Some(t.min(u)),
        (None, u) => u,
        (t, None) => t,
    };
    let superseded = |line: &reporting_line::Model| {
        until.is_some_and(|u| line.valid_from >= u) || line.valid_from > from
    };
    // One employment period leaves no gaps: a last line that ended before `from` (its end
    // date has since moved later, or been cleared) runs on to `from` like a current one.
    let last_kept = lines.iter().rposition(|l| !superseded(l));
    let mut continued = false;
    for (i, line) in lines.iter().enumerate() {
        if superseded(line) {
            plan.delete.push(line.id);
            continue;
        }
        let reaches_from = line.valid_to.is_none_or(|to| to > from) || Some(i) == last_kept;
        let new_to = if !reaches_from {
            clip(line.valid_to)
        } else if line.manager_id == manager {
            continued = true;
            until
        } else if line.valid_from == from {
            plan.delete.push(line.id);
            continue;
        } else {
            clip(Some(from))
        };
        if new_to != line.valid_to {
            plan.end.push((line.id, new_to));
        }
    }
    if !continued && until.is_none_or(|u| from < u) {
        plan.insert = Some((manager, from, until));
    }
    plan
}

async fn apply_line_plan(
    txn: &impl ConnectionTrait,
    person_id: i64,
    plan: LinePlan,
) -> AppResult<()> {
    if !plan.delete.is_empty() {
        reporting_line::Entity::delete_many()
            .filter(reporting_line::Column::Id.is_in(plan.delete))
            .exec(txn)
            .await?;
    }
    for (id, valid_to) in plan.end {
        reporting_line::ActiveModel {
            id: Set(id),
            valid_to: Set(valid_to),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    if let Some((manager_id, from, to)) = plan.insert {
        reporting_line::ActiveModel {
            person_id: Set(person_id),
            manager_id: Set(manager_id),
            valid_from: Set(from),
            valid_to: Set(to),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(year: i32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap()
    }

    fn line(
        id: i64,
        manager: Option<i64>,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> reporting_line::Model {
        reporting_line::Model {
            id,
            person_id: 1,
            manager_id: manager,
            valid_from: from,
            valid_to: to,
        }
    }

    #[test]
    fn the_same_manager_again_changes_nothing() {
        let lines = [line(1, Some(7), t(2020), None)];
        assert!(plan_line_change(&lines, Some(7), t(2026), None).is_noop());
    }

    #[test]
    fn a_new_manager_closes_the_current_line() {
        let lines = [line(1, Some(7), t(2020), None)];
        assert_eq!(
            plan_line_change(&lines, Some(8), t(2024), None),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2024)))],
                insert: Some((Some(8), t(2024), None)),
            }
        );
    }

    #[test]
    fn a_back_dated_change_supersedes_later_history() {
        let lines = [
            line(1, Some(7), t(2020), Some(t(2024))),
            line(2, Some(8), t(2024), None),
        ];
        assert_eq!(
            plan_line_change(&lines, Some(9), t(2022), None),
            LinePlan {
                delete: vec![2],
                end: vec![(1, Some(t(2022)))],
                insert: Some((Some(9), t(2022), None)),
            }
        );
    }

    #[test]
    fn an_end_date_ends_the_line() {
        let lines = [line(1, Some(7), t(2020), None)];
        assert_eq!(
            plan_line_change(&lines, Some(7), t(2026), Some(t(2025))),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2025)))],
                insert: None,
            }
        );
        let ended = [line(1, Some(7), t(2020), Some(t(2025)))];
        assert!(plan_line_change(&ended, Some(7), t(2026), Some(t(2025))).is_noop());
        assert!(plan_line_change(&ended, Some(8), t(2026), Some(t(2025))).is_noop());
    }

    #[test]
    fn a_later_end_date_extends_the_last_line() {
        let ended = [line(1, Some(7), t(2020), Some(t(2023)))];
        // Still in the past.
        assert_eq!(
            plan_line_change(&ended, Some(7), t(2026), Some(t(2025))),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2025)))],
                insert: None,
            }
        );
        // Ahead, with a new manager from now on.
        assert_eq!(
            plan_line_change(&ended, Some(8), t(2026), Some(t(2030))),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2026)))],
                insert: Some((Some(8), t(2026), Some(t(2030)))),
            }
        );
    }
}
