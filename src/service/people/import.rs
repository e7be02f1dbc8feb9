//! The HRIS CSV import: a file of people becomes teams (one per department) and an upsert
//! of people through the same code as `upsertPeople`, all in one transaction. Every
//! problem, the file's own and those the org finds (an unknown manager, a taken email, a
//! reporting cycle), is reported at its line and column of the file.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait,
};

use super::PersonUpsert;
use super::rows::{normalise_rows, problem_row};
use super::upsert::{find_in, resolve, write_batch};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::webhook::EventType;
use crate::error::{AppError, AppResult, FileProblem, InputProblem};
use crate::service::IN_CHUNK;
use crate::service::sql::begin_org_write;
use crate::service::webhooks::outbox;
use crate::transfer::hris::{self, HrisFile, Mapping};
use entity::team;

/// What an import did (or, dry, would do) to one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

/// What a people import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeopleImported {
    pub people: ImportCounts,
    pub teams: ImportCounts,
    pub dry_run: bool,
}

/// How to import a file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions<'a> {
    /// The mapping file's text; none: the default headers, ISO dates and commas.
    pub mapping: Option<&'a str>,
    /// When changed managers take effect; default now.
    pub effective: Option<DateTime<Utc>>,
    /// Check and count everything, then roll back.
    pub dry_run: bool,
}

/// Imports an HRIS CSV export: all or nothing, idempotent by Employee ID.
#[tracing::instrument(level = "debug", skip(db, viewer, csv, options), fields(bytes = csv.len()))]
pub async fn import_csv<C>(
    db: &C,
    viewer: &Viewer,
    csv: &[u8],
    options: ImportOptions<'_>,
    now: DateTime<Utc>,
) -> AppResult<PeopleImported>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_write_org(viewer)?;
    let now = truncate(now);
    let effective = truncate(options.effective.unwrap_or(now));
    let mapping = match options.mapping {
        Some(text) => Mapping::from_toml(text).map_err(|p| AppError::BadFile(vec![p]))?,
        None => Mapping::default(),
    };
    let file = hris::read(csv, &mapping);
    let columns = ColumnsOf::new(&file, &mapping);
    let rows: Vec<PersonUpsert> = file.rows.iter().map(person_row).collect();
    let mut problems = file.problems.clone();
    if file.rows.is_empty() && !problems.is_empty() {
        return Err(AppError::BadFile(problems));
    }
    let normalised = match normalise_rows(rows.clone()) {
        Ok(rows) => Some(rows),
        Err(err) => {
            columns.merge(&mut problems, err)?;
            None
        }
    };
    let Some(rows) = normalised.filter(|_| problems.is_empty()) else {
        // The file is bad already; still name the managers and emails the org does not
        // allow, so that one run shows everything (teams do not matter here).
        let without_teams: Vec<PersonUpsert> = rows
            .into_iter()
            .map(|r| PersonUpsert {
                team_external_id: None,
                ..r
            })
            .collect();
        if let Err(err) = resolve(db, &without_teams).await {
            columns.merge(&mut problems, err)?;
        }
        return Err(AppError::BadFile(problems));
    };

    let txn = begin_org_write(db).await?;
    let teams = ensure_teams(&txn, &rows, now).await?;
    let people = match write_batch(&txn, &rows, now, effective).await {
        Ok(outcome) => outcome,
        Err(err) => {
            let mut problems = Vec::new();
            columns.merge(&mut problems, err)?;
            return Err(AppError::BadFile(problems));
        }
    };
    if options.dry_run {
        txn.rollback().await?;
    } else {
        let completed = serde_json::json!({
            "source": "people",
            "created": people.created,
            "updated": people.updated,
            "unchanged": people.unchanged,
            "teamsCreated": teams.created,
        });
        let event = outbox::Event::new(EventType::ImportCompleted, completed);
        outbox::record(&txn, now, vec![event]).await?;
        txn.commit().await?;
        crate::service::viewers::people_written();
    }
    Ok(PeopleImported {
        people: ImportCounts {
            created: people.created,
            updated: people.updated,
            unchanged: people.unchanged,
        },
        teams,
        dry_run: options.dry_run,
    })
}

/// A file row as an upsert row: its department is its team's externalId.
fn person_row(row: &hris::HrisRow) -> PersonUpsert {
    PersonUpsert {
        external_id: row.employee_id.clone(),
        name: row.name(),
        email: row.work_email.clone(),
        title: row.job_title.clone(),
        timezone: None,
        team_external_id: row.department.clone(),
        manager_external_id: row.manager_id.clone(),
        start_date: row.hire_date,
        end_date: row.termination_date,
        effective_from: None,
    }
}

/// Creates a team for each department no team has as its externalId yet; teams that exist
/// stay as they are.
async fn ensure_teams(
    txn: &impl ConnectionTrait,
    rows: &[PersonUpsert],
    now: DateTime<Utc>,
) -> AppResult<ImportCounts> {
    let mut seen = HashSet::new();
    let departments: Vec<String> = rows
        .iter()
        .filter_map(|r| r.team_external_id.clone())
        .filter(|d| seen.insert(d.clone()))
        .collect();
    let existing: HashSet<String> =
        find_in::<team::Entity>(txn, team::Column::ExternalId, &departments)
            .await?
            .into_iter()
            .map(|t| t.external_id)
            .collect();
    let new: Vec<team::ActiveModel> = departments
        .iter()
        .filter(|d| !existing.contains(*d))
        .map(|d| team::ActiveModel {
            external_id: Set(d.clone()),
            name: Set(d.clone()),
            parent_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    let created = new.len() as u32;
    for chunk in new.chunks(IN_CHUNK / 10) {
        team::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await
            .map_err(AppError::from_db)?;
    }
    Ok(ImportCounts {
        created,
        updated: 0,
        unchanged: existing.len() as u32,
    })
}

/// Where the upsert's row problems sit in the file: each row's line, and the column that
/// holds each field.
struct ColumnsOf {
    lines: Vec<u64>,
    columns: HashMap<&'static str, String>,
}

impl ColumnsOf {
    fn new(file: &HrisFile, mapping: &Mapping) -> Self {
        let c = &mapping.columns;
        let columns = HashMap::from([
            ("externalId", c.employee_id.clone()),
            ("name", c.first_name.clone()),
            ("email", c.work_email.clone()),
            ("title", c.job_title.clone()),
            ("teamExternalId", c.department.clone()),
            ("managerExternalId", c.manager_id.clone()),
            ("startDate", c.hire_date.clone()),
            ("endDate", c.termination_date.clone()),
        ]);
        Self {
            lines: file.rows.iter().map(|r| r.line).collect(),
            columns,
        }
    }

    /// The upsert's problems in `err` as file problems, added to `problems` unless the file
    /// already has one at that line and column; any other error is passed on.
    fn merge(&self, problems: &mut Vec<FileProblem>, err: AppError) -> AppResult<()> {
        let AppError::BadInput(found) = err else {
            return Err(err);
        };
        let mut taken: HashSet<(u64, Option<String>)> = problems
            .iter()
            .map(|p| (p.line, p.column.clone()))
            .collect();
        for p in found {
            let p = self.file_problem(p);
            if taken.insert((p.line, p.column.clone())) {
                problems.push(p);
            }
        }
        problems.sort_by_key(|p| p.line);
        Ok(())
    }

    fn file_problem(&self, problem: InputProblem) -> FileProblem {
        match problem_row(&problem) {
            Some((row, field)) if row < self.lines.len() => FileProblem {
                line: self.lines[row],
                column: self.columns.get(field).cloned(),
                message: problem.message.replace("externalId", "Employee ID"),
            },
            _ => FileProblem {
                line: 1,
                column: None,
                message: problem.message,
            },
        }
    }
}
