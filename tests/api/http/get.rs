//! GET: a query from the URL runs, a mutation is 405 and not executed, a browser without a
//! query gets GraphiQL, invalid variables JSON is 400.

use serde_json::json;

use super::{GRAPHQL_RESPONSE_JSON, JSON, get, people_count};
use crate::db_test;
use crate::support::{Backend, small_org, spawn_app};

db_test!(get_runs_a_query_from_the_url);
async fn get_runs_a_query_from_the_url(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");

    let answer = get(
        &app,
        &[
            (
                "query",
                "query Who($id: String!) { personByExternalId(externalId: $id) { name } }",
            ),
            ("variables", r#"{"id": "cto"}"#),
            ("operationName", "Who"),
        ],
        Some(GRAPHQL_RESPONSE_JSON),
        Some(&token),
    )
    .await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.media_type(), GRAPHQL_RESPONSE_JSON);
    assert_eq!(
        answer.json(),
        json!({ "data": { "personByExternalId": { "name": "Tom CTO" } } })
    );
}

db_test!(a_mutation_over_get_is_405_allow_post_and_not_executed);
async fn a_mutation_over_get_is_405_allow_post_and_not_executed(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.admin_integration();
    let mutation = r#"mutation { upsertPeople(input: { people: [
        { externalId: "x", name: "X", email: "x@example.com" } ] }) { created } }"#;
    let named = r#"query Q { __typename }
        mutation M { upsertPeople(input: { people: [
        { externalId: "y", name: "Y", email: "y@example.com" } ] }) { created } }"#;

    let anonymous_op = get(&app, &[("query", mutation)], None, Some(&token)).await;
    let chosen_by_name = get(
        &app,
        &[("query", named), ("operationName", "M")],
        Some(GRAPHQL_RESPONSE_JSON),
        Some(&token),
    )
    .await;

    for answer in [&anonymous_op, &chosen_by_name] {
        assert_eq!(answer.status, 405, "{}", answer.body);
        assert_eq!(answer.allow.as_deref(), Some("POST"));
    }
    assert_eq!(people_count(&app).await, 0, "the mutation did not run");
}

db_test!(get_from_a_browser_without_a_query_serves_graphiql);
async fn get_from_a_browser_without_a_query_serves_graphiql(backend: Backend) {
    let app = spawn_app(backend).await;

    let answer = get(
        &app,
        &[],
        Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        None,
    )
    .await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.media_type(), "text/html");
    assert!(answer.body.contains("graphiql"), "{}", answer.body);
    assert!(answer.body.contains("/graphql"));
}

db_test!(get_with_invalid_variables_json_is_400);
async fn get_with_invalid_variables_json_is_400(backend: Backend) {
    let app = spawn_app(backend).await;
    let query = "query($first: Int) { people(first: $first) { totalCount } }";

    let graphql_response = get(
        &app,
        &[("query", query), ("variables", "{first: 1")],
        Some(GRAPHQL_RESPONSE_JSON),
        None,
    )
    .await;
    let json_answer = get(
        &app,
        &[("query", query), ("variables", "[1")],
        Some(JSON),
        None,
    )
    .await;
    let not_an_object = get(
        &app,
        &[("query", query), ("variables", "[1]")],
        Some(JSON),
        None,
    )
    .await;

    graphql_response.assert_request_error(400);
    json_answer.assert_request_error(400);
    not_an_object.assert_request_error(400);
}
