//! The demo company behind `cadence seed-demo` and `cadence serve --demo`: a realistic org
//! chart (teams, people, effective-dated reporting lines with leavers and one reorg) and a
//! year of 1:1 meetings (with agendas from org-wide templates, action items and ratings on
//! the recent ones), generated deterministically from a seed by a pure [`generate`] step,
//! then written by [`write`] straight to an empty database. It is an operator action, so it
//! makes no policy checks.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, ensure};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, Statement,
    TransactionTrait,
};

use crate::domain::employment::{end_instant, start_of, truncate};
use crate::domain::meeting::{MeetingKind, MeetingStatus, TopicCategory, classify};
use entity::{
    action_item, agenda_item, agenda_template, agenda_template_item, meeting, meeting_feedback,
    person, reporting_line, team,
};

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
    super::sql::refresh_statistics(db, true).await?;
    tracing::info!(
        teams = plan.teams.len(),
        lines = plan.lines.len(),
        meetings = plan.schedule.meetings.len(),
        "demo company written"
    );
    Ok(plan.company)
}

const MIN_SPAN: usize = 3;
const MAX_SPAN: usize = 8;
/// Smallest subtree a manager heads: themselves and `MIN_SPAN` reports.
const MIN_TEAM: usize = MIN_SPAN + 1;
const HISTORY_DAYS: u64 = 8 * 365;
const REORG_DAYS_AGO: u64 = 122;
const LEAVERS_PERCENT: usize = 2;
const ROWS_PER_INSERT: usize = 500;
/// Bound parameters per multi-row insert: under SQLite's 32,766 and PostgreSQL's 65,535.
const PARAMETERS_PER_INSERT: usize = 30_000;

struct Department {
    name: &'static str,
    /// Relative headcount.
    weight: u32,
    manager: &'static str,
    senior_manager: &'static str,
    individual: &'static str,
    areas: &'static [&'static str],
}

/// In the order departments appear as the company grows; People Operations is among the
/// first [`MIN_DEPARTMENTS`] so that every company has an HR admin.
const DEPARTMENTS: [Department; 8] = [
    Department {
        name: "Engineering",
        weight: 38,
        manager: "Engineering Manager",
        senior_manager: "Senior Engineering Manager",
        individual: "Software Engineer",
        areas: &[
            "Platform",
            "Payments",
            "Search",
            "Mobile",
            "Web",
            "Infrastructure",
            "Data",
            "Security",
            "Identity",
            "Billing",
            "Growth",
            "Reliability",
            "Developer Experience",
            "Integrations",
            "Machine Learning",
            "Observability",
        ],
    },
    Department {
        name: "Sales",
        weight: 16,
        manager: "Sales Manager",
        senior_manager: "Senior Sales Manager",
        individual: "Account Executive",
        areas: &[
            "Enterprise",
            "Mid-Market",
            "Small Business",
            "EMEA",
            "APAC",
            "Americas",
            "Partnerships",
            "Sales Development",
            "Renewals",
            "Public Sector",
        ],
    },
    Department {
        name: "People Operations",
        weight: 5,
        manager: "People Operations Manager",
        senior_manager: "Senior People Operations Manager",
        individual: "People Partner",
        areas: &[
            "Recruiting",
            "People Partners",
            "Total Rewards",
            "Learning",
            "HR Operations",
            "Workplace",
        ],
    },
    Department {
        name: "Product",
        weight: 8,
        manager: "Group Product Manager",
        senior_manager: "Senior Group Product Manager",
        individual: "Product Manager",
        areas: &[
            "Core Product",
            "Growth Product",
            "Platform Product",
            "Design",
            "Research",
            "Analytics",
        ],
    },
    Department {
        name: "Customer Success",
        weight: 14,
        manager: "Support Manager",
        senior_manager: "Senior Support Manager",
        individual: "Support Specialist",
        areas: &[
            "Onboarding",
            "Technical Support",
            "Customer Care",
            "Account Management",
            "Escalations",
            "Support Operations",
        ],
    },
    Department {
        name: "Marketing",
        weight: 8,
        manager: "Marketing Manager",
        senior_manager: "Senior Marketing Manager",
        individual: "Marketing Specialist",
        areas: &[
            "Brand",
            "Content",
            "Demand Generation",
            "Product Marketing",
            "Events",
            "Communications",
        ],
    },
    Department {
        name: "Finance",
        weight: 6,
        manager: "Finance Manager",
        senior_manager: "Senior Finance Manager",
        individual: "Financial Analyst",
        areas: &[
            "Accounting",
            "Planning",
            "Procurement",
            "Tax",
            "Treasury",
            "Payroll",
        ],
    },
    Department {
        name: "Legal",
        weight: 5,
        manager: "Legal Manager",
        senior_manager: "Senior Legal Manager",
        individual: "Legal Counsel",
        areas: &[
            "Commercial",
            "Privacy",
            "Compliance",
            "Corporate",
            "Employment",
        ],
    },
];
const MIN_DEPARTMENTS: usize = 3;
const PEOPLE_OPERATIONS: usize = 2;

const TEAM_SUFFIXES: [&str; 52] = [
    "Core",
    "Experience",
    "Foundations",
    "Tools",
    "Insights",
    "Operations",
    "Services",
    "Automation",
    "Quality",
    "Enablement",
    "Frontline",
    "Strategy",
    "Apollo",
    "Atlas",
    "Aurora",
    "Beacon",
    "Cedar",
    "Cobalt",
    "Comet",
    "Delta",
    "Echo",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Horizon",
    "Juniper",
    "Kestrel",
    "Lighthouse",
    "Lynx",
    "Maple",
    "Meridian",
    "Nebula",
    "Nova",
    "Onyx",
    "Orbit",
    "Orion",
    "Phoenix",
    "Pioneer",
    "Polaris",
    "Quasar",
    "Raven",
    "Sequoia",
    "Sierra",
    "Spruce",
    "Summit",
    "Tidal",
    "Titan",
    "Vega",
    "Vertex",
    "Willow",
    "Zenith",
];

const FIRST_NAMES: [&str; 64] = [
    "Ada", "Adrian", "Aisha", "Alex", "Amara", "Ana", "Arjun", "Ben", "Bianca", "Carlos", "Chen",
    "Chloe", "Daniel", "Dmitri", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hana",
    "Hiro", "Ibrahim", "Ines", "Isaac", "Jamal", "Jana", "Javier", "Julia", "Kai", "Kenji", "Lars",
    "Layla", "Leila", "Leo", "Lina", "Lucas", "Marco", "Mateo", "Maya", "Mei", "Mia", "Nadia",
    "Nikhil", "Noah", "Nora", "Olga", "Oliver", "Omar", "Priya", "Rafael", "Ravi", "Rosa", "Sam",
    "Sara", "Sofia", "Tariq", "Tom", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zoe",
];

const LAST_NAMES: [&str; 64] = [
    "Adams", "Ahmed", "Alvarez", "Andersen", "Bianchi", "Brown", "Chen", "Cohen", "Costa", "Davis",
    "Dubois", "Evans", "Fischer", "Garcia", "Gupta", "Haddad", "Hansen", "Ito", "Ivanova",
    "Jensen", "Johnson", "Kim", "Kowalski", "Kumar", "Larsen", "Lee", "Lopez", "Martin", "Mensah",
    "Meyer", "Moreau", "Mueller", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen",
    "Osei", "Park", "Patel", "Perez", "Petrov", "Reyes", "Rossi", "Santos", "Sato", "Schmidt",
    "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Thomas", "Walker", "Wang", "Weber",
    "Williams", "Wilson", "Wong", "Yamamoto", "Yilmaz", "Zhang",
];

const TIMEZONES: [&str; 8] = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
];

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

#[derive(Debug, PartialEq)]
struct TeamPlan {
    external_id: String,
    name: String,
    parent: Option<usize>,
    /// 0 for top-level teams; parents are one less.
    depth: usize,
}

#[derive(Debug, PartialEq)]
struct PersonPlan {
    external_id: String,
    name: String,
    email: String,
    title: String,
    team: usize,
    timezone: Option<&'static str>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
}

#[derive(Debug, PartialEq)]
struct LinePlan {
    person: usize,
    manager: Option<usize>,
    valid_from: DateTime<Utc>,
    valid_to: Option<DateTime<Utc>>,
}

/// `person` moved from manager `from` to manager `to` at `at`, their subtree with them.
#[derive(Debug, PartialEq)]
struct Reorg {
    person: usize,
    from: usize,
    to: usize,
    at: DateTime<Utc>,
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

struct Node {
    parent: Option<usize>,
    level: usize,
    /// `None` for the CEO alone.
    department: Option<usize>,
    reports: Vec<usize>,
}

/// The reporting tree; a node's index is the person's index. Until a reorg, parents come
/// before their reports.
struct Org {
    nodes: Vec<Node>,
}

impl Org {
    fn grow(people: usize, rng: &mut ChaCha8Rng) -> Self {
        let mut org = Org {
            nodes: Vec::with_capacity(people),
        };
        let ceo = org.push(None, None);
        let departments = ((people - 1) / 12).clamp(MIN_DEPARTMENTS, DEPARTMENTS.len());
        let weights: Vec<f64> = DEPARTMENTS[..departments]
            .iter()
            .map(|d| f64::from(d.weight))
            .collect();
        let sizes = split(people - 1, &weights, usize::MAX, rng);
        for (department, size) in sizes.into_iter().enumerate() {
            org.grow_subtree(ceo, department, size, rng);
        }
        org
    }

    /// Adds a subtree of `size` people under `parent`: an individual, a first-line manager
    /// and their reports, or a manager of managers (sometimes with a few senior individuals).
    fn grow_subtree(
        &mut self,
        parent: usize,
        department: usize,
        size: usize,
        rng: &mut ChaCha8Rng,
    ) {
        let me = self.push(Some(parent), Some(department));
        let reports = size - 1;
        if reports <= MAX_SPAN {
            for _ in 0..reports {
                self.push(Some(me), Some(department));
            }
            return;
        }
        // As few levels as the size needs: every team fits one level lower.
        let team_size = capacity(levels_for(size) - 1);
        let most = MAX_SPAN.min(reports / MIN_TEAM);
        let teams = rng.gen_range(reports.div_ceil(team_size).clamp(2, most)..=most);
        let seniors = if reports >= 40 {
            rng.gen_range(0..=2)
        } else {
            0
        };
        let individuals = seniors
            .min(MAX_SPAN - teams)
            .max(MIN_SPAN.saturating_sub(teams));
        for _ in 0..individuals {
            self.push(Some(me), Some(department));
        }
        let weights = vec![1.0; teams];
        for part in split(reports - individuals, &weights, team_size, rng) {
            self.grow_subtree(me, department, part, rng);
        }
    }

    fn push(&mut self, parent: Option<usize>, department: Option<usize>) -> usize {
        let id = self.nodes.len();
        let level = parent.map_or(0, |p| self.nodes[p].level + 1);
        self.nodes.push(Node {
            parent,
            level,
            department,
            reports: Vec::new(),
        });
        if let Some(p) = parent {
            self.nodes[p].reports.push(id);
        }
        id
    }

    fn move_under(&mut self, person: usize, manager: usize) {
        if let Some(old) = self.nodes[person].parent {
            self.nodes[old].reports.retain(|&r| r != person);
        }
        self.nodes[manager].reports.push(person);
        self.nodes[person].parent = Some(manager);
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    fn is_manager(&self, i: usize) -> bool {
        !self.nodes[i].reports.is_empty()
    }

    fn manages_managers(&self, i: usize) -> bool {
        self.nodes[i].reports.iter().any(|&r| self.is_manager(r))
    }

    fn is_first_line(&self, i: usize) -> bool {
        self.is_manager(i) && !self.manages_managers(i)
    }
}

/// How large a subtree `levels` deep gets when every manager has seven reports, which
/// leaves an eighth for the noise in team sizes.
fn capacity(levels: u32) -> usize {
    (0..=levels).map(|l| 7_usize.pow(l)).sum()
}

/// The fewest levels below its head that a subtree of `size` needs.
fn levels_for(size: usize) -> u32 {
    (0..).find(|&l| capacity(l) >= size).unwrap_or(0)
}

/// Splits `total` into one part per weight, each from [`MIN_TEAM`] to `max`, roughly in
/// proportion to the weights with some noise. `total` must fit in that many `max` parts.
fn split(total: usize, weights: &[f64], max: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let noisy: Vec<f64> = weights
        .iter()
        .map(|w| w * rng.gen_range(0.7..1.3))
        .collect();
    let sum: f64 = noisy.iter().sum();
    let spare = total - MIN_TEAM * weights.len();
    let mut parts: Vec<usize> = noisy
        .iter()
        .map(|w| MIN_TEAM + (spare as f64 * w / sum) as usize)
        .collect();
    parts[0] += total - parts.iter().sum::<usize>();
    // An oversized part would add a level below it; the smallest part takes the excess.
    while let Some(big) = parts.iter().position(|&p| p > max) {
        let small = (0..parts.len()).min_by_key(|&i| parts[i]).unwrap_or(big);
        let moved = (parts[big] - max).min(max - parts[small]);
        parts[big] -= moved;
        parts[small] += moved;
    }
    parts
}

/// Start dates spread over the last eight years, handed out in a random hiring order in
/// which every manager comes before their reports: the CEO founded the company, and no one
/// joins before the person they report to.
fn start_dates(org: &Org, today: NaiveDate, rng: &mut ChaCha8Rng) -> Vec<NaiveDate> {
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
fn pick_reorg(
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

/// Levels below `i` in its subtree: 0 for an individual, 1 for a first-line manager.
fn height(org: &Org, i: usize) -> usize {
    org.nodes[i]
        .reports
        .iter()
        .map(|&r| height(org, r) + 1)
        .max()
        .unwrap_or(0)
}

/// End dates for about [`LEAVERS_PERCENT`]% of individual contributors, 30–300 days ago,
/// never leaving a manager with fewer than [`MIN_SPAN`] current reports.
fn leavers(
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

/// One team per manager: the CEO's office and one top-level team per department head, then
/// a child team under their manager's team for every manager below. Everyone belongs to
/// the team they lead, or else to their manager's.
fn teams(org: &Org) -> (Vec<TeamPlan>, Vec<usize>) {
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

fn describe_people(
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

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

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

/// One line per person from their line start (closed on their end date), and two for the
/// person moved in the reorg.
fn lines(
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

/// The people to mint demo tokens for, each the longest-serving who fits: an HR individual
/// contributor; outside People Operations, so that no one plays two parts, a manager of two
/// or more first-line managers with three or more current reports each (the one nearest
/// the director level); one of those managers; and one of their current reports.
fn pick_demo_people(
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

// ---- Meetings ----

/// Meetings cover the year before `now` and the two weeks after it.
const MEETING_HISTORY_DAYS: u64 = 365;
const MEETING_DAYS_AHEAD: u64 = 14;
/// Meetings this recent, and upcoming ones, get a template's agenda, action items, notes
/// and ratings; older ones keep only their metadata, which keeps a million meetings quick
/// to write.
const CONTENT_DAYS: u64 = 90;
/// Meetings start on the half hour from 9:00 to 16:00, the host's local time.
const FIRST_START_HOUR: u32 = 9;
const START_SLOTS: u32 = 15;
/// Minutes east of UTC for each of [`TIMEZONES`] (standard time: the demo ignores DST).
const TIMEZONE_OFFSETS: [i64; TIMEZONES.len()] = [-300, -360, -480, 0, 60, 330, 480, 600];

/// An org-wide agenda template.
struct TemplateSpec {
    name: &'static str,
    description: &'static str,
    kind: MeetingKind,
    items: &'static [(&'static str, TopicCategory)],
}

const WEEKLY: usize = 0;
const SKIP_LEVEL: usize = 1;
const PEER: usize = 2;
const CAREER: usize = 3;
const MANAGER_OF_MANAGERS: usize = 4;

const TEMPLATES: [TemplateSpec; 5] = [
    TemplateSpec {
        name: "Weekly 1:1",
        description: "The standing 1:1 between a manager and a direct report; the report's topics come first.",
        kind: MeetingKind::Direct,
        items: &[
            ("How are you doing, really?", TopicCategory::Wellbeing),
            (
                "Wins and challenges since we last met",
                TopicCategory::Other,
            ),
            ("Anything blocking you?", TopicCategory::Tactical),
            ("Feedback, both ways", TopicCategory::Feedback),
        ],
    },
    TemplateSpec {
        name: "Skip-level 1:1",
        description: "A conversation with your manager's manager about the team, the work and growth.",
        kind: MeetingKind::SkipLevel,
        items: &[
            ("What is going well on your team?", TopicCategory::Feedback),
            (
                "What would you change about how we work?",
                TopicCategory::Strategic,
            ),
            (
                "How is your manager supporting your growth?",
                TopicCategory::Career,
            ),
            (
                "Questions about where the company is heading",
                TopicCategory::Strategic,
            ),
        ],
    },
    TemplateSpec {
        name: "Peer 1:1",
        description: "Two peers comparing notes.",
        kind: MeetingKind::Peer,
        items: &[
            (
                "Where our work overlaps this month",
                TopicCategory::Strategic,
            ),
            ("Hand-offs and dependencies", TopicCategory::Tactical),
            ("One problem each: advice swap", TopicCategory::Feedback),
        ],
    },
    TemplateSpec {
        name: "Career conversation",
        description: "A quarterly look beyond the day-to-day: ambitions, skills and next steps.",
        kind: MeetingKind::Direct,
        items: &[
            (
                "Where do you want to be in two years?",
                TopicCategory::Career,
            ),
            ("Skills to build next, and how", TopicCategory::Career),
            (
                "Stretch opportunities on the team",
                TopicCategory::Strategic,
            ),
            ("How I can support you", TopicCategory::Feedback),
            (
                "How do you feel about your workload?",
                TopicCategory::Wellbeing,
            ),
        ],
    },
    TemplateSpec {
        name: "Manager-of-managers 1:1",
        description: "For a manager and their own manager: how the team's 1:1s and people are doing.",
        kind: MeetingKind::Direct,
        items: &[
            (
                "How are your 1:1s with your team going?",
                TopicCategory::Feedback,
            ),
            ("Team health and attrition risks", TopicCategory::Wellbeing),
            ("Growth and hiring on your team", TopicCategory::Career),
            ("Priorities for next quarter", TopicCategory::Strategic),
        ],
    },
];

/// What tactical-heavy managers add to their 1:1s.
const TACTICAL_EXTRAS: [&str; 4] = [
    "Status of current projects",
    "This week's deadlines",
    "Ticket queue review",
    "Sprint progress check",
];

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

const NOTES: [&str; 4] = [
    "Agreed on next steps; see the action items.",
    "Mostly project updates this time.",
    "Talked through priorities for the quarter.",
    "Good catch-up, nothing urgent.",
];

const COMMENTS: [&str; 4] = [
    "Useful, thanks.",
    "We ran out of time.",
    "Mostly status updates.",
    "Great conversation.",
];

/// The meetings and their content; every `meeting`, `host`, `owner` and `rater` is an index.
#[derive(Debug, Default, PartialEq)]
struct Schedule {
    /// By time, then host.
    meetings: Vec<MeetingPlan>,
    /// Meetings from this instant on (a suffix of `meetings`) have a template and may have
    /// agenda items, an action item, notes and a rating.
    content_from: DateTime<Utc>,
    agenda: Vec<AgendaItemPlan>,
    actions: Vec<ActionPlan>,
    ratings: Vec<RatingPlan>,
}

#[derive(Debug, PartialEq)]
struct MeetingPlan {
    host: usize,
    guest: usize,
    at: DateTime<Utc>,
    minutes: i32,
    status: MeetingStatus,
    kind: MeetingKind,
    /// Which of [`TEMPLATES`] its agenda follows, for meetings with content.
    template: Option<usize>,
    notes: Option<&'static str>,
}

#[derive(Debug, PartialEq)]
struct AgendaItemPlan {
    meeting: usize,
    position: i32,
    text: &'static str,
    category: TopicCategory,
    added_by: usize,
    discussed: bool,
}

#[derive(Debug, PartialEq)]
struct ActionPlan {
    meeting: usize,
    owner: usize,
    text: &'static str,
    due_on: NaiveDate,
    done_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

#[derive(Debug, PartialEq)]
struct RatingPlan {
    meeting: usize,
    rater: usize,
    rating: i32,
    comment: Option<&'static str>,
    at: DateTime<Utc>,
}

/// Why two people meet regularly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Tie {
    /// A manager (host) and a direct report (guest).
    Direct,
    /// A manager's manager (host) and a report two levels down (guest).
    SkipLevel,
    /// Two managers with the same manager.
    ManagerPeers,
    /// Two individual contributors with the same manager.
    Teammates,
    /// Two individual contributors on different teams of one department.
    Partners,
}

/// Two people who meet regularly from `from` until before `to`.
struct Relationship {
    tie: Tie,
    host: usize,
    guest: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
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

fn draw_cadence(rng: &mut ChaCha8Rng) -> Cadence {
    match rng.gen_range(0..100) {
        0..50 => Cadence::Weekly,
        50..85 => Cadence::Biweekly,
        _ => Cadence::Lagging,
    }
}

/// A recurring meeting: every `weeks` plus up to `jitter` more, `minutes` long.
struct Series {
    weeks: u64,
    jitter: u64,
    minutes: i32,
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
fn schedule(org: &Org, plan: &Plan, now: DateTime<Utc>, rng: &mut ChaCha8Rng) -> Schedule {
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
        let series = match r.tie {
            Tie::Direct => {
                let h = &habits[r.host];
                let cadence = if h.neglected == Some(r.guest) {
                    Cadence::Never
                } else if rng.gen_bool(0.25) {
                    draw_cadence(rng)
                } else {
                    h.cadence
                };
                let (weeks, jitter) = match cadence {
                    Cadence::Never => continue,
                    Cadence::Weekly => (1, 0),
                    Cadence::Biweekly => (2, 0),
                    Cadence::Lagging => (4, 3),
                };
                let minutes = if org.is_manager(r.guest) {
                    pick(rng, &[45, 60])
                } else {
                    pick(rng, &[30, 30, 30, 30, 45, 45, 60, 25])
                };
                Series {
                    weeks,
                    jitter,
                    minutes,
                }
            }
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
        booker.series(org, &r, &series, rng);
    }
    leader_chats(org, &mut booker, window, rng);
    let mut meetings = booker.meetings;
    meetings.sort_by_key(|m| (m.at, m.host));
    let (agenda, actions, ratings) = content(&mut meetings, &habits, now, rng);
    Schedule {
        meetings,
        content_from,
        agenda,
        actions,
        ratings,
    }
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

/// Everyone's reporting lines, for chains at any instant.
struct Timeline<'a> {
    lines: &'a [LinePlan],
    of: Vec<Vec<usize>>,
}

impl<'a> Timeline<'a> {
    fn new(people: usize, lines: &'a [LinePlan]) -> Self {
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

    fn kind_at(&self, host: usize, guest: usize, at: DateTime<Utc>) -> MeetingKind {
        classify(
            host as i64,
            guest as i64,
            self.chain_at(host, at).as_deref(),
            self.chain_at(guest, at).as_deref(),
        )
    }
}

/// Collects relationships, clipped to the meeting window, joining a pair's spans that
/// meet end to start (a manager moved under a new manager still meets the same skip-level).
struct Relationships {
    window: (DateTime<Utc>, DateTime<Utc>),
    all: Vec<Relationship>,
    index: HashMap<(Tie, usize, usize), usize>,
}

impl Relationships {
    fn add(&mut self, tie: Tie, host: usize, guest: usize, from: DateTime<Utc>, to: DateTime<Utc>) {
        let (from, to) = (from.max(self.window.0), to.min(self.window.1));
        if host == guest || from >= to {
            return;
        }
        if let Some(&i) = self.index.get(&(tie, host, guest))
            && self.all[i].to == from
        {
            self.all[i].to = to;
            return;
        }
        self.index.insert((tie, host, guest), self.all.len());
        self.all.push(Relationship {
            tie,
            host,
            guest,
            from,
            to,
        });
    }
}

/// Who meets whom regularly, and when, from the reporting lines: direct 1:1s first, so
/// that they get the first pick of times.
fn relationships(
    org: &Org,
    people: &[PersonPlan],
    lines: &[LinePlan],
    window: (DateTime<Utc>, DateTime<Utc>),
    rng: &mut ChaCha8Rng,
) -> Vec<Relationship> {
    let mut rels = Relationships {
        window,
        all: Vec::new(),
        index: HashMap::new(),
    };
    let span = |l: &LinePlan| (l.valid_from, l.valid_to.unwrap_or(window.1));
    let mut lines_of = vec![Vec::new(); people.len()];
    let mut managers_under = vec![Vec::new(); people.len()];
    for l in lines {
        lines_of[l.person].push(l);
        if let Some(m) = l.manager {
            rels.add(Tie::Direct, m, l.person, l.valid_from, span(l).1);
            if org.is_manager(l.person) {
                managers_under[m].push(l);
            }
        }
    }
    for l in lines {
        let Some(m) = l.manager else { continue };
        for above in &lines_of[m] {
            if let Some(g) = above.manager {
                let (from, to) = (span(l).0.max(span(above).0), span(l).1.min(span(above).1));
                rels.add(Tie::SkipLevel, g, l.person, from, to);
            }
        }
    }
    for group in &managers_under {
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                let (from, to) = (span(a).0.max(span(b).0), span(a).1.min(span(b).1));
                rels.add(Tie::ManagerPeers, a.person, b.person, from, to);
            }
        }
    }
    let employed = |i: usize| {
        let p = &people[i];
        (
            start_of(p.start_date),
            p.end_date.map_or(window.1, end_instant),
        )
    };
    let both = |a: usize, b: usize| {
        (
            employed(a).0.max(employed(b).0),
            employed(a).1.min(employed(b).1),
        )
    };
    // Teammates meet around a ring: everyone with the two beside them.
    let mut department_ics: Vec<Vec<usize>> = vec![Vec::new(); DEPARTMENTS.len()];
    for node in &org.nodes {
        let ics: Vec<usize> = node
            .reports
            .iter()
            .copied()
            .filter(|&r| !org.is_manager(r))
            .collect();
        let pairs = match ics.len() {
            0 | 1 => 0,
            2 => 1,
            n => n,
        };
        for k in 0..pairs {
            let (a, b) = (ics[k], ics[(k + 1) % ics.len()]);
            let (from, to) = both(a, b);
            rels.add(Tie::Teammates, a, b, from, to);
        }
        for &i in &ics {
            if let Some(d) = org.nodes[i].department {
                department_ics[d].push(i);
            }
        }
    }
    // Individual contributors look for two partners on other teams; most find them.
    let mut partnered = HashSet::new();
    for ics in department_ics.iter().flat_map(|ics| [ics, ics]) {
        for &a in ics {
            if ics.len() < 2 || !rng.gen_bool(0.8) {
                continue;
            }
            let b = pick(rng, ics);
            let pair = (a.min(b), a.max(b));
            if org.nodes[a].parent == org.nodes[b].parent || !partnered.insert(pair) {
                continue;
            }
            let (from, to) = both(a, b);
            rels.add(Tie::Partners, a, b, from, to);
        }
    }
    rels.all
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

/// Who is busy when: one bit per person per half hour of the meeting window.
struct Calendar {
    origin: DateTime<Utc>,
    slots: usize,
    busy: Vec<u64>,
}

impl Calendar {
    fn new(people: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        let slots = ((to - from).num_minutes() / 30 + 4) as usize;
        Calendar {
            origin: from,
            slots,
            busy: vec![0; people * slots.div_ceil(64)],
        }
    }

    fn half_hours(&self, at: DateTime<Utc>, minutes: i32) -> Option<std::ops::Range<usize>> {
        let start = (at - self.origin).num_minutes();
        let end = start + i64::from(minutes);
        (start >= 0 && (end as usize).div_ceil(30) <= self.slots)
            .then(|| start as usize / 30..(end as usize).div_ceil(30))
    }

    fn bit(&self, person: usize, slot: usize) -> (usize, u64) {
        (
            person * self.slots.div_ceil(64) + slot / 64,
            1 << (slot % 64),
        )
    }

    fn is_free(&self, person: usize, slots: &std::ops::Range<usize>) -> bool {
        slots.clone().all(|s| {
            let (word, mask) = self.bit(person, s);
            self.busy[word] & mask == 0
        })
    }

    fn take(&mut self, person: usize, slots: &std::ops::Range<usize>) {
        for s in slots.clone() {
            let (word, mask) = self.bit(person, s);
            self.busy[word] |= mask;
        }
    }
}

/// Books meetings where both people are free and employed.
struct Booker<'a> {
    people: &'a [PersonPlan],
    timeline: &'a Timeline<'a>,
    calendar: Calendar,
    now: DateTime<Utc>,
    content_from: DateTime<Utc>,
    meetings: Vec<MeetingPlan>,
}

impl Booker<'_> {
    /// The meetings of one relationship: on one weekday and time, every `series.weeks`
    /// (plus jitter), the first within one period of the relationship's start. Peers take
    /// turns hosting.
    fn series(&mut self, org: &Org, r: &Relationship, series: &Series, rng: &mut ChaCha8Rng) {
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
    fn book(
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
            if !self.calendar.is_free(host, &half_hours)
                || !self.calendar.is_free(guest, &half_hours)
            {
                continue;
            }
            if self.timeline.manager_at(host, at).is_none()
                || self.timeline.manager_at(guest, at).is_none()
            {
                return false;
            }
            self.calendar.take(host, &half_hours);
            self.calendar.take(guest, &half_hours);
            let status = if at > self.now {
                MeetingStatus::Scheduled
            } else {
                match rng.gen_range(0..100) {
                    0..8 => MeetingStatus::Cancelled,
                    8..11 => MeetingStatus::NoShow,
                    _ => MeetingStatus::Held,
                }
            };
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

fn utc_offset(timezone: Option<&str>) -> i64 {
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

/// Agendas, notes, action items and ratings for the meetings that have a template (the
/// recent and upcoming ones): the template's items, extra TACTICAL ones from tactical-heavy
/// hosts of direct 1:1s, sometimes a topic from the guest; one action item on three in ten
/// HELD meetings, mostly done when over two weeks old; a rating by the guest on four in ten
/// HELD meetings, mostly 4.
fn content(
    meetings: &mut [MeetingPlan],
    habits: &[Habits],
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> (Vec<AgendaItemPlan>, Vec<ActionPlan>, Vec<RatingPlan>) {
    let (mut agenda, mut actions, mut ratings) = (Vec::new(), Vec::new(), Vec::new());
    for (i, m) in meetings.iter_mut().enumerate() {
        let Some(template) = m.template else { continue };
        let held = m.status == MeetingStatus::Held;
        let mut items: Vec<(&'static str, TopicCategory, usize)> = TEMPLATES[template]
            .items
            .iter()
            .map(|&(text, category)| (text, category, m.host))
            .collect();
        let tactical =
            habits[m.host].tactical && m.kind == MeetingKind::Direct && template != CAREER;
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
        if !held {
            continue;
        }
        let end = m.at + Duration::minutes(i64::from(m.minutes));
        if rng.gen_bool(0.3) {
            m.notes = Some(pick(rng, &NOTES));
        }
        if rng.gen_bool(0.3) {
            let owner = if rng.gen_bool(0.7) { m.guest } else { m.host };
            let done = now - m.at > Duration::days(14) && rng.gen_bool(0.8);
            let done_at = done.then(|| (end + Duration::hours(rng.gen_range(2..=240))).min(now));
            actions.push(ActionPlan {
                meeting: i,
                owner,
                text: pick(rng, &ACTIONS),
                due_on: m.at.date_naive() + Days::new(rng.gen_range(7..=14)),
                done_at,
                created_at: end.min(now),
            });
        }
        if rng.gen_bool(0.4) {
            // Tactical-heavy 1:1s rate a little lower.
            let weights: &[u32] = if tactical {
                &[5, 12, 33, 38, 12]
            } else {
                &[2, 5, 18, 48, 27]
            };
            let mut roll = rng.gen_range(0..weights.iter().sum::<u32>());
            let rating = weights
                .iter()
                .position(|&w| {
                    let hit = roll < w;
                    roll = roll.saturating_sub(w);
                    hit
                })
                .unwrap_or(3) as i32
                + 1;
            ratings.push(RatingPlan {
                meeting: i,
                rater: m.guest,
                rating,
                comment: rng.gen_bool(0.25).then(|| pick(rng, &COMMENTS)),
                at: (end + Duration::minutes(rng.gen_range(5..=600))).min(now),
            });
        }
    }
    (agenda, actions, ratings)
}

/// Inserts the plan in one transaction: teams level by level (a team's parent id must
/// exist first), then people, then reporting lines, then the org-wide agenda templates,
/// meetings and their content, in batches.
async fn write(db: &DatabaseConnection, plan: &Plan, now: DateTime<Utc>) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    ensure!(
        person::Entity::find().one(&txn).await?.is_none()
            && team::Entity::find().one(&txn).await?.is_none(),
        "the database already has people or teams: the demo company only goes into an empty one"
    );
    let team_ids = insert_teams(&txn, &plan.teams, now).await?;
    let person_ids = insert_people(&txn, &plan.people, &team_ids, now).await?;
    let lines = plan.lines.iter().map(|l| reporting_line::ActiveModel {
        person_id: Set(person_ids[l.person]),
        manager_id: Set(l.manager.map(|m| person_ids[m])),
        valid_from: Set(l.valid_from),
        valid_to: Set(l.valid_to),
        ..Default::default()
    });
    insert_batched(&txn, lines.collect()).await?;
    let template_ids = insert_templates(&txn, now).await?;
    let cache = widen_sqlite_cache(&txn).await?;
    insert_schedule(&txn, &plan.schedule, &person_ids, &template_ids, now).await?;
    if let Some(pages) = cache {
        txn.execute_unprepared(&format!("PRAGMA cache_size = {pages}"))
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// On SQLite, a page cache large enough that a million meetings' index pages are not
/// spilled and re-read over and over during the transaction (4x faster); returns the
/// connection's setting to restore before it goes back to the pool.
async fn widen_sqlite_cache(txn: &DatabaseTransaction) -> anyhow::Result<Option<i64>> {
    let backend = txn.get_database_backend();
    if backend != DbBackend::Sqlite {
        return Ok(None);
    }
    let current = txn
        .query_one_raw(Statement::from_string(backend, "PRAGMA cache_size"))
        .await?
        .context("PRAGMA cache_size returned nothing")?
        .try_get_by_index::<i64>(0)?;
    // Negative: KiB rather than pages.
    txn.execute_unprepared("PRAGMA cache_size = -262144")
        .await?;
    Ok(Some(current))
}

async fn insert_templates(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(TEMPLATES.len());
    let mut items = Vec::new();
    for t in &TEMPLATES {
        let stored = agenda_template::ActiveModel {
            name: Set(t.name.to_owned()),
            description: Set(Some(t.description.to_owned())),
            owner_id: Set(None),
            kind: Set(Some(t.kind.as_str().to_owned())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.push(stored.id);
        items.extend(
            t.items
                .iter()
                .enumerate()
                .map(
                    |(position, (text, category))| agenda_template_item::ActiveModel {
                        template_id: Set(stored.id),
                        position: Set(position as i32),
                        text: Set((*text).to_owned()),
                        category: Set(category.as_str().to_owned()),
                        ..Default::default()
                    },
                ),
        );
    }
    insert_batched(txn, items).await?;
    Ok(ids)
}

/// Meetings in time order, then, for the recent ones (read back by host and time, which
/// the calendar keeps unique), their agenda items, action items and ratings.
async fn insert_schedule(
    txn: &DatabaseTransaction,
    schedule: &Schedule,
    person_ids: &[i64],
    template_ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    // Agenda counters go in with the meetings (the items follow below).
    let mut counts = vec![(0, 0); schedule.meetings.len()];
    for a in &schedule.agenda {
        counts[a.meeting].0 += 1;
        counts[a.meeting].1 += i32::from(a.category == TopicCategory::Tactical);
    }
    let numbered: Vec<(usize, &MeetingPlan)> = schedule.meetings.iter().enumerate().collect();
    insert_chunked(txn, &numbered, 13, |&(i, m)| {
        let created_at = (m.at - Duration::days(7)).min(now);
        let ended = m.at + Duration::minutes(i64::from(m.minutes));
        let updated_at = match m.status {
            MeetingStatus::Scheduled => created_at,
            _ => ended.min(now).max(created_at),
        };
        meeting::ActiveModel {
            external_id: Set(None),
            host_id: Set(person_ids[m.host]),
            guest_id: Set(person_ids[m.guest]),
            scheduled_at: Set(m.at),
            duration_minutes: Set(m.minutes),
            status: Set(m.status.as_str().to_owned()),
            kind: Set(m.kind.as_str().to_owned()),
            template_id: Set(m.template.map(|t| template_ids[t])),
            shared_notes: Set(m.notes.map(str::to_owned)),
            agenda_item_count: Set(counts[i].0),
            tactical_item_count: Set(counts[i].1),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
            ..Default::default()
        }
    })
    .await?;

    let first = schedule
        .meetings
        .partition_point(|m| m.at < schedule.content_from);
    let stored: HashMap<(i64, DateTime<Utc>), i64> = meeting::Entity::find()
        .select_only()
        .columns([
            meeting::Column::HostId,
            meeting::Column::ScheduledAt,
            meeting::Column::Id,
        ])
        .filter(meeting::Column::ScheduledAt.gte(schedule.content_from))
        .into_tuple::<(i64, DateTime<Utc>, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(host, at, id)| ((host, at), id))
        .collect();
    let recent: Vec<i64> = schedule.meetings[first..]
        .iter()
        .map(|m| {
            stored
                .get(&(person_ids[m.host], m.at))
                .copied()
                .context("an inserted meeting was not read back")
        })
        .collect::<anyhow::Result<_>>()?;
    let meeting_id = |i: usize| recent[i - first];

    insert_chunked(txn, &schedule.agenda, 6, |a| agenda_item::ActiveModel {
        meeting_id: Set(meeting_id(a.meeting)),
        position: Set(a.position),
        text: Set(a.text.to_owned()),
        category: Set(a.category.as_str().to_owned()),
        added_by: Set(Some(person_ids[a.added_by])),
        discussed: Set(a.discussed),
        ..Default::default()
    })
    .await?;
    insert_chunked(txn, &schedule.actions, 6, |a| action_item::ActiveModel {
        meeting_id: Set(meeting_id(a.meeting)),
        owner_id: Set(person_ids[a.owner]),
        text: Set(a.text.to_owned()),
        due_on: Set(Some(a.due_on)),
        done_at: Set(a.done_at),
        created_at: Set(a.created_at),
        ..Default::default()
    })
    .await?;
    insert_chunked(txn, &schedule.ratings, 5, |r| {
        meeting_feedback::ActiveModel {
            meeting_id: Set(meeting_id(r.meeting)),
            rater_id: Set(person_ids[r.rater]),
            rating: Set(r.rating),
            comment: Set(r.comment.map(str::to_owned)),
            updated_at: Set(r.at),
            ..Default::default()
        }
    })
    .await?;
    Ok(())
}

/// Inserts `rows` as `A`s of `columns` values each, as many per statement as
/// [`PARAMETERS_PER_INSERT`] allows, building each statement's models only when it is due.
async fn insert_chunked<T, A>(
    txn: &DatabaseTransaction,
    rows: &[T],
    columns: usize,
    model: impl Fn(&T) -> A,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait,
{
    for chunk in rows.chunks(PARAMETERS_PER_INSERT / columns) {
        A::Entity::insert_many(chunk.iter().map(&model))
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

async fn insert_teams(
    txn: &DatabaseTransaction,
    teams: &[TeamPlan],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids: Vec<Option<i64>> = vec![None; teams.len()];
    let deepest = teams.iter().map(|t| t.depth).max().unwrap_or(0);
    for depth in 0..=deepest {
        let level = teams.iter().enumerate().filter(|(_, t)| t.depth == depth);
        let rows = level.clone().map(|(_, t)| team::ActiveModel {
            external_id: Set(t.external_id.clone()),
            name: Set(t.name.clone()),
            parent_id: Set(t.parent.and_then(|p| ids[p])),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        insert_batched(txn, rows.collect()).await?;
        let stored = team_ids(txn).await?;
        for (i, t) in level {
            ids[i] = stored.get(&t.external_id).copied();
        }
    }
    ids.into_iter()
        .map(|id| id.context("an inserted team was not read back"))
        .collect()
}

async fn insert_people(
    txn: &DatabaseTransaction,
    people: &[PersonPlan],
    team_ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let rows = people.iter().map(|p| person::ActiveModel {
        external_id: Set(p.external_id.clone()),
        name: Set(p.name.clone()),
        email: Set(p.email.clone()),
        title: Set(Some(p.title.clone())),
        team_id: Set(Some(team_ids[p.team])),
        timezone: Set(p.timezone.map(str::to_owned)),
        start_date: Set(Some(p.start_date)),
        end_date: Set(p.end_date),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    });
    insert_batched(txn, rows.collect()).await?;
    let stored: HashMap<String, i64> = person::Entity::find()
        .select_only()
        .columns([person::Column::ExternalId, person::Column::Id])
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    people
        .iter()
        .map(|p| {
            stored
                .get(&p.external_id)
                .copied()
                .context("an inserted person was not read back")
        })
        .collect()
}

async fn team_ids(txn: &DatabaseTransaction) -> Result<HashMap<String, i64>, DbErr> {
    let rows = team::Entity::find()
        .select_only()
        .columns([team::Column::ExternalId, team::Column::Id])
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Multi-row inserts small enough for SQLite's limit on bound parameters.
async fn insert_batched<A>(txn: &DatabaseTransaction, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Clone,
{
    for batch in rows.chunks(ROWS_PER_INSERT) {
        A::Entity::insert_many(batch.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 15, 30, 0).unwrap()
    }

    /// The org chart alone, for tests about it: meetings take a while in a debug build.
    fn org_only(people: usize, seed: u64) -> Plan {
        org_plan(people, seed, now()).unwrap().1
    }

    /// Each person's manager at `at`, `None` when no line covers it; panics on overlaps.
    fn managers_at(plan: &Plan, at: DateTime<Utc>) -> Vec<Option<Option<usize>>> {
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
    fn levels_at(plan: &Plan, at: DateTime<Utc>) -> Vec<Option<usize>> {
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

    fn reports_at(plan: &Plan, at: DateTime<Utc>) -> Vec<usize> {
        let mut reports = vec![0; plan.people.len()];
        for manager in managers_at(plan, at).into_iter().flatten().flatten() {
            reports[manager] += 1;
        }
        reports
    }

    #[test]
    fn a_ten_thousand_person_company_is_six_or_seven_levels_deep_with_spans_of_three_to_eight() {
        for seed in 0..5 {
            let plan = org_only(10_000, seed);
            let deepest = levels_at(&plan, now()).into_iter().flatten().max().unwrap();
            assert!((5..=6).contains(&deepest), "seed {seed}: depth {deepest}");
            let spans = reports_at(&plan, now()).into_iter().filter(|&n| n > 0);
            assert!(
                spans.into_iter().all(|n| (3..=8).contains(&n)),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_company_and_another_seed_another() {
        let plan = generate(2_000, 7, now()).unwrap();
        assert_eq!(plan, generate(2_000, 7, now()).unwrap());
        assert_ne!(plan, generate(2_000, 8, now()).unwrap());
    }

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

    #[test]
    fn recent_and_upcoming_meetings_follow_one_of_five_org_wide_templates() {
        let mom = &TEMPLATES[MANAGER_OF_MANAGERS];
        assert_eq!(mom.items[0].0, "How are your 1:1s with your team going?");
        assert!(TEMPLATES.iter().all(|t| (3..=5).contains(&t.items.len())));
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
            let agenda = &items[i];
            assert!(
                agenda
                    .iter()
                    .enumerate()
                    .all(|(p, a)| a.position == p as i32)
            );
            assert!(
                agenda
                    .iter()
                    .all(|a| a.added_by == m.host || a.added_by == m.guest)
            );
            assert!(
                agenda
                    .iter()
                    .all(|a| !a.discussed || m.status == MeetingStatus::Held)
            );
            let template_items = TEMPLATES[t].items.iter().map(|i| i.0);
            assert!(
                template_items.eq(agenda.iter().take(TEMPLATES[t].items.len()).map(|a| a.text))
            );
            let tactical = agenda
                .iter()
                .filter(|a| a.category == TopicCategory::Tactical)
                .count();
            tactical_heavy += usize::from(tactical >= 3);
        }
        assert!(tactical_heavy > 0);
        let with_actions: HashSet<usize> = s.actions.iter().map(|a| a.meeting).collect();
        assert_eq!(
            with_actions.len(),
            s.actions.len(),
            "one action item per meeting"
        );
    }

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

    #[tokio::test]
    async fn seeding_writes_the_company_once_and_refuses_a_second_time() {
        use migration::MigratorTrait;
        use sea_orm::PaginatorTrait;
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        migration::Migrator::up(&db, None).await.unwrap();

        let company = seed(&db, 500, 42, now()).await.unwrap();

        assert_eq!(company.people, 500);
        assert_eq!(person::Entity::find().count(&db).await.unwrap(), 500);
        let statistics = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'meeting'",
            ))
            .await
            .unwrap()
            .unwrap();
        assert!(
            statistics.try_get::<i64>("", "n").unwrap() > 0,
            "the planner has statistics of the meetings just written"
        );
        let plan = generate(500, 42, now()).unwrap();
        let s = &plan.schedule;
        let count = |n: usize| n as u64;
        assert_eq!(
            reporting_line::Entity::find().count(&db).await.unwrap(),
            count(plan.lines.len())
        );
        assert_eq!(company.meetings, s.meetings.len());
        assert_eq!(
            meeting::Entity::find().count(&db).await.unwrap(),
            count(s.meetings.len())
        );
        assert_eq!(
            agenda_item::Entity::find().count(&db).await.unwrap(),
            count(s.agenda.len())
        );
        assert_eq!(
            action_item::Entity::find().count(&db).await.unwrap(),
            count(s.actions.len())
        );
        assert_eq!(
            meeting_feedback::Entity::find().count(&db).await.unwrap(),
            count(s.ratings.len())
        );
        let templates = agenda_template::Entity::find().all(&db).await.unwrap();
        assert_eq!(templates.len(), TEMPLATES.len());
        assert!(templates.iter().all(|t| t.owner_id.is_none()));
        // Children landed on the meetings they were planned for.
        let misplaced = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) FROM meeting_feedback f JOIN meeting m ON m.id = f.meeting_id \
                 WHERE m.status <> 'HELD' OR m.guest_id <> f.rater_id \
                 OR m.template_id IS NULL OR m.external_id IS NOT NULL",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        assert_eq!(misplaced, 0);
        let error = seed(&db, 500, 42, now()).await.unwrap_err();
        assert!(error.to_string().contains("already has people"), "{error}");
    }
}
