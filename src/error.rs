//! The one error type of the service and its mapping to GraphQL `extensions.code`.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// A problem with one field of the client's input, e.g. `input.people[3].email`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    pub field: String,
    pub message: String,
}

/// A problem at one place of an imported file: its 1-based line, the column (a CSV header,
/// an iCalendar property) when there is one, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileProblem {
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{}", describe_problems(.0))]
    BadInput(Vec<InputProblem>),
    /// An imported file with problems: every one found, each with its line.
    #[error("{}", describe_file_problems(.0))]
    BadFile(Vec<FileProblem>),
    #[error("{0}")]
    Conflict(String),
    #[error("database error")]
    Db(#[from] DbErr),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// What a client reads when its request ran out of time (code `TIMEOUT`), whichever timeout
/// stopped it.
pub const TIMED_OUT: &str = "the request took too long and was stopped";

/// What a client reads when the database could not be reached (code `UNAVAILABLE`, HTTP
/// 503): the same request may be sent again once the database is back.
pub const UNAVAILABLE: &str = "the database is unavailable; retry shortly";

fn describe_problems(problems: &[InputProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_file_problems(problems: &[FileProblem]) -> String {
    let shown: Vec<String> = problems
        .iter()
        .take(20)
        .map(|p| match &p.column {
            Some(column) => format!("line {}, {column}: {}", p.line, p.message),
            None => format!("line {}: {}", p.line, p.message),
        })
        .collect();
    let more = problems.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{}; and {more} more", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadInput(vec![InputProblem {
            field: field.into(),
            message: message.into(),
        }])
    }

    pub fn unauthenticated() -> Self {
        AppError::Unauthenticated("a valid access token is required".into())
    }

    pub fn forbidden(what: impl Into<String>) -> Self {
        AppError::Forbidden(what.into())
    }

    /// The `extensions.code` clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::BadInput(_) | AppError::BadFile(_) => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Db(err) if is_statement_timeout(err) => "TIMEOUT",
            _ if self.is_unavailable() => "UNAVAILABLE",
            AppError::Db(_) | AppError::Internal(_) => "INTERNAL",
        }
    }

    /// What the client reads: internal causes never show.
    pub fn client_message(&self) -> String {
        match self {
            AppError::Db(err) if is_statement_timeout(err) => TIMED_OUT.into(),
            _ if self.is_unavailable() => UNAVAILABLE.into(),
            other => other.to_string(),
        }
    }

    /// The database could not be reached: no connection came free within the acquire
    /// timeout, or the connection broke. Also when the cause sits inside an internal error.
    pub fn is_unavailable(&self) -> bool {
        match self {
            AppError::Db(err) => is_connection_lost(err),
            AppError::Internal(err) => err.chain().any(|cause| {
                cause
                    .downcast_ref::<DbErr>()
                    .is_some_and(is_connection_lost)
            }),
            _ => false,
        }
    }

    /// Turns unique-key violations into `Conflict`; every other database error stays internal.
    pub fn from_db(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::Conflict("a record with the same unique key already exists".into())
            }
            _ => AppError::Db(err),
        }
    }
}

/// PostgreSQL cancelled the statement at its `statement_timeout` (SQLSTATE 57014): the
/// client may retry, unlike after an internal error.
fn is_statement_timeout(err: &DbErr) -> bool {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|db| db.code())
            .is_some_and(|code| code == "57014"),
        _ => false,
    }
}

/// The database went away, as opposed to refusing a statement: the pool found no
/// connection in time, connecting failed, the socket broke mid-statement, or PostgreSQL
/// itself reported a lost connection (SQLSTATE class 08) or a shutdown (57P01–57P03).
fn is_connection_lost(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed => true,
                Sqlx::WorkerCrashed => true,
                Sqlx::Database(db) => db.code().is_some_and(|code| {
                    code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
                }),
                _ => false,
            }
        }
        _ => false,
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        // Internal causes are logged (inside the request's span, which carries the request
        // id) and never shown: the HTTP layer adds the request id to the client's error.
        match self {
            AppError::Db(err) if self.is_unavailable() => {
                tracing::warn!(error = %err, "database unavailable")
            }
            AppError::Internal(err) if self.is_unavailable() => {
                tracing::warn!(error = format!("{err:#}"), "database unavailable")
            }
            AppError::Db(err) => tracing::error!(error = %err, "database error"),
            AppError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error")
            }
            _ => {}
        }
        let message = self.client_message();
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let AppError::BadInput(problems) = self {
                let fields: Vec<async_graphql::Value> = problems
                    .iter()
                    .map(|p| {
                        let mut obj = async_graphql::indexmap::IndexMap::new();
                        obj.insert(async_graphql::Name::new("field"), p.field.clone().into());
                        obj.insert(
                            async_graphql::Name::new("message"),
                            p.message.clone().into(),
                        );
                        async_graphql::Value::Object(obj)
                    })
                    .collect();
                ext.set("problems", fields);
            }
            if let AppError::BadFile(problems) = self {
                let lines: Vec<async_graphql::Value> = problems
                    .iter()
                    .map(|p| {
                        let mut obj = async_graphql::indexmap::IndexMap::new();
                        obj.insert(async_graphql::Name::new("line"), p.line.into());
                        obj.insert(
                            async_graphql::Name::new("column"),
                            p.column
                                .clone()
                                .map_or(async_graphql::Value::Null, Into::into),
                        );
                        obj.insert(
                            async_graphql::Name::new("message"),
                            p.message.clone().into(),
                        );
                        async_graphql::Value::Object(obj)
                    })
                    .collect();
                ext.set("problems", lines);
            }
        })
    }
}
