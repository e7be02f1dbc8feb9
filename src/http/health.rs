//! `/healthz`: the process is up, whatever the database does. `/readyz`: the database
//! answers — the primary and, when there is one, the read replica, pinged at once — checked
//! within [`READY_CHECK`] so a load balancer gets its 503 promptly when either is
//! unreachable instead of waiting on the pool.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

use super::state::AppState;

/// Longest `/readyz` waits for the database's answer before it says `unavailable`.
pub const READY_CHECK: Duration = Duration::from_millis(800);

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pools = state.pools();
    let answered =
        futures_util::future::join_all(pools.iter().map(|(name, db)| answers(db, name))).await;
    if answered.into_iter().all(|ok| ok) {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "unavailable" }))
    }
}

/// Whether `db` answers a ping within [`READY_CHECK`]; logs why not.
async fn answers(db: &DatabaseConnection, which: &'static str) -> bool {
    match tokio::time::timeout(READY_CHECK, db.ping()).await {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            tracing::warn!(error = %err, database = which, "database not reachable");
            false
        }
        Err(_) => {
            tracing::warn!(waited = ?READY_CHECK, database = which, "database did not answer in time");
            false
        }
    }
}
