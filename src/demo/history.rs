//! The demo company's history: when everyone joined, the one reorg, who left, and the
//! effective-dated reporting lines that follow from them.

use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::org::{MAX_SPAN, MIN_SPAN, Org, height};
use crate::domain::employment::end_instant;

/// How far back the company goes: the CEO founded it eight years ago.
const HISTORY_DAYS: u64 = 8 * 365;

/// The share of individual contributors who have left.
const LEAVERS_PERCENT: usize = 2;

/// A reporting line: `person` reports to `manager` (`None` for the CEO) from `valid_from`
/// until before `valid_to`.
#[derive(Debug, PartialEq)]
pub(super) struct LinePlan {
    pub(super) person: usize,
    pub(super) manager: Option<usize>,
    pub(super) valid_from: DateTime<Utc>,
    pub(super) valid_to: Option<DateTime<Utc>>,
}

/// `person` moved from manager `from` to manager `to` at `at`, their subtree with them.
#[derive(Debug, PartialEq)]
pub(super) struct Reorg {
    pub(super) person: usize,
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) at: DateTime<Utc>,
}

/// Start dates spread over the last eight years, handed out in a random hiring order in
/// which every manager comes before their reports: the CEO founded the company, and no one
/// joins before the person they report to.
pub(super) fn start_dates(org: &Org, today: NaiveDate, rng: &mut ChaCha8Rng) -> Vec<NaiveDate> {
    let mut days_ago: Vec<u64> = (1..org.len())
        .map(|_| rng.gen_range(0..HISTORY_DAYS))
        .collect();
    days_ago.push(HISTORY_DAYS);
    days_ago.sort_unstable();
    let mut starts = vec![today; org.len()];
    let mut hirable = vec![0];
    while !hirable.is_empty() {
        let next = hirable.swap_remove(rng.gen_range(0..hirable.len()));
        starts[next] = today - Days::new(days_ago.pop().unwrap_or(0));
        hirable.extend(&org.nodes[next].reports);
    }
    starts
}

/// Picks a first- or second-line manager to move, with their subtree, from their director
/// to another director at the same level (in the same department when possible), keeping
/// both directors' spans within bounds; both the mover and the new director joined before
/// `at`.
pub(super) fn pick_reorg(
    org: &Org,
    line_from: &[DateTime<Utc>],
    at: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> Option<Reorg> {
    let in_org = |i: usize| line_from[i] < at;
    let can_lose = |d: usize| {
        org.nodes[d].reports.len() > MIN_SPAN
            && org.nodes[d]
                .reports
                .iter()
                .filter(|&&r| org.is_manager(r))
                .count()
                >= 2
    };
    let can_gain = |d: usize| org.manages_managers(d) && org.nodes[d].reports.len() < MAX_SPAN;
    let mut movable: Vec<usize> = (0..org.len())
        .filter(|&m| org.is_manager(m) && in_org(m) && height(org, m) <= 2)
        .filter(|&m| {
            org.nodes[m]
                .parent
                .is_some_and(|d| org.nodes[d].level >= 2 && can_lose(d))
        })
        .collect();
    movable.shuffle(rng);
    // Moves between directors (the third level) read best in a demo.
    movable.sort_by_key(|&m| org.nodes[m].parent.map(|d| org.nodes[d].level));
    for same_department in [true, false] {
        for &person in &movable {
            let from = org.nodes[person].parent?;
            let targets: Vec<usize> = (0..org.len())
                .filter(|&d| d != from && org.nodes[d].level == org.nodes[from].level)
                .filter(|&d| can_gain(d) && in_org(d))
                .filter(|&d| {
                    !same_department || org.nodes[d].department == org.nodes[from].department
                })
                .collect();
            if let Some(&to) = targets.choose(rng) {
                return Some(Reorg {
                    person,
                    from,
                    to,
                    at,
                });
            }
        }
    }
    None
}

/// End dates for about [`LEAVERS_PERCENT`]% of individual contributors, 30–300 days ago,
/// never leaving a manager with fewer than [`MIN_SPAN`] current reports.
pub(super) fn leavers(
    org: &Org,
    line_from: &[DateTime<Utc>],
    today: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> Vec<Option<NaiveDate>> {
    let mut ends = vec![None; org.len()];
    let mut current_reports: Vec<usize> = org.nodes.iter().map(|n| n.reports.len()).collect();
    let mut individuals: Vec<usize> = (1..org.len()).filter(|&i| !org.is_manager(i)).collect();
    let mut wanted = individuals.len() * LEAVERS_PERCENT / 100;
    individuals.shuffle(rng);
    let latest = today - Days::new(30);
    for i in individuals {
        let manager = org.nodes[i].parent.expect("only the CEO has no manager");
        if wanted == 0 {
            break;
        }
        // At least a month in the org before leaving, so no line is empty.
        let earliest = (line_from[i].date_naive() + Days::new(30)).max(today - Days::new(300));
        if current_reports[manager] <= MIN_SPAN || earliest > latest {
            continue;
        }
        let days = (latest - earliest).num_days().unsigned_abs();
        ends[i] = Some(earliest + Days::new(rng.gen_range(0..=days)));
        current_reports[manager] -= 1;
        wanted -= 1;
    }
    ends
}

/// One line per person from their line start (closed on their end date), and two for the
/// person moved in the reorg.
pub(super) fn lines(
    org: &Org,
    line_from: &[DateTime<Utc>],
    ends: &[Option<NaiveDate>],
    reorg: Option<&Reorg>,
) -> Vec<LinePlan> {
    let mut lines = Vec::with_capacity(org.len() + 1);
    for (person, node) in org.nodes.iter().enumerate() {
        let mut valid_from = line_from[person];
        if let Some(r) = reorg.filter(|r| r.person == person) {
            lines.push(LinePlan {
                person,
                manager: Some(r.from),
                valid_from,
                valid_to: Some(r.at),
            });
            valid_from = r.at;
        }
        lines.push(LinePlan {
            person,
            manager: node.parent,
            valid_from,
            valid_to: ends[person].map(end_instant),
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::generate;
    use crate::demo::roster::PersonPlan;
    use crate::demo::tests::{levels_at, managers_at, now, org_only};
    use crate::domain::employment::start_of;

    #[test]
    fn lines_never_overlap_or_cycle_and_managers_are_in_the_org_first() {
        let plan = org_only(3_000, 1);
        let days = (0..=HISTORY_DAYS).step_by(30).map(Days::new);
        for at in days.map(|d| start_of(now().date_naive() - d)) {
            levels_at(&plan, at);
        }
        let covers = |l: &LinePlan, at| l.valid_from <= at && l.valid_to.is_none_or(|to| at < to);
        for line in &plan.lines {
            assert!(line.valid_to.is_none_or(|to| line.valid_from < to));
            if let Some(m) = line.manager {
                let managed = plan.lines.iter().filter(|l| l.person == m);
                assert!(managed.clone().any(|l| covers(l, line.valid_from)));
            }
        }
        let ceo = plan.lines.iter().filter(|l| l.manager.is_none());
        assert_eq!(ceo.count(), 1);
        assert_eq!(plan.people[0].title, "Chief Executive Officer");
    }

    #[test]
    fn about_two_percent_of_individuals_left_between_30_and_300_days_ago() {
        let plan = org_only(10_000, 3);
        let today = now().date_naive();
        let individuals = plan.people.len() - plan.teams.len();
        let leavers: Vec<&PersonPlan> = plan
            .people
            .iter()
            .filter(|p| p.end_date.is_some())
            .collect();
        assert_eq!(leavers.len(), individuals * LEAVERS_PERCENT / 100);
        for p in leavers {
            let end = p.end_date.unwrap();
            assert!((30..=300).contains(&(today - end).num_days()));
            assert!(p.start_date <= end);
            let i = plan.people.iter().position(|q| q == p).unwrap();
            let line = plan.lines.iter().find(|l| l.person == i).unwrap();
            assert_eq!(line.valid_to, Some(end_instant(end)));
        }
    }

    #[test]
    fn a_reorg_four_months_ago_moved_a_manager_with_their_subtree_to_another_director() {
        let plan = generate(1_000, 11, now()).unwrap();
        let reorg = plan.reorg.as_ref().expect("a reorg");
        let (before, after) = (reorg.at - chrono::Duration::seconds(1), reorg.at);
        assert_eq!(
            managers_at(&plan, before)[reorg.person],
            Some(Some(reorg.from))
        );
        assert_eq!(
            managers_at(&plan, after)[reorg.person],
            Some(Some(reorg.to))
        );
        assert_eq!(
            levels_at(&plan, before)[reorg.to],
            levels_at(&plan, after)[reorg.from]
        );
        assert!((118..=124).contains(&(now() - reorg.at).num_days()));
        let team = |i: usize| &plan.teams[plan.people[i].team];
        assert_eq!(team(reorg.person).parent, Some(plan.people[reorg.to].team));
    }
}
