//! The rows of an HRIS upsert on their own: trimmed, and checked one by one and against
//! the rest of the batch, before anything is read from the database.

use std::collections::HashMap;

use super::PersonUpsert;
use crate::error::{AppError, AppResult, InputProblem};

/// Most rows one `upsertPeople` call may carry.
pub const MAX_UPSERT_ROWS: usize = 10_000;

/// A problem with row `row` of the batch, on one of its fields.
pub(super) fn problem(row: usize, field: &str, message: String) -> InputProblem {
    InputProblem {
        field: format!("input.people[{row}].{field}"),
        message,
    }
}

/// The row and field a [`problem`] names: `input.people[3].email` is `(3, "email")`.
pub(super) fn problem_row(problem: &InputProblem) -> Option<(usize, &str)> {
    let rest = problem.field.strip_prefix("input.people[")?;
    let (row, field) = rest.split_once("].")?;
    Some((row.parse().ok()?, field))
}

/// Trims and checks each row on its own and against the rest of the batch.
pub(super) fn normalise_rows(rows: Vec<PersonUpsert>) -> AppResult<Vec<PersonUpsert>> {
    let mut problems = Vec::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_emails: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let row = trimmed(row);
        problems.extend(own_problems(i, &row));
        if let Some(first) = seen_ids.insert(row.external_id.clone(), i) {
            problems.push(problem(
                i,
                "externalId",
                format!("duplicates people[{first}]"),
            ));
        }
        if let Some(first) = seen_emails.insert(row.email.clone(), i) {
            problems.push(problem(i, "email", format!("duplicates people[{first}]")));
        }
        out.push(row);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(AppError::BadInput(problems))
    }
}

/// The row with its text trimmed, its email lower-cased and blank optional fields absent.
fn trimmed(mut row: PersonUpsert) -> PersonUpsert {
    row.external_id = row.external_id.trim().to_string();
    row.name = row.name.trim().to_string();
    row.email = row.email.trim().to_lowercase();
    row.title = non_blank(row.title);
    row.timezone = non_blank(row.timezone);
    row.team_external_id = non_blank(row.team_external_id);
    row.manager_external_id = non_blank(row.manager_external_id);
    row
}

/// What is wrong with row `i` (trimmed) on its own.
fn own_problems(i: usize, row: &PersonUpsert) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    if row.external_id.is_empty() || row.external_id.len() > 255 {
        problems.push(problem(
            i,
            "externalId",
            "must be 1 to 255 characters".into(),
        ));
    }
    if row.name.is_empty() || row.name.len() > 255 {
        problems.push(problem(i, "name", "must be 1 to 255 characters".into()));
    }
    if !looks_like_email(&row.email) {
        problems.push(problem(
            i,
            "email",
            format!("{:?} is not an email address", row.email),
        ));
    }
    if let (Some(start), Some(end)) = (row.start_date, row.end_date)
        && end < start
    {
        problems.push(problem(i, "endDate", "is before startDate".into()));
    }
    if row.manager_external_id.as_deref() == Some(row.external_id.as_str()) {
        problems.push(problem(
            i,
            "managerExternalId",
            "a person cannot be their own manager".into(),
        ));
    }
    problems
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.len() <= 320
        && !s.chars().any(char::is_whitespace)
}
