//! Fuzzing the GraphQL endpoint: random documents built from the real schema, raw query
//! strings and bytes, random JSON variables, request bodies of every shape and random
//! `Accept`/`Content-Type`/`Authorization` values, each sent to a running server (SQLite,
//! seeded with the small org) with a valid token half the time. Every answer must come (a
//! panic drops the connection), carry an expected status (200, 400, 405, 406, 413, 415 or
//! 429, never 500) and be a well-formed GraphQL response: a JSON object with `data` or a
//! non-empty `errors` array of objects with a string `message`. Afterwards the server must
//! still answer `/healthz` and a real query.
//!
//! Each property runs `PROPTEST_CASES` cases (256 unless set) and shrinks a failure at most
//! `PROPTEST_MAX_SHRINK_ITERS` steps (64 unless set); the failure names the smallest
//! failing request, its status and its body. Run with `--nocapture` to see how each
//! property's answers were spread over statuses.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use async_graphql::Name;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cadence::config::LimitSettings;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde_json::Value;
use tokio::runtime::Runtime;

use crate::helpers::{Backend, Options, TestApp, small_org, spawn_app_with};

// ---------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------

/// (1) Documents from a grammar of the real schema: root fields with arguments of the right
/// and wrong types, nested selections of real and bogus fields, aliases, inline fragments,
/// fragment spreads (undefined and circular ones too), `@skip`/`@include` with any
/// argument, declared and undeclared variables, several operations.
#[test]
fn random_schema_documents_get_well_formed_answers() {
    let fuzz = Fuzz::start("schema documents", fuzz_limits());
    let strategy = (tape(), auth(), prop::bool::weighted(0.15))
        .prop_map(|(tape, auth, get)| DocumentGenerator::new(&tape).request().probe(auth, get));
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// (2) Raw strings as `query`: arbitrary Unicode, GraphQL token soup, deep nesting, edits of
/// valid documents, and bytes that are not UTF-8 (percent-encoded in a GET).
#[test]
fn random_query_strings_get_well_formed_answers() {
    let fuzz = Fuzz::start("query strings", fuzz_limits());
    let strategy = (query_text(), auth(), prop::bool::weighted(0.2)).prop_map(|(query, auth, get)| {
        match query {
            QueryText::Text(query) => GraphqlRequest::new(query).probe(auth, get),
            QueryText::Bytes(bytes) => Probe::get(auth, format!("query={}", percent_encode(&bytes))),
        }
    });
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// (3) Random JSON as `variables` for documents that declare variables of every kind:
/// deep nesting, huge and odd numbers, wrong types, long strings, unknown keys.
#[test]
fn random_variables_get_well_formed_answers() {
    let fuzz = Fuzz::start("variables", fuzz_limits());
    let strategy = (
        prop::sample::select(DOCUMENTS),
        variables(),
        auth(),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(query, variables, auth, get)| GraphqlRequest {
            query: query.to_string(),
            variables: Some(variables.render()),
            operation_name: None,
        }
        .probe(auth, get));
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// (4) Random `application/json` bodies: JSON of the wrong shape (arrays, so batches,
/// nulls, scalars, objects with wrong member types), invalid JSON, random bytes, bodies
/// over the size limit.
#[test]
fn random_request_bodies_get_well_formed_answers() {
    let limits = LimitSettings {
        max_batch: 3,
        ..fuzz_limits()
    };
    let fuzz = Fuzz::start("request bodies", limits);
    let strategy = (request_body(), auth(), accept_choice()).prop_map(|(body, auth, accept)| Probe {
        method: Method::POST,
        query_string: None,
        accept: accept.map(|a| Bytes(a.as_bytes().to_vec())),
        content_type: Some(Bytes(b"application/json".to_vec())),
        authorization: auth,
        cost_report: false,
        body: Some(body),
    });
    fuzz.run(strategy, true);
    fuzz.finish();
}

/// (5) Random methods and `Accept`, `Content-Type`, `Authorization` and `GraphQL-Cost`
/// header values around valid requests.
#[test]
fn random_headers_get_well_formed_answers() {
    let fuzz = Fuzz::start("headers", fuzz_limits());
    let strategy = (
        prop::sample::select(&[
            Method::POST,
            Method::POST,
            Method::POST,
            Method::GET,
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
        ][..]),
        prop::option::weighted(0.8, media_header()),
        prop::option::weighted(0.8, media_header()),
        authorization(),
        any::<bool>(),
        prop::sample::select(DOCUMENTS),
    )
        .prop_map(|(method, accept, content_type, authorization, cost_report, query)| {
            let request = GraphqlRequest::new(query.to_string());
            let get = method == Method::GET;
            Probe {
                query_string: get.then(|| request.query_string()),
                body: (!get).then(|| Bytes(request.body())),
                method,
                accept,
                content_type,
                authorization,
                cost_report,
            }
        });
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// The default limits, but a rate-limit budget no run exhausts, so that the executor
/// rather than the limiter answers (`rate_limit.rs` tests the limiter's 429s).
fn fuzz_limits() -> LimitSettings {
    LimitSettings {
        rate_limit_capacity: 1_000_000_000,
        rate_limit_refill_per_second: 1_000_000,
        ..LimitSettings::default()
    }
}

/// `PROPTEST_CASES` cases (256 unless set), shrinking bounded by `PROPTEST_MAX_SHRINK_ITERS`
/// (64 unless set) and a minute, and no regression files written into the source tree.
fn config() -> Config {
    let set = |name: &str| std::env::var_os(name).is_some();
    let defaults = Config::default();
    Config {
        cases: if set("PROPTEST_CASES") { defaults.cases } else { 256 },
        max_shrink_iters: if set("PROPTEST_MAX_SHRINK_ITERS") {
            defaults.max_shrink_iters
        } else {
            64
        },
        max_shrink_time: if set("PROPTEST_MAX_SHRINK_TIME") {
            defaults.max_shrink_time
        } else {
            60_000
        },
        failure_persistence: None,
        ..defaults
    }
}

// ---------------------------------------------------------------------------------------
// The harness: one server per property, requests sent from inside proptest
// ---------------------------------------------------------------------------------------

/// Statuses a GraphQL request may be answered with.
const EXPECTED_STATUSES: [u16; 7] = [200, 400, 405, 406, 413, 415, 429];

struct Fuzz {
    name: &'static str,
    rt: Runtime,
    app: TestApp,
    /// No connection reuse: a connection a failing case broke must not fail the next one.
    client: reqwest::Client,
    /// A team member, a manager, an HR administrator and a full-scope integration.
    tokens: Vec<String>,
    /// Statuses seen, and how many answers carried `data`.
    tally: Mutex<(BTreeMap<u16, usize>, usize)>,
    started: Instant,
}

impl Fuzz {
    fn start(name: &'static str, limits: LimitSettings) -> Self {
        let started = Instant::now();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let app = rt.block_on(async {
            let options = Options {
                limits,
                ..Options::default()
            };
            let app = spawn_app_with(Backend::Sqlite, options).await;
            app.upsert_people(small_org()).await;
            app
        });
        let tokens = vec![
            app.person_token("dev1"),
            app.person_token("em1"),
            app.hr_admin_token("ceo"),
            app.admin_integration(),
        ];
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        Self {
            name,
            rt,
            app,
            client,
            tokens,
            tally: Mutex::new((BTreeMap::new(), 0)),
            started,
        }
    }

    /// Sends every case `strategy` generates and checks the answer; panics with the
    /// smallest failing case. `batches`: the server accepts JSON arrays of requests.
    fn run<S>(&self, strategy: S, batches: bool)
    where
        S: Strategy<Value = Probe>,
    {
        let mut runner = TestRunner::new(config());
        let result = runner.run(&strategy, |probe| {
            let answer = self
                .rt
                .block_on(self.send(&probe))
                .map_err(TestCaseError::fail)?;
            self.count(&answer);
            well_formed(&answer, batches).map_err(|reason| {
                TestCaseError::fail(format!(
                    "{reason}\nstatus {}, content-type {:?}\nbody: {}",
                    answer.status,
                    answer.content_type,
                    truncated(&answer.body, 4000)
                ))
            })
        });
        match result {
            Ok(()) => {}
            Err(TestError::Fail(reason, probe)) => panic!(
                "fuzz {}: the server answered badly.\n{reason}\nsmallest failing request: \
                 {probe:#?}",
                self.name
            ),
            Err(TestError::Abort(reason)) => panic!("fuzz {}: aborted: {reason}", self.name),
        }
    }

    async fn send(&self, probe: &Probe) -> Result<Answer, String> {
        let url = match &probe.query_string {
            Some(query) => format!("{}?{query}", self.app.url("/graphql")),
            None => self.app.url("/graphql"),
        };
        let mut request = self.client.request(probe.method.clone(), url);
        let header = |bytes: &Bytes| HeaderValue::from_bytes(&bytes.0).expect("header value");
        if let Some(accept) = &probe.accept {
            request = request.header(ACCEPT, header(accept));
        }
        if let Some(content_type) = &probe.content_type {
            request = request.header(CONTENT_TYPE, header(content_type));
        }
        match &probe.authorization {
            Authorization::None => {}
            Authorization::Token(i) => request = request.bearer_auth(&self.tokens[*i]),
            Authorization::Raw(value) => request = request.header(AUTHORIZATION, header(value)),
        }
        if probe.cost_report {
            request = request.header("GraphQL-Cost", "report");
        }
        if let Some(body) = &probe.body {
            request = request.body(body.0.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|err| format!("no answer (a panic drops the connection): {err:?}"))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = response
            .bytes()
            .await
            .map_err(|err| format!("the body broke off (status {status}): {err:?}"))?;
        Ok(Answer {
            status,
            content_type,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    fn count(&self, answer: &Answer) {
        let mut tally = self.tally.lock().expect("tally");
        *tally.0.entry(answer.status).or_default() += 1;
        let has_data = serde_json::from_str::<Value>(&answer.body)
            .ok()
            .is_some_and(|body| body.get("data").is_some_and(|d| !d.is_null()));
        if has_data {
            tally.1 += 1;
        }
    }

    /// The server still answers `/healthz` and a real query.
    fn finish(self) {
        let (health, viewer) = self.rt.block_on(async {
            let health = self
                .client
                .get(self.app.url("/healthz"))
                .send()
                .await
                .expect("/healthz answers after the fuzz run");
            let viewer = self
                .app
                .gql(
                    Some(&self.app.person_token("dev2")),
                    "{ viewer { externalId } }",
                    serde_json::json!({}),
                )
                .await;
            (health.status().as_u16(), viewer)
        });
        assert_eq!(health, 200, "fuzz {}: /healthz after the run", self.name);
        assert_eq!(
            viewer.ok().data("/viewer/externalId"),
            "dev2",
            "fuzz {}: a real query after the run",
            self.name
        );
        let (statuses, with_data) = &*self.tally.lock().expect("tally");
        eprintln!(
            "fuzz {}: {} requests in {:.1?}; statuses {statuses:?}; {with_data} with data",
            self.name,
            statuses.values().sum::<usize>(),
            self.started.elapsed(),
        );
    }
}

/// One HTTP request to `/graphql`.
#[derive(Clone, Debug)]
struct Probe {
    method: Method,
    /// The URL's query string (already encoded).
    query_string: Option<String>,
    accept: Option<Bytes>,
    content_type: Option<Bytes>,
    authorization: Authorization,
    /// Sends `GraphQL-Cost: report`.
    cost_report: bool,
    body: Option<Bytes>,
}

impl Probe {
    fn get(authorization: Authorization, query_string: String) -> Self {
        Probe {
            method: Method::GET,
            query_string: Some(query_string),
            accept: None,
            content_type: None,
            authorization,
            cost_report: false,
            body: None,
        }
    }
}

#[derive(Clone, Debug)]
enum Authorization {
    None,
    /// `Bearer` with one of the fixture's valid tokens.
    Token(usize),
    /// Any `Authorization` value.
    Raw(Bytes),
}

/// Bytes shown as (lossy) text, cut short when long.
#[derive(Clone)]
struct Bytes(Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.0);
        write!(f, "{} bytes: {:?}", self.0.len(), truncated(&text, 2000))
    }
}

fn truncated(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({} chars in all)", text.chars().count())
}

#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: String,
}

/// `Ok` when `answer` is what a GraphQL server may say: an expected status, a JSON media
/// type and a GraphQL response body (an array of them for a batch).
fn well_formed(answer: &Answer, batches: bool) -> Result<(), String> {
    if !EXPECTED_STATUSES.contains(&answer.status) {
        return Err(format!("unexpected status {}", answer.status));
    }
    let media = answer
        .content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if !matches!(
        media.as_deref(),
        Some("application/json" | "application/graphql-response+json")
    ) {
        return Err(format!("not a JSON media type: {:?}", answer.content_type));
    }
    let body: Value = serde_json::from_str(&answer.body)
        .map_err(|err| format!("the body is not JSON ({err})"))?;
    match &body {
        Value::Array(items) if batches && answer.status == 200 => {
            if items.is_empty() {
                return Err("an empty batch answer".into());
            }
            items.iter().try_for_each(graphql_response)
        }
        _ => graphql_response(&body),
    }
}

/// A GraphQL response object: `data` (an object, or null with errors) and/or a non-empty
/// `errors` array whose entries have a string `message`; nothing else but `extensions`.
fn graphql_response(body: &Value) -> Result<(), String> {
    let object = body.as_object().ok_or("the body is not a JSON object")?;
    if let Some(key) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "data" | "errors" | "extensions"))
    {
        return Err(format!("unexpected top-level key {key:?}"));
    }
    let data = object.get("data");
    if !matches!(data, None | Some(Value::Null | Value::Object(_))) {
        return Err("`data` is neither an object nor null".into());
    }
    match object.get("errors") {
        None if matches!(data, Some(Value::Object(_))) => Ok(()),
        None => Err("no `errors` and no `data`".into()),
        Some(Value::Array(errors)) if !errors.is_empty() => {
            for error in errors {
                if !error.get("message").is_some_and(Value::is_string) {
                    return Err(format!("an error without a string `message`: {error}"));
                }
            }
            Ok(())
        }
        Some(_) => Err("`errors` is not a non-empty array".into()),
    }
}

// ---------------------------------------------------------------------------------------
// GraphQL requests
// ---------------------------------------------------------------------------------------

/// A GraphQL request; `variables` is raw JSON text, so it may hold numbers no JSON library
/// would write.
#[derive(Clone)]
struct GraphqlRequest {
    query: String,
    variables: Option<String>,
    operation_name: Option<String>,
}

impl fmt::Debug for GraphqlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "query: {}", truncated(&self.query, 4000))?;
        writeln!(f, "variables: {:?}", self.variables.as_deref().map(|v| truncated(v, 2000)))?;
        write!(f, "operationName: {:?}", self.operation_name)
    }
}

impl GraphqlRequest {
    fn new(query: String) -> Self {
        Self {
            query,
            variables: None,
            operation_name: None,
        }
    }

    /// The JSON body of a POST.
    fn body(&self) -> Vec<u8> {
        let mut body = format!("{{\"query\":{}", json_string(&self.query));
        if let Some(variables) = &self.variables {
            body.push_str(&format!(",\"variables\":{variables}"));
        }
        if let Some(name) = &self.operation_name {
            body.push_str(&format!(",\"operationName\":{}", json_string(name)));
        }
        body.push('}');
        body.into_bytes()
    }

    /// The URL query string of a GET.
    fn query_string(&self) -> String {
        let mut pairs = vec![format!("query={}", percent_encode(self.query.as_bytes()))];
        if let Some(variables) = &self.variables {
            pairs.push(format!("variables={}", percent_encode(variables.as_bytes())));
        }
        if let Some(name) = &self.operation_name {
            pairs.push(format!("operationName={}", percent_encode(name.as_bytes())));
        }
        pairs.join("&")
    }

    /// This request as a POST with a JSON body, or as a GET.
    fn probe(self, authorization: Authorization, get: bool) -> Probe {
        if get {
            return Probe::get(authorization, self.query_string());
        }
        Probe {
            method: Method::POST,
            query_string: None,
            accept: None,
            content_type: Some(Bytes(b"application/json".to_vec())),
            authorization,
            cost_report: false,
            body: Some(Bytes(self.body())),
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

fn percent_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Half the cases carry a valid token, the other half none.
fn auth() -> impl Strategy<Value = Authorization> {
    prop::option::of(0..4usize).prop_map(|i| i.map_or(Authorization::None, Authorization::Token))
}
