//! GraphQL over HTTP, following the GraphQL-over-HTTP specification: POST with JSON; GET
//! for queries only (405 for mutations); `Accept` negotiation ([`super::reply`]); 415 for
//! non-JSON posts (no form posts, no CSRF); 413 above the body limit; batches only when
//! configured, with a cap.
//!
//! A request is read ([`super::request`], resolving persisted queries), checked
//! ([`super::gate`]), charged its cost against its client's budget
//! ([`super::rate_limit`]: 429 with `RATE_LIMITED` and `Retry-After` when it does not fit),
//! and run as the viewer its token names ([`super::identity`]). Every answer carries
//! `RateLimit-*` headers while rate limiting is on, and a request sent with
//! `GraphQL-Cost: report` gets `extensions.cost` and `extensions.rateLimit`.
//! `PERSISTED_QUERY_NOT_FOUND` and `PERSISTED_QUERY_NOT_SUPPORTED` answer 200 (Apollo
//! clients act on them), `PERSISTED_QUERY_NOT_ALLOWED` and `BAD_REQUEST` 400, whatever the
//! media type. GraphiQL is not served in allow-list mode.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use serde_json::Value;
use tracing_actix_web::RequestId;

use super::batch;
use super::execute::{answer, charge};
use super::gate;
use super::identity::claims_from;
use super::reply::{self, Failure, JSON, MediaType, Reply, negotiate, not_acceptable};
use super::request::{Incoming, object_from_params, request_from_json};
use super::state::AppState;
use crate::telemetry::metrics::{self, counting_statements};

/// `POST /graphql` with an `application/json` body.
pub async fn post(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let Some(media) = negotiate(&req) else {
        return not_acceptable();
    };
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(JSON));
    if !is_json {
        let failure = Failure::new("the request body must be application/json");
        return reply::refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, media, &failure);
    }
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(err) => {
            let failure = Failure::new(format!("the request body is not valid JSON: {err}"));
            return reply::refuse(StatusCode::BAD_REQUEST, media, &failure);
        }
    };
    match parsed {
        Value::Array(items) => batch::batch(&req, &state, items, &request_id)
            .await
            .send(media),
        other => match request_from_json(other, &state.persisted) {
            Ok(incoming) => single(&req, &state, incoming, None, &request_id, media).await,
            Err(rejected) => rejected.into_reply().send(media),
        },
    }
}

/// `GET /graphql`: GraphiQL for browsers ([`super::explorer`]), otherwise a query from the URL parameters.
pub async fn get(
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let params = params.into_inner();
    if !params.contains_key("query")
        && !params.contains_key("extensions")
        && reply::wants_html(&req)
        && super::explorer::served(&state)
    {
        return state.explorer.page(&req);
    }
    let Some(media) = negotiate(&req) else {
        return not_acceptable();
    };
    let object = match object_from_params(params) {
        Ok(object) => object,
        Err(failure) => return reply::refuse(StatusCode::BAD_REQUEST, media, &failure),
    };
    let incoming = match request_from_json(object, &state.persisted) {
        Ok(incoming) => incoming,
        Err(rejected) => return rejected.into_reply().send(media),
    };
    // Bound the document before parsing it to see whether it only reads.
    if let Err(refusal) = gate::check_document(&incoming.request.query, &state.limits) {
        return Reply::request_error(&refusal.to_failure()).send(media);
    }
    // GET may only read: mutations (and subscriptions) need POST.
    let parsed = parse_query(&incoming.request.query).ok();
    let wanted = incoming.request.operation_name.as_deref();
    let selected = parsed.as_ref().and_then(|doc| {
        doc.operations
            .iter()
            .find(|(name, _)| wanted.is_none_or(|w| name.map(|n| n.as_str()) == Some(w)))
    });
    if selected.is_some_and(|(_, op)| op.node.ty != OperationType::Query) {
        let failure = Failure::new("only queries may be sent with GET; use POST");
        let mut response = reply::refuse(StatusCode::METHOD_NOT_ALLOWED, media, &failure);
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    single(&req, &state, incoming, parsed, &request_id, media).await
}

/// One request, recorded in the metrics and logged in one line once answered.
async fn single(
    req: &HttpRequest,
    state: &AppState,
    incoming: Incoming,
    parsed: Option<ExecutableDocument>,
    request_id: &RequestId,
    media: MediaType,
) -> HttpResponse {
    let started = Instant::now();
    let mut seen = Seen::default();
    let (reply, statements) =
        counting_statements(checked(req, state, incoming, parsed, request_id, &mut seen)).await;
    let code = first_error_code(&reply.body);
    let response = reply.send(media);
    let duration = started.elapsed();
    let operation = state.operation_names.label(seen.name.as_deref());
    metrics::record_request(&metrics::Finished {
        operation_type: seen.operation_type,
        operation: &operation,
        code: &code,
        duration,
        statements,
    });
    tracing::info!(
        request_id = %request_id,
        operation_type = seen.operation_type,
        operation = %operation,
        duration_ms = duration.as_secs_f64() * 1000.0,
        status = response.status().as_u16(),
        code = %code,
        statements,
        sub = seen.sub.as_deref(),
        "graphql request"
    );
    response
}

/// What a request showed of itself on its way: for metrics and the log.
struct Seen {
    operation_type: &'static str,
    name: Option<String>,
    sub: Option<String>,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            operation_type: "unknown",
            name: None,
            sub: None,
        }
    }
}

impl Seen {
    /// The operation the request selects, from its parsed document.
    fn operation(&mut self, request: &mut async_graphql::Request) {
        let wanted = request.operation_name.clone();
        let Ok(doc) = request.parsed_query() else {
            return;
        };
        let selected = doc.operations.iter().find(|(name, _)| {
            wanted
                .as_deref()
                .is_none_or(|w| name.map(|n| n.as_str()) == Some(w))
        });
        if let Some((name, op)) = selected {
            self.operation_type = match op.node.ty {
                OperationType::Query => "query",
                OperationType::Mutation => "mutation",
                OperationType::Subscription => "subscription",
            };
            self.name = name.map(|n| n.to_string());
        }
    }
}

/// `OK` for an answer without errors, else its first error's code (`ERROR` without one).
fn first_error_code(body: &Value) -> String {
    match body.pointer("/errors/0") {
        None => "OK".into(),
        Some(error) => error
            .pointer("/extensions/code")
            .and_then(Value::as_str)
            .unwrap_or("ERROR")
            .into(),
    }
}

/// One request: checked, charged to its client, executed.
async fn checked(
    req: &HttpRequest,
    state: &AppState,
    mut incoming: Incoming,
    parsed: Option<ExecutableDocument>,
    request_id: &RequestId,
    seen: &mut Seen,
) -> Reply {
    let cost = match gate::check(&mut incoming.request, parsed, &state.shape, &state.limits) {
        Ok(cost) => cost,
        Err(failure) => return Reply::request_error(&failure),
    };
    seen.operation(&mut incoming.request);
    let claims = claims_from(req, state).await;
    seen.sub = claims.as_ref().map(|c| c.sub.clone());
    let rate = match charge(req, state, claims.as_ref(), cost.cost) {
        Ok(rate) => rate,
        Err(limited) => return limited,
    };
    let (outcome, body) = answer(
        req,
        state,
        incoming,
        &cost,
        claims.as_ref(),
        rate,
        request_id,
    )
    .await;
    let mut reply = Reply::new(outcome, body);
    reply.rate = rate;
    reply
}
