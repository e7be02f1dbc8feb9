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
use super::observe::{self, Answered, Seen, Transport, first_error_code, status_code_name};
use super::reply::{self, Failure, JSON, MediaType, Reply, negotiate, not_acceptable};
use super::request::{Incoming, object_from_params, request_from_json};
use super::state::AppState;
use crate::telemetry::metrics::counting_statements;

/// `POST /graphql` with an `application/json` body.
pub async fn post(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let mut watch = Watch::start();
    let answer = post_answer(&req, &body, &state, &request_id, &mut watch.seen);
    let (answer, statements) = counting_statements(answer).await;
    watch.finish(&state, &request_id, answer, statements)
}

async fn post_answer(
    req: &HttpRequest,
    body: &[u8],
    state: &AppState,
    request_id: &RequestId,
    seen: &mut Seen,
) -> (HttpResponse, Report) {
    let Some(media) = negotiate(req) else {
        return (not_acceptable(), Report::ByStatus);
    };
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(JSON));
    if !is_json {
        let failure = Failure::new("the request body must be application/json");
        let response = reply::refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, media, &failure);
        return (response, Report::ByStatus);
    }
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(err) => {
            let failure = Failure::new(format!("the request body is not valid JSON: {err}"));
            let response = reply::refuse(StatusCode::BAD_REQUEST, media, &failure);
            return (response, Report::ByStatus);
        }
    };
    match parsed {
        Value::Array(items) => match batch::batch(req, state, items, request_id).await {
            Ok(executed) => (executed.send(media), Report::Done),
            Err(refused) => coded(refused, media),
        },
        other => match request_from_json(other, &state.persisted) {
            Ok(incoming) => single(req, state, incoming, None, request_id, media, seen).await,
            Err(rejected) => coded(rejected.into_reply(), media),
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
    let mut watch = Watch::start();
    let answer = get_answer(&req, params, &state, &request_id, &mut watch.seen);
    let (answer, statements) = counting_statements(answer).await;
    watch.finish(&state, &request_id, answer, statements)
}

async fn get_answer(
    req: &HttpRequest,
    params: HashMap<String, String>,
    state: &AppState,
    request_id: &RequestId,
    seen: &mut Seen,
) -> (HttpResponse, Report) {
    let Some(media) = negotiate(req) else {
        return (not_acceptable(), Report::ByStatus);
    };
    let object = match object_from_params(params) {
        Ok(object) => object,
        Err(failure) => {
            let response = reply::refuse(StatusCode::BAD_REQUEST, media, &failure);
            return (response, Report::ByStatus);
        }
    };
    let incoming = match request_from_json(object, &state.persisted) {
        Ok(incoming) => incoming,
        Err(rejected) => return coded(rejected.into_reply(), media),
    };
    // Bound the document before parsing it to see whether it only reads.
    if let Err(refusal) = gate::check_document(&incoming.request.query, &state.limits) {
        return coded(Reply::request_error(&refusal.to_failure()), media);
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
        return (response, Report::ByStatus);
    }
    single(req, state, incoming, parsed, request_id, media, seen).await
}

/// How an answer is reported once sent ([`Watch::finish`]).
enum Report {
    /// Under the code of its first error, `OK` without one.
    Code(String),
    /// Under its status: refused before it was read as a GraphQL request.
    ByStatus,
    /// Already reported, one operation at a time (a batch).
    Done,
}

/// A reply sent, reported under its first error's code.
fn coded(reply: Reply, media: MediaType) -> (HttpResponse, Report) {
    let code = first_error_code(&reply.body);
    (reply.send(media), Report::Code(code))
}

/// A request on its way: when it started and what it showed of itself, to be reported
/// in the metrics and the log ([`observe`]) once answered.
struct Watch {
    started: Instant,
    seen: Seen,
}

impl Watch {
    fn start() -> Self {
        Watch {
            started: Instant::now(),
            seen: Seen::default(),
        }
    }

    /// Reports the answer (unless a batch reported its operations itself) and returns it.
    fn finish(
        self,
        state: &AppState,
        request_id: &RequestId,
        (response, report): (HttpResponse, Report),
        statements: u64,
    ) -> HttpResponse {
        let status = response.status();
        let code = match report {
            Report::Done => return response,
            Report::Code(code) => code,
            Report::ByStatus => status_code_name(status),
        };
        observe::report(
            state,
            &Answered {
                transport: Transport::Http,
                request_id: &request_id.to_string(),
                seen: &self.seen,
                status: Some(status),
                code: &code,
                duration: self.started.elapsed(),
                statements: Some(statements),
            },
        );
        response
    }
}

/// One request: checked, charged and executed, then sent.
async fn single(
    req: &HttpRequest,
    state: &AppState,
    incoming: Incoming,
    parsed: Option<ExecutableDocument>,
    request_id: &RequestId,
    media: MediaType,
    seen: &mut Seen,
) -> (HttpResponse, Report) {
    let reply = checked(req, state, incoming, parsed, request_id, seen).await;
    coded(reply, media)
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
