//! What goes back to the client: the response media type `Accept` asks for, the status an
//! outcome gets under it, the rate-limit headers, and [`Failure`], the one error the
//! transport writes (every refusal before execution, a timeout, an internal error).
//!
//! Media types follow the GraphQL-over-HTTP specification: `application/graphql-response+json`
//! answers requests that fail before execution with 4xx, `application/json` with 200.

use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use chrono::Utc;
use serde_json::{Map, Value, json};

use super::rate_limit::{Limited, RateLimitStatus};

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// The response media type the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    pub fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }

    /// Status for a request that failed before execution (parse, validation, coercion).
    pub fn request_error_status(self) -> StatusCode {
        match self {
            MediaType::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            MediaType::Json => StatusCode::OK,
        }
    }
}

/// Picks the response type from `Accept`: the highest-q supported type, graphql-response
/// winning ties; no header or `*/*` means `application/json`. `None`: nothing acceptable.
pub fn negotiate(req: &HttpRequest) -> Option<MediaType> {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match mime.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphqlResponseJson,
            JSON | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if q <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bm)) => {
                q > bq || (q == bq && media == MediaType::GraphqlResponseJson && bm != media)
            }
        };
        if better {
            best = Some((q, media));
        }
    }
    best.map(|(_, m)| m)
}

/// Whether a browser asks for a page (GraphiQL).
pub fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// One error the transport answers with: a message, and `extensions` (a `code`, the limit
/// it names, the request id…) when there are any.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    message: String,
    extensions: Map<String, Value>,
}

impl Failure {
    /// An error with a message only (a malformed request, a refused method).
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            extensions: Map::new(),
        }
    }

    /// An error with `extensions.code`.
    pub fn coded(message: impl Into<String>, code: &str) -> Self {
        Failure::new(message).with("code", code)
    }

    /// Adds one entry to `extensions`.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extensions.insert(key.into(), value.into());
        self
    }

    /// `RATE_LIMITED`, with what the request costs, what remains and when to retry
    /// (absent when the cost exceeds the whole capacity: it will never fit).
    pub fn rate_limited(limited: &Limited) -> Self {
        let status = &limited.status;
        let message = match limited.retry_after {
            Some(after) => format!(
                "rate limit exceeded: this request costs {} points and {} of {} remain; \
                 retry in {} s",
                status.cost,
                status.remaining,
                status.limit,
                after.as_secs()
            ),
            None => format!(
                "this request costs {} points, more than the whole rate-limit budget of {}",
                status.cost, status.limit
            ),
        };
        let failure = Failure::coded(message, "RATE_LIMITED")
            .with("cost", status.cost)
            .with("remaining", status.remaining)
            .with("resetAt", status.reset_at.to_rfc3339());
        match limited.retry_after {
            Some(after) => failure.with("retryAfter", after.as_secs()),
            None => failure,
        }
    }

    /// The GraphQL error object: `{message, extensions}`.
    pub fn to_error(&self) -> Value {
        let mut error = json!({ "message": self.message });
        if !self.extensions.is_empty() {
            error["extensions"] = Value::Object(self.extensions.clone());
        }
        error
    }

    /// A response body with this one error and no `data`.
    pub fn to_body(&self) -> Value {
        json!({ "errors": [self.to_error()] })
    }

    /// The same error as a GraphQL response, for the WebSocket, which sends responses
    /// rather than HTTP bodies.
    pub fn to_response(&self) -> async_graphql::Response {
        let mut error = async_graphql::ServerError::new(&self.message, None);
        if !self.extensions.is_empty() {
            let mut values = async_graphql::ErrorExtensionValues::default();
            for (name, value) in &self.extensions {
                if let Ok(value) = async_graphql::Value::from_json(value.clone()) {
                    values.set(name, value);
                }
            }
            error.extensions = Some(values);
        }
        async_graphql::Response::from_errors(vec![error])
    }
}

/// How a request ended, for the status code.
pub enum Outcome {
    /// Executed (possibly with field errors).
    Executed,
    /// Failed before execution: parse, validation, variable coercion or a request limit.
    RequestError,
    /// The client's rate-limit budget does not cover the request.
    RateLimited,
    TimedOut,
    /// The database could not be reached (an error with code `UNAVAILABLE`): 503.
    Unavailable,
    Internal,
    /// Refused with a status that does not depend on the media type.
    Fixed(StatusCode),
}

impl Outcome {
    fn status(&self, media: MediaType) -> StatusCode {
        match self {
            Outcome::Executed => StatusCode::OK,
            Outcome::RequestError => media.request_error_status(),
            Outcome::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Outcome::TimedOut | Outcome::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Outcome::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Outcome::Fixed(status) => *status,
        }
    }
}

/// An answer with what its headers need.
pub struct Reply {
    pub outcome: Outcome,
    pub body: Value,
    pub rate: Option<RateLimitStatus>,
    pub retry_after: Option<Duration>,
}

impl Reply {
    /// An answer without rate-limit headers.
    pub fn new(outcome: Outcome, body: Value) -> Self {
        Reply {
            outcome,
            body,
            rate: None,
            retry_after: None,
        }
    }

    /// 429 for a request its budget does not cover: `RATE_LIMITED` with what it costs, what
    /// remains and when to retry, `extensions.rateLimit` and `Retry-After`.
    pub fn rate_limited(limited: Limited) -> Self {
        let status = limited.status;
        Reply {
            body: json!({
                "errors": [Failure::rate_limited(&limited).to_error()],
                "extensions": { "rateLimit": status.to_extension() },
            }),
            outcome: Outcome::RateLimited,
            rate: Some(status),
            retry_after: limited.retry_after,
        }
    }

    /// A request refused before execution.
    pub fn request_error(failure: &Failure) -> Self {
        Reply::new(Outcome::RequestError, failure.to_body())
    }

    /// The response itself, in the negotiated media type.
    pub fn send(self, media: MediaType) -> HttpResponse {
        let mut response = HttpResponse::build(self.outcome.status(media));
        response.content_type(media.content_type());
        if let Some(rate) = &self.rate {
            rate_limit_headers(&mut response, rate);
        }
        if let Some(retry_after) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, retry_after.as_secs().to_string()));
        }
        response.body(self.body.to_string())
    }
}

/// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the budget
/// is full again), after the IETF draft on rate-limit headers.
fn rate_limit_headers(response: &mut HttpResponseBuilder, rate: &RateLimitStatus) {
    let reset = (rate.reset_at - Utc::now()).num_seconds().max(0);
    response
        .insert_header(("RateLimit-Limit", rate.limit.to_string()))
        .insert_header(("RateLimit-Remaining", rate.remaining.to_string()))
        .insert_header(("RateLimit-Reset", reset.to_string()));
}

/// Request header asking for `extensions.cost` and `extensions.rateLimit` in the response
/// (value `report`), as Hot Chocolate's `GraphQL-Cost` header does.
const COST_HEADER: &str = "graphql-cost";

/// Whether the request asks for the cost report.
pub fn wants_cost_report(req: &HttpRequest) -> bool {
    req.headers()
        .get(COST_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("report"))
}

/// Adds `extensions.cost` (the request's price, as the request checks computed it) and
/// `extensions.rateLimit` to a response body.
pub fn add_cost_report(body: &mut Value, cost: Value, rate: Option<&RateLimitStatus>) {
    let Some(object) = body.as_object_mut() else {
        return;
    };
    let extensions = object.entry("extensions").or_insert_with(|| json!({}));
    if let Some(extensions) = extensions.as_object_mut() {
        extensions.insert("cost".into(), cost);
        if let Some(rate) = rate {
            extensions.insert("rateLimit".into(), rate.to_extension());
        }
    }
}

/// A refusal with a status of its own, whatever the media type.
pub fn refuse(status: StatusCode, media: MediaType, failure: &Failure) -> HttpResponse {
    Reply::new(Outcome::Fixed(status), failure.to_body()).send(media)
}

/// 406: the client accepts neither response type.
pub fn not_acceptable() -> HttpResponse {
    let failure = Failure::new(format!(
        "responses are available as {GRAPHQL_RESPONSE_JSON} or {JSON}"
    ));
    HttpResponse::NotAcceptable()
        .content_type(JSON)
        .body(failure.to_body().to_string())
}

/// 405 for methods other than GET and POST.
pub async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET, POST"))
        .content_type(JSON)
        .body(Failure::new("use GET or POST").to_body().to_string())
}
