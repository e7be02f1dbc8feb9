//! Writes a demo company [`Plan`] to an empty database in one transaction, in multi-row
//! inserts sized for both databases' limits on bound parameters.

use std::collections::HashMap;

use anyhow::{Context, ensure};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, Statement,
    TransactionTrait,
};

use super::Plan;
use super::booking::MeetingPlan;
use super::roster::{PersonPlan, TeamPlan};
use super::schedule::Schedule;
use super::templates::TEMPLATES;
use crate::domain::meeting::{MeetingStatus, TopicCategory};
use entity::{
    action_item, agenda_item, agenda_template, agenda_template_item, meeting, meeting_feedback,
    person, reporting_line, team,
};

/// Rows per multi-row insert of the small tables.
const ROWS_PER_INSERT: usize = 500;

/// Bound parameters per multi-row insert: under SQLite's 32,766 and PostgreSQL's 65,535.
const PARAMETERS_PER_INSERT: usize = 30_000;

/// Inserts the plan in one transaction: teams level by level (a team's parent id must
/// exist first), then people, then reporting lines, then the org-wide agenda templates,
/// meetings and their content, in batches.
pub(super) async fn write(
    db: &DatabaseConnection,
    plan: &Plan,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    ensure!(
        person::Entity::find().one(&txn).await?.is_none()
            && team::Entity::find().one(&txn).await?.is_none(),
        "the database already has people or teams: the demo company only goes into an empty one"
    );
    let team_ids = insert_teams(&txn, &plan.teams, now).await?;
    let person_ids = insert_people(&txn, &plan.people, &team_ids, now).await?;
    let lines = plan.lines.iter().map(|l| reporting_line::ActiveModel {
        person_id: Set(person_ids[l.person]),
        manager_id: Set(l.manager.map(|m| person_ids[m])),
        valid_from: Set(l.valid_from),
        valid_to: Set(l.valid_to),
        ..Default::default()
    });
    insert_batched(&txn, lines.collect()).await?;
    let template_ids = insert_templates(&txn, now).await?;
    let cache = widen_sqlite_cache(&txn).await?;
    insert_schedule(&txn, &plan.schedule, &person_ids, &template_ids, now).await?;
    super::checkins::insert(&txn, &plan.lines, &person_ids, now).await?;
    super::pulse::write(&txn, now).await?;
    super::training::insert_training(&txn, plan, &person_ids, now).await?;
    if let Some(pages) = cache {
        txn.execute_unprepared(&format!("PRAGMA cache_size = {pages}"))
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// On SQLite, a page cache large enough that a million meetings' index pages are not
/// spilled and re-read over and over during the transaction (4x faster); returns the
/// connection's setting to restore before it goes back to the pool.
async fn widen_sqlite_cache(txn: &DatabaseTransaction) -> anyhow::Result<Option<i64>> {
    let backend = txn.get_database_backend();
    if backend != DbBackend::Sqlite {
        return Ok(None);
    }
    let current = txn
        .query_one_raw(Statement::from_string(backend, "PRAGMA cache_size"))
        .await?
        .context("PRAGMA cache_size returned nothing")?
        .try_get_by_index::<i64>(0)?;
    // Negative: KiB rather than pages.
    txn.execute_unprepared("PRAGMA cache_size = -262144")
        .await?;
    Ok(Some(current))
}

/// The org-wide agenda templates and their items; returns their ids in [`TEMPLATES`] order.
async fn insert_templates(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(TEMPLATES.len());
    let mut items = Vec::new();
    for t in &TEMPLATES {
        let stored = agenda_template::ActiveModel {
            name: Set(t.name.to_owned()),
            description: Set(Some(t.description.to_owned())),
            owner_id: Set(None),
            kind: Set(Some(t.kind.as_str().to_owned())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.push(stored.id);
        items.extend(t.items().enumerate().map(|(position, (text, category))| {
            agenda_template_item::ActiveModel {
                template_id: Set(stored.id),
                position: Set(position as i32),
                text: Set(text.to_owned()),
                category: Set(category.as_str().to_owned()),
                ..Default::default()
            }
        }));
    }
    insert_batched(txn, items).await?;
    Ok(ids)
}

/// Meetings in time order, then, for the recent ones (read back by host and time, which
/// the calendar keeps unique), their agenda items, action items and ratings.
async fn insert_schedule(
    txn: &DatabaseTransaction,
    schedule: &Schedule,
    person_ids: &[i64],
    template_ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    insert_meetings(txn, schedule, person_ids, template_ids, now).await?;
    let (first, recent) = recent_meeting_ids(txn, schedule, person_ids).await?;
    let meeting_id = |i: usize| recent[i - first];
    insert_chunked(txn, &schedule.agenda, 6, |a| agenda_item::ActiveModel {
        meeting_id: Set(meeting_id(a.meeting)),
        position: Set(a.position),
        text: Set(a.text.to_owned()),
        category: Set(a.category.as_str().to_owned()),
        added_by: Set(Some(person_ids[a.added_by])),
        discussed: Set(a.discussed),
        ..Default::default()
    })
    .await?;
    insert_chunked(txn, &schedule.actions, 6, |a| action_item::ActiveModel {
        meeting_id: Set(meeting_id(a.meeting)),
        owner_id: Set(person_ids[a.owner]),
        text: Set(a.text.to_owned()),
        due_on: Set(Some(a.due_on)),
        done_at: Set(a.done_at),
        created_at: Set(a.created_at),
        ..Default::default()
    })
    .await?;
    insert_chunked(txn, &schedule.ratings, 5, |r| {
        meeting_feedback::ActiveModel {
            meeting_id: Set(meeting_id(r.meeting)),
            rater_id: Set(person_ids[r.rater]),
            rating: Set(r.rating),
            comment: Set(r.comment.map(str::to_owned)),
            updated_at: Set(r.at),
            ..Default::default()
        }
    })
    .await?;
    Ok(())
}

/// Every meeting, with its agenda counters (the items themselves follow separately).
async fn insert_meetings(
    txn: &DatabaseTransaction,
    schedule: &Schedule,
    person_ids: &[i64],
    template_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut counts = vec![(0, 0); schedule.meetings.len()];
    for a in &schedule.agenda {
        counts[a.meeting].0 += 1;
        counts[a.meeting].1 += i32::from(a.category == TopicCategory::Tactical);
    }
    let numbered: Vec<(usize, &MeetingPlan)> = schedule.meetings.iter().enumerate().collect();
    insert_chunked(txn, &numbered, 13, |&(i, m)| {
        let created_at = (m.at - Duration::days(7)).min(now);
        let ended = m.at + Duration::minutes(i64::from(m.minutes));
        let updated_at = match m.status {
            MeetingStatus::Scheduled => created_at,
            _ => ended.min(now).max(created_at),
        };
        meeting::ActiveModel {
            external_id: Set(None),
            host_id: Set(person_ids[m.host]),
            guest_id: Set(person_ids[m.guest]),
            scheduled_at: Set(m.at),
            duration_minutes: Set(m.minutes),
            status: Set(m.status.as_str().to_owned()),
            kind: Set(m.kind.as_str().to_owned()),
            template_id: Set(m.template.map(|t| template_ids[t])),
            shared_notes: Set(m.notes.map(str::to_owned)),
            agenda_item_count: Set(counts[i].0),
            tactical_item_count: Set(counts[i].1),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
            ..Default::default()
        }
    })
    .await
}

/// The index of the first meeting with content, and the stored ids of it and every later
/// meeting, read back by host and time.
async fn recent_meeting_ids(
    txn: &DatabaseTransaction,
    schedule: &Schedule,
    person_ids: &[i64],
) -> anyhow::Result<(usize, Vec<i64>)> {
    let first = schedule
        .meetings
        .partition_point(|m| m.at < schedule.content_from);
    let stored: HashMap<(i64, DateTime<Utc>), i64> = meeting::Entity::find()
        .select_only()
        .columns([
            meeting::Column::HostId,
            meeting::Column::ScheduledAt,
            meeting::Column::Id,
        ])
        .filter(meeting::Column::ScheduledAt.gte(schedule.content_from))
        .into_tuple::<(i64, DateTime<Utc>, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(host, at, id)| ((host, at), id))
        .collect();
    let recent = schedule.meetings[first..]
        .iter()
        .map(|m| {
            stored
                .get(&(person_ids[m.host], m.at))
                .copied()
                .context("an inserted meeting was not read back")
        })
        .collect::<anyhow::Result<_>>()?;
    Ok((first, recent))
}

/// Inserts `rows` as `A`s of `columns` values each, as many per statement as
/// [`PARAMETERS_PER_INSERT`] allows, building each statement's models only when it is due.
async fn insert_chunked<T, A>(
    txn: &DatabaseTransaction,
    rows: &[T],
    columns: usize,
    model: impl Fn(&T) -> A,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait,
{
    for chunk in rows.chunks(PARAMETERS_PER_INSERT / columns) {
        A::Entity::insert_many(chunk.iter().map(&model))
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The teams, parents first; returns their ids in plan order.
async fn insert_teams(
    txn: &DatabaseTransaction,
    teams: &[TeamPlan],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids: Vec<Option<i64>> = vec![None; teams.len()];
    let deepest = teams.iter().map(|t| t.depth).max().unwrap_or(0);
    for depth in 0..=deepest {
        let level = teams.iter().enumerate().filter(|(_, t)| t.depth == depth);
        let rows = level.clone().map(|(_, t)| team::ActiveModel {
            external_id: Set(t.external_id.clone()),
            name: Set(t.name.clone()),
            parent_id: Set(t.parent.and_then(|p| ids[p])),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        insert_batched(txn, rows.collect()).await?;
        let stored = team_ids(txn).await?;
        for (i, t) in level {
            ids[i] = stored.get(&t.external_id).copied();
        }
    }
    ids.into_iter()
        .map(|id| id.context("an inserted team was not read back"))
        .collect()
}

/// The people; returns their ids in plan order.
async fn insert_people(
    txn: &DatabaseTransaction,
    people: &[PersonPlan],
    team_ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let rows = people.iter().map(|p| person::ActiveModel {
        external_id: Set(p.external_id.clone()),
        name: Set(p.name.clone()),
        email: Set(p.email.clone()),
        title: Set(Some(p.title.clone())),
        team_id: Set(Some(team_ids[p.team])),
        timezone: Set(p.timezone.map(str::to_owned)),
        start_date: Set(Some(p.start_date)),
        end_date: Set(p.end_date),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert_batched(txn, rows.collect()).await?;
    let stored: HashMap<String, i64> = person::Entity::find()
        .select_only()
        .columns([person::Column::ExternalId, person::Column::Id])
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    people
        .iter()
        .map(|p| {
            stored
                .get(&p.external_id)
                .copied()
                .context("an inserted person was not read back")
        })
        .collect()
}

/// Every stored team's id by external id.
async fn team_ids(txn: &DatabaseTransaction) -> Result<HashMap<String, i64>, DbErr> {
    let rows = team::Entity::find()
        .select_only()
        .columns([team::Column::ExternalId, team::Column::Id])
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Multi-row inserts small enough for SQLite's limit on bound parameters.
async fn insert_batched<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Clone,
{
    for batch in rows.chunks(ROWS_PER_INSERT) {
        A::Entity::insert_many(batch.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::tests::now;
    use crate::demo::{generate, seed};
    use migration::MigratorTrait;
    use sea_orm::PaginatorTrait;

    /// The one number a `SELECT COUNT(*) …` returns.
    async fn count_of(db: &DatabaseConnection, sql: &str) -> i64 {
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap()
    }

    /// How many rows `E` has, as a plan's `usize` counts them.
    async fn rows<E: EntityTrait>(db: &DatabaseConnection, _: E) -> usize
    where
        E::Model: Sync,
    {
        E::find().count(db).await.unwrap() as usize
    }

    #[tokio::test]
    async fn seeding_writes_the_company_once_and_refuses_a_second_time() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        migration::Migrator::up(&db, None).await.unwrap();

        let company = seed(&db, 500, 42, now()).await.unwrap();

        assert_eq!(company.people, 500);
        assert_eq!(rows(&db, person::Entity).await, 500);
        let statistics = count_of(
            &db,
            "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'meeting'",
        )
        .await;
        assert!(
            statistics > 0,
            "the planner has statistics of the meetings just written"
        );
        let plan = generate(500, 42, now()).unwrap();
        let s = &plan.schedule;
        assert_eq!(rows(&db, reporting_line::Entity).await, plan.lines.len());
        assert_eq!(company.meetings, s.meetings.len());
        let real = count_of(&db, "SELECT COUNT(*) FROM meeting WHERE practice = FALSE").await;
        assert_eq!(real as usize, s.meetings.len());
        // One training session, and practice 1:1s between those who attended it.
        assert_eq!(rows(&db, entity::training_session::Entity).await, 1);
        let unattended_practice = count_of(
            &db,
            "SELECT COUNT(*) FROM meeting m WHERE m.practice = TRUE AND 2 > (SELECT COUNT(*)              FROM training_attendee a WHERE a.session_id = m.training_session_id              AND a.attended = TRUE AND a.person_id IN (m.host_id, m.guest_id))",
        )
        .await;
        let practice = count_of(&db, "SELECT COUNT(*) FROM meeting WHERE practice = TRUE").await;
        assert!(practice > 0, "the demo has practice 1:1s");
        assert_eq!(unattended_practice, 0);
        assert_eq!(rows(&db, agenda_item::Entity).await, s.agenda.len());
        assert_eq!(rows(&db, action_item::Entity).await, s.actions.len());
        assert_eq!(rows(&db, meeting_feedback::Entity).await, s.ratings.len());
        let templates = agenda_template::Entity::find().all(&db).await.unwrap();
        // Beside the three starter templates every install begins with (a migration writes
        // them), each under its own name.
        assert_eq!(templates.len(), TEMPLATES.len() + 3);
        assert!(templates.iter().all(|t| t.owner_id.is_none()));
        let names: std::collections::HashSet<&str> =
            templates.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names.len(),
            templates.len(),
            "no two templates share a name"
        );
        // Children landed on the meetings they were planned for.
        let misplaced = count_of(
            &db,
            "SELECT COUNT(*) FROM meeting_feedback f JOIN meeting m ON m.id = f.meeting_id \
             WHERE m.status <> 'HELD' OR m.guest_id <> f.rater_id \
             OR m.template_id IS NULL OR m.external_id IS NOT NULL",
        )
        .await;
        assert_eq!(misplaced, 0);
        let error = seed(&db, 500, 42, now()).await.unwrap_err();
        assert!(error.to_string().contains("already has people"), "{error}");
    }
}
