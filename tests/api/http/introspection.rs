//! `__typename` and introspection answer without a token, and turning introspection off
//! refuses schema queries and GraphiQL.

use serde_json::{Value, json};

use super::{get, options_with};
use crate::db_test;
use crate::support::{Backend, spawn_app, spawn_app_with};

db_test!(typename_and_introspection_answer_without_a_token);
async fn typename_and_introspection_answer_without_a_token(backend: Backend) {
    let app = spawn_app(backend).await;

    let typename = app.gql(None, "{ __typename }", json!({})).await.ok();
    let schema = app
        .gql(
            None,
            "{ __schema { queryType { name } types { name } } }",
            json!({}),
        )
        .await
        .ok();
    let person_type = app
        .gql(None, r#"{ __type(name: "Person") { name } }"#, json!({}))
        .await
        .ok();

    assert_eq!(typename.data("/__typename"), "Query");
    assert_eq!(schema.data("/__schema/queryType/name"), "Query");
    let types = schema.data("/__schema/types").as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Person"), "{types:?}");
    assert_eq!(person_type.data("/__type/name"), "Person");
}

db_test!(turning_introspection_off_refuses_schema_queries_and_graphiql);
async fn turning_introspection_off_refuses_schema_queries_and_graphiql(backend: Backend) {
    let app = spawn_app_with(backend, options_with(|l| l.introspection = false)).await;
    let token = app.admin_integration();

    let schema = app
        .gql(Some(&token), "{ __schema { types { name } } }", json!({}))
        .await;
    let type_query = app
        .gql(
            Some(&token),
            r#"{ __type(name: "Person") { name } }"#,
            json!({}),
        )
        .await;
    let in_a_fragment = app
        .gql(
            Some(&token),
            "query { ...Intro } fragment Intro on Query { __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    let typename = app.gql(None, "{ __typename }", json!({})).await.ok();
    let graphiql = get(&app, &[], Some("text/html"), None).await;
    let browser = get(
        &app,
        &[],
        Some("text/html,application/xhtml+xml,*/*;q=0.8"),
        None,
    )
    .await;

    for answer in [&schema, &type_query, &in_a_fragment] {
        assert!(
            !answer.error_codes().is_empty(),
            "introspection answered: {}",
            answer.body
        );
        let types = answer.body.pointer("/data/__schema/types");
        assert!(types.is_none_or(Value::is_null), "{}", answer.body);
        let person = answer.body.pointer("/data/__type");
        assert!(person.is_none_or(Value::is_null), "{}", answer.body);
    }
    assert_eq!(typename.data("/__typename"), "Query");
    for answer in [&graphiql, &browser] {
        assert_ne!(answer.media_type(), "text/html", "{}", answer.body);
        assert_ne!(answer.status, 200, "{}", answer.body);
        assert!(!answer.body.contains("graphiql"), "{}", answer.body);
    }
}
