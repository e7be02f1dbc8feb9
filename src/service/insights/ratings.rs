//! Managers' quarterly rating figures: frozen per quarter once the quarter has ended, by a
//! write path of their own ([`freeze_ended_quarters`]: `serve` on a schedule and
//! `cadence freeze-ratings`), and only read by reports. A report never writes, so it can
//! run on a read-only replica; a quarter that has ended but is not frozen yet shows no
//! figures, as one still running does, never live ones that could move.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use entity::{meeting, rating_quarter};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::domain::meeting::{MeetingKind, MeetingStatus, quarter_start};
use crate::error::AppResult;
use crate::service::sql::{Sql, id_list, int_col};

/// The last complete calendar quarter before `as_of`, as `[start, end)`. Ratings are
/// averaged over such fixed, disjoint periods: over a window sliding with `as_of`, two
/// reports a few days apart could be subtracted to reveal a single rating.
fn previous_quarter(as_of: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let end = quarter_start(as_of);
    (end - chrono::Months::new(3), end)
}

/// The managers' frozen rating figures (sum, count) for the last complete quarter before
/// `as_of`. A rating given or changed after the quarter was frozen, a meeting re-marked or
/// a back-dated reorg cannot move a published average, so no two readings can be told
/// apart to reveal one rating. No figures while the quarter is still running at `now` (a
/// report dated in the future) or not yet frozen; a manager without a row had no rating.
/// One statement, and never a write.
pub(super) async fn quarter_ratings(
    db: &impl ConnectionTrait,
    managers: &[i64],
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, (i64, i64)>> {
    let (start, end) = previous_quarter(as_of);
    if end > now || managers.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Sql::new();
    let start = q.bind(start);
    let sql = format!(
        "SELECT s.manager_id, s.rating_sum, s.ratings FROM rating_snapshot s \
         JOIN rating_quarter q ON q.quarter_start = s.quarter_start \
         WHERE s.quarter_start = {start} AND s.manager_id IN ({ids})",
        ids = id_list(managers),
    );
    let mut out = HashMap::new();
    for row in q.all(db, sql).await? {
        out.insert(
            int_col(&row, "manager_id")?,
            (int_col(&row, "rating_sum")?, int_col(&row, "ratings")?),
        );
    }
    Ok(out)
}

/// Freezes the rating figures of every calendar quarter that ended by `now` and is not
/// frozen yet, from the quarter of the first meeting on; returns the starts of the
/// quarters it froze. Each quarter is one transaction that first claims the quarter's
/// `rating_quarter` row (`ON CONFLICT DO NOTHING`): of several instances freezing at once,
/// one writes the figures and the others skip it, so a quarter's figures are written once
/// and never move. Already frozen quarters cost one read of the (small) marker table.
///
/// A system job, not an operation on behalf of a viewer: it writes figures no one sees
/// until a report shows them, under the access rules of the report.
#[tracing::instrument(skip(db))]
pub async fn freeze_ended_quarters(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> AppResult<Vec<DateTime<Utc>>> {
    let first: Option<DateTime<Utc>> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::ScheduledAt)
        .order_by_asc(meeting::Column::ScheduledAt)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let Some(first) = first else {
        return Ok(Vec::new());
    };
    let frozen: BTreeSet<DateTime<Utc>> = rating_quarter::Entity::find()
        .select_only()
        .column(rating_quarter::Column::QuarterStart)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut froze = Vec::new();
    let mut start = quarter_start(first);
    loop {
        let end = start + chrono::Months::new(3);
        if end > now {
            break;
        }
        if !frozen.contains(&start) && freeze_quarter(db, start, end, now).await? {
            froze.push(start);
        }
        start = end;
    }
    if !froze.is_empty() {
        tracing::info!(quarters = froze.len(), "rating figures frozen");
    }
    Ok(froze)
}

/// Freezes one quarter `[start, end)` unless another transaction has: `false` then.
async fn freeze_quarter(
    db: &DatabaseConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let txn = db.begin().await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // A job, not a request: a quarter of a large org may outlast a request's
        // statement timeout, and nothing waits on it.
        txn.execute_unprepared("SET LOCAL statement_timeout = '5min'")
            .await?;
    }
    // Claimed first: a concurrent freezer of the same quarter waits here for this
    // transaction and then finds the row (PostgreSQL); SQLite runs one writer at a time.
    let claimed = rating_quarter::Entity::insert(rating_quarter::ActiveModel {
        quarter_start: Set(start),
        frozen_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(rating_quarter::Column::QuarterStart)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if claimed == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    store_figures(&txn, start, end, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// Stores the quarter's figures of every manager rated in it: their reports' ratings of
/// the HELD DIRECT 1:1s they had with the manager in `[start, end)`, counting only people
/// who reported to the manager at the meeting's time. Managers without such a rating get
/// no row (no figures, as below three ratings). Rows an earlier version stored on first
/// read stay as they were published (`ON CONFLICT DO NOTHING`).
async fn store_figures(
    db: &impl ConnectionTrait,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut q = Sql::new();
    let qs = q.bind(start);
    let qe = q.bind(end);
    let held = q.bind(MeetingStatus::Held.as_str());
    let direct = q.bind(MeetingKind::Direct.as_str());
    let taken = q.bind(now);
    let sql = format!(
        "INSERT INTO rating_snapshot (manager_id, quarter_start, rating_sum, ratings, taken_at) \
         SELECT r.mgr, {qs}, SUM(r.rating), COUNT(*), {taken} FROM ( \
           SELECT CASE WHEN f.rater_id = m.host_id THEN m.guest_id ELSE m.host_id END AS mgr, \
                  f.rater_id AS rater, f.rating, m.scheduled_at \
           FROM meeting m JOIN meeting_feedback f ON f.meeting_id = m.id \
           WHERE m.status = {held} AND m.kind = {direct} AND m.practice = FALSE \
             AND m.scheduled_at >= {qs} AND m.scheduled_at < {qe} \
             AND f.rater_id IN (m.host_id, m.guest_id) \
         ) r \
         WHERE EXISTS (SELECT 1 FROM reporting_line rl \
             WHERE rl.person_id = r.rater AND rl.manager_id = r.mgr \
               AND rl.valid_from <= r.scheduled_at \
               AND (rl.valid_to IS NULL OR rl.valid_to > r.scheduled_at)) \
         GROUP BY r.mgr \
         ON CONFLICT (manager_id, quarter_start) DO NOTHING",
    );
    db.execute_raw(q.statement(db.get_database_backend(), sql))
        .await?;
    Ok(())
}
