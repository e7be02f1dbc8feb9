//! GraphQL over HTTP, following the GraphQL-over-HTTP specification: POST with JSON; GET
//! for queries only (405 for mutations); `Accept` negotiation between
//! `application/graphql-response+json` (4xx for requests that fail before execution) and
//! `application/json` (200 with errors); 415 for non-JSON posts (no form posts, no CSRF);
//! 413 above the body limit; batches only when configured, with a cap.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{OperationType, Selection, SelectionSet};
use async_graphql::{Variables, parser::parse_query};
use async_graphql_actix_web::GraphQLSubscription;
use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use tracing_actix_web::RequestId;

use crate::auth::Viewer;
use crate::auth::jwt::JwtKeys;
use crate::config::LimitSettings;
use crate::error::AppError;
use crate::graphql::{CadenceSchema, RequestContext};
use crate::service;
use crate::service::events::MeetingEvents;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// What every request handler shares.
pub struct AppState {
    pub schema: CadenceSchema,
    pub db: DatabaseConnection,
    pub keys: JwtKeys,
    pub limits: LimitSettings,
    pub events: MeetingEvents,
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
        Value::Array(items) => {
            let max = state.limits.max_batch;
            if max == 0 {
                return respond(
                    StatusCode::BAD_REQUEST,
                    media,
                    &error_body("batched requests are not enabled"),
                );
            }
            if items.is_empty() || items.len() > max {
                return respond(
                    StatusCode::BAD_REQUEST,
                    media,
                    &error_body(format!(
                        "a batch holds 1 to {max} operations, got {}",
                        items.len()
                    )),
                );
            }
            let mut requests = Vec::with_capacity(items.len());
            for item in items {
                match request_from_json(item) {
                    Ok(r) => requests.push(r),
                    Err(msg) => return respond(StatusCode::BAD_REQUEST, media, &error_body(msg)),
                }
            }
            let mut results = Vec::with_capacity(requests.len());
            for request in requests {
                results.push(execute(&req, &state, request, &request_id).await.1);
            }
            respond(StatusCode::OK, media, &Value::Array(results))
        }
        other => match request_from_json(other) {
            Ok(request) => {
                let (outcome, body) = execute(&req, &state, request, &request_id).await;
                respond(outcome.status(media), media, &body)
            }
            Err(msg) => respond(StatusCode::BAD_REQUEST, media, &error_body(msg)),
        },
    }
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query from the URL parameters.
pub async fn get(
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> HttpResponse {
    let params = params.into_inner();
    if !params.contains_key("query") && wants_html(&req) && state.limits.introspection {
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
    let request = match request_from_json(Value::Object(object)) {
        Ok(r) => r,
        Err(msg) => return respond(StatusCode::BAD_REQUEST, media, &error_body(msg)),
    };
    // GET may only read: mutations (and subscriptions) need POST.
    if let Ok(doc) = parse_query(&request.query) {
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
    let (outcome, body) = execute(&req, &state, request, &request_id).await;
    respond(outcome.status(media), media, &body)
}

/// Reads a GraphQL-over-HTTP request object; `Err` explains why it is not one.
fn request_from_json(value: Value) -> Result<async_graphql::Request, String> {
    let Value::Object(mut object) = value else {
        return Err("the request must be a JSON object".into());
    };
    let query = match object.remove("query") {
        Some(Value::String(q)) => q,
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("the request has no `query`".into()),
    };
    let mut request = async_graphql::Request::new(query);
    match object.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string or null".into()),
    }
    match object.remove("variables") {
        None | Some(Value::Null) => {}
        Some(v @ Value::Object(_)) => request = request.variables(Variables::from_json(v)),
        Some(_) => return Err("`variables` must be an object or null".into()),
    }
    match object.remove("extensions") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => return Err("`extensions` must be an object or null".into()),
    }
    Ok(request)
}

/// How a request ended, for the status code.
enum Outcome {
    /// Executed (possibly with field errors).
    Executed,
    /// Failed before execution: parse, validation or variable coercion.
    RequestError,
    TimedOut,
    Internal,
}

impl Outcome {
    fn status(&self, media: MediaType) -> StatusCode {
        match self {
            Outcome::Executed => StatusCode::OK,
            Outcome::RequestError => media.request_error_status(),
            Outcome::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            Outcome::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

async fn execute(
    req: &HttpRequest,
    state: &AppState,
    request: async_graphql::Request,
    request_id: &RequestId,
) -> (Outcome, Value) {
    if let Err(msg) = check_before_execution(&request, state.limits.introspection) {
        return (Outcome::RequestError, error_body(msg));
    }
    let now = Utc::now();
    let viewer = match viewer_from(req, state, now).await {
        Ok(v) => v,
        Err(err) => {
            tracing::error!(error = %err, "resolving the viewer failed");
            return (
                Outcome::Internal,
                json!({ "errors": [{
                    "message": "internal error",
                    "extensions": { "code": "INTERNAL", "requestId": request_id.to_string() }
                }] }),
            );
        }
    };
    let request = request.data(RequestContext::new(state.db.clone(), viewer, now));
    let response = match tokio::time::timeout(
        state.limits.execution_timeout,
        state.schema.execute(request),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => {
            return (
                Outcome::TimedOut,
                json!({ "errors": [{
                    "message": "the request took too long and was stopped",
                    "extensions": { "code": "TIMEOUT", "requestId": request_id.to_string() }
                }] }),
            );
        }
    };
    // Errors without a path come from parsing, validation or coercion: nothing ran.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let mut body = serde_json::to_value(&response).unwrap_or_else(|_| error_body("internal error"));
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        for error in errors {
            let internal =
                error.pointer("/extensions/code").and_then(Value::as_str) == Some("INTERNAL");
            if internal
                && let Some(ext) = error.get_mut("extensions").and_then(Value::as_object_mut)
            {
                ext.insert("requestId".into(), Value::String(request_id.to_string()));
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

/// Request errors async-graphql does not report before execution: a required variable
/// that was not provided (it would surface as a field error with a path, i.e. as 200 with
/// `data`), and introspection when it is switched off (it would answer `__schema: null`
/// without an error). A document that does not parse is left to the executor to report.
fn check_before_execution(
    request: &async_graphql::Request,
    introspection: bool,
) -> Result<(), String> {
    let Ok(doc) = parse_query(&request.query) else {
        return Ok(());
    };
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
    let mut operations = doc.operations.iter();
    let selected = match request.operation_name.as_deref() {
        Some(wanted) => operations.find(|(name, _)| name.map(|n| n.as_str()) == Some(wanted)),
        None => operations
            .next()
            .filter(|_| doc.operations.iter().count() == 1),
    };
    let Some((_, op)) = selected else {
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

/// The viewer behind the `Authorization: Bearer` token. A missing or invalid token gives an
/// anonymous viewer (every data field then answers UNAUTHENTICATED); only a database
/// failure is an error.
async fn viewer_from(
    req: &HttpRequest,
    state: &AppState,
    now: chrono::DateTime<Utc>,
) -> Result<Viewer, AppError> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    viewer_for_header(token, state, now).await
}

/// Resolves an `Authorization` value (`Bearer <token>`) to a viewer.
async fn viewer_for_header(
    authorization: Option<&str>,
    state: &AppState,
    now: chrono::DateTime<Utc>,
) -> Result<Viewer, AppError> {
    let Some(token) = authorization.and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
    }) else {
        return Ok(Viewer::Anonymous);
    };
    let claims = match state.keys.verify(token.trim()) {
        Ok(c) => c,
        Err(err) => {
            tracing::info!(reason = %err, "rejected access token");
            return Ok(Viewer::Anonymous);
        }
    };
    match service::people::viewer_for(&state.db, &claims, now).await {
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
pub async fn websocket(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let schema = state.schema.clone();
    let state = state.into_inner();
    GraphQLSubscription::new(schema)
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
            let now = Utc::now();
            let viewer = viewer_for_header(header.as_deref(), &state, now)
                .await
                .map_err(|_| async_graphql::Error::new("internal error"))?;
            if viewer == Viewer::Anonymous {
                return Err(async_graphql::Error::new(
                    "a valid access token is required",
                ));
            }
            let mut data = async_graphql::Data::default();
            data.insert(RequestContext::new(state.db.clone(), viewer, now));
            Ok(data)
        })
        .start(&req, payload)
}
