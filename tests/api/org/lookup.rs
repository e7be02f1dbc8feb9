//! Finding people: `node` by global ID (people and teams), and the people filters by name,
//! team and manager.

use base64::Engine;
use serde_json::{Value, json};

use super::{id_of, ids};
use crate::db_test;
use crate::support::{Backend, small_org, spawn_app, team, upsert_teams};

db_test!(node_finds_people_and_teams_by_global_id);
async fn node_finds_people_and_teams_by_global_id(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(&app, json!([team("eng", "Engineering", None)])).await;
    let mut org = small_org();
    org[1]["teamExternalId"] = json!("eng");
    app.upsert_people(org).await;
    let token = app.person_token("dev1");
    let cto = id_of(&app, "cto").await;
    let eng = app
        .gql(Some(&token), "{ teams { nodes { id } } }", json!({}))
        .await
        .ok()
        .data("/teams/nodes/0/id")
        .as_str()
        .unwrap()
        .to_string();
    let unknown_person = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("Person:999999");
    let query = "query($id: ID!) {
      node(id: $id) { __typename id ... on Person { name } ... on Team { name } }
      person(id: $id) { externalId }
    }";

    let person = app
        .gql(Some(&token), query, json!({ "id": cto }))
        .await
        .ok();
    let team = app
        .gql(Some(&token), query, json!({ "id": eng }))
        .await
        .ok();
    let unknown = app
        .gql(Some(&token), query, json!({ "id": unknown_person }))
        .await
        .ok();
    let malformed_node = app
        .gql(Some(&token), "{ node(id: \"Person:1\") { id } }", json!({}))
        .await;
    let malformed_person = app
        .gql(Some(&token), "{ person(id: \"!!\") { id } }", json!({}))
        .await;
    let by_external_id = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "nobody") { id } }"#,
            json!({}),
        )
        .await
        .ok();

    assert_eq!(
        person.data("/node"),
        &json!({ "__typename": "Person", "id": cto, "name": "Tom CTO" })
    );
    assert_eq!(person.data("/person/externalId"), "cto");
    assert_eq!(
        team.data("/node"),
        &json!({ "__typename": "Team", "id": eng, "name": "Engineering" })
    );
    assert_eq!(
        team.data("/person"),
        &Value::Null,
        "a Team's ID is no person"
    );
    assert_eq!(unknown.data("/node"), &Value::Null);
    assert_eq!(unknown.data("/person"), &Value::Null);
    malformed_node.assert_error_code("BAD_USER_INPUT");
    malformed_person.assert_error_code("BAD_USER_INPUT");
    assert_eq!(by_external_id.data("/personByExternalId"), &Value::Null);
}

db_test!(people_filters_by_name_team_and_manager);
async fn people_filters_by_name_team_and_manager(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(
        &app,
        json!([
            team("eng", "Engineering", None),
            team("fin", "Finance", None)
        ]),
    )
    .await;
    let mut org = small_org();
    for row in org.as_array_mut().unwrap() {
        let team = match row["externalId"].as_str().unwrap() {
            "cfo" | "acct" => Some("fin"),
            "ceo" => None,
            _ => Some("eng"),
        };
        row["teamExternalId"] = json!(team);
    }
    app.upsert_people(org).await;
    let token = app.person_token("dev1");
    let teams = app
        .gql(
            Some(&token),
            "{ teams { nodes { id externalId } } }",
            json!({}),
        )
        .await
        .ok();
    let fin = teams.data("/teams/nodes/1/id").clone();
    assert_eq!(teams.data("/teams/nodes/1/externalId"), "fin");
    let cto = id_of(&app, "cto").await;
    let query = "query($filter: PersonFilter) {
      people(filter: $filter) { totalCount nodes { externalId } }
    }";
    let list = |filter: Value| {
        let app = &app;
        let token = &token;
        async move {
            app.gql(Some(token), query, json!({ "filter": filter }))
                .await
                .ok()
                .data("/people")
                .clone()
        }
    };

    let dev = list(json!({ "nameContains": "DEV" })).await;
    let wildcard = list(json!({ "nameContains": "%" })).await;
    let underscore = list(json!({ "nameContains": "_" })).await;
    let finance = list(json!({ "teamId": fin })).await;
    let under_cto = list(json!({ "managerId": cto })).await;
    let combined = list(json!({ "managerId": cto, "nameContains": "erin" })).await;
    let wrong_kind = app
        .gql(Some(&token), query, json!({ "filter": { "teamId": cto } }))
        .await;

    assert_eq!(ids(&dev["nodes"]), ["dev1", "dev3", "dev2"]);
    assert_eq!(dev["totalCount"], 3);
    assert_eq!(wildcard["totalCount"], 0, "% is no wildcard");
    assert_eq!(underscore["totalCount"], 0, "_ is no wildcard");
    assert_eq!(ids(&finance["nodes"]), ["acct", "cfo"]);
    assert_eq!(ids(&under_cto["nodes"]), ["em2", "em1"]);
    assert_eq!(ids(&combined["nodes"]), ["em1"]);
    wrong_kind.assert_error_code("BAD_USER_INPUT");
}
