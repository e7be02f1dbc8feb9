//! The checks of a meeting write, after the writer may write for these participants:
//! in full for a logged meeting (every problem at once), or as a meeting changed in place
//! has always been checked (the first failure).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::store::Fields;
use crate::auth::{Viewer, access};
use crate::domain::employment::is_employed;
use crate::domain::meeting::check_status_time;
use crate::error::{AppError, AppResult, InputProblem};
use crate::service::training::both_attended;
use entity::{agenda_template, person};

/// Checks a logged meeting: its participants, its time against its status and its
/// template, all problems at once. Returns the template to apply, if any, and the
/// participants as stored.
pub(super) async fn check_logged(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    fields: &Fields,
    now: DateTime<Utc>,
    prefix: &str,
) -> AppResult<(Option<agenda_template::Model>, Vec<person::Model>)> {
    let field = |name: &str| format!("{prefix}.{name}");
    let people = participants(txn, fields).await?;
    let mut problems = participant_problems(fields, &people, &field);
    let status_time = check_status_time(fields.status, fields.scheduled_at, now, &field("status"));
    if let Err(AppError::BadInput(mut p)) = status_time {
        problems.append(&mut p);
    }
    problems.extend(practice_problems(txn, fields, &field).await?);
    let template = match fields.template_id {
        Some(id) => {
            let usable = usable_template(txn, viewer, fields, id).await?;
            if usable.is_none() {
                problems.push(InputProblem {
                    field: field("templateId"),
                    message: "no such agenda template for these participants".into(),
                });
            }
            usable
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    Ok((template, people))
}

/// What is wrong with a logged meeting's participants: the same person twice, someone
/// who does not exist, or someone not employed at its time.
fn participant_problems(
    fields: &Fields,
    people: &[person::Model],
    field: &impl Fn(&str) -> String,
) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    if fields.host_id == fields.guest_id {
        problems.push(InputProblem {
            field: field("guestId"),
            message: "host and guest must be two different people".into(),
        });
    }
    for (id, name) in [(fields.host_id, "hostId"), (fields.guest_id, "guestId")] {
        match people.iter().find(|p| p.id == id) {
            None => problems.push(InputProblem {
                field: field(name),
                message: "no such person".into(),
            }),
            Some(p) if !is_employed(p.start_date, p.end_date, fields.scheduled_at) => problems
                .push(InputProblem {
                    field: field(name),
                    message: format!("{} was not employed at scheduledAt", p.external_id),
                }),
            Some(_) => {}
        }
    }
    problems
}

/// The template `id` when the viewer may apply it to these participants.
async fn usable_template(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    fields: &Fields,
    id: i64,
) -> AppResult<Option<agenda_template::Model>> {
    let template = agenda_template::Entity::find_by_id(id).one(txn).await?;
    Ok(template.filter(|t| {
        access::can_apply_template(viewer, t.owner_id, fields.host_id, fields.guest_id)
    }))
}

/// Checks a meeting changed in place: its time against its status, then that both
/// participants were employed then; the first failure is the error.
pub(super) async fn check_in_place(
    txn: &impl ConnectionTrait,
    fields: &Fields,
    now: DateTime<Utc>,
) -> AppResult<Vec<person::Model>> {
    check_status_time(fields.status, fields.scheduled_at, now, "input.status")?;
    let field = |name: &str| format!("input.{name}");
    if let Some(problem) = practice_problems(txn, fields, &field)
        .await?
        .into_iter()
        .next()
    {
        return Err(AppError::BadInput(vec![problem]));
    }
    let people = participants(txn, fields).await?;
    if let Some(p) = people
        .iter()
        .find(|p| !is_employed(p.start_date, p.end_date, fields.scheduled_at))
    {
        return Err(AppError::bad_input(
            "input.scheduledAt",
            format!("{} was not employed then", p.external_id),
        ));
    }
    Ok(people)
}

/// What is wrong with a meeting's practice flag: a practice 1:1 names a training session
/// both people attended; a session goes with a practice 1:1 only.
async fn practice_problems(
    txn: &impl ConnectionTrait,
    fields: &Fields,
    field: &impl Fn(&str) -> String,
) -> AppResult<Vec<InputProblem>> {
    let problem = match (fields.practice, fields.training_session_id) {
        (false, None) => None,
        (false, Some(_)) => Some((
            "practice",
            "trainingSessionId goes with practice 1:1s only (practice: true)",
        )),
        (true, None) => Some((
            "trainingSessionId",
            "a practice 1:1 needs the training session it practises for",
        )),
        (true, Some(session)) => {
            (!both_attended(txn, session, fields.host_id, fields.guest_id).await?).then_some((
                "trainingSessionId",
                "both people must have attended this training session to hold a practice 1:1",
            ))
        }
    };
    Ok(problem
        .map(|(name, message)| InputProblem {
            field: field(name),
            message: message.into(),
        })
        .into_iter()
        .collect())
}

/// The host and guest as stored (fewer when either does not exist).
async fn participants(
    txn: &impl ConnectionTrait,
    fields: &Fields,
) -> AppResult<Vec<person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in([fields.host_id, fields.guest_id]))
        .all(txn)
        .await?)
}
