//! What every GraphQL operation reports once it is answered: one sample in the metrics and
//! one log line, whichever way it came — a POST or GET, one item of a batch, or one
//! operation of a WebSocket — and whether it ran or was refused before it could (a body
//! that is not JSON, a media type the client does not accept, a failed request check, the
//! rate limit). A refusal that never got as far as naming an operation counts as
//! `unknown`/`anonymous`, under the code of its status (e.g. `UNSUPPORTED_MEDIA_TYPE`).
//!
//! The line carries the request id, the transport, the operation's type and (bounded)
//! name, the duration, the HTTP status, the error code, the statements it ran and the
//! viewer's `sub`: never a token, a variable's value or meeting content.

use std::time::Duration;

use actix_web::http::StatusCode;
use async_graphql::parser::types::OperationType;
use serde_json::Value;

use super::gate;
use super::state::AppState;
use crate::telemetry::metrics;

/// How an operation reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A POST or GET of one operation.
    Http,
    /// One operation of a batched POST.
    Batch,
    /// One `subscribe` of a graphql-transport-ws socket.
    Socket,
}

impl Transport {
    fn as_str(self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Batch => "batch",
            Transport::Socket => "ws",
        }
    }
}

/// What an operation showed of itself on its way.
#[derive(Debug, Clone)]
pub struct Seen {
    pub operation_type: &'static str,
    pub name: Option<String>,
    pub sub: Option<String>,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            operation_type: "unknown",
            name: None,
            sub: None,
        }
    }
}

impl Seen {
    /// The operation the request selects, from its parsed document (a request that does
    /// not parse stays `unknown`).
    pub fn operation(&mut self, request: &mut async_graphql::Request) {
        let wanted = request.operation_name.clone();
        let Ok(doc) = request.parsed_query() else {
            return;
        };
        let Some(op) = gate::selected_operation(doc, wanted.as_deref()) else {
            return;
        };
        self.operation_type = match op.node.ty {
            OperationType::Query => "query",
            OperationType::Mutation => "mutation",
            OperationType::Subscription => "subscription",
        };
        // Without `operationName` the document holds this one operation.
        self.name = wanted.or_else(|| {
            let (name, _) = doc.operations.iter().next()?;
            name.map(|n| n.to_string())
        });
    }
}

/// One answered operation.
pub struct Answered<'a> {
    pub transport: Transport,
    pub request_id: &'a str,
    pub seen: &'a Seen,
    /// The HTTP status it was answered with; a socket's operations have none.
    pub status: Option<StatusCode>,
    pub code: &'a str,
    pub duration: Duration,
    /// Statements it ran, where they were counted.
    pub statements: Option<u64>,
}

/// Records `answered` in the metrics and writes its log line.
pub fn report(state: &AppState, answered: &Answered<'_>) {
    let seen = answered.seen;
    let operation = state.operation_names.label(seen.name.as_deref());
    metrics::record_request(&metrics::Finished {
        operation_type: seen.operation_type,
        operation: &operation,
        code: answered.code,
        duration: answered.duration,
        statements: answered.statements,
    });
    tracing::info!(
        request_id = answered.request_id,
        transport = answered.transport.as_str(),
        operation_type = seen.operation_type,
        operation = %operation,
        duration_ms = answered.duration.as_secs_f64() * 1000.0,
        status = answered.status.map(|s| s.as_u16()),
        code = answered.code,
        statements = answered.statements,
        sub = seen.sub.as_deref(),
        "graphql request"
    );
}

/// `OK` for an answer without errors, else its first error's code (`ERROR` without one).
pub fn first_error_code(body: &Value) -> String {
    match body.pointer("/errors/0") {
        None => "OK".into(),
        Some(error) => error
            .pointer("/extensions/code")
            .and_then(Value::as_str)
            .unwrap_or("ERROR")
            .into(),
    }
}

/// [`first_error_code`] of a response still in async-graphql's form.
pub fn response_code(response: &async_graphql::Response) -> String {
    match response.errors.first() {
        None => "OK".into(),
        Some(error) => match error.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            _ => "ERROR".into(),
        },
    }
}

/// The code of an answer with `status` and no GraphQL error code of its own: `OK` for a
/// success, else the status's name (`UNSUPPORTED_MEDIA_TYPE`, `NOT_ACCEPTABLE`, …).
pub fn status_code_name(status: StatusCode) -> String {
    if status.is_success() {
        return "OK".into();
    }
    status
        .canonical_reason()
        .map(|reason| reason.to_ascii_uppercase().replace([' ', '-'], "_"))
        .unwrap_or_else(|| format!("HTTP_{}", status.as_u16()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_without_a_code_is_named_by_its_reason() {
        assert_eq!(status_code_name(StatusCode::OK), "OK");
        assert_eq!(
            status_code_name(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            "UNSUPPORTED_MEDIA_TYPE"
        );
        assert_eq!(
            status_code_name(StatusCode::NOT_ACCEPTABLE),
            "NOT_ACCEPTABLE"
        );
        assert_eq!(
            status_code_name(StatusCode::METHOD_NOT_ALLOWED),
            "METHOD_NOT_ALLOWED"
        );
    }

    #[test]
    fn an_answer_is_coded_by_its_first_error() {
        assert_eq!(first_error_code(&serde_json::json!({ "data": {} })), "OK");
        let refused = serde_json::json!({ "errors": [
            { "message": "no", "extensions": { "code": "FORBIDDEN" } },
            { "message": "later" }
        ] });
        assert_eq!(first_error_code(&refused), "FORBIDDEN");
        let bare = serde_json::json!({ "errors": [{ "message": "no code" }] });
        assert_eq!(first_error_code(&bare), "ERROR");
    }
}
