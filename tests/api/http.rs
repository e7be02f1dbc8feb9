//! GraphQL over HTTP: methods, media types and status codes as the GraphQL-over-HTTP
//! specification (and its audit suite) expects them, request limits, health checks.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, Options, TestApp, person, small_org, spawn_app, spawn_app_with};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// A raw HTTP answer: status, the headers the tests look at, and the body text.
#[derive(Debug)]
struct Raw {
    status: u16,
    content_type: String,
    allow: Option<String>,
    body: String,
}

impl Raw {
    /// The body as JSON; panics when it is not.
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("body is not JSON ({err}): {}", self.body))
    }

    /// The media type without parameters, lowercased.
    fn media_type(&self) -> String {
        self.content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }

    /// A GraphQL response that failed before execution: errors and no `data` key.
    fn assert_request_error(&self, status: u16) {
        assert_eq!(self.status, status, "{}", self.body);
        let body = self.json();
        assert!(
            body.get("errors")
                .and_then(Value::as_array)
                .is_some_and(|e| !e.is_empty()),
            "expected errors: {body}"
        );
        assert!(body.get("data").is_none(), "expected no data key: {body}");
    }
}

async fn read(response: reqwest::Response) -> Raw {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header("content-type").unwrap_or_default();
    let allow = header("allow");
    let body = response.text().await.expect("body");
    Raw {
        status,
        content_type,
        allow,
        body,
    }
}

/// POSTs `body` to `/graphql` with the given Content-Type and Accept headers (None: no header).
async fn post(
    app: &TestApp,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Raw {
    let mut request = app.client.post(app.url("/graphql")).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    read(request.send().await.expect("request")).await
}

/// POSTs a JSON value as `application/json`, asking for `accept`.
async fn post_json(app: &TestApp, accept: Option<&str>, body: &Value) -> Raw {
    post(app, Some(JSON), accept, body.to_string()).await
}

/// GETs `/graphql` with URL parameters, an optional Accept header and bearer token.
async fn get(
    app: &TestApp,
    params: &[(&str, &str)],
    accept: Option<&str>,
    token: Option<&str>,
) -> Raw {
    let url = reqwest::Url::parse_with_params(&app.url("/graphql"), params).expect("url");
    let mut request = app.client.get(url);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    read(request.send().await.expect("request")).await
}

/// How many people the database holds, asked through the API.
async fn people_count(app: &TestApp) -> i64 {
    app.gql(
        Some(&app.admin_integration()),
        "{ people(first: 1) { totalCount } }",
        json!({}),
    )
    .await
    .ok()
    .data("/people/totalCount")
    .as_i64()
    .expect("totalCount")
}

fn options_with(limits: impl FnOnce(&mut cadence::config::LimitSettings)) -> Options {
    let mut options = Options::default();
    limits(&mut options.limits);
    options
}

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

/// POSTs asking for graphql-response+json with a bearer token.
async fn post_with_token(app: &TestApp, token: &str, body: &Value) -> Raw {
    read(
        app.client
            .post(app.url("/graphql"))
            .header("content-type", JSON)
            .header("accept", GRAPHQL_RESPONSE_JSON)
            .bearer_auth(token)
            .body(body.to_string())
            .send()
            .await
            .expect("request"),
    )
    .await
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
