//! The coverage trend of a subtree: direct and skip-level coverage at each of a series of
//! points, computed in one statement over the whole period instead of one per point.
//!
//! The statement walks the reporting lines once, with time spans: each row of the walk is a
//! line of the subtree with the span `[lo, hi)` (epoch seconds) during which it belonged to
//! the subtree along that path, and the cadence override its manager inherits from the
//! subtree above (with the span during which that inheritance holds). Pairs are those rows,
//! and two-level joins of them, cut to the employment of the people involved. For each pair,
//! the start of its line and its HELD meetings are anchors; from an anchor's due date (anchor
//! plus cadence) to the next anchor, the pair is overdue. The statement only counts where
//! such overdue stretches and the pairs themselves begin and end, per point (the first point
//! at or after each instant), and Rust adds the counts up from point to point. What the
//! org above the root contributes (overrides in the root's own chain, the org-wide policy,
//! the built-in one) is resolved in Rust for each point.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::sql::{Sql, epoch, greatest, int_col, least};
use super::{cadence, org};
use crate::domain::cadence::Policies;
use crate::domain::meeting::{MeetingKind, MeetingStatus};
use crate::error::AppResult;

/// Longest reporting chain followed below the root, as the per-instant walks do.
const MAX_DEPTH: i64 = 256;

const DAY_SECONDS: i64 = 86_400;

/// Consecutive points over which the policy inherited from above the root is the same:
/// `[lo, hi)` in epoch seconds, with the DIRECT and SKIP_LEVEL cadences in days.
struct Segment {
    lo: i64,
    hi: i64,
    direct: Option<i32>,
    skip_level: Option<i32>,
}

/// Splits `points` where the cadence inherited from above the root changes. The first
/// segment starts at the first point and the last one ends after the last point.
fn segments(points: &[i64], above: &[(Option<i32>, Option<i32>)], end: i64) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (at, (direct, skip_level)) in points.iter().zip(above) {
        if let Some(last) = out.last_mut() {
            if (last.direct, last.skip_level) == (*direct, *skip_level) {
                continue;
            }
            last.hi = *at;
        }
        out.push(Segment {
            lo: *at,
            hi: end,
            direct: *direct,
            skip_level: *skip_level,
        });
    }
    out
}

/// `CASE` expression giving the index of the first of `points[a..b]` at or after `x`, or
/// `b` when there is none: a balanced tree of comparisons, a few per row.
fn bucket(q: &mut Sql, x: &str, points: &[i64], a: usize, b: usize) -> String {
    if a == b {
        return a.to_string();
    }
    let mid = (a + b) / 2;
    let at = q.bind(points[mid]);
    let left = bucket(q, x, points, a, mid);
    let right = bucket(q, x, points, mid + 1, b);
    format!("CASE WHEN {x} <= {at} THEN {left} ELSE {right} END")
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

/// Direct and skip-level coverage of every pair in `root`'s subtree, as it was at each of
/// `points` (ascending, whole seconds). A fixed number of statements, whatever the size of
/// the org or the number of points.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn coverage_trend(
    db: &impl ConnectionTrait,
    root: i64,
    points: &[DateTime<Utc>],
) -> AppResult<Vec<TrendPoint>> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(Vec::new());
    };
    let policies = cadence::load_all(db).await?;
    let above = inherited_above(db, root, points, &policies).await?;
    let instants: Vec<i64> = points.iter().map(|t| t.timestamp()).collect();
    let window = Window {
        root,
        first: *first,
        last: *last,
        points: &instants,
        above: &above,
    };
    let stmt = statement(db.get_database_backend(), &window, &policies);
    let mut rows = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        rows.push((
            int_col(&row, "bucket")?,
            int_col(&row, "level")?,
            int_col(&row, "overdue")?,
            int_col(&row, "pairs")?,
        ));
    }
    Ok(add_up(points, rows))
}

/// The DIRECT and SKIP_LEVEL cadences `root`'s subtree inherits from above the root (its
/// own chain's overrides, the org-wide policy, the built-in one) at each of `points`.
async fn inherited_above(
    db: &impl ConnectionTrait,
    root: i64,
    points: &[DateTime<Utc>],
    policies: &Policies,
) -> AppResult<Vec<(Option<i32>, Option<i32>)>> {
    let asks: Vec<(i64, DateTime<Utc>)> = points.iter().map(|at| (root, *at)).collect();
    let chains = org::chains_at(db, &asks).await?;
    Ok(chains
        .iter()
        .map(|chain| {
            let chain = chain.as_deref().unwrap_or_default();
            (
                policies.inherited(MeetingKind::Direct, chain).every_days,
                policies.inherited(MeetingKind::SkipLevel, chain).every_days,
            )
        })
        .collect())
}

/// Adds the statement's rows `(point index, level, change in overdue pairs, change in
/// pairs)` up from point to point into each point's coverage.
fn add_up(points: &[DateTime<Utc>], rows: Vec<(i64, i64, i64, i64)>) -> Vec<TrendPoint> {
    let mut per_point = vec![[(0i64, 0i64); 2]; points.len()];
    for (bucket, level, overdue, pairs) in rows {
        if let (Some(point), 1..=2) = (per_point.get_mut(bucket as usize), level) {
            let slot = &mut point[level as usize - 1];
            slot.0 += overdue;
            slot.1 += pairs;
        }
    }
    let mut running = [(0i64, 0i64); 2];
    let share = |(overdue, pairs): (i64, i64)| {
        if pairs <= 0 {
            1.0
        } else {
            (pairs - overdue) as f64 / pairs as f64
        }
    };
    points
        .iter()
        .zip(per_point)
        .map(|(at, deltas)| {
            for (sum, d) in running.iter_mut().zip(deltas) {
                sum.0 += d.0;
                sum.1 += d.1;
            }
            TrendPoint {
                at: *at,
                direct_coverage: share(running[0]),
                skip_level_coverage: share(running[1]),
            }
        })
        .collect()
}

/// What one trend statement covers: `root`'s subtree at `points` (epoch seconds, from
/// `first` to `last`), with the cadences inherited from above the root at each.
struct Window<'a> {
    root: i64,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    points: &'a [i64],
    above: &'a [(Option<i32>, Option<i32>)],
}

/// The placeholders of the values every part of the statement refers to, and the backend
/// its fragments are written for. The window is `[t0, t1)` in epoch seconds,
/// `[from_ts, end_ts)` as instants.
struct Binds {
    backend: DbBackend,
    t0: String,
    t1: String,
    from_ts: String,
    end_ts: String,
    floor_ts: String,
    root: String,
    max_depth: String,
    direct: String,
    skip: String,
    held: String,
    day: String,
}

impl Binds {
    fn new(q: &mut Sql, backend: DbBackend, w: &Window, policies: &Policies) -> Self {
        let longest = i64::from(policies.longest_every_days().max(0));
        Self {
            backend,
            t0: q.bind(w.first.timestamp()),
            t1: q.bind(w.last.timestamp() + 1),
            from_ts: q.bind(w.first),
            end_ts: q.bind(w.last + Duration::seconds(1)),
            // Meetings older than the longest cadence before the first point cover no point.
            floor_ts: q.bind(w.first - Duration::days(longest)),
            root: q.bind(w.root),
            max_depth: q.bind(MAX_DEPTH),
            direct: q.bind(MeetingKind::Direct.as_str()),
            skip: q.bind(MeetingKind::SkipLevel.as_str()),
            held: q.bind(MeetingStatus::Held.as_str()),
            day: q.bind(DAY_SECONDS),
        }
    }

    fn ep(&self, x: &str) -> String {
        epoch(self.backend, x)
    }

    fn g(&self, xs: &[&str]) -> String {
        greatest(self.backend, xs)
    }

    fn l(&self, xs: &[&str]) -> String {
        least(self.backend, xs)
    }

    /// Employment of person `p` as a span within [t0, t1): from the start day's midnight
    /// UTC to the midnight after the end day.
    fn emp_start(&self, p: &str) -> String {
        let (t0, t1) = (&self.t0, &self.t1);
        let start = format!("COALESCE({}, {t0})", self.ep(&format!("{p}.start_date")));
        self.g(&[t0, &self.l(&[t1, &start])])
    }

    fn emp_end(&self, p: &str) -> String {
        let (day, t1) = (&self.day, &self.t1);
        let end = format!(
            "COALESCE({} + {day}, {t1})",
            self.ep(&format!("{p}.end_date"))
        );
        self.g(&[&self.emp_start(p), &self.l(&[t1, &end])])
    }

    fn valid_to(&self, a: &str) -> String {
        format!(
            "COALESCE({}, {})",
            self.ep(&format!("{a}.valid_to")),
            self.t1
        )
    }

    fn overlaps(&self, a: &str) -> String {
        let (from_ts, end_ts) = (&self.from_ts, &self.end_ts);
        format!("{a}.valid_from < {end_ts} AND ({a}.valid_to IS NULL OR {a}.valid_to > {from_ts})")
    }

    /// Joins `alias`: the subtree override of `manager` for meetings of `kind`.
    fn subtree_override(alias: &str, manager: &str, kind: &str) -> String {
        format!(
            "LEFT JOIN cadence_policy {alias} ON {alias}.manager_id = {manager} \
             AND {alias}.kind = {kind} AND {alias}.pair_low IS NULL AND {alias}.pair_high IS NULL"
        )
    }

    fn level_kind(&self, lvl: &str) -> String {
        let (direct, skip) = (&self.direct, &self.skip);
        format!("CASE WHEN {lvl} = 1 THEN {direct} ELSE {skip} END")
    }
}

/// The statement: rows `(point index, level, change in overdue pairs, change in pairs)`,
/// index `points.len()` for what changes after the last point.
fn statement(backend: DbBackend, w: &Window, policies: &Policies) -> Statement {
    let mut q = Sql::new();
    let b = Binds::new(&mut q, backend, w, policies);
    let seg_rows: Vec<String> = segments(w.points, w.above, w.last.timestamp() + 1)
        .into_iter()
        .map(|s| {
            format!(
                "({}, {}, {}, {})",
                q.bind(s.lo),
                q.bind(s.hi),
                q.bind(s.direct),
                q.bind(s.skip_level)
            )
        })
        .collect();
    let point_of_x = bucket(&mut q, "ev.x", w.points, 0, w.points.len());
    // sub: the walk; pairs, split, eff: the pairs and their cadences; anchor, due, gap,
    // ev: where pairs and their overdue stretches begin and end.
    let sql = format!(
        "WITH RECURSIVE {walk}, {pairs}, {overdue} \
         SELECT {point_of_x} AS bucket, ev.level AS level, SUM(ev.overdue) AS overdue, \
           SUM(ev.pairs) AS pairs \
         FROM ev GROUP BY 1, 2",
        walk = walk_ctes(&b, &seg_rows.join(", ")),
        pairs = pair_ctes(&b),
        overdue = overdue_ctes(&b),
    );
    q.statement(backend, sql)
}

/// `seg`, `parts` and `sub`: the walk down the reporting lines. In `sub`, `d_`/`s_` are
/// the DIRECT/SKIP_LEVEL override inherited by the line's manager, found or not, its
/// cadence, and the span [ia, ib) it holds over.
fn walk_ctes(b: &Binds, seg_rows: &str) -> String {
    // A line from the root: its manager's own override, if any, holds throughout.
    let own = |o: &str| {
        format!(
            "CASE WHEN {o}.id IS NULL THEN 0 ELSE 1 END, {o}.every_days, \
             CAST({t0} AS BIGINT), CAST({t1} AS BIGINT)",
            t0 = b.t0,
            t1 = b.t1,
        )
    };
    // A line below: the manager's own override, else what the manager's manager had, but
    // only while the manager is employed (otherwise the chain resumes above the root).
    let inherit = |o: &str, k: &str| {
        format!(
            "CASE WHEN {o}.id IS NULL THEN sub.{k}_found ELSE 1 END, \
             CASE WHEN {o}.id IS NULL THEN sub.{k}_every ELSE {o}.every_days END, \
             CASE WHEN {o}.id IS NULL THEN {ia} ELSE {t0} END, \
             CASE WHEN {o}.id IS NULL THEN {ib} ELSE {t1} END",
            ia = b.g(&[&format!("sub.{k}_ia"), &b.emp_start("pn")]),
            ib = b.l(&[&format!("sub.{k}_ib"), &b.emp_end("pn")]),
            t0 = b.t0,
            t1 = b.t1,
        )
    };
    let nx_lo = b.g(&["sub.lo", &b.ep("nx.valid_from")]);
    let nx_hi = b.l(&["sub.hi", &b.valid_to("nx")]);
    let (root, max_depth) = (&b.root, &b.max_depth);
    format!(
        "seg(lo, hi, d_every, s_every) AS (VALUES {seg_rows}), \
         parts(part) AS (VALUES (1), (2), (3)), \
         sub(manager_id, person_id, since, lo, hi, depth, d_found, d_every, d_ia, d_ib, \
             s_found, s_every, s_ia, s_ib) AS ( \
           SELECT rl.manager_id, rl.person_id, rl.valid_from, {rl_lo}, {rl_hi}, 1, \
             {own_d}, {own_s} \
           FROM reporting_line rl {ov_rl_d} {ov_rl_s} \
           WHERE rl.manager_id = {root} AND {overlaps_rl} \
           UNION ALL \
           SELECT nx.manager_id, nx.person_id, nx.valid_from, {nx_lo}, {nx_hi}, sub.depth + 1, \
             {inherit_d}, {inherit_s} \
           FROM sub JOIN person pn ON pn.id = sub.person_id \
           JOIN reporting_line nx ON nx.manager_id = sub.person_id \
           {ov_nx_d} {ov_nx_s} \
           WHERE sub.depth < {max_depth} AND {overlaps_nx} AND {nx_lo} < {nx_hi} \
         )",
        rl_lo = b.g(&[&b.ep("rl.valid_from"), &b.t0]),
        rl_hi = b.l(&[&b.valid_to("rl"), &b.t1]),
        own_d = own("cd"),
        own_s = own("cs"),
        ov_rl_d = Binds::subtree_override("cd", "rl.manager_id", &b.direct),
        ov_rl_s = Binds::subtree_override("cs", "rl.manager_id", &b.skip),
        overlaps_rl = b.overlaps("rl"),
        inherit_d = inherit("cd", "d"),
        inherit_s = inherit("cs", "s"),
        ov_nx_d = Binds::subtree_override("cd", "sub.person_id", &b.direct),
        ov_nx_s = Binds::subtree_override("cs", "sub.person_id", &b.skip),
        overlaps_nx = b.overlaps("nx"),
    )
}

/// `pairs`, `split` and `eff`. pairs: both levels, cut to employment; [ia, ib) empty when
/// nothing was found. split: each pair in up to three parts, before, during and after that
/// span (a pair's own override covers all). eff: each part with its cadence, parts
/// inheriting from above the root cut by segment.
fn pair_ctes(b: &Binds) -> String {
    let t1 = &b.t1;
    format!(
        "pairs(level, manager_id, person_id, since, lo, hi, every, ia, ib) AS ( \
           SELECT 1, s.manager_id, s.person_id, s.since, {d_lo}, {d_hi}, s.d_every, \
             CASE WHEN s.d_found = 1 THEN s.d_ia ELSE {t1} END, \
             CASE WHEN s.d_found = 1 THEN s.d_ib ELSE {t1} END \
           FROM sub s JOIN person p ON p.id = s.person_id \
           UNION ALL \
           SELECT 2, a.manager_id, b.person_id, \
             CASE WHEN a.since > b.since THEN a.since ELSE b.since END, {s_lo}, {s_hi}, \
             a.s_every, CASE WHEN a.s_found = 1 THEN a.s_ia ELSE {t1} END, \
             CASE WHEN a.s_found = 1 THEN a.s_ib ELSE {t1} END \
           FROM sub a JOIN sub b ON b.manager_id = a.person_id AND b.lo < a.hi AND b.hi > a.lo \
           JOIN person pa ON pa.id = a.person_id JOIN person pb ON pb.id = b.person_id \
         ), \
         split(level, manager_id, person_id, since, part, lo, hi, every) AS ( \
           SELECT pr.level, pr.manager_id, pr.person_id, pr.since, k.part, \
             CASE k.part WHEN 1 THEN pr.lo WHEN 2 THEN {part2_lo} ELSE {part3_lo} END, \
             CASE k.part WHEN 1 THEN {part1_hi} WHEN 2 THEN {part2_hi} ELSE pr.hi END, \
             CASE WHEN po.id IS NULL THEN pr.every ELSE po.every_days END \
           FROM pairs pr CROSS JOIN parts k \
           LEFT JOIN cadence_policy po ON po.manager_id IS NULL AND po.kind = {pr_kind} \
             AND po.pair_low = {pair_low} AND po.pair_high = {pair_high} \
           WHERE pr.lo < pr.hi AND CASE k.part WHEN 1 THEN po.id IS NULL AND pr.lo < pr.ia \
             WHEN 2 THEN po.id IS NOT NULL OR pr.ia < pr.ib \
             ELSE po.id IS NULL AND pr.ib < pr.hi END \
         ), \
         eff(pid, level, kind, manager_id, person_id, since, lo, hi, every) AS ( \
           SELECT ROW_NUMBER() OVER (), sp.level, {sp_kind}, sp.manager_id, sp.person_id, \
             sp.since, {e_lo}, {e_hi}, \
             CASE WHEN sp.part = 2 THEN sp.every WHEN sp.level = 1 THEN seg.d_every \
               ELSE seg.s_every END \
           FROM split sp LEFT JOIN seg ON sp.part <> 2 AND seg.lo < sp.hi AND seg.hi > sp.lo \
           WHERE sp.lo < sp.hi \
         )",
        d_lo = b.g(&["s.lo", &b.emp_start("p")]),
        d_hi = b.l(&["s.hi", &b.emp_end("p")]),
        s_lo = b.g(&["a.lo", "b.lo", &b.emp_start("pa"), &b.emp_start("pb")]),
        s_hi = b.l(&["a.hi", "b.hi", &b.emp_end("pa"), &b.emp_end("pb")]),
        part2_lo = b.g(&["pr.lo", "CASE WHEN po.id IS NULL THEN pr.ia ELSE pr.lo END"]),
        part3_lo = b.g(&["pr.lo", "pr.ib"]),
        part1_hi = b.l(&["pr.hi", "pr.ia"]),
        part2_hi = b.l(&["pr.hi", "CASE WHEN po.id IS NULL THEN pr.ib ELSE pr.hi END"]),
        pr_kind = b.level_kind("pr.level"),
        sp_kind = b.level_kind("sp.level"),
        pair_low = b.l(&["pr.manager_id", "pr.person_id"]),
        pair_high = b.g(&["pr.manager_id", "pr.person_id"]),
        e_lo = b.g(&["sp.lo", "COALESCE(seg.lo, sp.lo)"]),
        e_hi = b.l(&["sp.hi", "COALESCE(seg.hi, sp.hi)"]),
    )
}

/// `anchor`, `due`, `gap` and `ev`: overdue stretches (from an anchor's due date to the
/// next anchor), and +1/-1 where pairs and stretches begin and end.
fn overdue_ctes(b: &Binds) -> String {
    let (held, day, floor_ts, end_ts) = (&b.held, &b.day, &b.floor_ts, &b.end_ts);
    let meetings = |host: &str, guest: &str| {
        format!(
            "SELECT e.pid, e.every, {at} FROM eff e JOIN meeting m \
               ON m.host_id = e.{host} AND m.guest_id = e.{guest} AND m.kind = e.kind \
               AND m.status = {held} AND m.practice = FALSE AND m.scheduled_at >= e.since \
               AND m.scheduled_at > {floor_ts} AND m.scheduled_at < {end_ts} \
             WHERE e.every IS NOT NULL AND {at} > e.lo - e.every * {day}",
            at = b.ep("m.scheduled_at"),
        )
    };
    let gap_lo = b.g(&["due.a", "e.lo"]);
    let gap_hi = b.l(&["COALESCE(due.b, e.hi)", "e.hi"]);
    format!(
        "anchor(pid, every, at) AS ( \
           SELECT pid, every, {since} FROM eff WHERE every IS NOT NULL \
           UNION ALL {forward} \
           UNION ALL {backward} \
         ), \
         due(pid, a, b) AS ( \
           SELECT pid, at + every * {day}, LEAD(at) OVER (PARTITION BY pid ORDER BY at) \
           FROM anchor \
         ), \
         gap(level, a, b) AS ( \
           SELECT e.level, {gap_lo}, {gap_hi} FROM due JOIN eff e ON e.pid = due.pid \
           WHERE (due.b IS NULL OR due.a < due.b) AND {gap_lo} < {gap_hi} \
         ), \
         ev(level, x, overdue, pairs) AS ( \
           SELECT level, a, 1, 0 FROM gap \
           UNION ALL SELECT level, b, -1, 0 FROM gap \
           UNION ALL SELECT level, lo, 0, 1 FROM eff \
           UNION ALL SELECT level, hi, 0, -1 FROM eff \
         )",
        since = b.ep("since"),
        forward = meetings("manager_id", "person_id"),
        backward = meetings("person_id", "manager_id"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_changes_of_the_inherited_cadence() {
        let above = [
            (Some(14), Some(90)),
            (Some(14), Some(90)),
            (Some(7), Some(90)),
            (Some(14), Some(90)),
        ];
        let spans: Vec<(i64, i64, Option<i32>)> = segments(&[10, 20, 30, 40], &above, 41)
            .iter()
            .map(|s| (s.lo, s.hi, s.direct))
            .collect();
        assert_eq!(
            spans,
            [(10, 30, Some(14)), (30, 40, Some(7)), (40, 41, Some(14))]
        );
    }
}
