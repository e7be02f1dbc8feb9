//! Teams: `upsertTeams` (counts, parents anywhere in the batch, rejections that write
//! nothing), `Team.parent`, the `teams` connection and `Person.team`.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{
    Answer, Backend, TestApp, UPSERT_PEOPLE, person, spawn_app, team, try_upsert_teams,
    upsert_teams,
};

/// Every team as `{externalId, name, parent}`, by name.
async fn all_teams(app: &TestApp) -> Value {
    app.gql(
        Some(&app.admin_integration()),
        "{ teams(first: 100) { nodes { externalId name parent { externalId } } } }",
        json!({}),
    )
    .await
    .ok()
    .data("/teams/nodes")
    .clone()
}

fn counts(outcome: &Value) -> (i64, i64, i64) {
    (
        outcome["created"].as_i64().unwrap(),
        outcome["updated"].as_i64().unwrap(),
        outcome["unchanged"].as_i64().unwrap(),
    )
}

fn problem_fields(answer: &Answer) -> Vec<String> {
    let mut fields: Vec<String> = answer
        .body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.pointer("/extensions/problems").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.get("field").and_then(Value::as_str).map(String::from))
        .collect();
    fields.sort();
    fields
}

db_test!(upsert_teams_counts_created_updated_and_unchanged);
async fn upsert_teams_counts_created_updated_and_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    // The parent comes after its children.
    let batch = json!([
        team("eng", "Engineering", Some("org")),
        team("fin", "Finance", Some("org")),
        team("org", "Acme", None),
    ]);

    let first = upsert_teams(&app, batch.clone()).await;
    let again = upsert_teams(&app, batch).await;
    let changed = upsert_teams(
        &app,
        json!([
            team("eng", "Engineering", Some("fin")),
            team("fin", "Finance & Legal", Some("org")),
            team("org", "Acme", None),
        ]),
    )
    .await;

    assert_eq!(counts(&first), (3, 0, 0));
    assert_eq!(first["teams"][0]["parent"]["externalId"], "org");
    assert_eq!(
        counts(&again),
        (0, 0, 3),
        "re-sending the same batch changes nothing"
    );
    assert_eq!(
        counts(&changed),
        (0, 2, 1),
        "a new parent and a new name are updates"
    );
    assert_eq!(
        all_teams(&app).await,
        json!([
            { "externalId": "org", "name": "Acme", "parent": null },
            { "externalId": "eng", "name": "Engineering", "parent": { "externalId": "fin" } },
            { "externalId": "fin", "name": "Finance & Legal", "parent": { "externalId": "org" } },
        ])
    );
}

db_test!(an_unknown_parent_is_rejected_and_nothing_is_written);
async fn an_unknown_parent_is_rejected_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(&app, json!([team("org", "Acme", None)])).await;
    let before = all_teams(&app).await;

    let answer = try_upsert_teams(
        &app,
        json!([
            team("org", "Acme Inc", None),
            team("eng", "Engineering", Some("org")),
            team("ops", "Operations", Some("nowhere")),
        ]),
    )
    .await;

    answer.assert_error_code("BAD_USER_INPUT");
    assert_eq!(
        problem_fields(&answer),
        vec!["input.teams[2].parentExternalId"]
    );
    assert_eq!(all_teams(&app).await, before);
}

db_test!(a_cycle_of_teams_is_rejected_and_nothing_is_written);
async fn a_cycle_of_teams_is_rejected_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    // eng belongs to org.
    upsert_teams(
        &app,
        json!([
            team("org", "Acme", None),
            team("eng", "Engineering", Some("org"))
        ]),
    )
    .await;
    let before = all_teams(&app).await;

    let with_existing = try_upsert_teams(
        &app,
        json!([
            team("ops", "Operations", None),
            team("org", "Acme Inc", Some("eng")),
        ]),
    )
    .await;
    let within_batch = try_upsert_teams(
        &app,
        json!([
            team("a", "A", Some("b")),
            team("b", "B", Some("c")),
            team("c", "C", Some("a")),
        ]),
    )
    .await;
    let own_parent = try_upsert_teams(&app, json!([team("x", "X", Some("x"))])).await;

    with_existing.assert_error_code("BAD_USER_INPUT");
    assert_eq!(
        problem_fields(&with_existing),
        vec!["input.teams[1].parentExternalId"]
    );
    within_batch.assert_error_code("BAD_USER_INPUT");
    assert_eq!(
        problem_fields(&within_batch),
        vec![
            "input.teams[0].parentExternalId",
            "input.teams[1].parentExternalId",
            "input.teams[2].parentExternalId",
        ]
    );
    own_parent.assert_error_code("BAD_USER_INPUT");
    assert_eq!(
        problem_fields(&own_parent),
        vec!["input.teams[0].parentExternalId"]
    );
    assert_eq!(all_teams(&app).await, before);
}

db_test!(duplicate_team_external_ids_are_rejected);
async fn duplicate_team_external_ids_are_rejected(backend: Backend) {
    let app = spawn_app(backend).await;

    let answer = try_upsert_teams(
        &app,
        json!([team("eng", "Engineering", None), team("eng", "Eng", None)]),
    )
    .await;

    answer.assert_error_code("BAD_USER_INPUT");
    assert_eq!(problem_fields(&answer), vec!["input.teams[1].externalId"]);
    assert_eq!(all_teams(&app).await, json!([]));
}

db_test!(teams_are_a_paged_connection);
async fn teams_are_a_paged_connection(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(
        &app,
        json!([
            team("c", "Charlie", None),
            team("a", "Alpha", None),
            team("b", "Bravo", Some("a")),
        ]),
    )
    .await;
    let query = "query($after: String) {
      teams(first: 2, after: $after) {
        totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage endCursor }
      }
    }";
    let reader = app.integration_token("org:read");

    let first = app.gql(Some(&reader), query, json!({})).await.ok();
    let cursor = first.data("/teams/pageInfo/endCursor").clone();
    let second = app
        .gql(Some(&reader), query, json!({ "after": cursor }))
        .await
        .ok();

    assert_eq!(first.data("/teams/totalCount"), 3);
    assert_eq!(
        first.data("/teams/nodes"),
        &json!([{ "name": "Alpha" }, { "name": "Bravo" }])
    );
    assert_eq!(first.data("/teams/pageInfo/hasNextPage"), true);
    assert_eq!(first.data("/teams/pageInfo/hasPreviousPage"), false);
    assert_eq!(second.data("/teams/totalCount"), 3);
    assert_eq!(second.data("/teams/nodes"), &json!([{ "name": "Charlie" }]));
    assert_eq!(second.data("/teams/pageInfo/hasNextPage"), false);
    assert_eq!(second.data("/teams/pageInfo/hasPreviousPage"), true);
}

db_test!(a_person_belongs_to_a_team);
async fn a_person_belongs_to_a_team(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(
        &app,
        json!([
            team("org", "Acme", None),
            team("eng", "Engineering", Some("org"))
        ]),
    )
    .await;
    let mut ann = person("ann", "Ann", None);
    ann["teamExternalId"] = json!("eng");
    app.upsert_people(json!([ann, person("bob", "Bob", Some("ann"))]))
        .await;
    let mut stray = person("cat", "Cat", None);
    stray["teamExternalId"] = json!("nowhere");

    let answer = app
        .gql(
            Some(&app.person_token("bob")),
            r#"{ ann: personByExternalId(externalId: "ann") { team { name parent { name parent { name } } } }
                 bob: personByExternalId(externalId: "bob") { team { name } } }"#,
            json!({}),
        )
        .await
        .ok();
    let rejected = app
        .gql(
            Some(&app.admin_integration()),
            UPSERT_PEOPLE,
            json!({ "people": [person("dan", "Dan", None), stray] }),
        )
        .await;

    assert_eq!(
        answer.data("/ann/team"),
        &json!({ "name": "Engineering", "parent": { "name": "Acme", "parent": null } })
    );
    assert_eq!(answer.data("/bob/team"), &Value::Null);
    rejected.assert_error_code("BAD_USER_INPUT");
    assert_eq!(
        problem_fields(&rejected),
        vec!["input.people[1].teamExternalId"]
    );
    let dan = app
        .gql(
            Some(&app.admin_integration()),
            r#"{ personByExternalId(externalId: "dan") { id } }"#,
            json!({}),
        )
        .await
        .ok();
    assert_eq!(dan.data("/personByExternalId"), &Value::Null);
}

db_test!(concurrent_team_upserts_take_turns);
async fn concurrent_team_upserts_take_turns(backend: Backend) {
    let app = spawn_app(backend).await;
    let pairs = 20;
    let all: Vec<Value> = (0..pairs)
        .flat_map(|i| {
            [
                team(&format!("a{i}"), "A", None),
                team(&format!("b{i}"), "B", None),
            ]
        })
        .collect();
    upsert_teams(&app, Value::Array(all)).await;

    // Each pair at once: a under b, and b under a. Either may win; never both.
    let answers = futures_util::future::join_all(
        (0..pairs)
            .flat_map(|i| {
                let (a, b) = (format!("a{i}"), format!("b{i}"));
                [
                    json!([team(&a, "A", Some(&b))]),
                    json!([team(&b, "B", Some(&a))]),
                ]
            })
            .map(|rows| try_upsert_teams(&app, rows)),
    )
    .await;

    for (i, pair) in answers.chunks(2).enumerate() {
        let applied = pair
            .iter()
            .filter(|a| a.body.get("errors").is_none())
            .count();
        for answer in pair.iter().filter(|a| a.body.get("errors").is_some()) {
            answer.assert_error_code("BAD_USER_INPUT");
        }
        assert_eq!(applied, 1, "pair {i}: {} / {}", pair[0].body, pair[1].body);
    }
}
