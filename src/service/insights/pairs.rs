//! The pairs of a subtree at an instant, read set-based: every manager–report and
//! skip-level pair (one recursive statement), what each manager did in the window before
//! the instant (one pass over their HELD meetings), and the last 1:1 of the pairs without
//! a recent one (one probe of the pair index per pair).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use crate::domain::meeting::{MeetingKind, MeetingStatus};
use crate::error::AppResult;
use crate::service::sql::{Sql, employed, id_list, int_col, line_covers, pair_high, pair_low};

/// Days the peer and tactical figures look back from `asOf` (ratings: the last quarter).
pub const WINDOW_DAYS: i64 = 90;

/// Raw pair rows of a subtree: (manager, report, level 1 or 2, line start, last held).
pub(super) struct PairRow {
    pub(super) manager: i64,
    pub(super) report: i64,
    pub(super) level: i64,
    pub(super) since: DateTime<Utc>,
    pub(super) last_held: Option<DateTime<Utc>>,
}

/// The subtree of `root` at `as_of` as a `sub(manager_id, person_id, since, depth)` CTE
/// plus `emp`: the same rows limited to people employed then.
fn subtree_ctes(q: &mut Sql, root: i64, as_of: DateTime<Utc>) -> String {
    let root = q.bind(root);
    let at = q.bind(as_of);
    let day = q.bind(as_of.date_naive());
    format!(
        "sub(manager_id, person_id, since, depth) AS ( \
           SELECT rl.manager_id, rl.person_id, rl.valid_from, 1 FROM reporting_line rl \
           WHERE rl.manager_id = {root} AND {covers_rl} \
           UNION ALL \
           SELECT nx.manager_id, nx.person_id, nx.valid_from, sub.depth + 1 FROM sub \
           JOIN reporting_line nx ON nx.manager_id = sub.person_id \
           WHERE {covers_nx} AND sub.depth < 256 \
         ), emp AS ( \
           SELECT sub.manager_id, sub.person_id, sub.since FROM sub \
           JOIN person p ON p.id = sub.person_id WHERE {employed} \
         )",
        covers_rl = line_covers("rl", &at),
        covers_nx = line_covers("nx", &at),
        employed = employed(&day),
    )
}

async fn pair_rows(
    db: &impl ConnectionTrait,
    root: i64,
    as_of: DateTime<Utc>,
) -> AppResult<Vec<PairRow>> {
    let mut q = Sql::new();
    let ctes = subtree_ctes(&mut q, root, as_of);
    let sql = format!("WITH RECURSIVE {ctes} {}", pairs_of_emp());
    let mut out = Vec::new();
    for row in q.all(db, sql).await? {
        out.push(PairRow {
            manager: row.try_get("", "manager_id")?,
            report: row.try_get("", "person_id")?,
            level: int_col(&row, "level")?,
            since: row.try_get("", "since")?,
            last_held: None,
        });
    }
    Ok(out)
}

/// Every manager–report (level 1) and skip-level (level 2) pair of the `emp` CTE, with the
/// later start of the lines joining them: `(manager_id, person_id, since, level)`.
fn pairs_of_emp() -> &'static str {
    "SELECT manager_id, person_id, since, CAST(1 AS BIGINT) AS level FROM emp \
     UNION ALL \
     SELECT a.manager_id, b.person_id, \
       CASE WHEN a.since > b.since THEN a.since ELSE b.since END, 2 \
     FROM emp a JOIN emp b ON b.manager_id = a.person_id"
}

/// The last HELD meeting (not a practice 1:1) at or before `as_of` between the pair
/// `(mgr, report)` (SQL expressions) of kind DIRECT for `level` 1, SKIP_LEVEL for 2: a scalar subquery that is
/// one backward probe of the pair index, whichever of the two hosted.
fn last_held_probe(
    q: &mut Sql,
    mgr: &str,
    report: &str,
    level: &str,
    as_of: DateTime<Utc>,
) -> String {
    let at = q.bind(as_of);
    let held = q.bind(MeetingStatus::Held.as_str());
    let direct = q.bind(MeetingKind::Direct.as_str());
    let skip = q.bind(MeetingKind::SkipLevel.as_str());
    format!(
        "(SELECT MAX(m.scheduled_at) FROM meeting m \
           WHERE {low} = CASE WHEN {mgr} < {report} THEN {mgr} ELSE {report} END \
             AND {high} = CASE WHEN {mgr} < {report} THEN {report} ELSE {mgr} END \
             AND m.kind = CASE WHEN {level} = 1 THEN {direct} ELSE {skip} END \
             AND m.status = {held} AND m.practice = FALSE AND m.scheduled_at <= {at})",
        low = pair_low("m"),
        high = pair_high("m"),
    )
}

/// Every manager–report and skip-level pair of the whole org at `as_of` (people employed
/// then, on a reporting line then) with their last HELD 1:1 of the pair's kind since the
/// line began: one statement, the same pairs and the same probe as a subtree's
/// ([`subtree_pairs`]) but over every reporting line at once. Scheduled checks over the
/// whole org (the overdue reminders) read this.
pub(super) async fn org_pairs(
    db: &impl ConnectionTrait,
    as_of: DateTime<Utc>,
) -> AppResult<Vec<PairRow>> {
    let mut q = Sql::new();
    let at = q.bind(as_of);
    let day = q.bind(as_of.date_naive());
    let probe = last_held_probe(&mut q, "x.manager_id", "x.person_id", "x.level", as_of);
    let sql = format!(
        "WITH emp AS ( \
           SELECT rl.manager_id, rl.person_id, rl.valid_from AS since FROM reporting_line rl \
           JOIN person p ON p.id = rl.person_id \
           WHERE rl.manager_id IS NOT NULL AND {covers} AND {employed} \
         ), x AS ({pairs}) \
         SELECT x.manager_id, x.person_id, x.since, x.level, {probe} AS latest FROM x",
        covers = line_covers("rl", &at),
        employed = employed(&day),
        pairs = pairs_of_emp(),
    );
    let mut out = Vec::new();
    for row in q.all(db, sql).await? {
        let since: DateTime<Utc> = row.try_get("", "since")?;
        let latest: Option<DateTime<Utc>> = row.try_get("", "latest")?;
        out.push(PairRow {
            manager: row.try_get("", "manager_id")?,
            report: row.try_get("", "person_id")?,
            level: int_col(&row, "level")?,
            since,
            // As for a subtree: a latest meeting older than the line is none since it began.
            last_held: latest.filter(|t| *t >= since),
        });
    }
    Ok(out)
}

/// What the managers of a subtree did in the 90 days before `as_of`, from one pass over
/// each one's HELD meetings there (practice 1:1s left out) (covering index scans on either side): PEER meetings per
/// manager, and per (manager, other person) their DIRECT and SKIP_LEVEL meetings with the
/// latest one and the summed agenda counters.
#[derive(Debug, Default)]
pub(super) struct Recent {
    pub(super) peer_meetings: HashMap<i64, i64>,
    pub(super) one_on_ones: HashMap<PairKey, RecentOneOnOnes>,
}

/// (manager, other person, level: 1 DIRECT or 2 SKIP_LEVEL).
pub(super) type PairKey = (i64, i64, i64);

/// A pair's HELD 1:1s of one kind in the window.
#[derive(Debug, Clone, Copy)]
pub(super) struct RecentOneOnOnes {
    latest: DateTime<Utc>,
    pub(super) agenda_items: i64,
    pub(super) tactical_items: i64,
}

async fn recent_meetings(
    db: &impl ConnectionTrait,
    managers: &[i64],
    as_of: DateTime<Utc>,
) -> AppResult<Recent> {
    let mut q = Sql::new();
    let at = q.bind(as_of);
    let from = q.bind(as_of - Duration::days(WINDOW_DAYS));
    let held = q.bind(MeetingStatus::Held.as_str());
    let peer = q.bind(MeetingKind::Peer.as_str());
    let direct = q.bind(MeetingKind::Direct.as_str());
    let skip = q.bind(MeetingKind::SkipLevel.as_str());
    let ids = id_list(managers);
    let side = |me: &str, other: &str| {
        format!(
            "SELECT m.{me}_id AS mgr, m.{other}_id AS other, m.kind, m.scheduled_at, \
               m.agenda_item_count AS items, m.tactical_item_count AS tactical FROM meeting m \
             WHERE m.{me}_id IN ({ids}) AND m.status = {held} AND m.practice = FALSE \
               AND m.kind IN ({peer}, {direct}, {skip}) \
               AND m.scheduled_at > {from} AND m.scheduled_at <= {at}"
        )
    };
    // PEER meetings collapse to one row per manager (no `other`).
    let sql = format!(
        "SELECT s.mgr, CASE WHEN s.kind = {peer} THEN NULL ELSE s.other END AS other, \
           CAST(CASE WHEN s.kind = {direct} THEN 1 WHEN s.kind = {skip} THEN 2 ELSE 0 END AS BIGINT) \
             AS level, \
           COUNT(*) AS meetings, MAX(s.scheduled_at) AS latest, \
           SUM(s.items) AS items, SUM(s.tactical) AS tactical \
         FROM ({host} UNION ALL {guest}) s \
         GROUP BY s.mgr, CASE WHEN s.kind = {peer} THEN NULL ELSE s.other END, \
           CASE WHEN s.kind = {direct} THEN 1 WHEN s.kind = {skip} THEN 2 ELSE 0 END",
        host = side("host", "guest"),
        guest = side("guest", "host"),
    );
    let mut out = Recent::default();
    for row in q.all(db, sql).await? {
        let manager = int_col(&row, "mgr")?;
        let level = int_col(&row, "level")?;
        match row.try_get::<Option<i64>>("", "other")? {
            None => {
                *out.peer_meetings.entry(manager).or_default() += int_col(&row, "meetings")?;
            }
            Some(other) => {
                out.one_on_ones.insert(
                    (manager, other, level),
                    RecentOneOnOnes {
                        latest: row.try_get("", "latest")?,
                        agenda_items: int_col(&row, "items")?,
                        tactical_items: int_col(&row, "tactical")?,
                    },
                );
            }
        }
    }
    Ok(out)
}

/// The last HELD meeting at or before `as_of` of each `(manager, report, level)` pair (of
/// kind DIRECT for level 1, SKIP_LEVEL for 2): one backward probe of the pair index per
/// pair, whichever of the two hosted. Only pairs without a meeting in the recent window
/// come here.
async fn last_held(
    db: &impl ConnectionTrait,
    pairs: &[PairKey],
    as_of: DateTime<Utc>,
) -> AppResult<HashMap<PairKey, DateTime<Utc>>> {
    let mut out = HashMap::new();
    if pairs.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::new();
    let probe = last_held_probe(&mut q, "v.column1", "v.column2", "v.column3", as_of);
    // Integers only, written into the statement like `id_list`.
    let values = pairs
        .iter()
        .map(|(m, r, level)| format!("({m}, {r}, {level})"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT CAST(v.column1 AS BIGINT) AS mgr, CAST(v.column2 AS BIGINT) AS report, \
           CAST(v.column3 AS BIGINT) AS level, {probe} AS latest \
         FROM (VALUES {values}) v"
    );
    for row in q.all(db, sql).await? {
        if let Some(latest) = row.try_get::<Option<DateTime<Utc>>>("", "latest")? {
            out.insert(
                (
                    int_col(&row, "mgr")?,
                    int_col(&row, "report")?,
                    int_col(&row, "level")?,
                ),
                latest,
            );
        }
    }
    Ok(out)
}

/// The pairs of `root`'s subtree at `as_of` with their last HELD meeting since the line
/// began, and the recent figures of every manager shown (the root, and everyone below with
/// a direct report).
pub(super) async fn subtree_pairs(
    db: &impl ConnectionTrait,
    root: i64,
    as_of: DateTime<Utc>,
) -> AppResult<(Vec<PairRow>, Recent)> {
    let mut rows = pair_rows(db, root, as_of).await?;
    let mut managers: Vec<i64> = rows
        .iter()
        .filter(|r| r.level == 1)
        .map(|r| r.manager)
        .chain([root])
        .collect();
    managers.sort_unstable();
    managers.dedup();
    let recent = recent_meetings(db, &managers, as_of).await?;
    let mut missing = Vec::new();
    for row in &mut rows {
        match recent
            .one_on_ones
            .get(&(row.manager, row.report, row.level))
        {
            Some(recent) => row.last_held = Some(recent.latest),
            None => missing.push((row.manager, row.report, row.level)),
        }
    }
    let older = last_held(db, &missing, as_of).await?;
    for row in &mut rows {
        if row.last_held.is_none() {
            row.last_held = older.get(&(row.manager, row.report, row.level)).copied();
        }
        // The latest meeting overall is older than the line: none since it began.
        row.last_held = row.last_held.filter(|t| *t >= row.since);
    }
    Ok((rows, recent))
}

/// A manager with reports, the director above them at an instant (their manager then) and
/// the pair's last check-in: by that director, since the reporting line between the two
/// began, at or before the instant.
pub(super) struct CheckInRow {
    pub(super) manager: i64,
    pub(super) director: i64,
    pub(super) since: DateTime<Utc>,
    pub(super) last_at: Option<DateTime<Utc>>,
}

/// The check-in pair of each of `managers` at `as_of` (those with a director employed
/// then): one statement, a probe of `idx_check_in_pair` per manager. A manager who moved
/// under a new director has a new line, so the old director's check-ins (another asker,
/// and before the line began) never count.
pub(super) async fn check_in_rows(
    db: &impl ConnectionTrait,
    managers: &[i64],
    as_of: DateTime<Utc>,
) -> AppResult<Vec<CheckInRow>> {
    if managers.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new();
    let at = q.bind(as_of);
    let day = q.bind(as_of.date_naive());
    let sql = format!(
        "SELECT rl.person_id AS manager_id, rl.manager_id AS director_id, rl.valid_from AS since, \
           (SELECT MAX(c.at) FROM check_in c \
             WHERE c.manager_id = rl.person_id AND c.asker_id = rl.manager_id \
               AND c.at >= rl.valid_from AND c.at <= {at}) AS last_at \
         FROM reporting_line rl JOIN person p ON p.id = rl.manager_id \
         WHERE rl.person_id IN ({ids}) AND rl.manager_id IS NOT NULL AND {covers} AND {employed}",
        ids = id_list(managers),
        covers = line_covers("rl", &at),
        employed = employed(&day),
    );
    let mut out = Vec::new();
    for row in q.all(db, sql).await? {
        out.push(CheckInRow {
            manager: row.try_get("", "manager_id")?,
            director: row.try_get("", "director_id")?,
            since: row.try_get("", "since")?,
            last_at: row.try_get("", "last_at")?,
        });
    }
    Ok(out)
}
