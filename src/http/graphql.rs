//! GraphQL over HTTP, following the GraphQL-over-HTTP specification: POST with JSON; GET
//! for queries only (405 for mutations); `Accept` negotiation between
//! `application/graphql-response+json` (4xx for requests that fail before execution) and
//! `application/json` (200 with errors); 415 for non-JSON posts (no form posts, no CSRF);
//! 413 above the body limit; batches only when configured, with a cap.
//!
//! Before a request runs it is checked against the request limits (`graphql::limits`:
//! document size and tokens, depth, cost, nodes, aliases, root fields, directives) and
//! charged its cost against its client's rate-limit budget (`http::rate_limit`). A request
//! over a limit fails like any other request error (400 for graphql-response+json, 200 for
//! application/json, no `data`) with `extensions.code` `QUERY_TOO_COMPLEX` and
//! `extensions.limit` naming the limit; a client out of budget gets 429 (whatever the media
//! type) with `extensions.code` `RATE_LIMITED`, `retryAfter` seconds and a `Retry-After`
//! header. Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset` headers while rate limiting is on, and a request sent with
//! `GraphQL-Cost: report` gets `extensions.cost { requested maximum nodes maximumNodes depth }`
//! and `extensions.rateLimit { cost limit remaining resetAt }` in its response.
//!
//! A request's document is first resolved through the persisted queries (`http::persisted`:
//! Apollo's automatic persisted queries, or the `--persisted-only` allow-list), over POST,
//! GET and WebSocket alike; every check above then applies to the resolved document.
//! `PERSISTED_QUERY_NOT_FOUND` and `PERSISTED_QUERY_NOT_SUPPORTED` answer 200 (Apollo
//! clients act on them), `PERSISTED_QUERY_NOT_ALLOWED` and `BAD_REQUEST` (hash mismatch,
//! unsupported version) answer 400, whatever the response media type. GraphiQL is not
//! served in allow-list mode.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Variables, parser::parse_query};
use async_graphql_actix_web::GraphQLSubscription;
use chrono::Utc;
use futures_util::stream::{self, BoxStream};
use futures_util::{FutureExt, StreamExt};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::panic::AssertUnwindSafe;
use tracing_actix_web::RequestId;

use super::persisted::{PersistedError, PersistedQueries, PersistedQuery, Registration};
use super::rate_limit::{Charge, RateKey, RateLimiter};
use super::socket_deadline;
use crate::auth::Viewer;
use crate::auth::jwt::{Claims, JwtKeys};
use crate::config::LimitSettings;
use crate::error::{AppError, TIMED_OUT};
use crate::graphql::limits::{self, Limit, QueryCost, Refusal, SchemaShape};
use crate::graphql::rate_limit::RateLimitStatus;
use crate::graphql::{CadenceSchema, RequestContext};
use crate::service::events::MeetingEvents;
use crate::service::viewers::SubjectCache;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
/// Request header asking for `extensions.cost` and `extensions.rateLimit` in the response
/// (value `report`), as Hot Chocolate's `GraphQL-Cost` header does.
const COST_HEADER: &str = "graphql-cost";

/// What every request handler shares.
pub struct AppState {
    pub schema: CadenceSchema,
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub limits: LimitSettings,
    pub events: MeetingEvents,
    /// The schema's fields and connections, to price queries before they run.
    pub shape: SchemaShape,
    /// Per-client cost budgets, kept in this process's memory.
    pub rate_limit: RateLimiter,
    /// Automatic persisted queries, or the allow-list of `--persisted-only`.
    pub persisted: PersistedQueries,
    /// Token subjects looked up in the last moments.
    pub subjects: SubjectCache,
}

/// The response media type the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }

    /// Status for a request that failed before execution (parse, validation, coercion).
    fn request_error_status(self) -> StatusCode {
        match self {
            MediaType::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            MediaType::Json => StatusCode::OK,
        }
    }
}

/// Picks the response type from `Accept`: the highest-q supported type, graphql-response
/// winning ties; no header or `*/*` means `application/json`. `None`: nothing acceptable.
fn negotiate(req: &HttpRequest) -> Option<MediaType> {
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

fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn error_body(message: impl Into<String>) -> Value {
    json!({ "errors": [{ "message": message.into() }] })
}

/// A response body with one error that carries a code and the request id.
fn coded_error(message: &str, code: &str, request_id: &RequestId) -> Value {
    json!({ "errors": [{
        "message": message,
        "extensions": { "code": code, "requestId": request_id.to_string() }
    }] })
}

fn respond(status: StatusCode, media: MediaType, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(media.content_type())
        .body(body.to_string())
}

fn not_acceptable() -> HttpResponse {
    HttpResponse::NotAcceptable().content_type(JSON).body(
        error_body(format!(
            "responses are available as {GRAPHQL_RESPONSE_JSON} or {JSON}"
        ))
        .to_string(),
    )
}

pub async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET, POST"))
        .content_type(JSON)
        .body(error_body("use GET or POST").to_string())
}

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
        return HttpResponse::UnsupportedMediaType()
            .content_type(media.content_type())
            .body(error_body("the request body must be application/json").to_string());
    }
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(err) => {
            return respond(
                StatusCode::BAD_REQUEST,
                media,
                &error_body(format!("the request body is not valid JSON: {err}")),
            );
        }
    };
    match parsed {
        Value::Array(items) => batch(&req, &state, media, items, &request_id).await,
        other => match request_from_json(other, &state.persisted) {
            Ok(incoming) => send(
                media,
                single(&req, &state, incoming, None, &request_id).await,
            ),
            Err(rejected) => send(media, rejected.into_reply()),
        },
    }
}

/// A batched request: each operation is checked, the batch is charged its total cost at
/// once (nothing runs when the budget does not cover all of it), then each runs in turn.
async fn batch(
    req: &HttpRequest,
    state: &AppState,
    media: MediaType,
    items: Vec<Value>,
    request_id: &RequestId,
) -> HttpResponse {
    let max = state.limits.max_batch;
    let refused = |message: String| {
        json!({ "errors": [{
            "message": message,
            "extensions": { "code": "QUERY_TOO_COMPLEX", "limit": Limit::Batch.name(), "maximum": max }
        }] })
    };
    if max == 0 {
        return respond(
            StatusCode::BAD_REQUEST,
            media,
            &refused("batched requests are not enabled".into()),
        );
    }
    if items.is_empty() || items.len() > max {
        return respond(
            StatusCode::BAD_REQUEST,
            media,
            &refused(format!(
                "a batch holds 1 to {max} operations, got {}",
                items.len()
            )),
        );
    }
    // A malformed item fails the whole batch; a persisted-query refusal only its own item.
    let mut requests = Vec::with_capacity(items.len());
    for item in items {
        match request_from_json(item, &state.persisted) {
            Ok(incoming) => requests.push(Ok(incoming)),
            Err(Rejected::Persisted(err)) => requests.push(Err(err.to_body())),
            Err(Rejected::Malformed(msg)) => {
                return respond(StatusCode::BAD_REQUEST, media, &error_body(msg));
            }
        }
    }
    let mut checked = Vec::with_capacity(requests.len());
    let mut total: u64 = 0;
    for incoming in requests {
        let result = incoming.and_then(|mut incoming| {
            check(state, &mut incoming.request, None).map(|cost| (incoming, cost))
        });
        if let Ok((_, cost)) = &result {
            total = total.saturating_add(cost.cost.max(1));
        }
        checked.push(result);
    }
    let claims = claims_from(req, state).await;
    let rate = if total > 0 {
        match charge(req, state, claims.as_ref(), total) {
            Ok(rate) => rate,
            Err(limited) => return send(media, limited),
        }
    } else {
        None
    };
    let report = wants_cost_report(req);
    let mut results = Vec::with_capacity(checked.len());
    for item in checked {
        match item {
            Ok((incoming, cost)) => {
                let (outcome, mut body) =
                    run(state, incoming.request, claims.as_ref(), rate, request_id).await;
                keep_registration(state, &outcome, incoming.register);
                if report {
                    add_cost_report(&mut body, &cost, rate.as_ref(), &state.limits);
                }
                results.push(body);
            }
            Err(body) => results.push(body),
        }
    }
    send(
        media,
        Reply {
            outcome: Outcome::Executed,
            body: Value::Array(results),
            rate,
            retry_after: None,
        },
    )
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query from the URL parameters.
pub async fn get(
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let params = params.into_inner();
    if !params.contains_key("query")
        && !params.contains_key("extensions")
        && wants_html(&req)
        && state.limits.introspection
        && !state.persisted.is_allow_list()
    {
        let html = GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql")
            .finish();
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html);
    }
    let Some(media) = negotiate(&req) else {
        return not_acceptable();
    };
    let mut object = serde_json::Map::new();
    for (key, value) in params {
        let value = match key.as_str() {
            "variables" | "extensions" => match serde_json::from_str::<Value>(&value) {
                Ok(v) => v,
                Err(_) => {
                    return respond(
                        StatusCode::BAD_REQUEST,
                        media,
                        &error_body(format!("the {key} parameter is not valid JSON")),
                    );
                }
            },
            _ => Value::String(value),
        };
        object.insert(key, value);
    }
    let incoming = match request_from_json(Value::Object(object), &state.persisted) {
        Ok(incoming) => incoming,
        Err(rejected) => return send(media, rejected.into_reply()),
    };
    let request = &incoming.request;
    // Bound the document before parsing it to see whether it only reads.
    if let Err(refusal) = limits::check_document(&request.query, &state.limits) {
        return respond(
            media.request_error_status(),
            media,
            &json!({ "errors": [refusal.to_error()] }),
        );
    }
    // GET may only read: mutations (and subscriptions) need POST.
    let parsed = parse_query(&request.query).ok();
    if let Some(doc) = &parsed {
        let selected = doc.operations.iter().find(|(name, _)| {
            request
                .operation_name
                .as_deref()
                .is_none_or(|wanted| name.map(|n| n.as_str()) == Some(wanted))
        });
        if let Some((_, op)) = selected
            && op.node.ty != OperationType::Query
        {
            return HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, "POST"))
                .content_type(media.content_type())
                .body(error_body("only queries may be sent with GET; use POST").to_string());
        }
    }
    send(
        media,
        single(&req, &state, incoming, parsed, &request_id).await,
    )
}

/// A request read from JSON, its document resolved through the persisted queries.
struct Incoming {
    request: async_graphql::Request,
    /// An APQ registration, kept once the document has parsed and validated.
    register: Option<Registration>,
}

/// Why a request object was not accepted.
enum Rejected {
    /// Not a GraphQL-over-HTTP request (400); the message says why.
    Malformed(String),
    /// Refused by the persisted-query rules.
    Persisted(PersistedError),
}

impl Rejected {
    fn into_reply(self) -> Reply {
        let (status, body) = match self {
            Rejected::Malformed(message) => (StatusCode::BAD_REQUEST, error_body(message)),
            Rejected::Persisted(err) => (err.status(), err.to_body()),
        };
        Reply {
            outcome: Outcome::Fixed(status),
            body,
            rate: None,
            retry_after: None,
        }
    }
}

/// Reads a GraphQL-over-HTTP request object and finds its document: the `query`, or the
/// one `extensions.persistedQuery` names.
fn request_from_json(value: Value, persisted: &PersistedQueries) -> Result<Incoming, Rejected> {
    let malformed = |message: &str| Err(Rejected::Malformed(message.into()));
    // NUL is no character of any name, id or text Cadence keeps (PostgreSQL refuses it).
    if contains_nul(&value) {
        return malformed("requests may not contain NUL characters");
    }
    let Value::Object(mut object) = value else {
        return malformed("the request must be a JSON object");
    };
    let query = match object.remove("query") {
        Some(Value::String(q)) => Some(q),
        None | Some(Value::Null) => None,
        Some(_) => return malformed("`query` must be a string"),
    };
    let operation_name = match object.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return malformed("`operationName` must be a string or null"),
    };
    let variables = match object.remove("variables") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(Variables::from_json(v)),
        Some(_) => return malformed("`variables` must be an object or null"),
    };
    let persisted_query = match object.remove("extensions") {
        None | Some(Value::Null) => None,
        Some(Value::Object(extensions)) => {
            PersistedQuery::from_extensions(&extensions).map_err(Rejected::Persisted)?
        }
        Some(_) => return malformed("`extensions` must be an object or null"),
    };
    if query.is_none() && persisted_query.is_none() {
        return malformed("the request has no `query`");
    }
    let resolved = persisted
        .resolve(query, persisted_query)
        .map_err(Rejected::Persisted)?;
    let mut request = async_graphql::Request::new(resolved.query);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = variables {
        request = request.variables(variables);
    }
    Ok(Incoming {
        request,
        register: resolved.register,
    })
}

/// Keeps an APQ document once it has run: parsed and validated, so the cache only holds
/// documents that work.
fn keep_registration(state: &AppState, outcome: &Outcome, register: Option<Registration>) {
    if let (Outcome::Executed, Some(registration)) = (outcome, register) {
        state.persisted.register(registration);
    }
}

fn contains_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(contains_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v)),
        _ => false,
    }
}

/// How a request ended, for the status code.
enum Outcome {
    /// Executed (possibly with field errors).
    Executed,
    /// Failed before execution: parse, validation, variable coercion or a request limit.
    RequestError,
    /// The client's rate-limit budget does not cover the request.
    RateLimited,
    TimedOut,
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
            Outcome::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            Outcome::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Outcome::Fixed(status) => *status,
        }
    }
}

/// An answer with what its headers need.
struct Reply {
    outcome: Outcome,
    body: Value,
    rate: Option<RateLimitStatus>,
    retry_after: Option<Duration>,
}

impl Reply {
    fn request_error(body: Value) -> Self {
        Reply {
            outcome: Outcome::RequestError,
            body,
            rate: None,
            retry_after: None,
        }
    }
}

fn send(media: MediaType, reply: Reply) -> HttpResponse {
    let mut response = HttpResponse::build(reply.outcome.status(media));
    response.content_type(media.content_type());
    if let Some(rate) = &reply.rate {
        rate_limit_headers(&mut response, rate);
    }
    if let Some(retry_after) = reply.retry_after {
        response.insert_header((header::RETRY_AFTER, retry_after.as_secs().to_string()));
    }
    response.body(reply.body.to_string())
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

fn wants_cost_report(req: &HttpRequest) -> bool {
    req.headers()
        .get(COST_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("report"))
}

/// Adds `extensions.cost` and `extensions.rateLimit` to a response body.
fn add_cost_report(
    body: &mut Value,
    cost: &QueryCost,
    rate: Option<&RateLimitStatus>,
    limits: &LimitSettings,
) {
    let Some(object) = body.as_object_mut() else {
        return;
    };
    let extensions = object.entry("extensions").or_insert_with(|| json!({}));
    if let Some(extensions) = extensions.as_object_mut() {
        extensions.insert("cost".into(), cost.to_extension(limits));
        if let Some(rate) = rate {
            extensions.insert("rateLimit".into(), rate.to_extension());
        }
    }
}

/// One request: checked against the limits, charged to its client, executed.
async fn single(
    req: &HttpRequest,
    state: &AppState,
    incoming: Incoming,
    parsed: Option<ExecutableDocument>,
    request_id: &RequestId,
) -> Reply {
    let Incoming {
        mut request,
        register,
    } = incoming;
    let cost = match check(state, &mut request, parsed) {
        Ok(cost) => cost,
        Err(body) => return Reply::request_error(body),
    };
    let claims = claims_from(req, state).await;
    let rate = match charge(req, state, claims.as_ref(), cost.cost) {
        Ok(rate) => rate,
        Err(limited) => return limited,
    };
    let (outcome, mut body) = run(state, request, claims.as_ref(), rate, request_id).await;
    keep_registration(state, &outcome, register);
    if wants_cost_report(req) {
        add_cost_report(&mut body, &cost, rate.as_ref(), &state.limits);
    }
    Reply {
        outcome,
        body,
        rate,
        retry_after: None,
    }
}

/// Everything checked before a request runs: the document's size and tokens, the request
/// limits on the selected operation, the introspection switch and required variables.
/// `Ok` gives the request's price; the parsed document is handed on to the executor.
/// A document that does not parse costs nothing here: the executor reports it.
fn check(
    state: &AppState,
    request: &mut async_graphql::Request,
    parsed: Option<ExecutableDocument>,
) -> Result<QueryCost, Value> {
    let refused = |refusal: Refusal| json!({ "errors": [refusal.to_error()] });
    let doc = match parsed {
        Some(doc) => doc,
        None => {
            limits::check_document(&request.query, &state.limits).map_err(refused)?;
            match parse_query(&request.query) {
                Ok(doc) => doc,
                Err(_) => return Ok(QueryCost::default()),
            }
        }
    };
    let cost = limits::analyse(
        &doc,
        request.operation_name.as_deref(),
        &request.variables,
        &state.shape,
        &state.limits,
    )
    .map_err(refused)?;
    check_before_execution(&doc, request, state.limits.introspection, &state.shape)
        .map_err(error_body)?;
    request.set_parsed_query(doc);
    Ok(cost)
}

/// Charges `cost` to the client's budget: the token's `sub`, else the peer's IP address.
/// `Ok(None)`: rate limiting is off. `Err`: the 429 answer.
fn charge(
    req: &HttpRequest,
    state: &AppState,
    claims: Option<&Claims>,
    cost: u64,
) -> Result<Option<RateLimitStatus>, Reply> {
    let key = match claims {
        Some(claims) => RateKey::Subject(claims.sub.clone()),
        None => req
            .peer_addr()
            .map_or(RateKey::Unknown, |addr| RateKey::Address(addr.ip())),
    };
    charge_key(state, key, cost)
}

fn charge_key(state: &AppState, key: RateKey, cost: u64) -> Result<Option<RateLimitStatus>, Reply> {
    match state
        .rate_limit
        .charge(&key, cost, Instant::now(), Utc::now())
    {
        None => Ok(None),
        Some(Charge::Allowed(status)) => Ok(Some(status)),
        Some(Charge::Limited {
            status,
            retry_after,
        }) => {
            let message = match retry_after {
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
            let mut extensions = json!({
                "code": "RATE_LIMITED",
                "cost": status.cost,
                "remaining": status.remaining,
                "resetAt": status.to_extension()["resetAt"],
            });
            if let Some(after) = retry_after {
                extensions["retryAfter"] = json!(after.as_secs());
            }
            Err(Reply {
                outcome: Outcome::RateLimited,
                body: json!({
                    "errors": [{ "message": message, "extensions": extensions }],
                    "extensions": { "rateLimit": status.to_extension() },
                }),
                rate: Some(status),
                retry_after,
            })
        }
    }
}

/// Executes a checked, charged request as `claims`' viewer.
async fn run(
    state: &AppState,
    mut request: async_graphql::Request,
    claims: Option<&Claims>,
    rate: Option<RateLimitStatus>,
    request_id: &RequestId,
) -> (Outcome, Value) {
    let now = Utc::now();
    // An operation that reads no data needs no viewer, and so no database.
    let claims = claims.filter(|_| !reads_only_the_schema(&mut request));
    let viewer = match viewer_for_claims(claims, state, now).await {
        Ok(v) => v,
        Err(err) => {
            tracing::error!(error = %err, "resolving the viewer failed");
            return (
                Outcome::Internal,
                coded_error("internal error", "INTERNAL", request_id),
            );
        }
    };
    let mut request = request.data(RequestContext::new(
        state.db.clone(),
        viewer,
        now,
        state.limits.batch_delay,
    ));
    if let Some(rate) = rate {
        request = request.data(rate);
    }
    // A panic anywhere in execution (ours or a library's) answers INTERNAL for this request
    // instead of taking the connection down.
    let execution = AssertUnwindSafe(state.schema.execute(request)).catch_unwind();
    let response = match tokio::time::timeout(state.limits.execution_timeout, execution).await {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => {
            tracing::error!("execution panicked");
            return (
                Outcome::Internal,
                coded_error("internal error", "INTERNAL", request_id),
            );
        }
        Err(_) => {
            return (
                Outcome::TimedOut,
                coded_error(TIMED_OUT, "TIMEOUT", request_id),
            );
        }
    };
    // Errors without a path come from parsing, validation or coercion: nothing ran.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| error_body("internal error"));
    // Every root field skipped: the spec's answer is an empty object, not null.
    if response.data == async_graphql::Value::Null && response.errors.is_empty() {
        body["data"] = json!({});
    }
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        for error in errors {
            let internal = matches!(
                error.pointer("/extensions/code").and_then(Value::as_str),
                Some("INTERNAL" | "TIMEOUT")
            );
            if internal
                && let Some(ext) = error.get_mut("extensions").and_then(Value::as_object_mut)
            {
                ext.insert("requestId".into(), Value::String(request_id.to_string()));
            }
            if request_error {
                label_engine_limit(error, &state.limits);
            }
        }
    }
    if request_error {
        if let Some(object) = body.as_object_mut() {
            object.remove("data");
        }
        (Outcome::RequestError, body)
    } else {
        (Outcome::Executed, body)
    }
}

/// Gives async-graphql's own limit errors (our analysis runs first, so these are the
/// backstops) the same `extensions` as ours.
fn label_engine_limit(error: &mut Value, limits: &LimitSettings) {
    if error.pointer("/extensions/code").is_some() {
        return;
    }
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (limit, maximum) = if message == "Query is too complex." {
        (Limit::Complexity, limits.max_complexity)
    } else if message == "Query is nested too deep." {
        (Limit::Depth, limits.max_depth)
    } else if message.starts_with("The recursion depth of the query") {
        (Limit::Nesting, limits.max_depth.max(32))
    } else if message.starts_with("The number of directives on the field") {
        (Limit::Directives, limits.max_directives)
    } else {
        return;
    };
    if let Some(object) = error.as_object_mut() {
        object.insert(
            "extensions".into(),
            json!({ "code": limit.code(), "limit": limit.name(), "maximum": maximum }),
        );
    }
}

/// Request errors async-graphql does not report before execution: a required variable
/// that was not provided (it would surface as a field error with a path, i.e. as 200 with
/// `data`), and introspection when it is switched off (it would answer `__schema: null`
/// without an error).
fn check_before_execution(
    doc: &ExecutableDocument,
    request: &async_graphql::Request,
    introspection: bool,
    shape: &crate::graphql::limits::SchemaShape,
) -> Result<(), String> {
    // Unknown variable types are refused here: async-graphql panics on some of them (a
    // list of an unknown type with a default value).
    for (_, op) in doc.operations.iter() {
        for definition in &op.node.variable_definitions {
            let mut ty = &definition.node.var_type.node.base;
            while let async_graphql::parser::types::BaseType::List(inner) = ty {
                ty = &inner.base;
            }
            if let async_graphql::parser::types::BaseType::Named(name) = ty
                && !shape.is_input_type(name.as_str())
            {
                return Err(format!(
                    "variable ${} has unknown type {name}",
                    definition.node.name.node
                ));
            }
        }
    }
    if !introspection {
        let mut sets: Vec<&SelectionSet> = doc
            .operations
            .iter()
            .map(|(_, op)| &op.node.selection_set.node)
            .chain(doc.fragments.values().map(|f| &f.node.selection_set.node))
            .collect();
        while let Some(set) = sets.pop() {
            for item in &set.items {
                match &item.node {
                    Selection::Field(field) => {
                        let name = field.node.name.node.as_str();
                        if name == "__schema" || name == "__type" {
                            return Err("introspection is disabled on this server".into());
                        }
                        sets.push(&field.node.selection_set.node);
                    }
                    Selection::InlineFragment(fragment) => {
                        sets.push(&fragment.node.selection_set.node)
                    }
                    Selection::FragmentSpread(_) => {}
                }
            }
        }
    }
    let Some(op) = limits::selected_operation(doc, request.operation_name.as_deref()) else {
        return Ok(());
    };
    for definition in &op.node.variable_definitions {
        let definition = &definition.node;
        let provided = request
            .variables
            .get(&definition.name.node)
            .is_some_and(|v| *v != async_graphql::Value::Null);
        if !definition.var_type.node.nullable && definition.default_value.is_none() && !provided {
            return Err(format!(
                "variable ${} of required type {} was not provided",
                definition.name.node, definition.var_type.node
            ));
        }
    }
    Ok(())
}

/// The verified claims of the `Authorization: Bearer` token; `None` when there is no token
/// or it is invalid (the request is then anonymous).
async fn claims_from(req: &HttpRequest, state: &AppState) -> Option<Claims> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    claims_for_header(authorization, state).await
}

/// Verifies an `Authorization` value (`Bearer <token>`).
async fn claims_for_header(authorization: Option<&str>, state: &AppState) -> Option<Claims> {
    let token = authorization.and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
    })?;
    match state.keys.verify(token.trim()).await {
        Ok(claims) => Some(claims),
        Err(err) => {
            tracing::info!(reason = %err, "rejected access token");
            None
        }
    }
}

/// The viewer behind verified claims. No claims give an anonymous viewer (every data field
/// then answers UNAUTHENTICATED), as does a `sub` that is no employed person; only a
/// database failure is an error.
async fn viewer_for_claims(
    claims: Option<&Claims>,
    state: &AppState,
    now: chrono::DateTime<Utc>,
) -> Result<Viewer, AppError> {
    let Some(claims) = claims else {
        return Ok(Viewer::Anonymous);
    };
    match state
        .subjects
        .viewer_for(&state.db, &claims.into(), now)
        .await
    {
        Ok(viewer) => Ok(viewer),
        Err(AppError::Unauthenticated(_)) => {
            tracing::info!(sub = %claims.sub, "token subject is not an employed person");
            Ok(Viewer::Anonymous)
        }
        Err(err) => Err(err),
    }
}

/// `GET /graphql` with `Upgrade: websocket`: subscriptions over graphql-transport-ws.
/// Browsers cannot set headers on a WebSocket, so the token travels in `connection_init`'s
/// payload as `{"Authorization": "Bearer <token>"}` (or `{"token": "<token>"}`).
/// Each `subscribe` goes through the persisted-query rules and the limits of a POST
/// ([`SocketExecutor`]).
/// A socket may stay open for hours, so its token is not taken as a standing viewer: the
/// socket closes (4403) once the token would be refused (`socket_deadline`), each operation
/// runs as the token's viewer at the time it starts ([`SocketExecutor`]), and each event is
/// checked against the viewer at its delivery (`graphql::subscriptions`).
pub async fn websocket(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let state = state.into_inner();
    let executor = SocketExecutor {
        state: state.clone(),
    };
    let (arm, deadline) = socket_deadline::deadline();
    let response = GraphQLSubscription::new(executor)
        .on_connection_init(move |init: Value| async move {
            let header = init
                .get("Authorization")
                .or_else(|| init.get("authorization"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    init.get("token")
                        .and_then(Value::as_str)
                        .map(|t| format!("Bearer {t}"))
                });
            let claims = claims_for_header(header.as_deref(), &state).await;
            let viewer = viewer_for_claims(claims.as_ref(), &state, Utc::now())
                .await
                .map_err(|_| async_graphql::Error::new("internal error"))?;
            let Some(claims) = claims.filter(|_| viewer != Viewer::Anonymous) else {
                return Err(async_graphql::Error::new(
                    "a valid access token is required",
                ));
            };
            arm.at(claims.accepted_until());
            let mut data = async_graphql::Data::default();
            data.insert(SocketClaims(claims));
            Ok(data)
        })
        .start(&req, payload)?;
    Ok(deadline.close(response))
}

/// The verified claims of a socket's token, kept in the connection's data.
struct SocketClaims(Claims);

/// Runs each operation of a socket with a [`RequestContext`] of its own: the viewer its
/// token names at the moment the operation starts (anonymous once the person's employment
/// has ended) and that moment as the request's "now", as a POST would.
#[derive(Clone)]
struct SocketExecutor {
    state: Arc<AppState>,
}

impl SocketExecutor {
    /// What a POST goes through before it runs, for one operation of a socket: the
    /// persisted-query rules, the document and cost limits, the token's rate budget, and a
    /// [`RequestContext`] for the viewer the token names now. `Err`: the answer instead.
    async fn prepare(
        state: &AppState,
        request: async_graphql::Request,
        session: Option<&async_graphql::Data>,
    ) -> Result<async_graphql::Request, async_graphql::Response> {
        let mut request = state
            .persisted
            .resolve_socket_request(request)
            .map_err(|response| *response)?;
        let cost = check(state, &mut request, None).map_err(errors_of)?;
        let claims = session
            .and_then(|data| data.get(&std::any::TypeId::of::<SocketClaims>()))
            .and_then(|claims| claims.downcast_ref::<SocketClaims>())
            .map(|claims| &claims.0);
        let key = claims.map_or(RateKey::Unknown, |c| RateKey::Subject(c.sub.clone()));
        let rate = charge_key(state, key, cost.cost).map_err(|limited| errors_of(limited.body))?;
        if let Some(rate) = rate {
            request = request.data(rate);
        }
        let now = Utc::now();
        match viewer_for_claims(claims, state, now).await {
            Ok(viewer) => Ok(request.data(RequestContext::new(
                state.db.clone(),
                viewer,
                now,
                state.limits.batch_delay,
            ))),
            // A database failure; logged with its cause by `extend`, shown as INTERNAL.
            Err(err) => Err(async_graphql::Response::from_errors(vec![
                async_graphql::ErrorExtensions::extend(&err)
                    .into_server_error(async_graphql::Pos::default()),
            ])),
        }
    }
}

/// A refusal body (`{"errors": [{message, extensions}]}`) as a GraphQL response, for the
/// socket, which sends responses rather than HTTP bodies.
fn errors_of(body: Value) -> async_graphql::Response {
    let errors = body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|error| {
            let message = error["message"].as_str().unwrap_or("request refused");
            let mut server_error = async_graphql::ServerError::new(message, None);
            if let Some(extensions) = error["extensions"].as_object() {
                let mut values = async_graphql::ErrorExtensionValues::default();
                for (name, value) in extensions {
                    if let Ok(value) = async_graphql::Value::from_json(value.clone()) {
                        values.set(name, value);
                    }
                }
                server_error.extensions = Some(values);
            }
            server_error
        })
        .collect();
    async_graphql::Response::from_errors(errors)
}

impl async_graphql::Executor for SocketExecutor {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        match Self::prepare(&self.state, request, None).await {
            Ok(request) => self.state.schema.execute(request).await,
            Err(response) => response,
        }
    }

    /// Every operation of a socket comes here (queries and mutations too, as one-item
    /// streams). A subscription may stream for as long as its socket lives; queries and
    /// mutations get the execution timeout of a POST.
    fn execute_stream(
        &self,
        request: async_graphql::Request,
        session_data: Option<Arc<async_graphql::Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        let state = self.state.clone();
        stream::once(async move {
            let mut request = match Self::prepare(&state, request, session_data.as_deref()).await {
                Ok(request) => request,
                Err(response) => return stream::once(async move { response }).boxed(),
            };
            if is_subscription(&mut request) {
                return async_graphql::Executor::execute_stream(
                    &state.schema,
                    request,
                    session_data,
                );
            }
            let timeout = state.limits.execution_timeout;
            let schema = state.schema.clone();
            stream::once(async move {
                tokio::time::timeout(timeout, schema.execute(request))
                    .await
                    .unwrap_or_else(|_| {
                        errors_of(json!({ "errors": [{
                            "message": TIMED_OUT,
                            "extensions": { "code": "TIMEOUT" },
                        }] }))
                    })
            })
            .boxed()
        })
        .flatten()
        .boxed()
    }
}

/// Whether the selected operation is a query whose root selects nothing but the schema's
/// own fields (`__typename`, `__schema`, `__type`), which answer the same for every viewer.
fn reads_only_the_schema(request: &mut async_graphql::Request) -> bool {
    let operation_name = request.operation_name.clone();
    request.parsed_query().is_ok_and(|doc| {
        limits::selected_operation(doc, operation_name.as_deref()).is_some_and(|op| {
            op.node.ty == OperationType::Query
                && op.node.selection_set.node.items.iter().all(|item| {
                    matches!(&item.node, Selection::Field(f) if f.node.name.node.starts_with("__"))
                })
        })
    })
}

/// Whether the operation the request selects is a subscription. The document was parsed
/// by [`check`]; one that does not parse is no subscription (it fails where it runs).
fn is_subscription(request: &mut async_graphql::Request) -> bool {
    let operation_name = request.operation_name.clone();
    request.parsed_query().is_ok_and(|doc| {
        limits::selected_operation(doc, operation_name.as_deref())
            .is_some_and(|op| op.node.ty == OperationType::Subscription)
    })
}
