//! Insights for managers of managers: coverage of direct and skip-level 1:1s against the
//! effective cadence, overdue pairs, peer 1:1s, tactical share and ratings, for a manager
//! and every manager below them, as of any instant over the org as it was then.
//!
//! Everything is computed set-based: one statement finds every manager–report and
//! skip-level pair in the subtree with the last HELD meeting of each pair (recursive CTE,
//! index lookups per pair), one more aggregates the 90-day figures per manager. Rust then
//! only applies the cadence policies to those rows; no meeting rows are loaded.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use super::sql::{Sql, employed, line_covers};
use super::{org, policies};
use crate::auth::{Viewer, policy};
use crate::domain::cadence::{Policies, Standing, assess, coverage};
use crate::domain::employment::truncate;
use crate::domain::meeting::{
    MIN_RATINGS_FOR_AVERAGE, MeetingKind, MeetingStatus, TopicCategory, quarter_start,
};
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
    let at = q.bind(as_of);
    let held = q.bind(MeetingStatus::Held.as_str());
    let direct = q.bind(MeetingKind::Direct.as_str());
    let skip = q.bind(MeetingKind::SkipLevel.as_str());
    let last = |host: &str, guest: &str| {
        format!(
            "(SELECT MAX(m.scheduled_at) FROM meeting m \
              WHERE m.host_id = pairs.{host} AND m.guest_id = pairs.{guest} AND m.status = {held} \
              AND m.kind = CASE WHEN pairs.level = 1 THEN {direct} ELSE {skip} END \
              AND m.scheduled_at >= pairs.since AND m.scheduled_at <= {at})"
        )
    };
    let sql = format!(
        "WITH RECURSIVE {ctes}, pairs AS ( \
           SELECT manager_id, person_id, since, 1 AS level FROM emp \
           UNION ALL \
           SELECT a.manager_id, b.person_id, \
             CASE WHEN a.since > b.since THEN a.since ELSE b.since END, 2 \
           FROM emp a JOIN emp b ON b.manager_id = a.person_id \
         ) \
         SELECT pairs.manager_id, pairs.person_id, pairs.since, pairs.level, \
           {l1} AS l1, {l2} AS l2 FROM pairs",
        l1 = last("manager_id", "person_id"),
        l2 = last("person_id", "manager_id"),
    );
    let mut out = Vec::new();
    for row in q.all(db, sql).await? {
        let l1: Option<DateTime<Utc>> = row.try_get("", "l1")?;
        let l2: Option<DateTime<Utc>> = row.try_get("", "l2")?;
        out.push(PairRow {
            manager: row.try_get("", "manager_id")?,
            report: row.try_get("", "person_id")?,
            level: row
                .try_get::<i64>("", "level")
                .or_else(|_| row.try_get::<i32>("", "level").map(i64::from))?,
            since: row.try_get("", "since")?,
            last_held: l1.max(l2),
        });
    }
    Ok(out)
}

/// Per-manager figures: peer meetings and tactical share over the 90 days before `as_of`;
/// ratings over the last complete calendar quarter before it.
#[derive(Debug, Default, Clone, Copy)]
struct WindowStats {
    peer_meetings: i64,
    tactical_items: i64,
    agenda_items: i64,
    rating_sum: i64,
    ratings: i64,
}

/// The last complete calendar quarter before `as_of`, as `[start, end)`. Ratings are
/// averaged over such fixed, disjoint periods: over a window sliding with `as_of`, two
/// reports a few days apart could be subtracted to reveal a single rating.
fn previous_quarter(as_of: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let end = quarter_start(as_of);
    (end - chrono::Months::new(3), end)
}

async fn window_stats(
    db: &impl ConnectionTrait,
    root: i64,
    as_of: DateTime<Utc>,
) -> AppResult<HashMap<i64, WindowStats>> {
    let mut q = Sql::new();
    let ctes = subtree_ctes(&mut q, root, as_of);
    let root_p = q.bind(root);
    let at = q.bind(as_of);
    let from = q.bind(as_of - Duration::days(WINDOW_DAYS));
    let held = q.bind(MeetingStatus::Held.as_str());
    let peer = q.bind(MeetingKind::Peer.as_str());
    let direct = q.bind(MeetingKind::Direct.as_str());
    let tactical = q.bind(TopicCategory::Tactical.as_str());
    let window =
        format!("m.status = {held} AND m.scheduled_at > {from} AND m.scheduled_at <= {at}");
    let (quarter_start, quarter_end) = previous_quarter(as_of);
    let (qs, qe) = (q.bind(quarter_start), q.bind(quarter_end));
    let quarter = format!(
        "m.status = {held} AND m.kind = {direct} AND m.scheduled_at >= {qs} AND m.scheduled_at < {qe}"
    );
    // `dm`: each manager's DIRECT 1:1s with the people reporting to them at `as_of`.
    let sql = format!(
        "WITH RECURSIVE {ctes}, \
         mgrs(id) AS (SELECT CAST({root_p} AS BIGINT) UNION SELECT manager_id FROM emp), \
         mm AS ( \
           SELECT m.id, g.id AS mgr, m.guest_id AS other, m.kind FROM mgrs g \
             JOIN meeting m ON m.host_id = g.id WHERE {window} \
           UNION ALL \
           SELECT m.id, g.id, m.host_id, m.kind FROM mgrs g \
             JOIN meeting m ON m.guest_id = g.id WHERE {window} \
         ), \
         dm AS (SELECT mm.id, mm.mgr, mm.other FROM mm \
           JOIN emp ON emp.manager_id = mm.mgr AND emp.person_id = mm.other WHERE mm.kind = {direct}), \
         rq AS ( \
           SELECT m.id, g.id AS mgr, m.guest_id AS other, m.scheduled_at FROM mgrs g \
             JOIN meeting m ON m.host_id = g.id WHERE {quarter} \
           UNION ALL \
           SELECT m.id, g.id, m.host_id, m.scheduled_at FROM mgrs g \
             JOIN meeting m ON m.guest_id = g.id WHERE {quarter} \
         ), \
         rd AS (SELECT rq.id, rq.mgr, rq.other FROM rq WHERE EXISTS ( \
           SELECT 1 FROM reporting_line rl WHERE rl.person_id = rq.other AND rl.manager_id = rq.mgr \
             AND rl.valid_from <= rq.scheduled_at AND (rl.valid_to IS NULL OR rl.valid_to > rq.scheduled_at))) \
         SELECT mgrs.id AS mgr, \
           COALESCE(pc.n, 0) AS peer_meetings, COALESCE(t.tactical, 0) AS tactical_items, \
           COALESCE(t.n, 0) AS agenda_items, COALESCE(r.total, 0) AS rating_sum, \
           COALESCE(r.n, 0) AS ratings \
         FROM mgrs \
         LEFT JOIN (SELECT mgr, COUNT(*) AS n FROM mm WHERE kind = {peer} GROUP BY mgr) pc \
           ON pc.mgr = mgrs.id \
         LEFT JOIN (SELECT dm.mgr, SUM(CASE WHEN ai.category = {tactical} THEN 1 ELSE 0 END) AS tactical, \
             COUNT(*) AS n FROM dm JOIN agenda_item ai ON ai.meeting_id = dm.id GROUP BY dm.mgr) t \
           ON t.mgr = mgrs.id \
         LEFT JOIN (SELECT rd.mgr, SUM(f.rating) AS total, COUNT(*) AS n FROM rd \
             JOIN meeting_feedback f ON f.meeting_id = rd.id AND f.rater_id = rd.other \
             GROUP BY rd.mgr) r \
           ON r.mgr = mgrs.id"
    );
    let mut out = HashMap::new();
    for row in q.all(db, sql).await? {
        let get = |col: &str| -> Result<i64, sea_orm::DbErr> {
            row.try_get::<i64>("", col)
                .or_else(|_| row.try_get::<i32>("", col).map(i64::from))
                .or_else(|_| {
                    row.try_get::<sea_orm::prelude::Decimal>("", col)
                        .map(|d| d.try_into().unwrap_or_default())
                })
        };
        out.insert(
            get("mgr")?,
            WindowStats {
                peer_meetings: get("peer_meetings")?,
                tactical_items: get("tactical_items")?,
                agenda_items: get("agenda_items")?,
                rating_sum: get("rating_sum")?,
                ratings: get("ratings")?,
            },
        );
    }
    Ok(out)
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
    if in_org_now || policies::people_exist(db, &[manager]).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("no such person".into()))
    }
}

/// Checks access and loads what every insight needs: the pairs of `manager`'s subtree.
async fn assessed_pairs(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<(i64, Pair)>> {
    let chains = org::chains_at(db, &[(manager, now), (manager, as_of)]).await?;
    let current_chain = chains[0].clone().unwrap_or_default();
    policy::ensure_can_read_insights(viewer, manager, &current_chain)?;
    ensure_exists(db, manager, chains[0].is_some()).await?;
    let rows = pair_rows(db, manager, as_of).await?;
    let policies = policies::load_all(db).await?;
    let chain_then = chains[1].clone().unwrap_or_default();
    Ok(assess_pairs(&rows, manager, &chain_then, &policies, as_of))
}

/// The coverage report of `manager` at `as_of`, with the same report for every manager
/// below. Managers see their own subtree; hr_admin anyone's.
#[tracing::instrument(skip(db, viewer))]
pub async fn coverage_report(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<CoverageReport> {
    let as_of = truncate(as_of);
    let pairs = assessed_pairs(db, viewer, manager, as_of, now).await?;
    let stats = window_stats(db, manager, as_of).await?;
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
    let report_of = |m: i64, (direct, skip_level): (Vec<Pair>, Vec<Pair>)| {
        let s = stats.get(&m).copied().unwrap_or_default();
        CoverageReport {
            manager: m,
            as_of,
            direct,
            skip_level,
            peer_meeting_count: s.peer_meetings,
            tactical_share: (s.agenda_items > 0)
                .then(|| s.tactical_items as f64 / s.agenda_items as f64),
            average_rating: (s.ratings >= MIN_RATINGS_FOR_AVERAGE)
                .then(|| s.rating_sum as f64 / s.ratings as f64),
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
#[tracing::instrument(skip(db, viewer))]
pub async fn overdue(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Pair, i64)>> {
    let pairs = assessed_pairs(db, viewer, manager, truncate(as_of), now).await?;
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
#[tracing::instrument(skip(db, viewer))]
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
    policy::ensure_can_read_insights(viewer, manager, chain.as_deref().unwrap_or_default())?;
    ensure_exists(db, manager, chain.is_some()).await?;
    super::trend::coverage_trend(db, manager, &points).await
}
