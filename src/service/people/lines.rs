//! Reporting lines as an upsert changes them: when each row's manager takes effect, the
//! plan that turns someone's line history into the new one, and the check that the
//! result has no reporting cycle.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter};

use super::PersonUpsert;
use super::rows::problem;
use crate::domain::employment::{end_instant, start_of, truncate};
use crate::domain::hierarchy::{Line, Lines};
use crate::error::{AppError, AppResult};
use crate::service::IN_CHUNK;
use crate::service::sql::id_in_expr;
use entity::{person, reporting_line};

/// Whose reporting lines an upsert changed: the rows and their people, and the earliest
/// instant any of their lines changed (meeting kinds since then follow).
#[derive(Debug, Default)]
pub(super) struct Moves {
    pub rows: Vec<usize>,
    pub people: Vec<i64>,
    pub since: Option<DateTime<Utc>>,
}

/// Gives each row's person (`ids`) the manager the row names (`managers`), from when it
/// takes effect (by default `effective`), and ends their line with their employment.
/// `created` marks the rows whose person this upsert created.
pub(super) async fn move_lines(
    txn: &impl ConnectionTrait,
    rows: &[PersonUpsert],
    ids: &[i64],
    managers: &[Option<i64>],
    created: &[bool],
    effective: DateTime<Utc>,
) -> AppResult<Moves> {
    let mut current_lines = lines_of(txn, ids).await?;
    let mut moves = Moves::default();
    let mut plans = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let person_id = ids[i];
        let from = line_start(row, created[i], effective);
        let until = row.end_date.map(end_instant);
        let lines = current_lines.remove(&person_id).unwrap_or_default();
        let plan = plan_line_change(&lines, managers[i], from, until);
        if plan.is_noop() {
            continue;
        }
        moves.rows.push(i);
        moves.people.push(person_id);
        let earliest = until.map_or(from, |u| u.min(from));
        moves.since = Some(moves.since.map_or(earliest, |m| m.min(earliest)));
        plans.push((person_id, plan));
    }
    apply_line_plans(txn, plans).await?;
    Ok(moves)
}

/// When the manager a row names takes effect: its `effective_from`, else the start date of
/// someone this upsert creates, else `now` (the batch's effective instant).
fn line_start(row: &PersonUpsert, created: bool, now: DateTime<Utc>) -> DateTime<Utc> {
    match (row.effective_from, created, row.start_date) {
        (Some(at), _, _) => truncate(at),
        (None, true, Some(start)) => start_of(start),
        // Before someone's first day, a change takes effect on it: re-sending their row
        // then finds the line it wrote instead of starting another one today.
        (None, false, Some(start)) => now.max(start_of(start)),
        (None, _, None) => now,
    }
}

/// Fails with a BAD_INPUT on each row in a reporting cycle, if the stored lines now hold
/// one. `ids` are the people of the batch in row order; `known` the people and outside
/// managers the batch names, for the cycle's path.
pub(super) async fn ensure_no_cycle(
    txn: &impl ConnectionTrait,
    ids: &[i64],
    known: [&HashMap<String, person::Model>; 2],
) -> AppResult<()> {
    let all = reporting_line::Entity::find().all(txn).await?;
    let lines = Lines::new(all.iter().map(|l| Line {
        person: l.person_id,
        manager: l.manager_id,
        from: l.valid_from,
        to: l.valid_to,
    }));
    let Some((cycle, at)) = lines.find_cycle() else {
        return Ok(());
    };
    let by_id: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let names: HashMap<i64, &str> = known
        .iter()
        .flat_map(|people| people.values())
        .map(|p| (p.id, p.external_id.as_str()))
        .collect();
    let path = cycle
        .iter()
        .chain(cycle.first())
        .map(|id| names.get(id).copied().unwrap_or("?"))
        .collect::<Vec<_>>()
        .join(" → ");
    let message = format!(
        "creates a reporting cycle ({path}) as of {}",
        at.to_rfc3339()
    );
    let problems = cycle
        .iter()
        .filter_map(|id| by_id.get(id))
        .map(|&i| problem(i, "managerExternalId", message.clone()))
        .collect();
    Err(AppError::BadInput(problems))
}

/// Each person's reporting lines, oldest first.
async fn lines_of(
    db: &impl ConnectionTrait,
    people: &[i64],
) -> AppResult<HashMap<i64, Vec<reporting_line::Model>>> {
    let mut out: HashMap<i64, Vec<reporting_line::Model>> = HashMap::new();
    let backend = db.get_database_backend();
    let found = reporting_line::Entity::find()
        .filter(id_in_expr(
            backend,
            reporting_line::Column::PersonId,
            people,
        ))
        .all(db)
        .await?;
    for line in found {
        out.entry(line.person_id).or_default().push(line);
    }
    for lines in out.values_mut() {
        lines.sort_by_key(|l| l.valid_from);
    }
    Ok(out)
}

/// How one person's lines change: the latest write says "from `from` on, the manager is
/// `manager`", superseding any later history; employment ending at `until` ends the line.
#[derive(Debug, Default, PartialEq, Eq)]
struct LinePlan {
    delete: Vec<i64>,
    /// (line id, new valid_to)
    end: Vec<(i64, Option<DateTime<Utc>>)>,
    insert: Option<NewLine>,
}

/// A line to insert: (manager, valid_from, valid_to).
type NewLine = (Option<i64>, DateTime<Utc>, Option<DateTime<Utc>>);

impl LinePlan {
    fn is_noop(&self) -> bool {
        self.delete.is_empty() && self.end.is_empty() && self.insert.is_none()
    }
}

/// The change that makes `manager` someone's manager from `from` on, given their current
/// `lines` and the end of their employment.
fn plan_line_change(
    lines: &[reporting_line::Model],
    manager: Option<i64>,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> LinePlan {
    let mut plan = LinePlan::default();
    let clip = |to: Option<DateTime<Utc>>| match (to, until) {
        (Some(t), Some(u)) => Some(t.min(u)),
        (None, u) => u,
        (t, None) => t,
    };
    let superseded = |line: &reporting_line::Model| {
        until.is_some_and(|u| line.valid_from >= u) || line.valid_from > from
    };
    // One employment period leaves no gaps: a last line that ended before `from` (its end
    // date has since moved later, or been cleared) runs on to `from` like a current one.
    let last_kept = lines.iter().rposition(|l| !superseded(l));
    let mut continued = false;
    for (i, line) in lines.iter().enumerate() {
        if superseded(line) {
            plan.delete.push(line.id);
            continue;
        }
        let reaches_from = line.valid_to.is_none_or(|to| to > from) || Some(i) == last_kept;
        let new_to = if !reaches_from {
            clip(line.valid_to)
        } else if line.manager_id == manager {
            continued = true;
            until
        } else if line.valid_from == from {
            plan.delete.push(line.id);
            continue;
        } else {
            clip(Some(from))
        };
        if new_to != line.valid_to {
            plan.end.push((line.id, new_to));
        }
    }
    if !continued && until.is_none_or(|u| from < u) {
        plan.insert = Some((manager, from, until));
    }
    plan
}

/// Carries out each person's [`LinePlan`], batched: one DELETE, one UPDATE per new end
/// instant, multi-row INSERTs.
async fn apply_line_plans(
    txn: &impl ConnectionTrait,
    plans: Vec<(i64, LinePlan)>,
) -> AppResult<()> {
    let backend = txn.get_database_backend();
    let mut delete = Vec::new();
    let mut ends: BTreeMap<Option<DateTime<Utc>>, Vec<i64>> = BTreeMap::new();
    let mut inserts = Vec::new();
    for (person_id, plan) in plans {
        delete.extend(plan.delete);
        for (id, valid_to) in plan.end {
            ends.entry(valid_to).or_default().push(id);
        }
        if let Some((manager_id, from, to)) = plan.insert {
            inserts.push(reporting_line::ActiveModel {
                person_id: Set(person_id),
                manager_id: Set(manager_id),
                valid_from: Set(from),
                valid_to: Set(to),
                ..Default::default()
            });
        }
    }
    if !delete.is_empty() {
        reporting_line::Entity::delete_many()
            .filter(id_in_expr(backend, reporting_line::Column::Id, &delete))
            .exec(txn)
            .await?;
    }
    for (valid_to, ids) in ends {
        reporting_line::Entity::update_many()
            .col_expr(reporting_line::Column::ValidTo, Expr::value(valid_to))
            .filter(id_in_expr(backend, reporting_line::Column::Id, &ids))
            .exec(txn)
            .await?;
    }
    // Four values a row: well under either database's limit of bound parameters.
    for chunk in inserts.chunks(IN_CHUNK / 4) {
        reporting_line::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(year: i32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap()
    }

    fn line(
        id: i64,
        manager: Option<i64>,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> reporting_line::Model {
        reporting_line::Model {
            id,
            person_id: 1,
            manager_id: manager,
            valid_from: from,
            valid_to: to,
        }
    }

    #[test]
    fn the_same_manager_again_changes_nothing() {
        let lines = [line(1, Some(7), t(2020), None)];
        assert!(plan_line_change(&lines, Some(7), t(2026), None).is_noop());
    }

    #[test]
    fn a_new_manager_closes_the_current_line() {
        let lines = [line(1, Some(7), t(2020), None)];
        assert_eq!(
            plan_line_change(&lines, Some(8), t(2024), None),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2024)))],
                insert: Some((Some(8), t(2024), None)),
            }
        );
    }

    #[test]
    fn a_back_dated_change_supersedes_later_history() {
        let lines = [
            line(1, Some(7), t(2020), Some(t(2024))),
            line(2, Some(8), t(2024), None),
        ];
        assert_eq!(
            plan_line_change(&lines, Some(9), t(2022), None),
            LinePlan {
                delete: vec![2],
                end: vec![(1, Some(t(2022)))],
                insert: Some((Some(9), t(2022), None)),
            }
        );
    }

    #[test]
    fn an_end_date_ends_the_line() {
        let lines = [line(1, Some(7), t(2020), None)];
        assert_eq!(
            plan_line_change(&lines, Some(7), t(2026), Some(t(2025))),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2025)))],
                insert: None,
            }
        );
        let ended = [line(1, Some(7), t(2020), Some(t(2025)))];
        assert!(plan_line_change(&ended, Some(7), t(2026), Some(t(2025))).is_noop());
        assert!(plan_line_change(&ended, Some(8), t(2026), Some(t(2025))).is_noop());
    }

    #[test]
    fn a_later_end_date_extends_the_last_line() {
        let ended = [line(1, Some(7), t(2020), Some(t(2023)))];
        // Still in the past.
        assert_eq!(
            plan_line_change(&ended, Some(7), t(2026), Some(t(2025))),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2025)))],
                insert: None,
            }
        );
        // Ahead, with a new manager from now on.
        assert_eq!(
            plan_line_change(&ended, Some(8), t(2026), Some(t(2030))),
            LinePlan {
                delete: vec![],
                end: vec![(1, Some(t(2026)))],
                insert: Some((Some(8), t(2026), Some(t(2030)))),
            }
        );
    }
}
