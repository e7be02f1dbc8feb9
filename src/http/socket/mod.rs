//! `GET /graphql` with `Upgrade: websocket`: subscriptions (and queries and mutations) over
//! graphql-transport-ws.
//!
//! Browsers cannot set headers on a WebSocket, so the token travels in `connection_init`'s
//! payload as `{"Authorization": "Bearer <token>"}` (or `{"token": "<token>"}`). Each
//! `subscribe` goes through the persisted-query rules, the request checks and the rate
//! budget of a POST ([`SocketExecutor`]). A socket may stay open for hours, so its token is
//! not taken as a standing viewer: the socket closes (4403) once the token would be
//! refused ([`deadline`]), each operation runs as the token's viewer at the time it starts,
//! and each event is checked against the viewer at its delivery (`graphql::subscriptions`).

pub mod deadline;
pub mod session;

use std::sync::Arc;
use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use serde_json::Value;
use tracing_actix_web::RequestId;

use super::gate;
use super::identity::{claims_for_header, viewer_for_claims};
use super::observe::{self, Answered, Seen, Transport, response_code};
use super::rate_limit::RateKey;
use super::reply::Failure;
use super::state::AppState;
use crate::auth::Viewer;
use crate::auth::jwt::Claims;
use crate::error::TIMED_OUT;
use crate::graphql::RequestContext;
use crate::telemetry::metrics::counting_statements;

/// Opens a graphql-transport-ws socket; `connection_init` must carry a valid token.
pub async fn websocket(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    shutdown: web::Data<session::Shutdown>,
    request_id: RequestId,
) -> actix_web::Result<HttpResponse> {
    let state = state.into_inner();
    let executor = SocketExecutor {
        state: state.clone(),
        request_id: Arc::from(request_id.to_string()),
    };
    let options = session::Options {
        init_timeout: state.limits.ws_init_timeout,
        shutdown: shutdown.get_ref().clone(),
    };
    let (arm, deadline) = deadline::deadline();
    let response = session::start(
        &req,
        payload,
        executor,
        move |init: Value| async move {
            let header = token_of(&init);
            let claims = claims_for_header(header.as_deref(), &state).await;
            let viewer = viewer_for_claims(claims.as_ref(), &state, &state.read_db, Utc::now())
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
        },
        options,
    )?;
    Ok(super::metrics::count_socket(deadline.close(response)))
}

/// The `Authorization` value a `connection_init` payload carries, in either spelling.
fn token_of(init: &Value) -> Option<String> {
    init.get("Authorization")
        .or_else(|| init.get("authorization"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            init.get("token")
                .and_then(Value::as_str)
                .map(|t| format!("Bearer {t}"))
        })
}

/// The verified claims of a socket's token, kept in the connection's data.
struct SocketClaims(Claims);

/// Runs each operation of a socket with a [`RequestContext`] of its own: the viewer its
/// token names at the moment the operation starts (anonymous once the person's employment
/// has ended) and that moment as the request's "now", as a POST would.
///
/// Each operation is reported in the metrics and the log ([`observe`]) under the request id
/// of the socket's upgrade request: a query or mutation once answered, a subscription once
/// it has started streaming (or was refused).
#[derive(Clone)]
struct SocketExecutor {
    state: Arc<AppState>,
    request_id: Arc<str>,
}

impl SocketExecutor {
    /// What a POST goes through before it runs, for one operation of a socket: the
    /// persisted-query rules, the request checks, the token's rate budget, and a
    /// [`RequestContext`] for the viewer the token names now. `Err`: the answer instead.
    async fn prepare(
        state: &AppState,
        request: async_graphql::Request,
        session: Option<&async_graphql::Data>,
        seen: &mut Seen,
    ) -> Result<async_graphql::Request, async_graphql::Response> {
        let claims = session
            .and_then(|data| data.get(&std::any::TypeId::of::<SocketClaims>()))
            .and_then(|claims| claims.downcast_ref::<SocketClaims>())
            .map(|claims| &claims.0);
        seen.sub = claims.map(|c| c.sub.clone());
        let mut request = state
            .persisted
            .resolve_socket_request(request)
            .map_err(|response| *response)?;
        let checked = gate::check(&mut request, None, &state.shape, &state.limits);
        seen.operation(&mut request);
        let cost = checked.map_err(|failure| failure.to_response())?;
        let key = claims.map_or(RateKey::Unknown, |c| RateKey::Subject(c.sub.clone()));
        let rate = state
            .rate_limit
            .charge_now(&key, cost.cost)
            .map_err(|limited| Failure::rate_limited(&limited).to_response())?;
        if let Some(rate) = rate {
            request = request.data(rate.to_graphql());
        }
        let now = Utc::now();
        // Subscriptions and queries read from the read pool, mutations use the primary.
        let db = state.pool_for(gate::reads_only(&mut request));
        match viewer_for_claims(claims, state, db, now).await {
            Ok(viewer) => Ok(request.data(RequestContext::new(
                db.clone(),
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

impl async_graphql::Executor for SocketExecutor {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        match Self::prepare(&self.state, request, None, &mut Seen::default()).await {
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
        let request_id = self.request_id.clone();
        stream::once(async move {
            let started = Instant::now();
            let mut seen = Seen::default();
            let prepared = Self::prepare(&state, request, session_data.as_deref(), &mut seen).await;
            let report = |response: Option<&async_graphql::Response>, statements| {
                let code = response.map_or_else(|| "OK".into(), response_code);
                observe::report(
                    &state,
                    &Answered {
                        transport: Transport::Socket,
                        request_id: &request_id,
                        seen: &seen,
                        status: None,
                        code: &code,
                        duration: started.elapsed(),
                        statements,
                    },
                );
            };
            let mut request = match prepared {
                Ok(request) => request,
                Err(response) => {
                    report(Some(&response), None);
                    return stream::once(async move { response }).boxed();
                }
            };
            if gate::is_subscription(&mut request) {
                report(None, None);
                return crate::telemetry::metrics::track_subscription(
                    async_graphql::Executor::execute_stream(&state.schema, request, session_data),
                );
            }
            let timeout = state.limits.execution_timeout;
            let running = tokio::time::timeout(timeout, state.schema.execute(request));
            let (response, statements) = counting_statements(running).await;
            let response =
                response.unwrap_or_else(|_| Failure::coded(TIMED_OUT, "TIMEOUT").to_response());
            report(Some(&response), Some(statements));
            stream::once(async move { response }).boxed()
        })
        .flatten()
        .boxed()
    }
}
