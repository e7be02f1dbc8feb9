//! The demo's pulse from reports: one round that ran from 45 to 31 days before *now*,
//! answered by about four in five of the people who had a manager then, closed and frozen,
//! so that `coverageReport` and `PulseRound.results` show figures. Scores are derived from
//! the ids (no randomness to thread through): each manager has a baseline per question —
//! some drift into tactical talk, some give little feedback — and their reports scatter
//! around it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseTransaction};

use crate::service::sql::{Sql, employed, line_covers};
use entity::pulse_round;

/// Writes the round, its answers and its frozen figures in the demo's transaction.
pub(super) async fn write(txn: &DatabaseTransaction, now: DateTime<Utc>) -> anyhow::Result<()> {
    let opens_at = now - Duration::days(45);
    let closes_at = now - Duration::days(31);
    let round = pulse_round::ActiveModel {
        name: Set(format!("Pulse {}", opens_at.format("%B %Y"))),
        opens_at: Set(opens_at),
        closes_at: Set(closes_at),
        closed_at: Set(None),
        created_at: Set(opens_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let answered = now - Duration::days(38);
    let mut q = Sql::new();
    let r = q.bind(round.id);
    let at = q.bind(answered);
    let day = q.bind(answered.date_naive());
    let sql = format!(
        "INSERT INTO pulse_answer (round_id, respondent_id, manager_id, useful, \
           beyond_tactical, feedback, answered_at, updated_at) \
         SELECT {r}, rl.person_id, rl.manager_id, \
           2 + (rl.manager_id % 3) + ((rl.person_id * 7 + rl.manager_id) % 2), \
           1 + (rl.manager_id % 4) + ((rl.person_id * 5) % 2), \
           2 + ((rl.manager_id + 1) % 3) + ((rl.person_id * 3 + 1) % 2), \
           {at}, {at} \
         FROM reporting_line rl JOIN person p ON p.id = rl.person_id \
         WHERE rl.manager_id IS NOT NULL AND {covers} AND {employed} \
           AND (rl.person_id * 7 + rl.manager_id) % 10 < 8",
        covers = line_covers("rl", &at),
        employed = employed(&day),
    );
    txn.execute_raw(q.statement(txn.get_database_backend(), sql))
        .await?;
    crate::service::pulse::freeze(txn, &round, closes_at).await?;
    Ok(())
}
