//! Managers' quarterly rating figures, frozen per manager and quarter the first time a
//! report shows them, so that no two readings can be told apart to reveal one rating.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

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

/// The managers' rating figures (sum, count) for the last complete quarter before
/// `as_of`, frozen the first time any report shows that quarter: a rating given or changed
/// later, a meeting re-marked or a back-dated reorg cannot move a published average, so
/// no two readings can be told apart to reveal one rating. While the quarter is still
/// running at `now` (a report dated in the future) there are no figures.
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
    let mut found = frozen_ratings(db, managers, start).await?;
    let missing: Vec<i64> = managers
        .iter()
        .copied()
        .filter(|m| !found.contains_key(m))
        .collect();
    if !missing.is_empty() {
        freeze_ratings(db, &missing, start, end, now).await?;
        found.extend(frozen_ratings(db, &missing, start).await?);
    }
    Ok(found)
}

async fn frozen_ratings(
    db: &impl ConnectionTrait,
    managers: &[i64],
    quarter_start: DateTime<Utc>,
) -> AppResult<HashMap<i64, (i64, i64)>> {
    let mut q = Sql::new();
    let start = q.bind(quarter_start);
    let sql = format!(
        "SELECT manager_id, rating_sum, ratings FROM rating_snapshot \
         WHERE quarter_start = {start} AND manager_id IN ({ids})",
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

/// Stores the quarter's figures of `managers`: their reports' ratings of the HELD DIRECT
/// 1:1s they had with the manager in `[start, end)`, counting only people who reported to
/// the manager at the meeting's time. A concurrent reader may have stored them first; the
/// first one stays.
async fn freeze_ratings(
    db: &impl ConnectionTrait,
    managers: &[i64],
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
    let ids = id_list(managers);
    let side = |me: &str, other: &str| {
        format!(
            "SELECT m.id, m.{me}_id AS mgr, m.{other}_id AS other, m.scheduled_at FROM meeting m \
             WHERE m.{me}_id IN ({ids}) AND m.status = {held} AND m.kind = {direct} \
               AND m.scheduled_at >= {qs} AND m.scheduled_at < {qe}"
        )
    };
    let sql = format!(
        "INSERT INTO rating_snapshot (manager_id, quarter_start, rating_sum, ratings, taken_at) \
         SELECT p.id, {qs}, COALESCE(SUM(r.rating), 0), COUNT(r.rating), {taken} \
         FROM person p LEFT JOIN ( \
           SELECT x.mgr, f.rating FROM ({host} UNION ALL {guest}) x \
           JOIN meeting_feedback f ON f.meeting_id = x.id AND f.rater_id = x.other \
           WHERE EXISTS (SELECT 1 FROM reporting_line rl \
             WHERE rl.person_id = x.other AND rl.manager_id = x.mgr \
               AND rl.valid_from <= x.scheduled_at \
               AND (rl.valid_to IS NULL OR rl.valid_to > x.scheduled_at)) \
         ) r ON r.mgr = p.id \
         WHERE p.id IN ({ids}) \
         GROUP BY p.id \
         ON CONFLICT (manager_id, quarter_start) DO NOTHING",
        host = side("host", "guest"),
        guest = side("guest", "host"),
    );
    db.execute_raw(q.statement(db.get_database_backend(), sql))
        .await?;
    Ok(())
}
