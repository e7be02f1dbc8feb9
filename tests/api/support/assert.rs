//! Shared assertions and the helpers that make answers comparable: instants written one
//! way, floats rounded, BAD_USER_INPUT problems by field.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::app::Answer;

/// 10:00 UTC on a day (`YYYY-MM-DD`).
pub fn at(day: &str) -> String {
    format!("{day}T10:00:00Z")
}

/// An instant `days` from now, in whole seconds.
pub fn in_days(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `value` with every RFC 3339 instant written the same way (`…Z`), so that answers compare
/// with [`at`] whichever UTC offset notation the server uses.
pub fn instants(value: &Value) -> Value {
    match value {
        Value::String(s) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) => json!(
                t.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            Err(_) => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(instants).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), instants(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The `externalId`s of a list of objects (meetings or people).
pub fn ext_ids(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|m| m["externalId"].as_str().expect("externalId"))
        .collect()
}

/// The `extensions.problems[].field` of every error.
pub fn problem_fields(answer: &Answer) -> Vec<String> {
    answer
        .body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.pointer("/extensions/problems").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.get("field").and_then(Value::as_str).map(String::from))
        .collect()
}

/// Asserts a BAD_USER_INPUT answer that names `field` among its problems.
pub fn assert_bad_input(answer: &Answer, field: &str) {
    answer.assert_error_code("BAD_USER_INPUT");
    let fields = problem_fields(answer);
    assert!(
        fields.iter().any(|f| f == field),
        "expected a problem with {field}, got {fields:?}: {}",
        answer.body
    );
}

/// `value` made easy to compare with figures written by hand: floats rounded to 4 decimals,
/// instants written `…Z`, and a person `{ externalId }` replaced by the externalId itself.
pub fn normalized(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().expect("f64");
            json!((x * 10_000.0).round() / 10_000.0)
        }
        Value::String(s) => match DateTime::parse_from_rfc3339(s) {
            Ok(t) => json!(
                t.with_timezone(&Utc)
                    .to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            Err(_) => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Object(fields) if fields.len() == 1 && fields.contains_key("externalId") => {
            fields["externalId"].clone()
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect::<Map<_, _>>(),
        ),
        _ => value.clone(),
    }
}
