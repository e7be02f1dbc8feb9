//! Insights in GraphQL: coverage reports, overdue 1:1s and coverage trends.

use async_graphql::{Context, Description, Enum, ID, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};

use super::cadence::CadenceKind;
use super::connection::{connection, connection_cost, page_args};
use super::context::RequestContext;
use super::ids;
use super::loaders::{LastTrainedOf, load};
use super::people::Person;
use super::scalars::InstantInRange;
use crate::domain::paging::PageOf;
use crate::service::insights;

/// How one manager's 1:1 practice stands at `asOf`, over the org as it was then.
///
/// A direct report counts as covered when a HELD DIRECT meeting with the manager happened
/// within the effective DIRECT cadence (default 14 days) before `asOf`, counting only since
/// their reporting line began; a report whose line is younger than the cadence is not yet
/// due and counts as covered. Skip-level coverage works the same way with SKIP_LEVEL
/// meetings and cadence (default 90 days). Peer and tactical figures look at the 90 days
/// before `asOf`, ratings at the last complete calendar quarter. Reports never reveal
/// agenda text, notes or individual ratings.
#[derive(Description)]
pub struct CoverageReport(pub insights::CoverageReport);

#[Object(use_type_description)]
impl CoverageReport {
    /// The manager this report is about.
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.manager).await
    }

    /// The instant the report describes.
    async fn as_of(&self) -> DateTime<Utc> {
        self.0.as_of
    }

    /// People reporting directly to the manager at `asOf`.
    async fn direct_report_count(&self) -> i32 {
        self.0.direct.len() as i32
    }

    /// Share of direct reports met within the DIRECT cadence (1.0 with no reports).
    async fn direct_coverage(&self) -> f64 {
        self.0.direct_coverage()
    }

    /// Required 1:1s that are overdue, most overdue first.
    async fn overdue(&self) -> Vec<OverdueOneOnOne> {
        self.0
            .overdue()
            .into_iter()
            .map(|(p, days)| OverdueOneOnOne(p.clone(), days))
            .collect()
    }

    /// The direct reports' direct reports at `asOf`.
    async fn skip_level_report_count(&self) -> i32 {
        self.0.skip_level.len() as i32
    }

    /// Share of skip-level reports met within the SKIP_LEVEL cadence (1.0 with none).
    async fn skip_level_coverage(&self) -> f64 {
        self.0.skip_level_coverage()
    }

    /// HELD PEER meetings the manager took part in during the 90 days before `asOf`.
    async fn peer_meeting_count(&self) -> i32 {
        self.0.peer_meeting_count as i32
    }

    /// Share of TACTICAL agenda items in the manager's HELD 1:1s with their direct reports
    /// during the 90 days before `asOf`; null without agenda items.
    async fn tactical_share(&self) -> Option<f64> {
        self.0.tactical_share
    }

    /// Mean rating that direct reports gave their HELD DIRECT 1:1s with the manager in the
    /// last complete calendar quarter before `asOf`; null below 3 ratings, and null while
    /// that quarter is still running or not yet frozen. A quarter's figures are frozen
    /// once, soon after it ends (by the server's scheduled job, hourly by default):
    /// ratings given or changed afterwards do not move them. (Fixed, frozen quarters
    /// rather than a sliding window, so that two readings can never be subtracted to
    /// reveal one person's rating.)
    async fn average_rating(&self) -> Option<f64> {
        self.0.average_rating
    }

    /// When the director above this manager at `asOf` (their manager then) last logged a
    /// check-in with them, counting only since the reporting line between the two began
    /// (a manager who moved under a new director starts afresh); null when never, or when
    /// the manager has no reports or no director.
    async fn last_check_in_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_check_in_at()
    }

    /// Whether that check-in is past due under the effective CHECK_IN cadence policy
    /// (default every 90 days after the last check-in, or after the reporting line to the
    /// director began), whether the policy is required or only encouraged. False without
    /// reports or without a director.
    async fn check_in_overdue(&self) -> bool {
        self.0.check_in_overdue()
    }

    /// When the manager last attended a training session, at or before `asOf`; null when
    /// never.
    async fn last_trained_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<DateTime<Utc>>> {
        let rc = RequestContext::of(ctx);
        let key = LastTrainedOf {
            person: self.0.manager,
            as_of: self.0.as_of,
        };
        load(rc.loaders.last_trained(), key).await
    }

    /// The manager's own figures in the latest pulse round closed and frozen by `asOf`:
    /// the average of each question over the reports who answered about them; null below
    /// 3 respondents, when they had no respondents, or when no round has closed.
    async fn pulse(&self) -> Option<super::pulse::ManagerPulse> {
        self.0
            .pulse
            .clone()
            .map(|(round, figures)| super::pulse::ManagerPulse(round, figures))
    }

    /// The same report for every manager below this one (flat, worst direct coverage
    /// first); empty in those reports themselves.
    async fn managers(&self) -> Vec<CoverageReport> {
        self.0
            .managers
            .iter()
            .cloned()
            .map(CoverageReport)
            .collect()
    }
}

/// A required 1:1 that is overdue: no HELD meeting of its kind between the pair within the
/// effective cadence. Of kind CHECK_IN (listed only while the CHECK_IN policy is
/// required): no check-in by the director (`manager`) with a manager directly below them
/// who has reports (`report`) within the CHECK_IN cadence.
#[derive(Debug, Clone, Description)]
pub struct OverdueOneOnOne(pub insights::Pair, pub i64);

connection!(
    OverdueOneOnOneConnection,
    OverdueOneOnOneEdge,
    OverdueOneOnOne,
    "overdue 1:1"
);

#[Object(use_type_description)]
impl OverdueOneOnOne {
    /// The manager (or skip-level manager) who should hold it.
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.manager).await
    }

    /// The report the 1:1 is owed to.
    async fn report(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        Person::load(ctx, self.0.report).await
    }

    /// When they last held one (since the reporting line began), if ever; for CHECK_IN,
    /// the last check-in.
    async fn last_held_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_held
    }

    /// Which cadence is overdue: DIRECT, SKIP_LEVEL or CHECK_IN.
    async fn kind(&self) -> CadenceKind {
        self.0.kind.into()
    }

    /// Whole days past the due date.
    async fn days_overdue(&self) -> i32 {
        self.1 as i32
    }
}

/// Period length of a trend.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendInterval {
    /// A point every 7 days.
    Week,
    /// A point every calendar month.
    Month,
}

/// Coverage at one instant.
#[derive(SimpleObject)]
pub struct CoveragePoint {
    /// The end of the period.
    pub at: DateTime<Utc>,
    /// Share of the subtree's direct reports met within the DIRECT cadence, 0 to 1.
    pub direct_coverage: f64,
    /// Share of the subtree's skip-level reports met within the SKIP_LEVEL cadence, 0 to 1.
    pub skip_level_coverage: f64,
}

#[derive(Default)]
pub struct InsightsQuery;

#[Object]
impl InsightsQuery {
    /// How `managerId` and every manager below them hold their 1:1s at `asOf` (default:
    /// now). For the manager themselves, anyone above them, and hr_admin.
    async fn coverage_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the manager at the top of the subtree.")] manager_id: ID,
        #[graphql(
            desc = "The instant to report on (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<CoverageReport> {
        let rc = RequestContext::of(ctx);
        let manager = ids::person(&manager_id, "managerId")?;
        let look = ctx.look_ahead();
        let with_ratings = look.field("averageRating").exists()
            || look.field("managers").field("averageRating").exists();
        let mut report = insights::coverage_report(
            &rc.db,
            &rc.viewer,
            manager,
            rc.as_of(as_of),
            rc.now,
            with_ratings,
        )
        .await
        .extend()?;
        if look.field("pulse").exists() || look.field("managers").field("pulse").exists() {
            insights::with_pulse(&rc.db, &mut report, rc.as_of(as_of))
                .await
                .extend()?;
        }
        Ok(CoverageReport(report))
    }

    /// Every overdue required 1:1 in `managerId`'s subtree at `asOf`, most overdue first.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn overdue_one_on_ones(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the manager at the top of the subtree.")] manager_id: ID,
        #[graphql(
            desc = "The instant to report on (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<OverdueOneOnOneConnection> {
        let rc = RequestContext::of(ctx);
        let manager = ids::person(&manager_id, "managerId")?;
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let all = insights::overdue(&rc.db, &rc.viewer, manager, rc.as_of(as_of), rc.now)
            .await
            .extend()?;
        // Most overdue first, then by manager, report and kind: the order `overdue` returns.
        let found = PageOf::cut(&page, all, |(pair, days)| {
            (-days, pair.manager, pair.report, pair.kind as u8)
        })
        .extend()?;
        Ok(OverdueOneOnOneConnection::from_page(found, |(p, d)| {
            OverdueOneOnOne(p, d)
        }))
    }

    /// Direct and skip-level coverage of `managerId`'s whole subtree (as it was at each
    /// point) at `from` and then every week or month up to `to` (at most 60 points).
    async fn coverage_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the manager at the top of the subtree.")] manager_id: ID,
        #[graphql(desc = "The first point.", validator(custom = "InstantInRange"))] from: DateTime<
            Utc,
        >,
        #[graphql(
            desc = "The last point is at or before this instant; after `from`.",
            validator(custom = "InstantInRange")
        )]
        to: DateTime<Utc>,
        #[graphql(desc = "The time between points.")] interval: TrendInterval,
    ) -> async_graphql::Result<Vec<CoveragePoint>> {
        let rc = RequestContext::of(ctx);
        let manager = ids::person(&manager_id, "managerId")?;
        let interval = match interval {
            TrendInterval::Week => insights::Interval::Week,
            TrendInterval::Month => insights::Interval::Month,
        };
        let points =
            insights::coverage_trend(&rc.db, &rc.viewer, manager, from, to, interval, rc.now)
                .await
                .extend()?;
        Ok(points
            .into_iter()
            .map(|p| CoveragePoint {
                at: p.at,
                direct_coverage: p.direct_coverage,
                skip_level_coverage: p.skip_level_coverage,
            })
            .collect())
    }
}
