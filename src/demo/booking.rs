//! Booking the demo company's meetings: who is busy when, whose manager is whom at an
//! instant (which makes a meeting's kind), and the times in each host's working day.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::history::LinePlan;
use super::names::{TIMEZONE_OFFSETS, TIMEZONES};
use super::org::Org;
use super::relationships::{Relationship, Tie};
use super::roster::PersonPlan;
use super::templates::{CAREER, MANAGER_OF_MANAGERS, PEER, SKIP_LEVEL, WEEKLY};
use crate::domain::employment::start_of;
use crate::domain::meeting::{MeetingKind, MeetingStatus, classify};

/// Meetings start on the half hour from 9:00 to 16:00, the host's local time.
const FIRST_START_HOUR: u32 = 9;

/// How many half-hour start slots a working day has.
pub(super) const START_SLOTS: u32 = 15;

/// A meeting between `host` and `guest` at `at`.
#[derive(Debug, PartialEq)]
pub(super) struct MeetingPlan {
    pub(super) host: usize,
    pub(super) guest: usize,
    pub(super) at: DateTime<Utc>,
    pub(super) minutes: i32,
    pub(super) status: MeetingStatus,
    pub(super) kind: MeetingKind,
    /// Which of [`super::templates::TEMPLATES`] its agenda follows, for meetings with content.
    pub(super) template: Option<usize>,
    pub(super) notes: Option<&'static str>,
}

/// A recurring meeting: every `weeks` plus up to `jitter` more, `minutes` long.
pub(super) struct Series {
    pub(super) weeks: u64,
    pub(super) jitter: u64,
    pub(super) minutes: i32,
}

/// Everyone's reporting lines, for chains at any instant.
pub(super) struct Timeline<'a> {
    lines: &'a [LinePlan],
    of: Vec<Vec<usize>>,
}

impl<'a> Timeline<'a> {
    pub(super) fn new(people: usize, lines: &'a [LinePlan]) -> Self {
        let mut of = vec![Vec::new(); people];
        for (k, l) in lines.iter().enumerate() {
            of[l.person].push(k);
        }
        Timeline { lines, of }
    }

    /// `person`'s manager at `at`, `None` when no line covers it.
    fn manager_at(&self, person: usize, at: DateTime<Utc>) -> Option<Option<usize>> {
        self.of[person]
            .iter()
            .map(|&k| &self.lines[k])
            .find(|l| l.valid_from <= at && l.valid_to.is_none_or(|to| at < to))
            .map(|l| l.manager)
    }

    /// Managers nearest first, as `service::org::chains_at` walks them; `None` outside the org.
    fn chain_at(&self, person: usize, at: DateTime<Utc>) -> Option<Vec<i64>> {
        let mut next = self.manager_at(person, at)?;
        let mut chain = Vec::new();
        while let Some(m) = next.filter(|_| chain.len() < self.of.len()) {
            chain.push(m as i64);
            next = self.manager_at(m, at).flatten();
        }
        Some(chain)
    }

    /// The kind of a meeting between `host` and `guest` at `at`, as the service derives it.
    fn kind_at(&self, host: usize, guest: usize, at: DateTime<Utc>) -> MeetingKind {
        classify(
            host as i64,
            guest as i64,
            self.chain_at(host, at).as_deref(),
            self.chain_at(guest, at).as_deref(),
        )
    }
}

/// Who is busy when: one bit per person per half hour of the meeting window.
pub(super) struct Calendar {
    origin: DateTime<Utc>,
    slots: usize,
    busy: Vec<u64>,
}

impl Calendar {
    pub(super) fn new(people: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        let slots = ((to - from).num_minutes() / 30 + 4) as usize;
        Calendar {
            origin: from,
            slots,
            busy: vec![0; people * slots.div_ceil(64)],
        }
    }

    /// The half hours a meeting of `minutes` at `at` takes; `None` outside the window.
    fn half_hours(&self, at: DateTime<Utc>, minutes: i32) -> Option<std::ops::Range<usize>> {
        let start = (at - self.origin).num_minutes();
        let end = start + i64::from(minutes);
        (start >= 0 && (end as usize).div_ceil(30) <= self.slots)
            .then(|| start as usize / 30..(end as usize).div_ceil(30))
    }

    /// The word and bit that hold `person`'s half hour `slot`.
    fn bit(&self, person: usize, slot: usize) -> (usize, u64) {
        (
            person * self.slots.div_ceil(64) + slot / 64,
            1 << (slot % 64),
        )
    }

    /// Whether `person` is free for all of `slots`.
    fn is_free(&self, person: usize, slots: &std::ops::Range<usize>) -> bool {
        slots.clone().all(|s| {
            let (word, mask) = self.bit(person, s);
            self.busy[word] & mask == 0
        })
    }

    /// Whether host and guest are both free for all of `slots`.
    fn both_free(&self, host: usize, guest: usize, slots: &std::ops::Range<usize>) -> bool {
        self.is_free(host, slots) && self.is_free(guest, slots)
    }

    /// Marks `person` busy for `slots`.
    fn take(&mut self, person: usize, slots: &std::ops::Range<usize>) {
        for s in slots.clone() {
            let (word, mask) = self.bit(person, s);
            self.busy[word] |= mask;
        }
    }
}

/// Books meetings where both people are free and employed.
pub(super) struct Booker<'a> {
    pub(super) people: &'a [PersonPlan],
    pub(super) timeline: &'a Timeline<'a>,
    pub(super) calendar: Calendar,
    pub(super) now: DateTime<Utc>,
    pub(super) content_from: DateTime<Utc>,
    pub(super) meetings: Vec<MeetingPlan>,
}

impl Booker<'_> {
    /// The meetings of one relationship: on one weekday and time, every `series.weeks`
    /// (plus jitter), the first within one period of the relationship's start. Peers take
    /// turns hosting.
    pub(super) fn series(
        &mut self,
        org: &Org,
        r: &Relationship,
        series: &Series,
        rng: &mut ChaCha8Rng,
    ) {
        let weekday = rng.gen_range(0..5);
        let slot = rng.gen_range(0..START_SLOTS);
        let offset = Duration::minutes(utc_offset(self.people[r.host].timezone));
        let mut day =
            (r.from + offset).date_naive() + Days::new(rng.gen_range(0..7 * series.weeks));
        day = day + Days::new((7 + weekday - u64::from(day.weekday().num_days_from_monday())) % 7);
        let peers = matches!(r.tie, Tie::ManagerPeers | Tie::Teammates | Tie::Partners);
        let mut turn = false;
        loop {
            let at = local_time(day, slot, utc_offset(self.people[r.host].timezone));
            if at >= r.to {
                break;
            }
            let (host, guest) = if turn {
                (r.guest, r.host)
            } else {
                (r.host, r.guest)
            };
            let template = match r.tie {
                Tie::Direct if org.is_manager(r.guest) => MANAGER_OF_MANAGERS,
                Tie::Direct if rng.gen_bool(0.07) => CAREER,
                Tie::Direct => WEEKLY,
                Tie::SkipLevel => SKIP_LEVEL,
                Tie::ManagerPeers | Tie::Teammates | Tie::Partners => PEER,
            };
            let minutes = if template == CAREER {
                60
            } else {
                series.minutes
            };
            let span = (r.from, r.to);
            let booked =
                at >= r.from && self.book(host, guest, span, day, slot, minutes, template, rng);
            if booked && peers {
                turn = !turn;
            }
            let jitter = match series.jitter {
                0 => 0,
                most => rng.gen_range(0..=most),
            };
            day = day + Days::new(7 * (series.weeks + jitter));
        }
    }

    /// Books `host` and `guest` on `day` (the host's local date) at start slot `slot`, or at
    /// one of a few other times that day when either is busy; a meeting is booked only
    /// within `span` and where both are employed. Returns whether it was.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn book(
        &mut self,
        host: usize,
        guest: usize,
        span: (DateTime<Utc>, DateTime<Utc>),
        day: NaiveDate,
        slot: u32,
        minutes: i32,
        template: usize,
        rng: &mut ChaCha8Rng,
    ) -> bool {
        if host == guest {
            return false;
        }
        let offset = utc_offset(self.people[host].timezone);
        for attempt in 0..4 {
            let slot = if attempt == 0 {
                slot
            } else {
                rng.gen_range(0..START_SLOTS)
            };
            let at = local_time(day, slot, offset);
            if at < span.0 || at >= span.1 {
                continue;
            }
            let Some(half_hours) = self.calendar.half_hours(at, minutes) else {
                continue;
            };
            if !self.calendar.both_free(host, guest, &half_hours) {
                continue;
            }
            if self.timeline.manager_at(host, at).is_none()
                || self.timeline.manager_at(guest, at).is_none()
            {
                return false;
            }
            self.calendar.take(host, &half_hours);
            self.calendar.take(guest, &half_hours);
            let status = status_at(at, self.now, rng);
            self.meetings.push(MeetingPlan {
                host,
                guest,
                at,
                minutes,
                status,
                kind: self.timeline.kind_at(host, guest, at),
                template: (at >= self.content_from).then_some(template),
                notes: None,
            });
            return true;
        }
        false
    }
}

/// A meeting's status: SCHEDULED when upcoming; once past, mostly HELD, about 8% CANCELLED
/// and 3% NO_SHOW.
fn status_at(at: DateTime<Utc>, now: DateTime<Utc>, rng: &mut ChaCha8Rng) -> MeetingStatus {
    if at > now {
        MeetingStatus::Scheduled
    } else {
        match rng.gen_range(0..100) {
            0..8 => MeetingStatus::Cancelled,
            8..11 => MeetingStatus::NoShow,
            _ => MeetingStatus::Held,
        }
    }
}

/// Minutes east of UTC of `timezone` (UTC when unknown).
pub(super) fn utc_offset(timezone: Option<&str>) -> i64 {
    TIMEZONES
        .iter()
        .position(|&t| Some(t) == timezone)
        .map_or(0, |i| TIMEZONE_OFFSETS[i])
}

/// The instant of start slot `slot` on `day` in a timezone `offset` minutes east of UTC.
fn local_time(day: NaiveDate, slot: u32, offset: i64) -> DateTime<Utc> {
    let minutes = i64::from(FIRST_START_HOUR * 60 + slot * 30) - offset;
    start_of(day) + Duration::minutes(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::tests::now;
    use crate::demo::{Plan, generate};
    use chrono::Timelike;
    use std::collections::HashMap;

    /// Managers nearest first at `at` from the plan's lines, as the service walks them;
    /// `None` for someone outside the org then.
    fn chain(
        plan: &Plan,
        lines_of: &[Vec<&LinePlan>],
        person: usize,
        at: DateTime<Utc>,
    ) -> Option<Vec<i64>> {
        let covering = |p: usize| {
            lines_of[p]
                .iter()
                .find(|l| l.valid_from <= at && l.valid_to.is_none_or(|to| at < to))
                .map(|l| l.manager)
        };
        let mut chain = Vec::new();
        let mut next = covering(person)?;
        while let Some(m) = next {
            chain.push(m as i64);
            assert!(chain.len() <= plan.people.len(), "cycle");
            next = covering(m).flatten();
        }
        Some(chain)
    }

    fn lines_by_person(plan: &Plan) -> Vec<Vec<&LinePlan>> {
        let mut of = vec![Vec::new(); plan.people.len()];
        for l in &plan.lines {
            of[l.person].push(l);
        }
        of
    }

    #[test]
    fn every_meeting_kind_is_what_the_org_at_its_time_makes_it() {
        let plan = generate(1_000, 11, now()).unwrap();
        let lines_of = lines_by_person(&plan);
        let mut kinds = HashMap::new();
        for m in &plan.schedule.meetings {
            let (host, guest) = (
                chain(&plan, &lines_of, m.host, m.at),
                chain(&plan, &lines_of, m.guest, m.at),
            );
            let expected = classify(
                m.host as i64,
                m.guest as i64,
                host.as_deref(),
                guest.as_deref(),
            );
            assert_eq!(m.kind, expected, "{m:?}");
            *kinds.entry(m.kind).or_insert(0) += 1;
        }
        assert_eq!(kinds.len(), MeetingKind::ALL.len(), "{kinds:?}");
        // The manager moved in the reorg met their old manager before it, the new one after.
        let r = plan.reorg.as_ref().unwrap();
        let direct = |manager: usize| {
            plan.schedule.meetings.iter().filter(move |m| {
                m.kind == MeetingKind::Direct && (m.host, m.guest) == (manager, r.person)
            })
        };
        assert!(direct(r.from).count() > 0 && direct(r.from).all(|m| m.at < r.at));
        assert!(direct(r.to).count() > 0 && direct(r.to).all(|m| m.at >= r.at));
    }

    #[test]
    fn meetings_are_between_two_employed_people_on_weekdays_in_working_hours_never_double_booked() {
        let plan = generate(1_000, 4, now()).unwrap();
        let mut busy: Vec<Vec<(DateTime<Utc>, DateTime<Utc>)>> =
            vec![Vec::new(); plan.people.len()];
        for m in &plan.schedule.meetings {
            assert_ne!(m.host, m.guest);
            assert!((15..=60).contains(&m.minutes), "{m:?}");
            assert!(m.at >= now() - Duration::days(366) && m.at <= now() + Duration::days(14));
            for p in [m.host, m.guest] {
                let person = &plan.people[p];
                let day = m.at.date_naive();
                assert!(
                    person.start_date <= day && person.end_date.is_none_or(|e| day <= e),
                    "{m:?} {person:?}"
                );
                busy[p].push((m.at, m.at + Duration::minutes(m.minutes.into())));
            }
            let local = m.at + Duration::minutes(utc_offset(plan.people[m.host].timezone));
            assert!(local.weekday().num_days_from_monday() < 5, "{m:?}");
            assert!((9..=16).contains(&local.hour()), "{m:?}");
        }
        for mut meetings in busy {
            meetings.sort();
            assert!(meetings.windows(2).all(|w| w[0].1 <= w[1].0));
        }
    }

    #[test]
    fn past_meetings_are_mostly_held_some_cancelled_or_missed_and_upcoming_ones_scheduled() {
        let plan = generate(1_000, 6, now()).unwrap();
        let mut past = HashMap::new();
        for m in &plan.schedule.meetings {
            if m.at > now() {
                assert_eq!(m.status, MeetingStatus::Scheduled, "{m:?}");
            } else {
                assert_ne!(m.status, MeetingStatus::Scheduled, "{m:?}");
                *past.entry(m.status).or_insert(0.0) += 1.0;
            }
        }
        let total: f64 = past.values().sum();
        let share = |s| past[&s] / total;
        assert!(
            (0.06..0.10).contains(&share(MeetingStatus::Cancelled)),
            "{past:?}"
        );
        assert!(
            (0.02..0.04).contains(&share(MeetingStatus::NoShow)),
            "{past:?}"
        );
        let upcoming = plan.schedule.meetings.iter().filter(|m| m.at > now());
        assert!(upcoming.count() > 1_000);
    }
}
