//! Running a checked request: charging its cost to its client, resolving its viewer,
//! executing it within the timeout (a panic answers INTERNAL), and shaping the body.

use std::panic::AssertUnwindSafe;

use actix_web::HttpRequest;
use chrono::Utc;
use futures_util::FutureExt;
use serde_json::Value;
use tracing_actix_web::RequestId;

use super::gate::{self, QueryCost};
use super::identity::viewer_for_claims;
use super::rate_limit::{RateKey, RateLimitStatus};
use super::reply::{self, Failure, Outcome, Reply};
use super::request::Incoming;
use super::state::AppState;
use crate::auth::jwt::Claims;
use crate::config::LimitSettings;
use crate::error::{TIMED_OUT, UNAVAILABLE};
use crate::graphql::RequestContext;

/// Runs a checked, charged request, keeps its APQ registration once it has run, and adds
/// the cost report when the client asked for one.
pub async fn answer(
    req: &HttpRequest,
    state: &AppState,
    incoming: Incoming,
    cost: &QueryCost,
    claims: Option<&Claims>,
    rate: Option<RateLimitStatus>,
    request_id: &RequestId,
) -> (Outcome, Value) {
    let (outcome, mut body) = run(state, incoming.request, claims, rate, request_id).await;
    Incoming::keep_registration(incoming.register, &outcome, &state.persisted);
    if reply::wants_cost_report(req) {
        reply::add_cost_report(&mut body, cost.to_extension(&state.limits), rate.as_ref());
    }
    (outcome, body)
}

/// Charges `cost` to the client's budget: the token's `sub`, else the peer's IP address.
/// `Ok(None)`: rate limiting is off. `Err`: the 429 answer.
pub fn charge(
    req: &HttpRequest,
    state: &AppState,
    claims: Option<&Claims>,
    cost: u64,
) -> Result<Option<RateLimitStatus>, Reply> {
    let key = RateKey::of(claims.map(|c| c.sub.as_str()), req.peer_addr());
    state.rate_limit.charge_now(&key, cost).map_err(|limited| {
        crate::telemetry::metrics::rate_limited();
        Reply::rate_limited(limited)
    })
}

/// Executes a checked, charged request as `claims`' viewer, within the execution timeout,
/// on the read pool when it only reads (a query) and on the primary for a mutation;
/// a panic anywhere in execution (ours or a library's) answers INTERNAL for this request
/// instead of taking the connection down.
async fn run(
    state: &AppState,
    mut request: async_graphql::Request,
    claims: Option<&Claims>,
    rate: Option<RateLimitStatus>,
    request_id: &RequestId,
) -> (Outcome, Value) {
    let now = Utc::now();
    // An operation that reads no data needs no viewer, and so no database.
    let claims = claims.filter(|_| !gate::reads_only_the_schema(&mut request));
    let db = state.pool_for(gate::reads_only(&mut request));
    let internal = |outcome, message: &str, code: &str| {
        let failure = Failure::coded(message, code).with("requestId", request_id.to_string());
        (outcome, failure.to_body())
    };
    let viewer = match viewer_for_claims(claims, state, db, now).await {
        Ok(v) => v,
        Err(err) if err.is_unavailable() => {
            tracing::warn!(error = %err, "resolving the viewer: database unavailable");
            return internal(Outcome::Unavailable, UNAVAILABLE, "UNAVAILABLE");
        }
        Err(err) => {
            tracing::error!(error = %err, "resolving the viewer failed");
            return internal(Outcome::Internal, "internal error", "INTERNAL");
        }
    };
    let context = RequestContext::new(db.clone(), viewer, now, state.limits.batch_delay);
    let mut request = request.data(context);
    if let Some(rate) = rate {
        request = request.data(rate.to_graphql());
    }
    let execution = AssertUnwindSafe(state.schema.execute(request)).catch_unwind();
    match tokio::time::timeout(state.limits.execution_timeout, execution).await {
        Ok(Ok(response)) => executed(&response, request_id, &state.limits),
        Ok(Err(_)) => {
            tracing::error!("execution panicked");
            internal(Outcome::Internal, "internal error", "INTERNAL")
        }
        Err(_) => internal(Outcome::TimedOut, TIMED_OUT, "TIMEOUT"),
    }
}

/// The body of an executed request. Errors without a path come from parsing, validation or
/// coercion: nothing ran, so the answer is a request error without `data`; INTERNAL,
/// TIMEOUT and UNAVAILABLE errors carry the request id to find the log line by. Any
/// UNAVAILABLE error makes the answer a 503: the client should retry.
fn executed(
    response: &async_graphql::Response,
    request_id: &RequestId,
    limits: &LimitSettings,
) -> (Outcome, Value) {
    let no_data = response.data == async_graphql::Value::Null;
    let request_error =
        no_data && !response.errors.is_empty() && response.errors.iter().all(|e| e.path.is_empty());
    let mut body =
        serde_json::to_value(response).unwrap_or_else(|_| Failure::new("internal error").to_body());
    // Every root field skipped: the spec's answer is an empty object, not null.
    if no_data && response.errors.is_empty() {
        body["data"] = serde_json::json!({});
    }
    let mut unavailable = false;
    for error in body
        .get_mut("errors")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let code = error.pointer("/extensions/code").and_then(Value::as_str);
        unavailable |= code == Some("UNAVAILABLE");
        if matches!(code, Some("INTERNAL" | "TIMEOUT" | "UNAVAILABLE"))
            && let Some(ext) = error.get_mut("extensions").and_then(Value::as_object_mut)
        {
            ext.insert("requestId".into(), Value::String(request_id.to_string()));
        }
        if request_error {
            gate::label_engine_limit(error, limits);
        }
    }
    if unavailable && !request_error {
        return (Outcome::Unavailable, body);
    }
    if !request_error {
        return (Outcome::Executed, body);
    }
    if let Some(object) = body.as_object_mut() {
        object.remove("data");
    }
    (Outcome::RequestError, body)
}
