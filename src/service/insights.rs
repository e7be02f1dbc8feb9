//! Insights for managers of managers: coverage of direct and skip-level 1:1s against the
//! effective cadence, overdue pairs, peer 1:1s, tactical share and ratings, for a manager
//! and every manager below them, as of any instant over the org as it was then.
//!
//! Everything is computed set-based, in a fixed number of statements whatever the size of
//! the subtree: one finds every manager–report and skip-level pair in it (recursive CTE);
//! one sums each manager's HELD meetings of the 90 days before `asOf` per 1:1 partner from
//! covering indexes and per-meeting agenda counters (peer count, tactical share, and the
//! latest 1:1 of most pairs); one probes the pair index for the last 1:1 of the pairs
//! without a recent one; quarterly ratings come from frozen per-manager figures. Rust then
//! only applies the cadence policies to those rows; no meeting rows are loaded.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use super::sql::{Sql, employed, id_list, int_col, line_covers, pair_high, pair_low};
use super::{cadence, org};
use crate::auth::{Viewer, access};
use crate::domain::cadence::{Policies, Standing, assess, coverage};
use crate::domain::employment::truncate;
use crate::domain::meeting::{MIN_RATINGS_FOR_AVERAGE, MeetingKind, MeetingStatus, quarter_start};
use crate::error::{AppError, AppResult};

/// Days the peer and tactical figures look back from `asOf` (ratings: the last quarter).
pub const WINDOW_DAYS: i64 = 90;
/// Most points one coverage trend may have.
pub const MAX_TREND_POINTS: usize = 60;

/// One manager–report (or skip-level) pair and when they last held a meeting of that kind.
#[derive(Debug, Clone)]
pub struct Pair {
    pub manager: i64,
    pub report: i64,
    pub last_held: Option<DateTime<Utc>>,
    pub standing: Standing,
    /// Whether the pair's policy says the cadence is required.
    pub required: bool,
}

/// How one manager's 1:1 practice stands at `as_of`.
#[derive(Debug, Clone)]
pub struct CoverageReport {
    pub manager: i64,
    pub as_of: DateTime<Utc>,
    pub direct: Vec<Pair>,
    pub skip_level: Vec<Pair>,
    pub peer_meeting_count: i64,
    pub tactical_share: Option<f64>,
    pub average_rating: Option<f64>,
    /// The same report for every manager below (flat, worst direct coverage first); empty
    /// in those reports themselves.
    pub managers: Vec<CoverageReport>,
}

impl CoverageReport {
    pub fn direct_coverage(&self) -> f64 {
        coverage(&self.direct.iter().map(|p| p.standing).collect::<Vec<_>>())
    }

    pub fn skip_level_coverage(&self) -> f64 {
        coverage(
            &self
                .skip_level
                .iter()
                .map(|p| p.standing)
                .collect::<Vec<_>>(),
        )
    }

    /// Required pairs that are overdue, most overdue first.
    pub fn overdue(&self) -> Vec<(&Pair, i64)> {
        overdue_of(self.direct.iter().chain(&self.skip_level))
    }
}

fn overdue_of<'a>(pairs: impl Iterator<Item = &'a Pair>) -> Vec<(&'a Pair, i64)> {
    let mut out: Vec<(&Pair, i64)> = pairs
        .filter(|p| p.required)
        .filter_map(|p| match p.standing {
            Standing::Overdue { days } => Some((p, days)),
            _ => None,
        })
        .collect();
    out.sort_by_key(|(p, days)| (std::cmp::Reverse(*days), p.manager, p.report));
    out
}

/// Raw pair rows of a subtree: (manager, report, level 1 or 2, line start, last held).
struct PairRow {
    manager: i64,
    report: i64,
    level: i64,
    since: DateTime<Utc>,
    last_held: Option<DateTime<Utc>>,
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
    let sql = format!(
        "WITH RECURSIVE {ctes} \
         SELECT manager_id, person_id, since, CAST(1 AS BIGINT) AS level FROM emp \
         UNION ALL \
         SELECT a.manager_id, b.person_id, \
           CASE WHEN a.since > b.since THEN a.since ELSE b.since END, 2 \
         FROM emp a JOIN emp b ON b.manager_id = a.person_id"
    );
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

/// What the managers of a subtree did in the 90 days before `as_of`, from one pass over
/// each one's HELD meetings there (covering index scans on either side): PEER meetings per
/// manager, and per (manager, other person) their DIRECT and SKIP_LEVEL meetings with the
/// latest one and the summed agenda counters.
#[derive(Debug, Default)]
struct Recent {
    peer_meetings: HashMap<i64, i64>,
    one_on_ones: HashMap<PairKey, RecentOneOnOnes>,
}

/// (manager, other person, level: 1 DIRECT or 2 SKIP_LEVEL).
type PairKey = (i64, i64, i64);

/// A pair's HELD 1:1s of one kind in the window.
#[derive(Debug, Clone, Copy)]
struct RecentOneOnOnes {
    latest: DateTime<Utc>,
    agenda_items: i64,
    tactical_items: i64,
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
             WHERE m.{me}_id IN ({ids}) AND m.status = {held} \
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
    let at = q.bind(as_of);
    let held = q.bind(MeetingStatus::Held.as_str());
    let direct = q.bind(MeetingKind::Direct.as_str());
    let skip = q.bind(MeetingKind::SkipLevel.as_str());
    // Integers only, written into the statement like `id_list`.
    let values = pairs
        .iter()
        .map(|(m, r, level)| format!("({m}, {r}, {level})"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT CAST(v.column1 AS BIGINT) AS mgr, CAST(v.column2 AS BIGINT) AS report, \
           CAST(v.column3 AS BIGINT) AS level, \
           (SELECT MAX(m.scheduled_at) FROM meeting m \
             WHERE {low} = CASE WHEN v.column1 < v.column2 THEN v.column1 ELSE v.column2 END \
               AND {high} = CASE WHEN v.column1 < v.column2 THEN v.column2 ELSE v.column1 END \
               AND m.kind = CASE WHEN v.column3 = 1 THEN {direct} ELSE {skip} END \
               AND m.status = {held} AND m.scheduled_at <= {at}) AS latest \
         FROM (VALUES {values}) v",
        low = pair_low("m"),
        high = pair_high("m"),
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
async fn subtree_pairs(
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
async fn quarter_ratings(
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

/// Assesses raw pairs against the effective policies. `chain_of_root` is everyone above
/// the root at `as_of`; the rest of each manager's chain comes from the pairs themselves.
fn assess_pairs(
    rows: &[PairRow],
    root: i64,
    chain_of_root: &[i64],
    policies: &Policies,
    as_of: DateTime<Utc>,
) -> Vec<(i64, Pair)> {
    let manager_of: HashMap<i64, i64> = rows
        .iter()
        .filter(|r| r.level == 1)
        .map(|r| (r.report, r.manager))
        .collect();
    let chain_from = |manager: i64| -> Vec<i64> {
        let mut chain = vec![manager];
        let mut current = manager;
        while current != root {
            match manager_of.get(&current) {
                Some(&m) if chain.len() <= manager_of.len() => {
                    chain.push(m);
                    current = m;
                }
                _ => break,
            }
        }
        chain.extend_from_slice(chain_of_root);
        chain
    };
    rows.iter()
        .map(|r| {
            let kind = if r.level == 1 {
                MeetingKind::Direct
            } else {
                MeetingKind::SkipLevel
            };
            let p = policies.effective(kind, r.manager, r.report, &chain_from(r.manager));
            (
                r.level,
                Pair {
                    manager: r.manager,
                    report: r.report,
                    last_held: r.last_held,
                    standing: assess(p.every_days, r.since, r.last_held, as_of),
                    required: p.required,
                },
            )
        })
        .collect()
}

/// NOT_FOUND for a manager who is no person at all. Someone with a reporting line now
/// (`in_org_now`) exists, so the common case costs no statement.
async fn ensure_exists(db: &impl ConnectionTrait, manager: i64, in_org_now: bool) -> AppResult<()> {
    if in_org_now || super::people::people_exist(db, &[manager]).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("no such person".into()))
    }
}

/// Checks access and loads what every insight needs: the assessed pairs of `manager`'s
/// subtree and the recent figures of the managers shown.
async fn assessed_pairs(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<(Vec<(i64, Pair)>, Recent)> {
    let chains = org::chains_at(db, &[(manager, now), (manager, as_of)]).await?;
    let current_chain = chains[0].clone().unwrap_or_default();
    access::ensure_can_read_insights(viewer, manager, &current_chain)?;
    ensure_exists(db, manager, chains[0].is_some()).await?;
    let (rows, recent) = subtree_pairs(db, manager, as_of).await?;
    let policies = cadence::load_all(db).await?;
    let chain_then = chains[1].clone().unwrap_or_default();
    let pairs = assess_pairs(&rows, manager, &chain_then, &policies, as_of);
    Ok((pairs, recent))
}

/// The coverage report of `manager` at `as_of`, with the same report for every manager
/// below. Managers see their own subtree; hr_admin anyone's. Ratings are read (and frozen,
/// see [`quarter_ratings`]) only `with_ratings`, when the caller asks for them.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn coverage_report(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
    with_ratings: bool,
) -> AppResult<CoverageReport> {
    let as_of = truncate(as_of);
    let (pairs, recent) = assessed_pairs(db, viewer, manager, as_of, now).await?;
    let mut by_manager: HashMap<i64, (Vec<Pair>, Vec<Pair>)> = HashMap::new();
    by_manager.entry(manager).or_default();
    for (level, pair) in pairs {
        let entry = by_manager.entry(pair.manager).or_default();
        if level == 1 {
            entry.0.push(pair)
        } else {
            entry.1.push(pair)
        }
    }
    // Tactical share: agenda items of DIRECT 1:1s with the people reporting to the
    // manager at `as_of` (not with the manager's own manager).
    let mut agenda: HashMap<i64, (i64, i64)> = HashMap::new();
    for (direct, _) in by_manager.values() {
        for p in direct {
            if let Some(one_on_ones) = recent.one_on_ones.get(&(p.manager, p.report, 1)) {
                let sums = agenda.entry(p.manager).or_default();
                sums.0 += one_on_ones.agenda_items;
                sums.1 += one_on_ones.tactical_items;
            }
        }
    }
    let ratings = if with_ratings {
        // The root and everyone below with a direct report: the reports shown.
        let mut shown: Vec<i64> = by_manager.keys().copied().collect();
        // Sorted, so that the same report reads with the same (cached) statement.
        shown.sort_unstable();
        quarter_ratings(db, &shown, as_of, now).await?
    } else {
        HashMap::new()
    };
    let report_of = |m: i64, (direct, skip_level): (Vec<Pair>, Vec<Pair>)| {
        let (items, tactical) = agenda.get(&m).copied().unwrap_or_default();
        let (rating_sum, rated) = ratings.get(&m).copied().unwrap_or_default();
        CoverageReport {
            manager: m,
            as_of,
            direct,
            skip_level,
            peer_meeting_count: recent.peer_meetings.get(&m).copied().unwrap_or_default(),
            tactical_share: (items > 0).then(|| tactical as f64 / items as f64),
            average_rating: (rated >= MIN_RATINGS_FOR_AVERAGE)
                .then(|| rating_sum as f64 / rated as f64),
            managers: Vec::new(),
        }
    };
    let root_pairs = by_manager.remove(&manager).unwrap_or_default();
    let mut managers: Vec<CoverageReport> = by_manager
        .into_iter()
        .filter(|(_, (direct, _))| !direct.is_empty())
        .map(|(m, pairs)| report_of(m, pairs))
        .collect();
    managers.sort_by(|a, b| {
        a.direct_coverage()
            .total_cmp(&b.direct_coverage())
            .then(a.manager.cmp(&b.manager))
    });
    let mut root = report_of(manager, root_pairs);
    root.managers = managers;
    Ok(root)
}

/// Every overdue required pair in `manager`'s subtree at `as_of`, most overdue first.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn overdue(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Pair, i64)>> {
    let (pairs, _) = assessed_pairs(db, viewer, manager, truncate(as_of), now).await?;
    Ok(overdue_of(pairs.iter().map(|(_, p)| p))
        .into_iter()
        .map(|(p, d)| (p.clone(), d))
        .collect())
}

/// Period length of a coverage trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Week,
    Month,
}

/// One point of a trend: coverage over the whole subtree at the end of a period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    pub at: DateTime<Utc>,
    pub direct_coverage: f64,
    pub skip_level_coverage: f64,
}

/// Direct and skip-level coverage of every pair in `manager`'s subtree (as it was at each
/// point), at the end of each period from `from` to `to`.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn coverage_trend(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    interval: Interval,
    now: DateTime<Utc>,
) -> AppResult<Vec<TrendPoint>> {
    if to <= from {
        return Err(AppError::bad_input("to", "must be after from"));
    }
    let mut points = Vec::new();
    let mut at = truncate(from);
    while at <= to {
        points.push(at);
        if points.len() > MAX_TREND_POINTS {
            return Err(AppError::bad_input(
                "to",
                format!("a trend has at most {MAX_TREND_POINTS} points"),
            ));
        }
        at = match interval {
            Interval::Week => at + Duration::weeks(1),
            Interval::Month => at
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| AppError::bad_input("to", "out of range"))?,
        };
    }
    let chain = org::chains_at(db, &[(manager, now)]).await?.remove(0);
    access::ensure_can_read_insights(viewer, manager, chain.as_deref().unwrap_or_default())?;
    ensure_exists(db, manager, chain.is_some()).await?;
    super::trend::coverage_trend(db, manager, &points).await
}
