//! What happens around execution: depth and cost limits refuse before it, an internal error
//! carries a request id and no SQL, and a query of the schema alone reads nothing from the
//! database.

use serde_json::{Value, json};

use super::{options_with, post_with_token};
use crate::db_test;
use crate::support::{Backend, small_org, spawn_app, spawn_app_with};

db_test!(a_query_deeper_than_the_limit_is_rejected_before_execution);
async fn a_query_deeper_than_the_limit_is_rejected_before_execution(backend: Backend) {
    let app = spawn_app_with(backend, options_with(|l| l.max_depth = 4)).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    // viewer(1) manager(2) manager(3) manager(4) name(5)
    let too_deep = "{ viewer { manager { manager { manager { name } } } } }";
    let deep_enough = "{ viewer { manager { manager { name } } } }";

    let refused = post_with_token(&app, &token, &json!({ "query": too_deep })).await;
    let refused_json = app.gql(Some(&token), too_deep, json!({})).await;
    let allowed = app.gql(Some(&token), deep_enough, json!({})).await.ok();

    refused.assert_request_error(400);
    assert!(
        refused_json.body.get("data").is_none(),
        "{}",
        refused_json.body
    );
    assert!(!refused_json.error_codes().is_empty());
    assert_eq!(allowed.data("/viewer/manager/manager/name"), "Tom CTO");
}

db_test!(a_query_costlier_than_the_limit_is_rejected);
async fn a_query_costlier_than_the_limit_is_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    // 2 + 100 × (1 + 2 + 100 × (1 + 2 + 100 × 2)) ≈ 2 million.
    let costly = "{ people(first: 100) { nodes { directReports(first: 100) { nodes {
        directReports(first: 100) { nodes { name } } } } } } }";
    // 2 + 10 × (1 + 2 + 10 × 2) = 232.
    let cheap = "{ people(first: 10) { nodes { directReports(first: 10) { nodes { name } } } } }";
    let statements_before = app.statements();

    let refused = post_with_token(&app, &token, &json!({ "query": costly })).await;
    let statements_after = app.statements();
    let allowed = app.gql(Some(&token), cheap, json!({})).await.ok();

    refused.assert_request_error(400);
    assert!(
        statements_after - statements_before <= 1,
        "only the token's subject was looked up, the query did not run: {} statements",
        statements_after - statements_before
    );
    assert_eq!(
        allowed.data("/people/nodes").as_array().unwrap().len(),
        9,
        "{}",
        allowed.body
    );
}

db_test!(an_internal_error_carries_a_request_id_and_no_sql);
async fn an_internal_error_carries_a_request_id_and_no_sql(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let person_token = app.person_token("ceo");
    let integration_token = app.admin_integration();
    // Break the database under the running server.
    app.db
        .execute_unprepared("ALTER TABLE person RENAME TO person_moved_away")
        .await
        .expect("rename table");

    let field_error = app
        .gql(
            Some(&integration_token),
            "{ __typename people { totalCount } }",
            json!({}),
        )
        .await;
    let viewer_lookup = app
        .gql(
            Some(&person_token),
            "{ __typename viewer { name } }",
            json!({}),
        )
        .await;

    assert_eq!(field_error.status, 200, "{}", field_error.body);
    assert_eq!(viewer_lookup.status, 500, "{}", viewer_lookup.body);
    for answer in [&field_error, &viewer_lookup] {
        answer.assert_error_code("INTERNAL");
        let request_id = answer
            .body
            .pointer("/errors/0/extensions/requestId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        assert!(!request_id.is_empty(), "no requestId: {}", answer.body);
        let text = answer.body.to_string().to_lowercase();
        for leak in [
            "person",
            "select",
            "sql",
            "relation",
            "table",
            "query error",
        ] {
            assert!(!text.contains(leak), "{leak:?} leaked: {}", answer.body);
        }
    }
    let first = field_error.body.pointer("/errors/0/extensions/requestId");
    let second = viewer_lookup.body.pointer("/errors/0/extensions/requestId");
    assert_ne!(first, second, "each request has its own id");
}

db_test!(a_query_of_the_schema_alone_reads_nothing_from_the_database);
async fn a_query_of_the_schema_alone_reads_nothing_from_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let statements = |query: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            let before = app.statements();
            let answer = app.gql(Some(token), query, json!({})).await.ok();
            (app.statements() - before, answer)
        }
    };

    let (schema_only, typename) = statements("{ __typename }").await;
    let (introspection, types) = statements(r#"{ __type(name: "Person") { name } }"#).await;
    let (data, viewer) = statements("{ __typename viewer { externalId } }").await;

    assert_eq!(typename.data("/__typename"), "Query");
    assert_eq!(types.data("/__type/name"), "Person");
    assert_eq!((schema_only, introspection), (0, 0));
    assert_eq!(viewer.data("/viewer/externalId"), "dev1");
    assert!(
        data >= 1,
        "a data field resolves the viewer: {data} statements"
    );
}
