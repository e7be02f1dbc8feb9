//! The HRIS bulk upsert of people: check the rows, resolve the teams and managers they
//! name, write the people, then their reporting lines, reject reporting cycles and
//! reclassify the meetings whose kinds the org change touched, all in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};

use super::lines::{ensure_no_cycle, move_lines};
use super::rows::{MAX_UPSERT_ROWS, normalise_rows, problem};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::webhook::EventType;
use crate::error::{AppError, AppResult, InputProblem};
use crate::service::IN_CHUNK;
use crate::service::classify::reclassify_after_org_change;
use crate::service::sql::{begin_org_write, id_in_expr};
use crate::service::webhooks::outbox;
use entity::{person, team};

/// One row of an HRIS upsert: the person's full record (absent optional fields are cleared).
#[derive(Debug, Clone)]
pub struct PersonUpsert {
    /// The HRIS key: the person to update, or to create when none has it.
    pub external_id: String,
    pub name: String,
    /// Unique across people; stored lower-cased.
    pub email: String,
    pub title: Option<String>,
    pub timezone: Option<String>,
    /// The team, by its externalId (stored already).
    pub team_external_id: Option<String>,
    /// The manager, by externalId: in this batch or stored already; `None` for the top.
    pub manager_external_id: Option<String>,
    pub start_date: Option<NaiveDate>,
    /// The last day of employment, inclusive.
    pub end_date: Option<NaiveDate>,
    /// When the manager given here takes effect. Default: now for people who exist (their
    /// start date while it is still ahead), and the start date (else now) for people created
    /// by this call.
    pub effective_from: Option<DateTime<Utc>>,
}

/// What an upsert did, row by row counted.
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
    if rows.len() > MAX_UPSERT_ROWS {
        return Err(AppError::bad_input(
            "input.people",
            format!(
                "at most {MAX_UPSERT_ROWS} people per call, got {}",
                rows.len()
            ),
        ));
    }
    let now = truncate(now);
    let rows = normalise_rows(rows)?;
    if rows.is_empty() {
        return Ok(UpsertOutcome::default());
    }
    let txn = begin_org_write(db).await?;
    let outcome = write_batch(&txn, &rows, now, now).await?;
    txn.commit().await?;
    crate::service::viewers::people_written();
    Ok(outcome)
}

/// Writes a batch of normalised rows inside an open org write: the people, then their
/// reporting lines (a changed manager takes effect at `effective`, unless a row says
/// otherwise), the cycle check and the reclassified meetings. Fails with every problem,
/// leaving the caller to roll back.
pub(super) async fn write_batch(
    txn: &impl ConnectionTrait,
    rows: &[PersonUpsert],
    now: DateTime<Utc>,
    effective: DateTime<Utc>,
) -> AppResult<UpsertOutcome> {
    let known = resolve(txn, rows).await?;
    // People first, so that managers anywhere in the batch have ids; then reporting lines.
    let mut written = write_people(txn, rows, &known, now).await?;
    let people = people_by_external_ids(txn, &external_ids(rows)).await?;
    let id_of = |ext: &str| -> i64 {
        people
            .get(ext)
            .or_else(|| known.outside.get(ext))
            .map(|p| p.id)
            .expect("every person and manager was resolved above")
    };
    let ids: Vec<i64> = rows.iter().map(|r| id_of(&r.external_id)).collect();
    let managers: Vec<Option<i64>> = rows
        .iter()
        .map(|r| r.manager_external_id.as_deref().map(id_of))
        .collect();
    let moves = move_lines(txn, rows, &ids, &managers, &written.created, effective).await?;
    let fields_changed = written.changed.clone();
    for &i in &moves.rows {
        written.changed[i] = true;
    }
    if !moves.rows.is_empty() {
        ensure_no_cycle(txn, &ids, [&people, &known.outside]).await?;
    }
    if let Some(since) = moves.since {
        reclassify_after_org_change(txn, &moves.people, since).await?;
    }
    let outcome = written.outcome(rows, &people);
    let events = person_events(
        &outcome.people,
        &written.created,
        &fields_changed,
        &moves.rows,
    );
    outbox::record(txn, now, events).await?;
    Ok(outcome)
}

/// The webhook events of a written batch (`people` in row order): PERSON_CREATED for the
/// people it created, PERSON_UPDATED for those whose fields changed, and
/// REPORTING_LINE_CHANGED for those whose manager changed.
fn person_events(
    people: &[person::Model],
    created: &[bool],
    fields_changed: &[bool],
    moved: &[usize],
) -> Vec<outbox::Event> {
    let moved: std::collections::HashSet<usize> = moved.iter().copied().collect();
    let mut events = Vec::new();
    for (i, p) in people.iter().enumerate() {
        if created[i] {
            events.push(outbox::Event::new(
                EventType::PersonCreated,
                outbox::person_data(p),
            ));
            continue;
        }
        if fields_changed[i] {
            events.push(outbox::Event::new(
                EventType::PersonUpdated,
                outbox::person_data(p),
            ));
        }
        if moved.contains(&i) {
            events.push(outbox::Event::new(
                EventType::ReportingLineChanged,
                outbox::person_data(p),
            ));
        }
    }
    events
}

/// What the batch names, as stored: its people that exist, the ids of its teams, and the
/// managers it names from outside the batch.
pub(super) struct Known {
    existing: HashMap<String, person::Model>,
    teams: HashMap<String, i64>,
    outside: HashMap<String, person::Model>,
}

impl Known {
    /// The id of the team a row names.
    fn team_of(&self, row: &PersonUpsert) -> Option<i64> {
        row.team_external_id.as_ref().map(|t| self.teams[t])
    }
}

/// Reads what the batch names and checks it: emails not taken by anyone outside the batch,
/// teams and managers that exist. Fails with every problem found.
pub(super) async fn resolve(txn: &impl ConnectionTrait, rows: &[PersonUpsert]) -> AppResult<Known> {
    let ext_ids = external_ids(rows);
    let existing = people_by_external_ids(txn, &ext_ids).await?;
    let batch_ids: HashSet<&str> = ext_ids.iter().map(String::as_str).collect();

    // Emails must stay unique across people outside the batch too.
    let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
    let email_owners: HashMap<String, String> =
        find_in::<person::Entity>(txn, person::Column::Email, &emails)
            .await?
            .into_iter()
            .map(|p| (p.email, p.external_id))
            .collect();
    let mut problems = row_problems(rows, "email", |row| {
        let owner = email_owners.get(&row.email)?;
        (owner != &row.external_id && !batch_ids.contains(owner.as_str()))
            .then(|| format!("already used by person {owner}"))
    });

    let team_ext = distinct(rows.iter().filter_map(|r| r.team_external_id.clone()));
    let teams: HashMap<String, i64> =
        find_in::<team::Entity>(txn, team::Column::ExternalId, &team_ext)
            .await?
            .into_iter()
            .map(|t| (t.external_id, t.id))
            .collect();
    problems.extend(row_problems(rows, "teamExternalId", |row| {
        let t = row.team_external_id.as_ref()?;
        (!teams.contains_key(t)).then(|| format!("no team has externalId {t}"))
    }));

    let outside_managers = distinct(
        rows.iter()
            .filter_map(|r| r.manager_external_id.clone())
            .filter(|m| !batch_ids.contains(m.as_str())),
    );
    let outside = people_by_external_ids(txn, &outside_managers).await?;
    problems.extend(row_problems(rows, "managerExternalId", |row| {
        let m = row.manager_external_id.as_ref()?;
        (!batch_ids.contains(m.as_str()) && !outside.contains_key(m))
            .then(|| format!("no person has externalId {m}"))
    }));
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    Ok(Known {
        existing,
        teams,
        outside,
    })
}

/// One problem on `field` for each row `message` finds fault with, in row order.
fn row_problems(
    rows: &[PersonUpsert],
    field: &str,
    message: impl Fn(&PersonUpsert) -> Option<String>,
) -> Vec<InputProblem> {
    rows.iter()
        .enumerate()
        .filter_map(|(i, row)| message(row).map(|m| problem(i, field, m)))
        .collect()
}

/// The distinct values, in no particular order.
fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    values.collect::<HashSet<_>>().into_iter().collect()
}

fn external_ids(rows: &[PersonUpsert]) -> Vec<String> {
    rows.iter().map(|r| r.external_id.clone()).collect()
}

/// The rows of `E` whose `column` holds one of `values`.
pub(super) async fn find_in<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
    values: &[String],
) -> AppResult<Vec<E::Model>> {
    let mut out = Vec::with_capacity(values.len());
    for chunk in values.chunks(IN_CHUNK) {
        out.extend(
            E::find()
                .filter(column.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// The people with these externalIds, by externalId.
async fn people_by_external_ids(
    db: &impl ConnectionTrait,
    ext_ids: &[String],
) -> AppResult<HashMap<String, person::Model>> {
    let found = find_in::<person::Entity>(db, person::Column::ExternalId, ext_ids).await?;
    Ok(found
        .into_iter()
        .map(|p| (p.external_id.clone(), p))
        .collect())
}

/// Which rows created their person, and which changed it (record or, later, manager).
struct Written {
    created: Vec<bool>,
    changed: Vec<bool>,
}

impl Written {
    /// The counts, and the people of the batch in row order.
    fn outcome(
        &self,
        rows: &[PersonUpsert],
        people: &HashMap<String, person::Model>,
    ) -> UpsertOutcome {
        let mut outcome = UpsertOutcome::default();
        for (i, row) in rows.iter().enumerate() {
            if self.created[i] {
                outcome.created += 1;
            } else if self.changed[i] {
                outcome.updated += 1;
            } else {
                outcome.unchanged += 1;
            }
            outcome.people.push(people[&row.external_id].clone());
        }
        outcome
    }
}

/// Creates the rows' new people and updates the changed ones.
async fn write_people(
    txn: &impl ConnectionTrait,
    rows: &[PersonUpsert],
    known: &Known,
    now: DateTime<Utc>,
) -> AppResult<Written> {
    let mut written = Written {
        created: vec![false; rows.len()],
        changed: vec![false; rows.len()],
    };
    let mut new_models = Vec::new();
    // Existing people whose email changes move aside first, so that swaps within the batch
    // do not trip the unique index.
    let mut email_moves = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match known.existing.get(&row.external_id) {
            None => {
                written.created[i] = true;
                new_models.push(person::ActiveModel {
                    external_id: Set(row.external_id.clone()),
                    created_at: Set(now),
                    ..person_columns(row, known.team_of(row), now)
                });
            }
            Some(current) if !same_record(current, row, known.team_of(row)) => {
                written.changed[i] = true;
                if current.email != row.email {
                    email_moves.push(current.id);
                }
            }
            Some(_) => {}
        }
    }
    move_emails_aside(txn, &email_moves).await?;
    // Changed people are written back whole, many rows a statement: an INSERT whose every
    // row meets its own id and updates it.
    let updates: Vec<person::ActiveModel> = rows
        .iter()
        .zip(&written.changed)
        .filter(|(_, changed)| **changed)
        .map(|(row, _)| {
            let current = &known.existing[&row.external_id];
            person::ActiveModel {
                id: Set(current.id),
                external_id: Set(current.external_id.clone()),
                created_at: Set(current.created_at),
                ..person_columns(row, known.team_of(row), now)
            }
        })
        .collect();
    for chunk in updates.chunks(IN_CHUNK / 20) {
        person::Entity::insert_many(chunk.iter().cloned())
            .on_conflict(
                OnConflict::column(person::Column::Id)
                    .update_columns([
                        person::Column::Name,
                        person::Column::Email,
                        person::Column::Title,
                        person::Column::TeamId,
                        person::Column::Timezone,
                        person::Column::StartDate,
                        person::Column::EndDate,
                        person::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await
            .map_err(AppError::from_db)?;
    }
    for chunk in new_models.chunks(IN_CHUNK / 20) {
        person::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await
            .map_err(AppError::from_db)?;
    }
    Ok(written)
}

/// A row's record as person columns, stamped as updated at `now`.
fn person_columns(
    row: &PersonUpsert,
    team_id: Option<i64>,
    now: DateTime<Utc>,
) -> person::ActiveModel {
    person::ActiveModel {
        name: Set(row.name.clone()),
        email: Set(row.email.clone()),
        title: Set(row.title.clone()),
        team_id: Set(team_id),
        timezone: Set(row.timezone.clone()),
        start_date: Set(row.start_date),
        end_date: Set(row.end_date),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Whether `current` already holds the row's record.
fn same_record(current: &person::Model, row: &PersonUpsert, team_id: Option<i64>) -> bool {
    current.name == row.name
        && current.email == row.email
        && current.title == row.title
        && current.team_id == team_id
        && current.timezone == row.timezone
        && current.start_date == row.start_date
        && current.end_date == row.end_date
}

/// Gives these people placeholder emails until their new ones are written (one statement).
async fn move_emails_aside(txn: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    person::Entity::update_many()
        .col_expr(
            person::Column::Email,
            Expr::cust("'moving-' || id || '@cadence.invalid'"),
        )
        .filter(id_in_expr(
            txn.get_database_backend(),
            person::Column::Id,
            ids,
        ))
        .exec(txn)
        .await
        .map_err(AppError::from_db)?;
    Ok(())
}
