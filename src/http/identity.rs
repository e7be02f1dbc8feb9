//! Who a request comes from: the `Authorization: Bearer` token (or a socket's
//! `connection_init` payload) verified into claims, and the claims into a [`Viewer`].

use actix_web::HttpRequest;
use actix_web::http::header;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::state::AppState;
use crate::auth::Viewer;
use crate::auth::jwt::Claims;
use crate::error::AppError;

/// The verified claims of the `Authorization: Bearer` token; `None` when there is no token
/// or it is invalid (the request is then anonymous).
pub async fn claims_from(req: &HttpRequest, state: &AppState) -> Option<Claims> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    claims_for_header(authorization, state).await
}

/// Verifies an `Authorization` value (`Bearer <token>`).
pub async fn claims_for_header(authorization: Option<&str>, state: &AppState) -> Option<Claims> {
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

/// The viewer behind verified claims, looked up on `db` (the pool the request runs on). No
/// claims give an anonymous viewer (every data field then answers UNAUTHENTICATED), as
/// does a `sub` that is no employed person; only a database failure is an error.
pub async fn viewer_for_claims(
    claims: Option<&Claims>,
    state: &AppState,
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Viewer, AppError> {
    let Some(claims) = claims else {
        return Ok(Viewer::Anonymous);
    };
    match state.subjects.viewer_for(db, &claims.into(), now).await {
        Ok(viewer) => Ok(viewer),
        Err(AppError::Unauthenticated(_)) => {
            tracing::info!(sub = %claims.sub, "token subject is not an employed person");
            Ok(Viewer::Anonymous)
        }
        Err(err) => Err(err),
    }
}
