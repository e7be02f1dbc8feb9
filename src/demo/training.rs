//! The demo's training: one session, three weeks before *now*, where the director leads
//! the managers reporting to them (one of them missed it), and a practice 1:1 between each
//! two of those who attended, a few hours later. Practice 1:1s are listed with the other
//! meetings but count in no figure; coverage reports show when each manager last trained.

use anyhow::Context;
use chrono::{DateTime, Days, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, EntityTrait};

use super::Plan;
use crate::domain::employment::start_of;
use crate::domain::meeting::MeetingStatus;
use crate::service::classify::classify_many;
use entity::{meeting, training_attendee, training_session};

/// Days before *now* the session took place.
const SESSION_DAYS_AGO: u64 = 21;

/// Most managers invited.
const MAX_INVITED: usize = 8;

/// The people (plan indexes) invited to the session at `at`: the director's direct reports
/// then who manage someone themselves (all of their direct reports when fewer than two
/// do), employed from before the session until now.
fn invited(plan: &Plan, director: usize, at: DateTime<Utc>) -> Vec<usize> {
    let covers =
        |from: DateTime<Utc>, to: Option<DateTime<Utc>>| from <= at && to.is_none_or(|t| at < t);
    let employed = |p: usize| {
        let person = &plan.people[p];
        start_of(person.start_date) <= at && person.end_date.is_none()
    };
    let reports: Vec<usize> = plan
        .lines
        .iter()
        .filter(|l| l.manager == Some(director) && covers(l.valid_from, l.valid_to))
        .map(|l| l.person)
        .filter(|&p| employed(p))
        .collect();
    let managers: Vec<usize> = reports
        .iter()
        .copied()
        .filter(|&r| {
            plan.lines
                .iter()
                .any(|l| l.manager == Some(r) && covers(l.valid_from, l.valid_to))
        })
        .collect();
    let mut out = if managers.len() >= 2 {
        managers
    } else {
        reports
    };
    out.truncate(MAX_INVITED);
    out
}

/// Writes the session, its attendees and the practice 1:1s inside the demo's transaction.
pub(super) async fn insert_training(
    txn: &DatabaseTransaction,
    plan: &Plan,
    person_ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let director = plan
        .people
        .iter()
        .position(|p| p.external_id == plan.company.director)
        .context("the demo director is not in the plan")?;
    let day = now.date_naive() - Days::new(SESSION_DAYS_AGO);
    let at = start_of(day) + Duration::hours(14);
    let invited = invited(plan, director, at);
    if invited.is_empty() {
        return Ok(());
    }
    let session = training_session::ActiveModel {
        title: Set("Keeping 1:1s off the tactical: a practice workshop".into()),
        at: Set(at),
        facilitator_id: Set(person_ids[director]),
        created_by: Set(Some(person_ids[director])),
        created_at: Set(at - Duration::days(14)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // One of three or more missed it.
    let missed = (invited.len() >= 3).then(|| invited[invited.len() - 1]);
    training_attendee::Entity::insert_many(invited.iter().map(|&p| {
        training_attendee::ActiveModel {
            session_id: Set(session.id),
            person_id: Set(person_ids[p]),
            attended: Set(Some(p) != missed),
        }
    }))
    .exec(txn)
    .await?;

    let attended: Vec<i64> = invited
        .iter()
        .filter(|&&p| Some(p) != missed)
        .map(|&p| person_ids[p])
        .collect();
    let practice_at = at + Duration::hours(2);
    let pairs: Vec<(i64, i64, DateTime<Utc>)> = attended
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1], practice_at))
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let kinds = classify_many(txn, &pairs).await?;
    let meetings = pairs
        .iter()
        .zip(kinds)
        .map(|(&(host, guest, at), kind)| meeting::ActiveModel {
            host_id: Set(host),
            guest_id: Set(guest),
            scheduled_at: Set(at),
            duration_minutes: Set(45),
            status: Set(MeetingStatus::Held.as_str().into()),
            kind: Set(kind.as_str().into()),
            agenda_item_count: Set(0),
            tactical_item_count: Set(0),
            created_at: Set(at),
            updated_at: Set(at),
            practice: Set(true),
            training_session_id: Set(Some(session.id)),
            ..Default::default()
        });
    meeting::Entity::insert_many(meetings).exec(txn).await?;
    Ok(())
}
