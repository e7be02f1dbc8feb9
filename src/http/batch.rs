//! Batched requests (a JSON array of operations), only when `--max-batch` allows them: each
//! operation is checked on its own, the batch is charged its total cost at once, then the
//! operations run in turn and answer as an array in the same order. Each operation is
//! reported on its own in the metrics and the log ([`super::observe`]).

use std::time::{Duration, Instant};

use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use serde_json::Value;
use tracing_actix_web::RequestId;

use super::execute::{answer, charge};
use super::gate::{self, Limit};
use super::identity::claims_from;
use super::observe::{self, Answered, Seen, Transport, first_error_code};
use super::reply::{Failure, Outcome, Reply};
use super::request::{Rejected, request_from_json};
use super::state::AppState;
use crate::telemetry::metrics::counting_statements;

/// One operation of a batch once checked: ready to run, or its refusal.
struct Item {
    seen: Seen,
    checked: Result<(super::request::Incoming, gate::QueryCost), Value>,
    /// Time spent checking it.
    spent: Duration,
}

/// A batched request: each operation is checked, the batch is charged its total cost at
/// once (nothing runs when the budget does not cover all of it), then each runs in turn.
/// `Ok`: the answers, each operation reported; `Err`: the whole batch refused, unreported.
pub async fn batch(
    req: &HttpRequest,
    state: &AppState,
    items: Vec<Value>,
    request_id: &RequestId,
) -> Result<Reply, Reply> {
    let max = state.limits.max_batch;
    let refused = |message: String| {
        let failure = Failure::coded(message, Limit::Batch.code())
            .with("limit", Limit::Batch.name())
            .with("maximum", max);
        Reply::new(Outcome::Fixed(StatusCode::BAD_REQUEST), failure.to_body())
    };
    if max == 0 {
        return Err(refused("batched requests are not enabled".into()));
    }
    if items.is_empty() || items.len() > max {
        let count = items.len();
        return Err(refused(format!(
            "a batch holds 1 to {max} operations, got {count}"
        )));
    }
    // A malformed item fails the whole batch; a refused one (persisted-query rules, request
    // checks) only its own item.
    let mut checked = Vec::with_capacity(items.len());
    let mut total: u64 = 0;
    for item in items {
        let started = Instant::now();
        let mut seen = Seen::default();
        let mut incoming = match request_from_json(item, &state.persisted) {
            Ok(incoming) => incoming,
            Err(Rejected::Persisted(err)) => {
                let spent = started.elapsed();
                let checked_item = Err(err.to_failure().to_body());
                checked.push(Item {
                    seen,
                    checked: checked_item,
                    spent,
                });
                continue;
            }
            Err(malformed) => return Err(malformed.into_reply()),
        };
        let outcome = gate::check(&mut incoming.request, None, &state.shape, &state.limits);
        seen.operation(&mut incoming.request);
        let checked_item = match outcome {
            Ok(cost) => {
                total = total.saturating_add(cost.cost.max(1));
                Ok((incoming, cost))
            }
            Err(failure) => Err(failure.to_body()),
        };
        checked.push(Item {
            seen,
            checked: checked_item,
            spent: started.elapsed(),
        });
    }
    let claims = claims_from(req, state).await;
    let rate = match (total > 0).then(|| charge(req, state, claims.as_ref(), total)) {
        Some(Err(limited)) => return Err(limited),
        Some(Ok(rate)) => rate,
        None => None,
    };
    let id = request_id.to_string();
    let mut results = Vec::with_capacity(checked.len());
    for mut item in checked {
        item.seen.sub = claims.as_ref().map(|c| c.sub.clone());
        let started = Instant::now();
        let (body, statements) = match item.checked {
            Ok((incoming, cost)) => {
                let running = answer(
                    req,
                    state,
                    incoming,
                    &cost,
                    claims.as_ref(),
                    rate,
                    request_id,
                );
                let ((_, body), statements) = counting_statements(running).await;
                (body, Some(statements))
            }
            Err(body) => (body, None),
        };
        observe::report(
            state,
            &Answered {
                transport: Transport::Batch,
                request_id: &id,
                seen: &item.seen,
                status: Some(StatusCode::OK),
                code: &first_error_code(&body),
                duration: item.spent + started.elapsed(),
                statements,
            },
        );
        results.push(body);
    }
    let mut reply = Reply::new(Outcome::Executed, Value::Array(results));
    reply.rate = rate;
    Ok(reply)
}
