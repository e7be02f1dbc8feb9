//! Fuzzing the GraphQL endpoint: random documents built from the real schema, raw query
//! strings and bytes, random JSON variables, request bodies of every shape and random
//! `Accept`/`Content-Type`/`Authorization` values, each sent to a running server (SQLite,
//! seeded with the small org) with a valid token half the time. Every answer must come (a
//! panic drops the connection), carry an expected status (200, 400, 405, 406, 413, 415 or
//! 429, never 500) and be a well-formed GraphQL response: a JSON object with `data` or a
//! non-empty `errors` array of objects with a string `message`, none of them `INTERNAL`.
//! Afterwards the server must still answer `/healthz` and a real query.
//!
//! Each property runs `PROPTEST_CASES` cases (256 unless set) and shrinks a failure at most
//! `PROPTEST_MAX_SHRINK_ITERS` steps (256 unless set); the failure names the smallest
//! failing request, its status and its body (a panic's message is in the test's output).
//! What the fuzzing found is replayed on every run by `known_edge_requests_…`. Run with
//! `--nocapture` to see how each property's answers were spread over statuses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    BaseType, FieldDefinition, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Positioned};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cadence::config::LimitSettings;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde_json::Value;
use tokio::runtime::Runtime;

use crate::support::{Backend, Options, TestApp, small_org, spawn_app_with};

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
    let strategy = (query_text(), auth(), prop::bool::weighted(0.2)).prop_map(
        |(query, auth, get)| match query {
            QueryText::Text(query) => GraphqlRequest::new(query).probe(auth, get),
            QueryText::Bytes(bytes) => {
                Probe::get(auth, format!("query={}", percent_encode(&bytes)))
            }
        },
    );
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
        .prop_map(|(query, variables, auth, get)| {
            GraphqlRequest {
                query: query.to_string(),
                variables: Some(variables.render()),
                operation_name: None,
            }
            .probe(auth, get)
        });
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
    let strategy =
        (request_body(), auth(), accept_choice()).prop_map(|(body, auth, accept)| Probe {
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
        prop::sample::select(
            &[
                Method::POST,
                Method::POST,
                Method::POST,
                Method::POST,
                Method::POST,
                Method::POST,
                Method::GET,
                Method::GET,
                Method::GET,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
                Method::OPTIONS,
            ][..],
        ),
        prop::option::weighted(0.8, media_header()),
        prop::option::weighted(0.8, media_header()),
        authorization(),
        any::<bool>(),
        prop::sample::select(DOCUMENTS),
    )
        .prop_map(
            |(method, accept, content_type, authorization, cost_report, query)| {
                let request = GraphqlRequest::new(query.to_string());
                let get = method == Method::GET;
                Probe {
                    query_string: get.then(|| Bytes(request.query_string().into_bytes())),
                    body: (!get).then(|| Bytes(request.body())),
                    method,
                    accept,
                    content_type,
                    authorization,
                    cost_report,
                }
            },
        );
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// Requests the fuzzing found to break the server, and edges next to them, sent on every
/// run so that what was fixed stays fixed; all are tried before the test fails.
#[test]
fn known_edge_requests_get_well_formed_answers() {
    let fuzz = Fuzz::start("known edges", fuzz_limits());
    let em1 = fuzz.id_of("em1");
    let (anonymous, manager, hr_admin) = (
        Authorization::None,
        Authorization::Token(MANAGER),
        Authorization::Token(HR_ADMIN),
    );
    let post =
        |query: String, auth: &Authorization| GraphqlRequest::new(query).probe(auth.clone(), false);
    let trend = |from: &str, interval: &str| {
        format!(
            r#"{{ coverageTrend(managerId: "{em1}", from: "{from}", to: "+262142-12-31T23:59:59Z", interval: {interval}) {{ at }} }}"#
        )
    };
    let at_min = |field: &str| {
        format!(
            r#"{{ {field}(managerId: "{em1}", asOf: "-262143-01-01T00:00:00Z") {{ __typename }} }}"#
        )
    };
    let over_limit = LimitSettings::default().body_limit + 1;
    let cases = vec![
        // async-graphql's default-value validation panics on a list of an unknown type.
        (
            "unknown list variable type with a default",
            post("query ($v: [Nope] = 1) { __typename }".into(), &anonymous),
        ),
        (
            "unknown non-null list variable type with a default",
            post(
                r#"query ($v: [Nope!] = ["x"]) { __typename }"#.into(),
                &anonymous,
            ),
        ),
        // A week past the last representable instant.
        (
            "trend by week at the end of time",
            post(trend("+262142-12-31T00:00:00Z", "WEEK"), &anonymous),
        ),
        (
            "trend by week at the end of time, hr_admin",
            post(trend("+262142-12-31T00:00:00Z", "WEEK"), &hr_admin),
        ),
        (
            "trend by month at the end of time",
            post(trend("+262142-12-31T00:00:00Z", "MONTH"), &hr_admin),
        ),
        // 90 days (and a cadence) before the first representable instant.
        (
            "coverage report at the start of time",
            post(at_min("coverageReport"), &manager),
        ),
        (
            "overdue 1:1s at the start of time",
            post(at_min("overdueOneOnOnes"), &manager),
        ),
        // Every root field skipped: `data` must be `{}`, not null without errors.
        (
            "every root field skipped",
            post("{ __typename @skip(if: true) }".into(), &anonymous),
        ),
        (
            "every root field left out",
            post(
                "query { viewer @include(if: false) { name } }".into(),
                &manager,
            ),
        ),
        // A NUL in a string that reaches SQL (PostgreSQL refuses it in text).
        (
            "NUL in an externalId",
            post(
                r#"{ personByExternalId(externalId: "\u0000") { id } }"#.into(),
                &hr_admin,
            ),
        ),
        (
            "NUL in a filter",
            post(
                r#"{ people(filter: {nameContains: "\u0000"}) { totalCount } }"#.into(),
                &hr_admin,
            ),
        ),
        (
            "a body one byte over the limit",
            Probe {
                body: Some(Bytes(padded_request(over_limit))),
                ..GraphqlRequest::new(String::new()).probe(Authorization::None, false)
            },
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, probe)| {
            fuzz.check(probe, false)
                .err()
                .map(|reason| format!("{name}: {reason}\nrequest: {probe:#?}"))
        })
        .collect();
    fuzz.finish();
    assert!(
        failures.is_empty(),
        "{} of {} known edge requests were answered badly:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// A valid `{ __typename }` request padded with spaces to `size` bytes.
fn padded_request(size: usize) -> Vec<u8> {
    let padding = size - r#"{"query":"{ __typename }"}"#.len();
    format!(r#"{{"query":"{{ __typename }}{}"}}"#, " ".repeat(padding)).into_bytes()
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
/// (256 unless set) and 30 seconds, and no regression files written into the source tree.
fn config() -> Config {
    let set = |name: &str| std::env::var_os(name).is_some();
    let defaults = Config::default();
    Config {
        cases: if set("PROPTEST_CASES") {
            defaults.cases
        } else {
            256
        },
        max_shrink_iters: if set("PROPTEST_MAX_SHRINK_ITERS") {
            defaults.max_shrink_iters
        } else {
            256
        },
        max_shrink_time: if set("PROPTEST_MAX_SHRINK_TIME") {
            defaults.max_shrink_time
        } else {
            30_000
        },
        failure_persistence: None,
        ..defaults
    }
}

// ---------------------------------------------------------------------------------------
// The harness: one server per property, requests sent from inside proptest
// ---------------------------------------------------------------------------------------

/// The fixture's tokens: dev1, their manager em1, ceo as hr_admin, a full-scope integration.
const TEAM_MEMBER: usize = 0;
const MANAGER: usize = 1;
const HR_ADMIN: usize = 2;
const INTEGRATION: usize = 3;

/// Statuses a GraphQL request may be answered with.
const EXPECTED_STATUSES: [u16; 7] = [200, 400, 405, 406, 413, 415, 429];

struct Fuzz {
    name: &'static str,
    rt: Runtime,
    app: TestApp,
    /// No connection reuse: a connection a failing case broke must not fail the next one.
    client: reqwest::Client,
    /// Indexed by `TEAM_MEMBER`, `MANAGER`, `HR_ADMIN` and `INTEGRATION`.
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
        let mut tokens = vec![String::new(); 4];
        tokens[TEAM_MEMBER] = app.person_token("dev1");
        tokens[MANAGER] = app.person_token("em1");
        tokens[HR_ADMIN] = app.hr_admin_token("ceo");
        tokens[INTEGRATION] = app.admin_integration();
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
            self.check(&probe, batches).map_err(TestCaseError::fail)
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

    /// Sends `probe`; `Err` says what was wrong with the answer, or that none came.
    fn check(&self, probe: &Probe, batches: bool) -> Result<(), String> {
        let answer = self.rt.block_on(self.send(probe))?;
        self.count(&answer);
        well_formed(&answer, batches).map_err(|reason| {
            format!(
                "{reason}\nstatus {}, content-type {:?}\nbody: {}",
                answer.status,
                answer.content_type,
                truncated(&answer.body, 4000)
            )
        })
    }

    /// The global ID of a person of the small org.
    fn id_of(&self, external_id: &str) -> String {
        let answer = self.rt.block_on(self.app.gql(
            Some(&self.app.admin_integration()),
            "query($x: String!) { personByExternalId(externalId: $x) { id } }",
            serde_json::json!({ "x": external_id }),
        ));
        let answer = answer.ok();
        let id = answer.data("/personByExternalId/id");
        id.as_str().expect("an ID").to_string()
    }

    async fn send(&self, probe: &Probe) -> Result<Answer, String> {
        let url = match &probe.query_string {
            Some(query) => format!(
                "{}?{}",
                self.app.url("/graphql"),
                String::from_utf8_lossy(&query.0)
            ),
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
        let response = request.send().await.map_err(|err| {
            format!(
                "no answer (a panic drops the connection): {}",
                err.without_url()
            )
        })?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = response.bytes().await.map_err(|err| {
            format!(
                "the body broke off (status {status}): {}",
                err.without_url()
            )
        })?;
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
        let (health, people) = self.rt.block_on(async {
            let health = self
                .client
                .get(self.app.url("/healthz"))
                .send()
                .await
                .expect("/healthz answers after the fuzz run");
            let people = self
                .app
                .gql(
                    Some(&self.app.admin_integration()),
                    "{ people(first: 1) { totalCount } }",
                    serde_json::json!({}),
                )
                .await;
            (health.status().as_u16(), people)
        });
        assert_eq!(health, 200, "fuzz {}: /healthz after the run", self.name);
        let people = people.ok();
        assert!(
            people.data("/people/totalCount").as_u64() > Some(0),
            "fuzz {}: a real query after the run: {:?}",
            self.name,
            people.body
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
    query_string: Option<Bytes>,
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
            query_string: Some(Bytes(query_string.into_bytes())),
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
        write!(f, "{} bytes: {:?}", self.0.len(), truncated(&text, 600))
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
/// No error may be `INTERNAL`: bad input must be refused as such, not fail the server.
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
                // A request may be refused in many ways, but never by a server fault.
                if error.pointer("/extensions/code") == Some(&Value::from("INTERNAL")) {
                    return Err(format!("an INTERNAL error (a server fault): {error}"));
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
        writeln!(
            f,
            "variables: {:?}",
            self.variables.as_deref().map(|v| truncated(v, 2000))
        )?;
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
            pairs.push(format!(
                "variables={}",
                percent_encode(variables.as_bytes())
            ));
        }
        if let Some(name) = &self.operation_name {
            pairs.push(format!("operationName={}", percent_encode(name.as_bytes())));
        }
        pairs.join("&")
    }

    /// This request as a POST with a JSON body, or as a GET when it fits in a URL.
    fn probe(self, authorization: Authorization, get: bool) -> Probe {
        if get && self.query_string().len() <= MAX_URL_QUERY {
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

/// Longest query string sent in a GET (URLs are not meant to carry large documents).
const MAX_URL_QUERY: usize = 8 * 1024;

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
    prop::option::of(TEAM_MEMBER..=INTEGRATION)
        .prop_map(|i| i.map_or(Authorization::None, Authorization::Token))
}

// ---------------------------------------------------------------------------------------
// (1) Documents from the schema's grammar
// ---------------------------------------------------------------------------------------

/// The schema as the generator sees it, read from `schema.graphql`.
struct SchemaModel {
    types: BTreeMap<String, Shape>,
    query: String,
    mutation: String,
    subscription: String,
    /// Objects, interfaces and unions (`Person` first): what a fragment may apply to.
    composite: Vec<String>,
    /// Scalars, enums and input objects: what a variable may be.
    inputs: Vec<String>,
    /// Each interface's implementations and each object's interfaces: the type conditions
    /// a selection on a type may use besides the type itself.
    related: BTreeMap<String, Vec<String>>,
}

enum Shape {
    Scalar,
    Enum(Vec<String>),
    /// An object or interface type's fields.
    Fields(Vec<FieldShape>),
    Union,
    Input(Vec<InputShape>),
}

struct FieldShape {
    name: String,
    args: Vec<InputShape>,
    ty: Type,
}

struct InputShape {
    name: String,
    ty: Type,
    has_default: bool,
}

impl InputShape {
    fn required(&self) -> bool {
        !self.ty.nullable && !self.has_default
    }
}

static SCHEMA: LazyLock<SchemaModel> =
    LazyLock::new(|| SchemaModel::parse(include_str!("../../schema.graphql")));

impl SchemaModel {
    fn parse(sdl: &str) -> Self {
        let document = parse_schema(sdl).expect("schema.graphql parses");
        let inputs_of = |values: &[Positioned<InputValueDefinition>]| {
            values
                .iter()
                .map(|v| InputShape {
                    name: v.node.name.node.to_string(),
                    ty: v.node.ty.node.clone(),
                    has_default: v.node.default_value.is_some(),
                })
                .collect::<Vec<_>>()
        };
        let fields_of = |fields: &[Positioned<FieldDefinition>]| {
            fields
                .iter()
                .map(|f| FieldShape {
                    name: f.node.name.node.to_string(),
                    args: inputs_of(&f.node.arguments),
                    ty: f.node.ty.node.clone(),
                })
                .collect()
        };
        let mut types: BTreeMap<String, Shape> = ["Int", "Float", "String", "Boolean", "ID"]
            .into_iter()
            .map(|s| (s.to_string(), Shape::Scalar))
            .collect();
        let mut related: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let (mut query, mut mutation, mut subscription) = (None, None, None);
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let name = |n: Option<Positioned<Name>>| n.map(|n| n.node.to_string());
                    query = name(schema.node.query);
                    mutation = name(schema.node.mutation);
                    subscription = name(schema.node.subscription);
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    let shape = match ty.node.kind {
                        TypeKind::Scalar => Shape::Scalar,
                        TypeKind::Object(object) => {
                            for interface in &object.implements {
                                let interface = interface.node.to_string();
                                related
                                    .entry(name.clone())
                                    .or_default()
                                    .push(interface.clone());
                                related.entry(interface).or_default().push(name.clone());
                            }
                            Shape::Fields(fields_of(&object.fields))
                        }
                        TypeKind::Interface(interface) => {
                            Shape::Fields(fields_of(&interface.fields))
                        }
                        TypeKind::Union(_) => Shape::Union,
                        TypeKind::Enum(e) => Shape::Enum(
                            e.values
                                .iter()
                                .map(|v| v.node.value.node.to_string())
                                .collect(),
                        ),
                        TypeKind::InputObject(input) => Shape::Input(inputs_of(&input.fields)),
                    };
                    types.insert(name, shape);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        let mut composite: Vec<String> = types
            .iter()
            .filter(|(_, s)| matches!(s, Shape::Fields(_) | Shape::Union))
            .map(|(n, _)| n.clone())
            .collect();
        composite.sort_by_key(|n| n != "Person");
        let inputs = types
            .iter()
            .filter(|(_, s)| matches!(s, Shape::Scalar | Shape::Enum(_) | Shape::Input(_)))
            .map(|(n, _)| n.clone())
            .collect();
        Self {
            types,
            query: query.unwrap_or_else(|| "Query".into()),
            mutation: mutation.unwrap_or_else(|| "Mutation".into()),
            subscription: subscription.unwrap_or_else(|| "Subscription".into()),
            composite,
            inputs,
            related,
        }
    }

    fn fields(&self, ty: &str) -> &[FieldShape] {
        match self.types.get(ty) {
            Some(Shape::Fields(fields)) => fields,
            _ => &[],
        }
    }

    fn is_composite(&self, ty: &str) -> bool {
        matches!(self.types.get(ty), Some(Shape::Fields(_) | Shape::Union))
    }

    /// Type conditions valid inside a selection on `ty`.
    fn conditions(&self, ty: &str) -> Vec<String> {
        let mut conditions = vec![ty.to_string()];
        conditions.extend(self.related.get(ty).into_iter().flatten().cloned());
        conditions
    }
}

/// The named type at the bottom of list and non-null wrappers.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

fn ty(name: &str, nullable: bool) -> Type {
    Type {
        base: BaseType::Named(Name::new(name)),
        nullable,
    }
}

/// The generator's decisions: proptest generates and shrinks the numbers, the generator
/// reads them in turn. A used-up tape reads as zeros, the simplest choice everywhere, so a
/// shorter or smaller tape gives a smaller document.
fn tape() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..600)
}

struct Tape<'t> {
    choices: &'t [u32],
    at: usize,
}

impl Tape<'_> {
    /// A number below `n`.
    fn below(&mut self, n: usize) -> usize {
        let choice = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        choice as usize % n.max(1)
    }

    /// True `percent` times in a hundred; false on a used-up tape.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) >= 100 - percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Deepest selection the generator nests (the server allows 15; deep nesting is the
/// query-string property's job).
const MAX_DEPTH: usize = 5;

/// Most fragments one document defines.
const MAX_FRAGMENTS: usize = 4;

/// Builds one request from a tape. Half the documents are *clean*: they should pass
/// validation, so that they execute and reach the resolvers, services and database with
/// odd but well-typed values. The other half are *noisy*: every rule may be broken on
/// purpose (unknown fields, types, fragments and directives, wrong value types,
/// undeclared and unused variables, circular fragments, conflicting aliases, several
/// operations without a name to pick).
struct DocumentGenerator<'t> {
    schema: &'static SchemaModel,
    tape: Tape<'t>,
    noisy: bool,
    /// Every variable declared, over all operations.
    variables: Vec<(String, Type)>,
    fragments: Vec<Fragment>,
    /// The variables used by each operation or fragment being generated, innermost last.
    scopes: Vec<BTreeSet<usize>>,
    /// Fragments being generated: spreading one of them again would be a cycle.
    open: Vec<usize>,
    /// Response names taken in each selection set being generated, innermost last.
    levels: Vec<BTreeSet<String>>,
    aliases: usize,
}

struct Fragment {
    on: String,
    body: String,
    variables: BTreeSet<usize>,
}

impl<'t> DocumentGenerator<'t> {
    fn new(choices: &'t [u32]) -> Self {
        Self {
            schema: &SCHEMA,
            tape: Tape { choices, at: 0 },
            noisy: false,
            variables: Vec::new(),
            fragments: Vec::new(),
            scopes: Vec::new(),
            open: Vec::new(),
            levels: Vec::new(),
            aliases: 0,
        }
    }

    /// True `percent` times in a hundred in a noisy document, never in a clean one.
    fn noise(&mut self, percent: usize) -> bool {
        self.noisy && self.tape.chance(percent)
    }

    fn request(mut self) -> GraphqlRequest {
        self.noisy = self.tape.chance(50);
        let operation_count = if self.tape.chance(15) {
            2 + self.tape.below(2)
        } else {
            1
        };
        let mut names = Vec::new();
        let mut definitions = Vec::new();
        for i in 0..operation_count {
            let (keyword, root) = match self.tape.below(20) {
                0..=16 => ("query", self.schema.query.clone()),
                17 | 18 => ("mutation", self.schema.mutation.clone()),
                _ if self.noisy => ("subscription", self.schema.subscription.clone()),
                _ => ("query", self.schema.query.clone()),
            };
            let name = if operation_count == 1 && !self.tape.chance(30) {
                None
            } else if self.noise(10) {
                Some("Op".to_string())
            } else {
                Some(format!("Op{i}"))
            };
            self.scopes.push(BTreeSet::new());
            let directives = if self.noise(10) {
                self.directives()
            } else {
                String::new()
            };
            let selection = self.selection_set(&root, 1);
            let mut used = self.scopes.pop().unwrap_or_default();
            if self.noise(15) {
                // Declared but unused, of any type, perhaps a name declared twice.
                let name = format!("v{}", self.variables.len());
                let ty = self.variable_type();
                self.variables.push((name, ty));
                used.insert(self.variables.len() - 1);
                if self.tape.chance(30) {
                    used.insert(0);
                }
            }
            let variables = self.variable_definitions(&used);
            let shorthand = keyword == "query"
                && name.is_none()
                && variables.is_empty()
                && directives.is_empty()
                && !self.tape.chance(30);
            definitions.push(if shorthand {
                selection
            } else {
                format!(
                    "{keyword} {}{variables}{directives} {selection}",
                    name.as_deref().unwrap_or_default()
                )
            });
            names.extend(name);
        }
        for (i, fragment) in self.fragments.iter().enumerate() {
            definitions.push(format!(
                "fragment F{i} on {} {}",
                fragment.on, fragment.body
            ));
        }
        if self.noise(5) {
            definitions.push("fragment Unused on Person { id }".into());
        }
        if self.noise(5) && !self.fragments.is_empty() {
            definitions.push("fragment F0 on Query { __typename }".into());
        }
        if self.tape.chance(10) {
            let at = self.tape.below(definitions.len());
            definitions.swap(0, at);
        }
        let variables = self.variable_values();
        let operation_name = if self.noise(15) {
            match self.tape.below(3) {
                0 => None,
                1 => Some("Nope".to_string()),
                _ => Some(String::new()),
            }
        } else if operation_count > 1 || self.tape.chance(20) {
            names.get(self.tape.below(names.len().max(1))).cloned()
        } else {
            None
        };
        GraphqlRequest {
            query: definitions.join("\n"),
            variables,
            operation_name,
        }
    }

    /// `($v0: Int, …)` for the variables an operation uses.
    fn variable_definitions(&mut self, used: &BTreeSet<usize>) -> String {
        if used.is_empty() {
            return String::new();
        }
        let mut definitions = Vec::new();
        for &index in used {
            let (name, ty) = self.variables[index].clone();
            let default = if self.tape.chance(10) {
                format!(" = {}", self.value(&ty, 0, true).graphql())
            } else {
                String::new()
            };
            let directives = if self.noise(3) {
                " @skip(if: true)"
            } else {
                ""
            };
            definitions.push(format!("${name}: {ty}{default}{directives}"));
        }
        format!("({})", definitions.join(", "))
    }

    /// Any type, for a noisy variable: mostly an input type, sometimes an output type or
    /// no type at all.
    fn variable_type(&mut self) -> Type {
        let name = match self.tape.below(20) {
            0..=16 => self.tape.pick(&self.schema.inputs).clone(),
            17 => self.tape.pick(&self.schema.composite).clone(),
            18 => "Nope".to_string(),
            _ => "Int".to_string(),
        };
        let mut ty = ty(&name, !self.tape.chance(40));
        if self.tape.chance(15) {
            ty = Type {
                base: BaseType::List(Box::new(ty)),
                nullable: !self.tape.chance(40),
            };
        }
        ty
    }

    /// A use of a variable in a place of type `ty`: one declared with that type (a new one
    /// or one already declared), or in a noisy document any variable or an undeclared one.
    fn variable(&mut self, ty: &Type) -> Lit {
        if self.noise(15) {
            if self.variables.is_empty() || self.tape.chance(40) {
                return Lit::Var("undeclared".into());
            }
            let index = self.tape.below(self.variables.len());
            self.use_variable(index);
            return Lit::Var(self.variables[index].0.clone());
        }
        let wanted = ty.to_string();
        let same: Vec<usize> = (0..self.variables.len())
            .filter(|&i| self.variables[i].1.to_string() == wanted)
            .collect();
        let index = if !same.is_empty() && self.tape.chance(50) {
            *self.tape.pick(&same)
        } else {
            self.variables
                .push((format!("v{}", self.variables.len()), ty.clone()));
            self.variables.len() - 1
        };
        self.use_variable(index);
        Lit::Var(self.variables[index].0.clone())
    }

    fn use_variable(&mut self, index: usize) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(index);
        }
    }

    /// A type condition for a fragment inside a selection on `on`.
    fn condition(&mut self, on: &str) -> String {
        if self.noise(30) {
            return match self.tape.below(4) {
                0 => self
                    .tape
                    .pick(&["Nope", "String", "PersonInput", "MeetingKind"])
                    .to_string(),
                _ => self.tape.pick(&self.schema.composite).clone(),
            };
        }
        let conditions = self.schema.conditions(on);
        self.tape.pick(&conditions).clone()
    }

    fn selection_set(&mut self, on: &str, depth: usize) -> String {
        if self.noise(2) {
            return "{ }".into();
        }
        self.levels.push(BTreeSet::new());
        let items = self.selections(on, depth);
        self.levels.pop();
        format!("{{ {items} }}")
    }

    /// One to three selections, in the selection set on top of `levels`.
    fn selections(&mut self, on: &str, depth: usize) -> String {
        let count = 1 + self.tape.below(3);
        let items: Vec<String> = (0..count).map(|_| self.selection(on, depth)).collect();
        items.join(" ")
    }

    fn selection(&mut self, on: &str, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "__typename".into();
        }
        match self.tape.below(20) {
            0..=13 => self.field(on, depth),
            14 => format!("__typename{}", self.directives()),
            15 if self.noisy => self
                .tape
                .pick(&[
                    "nope",
                    "nope { id }",
                    "__typename(x: 1)",
                    "id { id }",
                    "__schema { queryType { name } }",
                    "__type(name: 1) { name }",
                ])
                .to_string(),
            15 if on == self.schema.query => self
                .tape
                .pick(&[
                    "__schema { queryType { name } types { name kind } }",
                    "__type(name: \"Person\") { name fields { name type { name kind } } }",
                    "__type(name: \"Nope\") { name }",
                ])
                .to_string(),
            15 => "__typename".into(),
            16 | 17 => {
                let condition = if self.tape.chance(30) {
                    None
                } else {
                    Some(self.condition(on))
                };
                let directives = self.directives();
                // An inline fragment's fields share the enclosing selection set.
                let body = self.selections(condition.as_deref().unwrap_or(on), depth + 1);
                match condition {
                    Some(c) => format!("... on {c}{directives} {{ {body} }}"),
                    None => format!("...{directives} {{ {body} }}"),
                }
            }
            _ => self.spread(on, depth),
        }
    }

    /// A fragment spread: of a fragment on `on` defined earlier, or of a new one; in a
    /// noisy document also of any fragment (circular spreads included) or an undefined one.
    fn spread(&mut self, on: &str, depth: usize) -> String {
        let index = if self.noise(15) {
            None
        } else if self.noise(30) && !self.fragments.is_empty() {
            Some(self.tape.below(self.fragments.len()))
        } else {
            let reusable: Vec<usize> = (0..self.fragments.len())
                .filter(|i| self.fragments[*i].on == on && !self.open.contains(i))
                .collect();
            if !reusable.is_empty() && self.tape.chance(50) {
                Some(*self.tape.pick(&reusable))
            } else if self.fragments.len() < MAX_FRAGMENTS {
                Some(self.fragment(on, depth))
            } else {
                return self.field(on, depth);
            }
        };
        let Some(index) = index else {
            return format!("...Missing{}", self.directives());
        };
        let used = self.fragments[index].variables.clone();
        for variable in used {
            self.use_variable(variable);
        }
        format!("...F{index}{}", self.directives())
    }

    /// Defines a new fragment on `on`; its body is generated at once.
    fn fragment(&mut self, on: &str, depth: usize) -> usize {
        let index = self.fragments.len();
        self.fragments.push(Fragment {
            on: on.to_string(),
            body: String::new(),
            variables: BTreeSet::new(),
        });
        self.open.push(index);
        self.scopes.push(BTreeSet::new());
        let body = self.selection_set(on, depth);
        let variables = self.scopes.pop().unwrap_or_default();
        self.open.pop();
        self.fragments[index].body = body;
        self.fragments[index].variables = variables;
        index
    }

    fn field(&mut self, on: &str, depth: usize) -> String {
        let schema = self.schema;
        let fields = schema.fields(on);
        if fields.is_empty() {
            return "__typename".into();
        }
        let field = self.tape.pick(fields);
        let taken = self
            .levels
            .last()
            .is_some_and(|names| names.contains(&field.name));
        let alias = if self.noise(10) {
            // Perhaps a response name another field already has.
            Some(
                self.tape
                    .pick(&["a", "b", "id", "name", "__typename"])
                    .to_string(),
            )
        } else if taken || self.tape.chance(5) {
            self.aliases += 1;
            Some(format!("a{}", self.aliases))
        } else {
            None
        };
        if let Some(names) = self.levels.last_mut() {
            names.insert(alias.clone().unwrap_or_else(|| field.name.clone()));
        }
        let arguments = self.arguments(&field.args);
        let directives = self.directives();
        let inner = named(&field.ty);
        let selection = if schema.is_composite(inner) {
            if self.noise(5) {
                String::new()
            } else if depth >= MAX_DEPTH {
                " { __typename }".into()
            } else {
                format!(" {}", self.selection_set(inner, depth + 1))
            }
        } else if self.noise(5) {
            " { id }".into()
        } else {
            String::new()
        };
        let alias = alias.map(|a| format!("{a}: ")).unwrap_or_default();
        format!("{alias}{}{arguments}{directives}{selection}", field.name)
    }

    fn arguments(&mut self, args: &[InputShape]) -> String {
        let mut parts = Vec::new();
        for arg in args {
            let include = if arg.required() {
                !self.noise(15)
            } else {
                self.tape.chance(35)
            };
            if include {
                let value = self.value(&arg.ty, 0, false).graphql();
                parts.push(format!("{}: {value}", arg.name));
            }
        }
        if self.noise(8) {
            parts.push(format!("nope: {}", self.wild(1).graphql()));
        }
        if !parts.is_empty() && self.noise(5) {
            parts.push(parts[0].clone());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("({})", parts.join(", "))
        }
    }

    fn directives(&mut self) -> String {
        if !self.tape.chance(12) {
            return String::new();
        }
        let count = if self.noise(10) {
            6
        } else {
            1 + self.tape.below(2)
        };
        let first = self.tape.below(2);
        let mut out = String::new();
        for i in 0..count {
            let name = if self.noise(30) {
                *self
                    .tape
                    .pick(&["deprecated", "nope", "specifiedBy", "skip", "include"])
            } else {
                // Each at most once unless noisy: they are not repeatable.
                ["skip", "include"][(first + i) % 2]
            };
            let args = match self.tape.below(10) {
                8 if self.noisy => String::new(),
                9 if self.noisy => "(if: true, if: false)".into(),
                _ => format!(
                    "(if: {})",
                    self.value(&ty("Boolean", false), 0, false).graphql()
                ),
            };
            out.push_str(&format!(" @{name}{args}"));
        }
        out
    }

    /// A value for `ty`: of that type in a clean document, often not in a noisy one.
    /// `constant`: no variables (a default value, or the variables' own values).
    fn value(&mut self, ty: &Type, depth: usize, constant: bool) -> Lit {
        if !constant && self.tape.chance(8) {
            return self.variable(ty);
        }
        if self.noise(8) {
            return self.wild(depth);
        }
        if ty.nullable && self.tape.chance(5) {
            return Lit::Null;
        }
        match &ty.base {
            BaseType::List(inner) => {
                if self.tape.chance(25) {
                    // A single value where a list is expected is coerced to a list of one.
                    self.value(inner, depth + 1, constant)
                } else {
                    let count = self.tape.below(4);
                    Lit::List(
                        (0..count)
                            .map(|_| self.value(inner, depth + 1, constant))
                            .collect(),
                    )
                }
            }
            BaseType::Named(name) => self.named_value(name, depth, constant),
        }
    }

    fn named_value(&mut self, name: &str, depth: usize, constant: bool) -> Lit {
        match name {
            "Int" => self.int(),
            "Float" => Lit::raw(self.tape.pick(FLOATS)),
            "Boolean" => Lit::raw(self.tape.pick(&["true", "false"])),
            "String" => self.string(),
            "ID" => match self.tape.below(10) {
                0 => Lit::raw(self.tape.pick(&["1", "0", "-1"])),
                _ => Lit::Str(self.id()),
            },
            "DateTime" if self.noise(20) => Lit::Str(self.tape.pick(BAD_DATE_TIMES).to_string()),
            "DateTime" => Lit::Str(self.tape.pick(DATE_TIMES).to_string()),
            "Date" if self.noise(20) => Lit::Str(self.tape.pick(BAD_DATES).to_string()),
            "Date" => Lit::Str(self.tape.pick(DATES).to_string()),
            _ => {
                let schema = self.schema;
                match schema.types.get(name) {
                    Some(Shape::Enum(values)) => match self.tape.below(20) {
                        0 if self.noisy => Lit::Enum("NOPE".into()),
                        1 if self.noisy => Lit::Str(self.tape.pick(values).clone()),
                        _ => Lit::Enum(self.tape.pick(values).clone()),
                    },
                    Some(Shape::Input(fields)) => {
                        let mut members = Vec::new();
                        for field in fields {
                            let include = if field.required() {
                                !self.noise(10)
                            } else {
                                depth < 3 && self.tape.chance(40)
                            };
                            if include {
                                let value = self.value(&field.ty, depth + 1, constant);
                                members.push((field.name.clone(), value));
                            }
                        }
                        if self.noise(8) {
                            members.push(("nope".into(), self.wild(depth + 1)));
                        }
                        Lit::Object(members)
                    }
                    _ => self.string(),
                }
            }
        }
    }

    fn int(&mut self) -> Lit {
        if self.noise(10) {
            return Lit::raw(self.tape.pick(&[
                "2147483648",
                "-2147483649",
                "9223372036854775807",
                "18446744073709551616",
                "99999999999999999999999999999999",
                "1.5",
                "1e3",
            ]));
        }
        if self.tape.chance(15) {
            return Lit::raw(self.tape.pick(&[
                "2147483647",
                "-2147483648",
                "-1",
                "101",
                "481",
                "1000000",
            ]));
        }
        Lit::raw(
            self.tape
                .pick(&["1", "2", "0", "3", "5", "20", "10", "100"]),
        )
    }

    /// A value of any type.
    fn wild(&mut self, depth: usize) -> Lit {
        match self.tape.below(if depth > 3 { 6 } else { 8 }) {
            0 => Lit::Null,
            1 => self.int(),
            2 => Lit::raw(self.tape.pick(FLOATS)),
            3 => self.string(),
            4 => Lit::raw("true"),
            5 => Lit::Enum(
                self.tape
                    .pick(&["DIRECT", "HELD", "WEEK", "NOPE"])
                    .to_string(),
            ),
            6 => Lit::List(vec![self.wild(depth + 1), self.wild(depth + 1)]),
            _ => Lit::Object(vec![
                ("externalId".into(), self.wild(depth + 1)),
                ("nope".into(), self.wild(depth + 1)),
            ]),
        }
    }

    fn string(&mut self) -> Lit {
        match self.tape.below(12) {
            0..=8 => Lit::Str(self.tape.pick(STRINGS).to_string()),
            9 => Lit::Str("x".repeat(1 + self.tape.below(20_000))),
            // Escapes that JSON and GraphQL read alike: lone surrogates, NUL, BOM.
            10 => Lit::raw(self.tape.pick(&[
                r#""\u0000""#,
                r#""\uFEFF""#,
                r#""\uD800""#,
                r#""\uDFFF\uD800""#,
            ])),
            // GraphQL-only forms (in variables they make the body invalid JSON).
            _ if self.noisy => Lit::raw(self.tape.pick(&[
                r#""""block string""""#,
                r#""\u{1F600}""#,
                r#""\u{110000}""#,
                r#""\u{D800}""#,
                r#""\q""#,
            ])),
            _ => Lit::Str(String::new()),
        }
    }

    fn id(&mut self) -> String {
        const KINDS: &[&str] = &[
            "Person",
            "Person",
            "Team",
            "Meeting",
            "AgendaTemplate",
            "AgendaItem",
            "ActionItem",
        ];
        const NUMBERS: &[&str] = &[
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "0",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "1.5",
            "",
            "abc",
        ];
        if !self.noisy && self.tape.chance(60) {
            // Someone in the small org.
            return URL_SAFE_NO_PAD.encode(format!("Person:{}", 1 + self.tape.below(9)));
        }
        match self.tape.below(10) {
            0..=7 => {
                let kind = self.tape.pick(KINDS);
                let n = self.tape.pick(NUMBERS);
                URL_SAFE_NO_PAD.encode(format!("{kind}:{n}"))
            }
            8 => URL_SAFE_NO_PAD.encode(self.tape.pick(&["Nope:1", ":", "Person", "Person:1:2"])),
            _ => self
                .tape
                .pick(&["", "!!!", "UGVyc29uOjE=", "dev1", "Person:1", "=", "\u{0}"])
                .to_string(),
        }
    }

    /// Values for the declared variables (of their types in a clean document), sometimes
    /// with nullable ones left out; in a noisy one also missing, mistyped and undeclared.
    fn variable_values(&mut self) -> Option<String> {
        if self.noise(3) {
            return Some("null".into());
        }
        if self.variables.is_empty() && !self.noise(10) {
            return None;
        }
        let mut members = Vec::new();
        let declared = self.variables.clone();
        for (name, ty) in &declared {
            let leave_out = if ty.nullable {
                self.tape.chance(10)
            } else {
                self.noise(10)
            };
            if !leave_out {
                members.push((name.clone(), self.value(ty, 0, true)));
            }
        }
        if self.noise(10) {
            members.push(("undeclared".into(), self.wild(0)));
        }
        Some(Lit::Object(members).json())
    }
}

/// A GraphQL input value that renders as a literal or, for variables, as JSON.
enum Lit {
    Null,
    /// Text valid as is in both syntaxes (or meant to be invalid in one).
    Raw(String),
    Str(String),
    Enum(String),
    List(Vec<Lit>),
    Object(Vec<(String, Lit)>),
    Var(String),
}

impl Lit {
    fn raw(text: impl AsRef<str>) -> Self {
        Lit::Raw(text.as_ref().to_string())
    }

    fn graphql(&self) -> String {
        match self {
            Lit::Null => "null".into(),
            Lit::Raw(text) => text.clone(),
            // JSON's string escapes are valid GraphQL string escapes.
            Lit::Str(s) => json_string(s),
            Lit::Enum(e) => e.clone(),
            Lit::List(items) => {
                let items: Vec<String> = items.iter().map(Lit::graphql).collect();
                format!("[{}]", items.join(", "))
            }
            Lit::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.graphql()))
                    .collect();
                format!("{{{}}}", members.join(", "))
            }
            Lit::Var(name) => format!("${name}"),
        }
    }

    fn json(&self) -> String {
        match self {
            Lit::Null | Lit::Var(_) => "null".into(),
            Lit::Raw(text) => text.clone(),
            Lit::Str(s) | Lit::Enum(s) => json_string(s),
            Lit::List(items) => {
                let items: Vec<String> = items.iter().map(Lit::json).collect();
                format!("[{}]", items.join(","))
            }
            Lit::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), v.json()))
                    .collect();
                format!("{{{}}}", members.join(","))
            }
        }
    }
}

const FLOATS: &[&str] = &[
    "0.5",
    "1",
    "-1.5",
    "0.0",
    "1e10",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "5e-324",
];

const STRINGS: &[&str] = &[
    "dev1",
    "",
    "ceo",
    "Dana",
    "em1",
    "%",
    "_",
    "a%_\\",
    "\\",
    "\"",
    "é",
    "😀",
    "\u{202E}rtl",
    "\0",
    "' OR 1=1 --",
    "\r\n",
    "Europe/London",
    "Not/AZone",
    "dev1@example.com",
];

/// Instants that parse, ordinary ones and the edges of what chrono can hold.
const DATE_TIMES: &[&str] = &[
    "2024-01-01T00:00:00Z",
    "2023-06-15T12:30:00+02:00",
    "2020-01-01T00:00:00Z",
    "2030-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "1900-01-01T00:00:00-14:00",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "+262142-12-31T23:59:59Z",
    "+262142-12-20T00:00:00Z",
    "-262143-01-01T00:00:00Z",
    "2024-02-29T23:59:60Z",
];

const BAD_DATE_TIMES: &[&str] = &[
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "+262143-12-31T23:59:59.999999999Z",
    "-262144-01-01T00:00:00Z",
    "2024-01-01",
    "now",
    "",
];

const DATES: &[&str] = &[
    "2024-01-01",
    "2020-02-29",
    "2019-06-30",
    "2030-12-31",
    "9999-12-31",
    "0000-01-01",
    "+262142-12-31",
    "-262143-01-01",
];

const BAD_DATES: &[&str] = &[
    "2021-02-29",
    "2024-1-1",
    "+262143-12-31",
    "-262144-01-01",
    "",
];

// ---------------------------------------------------------------------------------------
// (2) Raw query strings
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum QueryText {
    Text(String),
    /// Bytes, not necessarily UTF-8, sent percent-encoded in a GET.
    Bytes(Vec<u8>),
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "...",
    "$",
    "@",
    "!",
    "=",
    "|",
    "&",
    ",",
    "query",
    "mutation",
    "subscription",
    "fragment",
    "on",
    "F",
    "Person",
    "viewer",
    "people",
    "person",
    "node",
    "id",
    "name",
    "first",
    "after",
    "reports",
    "directReports",
    "meetings",
    "__typename",
    "__schema",
    "skip",
    "include",
    "if",
    "true",
    "false",
    "null",
    "1",
    "-1",
    "2147483648",
    "1.5e308",
    "1e400",
    "\"s\"",
    "\"\"\"block\"\"\"",
    "\"unterminated",
    "\"\\u{110000}\"",
    "\"\\uD800\"",
    "#comment\n",
    "\u{FEFF}",
    "\t",
    "\n",
    "\0",
    "$v",
    "@skip(if: true)",
    "...F",
    "fragment F on Person { ...F }",
    "é",
];

fn query_text() -> impl Strategy<Value = QueryText> {
    let soup = prop::collection::vec((prop::sample::select(TOKENS), any::<bool>()), 0..80)
        .prop_map(|tokens| {
            tokens
                .into_iter()
                .map(|(t, space)| {
                    if space {
                        format!("{t} ")
                    } else {
                        t.to_string()
                    }
                })
                .collect::<String>()
        });
    let deep = (1usize..400, 0..4usize).prop_map(|(n, kind)| match kind {
        0 => format!(
            "{{{}{}",
            "viewer { manager ".repeat(n),
            "}".repeat(2 * n + 1)
        ),
        1 => format!(
            "{{ people(filter: {}1{}) {{ totalCount }} }}",
            "[".repeat(n),
            "]".repeat(n)
        ),
        2 => format!(
            "{{{}__typename{}",
            " ... on Query {".repeat(n),
            "}".repeat(n + 1)
        ),
        _ => "{".repeat(n),
    });
    let edited = (
        prop::sample::select(DOCUMENTS),
        prop::collection::vec((any::<usize>(), 0..3u8, prop::sample::select(TOKENS)), 1..6),
    )
        .prop_map(|(document, edits)| {
            let mut chars: Vec<char> = document.chars().collect();
            for (at, kind, token) in edits {
                let at = at % (chars.len() + 1);
                match kind {
                    0 => {
                        chars.splice(at..at, token.chars());
                    }
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ => {
                        let end = (at + 8).min(chars.len());
                        let copy: Vec<char> = chars[at..end].to_vec();
                        chars.splice(at..at, copy);
                    }
                }
            }
            chars.into_iter().collect::<String>()
        });
    prop_oneof![
        3 => any::<String>().prop_map(QueryText::Text),
        4 => soup.prop_map(QueryText::Text),
        2 => deep.prop_map(QueryText::Text),
        4 => edited.prop_map(QueryText::Text),
        1 => prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| QueryText::Text(String::from_utf8_lossy(&b).into_owned())),
        2 => prop::collection::vec(any::<u8>(), 0..200).prop_map(QueryText::Bytes),
    ]
}

// ---------------------------------------------------------------------------------------
// (3) Random JSON variables
// ---------------------------------------------------------------------------------------

/// Valid documents declaring variables of every kind of input type.
const DOCUMENTS: &[&str] = &[
    "{ __typename }",
    "{ viewer { name manager { name } directReports { totalCount } } }",
    "query($id: ID!) { person(id: $id) { name } node(id: $id) { id } }",
    "query($first: Int, $after: String, $f: PersonFilter) { people(first: $first, after: $after, \
     filter: $f) { totalCount nodes { externalId } pageInfo { endCursor } } }",
    "query($x: String!, $at: DateTime, $depth: Int, $first: Int) { personByExternalId(externalId: \
     $x) { reports(asOf: $at, depth: $depth, first: $first) { totalCount } managementChain(asOf: \
     $at) { name } peers(asOf: $at) { totalCount } active(asOf: $at) } }",
    "query($f: MeetingFilter, $first: Int, $after: String) { meetings(filter: $f, first: $first, \
     after: $after) { totalCount nodes { kind } } }",
    "query($m: ID!, $from: DateTime!, $to: DateTime!, $i: TrendInterval!) { coverageTrend(\
     managerId: $m, from: $from, to: $to, interval: $i) { at directCoverage } }",
    "query($m: ID!, $at: DateTime, $first: Int) { coverageReport(managerId: $m, asOf: $at) { \
     directCoverage overdue { daysOverdue } } overdueOneOnOnes(managerId: $m, asOf: $at, first: \
     $first) { totalCount } }",
    "query($kind: MeetingKind!, $p: ID!, $w: ID) { effectiveCadencePolicy(kind: $kind, \
     personId: $p, withPersonId: $w) { everyDays required scope } }",
    "query($since: DateTime, $until: DateTime, $kind: MeetingKind) { viewer { meetsWith(since: \
     $since, until: $until, kind: $kind) { totalCount nodes { count } } } }",
    "mutation($people: [PersonInput!]!) { upsertPeople(input: { people: $people }) { created \
     updated } }",
    "mutation($teams: [TeamInput!]!) { upsertTeams(input: { teams: $teams }) { created } }",
    "mutation($input: LogMeetingInput!) { logMeeting(input: $input) { created meeting { kind \
     agenda { text } } } }",
    "mutation($input: ImportMeetingsInput!) { importMeetings(input: $input) { created } }",
    "mutation($input: SetCadencePolicyInput!) { setCadencePolicy(input: $input) { policy { \
     kind everyDays } } }",
    "mutation($input: AgendaTemplateInput!) { createAgendaTemplate(input: $input) { template { \
     id } } }",
    "mutation($input: RateMeetingInput!) { rateMeeting(input: $input) { meeting { myRating } } }",
];

/// Variable names the documents declare, plus a few they do not.
const VARIABLE_NAMES: &[&str] = &[
    "id", "first", "after", "f", "x", "at", "depth", "m", "from", "to", "i", "kind", "p", "w",
    "since", "until", "people", "teams", "input", "nope", "",
];

/// Member names of the input objects, so that random objects sometimes fit.
const MEMBER_NAMES: &[&str] = &[
    "externalId",
    "name",
    "email",
    "managerExternalId",
    "teamExternalId",
    "startDate",
    "endDate",
    "effectiveFrom",
    "timezone",
    "hostId",
    "guestId",
    "scheduledAt",
    "durationMinutes",
    "status",
    "kind",
    "agenda",
    "text",
    "category",
    "meetingId",
    "rating",
    "everyDays",
    "required",
    "managerId",
    "pair",
    "nameContains",
    "personId",
    "from",
    "to",
    "items",
    "meetings",
    "people",
];

/// JSON text with numbers kept as written.
#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn render(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.clone(),
            Json::Str(s) => json_string(s),
            Json::Array(items) => {
                let items: Vec<String> = items.iter().map(Json::render).collect();
                format!("[{}]", items.join(","))
            }
            Json::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), v.render()))
                    .collect();
                format!("{{{}}}", members.join(","))
            }
        }
    }
}

fn json_number() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<i32>().prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        2 => prop::sample::select(&[
            "0", "-0", "1", "5", "20", "100", "2147483648", "-2147483649",
            "123456789012345678901234567890", "1e400", "-1e400", "1E-400", "0.1", "1.0",
            "9007199254740993", "1e2",
        ][..])
        .prop_map(str::to_string),
    ]
}

fn json_string_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(STRINGS).prop_map(str::to_string),
        2 => prop::sample::select(DATE_TIMES).prop_map(str::to_string),
        1 => prop::sample::select(DATES).prop_map(str::to_string),
        2 => prop::sample::select(&[
            "DIRECT", "SKIP_LEVEL", "HELD", "SCHEDULED", "WEEK", "MONTH", "TACTICAL", "ORG",
            "nope",
        ][..])
        .prop_map(str::to_string),
        2 => (prop::sample::select(&["Person", "Team", "Meeting", "AgendaTemplate", "Nope"][..]),
              -2i64..12)
            .prop_map(|(kind, n)| URL_SAFE_NO_PAD.encode(format!("{kind}:{n}"))),
        2 => any::<String>(),
        1 => (0usize..100_000).prop_map(|n| "é".repeat(n)),
    ]
}

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(MEMBER_NAMES).prop_map(str::to_string),
        1 => prop::sample::select(VARIABLE_NAMES).prop_map(str::to_string),
        1 => "[a-zA-Z_$@]{0,12}",
        1 => any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        json_number().prop_map(Json::Number),
        json_string_value().prop_map(Json::Str),
    ];
    let tree = leaf.clone().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((json_key(), inner), 0..6).prop_map(Json::Object),
        ]
    });
    // Nesting around the recursion limits of serde_json (128) and of the checks after it.
    let deep = (1usize..300, leaf, any::<bool>()).prop_map(|(depth, leaf, arrays)| {
        (0..depth).fold(leaf, |inner, _| {
            if arrays {
                Json::Array(vec![inner])
            } else {
                Json::Object(vec![("people".into(), inner)])
            }
        })
    });
    prop_oneof![8 => tree, 1 => deep]
}

fn variables() -> impl Strategy<Value = Json> {
    prop_oneof![
        8 => prop::collection::vec(
            (prop::sample::select(VARIABLE_NAMES).prop_map(str::to_string), json_value()),
            0..6,
        )
        .prop_map(Json::Object),
        1 => prop::collection::vec((json_key(), json_value()), 0..4).prop_map(Json::Object),
    ]
}

// ---------------------------------------------------------------------------------------
// (4) Request bodies
// ---------------------------------------------------------------------------------------

fn request_object() -> impl Strategy<Value = Json> {
    let query = prop_oneof![
        4 => prop::sample::select(DOCUMENTS).prop_map(|q| Json::Str(q.into())),
        1 => json_value(),
    ];
    let member = prop_oneof![
        4 => Just("query".to_string()),
        2 => Just("variables".to_string()),
        2 => Just("operationName".to_string()),
        2 => Just("extensions".to_string()),
        1 => json_key(),
    ];
    (query, prop::collection::vec((member, json_value()), 0..4)).prop_map(|(query, rest)| {
        let mut members = vec![("query".to_string(), query)];
        members.extend(rest);
        Json::Object(members)
    })
}

fn request_body() -> impl Strategy<Value = Bytes> {
    let text = |json: Json| Bytes(json.render().into_bytes());
    prop_oneof![
        6 => request_object().prop_map(text),
        3 => prop::collection::vec(request_object(), 0..6).prop_map(move |r| text(Json::Array(r))),
        3 => json_value().prop_map(text),
        2 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Bytes),
        2 => (request_object(), any::<usize>(), 0..4u8).prop_map(|(request, at, how)| {
            let mut body = request.render().into_bytes();
            let at = at % (body.len() + 1);
            match how {
                0 => body.truncate(at),
                1 => body.splice(0..0, "\u{FEFF}".bytes()).for_each(drop),
                2 => body.splice(at..at, [0xff, 0xfe]).for_each(drop),
                _ => body.extend_from_slice(b"}{\"query\":\"{ __typename }\"}"),
            }
            Bytes(body)
        }),
        1 => prop::sample::select(&["", " ", "null", "[]", "{}", "\"{ __typename }\"", "[[]]", "[null]"][..])
            .prop_map(|b| Bytes(b.as_bytes().to_vec())),
        // Just over the 4 MiB body limit, and a valid request just under it.
        1 => prop::bool::ANY.prop_map(|over| {
            let limit = LimitSettings::default().body_limit;
            Bytes(padded_request(if over { limit + 1 } else { limit - 64 }))
        }),
    ]
}

fn accept_choice() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(
        &[
            None,
            Some("application/json"),
            Some("application/graphql-response+json"),
        ][..],
    )
}

// ---------------------------------------------------------------------------------------
// (5) Header values
// ---------------------------------------------------------------------------------------

const MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/graphql-response+json",
    "*/*",
    "application/*",
    "text/html",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/graphql",
    "APPLICATION/JSON",
    "application/jsonx",
    "application/json; charset=utf-16",
    "",
];

const Q_VALUES: &[&str] = &[
    "1", "0", "0.5", "1.0", "0.001", "NaN", "inf", "-1", "2", "1e999", "abc", "", "0.0", "-0",
];

/// A byte a header value may hold (visible ASCII, space, tab, obs-text).
fn header_byte() -> impl Strategy<Value = u8> {
    prop_oneof![8 => 0x20u8..0x7f, 1 => Just(b'\t'), 1 => 0x80u8..=0xff]
}

fn media_header() -> impl Strategy<Value = Bytes> {
    let listed = prop::collection::vec(
        (
            prop::sample::select(MEDIA_TYPES),
            prop::option::of(prop::sample::select(Q_VALUES)),
            prop::sample::select(&["", ";charset=utf-8", ";;", "; q", ";q=1;q=0"][..]),
        ),
        1..5,
    )
    .prop_map(|ranges| {
        let ranges: Vec<String> = ranges
            .into_iter()
            .map(|(media, q, extra)| match q {
                Some(q) => format!("{media}{extra};q={q}"),
                None => format!("{media}{extra}"),
            })
            .collect();
        Bytes(ranges.join(", ").into_bytes())
    });
    prop_oneof![
        3 => prop::sample::select(MEDIA_TYPES).prop_map(|m| Bytes(m.as_bytes().to_vec())),
        3 => listed,
        2 => prop::collection::vec(header_byte(), 0..100).prop_map(Bytes),
    ]
}

fn authorization() -> impl Strategy<Value = Authorization> {
    let raw = prop_oneof![
        prop::sample::select(&[
            "Bearer ",
            "Bearer",
            "Bearer x.y.z",
            "Basic ZGV2MTpzZWNyZXQ=",
            "bearer not-a-token",
            // `alg: none`, `sub: ceo`: must be refused, not trusted.
            "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJjZW8iLCJleHAiOjQxMDI0NDQ4MDB9.",
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA",
        ][..])
        .prop_map(|v| Bytes(v.as_bytes().to_vec())),
        prop::collection::vec(header_byte(), 0..200).prop_map(|mut v| {
            v.splice(0..0, b"Bearer ".iter().copied());
            Bytes(v)
        }),
    ];
    prop_oneof![
        2 => Just(Authorization::None),
        2 => (TEAM_MEMBER..=INTEGRATION).prop_map(Authorization::Token),
        1 => raw.prop_map(Authorization::Raw),
    ]
}
