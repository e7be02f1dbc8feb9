//! The media types: application/json with or without a charset, graphql-response+json when
//! asked for, and 406 for an Accept header the server cannot answer.

use serde_json::json;

use super::{GRAPHQL_RESPONSE_JSON, JSON, get, post, post_json};
use crate::db_test;
use crate::support::{Backend, spawn_app};

db_test!(post_with_application_json_is_accepted_with_or_without_charset);
async fn post_with_application_json_is_accepted_with_or_without_charset(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = json!({ "query": "{ __typename }" }).to_string();

    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
    ] {
        let answer = post(&app, Some(content_type), None, body.clone()).await;

        assert_eq!(answer.status, 200, "{content_type}: {}", answer.body);
        assert_eq!(answer.json(), json!({ "data": { "__typename": "Query" } }));
    }
}

db_test!(accept_graphql_response_json_answers_in_that_media_type);
async fn accept_graphql_response_json_answers_in_that_media_type(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = json!({ "query": "{ __typename }" });

    for accept in [
        GRAPHQL_RESPONSE_JSON,
        "application/graphql-response+json, application/json;q=0.9",
        "application/json;q=0.5, application/graphql-response+json",
    ] {
        let answer = post_json(&app, Some(accept), &body).await;

        assert_eq!(answer.status, 200, "{accept}: {}", answer.body);
        assert_eq!(answer.media_type(), GRAPHQL_RESPONSE_JSON, "{accept}");
        assert_eq!(answer.json(), json!({ "data": { "__typename": "Query" } }));
    }
}

db_test!(accept_json_any_or_nothing_answers_application_json);
async fn accept_json_any_or_nothing_answers_application_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = json!({ "query": "{ __typename }" });

    for accept in [
        Some(JSON),
        Some("*/*"),
        Some("application/*"),
        Some("text/html, */*;q=0.8"),
        None,
    ] {
        let answer = post_json(&app, accept, &body).await;

        assert_eq!(answer.status, 200, "{accept:?}: {}", answer.body);
        assert_eq!(answer.media_type(), JSON, "{accept:?}");
        assert_eq!(answer.json(), json!({ "data": { "__typename": "Query" } }));
    }
}

db_test!(an_unsupported_accept_header_is_406);
async fn an_unsupported_accept_header_is_406(backend: Backend) {
    let app = spawn_app(backend).await;

    let posted = post_json(
        &app,
        Some("text/plain"),
        &json!({ "query": "{ __typename }" }),
    )
    .await;
    let got = get(
        &app,
        &[("query", "{ __typename }")],
        Some("text/plain"),
        None,
    )
    .await;
    let refused_json = post_json(
        &app,
        Some("application/json;q=0"),
        &json!({ "query": "{ __typename }" }),
    )
    .await;

    assert_eq!(posted.status, 406, "{}", posted.body);
    assert_eq!(got.status, 406, "{}", got.body);
    assert_eq!(refused_json.status, 406, "{}", refused_json.body);
}
