//! `/healthz`: the process is up, whatever the database does. `/readyz`: the database
//! answers, checked within [`READY_CHECK`] so a load balancer gets its 503 promptly when
//! the database is unreachable instead of waiting on the pool.

use std::time::Duration;

use actix_web::{HttpResponse, web};

use super::state::AppState;

/// Longest `/readyz` waits for the database's answer before it says `unavailable`.
pub const READY_CHECK: Duration = Duration::from_millis(800);

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match tokio::time::timeout(READY_CHECK, state.db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "database not reachable");
            unavailable()
        }
        Err(_) => {
            tracing::warn!(waited = ?READY_CHECK, "database did not answer in time");
            unavailable()
        }
    }
}

fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
}
