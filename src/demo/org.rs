//! The demo company's reporting tree: a CEO, department heads and subtrees of managers
//! and individual contributors with spans of [`MIN_SPAN`] to [`MAX_SPAN`], grown at random
//! to the size asked for.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names::{DEPARTMENTS, MIN_DEPARTMENTS};

/// The fewest and most direct reports a manager has.
pub(super) const MIN_SPAN: usize = 3;
pub(super) const MAX_SPAN: usize = 8;
/// Smallest subtree a manager heads: themselves and `MIN_SPAN` reports.
const MIN_TEAM: usize = MIN_SPAN + 1;

/// One person's place in the tree.
pub(super) struct Node {
    pub(super) parent: Option<usize>,
    /// 0 for the CEO, 1 for the department heads, and so on down.
    pub(super) level: usize,
    /// `None` for the CEO alone.
    pub(super) department: Option<usize>,
    pub(super) reports: Vec<usize>,
}

/// The reporting tree; a node's index is the person's index. Until a reorg, parents come
/// before their reports.
pub(super) struct Org {
    pub(super) nodes: Vec<Node>,
}

impl Org {
    /// A tree of `people` people: the CEO and one subtree per department, sized in
    /// proportion to the departments' weights.
    pub(super) fn grow(people: usize, rng: &mut ChaCha8Rng) -> Self {
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

    /// Adds a person under `parent` and returns their index.
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

    /// Moves `person`, with their subtree, under `manager`.
    pub(super) fn move_under(&mut self, person: usize, manager: usize) {
        if let Some(old) = self.nodes[person].parent {
            self.nodes[old].reports.retain(|&r| r != person);
        }
        self.nodes[manager].reports.push(person);
        self.nodes[person].parent = Some(manager);
    }

    pub(super) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn is_manager(&self, i: usize) -> bool {
        !self.nodes[i].reports.is_empty()
    }

    pub(super) fn manages_managers(&self, i: usize) -> bool {
        self.nodes[i].reports.iter().any(|&r| self.is_manager(r))
    }

    pub(super) fn is_first_line(&self, i: usize) -> bool {
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

/// Levels below `i` in its subtree: 0 for an individual, 1 for a first-line manager.
pub(super) fn height(org: &Org, i: usize) -> usize {
    org.nodes[i]
        .reports
        .iter()
        .map(|&r| height(org, r) + 1)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::demo::tests::{levels_at, now, org_only, reports_at};

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
}
