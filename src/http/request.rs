//! Reading a GraphQL-over-HTTP request: the JSON object of a POST (or the parameters of a
//! GET) into an `async_graphql::Request`, its document resolved through the persisted
//! queries (`http::persisted`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use async_graphql::Variables;
use serde_json::Value;

use super::persisted::{PersistedError, PersistedQueries, PersistedQuery, Registration};
use super::reply::{Failure, Outcome, Reply};

/// A request read from JSON, its document resolved through the persisted queries.
pub struct Incoming {
    pub request: async_graphql::Request,
    /// An APQ registration, kept once the document has parsed and validated.
    pub register: Option<Registration>,
}

impl Incoming {
    /// Keeps an APQ document once it has run: parsed and validated, so the cache only
    /// holds documents that work.
    pub fn keep_registration(
        register: Option<Registration>,
        outcome: &Outcome,
        persisted: &PersistedQueries,
    ) {
        if let (Outcome::Executed, Some(registration)) = (outcome, register) {
            persisted.register(registration);
        }
    }
}

/// Why a request object was not accepted.
pub enum Rejected {
    /// Not a GraphQL-over-HTTP request (400); the message says why.
    Malformed(String),
    /// Refused by the persisted-query rules.
    Persisted(PersistedError),
}

impl Rejected {
    pub fn into_reply(self) -> Reply {
        match self {
            Rejected::Malformed(message) => Reply::new(
                Outcome::Fixed(StatusCode::BAD_REQUEST),
                Failure::new(message).to_body(),
            ),
            Rejected::Persisted(err) => {
                Reply::new(Outcome::Fixed(err.status()), err.to_failure().to_body())
            }
        }
    }
}

/// The request object of a GET: `variables` and `extensions` are JSON in their
/// parameters, everything else a string. `Err` names the parameter that is not JSON.
pub fn object_from_params(params: HashMap<String, String>) -> Result<Value, Failure> {
    let mut object = serde_json::Map::new();
    for (key, value) in params {
        let value = match key.as_str() {
            "variables" | "extensions" => serde_json::from_str::<Value>(&value)
                .map_err(|_| Failure::new(format!("the {key} parameter is not valid JSON")))?,
            _ => Value::String(value),
        };
        object.insert(key, value);
    }
    Ok(Value::Object(object))
}

/// Reads a GraphQL-over-HTTP request object and finds its document: the `query`, or the
/// one `extensions.persistedQuery` names.
pub fn request_from_json(value: Value, persisted: &PersistedQueries) -> Result<Incoming, Rejected> {
    let malformed = |message: &str| Err(Rejected::Malformed(message.into()));
    // NUL is no character of any name, id or text Cadence keeps (PostgreSQL refuses it).
    if contains_nul(&value) {
        return malformed("requests may not contain NUL characters");
    }
    let Value::Object(mut object) = value else {
        return malformed("the request must be a JSON object");
    };
    let query = match object.remove("query") {
        Some(Value::String(q)) => Some(q),
        None | Some(Value::Null) => None,
        Some(_) => return malformed("`query` must be a string"),
    };
    let operation_name = match object.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return malformed("`operationName` must be a string or null"),
    };
    let variables = match object.remove("variables") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(Variables::from_json(v)),
        Some(_) => return malformed("`variables` must be an object or null"),
    };
    let persisted_query = match object.remove("extensions") {
        None | Some(Value::Null) => None,
        Some(Value::Object(extensions)) => {
            PersistedQuery::from_extensions(&extensions).map_err(Rejected::Persisted)?
        }
        Some(_) => return malformed("`extensions` must be an object or null"),
    };
    if query.is_none() && persisted_query.is_none() {
        return malformed("the request has no `query`");
    }
    let resolved = persisted
        .resolve(query, persisted_query)
        .map_err(Rejected::Persisted)?;
    let mut request = async_graphql::Request::new(resolved.query);
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = variables {
        request = request.variables(variables);
    }
    Ok(Incoming {
        request,
        register: resolved.register,
    })
}

fn contains_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(contains_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v)),
        _ => false,
    }
}
