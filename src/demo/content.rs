//! What is said in the demo company's meetings: the org-wide agenda templates, and for the
//! recent and upcoming meetings their agenda items, notes, action items and ratings.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::booking::MeetingPlan;
use super::pick;
use super::templates::{CAREER, TEMPLATES};
use crate::domain::meeting::{MeetingKind, MeetingStatus, TopicCategory};

/// What tactical-heavy managers add to their 1:1s.
const TACTICAL_EXTRAS: [&str; 4] = [
    "Status of current projects",
    "This week's deadlines",
    "Ticket queue review",
    "Sprint progress check",
];

/// Topics a guest adds to a meeting's agenda.
const GUEST_TOPICS: [(&str, TopicCategory); 6] = [
    ("Feedback on the last project", TopicCategory::Feedback),
    (
        "Thinking about giving a conference talk",
        TopicCategory::Career,
    ),
    ("Time off next month", TopicCategory::Other),
    (
        "Working more closely with another team",
        TopicCategory::Strategic,
    ),
    ("Feeling stretched lately", TopicCategory::Wellbeing),
    ("Where the roadmap is heading", TopicCategory::Strategic),
];

/// Action items agreed in a meeting.
const ACTIONS: [&str; 8] = [
    "Share the design doc for review",
    "Draft goals for next quarter",
    "Set up an intro with the other team",
    "Write up the incident follow-ups",
    "Book time for a career conversation",
    "Send feedback on the proposal",
    "Look into the training budget",
    "Update the project plan",
];

/// Shared notes of a held meeting.
const NOTES: [&str; 4] = [
    "Agreed on next steps; see the action items.",
    "Mostly project updates this time.",
    "Talked through priorities for the quarter.",
    "Good catch-up, nothing urgent.",
];

/// Comments that come with a rating.
const COMMENTS: [&str; 4] = [
    "Useful, thanks.",
    "We ran out of time.",
    "Mostly status updates.",
    "Great conversation.",
];

/// An agenda item of meeting `meeting`, added by `added_by`.
#[derive(Debug, PartialEq)]
pub(super) struct AgendaItemPlan {
    pub(super) meeting: usize,
    pub(super) position: i32,
    pub(super) text: &'static str,
    pub(super) category: TopicCategory,
    pub(super) added_by: usize,
    pub(super) discussed: bool,
}

/// An action item of meeting `meeting`, owned by `owner`.
#[derive(Debug, PartialEq)]
pub(super) struct ActionPlan {
    pub(super) meeting: usize,
    pub(super) owner: usize,
    pub(super) text: &'static str,
    pub(super) due_on: NaiveDate,
    pub(super) done_at: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
}

/// A rating of meeting `meeting` by `rater`.
#[derive(Debug, PartialEq)]
pub(super) struct RatingPlan {
    pub(super) meeting: usize,
    pub(super) rater: usize,
    pub(super) rating: i32,
    pub(super) comment: Option<&'static str>,
    pub(super) at: DateTime<Utc>,
}

/// Agendas, notes, action items and ratings for the meetings that have a template (the
/// recent and upcoming ones): the template's items, extra TACTICAL ones from tactical-heavy
/// hosts of direct 1:1s, sometimes a topic from the guest; one action item on three in ten
/// HELD meetings, mostly done when over two weeks old; a rating by the guest on four in ten
/// HELD meetings, mostly 4. `tactical_host` says whether a host's 1:1s are tactical-heavy.
pub(super) fn content(
    meetings: &mut [MeetingPlan],
    tactical_host: impl Fn(usize) -> bool,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> (Vec<AgendaItemPlan>, Vec<ActionPlan>, Vec<RatingPlan>) {
    let (mut agenda, mut actions, mut ratings) = (Vec::new(), Vec::new(), Vec::new());
    for (i, m) in meetings.iter_mut().enumerate() {
        let Some(template) = m.template else { continue };
        let tactical = tactical_host(m.host) && m.kind == MeetingKind::Direct && template != CAREER;
        agenda_of(i, m, template, tactical, rng, &mut agenda);
        if m.status != MeetingStatus::Held {
            continue;
        }
        if rng.gen_bool(0.3) {
            m.notes = Some(pick(rng, &NOTES));
        }
        if rng.gen_bool(0.3) {
            actions.push(action_of(i, m, now, rng));
        }
        if rng.gen_bool(0.4) {
            ratings.push(rating_of(i, m, tactical, now, rng));
        }
    }
    (agenda, actions, ratings)
}

/// Meeting `i`'s agenda items: its template's, the tactical extras when `tactical`, and
/// on one in four meetings a topic from the guest; discussed mostly, if held.
fn agenda_of(
    i: usize,
    m: &MeetingPlan,
    template: usize,
    tactical: bool,
    rng: &mut ChaCha8Rng,
    agenda: &mut Vec<AgendaItemPlan>,
) {
    let held = m.status == MeetingStatus::Held;
    let mut items: Vec<(&'static str, TopicCategory, usize)> = TEMPLATES[template]
        .items()
        .map(|(text, category)| (text, category, m.host))
        .collect();
    if tactical {
        let extras = rng.gen_range(2..=3);
        let start = rng.gen_range(0..TACTICAL_EXTRAS.len());
        for k in 0..extras {
            let text = TACTICAL_EXTRAS[(start + k) % TACTICAL_EXTRAS.len()];
            items.push((text, TopicCategory::Tactical, m.host));
        }
    }
    if rng.gen_bool(0.25) {
        let (text, category) = pick(rng, &GUEST_TOPICS);
        items.push((text, category, m.guest));
    }
    for (position, (text, category, added_by)) in items.into_iter().enumerate() {
        agenda.push(AgendaItemPlan {
            meeting: i,
            position: position as i32,
            text,
            category,
            added_by,
            discussed: held && rng.gen_bool(0.9),
        });
    }
}

/// An action item of held meeting `i`, mostly the guest's, mostly done when the meeting
/// is over two weeks old.
fn action_of(i: usize, m: &MeetingPlan, now: DateTime<Utc>, rng: &mut ChaCha8Rng) -> ActionPlan {
    let end = m.at + Duration::minutes(i64::from(m.minutes));
    let owner = if rng.gen_bool(0.7) { m.guest } else { m.host };
    let done = now - m.at > Duration::days(14) && rng.gen_bool(0.8);
    let done_at = done.then(|| (end + Duration::hours(rng.gen_range(2..=240))).min(now));
    ActionPlan {
        meeting: i,
        owner,
        text: pick(rng, &ACTIONS),
        due_on: m.at.date_naive() + Days::new(rng.gen_range(7..=14)),
        done_at,
        created_at: end.min(now),
    }
}

/// The guest's rating of held meeting `i`, sometimes with a comment.
fn rating_of(
    i: usize,
    m: &MeetingPlan,
    tactical: bool,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> RatingPlan {
    let end = m.at + Duration::minutes(i64::from(m.minutes));
    RatingPlan {
        meeting: i,
        rater: m.guest,
        rating: draw_rating(tactical, rng),
        comment: rng.gen_bool(0.25).then(|| pick(rng, &COMMENTS)),
        at: (end + Duration::minutes(rng.gen_range(5..=600))).min(now),
    }
}

/// A rating from 1 to 5, mostly 4; tactical-heavy 1:1s rate a little lower.
fn draw_rating(tactical: bool, rng: &mut ChaCha8Rng) -> i32 {
    let weights: &[u32] = if tactical {
        &[5, 12, 33, 38, 12]
    } else {
        &[2, 5, 18, 48, 27]
    };
    let mut roll = rng.gen_range(0..weights.iter().sum::<u32>());
    weights
        .iter()
        .position(|&w| {
            let hit = roll < w;
            roll = roll.saturating_sub(w);
            hit
        })
        .unwrap_or(3) as i32
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::generate;
    use crate::demo::templates::{MANAGER_OF_MANAGERS, PEER, SKIP_LEVEL, WEEKLY};
    use crate::demo::tests::now;
    use std::collections::HashSet;

    #[test]
    fn ratings_are_by_a_participant_of_a_held_meeting_once_and_action_items_belong_to_participants()
    {
        let plan = generate(1_000, 8, now()).unwrap();
        let s = &plan.schedule;
        let mut rated = HashSet::new();
        for r in &s.ratings {
            let m = &s.meetings[r.meeting];
            assert_eq!(m.status, MeetingStatus::Held);
            assert!(r.rater == m.host || r.rater == m.guest);
            assert!((1..=5).contains(&r.rating));
            assert!(r.at <= now() && m.at >= s.content_from);
            assert!(rated.insert((r.meeting, r.rater)), "rated twice");
        }
        let held = |m: &&MeetingPlan| m.status == MeetingStatus::Held && m.template.is_some();
        let recent_held = s.meetings.iter().filter(held).count() as f64;
        let share = s.ratings.len() as f64 / recent_held;
        assert!((0.35..0.45).contains(&share), "{share}");
        let fours = s.ratings.iter().filter(|r| r.rating == 4).count();
        assert!(fours * 3 > s.ratings.len());
        for a in &s.actions {
            let m = &s.meetings[a.meeting];
            assert!(a.owner == m.host || a.owner == m.guest);
            assert!(a.done_at.is_none_or(|d| a.created_at <= d && d <= now()));
        }
        let open = s.actions.iter().filter(|a| a.done_at.is_none());
        let open_old = open.filter(|a| now() - s.meetings[a.meeting].at > Duration::days(14));
        assert!(open_old.count() > 0, "some old action items stay open");
    }

    /// Asserts that meeting `m`'s agenda starts with template `t`'s items, numbered in
    /// order, added by the participants and discussed only if held; returns whether it is
    /// tactical-heavy (three or more TACTICAL items).
    fn agenda_fits(m: &MeetingPlan, t: usize, agenda: &[&AgendaItemPlan]) -> bool {
        assert!(
            agenda
                .iter()
                .enumerate()
                .all(|(p, a)| a.position == p as i32)
        );
        assert!(
            agenda
                .iter()
                .all(|a| [m.host, m.guest].contains(&a.added_by))
        );
        let held = m.status == MeetingStatus::Held;
        assert!(agenda.iter().all(|a| !a.discussed || held));
        let template_items = TEMPLATES[t].items().map(|(text, _)| text);
        let first_items = agenda.iter().take(TEMPLATES[t].items().count());
        assert!(template_items.eq(first_items.map(|a| a.text)));
        let tactical = agenda
            .iter()
            .filter(|a| a.category == TopicCategory::Tactical);
        tactical.count() >= 3
    }

    #[test]
    fn recent_and_upcoming_meetings_follow_one_of_five_org_wide_templates() {
        let plan = generate(1_000, 9, now()).unwrap();
        let s = &plan.schedule;
        let first = s.meetings.partition_point(|m| m.at < s.content_from);
        assert!(s.meetings[..first].iter().all(|m| m.template.is_none()));
        let mut items = vec![Vec::new(); s.meetings.len()];
        for a in &s.agenda {
            items[a.meeting].push(a);
        }
        let mut tactical_heavy = 0;
        for (i, m) in s.meetings.iter().enumerate().skip(first) {
            let t = m.template.expect("recent meetings have a template");
            let fits = match m.kind {
                MeetingKind::Direct => [WEEKLY, CAREER, MANAGER_OF_MANAGERS].contains(&t),
                MeetingKind::SkipLevel | MeetingKind::Other => t == SKIP_LEVEL,
                MeetingKind::Peer => t == PEER,
            };
            assert!(fits, "{m:?}");
            tactical_heavy += usize::from(agenda_fits(m, t, &items[i]));
        }
        assert!(tactical_heavy > 0);
        let with_actions: HashSet<usize> = s.actions.iter().map(|a| a.meeting).collect();
        assert_eq!(
            with_actions.len(),
            s.actions.len(),
            "one action item per meeting"
        );
    }
}
