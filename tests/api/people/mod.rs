//! `upsertPeople`: the HRIS bulk upsert — counts, idempotency, effective-dated manager changes,
//! employment ending, and the rejections that write nothing.

use serde_json::{Value, json};

use crate::support::{Answer, TestApp, UPSERT_PEOPLE, person, problem_fields};

mod batches;
mod emails;
mod history;
mod rejections;

/// `row` with `fields` set (or replaced).
fn with(mut row: Value, fields: Value) -> Value {
    let target = row.as_object_mut().expect("a person row is an object");
    for (key, value) in fields.as_object().expect("fields are an object") {
        target.insert(key.clone(), value.clone());
    }
    row
}

/// A person row employed since 2020-01-01: their first reporting line starts then.
fn hired(external_id: &str, name: &str, manager: Option<&str>) -> Value {
    with(
        person(external_id, name, manager),
        json!({ "startDate": "2020-01-01" }),
    )
}

/// Sends a batch that may fail.
async fn try_upsert(app: &TestApp, people: Value) -> Answer {
    app.gql(
        Some(&app.admin_integration()),
        UPSERT_PEOPLE,
        json!({ "people": people }),
    )
    .await
}

/// Asserts a BAD_USER_INPUT answer whose problems name exactly `fields`.
fn assert_rejected(answer: &Answer, fields: &[&str]) {
    answer.assert_error_code("BAD_USER_INPUT");
    let mut found = problem_fields(answer);
    found.sort();
    let mut expected: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected, "{}", answer.body);
}

/// Every person, as `{externalId, email, title, manager}` objects ordered by externalId.
async fn everyone(app: &TestApp) -> Vec<Value> {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            "{ people(first: 100) { nodes { externalId email title manager { externalId } } } }",
            json!({}),
        )
        .await
        .ok();
    let mut people = answer
        .data("/people/nodes")
        .as_array()
        .expect("nodes")
        .clone();
    people.sort_by_key(|p| p["externalId"].as_str().unwrap_or_default().to_string());
    people
}

/// The externalId of `external_id`'s manager at `at`.
async fn manager_at(app: &TestApp, external_id: &str, at: &str) -> Option<String> {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            "query($id: String!, $at: DateTime) {
               personByExternalId(externalId: $id) { manager(asOf: $at) { externalId } }
             }",
            json!({ "id": external_id, "at": at }),
        )
        .await
        .ok();
    answer
        .data("/personByExternalId/manager")
        .get("externalId")
        .and_then(Value::as_str)
        .map(String::from)
}

/// The externalIds of `external_id`'s direct reports (and all reports) at `at` (null: now).
async fn reports_at(
    app: &TestApp,
    external_id: &str,
    at: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            "query($id: String!, $at: DateTime) {
               personByExternalId(externalId: $id) {
                 directReports(asOf: $at) { nodes { externalId } }
                 reports(asOf: $at) { nodes { externalId } }
               }
             }",
            json!({ "id": external_id, "at": at }),
        )
        .await
        .ok();
    let ids = |pointer: &str| -> Vec<String> {
        answer
            .data(pointer)
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["externalId"].as_str().expect("externalId").to_string())
            .collect()
    };
    (
        ids("/personByExternalId/directReports/nodes"),
        ids("/personByExternalId/reports/nodes"),
    )
}
