//! Persisted queries, in one of three modes chosen at startup:
//!
//! - **Automatic** (the default): Apollo's automatic persisted queries (APQ). A request may
//!   carry `extensions.persistedQuery { version: 1, sha256Hash }` (hex SHA-256 of the exact
//!   query text). Sent without `query`, a known hash runs the stored document and an
//!   unknown one answers `PERSISTED_QUERY_NOT_FOUND` (200, so that Apollo clients retry with
//!   the text). Sent with `query`, the text must hash to `sha256Hash` (else 400
//!   `BAD_REQUEST`); it runs, and once it has parsed and validated it is kept in a bounded
//!   in-memory LRU cache (entries and bytes capped: `--apq-cache-entries`,
//!   `--apq-cache-bytes`). Documents are kept per process and lost on restart.
//! - **Off** (`--apq-cache-entries 0`): any `persistedQuery` answers
//!   `PERSISTED_QUERY_NOT_SUPPORTED` (200), on which Apollo clients stop sending hashes.
//! - **Allow-list** (`--persisted-only DIR`): every `*.graphql` file directly in DIR is read
//!   at startup (startup fails if DIR cannot be read, holds no documents, or a document does
//!   not parse) and indexed by the SHA-256 of its exact text, and also of its text without
//!   trailing whitespace (editors end files with a newline that clients do not send). Only
//!   those documents run: a request names one by `persistedQuery.sha256Hash` (the text is
//!   then optional, and must hash to the same value when given) or sends its exact text.
//!   Anything else, including a hash-only request for an unknown hash, answers
//!   `PERSISTED_QUERY_NOT_ALLOWED` with 400 whatever the response media type (a policy
//!   refusal, not a retry signal), and nothing is ever registered. Documents are not looked
//!   up by operation name: names need not be unique across files, and no client sends a
//!   name in place of a document. Introspection runs only if its document is in DIR.
//!
//! The same rules apply to POST, GET and WebSocket `subscribe` messages (so the socket is no
//! way around the allow-list). The resolved document then goes through every other check
//! (limits, rate limiting, the 405 rule for mutations over GET) as if its text had been sent.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::http::StatusCode;
use anyhow::{Context, bail};
use async_graphql::parser::parse_query;
use async_graphql::{ErrorExtensions, Pos, Response};
use lru::LruCache;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::reply::Failure;
use crate::config::LimitSettings;

/// The only APQ protocol version.
const VERSION: u64 = 1;

/// Bytes a cached entry costs besides its text: the hash key and bookkeeping.
const ENTRY_OVERHEAD: usize = 128;

/// Lowercase hex SHA-256 of `text`.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A request's `extensions.persistedQuery`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersistedQuery {
    /// Lowercase hex SHA-256 of the document.
    pub sha256_hash: String,
}

impl PersistedQuery {
    /// Reads `persistedQuery` from a request's `extensions`; `Ok(None)` when it is absent or
    /// null.
    pub fn from_extensions(
        extensions: &Map<String, Value>,
    ) -> Result<Option<Self>, PersistedError> {
        let persisted = match extensions.get("persistedQuery") {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(persisted)) => persisted,
            Some(_) => {
                return Err(PersistedError::BadRequest(
                    "`extensions.persistedQuery` must be an object".into(),
                ));
            }
        };
        if persisted.get("version").and_then(Value::as_u64) != Some(VERSION) {
            return Err(PersistedError::BadRequest(
                "unsupported persisted query version; this server speaks version 1".into(),
            ));
        }
        match persisted.get("sha256Hash") {
            Some(Value::String(hash)) => Ok(Some(Self {
                sha256_hash: hash.to_ascii_lowercase(),
            })),
            _ => Err(PersistedError::BadRequest(
                "`extensions.persistedQuery.sha256Hash` must be a string".into(),
            )),
        }
    }
}

/// Why the persisted-query rules refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersistedError {
    /// A hash-only request for a document this process does not hold: send it with the text.
    NotFound,
    /// Automatic persisted queries are turned off.
    NotSupported,
    /// A malformed `persistedQuery`, an unsupported version, or text that does not hash to
    /// the given hash.
    BadRequest(String),
    /// Allow-list mode: the document is not one of the known documents.
    NotAllowed,
}

impl PersistedError {
    /// The `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            PersistedError::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            PersistedError::NotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            PersistedError::BadRequest(_) => "BAD_REQUEST",
            PersistedError::NotAllowed => "PERSISTED_QUERY_NOT_ALLOWED",
        }
    }

    /// The message. `PersistedQueryNotFound` and `PersistedQueryNotSupported` are the exact
    /// strings Apollo clients look for.
    pub fn message(&self) -> String {
        match self {
            PersistedError::NotFound => "PersistedQueryNotFound".into(),
            PersistedError::NotSupported => "PersistedQueryNotSupported".into(),
            PersistedError::BadRequest(message) => message.clone(),
            PersistedError::NotAllowed => {
                "this server only runs persisted operations, and this is not one of them".into()
            }
        }
    }

    /// The HTTP status, whatever the response media type: 200 for the two answers Apollo
    /// clients act on (retry with the text; stop hashing), 400 otherwise.
    pub fn status(&self) -> StatusCode {
        match self {
            PersistedError::NotFound | PersistedError::NotSupported => StatusCode::OK,
            PersistedError::BadRequest(_) | PersistedError::NotAllowed => StatusCode::BAD_REQUEST,
        }
    }

    /// The error of the answer: its message and `extensions.code`.
    pub fn to_failure(&self) -> Failure {
        Failure::coded(self.message(), self.code())
    }

    fn to_response(&self) -> Response {
        let code = self.code();
        let error =
            async_graphql::Error::new(self.message()).extend_with(|_, e| e.set("code", code));
        Response::from_errors(vec![error.into_server_error(Pos::default())])
    }
}

/// A document to keep once it has passed validation (APQ registration).
#[derive(Debug)]
pub struct Registration {
    hash: String,
    query: Arc<str>,
}

/// A request's document, found.
#[derive(Debug)]
pub struct Resolved {
    pub query: String,
    /// Set when the request registers its document (APQ with text and hash).
    pub register: Option<Registration>,
}

/// The persisted-query store of this process.
pub struct PersistedQueries {
    mode: Mode,
}

enum Mode {
    Off,
    Automatic(Mutex<Cache>),
    AllowList(HashMap<String, Arc<str>>),
}

impl PersistedQueries {
    /// The store the settings ask for; fails when the allow-list directory is unusable.
    pub fn from_settings(limits: &LimitSettings) -> anyhow::Result<Self> {
        match &limits.persisted_only {
            Some(dir) => Self::allow_list(dir),
            None => Ok(Self::automatic(
                limits.apq_cache_entries,
                limits.apq_cache_bytes,
            )),
        }
    }

    /// Automatic persisted queries, keeping at most `max_entries` documents and
    /// `max_bytes` of text; off when `max_entries` is 0.
    pub fn automatic(max_entries: usize, max_bytes: usize) -> Self {
        let mode = if max_entries == 0 {
            Mode::Off
        } else {
            Mode::Automatic(Mutex::new(Cache {
                entries: LruCache::unbounded(),
                bytes: 0,
                max_entries,
                max_bytes,
            }))
        };
        Self { mode }
    }

    /// Allow-list mode over the `*.graphql` documents directly in `dir`.
    pub fn allow_list(dir: &Path) -> anyhow::Result<Self> {
        let context = || format!("reading persisted documents from {}", dir.display());
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).with_context(context)? {
            let path = entry.with_context(context)?.path();
            if path.extension().is_some_and(|ext| ext == "graphql") && path.is_file() {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            bail!("{} holds no .graphql documents", dir.display());
        }
        paths.sort();
        let mut documents = HashMap::new();
        for path in &paths {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            if let Err(err) = parse_query(&text) {
                bail!("{} is not a GraphQL document: {err}", path.display());
            }
            let trimmed = text.trim_end();
            if trimmed.len() != text.len() {
                documents.insert(sha256_hex(trimmed), Arc::from(trimmed));
            }
            documents.insert(sha256_hex(&text), Arc::from(text));
        }
        tracing::info!(
            files = paths.len(),
            dir = %dir.display(),
            "only persisted operations will run"
        );
        Ok(Self {
            mode: Mode::AllowList(documents),
        })
    }

    /// Allow-list mode is on.
    pub fn is_allow_list(&self) -> bool {
        matches!(self.mode, Mode::AllowList(_))
    }

    /// Finds the document a request runs: its `query`, the document its
    /// `persistedQuery` names, or a refusal. At least one of the two must be given.
    pub fn resolve(
        &self,
        query: Option<String>,
        persisted: Option<PersistedQuery>,
    ) -> Result<Resolved, PersistedError> {
        let plain = |query: String| Resolved {
            query,
            register: None,
        };
        if let (Some(query), Some(persisted)) = (&query, &persisted)
            && !matches!(self.mode, Mode::Off)
            && sha256_hex(query) != persisted.sha256_hash
        {
            return Err(PersistedError::BadRequest(
                "provided sha does not match query".into(),
            ));
        }
        match (&self.mode, query, persisted) {
            (_, None, None) => Err(PersistedError::BadRequest(
                "the request has no `query`".into(),
            )),
            (Mode::Off, _, Some(_)) => Err(PersistedError::NotSupported),
            (Mode::Off | Mode::Automatic(_), Some(query), None) => Ok(plain(query)),
            (Mode::Automatic(cache), Some(query), Some(persisted)) => {
                let known = lock(cache).get(&persisted.sha256_hash).is_some();
                let register = (!known).then(|| Registration {
                    hash: persisted.sha256_hash,
                    query: Arc::from(query.as_str()),
                });
                Ok(Resolved { query, register })
            }
            (Mode::Automatic(cache), None, Some(persisted)) => lock(cache)
                .get(&persisted.sha256_hash)
                .map(|query| plain(query.to_string()))
                .ok_or(PersistedError::NotFound),
            (Mode::AllowList(documents), query, persisted) => {
                let hash = match (&query, persisted) {
                    (_, Some(persisted)) => persisted.sha256_hash,
                    (Some(query), None) => sha256_hex(query),
                    (None, None) => unreachable!("handled above"),
                };
                match documents.get(&hash) {
                    Some(document) => Ok(plain(query.unwrap_or_else(|| document.to_string()))),
                    None => Err(PersistedError::NotAllowed),
                }
            }
        }
    }

    /// Keeps a document that has passed validation (APQ mode only).
    pub fn register(&self, registration: Registration) {
        if let Mode::Automatic(cache) = &self.mode {
            lock(cache).insert(registration.hash, registration.query);
        }
    }

    /// Documents held (APQ mode: cached; allow-list mode: index entries).
    pub fn len(&self) -> usize {
        match &self.mode {
            Mode::Off => 0,
            Mode::Automatic(cache) => lock(cache).entries.len(),
            Mode::AllowList(documents) => documents.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The cache holds no invariant a panic could break halfway, so a poisoned lock is used as is.
fn lock(cache: &Mutex<Cache>) -> std::sync::MutexGuard<'_, Cache> {
    cache.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Documents by hash, least recently used evicted first, capped in entries and bytes.
struct Cache {
    entries: LruCache<String, Arc<str>>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl Cache {
    fn get(&mut self, hash: &str) -> Option<Arc<str>> {
        self.entries.get(hash).cloned()
    }

    fn insert(&mut self, hash: String, query: Arc<str>) {
        let size = query.len() + ENTRY_OVERHEAD;
        if size > self.max_bytes {
            return;
        }
        if let Some(old) = self.entries.pop(&hash) {
            self.bytes -= old.len() + ENTRY_OVERHEAD;
        }
        while self.entries.len() >= self.max_entries || self.bytes + size > self.max_bytes {
            match self.entries.pop_lru() {
                Some((_, old)) => self.bytes -= old.len() + ENTRY_OVERHEAD,
                None => break,
            }
        }
        self.entries.put(hash, query);
        self.bytes += size;
    }
}

impl PersistedQueries {
    /// The persisted-query rules for one `subscribe` of the WebSocket endpoint (the socket's
    /// executor applies them before the limits a POST gets): in allow-list mode only known
    /// documents run there too, and a known hash may stand in for the text. Nothing is
    /// registered over WebSocket (APQ registration waits for validation, which the HTTP
    /// handler sees and the socket does not).
    pub(crate) fn resolve_socket_request(
        &self,
        mut request: async_graphql::Request,
    ) -> Result<async_graphql::Request, Box<Response>> {
        let persisted = match request.extensions.remove("persistedQuery") {
            None => None,
            Some(value) => {
                let value = value.into_json().unwrap_or(Value::Null);
                let mut extensions = Map::new();
                extensions.insert("persistedQuery".into(), value);
                PersistedQuery::from_extensions(&extensions)
                    .map_err(|e| Box::new(e.to_response()))?
            }
        };
        let query = Some(std::mem::take(&mut request.query)).filter(|q| !q.is_empty());
        let resolved = self
            .resolve(query, persisted)
            .map_err(|e| Box::new(e.to_response()))?;
        request.query = resolved.query;
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn apq(hash: &str) -> Option<PersistedQuery> {
        Some(PersistedQuery {
            sha256_hash: hash.into(),
        })
    }

    #[test]
    fn hashes_are_lowercase_hex_sha256() {
        assert_eq!(
            sha256_hex("{ __typename }"),
            "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b"
        );
    }

    #[test]
    fn the_cache_evicts_the_least_recently_used_by_entries_and_bytes() {
        let store = PersistedQueries::automatic(2, 1024 * 1024);
        for query in ["{ a }", "{ b }"] {
            let resolved = store
                .resolve(Some(query.into()), apq(&sha256_hex(query)))
                .unwrap();
            store.register(resolved.register.expect("new documents register"));
        }
        // Touch `{ a }`, then a third document evicts `{ b }`.
        assert!(store.resolve(None, apq(&sha256_hex("{ a }"))).is_ok());
        let resolved = store
            .resolve(Some("{ c }".into()), apq(&sha256_hex("{ c }")))
            .unwrap();
        store.register(resolved.register.unwrap());
        assert_eq!(store.len(), 2);
        assert_eq!(
            store.resolve(None, apq(&sha256_hex("{ b }"))).unwrap_err(),
            PersistedError::NotFound
        );
        assert!(store.resolve(None, apq(&sha256_hex("{ a }"))).is_ok());

        let small = PersistedQueries::automatic(100, 2 * (ENTRY_OVERHEAD + 5));
        for query in ["{ a }", "{ b }", "{ c }"] {
            let resolved = small
                .resolve(Some(query.into()), apq(&sha256_hex(query)))
                .unwrap();
            small.register(resolved.register.unwrap());
        }
        assert_eq!(small.len(), 2);
        let huge = "{ a }".repeat(100);
        let resolved = small
            .resolve(Some(huge.clone()), apq(&sha256_hex(&huge)))
            .unwrap();
        small.register(resolved.register.unwrap());
        assert_eq!(small.len(), 2, "a document over the byte cap is not kept");
    }

    #[test]
    fn a_mismatched_hash_or_version_is_a_bad_request() {
        let store = PersistedQueries::automatic(10, 1024);
        let err = store
            .resolve(Some("{ a }".into()), apq(&sha256_hex("{ b }")))
            .unwrap_err();
        assert_eq!(err.code(), "BAD_REQUEST");
        assert_eq!(err.message(), "provided sha does not match query");

        let mut extensions = Map::new();
        extensions.insert(
            "persistedQuery".into(),
            json!({ "version": 2, "sha256Hash": "ab" }),
        );
        assert_eq!(
            PersistedQuery::from_extensions(&extensions)
                .unwrap_err()
                .status(),
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn apq_off_answers_not_supported_to_hashes_and_runs_text() {
        let store = PersistedQueries::automatic(0, 1024);
        assert_eq!(
            store.resolve(None, apq("ab")).unwrap_err(),
            PersistedError::NotSupported
        );
        assert!(store.resolve(Some("{ a }".into()), None).is_ok());
    }
}
