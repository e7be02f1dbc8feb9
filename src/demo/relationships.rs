//! Who in the demo company meets whom regularly, and when: managers and their reports,
//! skip-levels, peer managers, teammates and cross-team partners, from the reporting lines.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::history::LinePlan;
use super::names::DEPARTMENTS;
use super::org::Org;
use super::pick;
use super::roster::PersonPlan;
use crate::domain::employment::{end_instant, start_of};

/// Why two people meet regularly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Tie {
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
pub(super) struct Relationship {
    pub(super) tie: Tie,
    pub(super) host: usize,
    pub(super) guest: usize,
    pub(super) from: DateTime<Utc>,
    pub(super) to: DateTime<Utc>,
}

/// Collects relationships, clipped to the meeting window, joining a pair's spans that
/// meet end to start (a manager moved under a new manager still meets the same skip-level).
struct Relationships {
    window: (DateTime<Utc>, DateTime<Utc>),
    all: Vec<Relationship>,
    index: HashMap<(Tie, usize, usize), usize>,
}

impl Relationships {
    /// Adds a relationship, clipped to the window; nothing when the clipped span is empty.
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

    /// When a line holds, an open line until the end of the window.
    fn span(&self, l: &LinePlan) -> (DateTime<Utc>, DateTime<Utc>) {
        (l.valid_from, l.valid_to.unwrap_or(self.window.1))
    }

    /// When both `a` and `b` are employed.
    fn employed_together(
        &self,
        people: &[PersonPlan],
        a: usize,
        b: usize,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        let employed = |i: usize| {
            let p = &people[i];
            (
                start_of(p.start_date),
                p.end_date.map_or(self.window.1, end_instant),
            )
        };
        (
            employed(a).0.max(employed(b).0),
            employed(a).1.min(employed(b).1),
        )
    }

    /// A manager and each direct report for as long as the line holds; returns everyone's
    /// lines and, for each manager, the lines of the managers reporting to them.
    fn add_directs<'l>(
        &mut self,
        org: &Org,
        people: usize,
        lines: &'l [LinePlan],
    ) -> (Vec<Vec<&'l LinePlan>>, Vec<Vec<&'l LinePlan>>) {
        let mut lines_of = vec![Vec::new(); people];
        let mut managers_under = vec![Vec::new(); people];
        for l in lines {
            lines_of[l.person].push(l);
            if let Some(m) = l.manager {
                self.add(Tie::Direct, m, l.person, l.valid_from, self.span(l).1);
                if org.is_manager(l.person) {
                    managers_under[m].push(l);
                }
            }
        }
        (lines_of, managers_under)
    }

    /// A manager's manager and each report two levels down, while both lines hold.
    fn add_skip_levels(&mut self, lines: &[LinePlan], lines_of: &[Vec<&LinePlan>]) {
        for l in lines {
            let Some(m) = l.manager else { continue };
            for above in &lines_of[m] {
                if let Some(g) = above.manager {
                    let (mine, theirs) = (self.span(l), self.span(above));
                    let (from, to) = (mine.0.max(theirs.0), mine.1.min(theirs.1));
                    self.add(Tie::SkipLevel, g, l.person, from, to);
                }
            }
        }
    }

    /// Every two managers with the same manager, while both lines hold.
    fn add_manager_peers(&mut self, managers_under: &[Vec<&LinePlan>]) {
        for group in managers_under {
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    let (sa, sb) = (self.span(a), self.span(b));
                    let (from, to) = (sa.0.max(sb.0), sa.1.min(sb.1));
                    self.add(Tie::ManagerPeers, a.person, b.person, from, to);
                }
            }
        }
    }

    /// Teammates meet around a ring: everyone with the two beside them. Returns each
    /// department's individual contributors, for [`Self::add_partners`].
    fn add_teammates(&mut self, org: &Org, people: &[PersonPlan]) -> Vec<Vec<usize>> {
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
                let (from, to) = self.employed_together(people, a, b);
                self.add(Tie::Teammates, a, b, from, to);
            }
            for &i in &ics {
                if let Some(d) = org.nodes[i].department {
                    department_ics[d].push(i);
                }
            }
        }
        department_ics
    }

    /// Individual contributors look for two partners on other teams; most find them.
    fn add_partners(
        &mut self,
        org: &Org,
        people: &[PersonPlan],
        department_ics: &[Vec<usize>],
        rng: &mut ChaCha8Rng,
    ) {
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
                let (from, to) = self.employed_together(people, a, b);
                self.add(Tie::Partners, a, b, from, to);
            }
        }
    }
}

/// Who meets whom regularly, and when, from the reporting lines: direct 1:1s first, so
/// that they get the first pick of times.
pub(super) fn relationships(
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
    let (lines_of, managers_under) = rels.add_directs(org, people.len(), lines);
    rels.add_skip_levels(lines, &lines_of);
    rels.add_manager_peers(&managers_under);
    let department_ics = rels.add_teammates(org, people);
    rels.add_partners(org, people, &department_ics, rng);
    rels.all
}
