//! The harness: one server per property, requests sent from inside proptest, and what makes
//! an answer well-formed.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cadence::config::LimitSettings;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestError, TestRunner};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde_json::Value;
use tokio::runtime::Runtime;

use super::*;
use crate::support::{Backend, Options, TestApp, small_org, spawn_app_with};

/// The fixture's tokens: dev1, their manager em1, ceo as hr_admin, a full-scope integration.
pub(super) const TEAM_MEMBER: usize = 0;
pub(super) const MANAGER: usize = 1;
pub(super) const HR_ADMIN: usize = 2;
pub(super) const INTEGRATION: usize = 3;

/// Statuses a GraphQL request may be answered with.
pub(super) const EXPECTED_STATUSES: [u16; 7] = [200, 400, 405, 406, 413, 415, 429];

pub(super) struct Fuzz {
    pub(super) name: &'static str,
    pub(super) rt: Runtime,
    pub(super) app: TestApp,
    /// No connection reuse: a connection a failing case broke must not fail the next one.
    pub(super) client: reqwest::Client,
    /// Indexed by `TEAM_MEMBER`, `MANAGER`, `HR_ADMIN` and `INTEGRATION`.
    pub(super) tokens: Vec<String>,
    /// Statuses seen, and how many answers carried `data`.
    pub(super) tally: Mutex<(BTreeMap<u16, usize>, usize)>,
    pub(super) started: Instant,
}

impl Fuzz {
    pub(super) fn start(name: &'static str, limits: LimitSettings) -> Self {
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
    pub(super) fn run<S>(&self, strategy: S, batches: bool)
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
    pub(super) fn check(&self, probe: &Probe, batches: bool) -> Result<(), String> {
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
    pub(super) fn id_of(&self, external_id: &str) -> String {
        let answer = self.rt.block_on(self.app.gql(
            Some(&self.app.admin_integration()),
            "query($x: String!) { personByExternalId(externalId: $x) { id } }",
            serde_json::json!({ "x": external_id }),
        ));
        let answer = answer.ok();
        let id = answer.data("/personByExternalId/id");
        id.as_str().expect("an ID").to_string()
    }

    pub(super) async fn send(&self, probe: &Probe) -> Result<Answer, String> {
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

    pub(super) fn count(&self, answer: &Answer) {
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
    pub(super) fn finish(self) {
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
pub(super) struct Probe {
    pub(super) method: Method,
    /// The URL's query string (already encoded).
    pub(super) query_string: Option<Bytes>,
    pub(super) accept: Option<Bytes>,
    pub(super) content_type: Option<Bytes>,
    pub(super) authorization: Authorization,
    /// Sends `GraphQL-Cost: report`.
    pub(super) cost_report: bool,
    pub(super) body: Option<Bytes>,
}

impl Probe {
    pub(super) fn get(authorization: Authorization, query_string: String) -> Self {
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
pub(super) enum Authorization {
    None,
    /// `Bearer` with one of the fixture's valid tokens.
    Token(usize),
    /// Any `Authorization` value.
    Raw(Bytes),
}

/// Bytes shown as (lossy) text, cut short when long.
#[derive(Clone)]
pub(super) struct Bytes(pub(super) Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.0);
        write!(f, "{} bytes: {:?}", self.0.len(), truncated(&text, 600))
    }
}

pub(super) fn truncated(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}… ({} chars in all)", text.chars().count())
}

#[derive(Debug)]
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) body: String,
}

/// `Ok` when `answer` is what a GraphQL server may say: an expected status, a JSON media
/// type and a GraphQL response body (an array of them for a batch).
pub(super) fn well_formed(answer: &Answer, batches: bool) -> Result<(), String> {
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
pub(super) fn graphql_response(body: &Value) -> Result<(), String> {
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
