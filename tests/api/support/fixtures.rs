//! What an org is made of: upsert rows for people and teams, the small org most tests hire,
//! and the mutations that load them.

use serde_json::{Value, json};

use super::app::{Answer, TestApp};

pub const UPSERT_PEOPLE: &str = "mutation($people: [PersonInput!]!) {
  upsertPeople(input: { people: $people }) {
    created updated unchanged
    people { id externalId name email manager { externalId } }
  }
}";

/// A person row for `upsertPeople`.
pub fn person(external_id: &str, name: &str, manager: Option<&str>) -> Value {
    json!({
        "externalId": external_id,
        "name": name,
        "email": format!("{}@example.com", external_id.to_lowercase()),
        "managerExternalId": manager,
    })
}

/// A small org, as upsert rows:
/// ceo ─┬─ cto ─┬─ em1 ─┬─ dev1
///      │       │       └─ dev2
///      │       └─ em2 ─── dev3
///      └─ cfo ─── acct
pub fn small_org() -> Value {
    json!([
        person("ceo", "Carla CEO", None),
        person("cto", "Tom CTO", Some("ceo")),
        person("cfo", "Fay CFO", Some("ceo")),
        person("em1", "Erin Manager", Some("cto")),
        person("em2", "Eli Manager", Some("cto")),
        person("dev1", "Dana Dev", Some("em1")),
        person("dev2", "Dev Two", Some("em1")),
        person("dev3", "Dev Three", Some("em2")),
        person("acct", "Ann Accountant", Some("cfo")),
    ])
}

/// `small_org()` plus `hr` (reporting to the CEO; gets the hr_admin role from
/// [`Org::token`](super::Org::token)), everyone employed since 2020-01-01 so that meetings
/// can lie in the past.
pub fn dated_org() -> Value {
    let mut org = small_org();
    let rows = org.as_array_mut().expect("rows");
    rows.push(person("hr", "Hana HR", Some("ceo")));
    for row in rows {
        row["startDate"] = json!("2020-01-01");
    }
    org
}

/// An upsert row for someone employed from `start` (`YYYY-MM-DD`).
pub fn row(external_id: &str, name: &str, manager: Option<&str>, start: &str) -> Value {
    let mut row = person(external_id, name, manager);
    row["startDate"] = json!(start);
    row
}

/// The team the rating tests rate: `boss` over manager `em` over `d1`–`d3`, and `hr`, all
/// employed since 2025-01-01.
pub fn rated_team() -> Value {
    json!([
        row("hr", "Hana HR", None, "2025-01-01"),
        row("boss", "Bo Boss", None, "2025-01-01"),
        row("em", "Em Manager", Some("boss"), "2025-01-01"),
        row("d1", "Dee One", Some("em"), "2025-01-01"),
        row("d2", "Dee Two", Some("em"), "2025-01-01"),
        row("d3", "Dee Three", Some("em"), "2025-01-01"),
    ])
}

/// A well-formed person ID that names no one ("Person:99999").
pub const NO_ONE: &str = "UGVyc29uOjk5OTk5";

pub const UPSERT_TEAMS: &str = "mutation($teams: [TeamInput!]!) {
  upsertTeams(input: { teams: $teams }) {
    created updated unchanged
    teams { id externalId name parent { externalId } }
  }
}";

/// A team row for `upsertTeams`.
pub fn team(external_id: &str, name: &str, parent: Option<&str>) -> Value {
    json!({ "externalId": external_id, "name": name, "parentExternalId": parent })
}

/// Sends a batch of teams that may fail.
pub async fn try_upsert_teams(app: &TestApp, teams: Value) -> Answer {
    app.gql(
        Some(&app.admin_integration()),
        UPSERT_TEAMS,
        json!({ "teams": teams }),
    )
    .await
}

/// Upserts teams; panics on errors.
pub async fn upsert_teams(app: &TestApp, teams: Value) -> Value {
    try_upsert_teams(app, teams)
        .await
        .ok()
        .data("/upsertTeams")
        .clone()
}

/// The org-wide starter agenda templates every fresh install begins with (written by a
/// migration, not by the demo), by name.
pub const STARTER_TEMPLATES: [&str; 3] = [
    "Starter: check-in with a manager",
    "Starter: direct 1:1",
    "Starter: skip-level 1:1",
];
