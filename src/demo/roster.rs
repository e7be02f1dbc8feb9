//! The demo company's teams and people: one team per manager named after its department's
//! areas, everyone's name, email, title and timezone, and the people the demo mints tokens
//! for.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names::{
    DEPARTMENTS, FIRST_NAMES, LAST_NAMES, PEOPLE_OPERATIONS, TEAM_SUFFIXES, TIMEZONES,
};
use super::org::{MIN_SPAN, Org};
use super::{DemoCompany, pick};

/// A team; `parent` is an index into the same list.
#[derive(Debug, PartialEq)]
pub(super) struct TeamPlan {
    pub(super) external_id: String,
    pub(super) name: String,
    pub(super) parent: Option<usize>,
    /// 0 for top-level teams; parents are one less.
    pub(super) depth: usize,
}

/// A person; `team` is an index into the teams.
#[derive(Debug, PartialEq)]
pub(super) struct PersonPlan {
    pub(super) external_id: String,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) title: String,
    pub(super) team: usize,
    pub(super) timezone: Option<&'static str>,
    pub(super) start_date: NaiveDate,
    pub(super) end_date: Option<NaiveDate>,
}

/// One team per manager: the CEO's office and one top-level team per department head, then
/// a child team under their manager's team for every manager below. Everyone belongs to
/// the team they lead, or else to their manager's.
pub(super) fn teams(org: &Org) -> (Vec<TeamPlan>, Vec<usize>) {
    let mut teams: Vec<TeamPlan> = Vec::new();
    let mut area_of: Vec<&str> = Vec::new();
    let mut team_of = vec![0; org.len()];
    let mut names = TeamNames::default();
    // Depth first from the CEO: managers before their reports, even after the reorg.
    let mut stack = vec![0];
    while let Some(i) = stack.pop() {
        stack.extend(org.nodes[i].reports.iter().rev());
        let node = &org.nodes[i];
        let parent_team = node.parent.map(|p| team_of[p]);
        if !org.is_manager(i) {
            team_of[i] = parent_team.expect("the CEO manages the department heads");
            continue;
        }
        let (parent, area) = match (node.level, node.department, parent_team) {
            (0, _, _) | (_, None, _) | (_, _, None) => (None, "Executive Office"),
            (1, Some(d), _) => (None, DEPARTMENTS[d].name),
            (2, Some(d), parent) => (parent, names.next_area(d)),
            (_, _, Some(p)) => (Some(p), area_of[p]),
        };
        team_of[i] = teams.len();
        teams.push(TeamPlan {
            external_id: format!("T{:04}", teams.len() + 1),
            name: names.name(area, node.level),
            parent,
            depth: parent.map_or(0, |p| teams[p].depth + 1),
        });
        area_of.push(area);
    }
    (teams, team_of)
}

/// Team names: a department's areas for its directors' teams, then the area with a suffix
/// for the teams below, numbered only when a name comes round again.
#[derive(Default)]
struct TeamNames {
    next_area: [usize; DEPARTMENTS.len()],
    next_suffix: HashMap<&'static str, usize>,
    uses: HashMap<String, usize>,
}

impl TeamNames {
    fn next_area(&mut self, department: usize) -> &'static str {
        let areas = DEPARTMENTS[department].areas;
        self.next_area[department] += 1;
        areas[(self.next_area[department] - 1) % areas.len()]
    }

    fn name(&mut self, area: &'static str, level: usize) -> String {
        let base = if level <= 2 {
            area.to_owned()
        } else {
            let n = self.next_suffix.entry(area).or_default();
            *n += 1;
            format!("{area} {}", TEAM_SUFFIXES[(*n - 1) % TEAM_SUFFIXES.len()])
        };
        let uses = self.uses.entry(base.clone()).or_default();
        *uses += 1;
        match *uses {
            1 => base,
            n => format!("{base} {n}"),
        }
    }
}

/// Everyone's name, email, title, team, timezone and dates, in tree order.
pub(super) fn describe_people(
    org: &Org,
    team_of: &[usize],
    starts: &[NaiveDate],
    ends: &[Option<NaiveDate>],
    rng: &mut ChaCha8Rng,
) -> Vec<PersonPlan> {
    (0..org.len())
        .map(|i| {
            let (first, last) = (pick(rng, &FIRST_NAMES), pick(rng, &LAST_NAMES));
            let email = format!("{first}.{last}.{}@example.com", i + 1).to_lowercase();
            PersonPlan {
                external_id: format!("E{:05}", i + 1),
                name: format!("{first} {last}"),
                email,
                title: title(org, i, rng),
                team: team_of[i],
                timezone: rng.gen_bool(0.85).then(|| pick(rng, &TIMEZONES)),
                start_date: starts[i],
                end_date: ends[i],
            }
        })
        .collect()
}

/// A title that fits the person's place in the tree and department.
fn title(org: &Org, i: usize, rng: &mut ChaCha8Rng) -> String {
    let node = &org.nodes[i];
    let Some(department) = node.department.map(|d| &DEPARTMENTS[d]) else {
        return "Chief Executive Officer".to_owned();
    };
    let beside_managers = node.parent.is_some_and(|p| org.manages_managers(p));
    match node.level {
        1 => format!("VP of {}", department.name),
        2 if org.manages_managers(i) => format!("Director of {}", department.name),
        _ if org.manages_managers(i) => department.senior_manager.to_owned(),
        _ if org.is_manager(i) => department.manager.to_owned(),
        _ if beside_managers => format!("Principal {}", department.individual),
        _ if rng.gen_bool(0.35) => format!("Senior {}", department.individual),
        _ => department.individual.to_owned(),
    }
}

/// The people to mint demo tokens for, each the longest-serving who fits: an HR individual
/// contributor; outside People Operations, so that no one plays two parts, a manager of two
/// or more first-line managers with three or more current reports each (the one nearest
/// the director level); one of those managers; and one of their current reports.
pub(super) fn pick_demo_people(
    org: &Org,
    ends: &[Option<NaiveDate>],
    people: &[PersonPlan],
) -> anyhow::Result<DemoCompany> {
    let current = |i: &usize| ends[*i].is_none();
    let reports = |i: usize| org.nodes[i].reports.iter().copied();
    let staffed =
        |m: &usize| org.is_first_line(*m) && reports(*m).filter(current).count() >= MIN_SPAN;
    let started = |i: &usize| people[*i].start_date;
    let director = (0..org.len())
        .filter(|&d| org.nodes[d].department != Some(PEOPLE_OPERATIONS))
        .filter(|&d| reports(d).filter(staffed).count() >= 2)
        .min_by_key(|&d| (org.nodes[d].level.abs_diff(2), people[d].start_date))
        .context("no manager of two staffed first-line managers")?;
    let manager = reports(director).filter(staffed).min_by_key(started);
    let manager = manager.context("the director has no staffed manager")?;
    let employee = reports(manager).filter(current).min_by_key(started);
    let employee = employee.context("the manager has no current report")?;
    let hr_admin = (0..org.len())
        .filter(|&i| org.nodes[i].department == Some(PEOPLE_OPERATIONS) && current(&i))
        .min_by_key(|&i| (org.is_manager(i), people[i].start_date))
        .context("no People Operations department")?;
    let external_id = |i: usize| people[i].external_id.clone();
    Ok(DemoCompany {
        people: people.len(),
        meetings: 0,
        hr_admin: external_id(hr_admin),
        director: external_id(director),
        manager: external_id(manager),
        employee: external_id(employee),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::tests::{managers_at, now, org_only, reports_at};
    use crate::demo::{MIN_PEOPLE, generate};

    #[test]
    fn everyone_has_a_team_under_a_department_and_people_are_unique() {
        let plan = org_only(2_000, 5);
        let top: Vec<&str> = plan
            .teams
            .iter()
            .filter(|t| t.parent.is_none())
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(top.len(), 1 + DEPARTMENTS.len(), "{top:?}");
        for t in &plan.teams {
            assert_eq!(t.parent.map_or(0, |p| plan.teams[p].depth + 1), t.depth);
        }
        let emails: std::collections::HashSet<&str> =
            plan.people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails.len(), plan.people.len());
        assert_eq!(plan.people[41].external_id, "E00042");
    }

    #[test]
    fn the_demo_people_fit_their_roles_even_in_the_smallest_company() {
        for people in [MIN_PEOPLE, 31, 45, 100, 1_000, 10_000] {
            let plan = org_only(people, 2);
            let index = |ext: &str| {
                plan.people
                    .iter()
                    .position(|p| p.external_id == ext)
                    .unwrap()
            };
            let c = &plan.company;
            let managers = managers_at(&plan, now());
            let reports = reports_at(&plan, now());
            let (director, manager, employee) =
                (index(&c.director), index(&c.manager), index(&c.employee));
            assert_eq!(managers[employee], Some(Some(manager)), "{people}");
            assert_eq!(managers[manager], Some(Some(director)), "{people}");
            assert!(reports[manager] >= 3 && reports[employee] == 0, "{people}");
            let managers_below =
                (0..people).filter(|&m| managers[m] == Some(Some(director)) && reports[m] > 0);
            assert!(managers_below.count() >= 2, "{people}");
            let hr = &plan.people[index(&c.hr_admin)];
            assert!(
                plan.teams[hr.team].name.contains("People") || hr.title.contains("People"),
                "{hr:?}"
            );
        }
        assert!(generate(MIN_PEOPLE - 1, 2, now()).is_err());
    }
}
