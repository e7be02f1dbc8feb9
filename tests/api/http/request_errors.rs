//! Request errors: 400 under graphql-response+json (unparseable JSON, not a GraphQL request,
//! syntax, validation, variable coercion), 200 with errors under application/json, and field
//! errors during execution that answer 200 with data and errors.

use serde_json::json;

use super::{GRAPHQL_RESPONSE_JSON, JSON, people_count, post, post_json, post_with_token};
use crate::db_test;
use crate::support::{Backend, spawn_app};

db_test!(graphql_response_json_answers_400_to_unparseable_json);
async fn graphql_response_json_answers_400_to_unparseable_json(backend: Backend) {
    let app = spawn_app(backend).await;

    for body in ["{", "{\"query\": \"{ __typename }\"", "", "not json"] {
        let answer = post(&app, Some(JSON), Some(GRAPHQL_RESPONSE_JSON), body).await;

        assert_eq!(answer.status, 400, "{body:?}: {}", answer.body);
        assert_eq!(answer.media_type(), GRAPHQL_RESPONSE_JSON);
        answer.assert_request_error(400);
    }
}

db_test!(graphql_response_json_answers_400_to_bodies_that_are_not_graphql_requests);
async fn graphql_response_json_answers_400_to_bodies_that_are_not_graphql_requests(
    backend: Backend,
) {
    let app = spawn_app(backend).await;

    for body in [
        json!({}),
        json!({ "qeury": "{ __typename }" }),
        json!({ "query": 42 }),
        json!({ "query": ["{ __typename }"] }),
        json!({ "query": null }),
        json!({ "query": "{ __typename }", "variables": "{}" }),
        json!({ "query": "{ __typename }", "variables": [] }),
        json!({ "query": "{ __typename }", "operationName": 1 }),
        json!({ "query": "{ __typename }", "extensions": "x" }),
        json!("{ __typename }"),
        json!(7),
        json!(null),
    ] {
        let answer = post_json(&app, Some(GRAPHQL_RESPONSE_JSON), &body).await;

        assert_eq!(answer.status, 400, "{body}: {}", answer.body);
        answer.assert_request_error(400);
    }
}

db_test!(graphql_response_json_answers_400_without_data_to_a_syntax_error);
async fn graphql_response_json_answers_400_without_data_to_a_syntax_error(backend: Backend) {
    let app = spawn_app(backend).await;

    let answer = post_json(
        &app,
        Some(GRAPHQL_RESPONSE_JSON),
        &json!({ "query": "{ people { nodes { name }" }),
    )
    .await;

    answer.assert_request_error(400);
    assert_eq!(answer.media_type(), GRAPHQL_RESPONSE_JSON);
}

db_test!(graphql_response_json_answers_400_to_a_validation_error);
async fn graphql_response_json_answers_400_to_a_validation_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.admin_integration();

    let unknown_field = post_with_token(
        &app,
        &token,
        &json!({ "query": "{ people { nodes { shoeSize } } }" }),
    )
    .await;
    let missing_argument = post_with_token(
        &app,
        &token,
        &json!({ "query": "{ personByExternalId { name } }" }),
    )
    .await;

    unknown_field.assert_request_error(400);
    missing_argument.assert_request_error(400);
}

db_test!(graphql_response_json_answers_400_to_a_variable_coercion_error);
async fn graphql_response_json_answers_400_to_a_variable_coercion_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.admin_integration();
    let query = "query($first: Int) { people(first: $first) { totalCount } }";

    let wrong_type = post_with_token(
        &app,
        &token,
        &json!({ "query": query, "variables": { "first": "ten" } }),
    )
    .await;
    let missing_required = post_with_token(
        &app,
        &token,
        &json!({
            "query": "query($id: String!) { personByExternalId(externalId: $id) { name } }",
            "variables": {}
        }),
    )
    .await;
    let null_for_required = post_with_token(
        &app,
        &token,
        &json!({
            "query": "query($id: String!) { personByExternalId(externalId: $id) { name } }",
            "variables": { "id": null }
        }),
    )
    .await;
    let bad_input_object = post_with_token(
        &app,
        &token,
        &json!({
            "query": crate::support::UPSERT_PEOPLE,
            "variables": { "people": [{ "externalId": "x" }] }
        }),
    )
    .await;

    wrong_type.assert_request_error(400);
    missing_required.assert_request_error(400);
    null_for_required.assert_request_error(400);
    bad_input_object.assert_request_error(400);
    assert_eq!(people_count(&app).await, 0, "nothing was written");
}

db_test!(application_json_answers_200_with_errors_to_request_errors);
async fn application_json_answers_200_with_errors_to_request_errors(backend: Backend) {
    let app = spawn_app(backend).await;

    for (what, body) in [
        ("syntax", json!({ "query": "{ people {" })),
        (
            "validation",
            json!({ "query": "{ people { nodes { shoeSize } } }" }),
        ),
        (
            "coercion",
            json!({
                "query": "query($first: Int) { people(first: $first) { totalCount } }",
                "variables": { "first": "ten" }
            }),
        ),
    ] {
        let answer = post_json(&app, Some(JSON), &body).await;

        assert_eq!(answer.media_type(), JSON, "{what}");
        answer.assert_request_error(200);
    }
}

db_test!(field_errors_during_execution_answer_200_with_data_and_errors);
async fn field_errors_during_execution_answer_200_with_data_and_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = json!({ "query": "{ __typename people { totalCount } }" });

    for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
        let answer = post_json(&app, Some(accept), &body).await;

        assert_eq!(answer.status, 200, "{accept}: {}", answer.body);
        let body = answer.json();
        assert!(
            body.get("data").is_some(),
            "{accept}: expected data: {body}"
        );
        assert_eq!(body.pointer("/errors/0/path"), Some(&json!(["people"])));
        assert_eq!(
            body.pointer("/errors/0/extensions/code"),
            Some(&json!("UNAUTHENTICATED"))
        );
    }
}
