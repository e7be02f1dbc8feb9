//! Request bodies: not JSON is 415, over the size limit 413, NUL characters and instants out
//! of range are bad input, and batches are refused unless configured.

use serde_json::json;

use super::{GRAPHQL_RESPONSE_JSON, JSON, options_with, people_count, post, post_json, read};
use crate::db_test;
use crate::support::{Backend, small_org, spawn_app, spawn_app_with};

db_test!(posts_that_are_not_json_are_415);
async fn posts_that_are_not_json_are_415(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.admin_integration();
    let form = "query=mutation%20%7B%20upsertPeople(input%3A%20%7Bpeople%3A%20%5B%7BexternalId%3A%20%22x%22%2C%20name%3A%20%22X%22%2C%20email%3A%20%22x%40example.com%22%7D%5D%7D)%20%7B%20created%20%7D%20%7D";
    let json_text = json!({ "query": "{ __typename }" }).to_string();

    let mut answers = Vec::new();
    for (content_type, body) in [
        (Some("application/x-www-form-urlencoded"), form.to_string()),
        (Some("text/plain"), json_text.clone()),
        (Some("multipart/form-data; boundary=x"), json_text.clone()),
        (Some("application/jsonx"), json_text.clone()),
        (None, json_text.clone()),
    ] {
        let mut request = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&token)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        answers.push((
            content_type,
            read(request.send().await.expect("request")).await,
        ));
    }

    for (content_type, answer) in answers {
        assert_eq!(answer.status, 415, "{content_type:?}: {}", answer.body);
    }
    assert_eq!(people_count(&app).await, 0, "the form post did not run");
}

db_test!(a_body_over_the_limit_is_413_and_one_just_under_works);
async fn a_body_over_the_limit_is_413_and_one_just_under_works(backend: Backend) {
    const LIMIT: usize = 1024;
    let app = spawn_app_with(backend, options_with(|l| l.body_limit = LIMIT)).await;
    let padded = |size: usize| {
        let empty = json!({ "query": "{ __typename }" }).to_string().len();
        let body =
            json!({ "query": format!("{{ __typename }}{}", " ".repeat(size - empty)) }).to_string();
        assert_eq!(body.len(), size);
        body
    };

    let at_limit = post(&app, Some(JSON), None, padded(LIMIT)).await;
    let over_limit = post(&app, Some(JSON), None, padded(LIMIT + 1)).await;
    let far_over = post(&app, Some(JSON), None, padded(4 * LIMIT)).await;

    assert_eq!(at_limit.status, 200, "{}", at_limit.body);
    assert_eq!(
        at_limit.json(),
        json!({ "data": { "__typename": "Query" } })
    );
    assert_eq!(over_limit.status, 413, "{}", over_limit.body);
    assert_eq!(far_over.status, 413, "{}", far_over.body);
    assert!(
        over_limit.json()["errors"][0]["message"].is_string(),
        "a GraphQL-shaped JSON answer: {}",
        over_limit.body
    );
}

db_test!(nul_characters_and_instants_out_of_range_are_bad_input_not_internal);
async fn nul_characters_and_instants_out_of_range_are_bad_input_not_internal(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("ceo");

    let nul = app
        .gql(
            Some(&token),
            "query($x: String!) { personByExternalId(externalId: $x) { id } }",
            json!({ "x": "a\u{0}b" }),
        )
        .await;
    let far_past = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "ceo") { manager(asOf: "-262143-01-01T00:00:00Z") { id } } }"#,
            json!({}),
        )
        .await;
    let far_date = app
        .gql(
            Some(&app.admin_integration()),
            r#"mutation { upsertPeople(input: { people: [{ externalId: "x", name: "X", email: "x@example.com", startDate: "0001-01-01" }] }) { created } }"#,
            json!({}),
        )
        .await;

    assert_eq!(nul.status, 400, "{}", nul.body);
    for answer in [&far_past, &far_date] {
        assert!(
            !answer.error_codes().iter().any(|c| c == "INTERNAL"),
            "{}",
            answer.body
        );
        assert!(
            answer.body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("1900 and 9999")),
            "{}",
            answer.body
        );
    }
}

db_test!(batched_requests_are_refused_by_default);
async fn batched_requests_are_refused_by_default(backend: Backend) {
    let app = spawn_app(backend).await;
    let batch = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]);

    let graphql_response = post_json(&app, Some(GRAPHQL_RESPONSE_JSON), &batch).await;
    let json_answer = post_json(&app, Some(JSON), &batch).await;

    graphql_response.assert_request_error(400);
    json_answer.assert_request_error(400);
}

db_test!(batches_up_to_the_configured_size_run);
async fn batches_up_to_the_configured_size_run(backend: Backend) {
    let app = spawn_app_with(backend, options_with(|l| l.max_batch = 2)).await;
    let typename = json!({ "query": "{ __typename }" });
    let named = json!({ "query": "query Two { two: __typename }", "operationName": "Two" });

    let two = post_json(&app, None, &json!([typename, named])).await;
    let three = post_json(&app, None, &json!([typename, typename, typename])).await;
    let empty = post_json(&app, None, &json!([])).await;

    assert_eq!(two.status, 200, "{}", two.body);
    assert_eq!(
        two.json(),
        json!([
            { "data": { "__typename": "Query" } },
            { "data": { "two": "Query" } }
        ])
    );
    three.assert_request_error(400);
    empty.assert_request_error(400);
}
