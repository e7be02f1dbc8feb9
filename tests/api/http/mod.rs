//! GraphQL over HTTP: methods, media types and status codes as the GraphQL-over-HTTP
//! specification (and its audit suite) expects them, request limits, health checks.

use serde_json::{Value, json};

use crate::support::request::{GRAPHQL_RESPONSE_JSON, JSON};
use crate::support::{Options, TestApp};

mod bodies;
mod execution;
mod get;
mod introspection;
mod media_types;
mod request_errors;
mod routes;

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
