//! The demo company's check-ins: about two managers in three heard from the director above
//! them every two to three months over the last year, with a rating, the struggles they
//! named and a line of notes. Derived from the reporting lines alone (no randomness), so
//! the rest of the company is the same with or without them; a manager who moved in the
//! reorg has the old director's check-ins before the move and the new one's after.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, DatabaseTransaction, DbErr, EntityTrait};

use super::history::LinePlan;
use crate::domain::check_in::{Struggle, struggles_to_stored};
use entity::check_in;

/// One check-in to write; people by index into the plan's people.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CheckInPlan {
    pub(super) asker: usize,
    pub(super) manager: usize,
    pub(super) at: DateTime<Utc>,
    pub(super) rating: i32,
    pub(super) struggles: Vec<Struggle>,
    pub(super) notes: &'static str,
}

const NOTES: &[&str] = &[
    "1:1s mostly turn into status updates; will try a career question each time.",
    "Two reports keep moving the slot. Agreed to fix a recurring time.",
    "Going well. Using the feedback template every other week.",
    "Struggling with a hard conversation about performance; pairing with HR.",
    "Short on time this quarter; 1:1s shrank to 15 minutes.",
    "One report seems checked out. Will ask about workload and growth.",
];

/// The check-ins of the last year before `now`: for each reporting line of a manager
/// (someone with reports at that time) to their director, about two in three of them.
pub(super) fn plan_check_ins(lines: &[LinePlan], now: DateTime<Utc>) -> Vec<CheckInPlan> {
    let mut reports_of: HashMap<usize, Vec<&LinePlan>> = HashMap::new();
    for l in lines {
        if let Some(m) = l.manager {
            reports_of.entry(m).or_default().push(l);
        }
    }
    let has_reports_at = |m: usize, at: DateTime<Utc>| {
        reports_of.get(&m).is_some_and(|ls| {
            ls.iter()
                .any(|l| l.valid_from <= at && l.valid_to.is_none_or(|to| at < to))
        })
    };
    let year_ago = now - Duration::days(365);
    let mut out = Vec::new();
    for line in lines {
        let Some(director) = line.manager else {
            continue;
        };
        let m = line.person;
        if m % 3 == 0 {
            continue;
        }
        let every = Duration::days(60 + ((m * 13 + director * 7) % 40) as i64);
        let end = line.valid_to.map_or(now, |to| to.min(now));
        let mut at = line.valid_from.max(year_ago)
            + Duration::days(((m * 11) % 50) as i64)
            + Duration::hours(15);
        let mut k = 0;
        while at < end {
            if has_reports_at(m, at) {
                let pick = m + k;
                let mut struggles = vec![Struggle::ALL[pick % Struggle::ALL.len()]];
                if pick % 2 == 0 {
                    struggles.push(Struggle::TacticalDrift);
                }
                out.push(CheckInPlan {
                    asker: director,
                    manager: m,
                    at,
                    rating: 1 + ((m * 7 + k * 3) % 5) as i32,
                    struggles,
                    notes: NOTES[pick % NOTES.len()],
                });
            }
            at += every;
            k += 1;
        }
    }
    out
}

/// Writes the check-ins of [`plan_check_ins`]; `person_ids` maps plan indexes to ids.
pub(super) async fn insert(
    txn: &DatabaseTransaction,
    lines: &[LinePlan],
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows: Vec<check_in::ActiveModel> = plan_check_ins(lines, now)
        .into_iter()
        .map(|c| check_in::ActiveModel {
            asker_id: Set(person_ids[c.asker]),
            manager_id: Set(person_ids[c.manager]),
            at: Set(c.at),
            rating: Set(c.rating),
            struggles: Set(struggles_to_stored(&c.struggles)),
            notes: Set(Some(c.notes.to_string())),
            created_at: Set(c.at),
            updated_at: Set(c.at),
            ..Default::default()
        })
        .collect();
    for batch in rows.chunks(500) {
        check_in::Entity::insert_many(batch.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::demo::tests::{managers_at, now, org_only};

    #[test]
    fn about_two_managers_in_three_hear_from_the_director_above_them_then() {
        let plan = org_only(200, 7);
        let check_ins = plan_check_ins(&plan.lines, now());
        assert!(!check_ins.is_empty());
        for c in &check_ins {
            assert!(c.at <= now() && (1..=5).contains(&c.rating), "{c:?}");
            let managers = managers_at(&plan, c.at);
            assert_eq!(managers[c.manager], Some(Some(c.asker)), "{c:?}");
            assert!(
                managers.contains(&Some(Some(c.manager))),
                "has reports: {c:?}"
            );
        }
        let with_reports: BTreeSet<usize> = managers_at(&plan, now())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|m| managers_at(&plan, now())[*m].is_some_and(|d| d.is_some()))
            .collect();
        let checked: BTreeSet<usize> = check_ins.iter().map(|c| c.manager).collect();
        let share = with_reports.intersection(&checked).count() as f64 / with_reports.len() as f64;
        assert!((0.5..0.85).contains(&share), "{share}");
    }
}
