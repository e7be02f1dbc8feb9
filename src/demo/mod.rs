//! The demo company behind `cadence seed-demo` and `cadence serve --demo`: a realistic org
//! chart (teams, people, effective-dated reporting lines with leavers and one reorg) and a
//! year of 1:1 meetings (with agendas from org-wide templates, action items and ratings on
//! the recent ones), generated deterministically from a seed by a pure [`generate`] step,
//! then written by [`write`] straight to an empty database. It is an operator action, so it
//! makes no policy checks, and it is no service: nothing in `service/` imports it.
//!
//! - [`names`]: the word lists for departments, teams, people and timezones;
//! - [`org`]: the reporting tree; [`history`]: start dates, the reorg, leavers and the
//!   reporting lines; [`roster`]: teams, people and the demo people to mint tokens for;
//! - [`schedule`]: who meets how often, with [`relationships`] (who meets whom),
//!   [`booking`] (calendars and times), [`templates`] (the org-wide agenda templates) and
//!   [`content`] (agenda items, notes, action items, ratings); [`checkins`]: directors'
//!   check-ins with their managers;
//! - [`training`]: a training session and its practice 1:1s;
//! - [`pulse`]: one closed, frozen pulse round;
//! - [`write`]: the database writer.

mod booking;
mod checkins;
mod content;
mod history;
mod names;
mod org;
mod pulse;
mod relationships;
mod roster;
mod schedule;
mod templates;
mod training;
mod write;

use anyhow::ensure;
use chrono::{DateTime, Days, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::DatabaseConnection;

use crate::domain::employment::{start_of, truncate};
use booking::MeetingPlan;
use history::{LinePlan, Reorg, leavers, lines, pick_reorg, start_dates};
use org::Org;
use roster::{PersonPlan, TeamPlan, describe_people, pick_demo_people, teams};
use schedule::{Schedule, schedule};
use write::write;

/// The smallest company [`seed`] builds: enough people for the director, manager and
/// employee it names.
pub const MIN_PEOPLE: usize = 30;

/// What [`seed`] wrote, with the externalIds of people worth minting demo tokens for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoCompany {
    /// How many people were written, leavers included.
    pub people: usize,
    /// How many meetings were written, over the last year and the next two weeks.
    pub meetings: usize,
    /// Someone in People Operations, to be given the `hr_admin` role.
    pub hr_admin: String,
    /// A manager of managers with at least two first-line managers reporting to them.
    pub director: String,
    /// A first-line manager reporting to `director`, with at least three current reports.
    pub manager: String,
    /// A current individual contributor reporting to `manager`.
    pub employee: String,
}

/// Fills an empty database with a generated company of `people` people (at least
/// [`MIN_PEOPLE`]) and their meetings from a year before `now` to two weeks after (about a
/// hundred per person), the same for the same `(people, seed, now)`, in one transaction.
/// Fails, writing nothing, when the database already holds people or teams.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn seed(
    db: &DatabaseConnection,
    people: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<DemoCompany> {
    let plan = generate(people, seed, now)?;
    let tally = |of: fn(&MeetingPlan) -> &'static str| {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for m in &plan.schedule.meetings {
            *counts.entry(of(m)).or_default() += 1;
        }
        format!("{counts:?}")
    };
    tracing::info!(
        meetings = plan.schedule.meetings.len(),
        kinds = %tally(|m| m.kind.as_str()),
        statuses = %tally(|m| m.status.as_str()),
        agenda_items = plan.schedule.agenda.len(),
        action_items = plan.schedule.actions.len(),
        ratings = plan.schedule.ratings.len(),
        "demo meetings generated"
    );
    write(db, &plan, truncate(now)).await?;
    crate::service::sql::refresh_statistics(db, true).await?;
    tracing::info!(
        teams = plan.teams.len(),
        lines = plan.lines.len(),
        meetings = plan.schedule.meetings.len(),
        "demo company written"
    );
    Ok(plan.company)
}

/// When the reorg happened: about four months before `now`.
const REORG_DAYS_AGO: u64 = 122;

/// Everything [`write`] inserts; people, teams and lines refer to each other by index.
#[derive(Debug, PartialEq)]
struct Plan {
    teams: Vec<TeamPlan>,
    people: Vec<PersonPlan>,
    lines: Vec<LinePlan>,
    reorg: Option<Reorg>,
    company: DemoCompany,
    schedule: Schedule,
}

/// The pure part of [`seed`]: the whole company for `(people, seed, now)`.
fn generate(people: usize, seed: u64, now: DateTime<Utc>) -> anyhow::Result<Plan> {
    let (org, mut plan, mut rng) = org_plan(people, seed, now)?;
    let schedule = schedule(&org, &plan, truncate(now), &mut rng);
    plan.company.meetings = schedule.meetings.len();
    plan.schedule = schedule;
    Ok(plan)
}

/// The org chart part of [`generate`], before any meetings: the reporting tree, the plan
/// with an empty schedule, and the random generator to go on with.
fn org_plan(
    people: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> anyhow::Result<(Org, Plan, ChaCha8Rng)> {
    ensure!(
        people >= MIN_PEOPLE,
        "a demo company needs at least {MIN_PEOPLE} people, not {people}"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let today = now.date_naive();
    let mut org = Org::grow(people, &mut rng);
    let starts = start_dates(&org, today, &mut rng);
    let line_from: Vec<DateTime<Utc>> = starts.iter().map(|&d| start_of(d)).collect();
    let reorg_at = start_of(today - Days::new(REORG_DAYS_AGO));
    let reorg = pick_reorg(&org, &line_from, reorg_at, &mut rng);
    if let Some(r) = &reorg {
        org.move_under(r.person, r.to);
    }
    let ends = leavers(&org, &line_from, today, &mut rng);
    let (teams, team_of) = teams(&org);
    let people = describe_people(&org, &team_of, &starts, &ends, &mut rng);
    let lines = lines(&org, &line_from, &ends, reorg.as_ref());
    let company = pick_demo_people(&org, &ends, &people)?;
    let plan = Plan {
        teams,
        people,
        lines,
        reorg,
        company,
        schedule: Schedule::default(),
    };
    Ok((org, plan, rng))
}

/// One of `items`, drawn uniformly.
fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(super) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 15, 30, 0).unwrap()
    }

    /// The org chart alone, for tests about it: meetings take a while in a debug build.
    pub(super) fn org_only(people: usize, seed: u64) -> Plan {
        org_plan(people, seed, now()).unwrap().1
    }

    /// Each person's manager at `at`, `None` when no line covers it; panics on overlaps.
    pub(super) fn managers_at(plan: &Plan, at: DateTime<Utc>) -> Vec<Option<Option<usize>>> {
        let mut managers = vec![None; plan.people.len()];
        for line in &plan.lines {
            let covers = line.valid_from <= at && line.valid_to.is_none_or(|to| at < to);
            if covers {
                assert!(managers[line.person].is_none(), "two lines cover {at}");
                managers[line.person] = Some(line.manager);
            }
        }
        managers
    }

    /// Levels below the top for everyone in the org at `at`; panics on a cycle.
    pub(super) fn levels_at(plan: &Plan, at: DateTime<Utc>) -> Vec<Option<usize>> {
        let managers = managers_at(plan, at);
        (0..managers.len())
            .map(|mut i| {
                let mut level = 0;
                loop {
                    match managers[i]? {
                        None => return Some(level),
                        Some(m) => {
                            assert!(managers[m].is_some(), "{m} manages outside the org");
                            (i, level) = (m, level + 1);
                            assert!(level <= managers.len(), "cycle");
                        }
                    }
                }
            })
            .collect()
    }

    pub(super) fn reports_at(plan: &Plan, at: DateTime<Utc>) -> Vec<usize> {
        let mut reports = vec![0; plan.people.len()];
        for manager in managers_at(plan, at).into_iter().flatten().flatten() {
            reports[manager] += 1;
        }
        reports
    }

    #[test]
    fn the_same_seed_gives_the_same_company_and_another_seed_another() {
        let plan = generate(2_000, 7, now()).unwrap();
        assert_eq!(plan, generate(2_000, 7, now()).unwrap());
        assert_ne!(plan, generate(2_000, 8, now()).unwrap());
    }
}
