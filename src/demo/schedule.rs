//! The demo company's year of meetings: how often each pair meets, by the tie between them
//! and the host's habits, booked on everyone's calendar, then given their content.

use chrono::{DateTime, Datelike, Days, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::booking::{Booker, Calendar, MeetingPlan, START_SLOTS, Series, Timeline};
use super::content::{ActionPlan, AgendaItemPlan, RatingPlan, content};
use super::org::Org;
use super::relationships::{Relationship, Tie, relationships};
use super::roster::PersonPlan;
use super::templates::SKIP_LEVEL;
use super::{Plan, pick};
use crate::domain::employment::start_of;

/// Meetings cover the year before `now` and the two weeks after it.
pub(super) const MEETING_HISTORY_DAYS: u64 = 365;

/// Meetings cover the two weeks after `now` too.
const MEETING_DAYS_AHEAD: u64 = 14;

/// Meetings this recent, and upcoming ones, get a template's agenda, action items, notes
/// and ratings; older ones keep only their metadata, which keeps a million meetings quick
/// to write.
const CONTENT_DAYS: u64 = 90;

/// The meetings and their content; every `meeting`, `host`, `owner` and `rater` is an index.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Schedule {
    /// By time, then host.
    pub(super) meetings: Vec<MeetingPlan>,
    /// Meetings from this instant on (a suffix of `meetings`) have a template and may have
    /// agenda items, an action item, notes and a rating.
    pub(super) content_from: DateTime<Utc>,
    pub(super) agenda: Vec<AgendaItemPlan>,
    pub(super) actions: Vec<ActionPlan>,
    pub(super) ratings: Vec<RatingPlan>,
}

/// How often a manager holds 1:1s with a direct report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cadence {
    Weekly,
    Biweekly,
    /// Every four to seven weeks.
    Lagging,
    Never,
}

/// A manager's usual cadence: half weekly, a third biweekly, the rest lagging.
fn draw_cadence(rng: &mut ChaCha8Rng) -> Cadence {
    match rng.gen_range(0..100) {
        0..50 => Cadence::Weekly,
        50..85 => Cadence::Biweekly,
        _ => Cadence::Lagging,
    }
}

/// A manager's habits.
struct Habits {
    cadence: Cadence,
    tactical: bool,
    /// The one direct report this manager never meets.
    neglected: Option<usize>,
}

/// The year of meetings for the company: each manager's 1:1s with their direct reports
/// (weekly, biweekly or lagging; a few managers never meet one report), skip-levels about
/// every 90 days, monthly-ish 1:1s between managers with the same manager, teammates' and
/// cross-team partners' 1:1s, and leaders' occasional chats with people further down. Kinds
/// come from the reporting lines at each meeting's time, as the service derives them.
pub(super) fn schedule(
    org: &Org,
    plan: &Plan,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> Schedule {
    let (people, lines) = (&plan.people, &plan.lines);
    let today = now.date_naive();
    let window = (
        start_of(today - Days::new(MEETING_HISTORY_DAYS)),
        now + Duration::days(MEETING_DAYS_AHEAD as i64),
    );
    let content_from = now - Duration::days(CONTENT_DAYS as i64);
    let timeline = Timeline::new(people.len(), lines);
    let employee = people
        .iter()
        .position(|p| p.external_id == plan.company.employee);
    let habits = habits(org, people, employee, rng);
    let mut booker = Booker {
        people,
        timeline: &timeline,
        calendar: Calendar::new(people.len(), window.0, window.1),
        now,
        content_from,
        meetings: Vec::new(),
    };
    for r in relationships(org, people, lines, window, rng) {
        let Some(series) = series_of(org, &habits, &r, rng) else {
            continue;
        };
        booker.series(org, &r, &series, rng);
    }
    leader_chats(org, &mut booker, window, rng);
    let mut meetings = booker.meetings;
    meetings.sort_by_key(|m| (m.at, m.host));
    let tactical = |host: usize| habits[host].tactical;
    let (agenda, actions, ratings) = content(&mut meetings, tactical, now, rng);
    Schedule {
        meetings,
        content_from,
        agenda,
        actions,
        ratings,
    }
}

/// How often and how long `r`'s pair meets, by their tie; `None` for a manager who never
/// meets this report.
fn series_of(
    org: &Org,
    habits: &[Habits],
    r: &Relationship,
    rng: &mut ChaCha8Rng,
) -> Option<Series> {
    let series = match r.tie {
        Tie::Direct => direct_series(org, &habits[r.host], r.guest, rng)?,
        Tie::SkipLevel => Series {
            weeks: 12,
            jitter: 2,
            minutes: pick(rng, &[30, 45]),
        },
        Tie::ManagerPeers => Series {
            weeks: 4,
            jitter: 1,
            minutes: pick(rng, &[30, 30, 45]),
        },
        Tie::Teammates => Series {
            weeks: pick(rng, &[1, 1, 2]),
            jitter: 0,
            minutes: pick(rng, &[30, 25, 15]),
        },
        Tie::Partners => Series {
            weeks: 2,
            jitter: 1,
            minutes: 30,
        },
    };
    Some(series)
}

/// A manager's 1:1s with `guest`, a direct report: mostly at the manager's usual cadence,
/// longer with a report who manages too; `None` when this is the report they never meet.
fn direct_series(org: &Org, habits: &Habits, guest: usize, rng: &mut ChaCha8Rng) -> Option<Series> {
    let cadence = if habits.neglected == Some(guest) {
        Cadence::Never
    } else if rng.gen_bool(0.25) {
        draw_cadence(rng)
    } else {
        habits.cadence
    };
    let (weeks, jitter) = match cadence {
        Cadence::Never => return None,
        Cadence::Weekly => (1, 0),
        Cadence::Biweekly => (2, 0),
        Cadence::Lagging => (4, 3),
    };
    let minutes = if org.is_manager(guest) {
        pick(rng, &[45, 60])
    } else {
        pick(rng, &[30, 30, 30, 30, 45, 45, 60, 25])
    };
    Some(Series {
        weeks,
        jitter,
        minutes,
    })
}

/// Each manager's usual cadence (half weekly, a third biweekly, the rest lagging), whether
/// their 1:1s are tactical-heavy (a fifth), and for one in twenty the report they never
/// meet (never the demo employee).
fn habits(
    org: &Org,
    people: &[PersonPlan],
    employee: Option<usize>,
    rng: &mut ChaCha8Rng,
) -> Vec<Habits> {
    (0..org.len())
        .map(|i| {
            let cadence = draw_cadence(rng);
            let tactical = rng.gen_bool(0.2);
            let neglectable: Vec<usize> = org.nodes[i]
                .reports
                .iter()
                .copied()
                .filter(|&r| people[r].end_date.is_none() && Some(r) != employee)
                .collect();
            let neglected =
                (neglectable.len() >= 2 && rng.gen_bool(0.05)).then(|| pick(rng, &neglectable));
            Habits {
                cadence,
                tactical,
                neglected,
            }
        })
        .collect()
}

/// Leaders (the CEO and the managers of managers in the top three levels) chat with someone
/// three or more levels below them every few weeks: the org's OTHER meetings.
fn leader_chats(
    org: &Org,
    booker: &mut Booker,
    window: (DateTime<Utc>, DateTime<Utc>),
    rng: &mut ChaCha8Rng,
) {
    for leader in 0..org.len() {
        if org.nodes[leader].level > 2 || !org.manages_managers(leader) {
            continue;
        }
        let mut far_below = Vec::new();
        let mut stack: Vec<(usize, usize)> =
            org.nodes[leader].reports.iter().map(|&r| (r, 1)).collect();
        while let Some((i, depth)) = stack.pop() {
            if depth >= 3 {
                far_below.push(i);
            }
            stack.extend(org.nodes[i].reports.iter().map(|&r| (r, depth + 1)));
        }
        if far_below.is_empty() {
            continue;
        }
        let mut day = window.0.date_naive() + Days::new(rng.gen_range(0..21));
        while start_of(day) < window.1 {
            let guest = pick(rng, &far_below);
            let weekday = rng.gen_range(0..5);
            let slot = rng.gen_range(0..START_SLOTS);
            let on = day
                + Days::new((7 + weekday - u64::from(day.weekday().num_days_from_monday())) % 7);
            booker.book(leader, guest, window, on, slot, 30, SKIP_LEVEL, rng);
            day = day + Days::new(7 * rng.gen_range(2..=4));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::generate;
    use crate::demo::tests::now;
    use crate::domain::meeting::MeetingKind;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn managers_meet_reports_weekly_biweekly_or_lagging_and_a_few_never_meet_one() {
        let plan = generate(3_000, 12, now()).unwrap();
        let mut met: HashMap<(usize, usize), usize> = HashMap::new();
        for m in &plan.schedule.meetings {
            if m.kind == MeetingKind::Direct {
                *met.entry((m.host, m.guest)).or_default() += 1;
            }
        }
        // Reports in the org for the whole year, with the same manager all along.
        let year_ago = start_of(now().date_naive() - Days::new(MEETING_HISTORY_DAYS));
        let steady = plan
            .lines
            .iter()
            .filter(|l| l.manager.is_some() && l.valid_from <= year_ago && l.valid_to.is_none());
        let (mut weekly, mut biweekly, mut rarely, mut never, mut pairs) = (0, 0, 0, 0, 0);
        let mut neglecting = HashSet::new();
        for l in steady {
            let manager = l.manager.unwrap();
            pairs += 1;
            match met.get(&(manager, l.person)).copied().unwrap_or(0) {
                0 => {
                    never += 1;
                    neglecting.insert(manager);
                }
                1..=16 => rarely += 1,
                17..=35 => biweekly += 1,
                _ => weekly += 1,
            }
        }
        let share = |n: usize| n as f64 / pairs as f64;
        assert!((0.40..0.60).contains(&share(weekly)), "{weekly} of {pairs}");
        assert!(
            (0.25..0.45).contains(&share(biweekly)),
            "{biweekly} of {pairs}"
        );
        assert!((0.08..0.22).contains(&share(rarely)), "{rarely} of {pairs}");
        let managers =
            (0..plan.people.len()).filter(|&m| plan.lines.iter().any(|l| l.manager == Some(m)));
        let managers = managers.count() as f64;
        assert!(
            (0.02..0.08).contains(&(neglecting.len() as f64 / managers)),
            "{never}"
        );
        let skip = plan
            .schedule
            .meetings
            .iter()
            .filter(|m| m.kind == MeetingKind::SkipLevel);
        assert!(skip.count() > 0);
    }

    #[test]
    fn ten_thousand_people_hold_about_a_million_meetings() {
        let plan = generate(10_000, 42, now()).unwrap();
        let meetings = plan.schedule.meetings.len();
        assert!((800_000..=1_200_000).contains(&meetings), "{meetings}");
        assert_eq!(plan.company.meetings, meetings);
    }
}
