//! Health and readiness answer 200; other methods on /graphql are 405.

use serde_json::json;

use super::{JSON, people_count, read};
use crate::db_test;
use crate::support::{Backend, person, spawn_app};

db_test!(health_and_readiness_answer_200);
async fn health_and_readiness_answer_200(backend: Backend) {
    let app = spawn_app(backend).await;

    let health = read(app.client.get(app.url("/healthz")).send().await.unwrap()).await;
    let ready = read(app.client.get(app.url("/readyz")).send().await.unwrap()).await;

    assert_eq!(health.status, 200, "{}", health.body);
    assert_eq!(health.json(), json!({ "status": "ok" }));
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.json(), json!({ "status": "ready" }));
}

db_test!(other_methods_on_graphql_are_405);
async fn other_methods_on_graphql_are_405(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.admin_integration();
    let body = json!({ "query": crate::support::UPSERT_PEOPLE,
                       "variables": { "people": [person("x", "X", None)] } })
    .to_string();

    let mut answers = Vec::new();
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::PATCH,
    ] {
        let response = app
            .client
            .request(method.clone(), app.url("/graphql"))
            .header("content-type", JSON)
            .bearer_auth(&token)
            .body(body.clone())
            .send()
            .await
            .expect("request");
        answers.push((method, read(response).await));
    }

    for (method, answer) in answers {
        assert_eq!(answer.status, 405, "{method}: {}", answer.body);
        let allow = answer.allow.unwrap_or_default();
        assert!(
            allow.contains("POST") && allow.contains("GET"),
            "{method}: {allow}"
        );
    }
    assert_eq!(people_count(&app).await, 0, "nothing was written");
}
