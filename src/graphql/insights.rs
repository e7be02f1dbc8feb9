//! Insights in GraphQL: coverage reports, overdue 1:1s, coverage trends and cadence
//! policies.

use async_graphql::{Context, Enum, ID, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::{OverdueOneOnOneConnection, connection_cost, page_args};
use super::context::{RequestContext, loader_error};
use super::enums::MeetingKind;
use super::ids::{self, NodeKind};
use super::people::Person;
use super::scalars::InstantInRange;
use crate::domain::cadence::{Policy, PolicyScope};
use crate::domain::paging::PageOf;
use crate::error::AppError;
use crate::service::{insights, policies};

async fn person(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Person> {
    let rc = RequestContext::of(ctx);
    let p = rc
        .loaders
        .person()
        .load_one(id)
        .await
        .map_err(loader_error)?;
    p.map(Person)
        .ok_or_else(|| AppError::NotFound("the person no longer exists".into()))
        .extend()
}

/// How one manager's 1:1 practice stands at `asOf`, over the org as it was then.
///
/// A direct report counts as covered when a HELD DIRECT meeting with the manager happened
/// within the effective DIRECT cadence (default 14 days) before `asOf`, counting only since
/// their reporting line began; a report whose line is younger than the cadence is not yet
/// due and counts as covered. Skip-level coverage works the same way with SKIP_LEVEL
/// meetings and cadence (default 90 days). Peer and tactical figures look at the 90 days
/// before `asOf`, ratings at the last complete calendar quarter. Reports never reveal
/// agenda text, notes or individual ratings.
pub struct CoverageReport(pub insights::CoverageReport);

#[Object]
impl CoverageReport {
    /// The manager this report is about.
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        person(ctx, self.0.manager).await
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
    /// that quarter is still running. A quarter's figures are frozen the first time a
    /// report shows them: ratings given or changed afterwards do not move them. (Fixed,
    /// frozen quarters rather than a sliding window, so that two readings can never be
    /// subtracted to reveal one person's rating.)
    async fn average_rating(&self) -> Option<f64> {
        self.0.average_rating
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

/// A required 1:1 that is overdue.
#[derive(Debug, Clone)]
pub struct OverdueOneOnOne(pub insights::Pair, pub i64);

#[Object]
impl OverdueOneOnOne {
    /// The manager (or skip-level manager) who should hold it.
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        person(ctx, self.0.manager).await
    }

    async fn report(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        person(ctx, self.0.report).await
    }

    /// When they last held one (since the reporting line began), if ever.
    async fn last_held_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_held
    }

    /// Whole days past the due date.
    async fn days_overdue(&self) -> i32 {
        self.1 as i32
    }
}

/// Period length of a trend.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendInterval {
    Week,
    Month,
}

/// Coverage at one instant.
#[derive(SimpleObject)]
pub struct CoveragePoint {
    /// The end of the period.
    pub at: DateTime<Utc>,
    pub direct_coverage: f64,
    pub skip_level_coverage: f64,
}

/// Which pairs a cadence policy covers.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CadenceScope {
    /// Cadence's default, when nothing is set.
    BuiltIn,
    /// Everyone.
    Org,
    /// A manager's subtree.
    Subtree,
    /// One pair of people.
    Pair,
}

/// How often meetings of one kind should happen, and for whom.
pub struct CadencePolicy(pub Policy);

#[Object]
impl CadencePolicy {
    async fn kind(&self) -> MeetingKind {
        self.0.kind.into()
    }

    /// Expected days between meetings; null: no expected cadence.
    async fn every_days(&self) -> Option<i32> {
        self.0.every_days
    }

    /// Whether missing it makes a 1:1 overdue (else it is encouraged).
    async fn required(&self) -> bool {
        self.0.required
    }

    async fn scope(&self) -> CadenceScope {
        match self.0.scope {
            PolicyScope::BuiltIn => CadenceScope::BuiltIn,
            PolicyScope::Org => CadenceScope::Org,
            PolicyScope::Subtree(_) => CadenceScope::Subtree,
            PolicyScope::Pair(..) => CadenceScope::Pair,
        }
    }

    /// The manager whose subtree it covers (SUBTREE scope).
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        match self.0.scope {
            PolicyScope::Subtree(m) => Ok(Some(person(ctx, m).await?)),
            _ => Ok(None),
        }
    }

    /// The two people it covers (PAIR scope).
    async fn pair(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Person>>> {
        match self.0.scope {
            PolicyScope::Pair(a, b) => Ok(Some(vec![person(ctx, a).await?, person(ctx, b).await?])),
            _ => Ok(None),
        }
    }
}

fn person_id(id: &ID, field: &str) -> async_graphql::Result<i64> {
    ids::expect(id, NodeKind::Person, field).extend()
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
        manager_id: ID,
        #[graphql(
            desc = "The instant to report on (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<CoverageReport> {
        let rc = RequestContext::of(ctx);
        let manager = person_id(&manager_id, "managerId")?;
        let look = ctx.look_ahead();
        let with_ratings = look.field("averageRating").exists()
            || look.field("managers").field("averageRating").exists();
        let report = insights::coverage_report(
            &rc.db,
            &rc.viewer,
            manager,
            rc.as_of(as_of),
            rc.now,
            with_ratings,
        )
        .await
        .extend()?;
        Ok(CoverageReport(report))
    }

    /// Every overdue required 1:1 in `managerId`'s subtree at `asOf`, most overdue first.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn overdue_one_on_ones(
        &self,
        ctx: &Context<'_>,
        manager_id: ID,
        #[graphql(
            desc = "The instant to report on (default: now).",
            validator(custom = "InstantInRange")
        )]
        as_of: Option<DateTime<Utc>>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<OverdueOneOnOneConnection> {
        let rc = RequestContext::of(ctx);
        let manager = person_id(&manager_id, "managerId")?;
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let all = insights::overdue(&rc.db, &rc.viewer, manager, rc.as_of(as_of), rc.now)
            .await
            .extend()?;
        // Most overdue first, then by manager and report: the order `overdue` returns.
        let found = PageOf::cut(&page, all, |(pair, days)| {
            (-days, pair.manager, pair.report)
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
        manager_id: ID,
        #[graphql(validator(custom = "InstantInRange"))] from: DateTime<Utc>,
        #[graphql(validator(custom = "InstantInRange"))] to: DateTime<Utc>,
        interval: TrendInterval,
    ) -> async_graphql::Result<Vec<CoveragePoint>> {
        let rc = RequestContext::of(ctx);
        let manager = person_id(&manager_id, "managerId")?;
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

    /// Every stored cadence policy (org-wide, subtree and pair overrides).
    async fn cadence_policies(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<CadencePolicy>> {
        let rc = RequestContext::of(ctx);
        let found = policies::list(&rc.db, &rc.viewer).await.extend()?;
        Ok(found.into_iter().map(CadencePolicy).collect())
    }

    /// The policy that applies to `kind` meetings of `personId` with `withPersonId` (or,
    /// without it, with `personId`'s own reports): the pair's own, else the nearest
    /// subtree override up the chain, else the org-wide one, else the built-in default.
    async fn effective_cadence_policy(
        &self,
        ctx: &Context<'_>,
        kind: MeetingKind,
        person_id: ID,
        with_person_id: Option<ID>,
    ) -> async_graphql::Result<CadencePolicy> {
        let rc = RequestContext::of(ctx);
        let person = self::person_id(&person_id, "personId")?;
        let with = with_person_id
            .map(|id| self::person_id(&id, "withPersonId"))
            .transpose()?;
        let p = policies::effective(&rc.db, &rc.viewer, kind.into(), person, with, rc.now)
            .await
            .extend()?;
        Ok(CadencePolicy(p))
    }
}

/// A cadence to set. Give `managerId` for a subtree override, `pair` for one pair, neither
/// for the org-wide policy.
#[derive(InputObject)]
pub struct SetCadencePolicyInput {
    pub kind: MeetingKind,
    /// Expected days between meetings (1 to 366); null for none.
    pub every_days: Option<i32>,
    #[graphql(default = true)]
    pub required: bool,
    pub manager_id: Option<ID>,
    /// Exactly two people.
    pub pair: Option<Vec<ID>>,
}

/// The policy to remove, named by kind and scope as in `setCadencePolicy`.
#[derive(InputObject)]
pub struct RemoveCadencePolicyInput {
    pub kind: MeetingKind,
    pub manager_id: Option<ID>,
    pub pair: Option<Vec<ID>>,
}

fn scope_of(manager_id: Option<&ID>, pair: Option<&Vec<ID>>) -> async_graphql::Result<PolicyScope> {
    match (manager_id, pair) {
        (None, None) => Ok(PolicyScope::Org),
        (Some(m), None) => Ok(PolicyScope::Subtree(person_id(m, "input.managerId")?)),
        (None, Some(p)) if p.len() == 2 => {
            let a = person_id(&p[0], "input.pair[0]")?;
            let b = person_id(&p[1], "input.pair[1]")?;
            if a == b {
                return Err(AppError::bad_input(
                    "input.pair",
                    "needs two different people",
                ))
                .extend();
            }
            Ok(PolicyScope::Pair(a, b))
        }
        (None, Some(_)) => Err(AppError::bad_input(
            "input.pair",
            "needs exactly two people",
        ))
        .extend(),
        (Some(_), Some(_)) => Err(AppError::bad_input(
            "input",
            "give managerId or pair, not both",
        ))
        .extend(),
    }
}

#[derive(SimpleObject)]
pub struct SetCadencePolicyPayload {
    pub policy: CadencePolicy,
}

#[derive(SimpleObject)]
pub struct RemoveCadencePolicyPayload {
    /// Whether a policy was there to remove.
    pub removed: bool,
}

#[derive(Default)]
pub struct InsightsMutation;

#[Object]
impl InsightsMutation {
    /// Sets a cadence policy: org-wide (hr_admin), for a manager's subtree (that manager,
    /// anyone above them, hr_admin) or for one pair (the pair, their managers, hr_admin).
    async fn set_cadence_policy(
        &self,
        ctx: &Context<'_>,
        input: SetCadencePolicyInput,
    ) -> async_graphql::Result<SetCadencePolicyPayload> {
        let rc = RequestContext::of(ctx);
        let scope = scope_of(input.manager_id.as_ref(), input.pair.as_ref())?;
        let p = Policy {
            kind: input.kind.into(),
            every_days: input.every_days,
            required: input.required,
            scope,
        };
        let saved = policies::set(&rc.db, &rc.viewer, p, rc.now)
            .await
            .extend()?;
        Ok(SetCadencePolicyPayload {
            policy: CadencePolicy(saved),
        })
    }

    /// Removes a cadence policy so that the next wider scope applies again.
    async fn remove_cadence_policy(
        &self,
        ctx: &Context<'_>,
        input: RemoveCadencePolicyInput,
    ) -> async_graphql::Result<RemoveCadencePolicyPayload> {
        let rc = RequestContext::of(ctx);
        let scope = scope_of(input.manager_id.as_ref(), input.pair.as_ref())?;
        let removed = policies::remove(&rc.db, &rc.viewer, input.kind.into(), scope, rc.now)
            .await
            .extend()?;
        Ok(RemoveCadencePolicyPayload { removed })
    }
}
