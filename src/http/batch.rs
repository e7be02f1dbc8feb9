//! Batched requests (a JSON array of operations), only when `--max-batch` allows them: each
//! operation is checked on its own, the batch is charged its total cost at once, then the
//! operations run in turn and answer as an array in the same order.

use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use serde_json::Value;
use tracing_actix_web::RequestId;

use super::execute::{answer, charge};
use super::gate::{self, Limit};
use super::identity::claims_from;
use super::reply::{Failure, Outcome, Reply};
use super::request::{Rejected, request_from_json};
use super::state::AppState;

/// A batched request: each operation is checked, the batch is charged its total cost at
/// once (nothing runs when the budget does not cover all of it), then each runs in turn.
pub async fn batch(
    req: &HttpRequest,
    state: &AppState,
    items: Vec<Value>,
    request_id: &RequestId,
) -> Reply {
    let max = state.limits.max_batch;
    let refused = |message: String| {
        let failure = Failure::coded(message, Limit::Batch.code())
            .with("limit", Limit::Batch.name())
            .with("maximum", max);
        Reply::new(Outcome::Fixed(StatusCode::BAD_REQUEST), failure.to_body())
    };
    if max == 0 {
        return refused("batched requests are not enabled".into());
    }
    if items.is_empty() || items.len() > max {
        let count = items.len();
        return refused(format!("a batch holds 1 to {max} operations, got {count}"));
    }
    // A malformed item fails the whole batch; a refused one (persisted-query rules, request
    // checks) only its own item.
    let mut checked = Vec::with_capacity(items.len());
    let mut total: u64 = 0;
    for item in items {
        let mut incoming = match request_from_json(item, &state.persisted) {
            Ok(incoming) => incoming,
            Err(Rejected::Persisted(err)) => {
                checked.push(Err(err.to_failure().to_body()));
                continue;
            }
            Err(malformed) => return malformed.into_reply(),
        };
        match gate::check(&mut incoming.request, None, &state.shape, &state.limits) {
            Ok(cost) => {
                total = total.saturating_add(cost.cost.max(1));
                checked.push(Ok((incoming, cost)));
            }
            Err(failure) => checked.push(Err(failure.to_body())),
        }
    }
    let claims = claims_from(req, state).await;
    let rate = match (total > 0).then(|| charge(req, state, claims.as_ref(), total)) {
        Some(Err(limited)) => return limited,
        Some(Ok(rate)) => rate,
        None => None,
    };
    let mut results = Vec::with_capacity(checked.len());
    for item in checked {
        results.push(match item {
            Ok((incoming, cost)) => {
                answer(
                    req,
                    state,
                    incoming,
                    &cost,
                    claims.as_ref(),
                    rate,
                    request_id,
                )
                .await
                .1
            }
            Err(body) => body,
        });
    }
    let mut reply = Reply::new(Outcome::Executed, Value::Array(results));
    reply.rate = rate;
    reply
}
