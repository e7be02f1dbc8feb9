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

mod pairs;
mod pulse;
mod ratings;

use self::pairs::{CheckInRow, PairRow, Recent, check_in_rows, org_pairs, subtree_pairs};
use self::ratings::quarter_ratings;
use super::trend;
use super::{cadence, org};
use crate::auth::{Viewer, access};
use crate::domain::cadence::{CadenceKind, Policies, Standing, assess, coverage, due_at};
use crate::domain::employment::truncate;
use crate::domain::meeting::{MIN_RATINGS_FOR_AVERAGE, MeetingKind};
use crate::error::{AppError, AppResult};

pub use self::pairs::WINDOW_DAYS;
pub use self::pulse::with_pulse;
pub use self::ratings::freeze_ended_quarters;
pub use self::trend::{Interval, TrendPoint};
/// Most points one coverage trend may have.
pub const MAX_TREND_POINTS: usize = 60;

/// One manager–report (or skip-level) pair and when they last held a meeting of that kind;
/// or, of kind CHECK_IN, a director (`manager`) and a manager with reports directly below
/// them (`report`) and when the director last checked in with them.
#[derive(Debug, Clone)]
pub struct Pair {
    /// DIRECT, SKIP_LEVEL or CHECK_IN.
    pub kind: CadenceKind,
    pub manager: i64,
    pub report: i64,
    pub last_held: Option<DateTime<Utc>>,
    pub standing: Standing,
    /// Whether the pair's policy says the cadence is required.
    pub required: bool,
    /// When their next meeting falls (or fell) due, when a cadence applies.
    pub due_at: Option<DateTime<Utc>>,
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
    /// The CHECK_IN pair of this manager with the director above them at `as_of` (the
    /// pair's `report` is this manager); `None` without reports or without a director.
    pub check_in: Option<Pair>,
    /// The same report for every manager below (flat, worst direct coverage first); empty
    /// in those reports themselves.
    pub managers: Vec<CoverageReport>,
    /// The latest frozen pulse round's figures of this manager (3 respondents or more),
    /// filled by [`with_pulse`] when asked.
    pub pulse: Option<(entity::pulse_round::Model, crate::service::pulse::Figures)>,
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

    /// When the director above this manager last checked in with them (since the line
    /// between the two began).
    pub fn last_check_in_at(&self) -> Option<DateTime<Utc>> {
        self.check_in.as_ref().and_then(|p| p.last_held)
    }

    /// Whether the check-in with the director above is past due under the CHECK_IN policy,
    /// required or encouraged.
    pub fn check_in_overdue(&self) -> bool {
        self.check_in
            .as_ref()
            .is_some_and(|p| matches!(p.standing, Standing::Overdue { .. }))
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
    out.sort_by_key(|(p, days)| (std::cmp::Reverse(*days), p.manager, p.report, p.kind));
    out
}

/// Assesses raw pairs against the effective policies. `chain_of_root` is everyone above
/// the root at `as_of`; the rest of each manager's chain comes from the pairs themselves
/// (all of it for the whole org: `root` None, `chain_of_root` empty).
fn assess_pairs(
    rows: &[PairRow],
    root: Option<i64>,
    chain_of_root: &[i64],
    policies: &Policies,
    as_of: DateTime<Utc>,
) -> Vec<(i64, Pair)> {
    let chain_from = chains_within(rows, root, chain_of_root);
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
                    kind: kind.into(),
                    manager: r.manager,
                    report: r.report,
                    last_held: r.last_held,
                    standing: assess(p.every_days, r.since, r.last_held, as_of),
                    required: p.required,
                    due_at: p
                        .every_days
                        .map(|every| due_at(every, r.since, r.last_held)),
                },
            )
        })
        .collect()
}

/// The chain (the manager, then everyone above them, nearest first) of any manager of the
/// pairs `rows`, from the pairs themselves up to `root` and `chain_of_root` above it.
fn chains_within<'a>(
    rows: &[PairRow],
    root: Option<i64>,
    chain_of_root: &'a [i64],
) -> impl Fn(i64) -> Vec<i64> + 'a {
    let manager_of: HashMap<i64, i64> = rows
        .iter()
        .filter(|r| r.level == 1)
        .map(|r| (r.report, r.manager))
        .collect();
    move |manager: i64| -> Vec<i64> {
        let mut chain = vec![manager];
        let mut current = manager;
        while Some(current) != root {
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
    }
}

/// Assesses the CHECK_IN pairs of `checks` against the effective CHECK_IN policy, keyed by
/// the manager checked in with. The policy of a pair is resolved up the director's chain:
/// from the subtree's pairs (`rows`) for a director inside it, `chain_of_root` for the
/// root's own director.
fn assess_check_ins(
    checks: &[CheckInRow],
    rows: &[PairRow],
    root: i64,
    chain_of_root: &[i64],
    policies: &Policies,
    as_of: DateTime<Utc>,
) -> HashMap<i64, Pair> {
    let chain_from = chains_within(rows, Some(root), chain_of_root);
    checks
        .iter()
        .map(|c| {
            let chain = if c.manager == root {
                chain_of_root.to_vec()
            } else {
                chain_from(c.director)
            };
            let p = policies.effective(CadenceKind::CheckIn, c.director, c.manager, &chain);
            let pair = Pair {
                kind: CadenceKind::CheckIn,
                manager: c.director,
                report: c.manager,
                last_held: c.last_at,
                standing: assess(p.every_days, c.since, c.last_at, as_of),
                required: p.required,
                due_at: p.every_days.map(|every| due_at(every, c.since, c.last_at)),
            };
            (c.manager, pair)
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

/// What every insight reads of a subtree: its assessed pairs (with their level), the
/// recent figures of the managers shown, and the CHECK_IN pair of each manager with
/// reports (the root included) keyed by that manager.
struct Assessed {
    pairs: Vec<(i64, Pair)>,
    recent: Recent,
    check_ins: HashMap<i64, Pair>,
}

/// Checks access and loads what every insight needs ([`Assessed`]).
async fn assessed_pairs(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Assessed> {
    let chains = org::chains_at(db, &[(manager, now), (manager, as_of)]).await?;
    let current_chain = chains[0].clone().unwrap_or_default();
    access::ensure_can_read_insights(viewer, manager, &current_chain)?;
    ensure_exists(db, manager, chains[0].is_some()).await?;
    let (rows, recent) = subtree_pairs(db, manager, as_of).await?;
    let policies = cadence::load_all(db).await?;
    let chain_then = chains[1].clone().unwrap_or_default();
    let pairs = assess_pairs(&rows, Some(manager), &chain_then, &policies, as_of);
    // Everyone with a direct report then: the managers a director checks in with.
    let mut with_reports: Vec<i64> = rows
        .iter()
        .filter(|r| r.level == 1)
        .map(|r| r.manager)
        .collect();
    with_reports.sort_unstable();
    with_reports.dedup();
    let checks = check_in_rows(db, &with_reports, as_of).await?;
    let check_ins = assess_check_ins(&checks, &rows, manager, &chain_then, &policies, as_of);
    Ok(Assessed {
        pairs,
        recent,
        check_ins,
    })
}

/// The coverage report of `manager` at `as_of`, with the same report for every manager
/// below. Managers see their own subtree; hr_admin anyone's. Ratings are read (frozen
/// figures, see [`ratings`]; a report never writes) only `with_ratings`, when the caller
/// asks for them.
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
    let Assessed {
        pairs,
        recent,
        check_ins,
    } = assessed_pairs(db, viewer, manager, as_of, now).await?;
    let mut by_manager = by_manager(manager, pairs);
    let agenda = agenda_sums(&by_manager, &recent);
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
            check_in: check_ins.get(&m).cloned(),
            managers: Vec::new(),
            pulse: None,
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

/// The assessed pairs grouped by their manager: (direct, skip-level), with an entry for
/// `root` even when it has no pairs.
fn by_manager(root: i64, pairs: Vec<(i64, Pair)>) -> HashMap<i64, (Vec<Pair>, Vec<Pair>)> {
    let mut by_manager: HashMap<i64, (Vec<Pair>, Vec<Pair>)> = HashMap::new();
    by_manager.entry(root).or_default();
    for (level, pair) in pairs {
        let entry = by_manager.entry(pair.manager).or_default();
        if level == 1 {
            entry.0.push(pair)
        } else {
            entry.1.push(pair)
        }
    }
    by_manager
}

/// Each manager's (agenda items, tactical items) for the tactical share: agenda items of
/// DIRECT 1:1s with the people reporting to the manager at `as_of` (not with the manager's
/// own manager).
fn agenda_sums(
    by_manager: &HashMap<i64, (Vec<Pair>, Vec<Pair>)>,
    recent: &Recent,
) -> HashMap<i64, (i64, i64)> {
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
    agenda
}

/// Every overdue required pair in `manager`'s subtree at `as_of`, most overdue first:
/// DIRECT and SKIP_LEVEL pairs, and the CHECK_IN pairs whose director is in the subtree
/// (the root or below) when their policy is required.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn overdue(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Pair, i64)>> {
    let assessed = assessed_pairs(db, viewer, manager, truncate(as_of), now).await?;
    let check_ins = assessed
        .check_ins
        .iter()
        .filter(|(m, _)| **m != manager)
        .map(|(_, p)| p);
    Ok(
        overdue_of(assessed.pairs.iter().map(|(_, p)| p).chain(check_ins))
            .into_iter()
            .map(|(p, d)| (p.clone(), d))
            .collect(),
    )
}

/// A required 1:1 overdue somewhere in the org, found by [`overdue_in_org`].
#[derive(Debug, Clone)]
pub struct OrgOverdue {
    pub pair: Pair,
    /// DIRECT (a manager and their report) or SKIP_LEVEL.
    pub kind: MeetingKind,
    /// When it fell due.
    pub due_at: DateTime<Utc>,
    /// Whole days past `due_at`.
    pub days: i64,
}

/// Every overdue required 1:1 pair of the whole org at `as_of`, most overdue first: the
/// same meeting pairs, policies and rules as [`overdue`] of the top managers' subtrees
/// together, read in one set-based statement for the whole org (and the policies). Unlike
/// [`overdue`] it leaves out CHECK_IN pairs: a check-in is not a 1:1, and the reminders
/// announce 1:1s only. For scheduled checks (the overdue reminders): no viewer, no access
/// check.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn overdue_in_org(
    db: &impl ConnectionTrait,
    as_of: DateTime<Utc>,
) -> AppResult<Vec<OrgOverdue>> {
    let as_of = truncate(as_of);
    let rows = org_pairs(db, as_of).await?;
    let policies = cadence::load_all(db).await?;
    let pairs = assess_pairs(&rows, None, &[], &policies, as_of);
    let mut out: Vec<OrgOverdue> = pairs
        .into_iter()
        .filter(|(_, p)| p.required)
        .filter_map(|(level, p)| match (p.standing, p.due_at) {
            (Standing::Overdue { days }, Some(due_at)) => Some(OrgOverdue {
                kind: if level == 1 {
                    MeetingKind::Direct
                } else {
                    MeetingKind::SkipLevel
                },
                pair: p,
                due_at,
                days,
            }),
            _ => None,
        })
        .collect();
    // The order of `overdue`.
    out.sort_by_key(|o| (std::cmp::Reverse(o.days), o.pair.manager, o.pair.report));
    Ok(out)
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
    trend::coverage_trend(db, manager, &points).await
}
