//! Judging an answer against an expectation, over HTTP.

use serde_json::{Value, json};

use super::*;
use crate::support::Answer;

pub(super) fn short(body: &Value) -> String {
    let text = body.to_string();
    match text.char_indices().nth(700) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

pub(super) fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Checks one HTTP answer against an expectation (not [`Expect::LikeMissing`], which needs
/// a second answer, nor [`Expect::KnownBug`]).
pub(super) fn judge(answer: &Answer, at: &str, expect: &Expect) -> Result<(), String> {
    let value = answer
        .body
        .pointer(&format!("/data{at}"))
        .cloned()
        .unwrap_or(Value::Null);
    let codes = answer.error_codes();
    let fail = |what: String| Err(format!("{what}: {}", short(&answer.body)));
    match expect {
        Code(code) => {
            if codes.is_empty() || codes.iter().any(|c| c != code) {
                return fail(format!("expected {code}, got error codes {codes:?}"));
            }
            if !value.is_null() {
                return fail(format!("expected nothing at {at}"));
            }
            Ok(())
        }
        _ if !codes.is_empty() => fail(format!("unexpected errors {codes:?}")),
        Null if !value.is_null() => fail(format!("expected null at {at}")),
        Json(text) => {
            let wanted: Value = serde_json::from_str(text).expect("expected JSON");
            if value != wanted {
                return fail(format!("expected {wanted} at {at}, got {value}"));
            }
            Ok(())
        }
        Present if !present(&value) => fail(format!("expected something at {at}")),
        Check(what, check) if !check(&value) => {
            fail(format!("expected {what} at {at}, got {value}"))
        }
        Silent | LikeMissing | KnownBug(..) => unreachable!("judged elsewhere"),
        _ => Ok(()),
    }
}

/// The errors of an answer without their locations and paths.
pub(super) fn errors(answer: &Answer) -> Vec<Value> {
    answer
        .body
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| json!({ "message": e["message"], "extensions": e["extensions"] }))
        .collect()
}

/// Runs one viewer's part of an HTTP probe.
pub(super) async fn check_http(
    f: &Fixture,
    p: &Probe,
    who: Who,
    expect: &Expect,
) -> Result<(), String> {
    let vars = f.vars(p.vars);
    let answer = f.send(who, p.doc, vars.clone()).await;
    match expect {
        LikeMissing => {
            let kind = p.ghost.expect("ghost kind");
            let missing = f.send(who, p.doc, ghost(&vars, kind)).await;
            let at_real = answer.body.pointer(&format!("/data{}", p.at));
            if at_real.is_some_and(|v| !v.is_null()) {
                return Err(format!(
                    "expected nothing at {}: {}",
                    p.at,
                    short(&answer.body)
                ));
            }
            if errors(&answer) != errors(&missing) || answer.status != missing.status {
                return Err(format!(
                    "answers differently than for a {kind} that does not exist:\n        \
                     real:    {}\n        missing: {}",
                    short(&answer.body),
                    short(&missing.body)
                ));
            }
            Ok(())
        }
        other => {
            judge(&answer, p.at, other)?;
            // Without a valid token, a missing object must answer the same.
            if let (Code("UNAUTHENTICATED"), Some(kind)) = (other, p.ghost) {
                let missing = f.send(who, p.doc, ghost(&vars, kind)).await;
                judge(&missing, p.at, other).map_err(|e| format!("for a missing {kind}: {e}"))?;
            }
            Ok(())
        }
    }
}
