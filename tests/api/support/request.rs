//! Requests below the GraphQL client: a POST with chosen headers, a GET, and the
//! [`Reply`] with its status and headers, for the tests of limits and rate budgets.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::app::TestApp;

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// An HTTP answer: status, headers and the JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// A header's value, when present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `extensions` of the first error.
    pub fn error_extensions(&self) -> &Value {
        self.body
            .pointer("/errors/0/extensions")
            .unwrap_or_else(|| panic!("no error extensions: {}", self.body))
    }

    /// Refused before execution for `limit`: `status`, no `data`, QUERY_TOO_COMPLEX.
    #[track_caller]
    pub fn assert_refused(&self, status: u16, limit: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.body.get("data").is_none(), "no data: {}", self.body);
        let extensions = self.error_extensions();
        assert_eq!(extensions["code"], "QUERY_TOO_COMPLEX", "{}", self.body);
        assert_eq!(extensions["limit"], limit, "{}", self.body);
    }

    /// Ran without errors.
    #[track_caller]
    pub fn assert_ok(&self) {
        assert_eq!(self.status, 200, "{}", self.body);
        assert!(self.body.get("errors").is_none(), "{}", self.body);
    }
}

/// How to send a request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Send<'a> {
    pub token: Option<&'a str>,
    pub accept: Option<&'a str>,
    /// Sends `GraphQL-Cost: report`.
    pub report: bool,
}

/// POSTs a JSON body (a request or a batch) to `/graphql`.
pub async fn post(app: &TestApp, send: Send<'_>, body: &Value) -> Reply {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", JSON)
        .body(body.to_string());
    if let Some(token) = send.token {
        request = request.bearer_auth(token);
    }
    if let Some(accept) = send.accept {
        request = request.header("accept", accept);
    }
    if send.report {
        request = request.header("graphql-cost", "report");
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    Reply {
        status,
        headers,
        body,
    }
}

/// GETs `/graphql?query=…` asking for graphql-response+json.
pub async fn get(app: &TestApp, query: &str) -> Reply {
    let url =
        reqwest::Url::parse_with_params(&app.url("/graphql"), [("query", query)]).expect("url");
    let response = app
        .client
        .get(url)
        .header("accept", GRAPHQL_RESPONSE_JSON)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.expect("JSON body");
    Reply {
        status,
        headers,
        body,
    }
}

/// POSTs `query` asking for graphql-response+json.
pub async fn query(app: &TestApp, token: Option<&str>, query: &str) -> Reply {
    let send = Send {
        token,
        accept: Some(GRAPHQL_RESPONSE_JSON),
        report: false,
    };
    post(app, send, &json!({ "query": query })).await
}
