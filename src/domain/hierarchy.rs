//! Rules over effective-dated reporting lines that need no database: finding cycles.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

/// One reporting line: `person` reports to `manager` during `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub person: i64,
    pub manager: Option<i64>,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

impl Line {
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && self.to.is_none_or(|to| at < to)
    }
}

/// Lines indexed by person, for "manager of P at T" lookups.
pub struct Lines {
    by_person: HashMap<i64, Vec<Line>>,
}

impl Lines {
    pub fn new(lines: impl IntoIterator<Item = Line>) -> Self {
        let mut by_person: HashMap<i64, Vec<Line>> = HashMap::new();
        for line in lines {
            by_person.entry(line.person).or_default().push(line);
        }
        for lines in by_person.values_mut() {
            lines.sort_by_key(|l| l.from);
        }
        Self { by_person }
    }

    pub fn manager_at(&self, person: i64, at: DateTime<Utc>) -> Option<i64> {
        let lines = self.by_person.get(&person)?;
        let idx = lines.partition_point(|l| l.from <= at);
        lines[..idx]
            .last()
            .filter(|l| l.covers(at))
            .and_then(|l| l.manager)
    }

    pub fn of(&self, person: i64) -> &[Line] {
        self.by_person.get(&person).map_or(&[], Vec::as_slice)
    }

    /// Finds someone who is their own indirect manager at some instant, returning the people
    /// on the cycle (starting with that person) and the instant.
    ///
    /// A cycle exists, if at all, at the latest start among its lines, and the person whose
    /// line starts then is on it: walking up from each line's person at the line's start
    /// therefore finds every cycle, in O(lines × depth).
    pub fn find_cycle(&self) -> Option<(Vec<i64>, DateTime<Utc>)> {
        let limit = self.by_person.len() + 1;
        for line in self.by_person.values().flatten() {
            let Some(first) = line.manager else { continue };
            let mut path = vec![line.person];
            let mut current = Some(first);
            while let Some(m) = current {
                if m == line.person {
                    return Some((path, line.from));
                }
                if path.len() > limit {
                    break;
                }
                path.push(m);
                current = self.manager_at(m, line.from);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap()
    }

    fn line(
        person: i64,
        manager: Option<i64>,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> Line {
        Line {
            person,
            manager,
            from,
            to,
        }
    }

    #[test]
    fn finds_a_cycle_that_exists_only_for_a_while() {
        // 1 -> 2 always; 2 -> 1 only from day 10 to day 20.
        let lines = Lines::new([
            line(1, Some(2), t(1), None),
            line(2, None, t(1), Some(t(10))),
            line(2, Some(1), t(10), Some(t(20))),
            line(2, None, t(20), None),
        ]);
        assert_eq!(lines.find_cycle(), Some((vec![2, 1], t(10))));
    }

    #[test]
    fn overlapping_but_disjoint_lines_are_not_a_cycle() {
        // 1 -> 2 until day 10, then 2 -> 1 from day 10: never both at once.
        let lines = Lines::new([
            line(1, Some(2), t(1), Some(t(10))),
            line(1, None, t(10), None),
            line(2, None, t(1), Some(t(10))),
            line(2, Some(1), t(10), None),
        ]);
        assert_eq!(lines.find_cycle(), None);
        assert_eq!(lines.manager_at(1, t(5)), Some(2));
        assert_eq!(lines.manager_at(1, t(10)), None);
    }
}
