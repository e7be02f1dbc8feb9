//! The global IDs the API shows (`base64url("Person:42")`): built here so that services
//! (webhook payloads) write the same IDs as `graphql::ids`, which also reads them back.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The global ID of object `kind` (`Person`, `Meeting`, `Team`, …) with row id `id`.
pub fn global_id(kind: &str, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}
