//! Persisted queries: Apollo's automatic persisted queries (register a document with its
//! hash, then send the hash alone, over POST and GET) and the `--persisted-only` allow-list
//! (only the documents of a directory run, by text or by hash, over HTTP and WebSocket).

use std::path::Path;

use cadence::config::{DatabaseSettings, LimitSettings};
use cadence::http::persisted::sha256_hex;
use cadence::startup::{Application, Settings};
use serde_json::{Value, json};

use crate::db_test;
use crate::support::request::GRAPHQL_RESPONSE_JSON;
use crate::support::{
    Backend, Frame, Options, PROMPTLY, Socket, TestApp, UPSERT_PEOPLE, small_org, spawn_app,
    spawn_app_with,
};

const TYPENAME: &str = "query Typename { __typename }";
const PEOPLE: &str = "query People($first: Int) { people(first: $first) { totalCount } }";
const INTROSPECTION: &str = "query Intro { __schema { queryType { name } } }";

/// `extensions` naming `query` by its SHA-256.
fn apq(query: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256_hex(query) } })
}

/// An HTTP answer.
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    /// The `extensions.code` of the only error.
    fn code(&self) -> &str {
        let errors = self.body["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 1, "{}", self.body);
        errors[0]["extensions"]["code"].as_str().expect("a code")
    }

    /// Refused before execution: `status`, one error with `code`, no `data`.
    fn assert_refused(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.code(), code, "{}", self.body);
        assert!(self.body.get("data").is_none(), "{}", self.body);
    }

    /// Ran without errors; `data`.
    fn data(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.body);
        assert!(self.body.get("errors").is_none(), "{}", self.body);
        &self.body["data"]
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    Answer { status, body }
}

/// POSTs a request object as JSON, with an optional Accept header and token.
async fn post(app: &TestApp, body: Value, accept: Option<&str>, token: Option<&str>) -> Answer {
    let mut request = app.client.post(app.url("/graphql")).json(&body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request.send().await.expect("request")).await
}

/// GETs `/graphql` with URL parameters, as Apollo clients send APQ over GET.
async fn get(app: &TestApp, params: &[(&str, String)]) -> Answer {
    let url = reqwest::Url::parse_with_params(&app.url("/graphql"), params).expect("url");
    answer(app.client.get(url).send().await.expect("request")).await
}

fn options(limits: impl FnOnce(&mut LimitSettings)) -> Options {
    let mut options = Options::default();
    limits(&mut options.limits);
    options
}

/// A directory of `.graphql` documents.
fn documents(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write document");
    }
    dir
}

fn allow_list(dir: &Path) -> Options {
    options(|limits| {
        limits.persisted_only = Some(dir.to_path_buf());
        limits.max_batch = 3;
    })
}

// --- Automatic persisted queries ----------------------------------------------------------

db_test!(apq_registers_a_document_then_runs_it_by_hash_over_post_and_get);
async fn apq_registers_a_document_then_runs_it_by_hash_over_post_and_get(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.admin_integration();
    let by_hash = json!({ "extensions": apq(PEOPLE), "variables": { "first": 1 } });

    // The hash alone is unknown: Apollo clients then retry with the text. 200 either way.
    for accept in [None, Some(GRAPHQL_RESPONSE_JSON)] {
        let unknown = post(&app, by_hash.clone(), accept, Some(&token)).await;
        unknown.assert_refused(200, "PERSISTED_QUERY_NOT_FOUND");
        assert_eq!(
            unknown.body["errors"][0]["message"],
            "PersistedQueryNotFound"
        );
    }

    let registered = post(
        &app,
        json!({ "query": PEOPLE, "extensions": apq(PEOPLE), "variables": { "first": 1 } }),
        None,
        Some(&token),
    )
    .await;
    assert_eq!(registered.data()["people"]["totalCount"], 9);

    let posted = post(&app, by_hash, None, Some(&token)).await;
    assert_eq!(posted.data()["people"]["totalCount"], 9);

    // Over GET: the hash alone, and a registration made over GET.
    let extensions = |query: &str| ("extensions", apq(query).to_string());
    let got = get(&app, &[extensions(TYPENAME)]).await;
    got.assert_refused(200, "PERSISTED_QUERY_NOT_FOUND");
    let got = get(&app, &[("query", TYPENAME.into()), extensions(TYPENAME)]).await;
    assert_eq!(got.data()["__typename"], "Query");
    let got = get(&app, &[extensions(TYPENAME)]).await;
    assert_eq!(got.data()["__typename"], "Query");
    let got = get(
        &app,
        &[
            extensions(PEOPLE),
            ("variables", r#"{"first": 2}"#.into()),
            ("operationName", "People".into()),
        ],
    )
    .await;
    // No token: the stored document ran, and its data field asked for one.
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.code(), "UNAUTHENTICATED");
}

db_test!(a_hash_that_does_not_match_the_text_is_400_and_registers_nothing);
async fn a_hash_that_does_not_match_the_text_is_400_and_registers_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let wrong = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256_hex("{ x }") } });

    for accept in [None, Some(GRAPHQL_RESPONSE_JSON)] {
        let mismatch = post(
            &app,
            json!({ "query": TYPENAME, "extensions": wrong }),
            accept,
            None,
        )
        .await;
        mismatch.assert_refused(400, "BAD_REQUEST");
        assert_eq!(
            mismatch.body["errors"][0]["message"],
            "provided sha does not match query"
        );
    }
    for extensions in [wrong, apq(TYPENAME)] {
        post(&app, json!({ "extensions": extensions }), None, None)
            .await
            .assert_refused(200, "PERSISTED_QUERY_NOT_FOUND");
    }

    let version_two =
        json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256_hex(TYPENAME) } });
    post(
        &app,
        json!({ "query": TYPENAME, "extensions": version_two }),
        None,
        None,
    )
    .await
    .assert_refused(400, "BAD_REQUEST");
}

db_test!(only_documents_that_validate_are_registered);
async fn only_documents_that_validate_are_registered(backend: Backend) {
    let app = spawn_app(backend).await;
    let invalid = "{ noSuchField }";

    let ran = post(
        &app,
        json!({ "query": invalid, "extensions": apq(invalid) }),
        Some(GRAPHQL_RESPONSE_JSON),
        None,
    )
    .await;
    assert_eq!(ran.status, 400, "{}", ran.body);

    post(&app, json!({ "extensions": apq(invalid) }), None, None)
        .await
        .assert_refused(200, "PERSISTED_QUERY_NOT_FOUND");
}

db_test!(documents_found_by_hash_pass_the_same_checks);
async fn documents_found_by_hash_pass_the_same_checks(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.person_token("nobody");
    let mutation = "mutation Up($people: [PersonInput!]!) { \
                    upsertPeople(input: { people: $people }) { created } }";

    // The cost limit prices the stored document with this request's variables.
    post(
        &app,
        json!({ "query": PEOPLE, "extensions": apq(PEOPLE), "variables": { "first": 1 } }),
        None,
        Some(&token),
    )
    .await;
    let costly = post(
        &app,
        json!({ "extensions": apq(PEOPLE), "variables": { "first": 100_000_000 } }),
        Some(GRAPHQL_RESPONSE_JSON),
        Some(&token),
    )
    .await;
    costly.assert_refused(400, "QUERY_TOO_COMPLEX");

    // A mutation registered over POST still needs POST.
    let registered = post(
        &app,
        json!({ "query": mutation, "extensions": apq(mutation), "variables": { "people": [] } }),
        None,
        Some(&token),
    )
    .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let url = reqwest::Url::parse_with_params(
        &app.url("/graphql"),
        &[
            ("extensions", apq(mutation).to_string()),
            ("variables", r#"{"people": []}"#.into()),
        ],
    )
    .unwrap();
    let over_get = app.client.get(url).send().await.unwrap();
    assert_eq!(over_get.status().as_u16(), 405);
    assert_eq!(over_get.headers()["allow"], "POST");
}

db_test!(apq_can_be_turned_off);
async fn apq_can_be_turned_off(backend: Backend) {
    let app = spawn_app_with(backend, options(|limits| limits.apq_cache_entries = 0)).await;

    for body in [
        json!({ "extensions": apq(TYPENAME) }),
        json!({ "query": TYPENAME, "extensions": apq(TYPENAME) }),
    ] {
        post(&app, body, None, None)
            .await
            .assert_refused(200, "PERSISTED_QUERY_NOT_SUPPORTED");
    }
    let plain = post(&app, json!({ "query": TYPENAME }), None, None).await;
    assert_eq!(plain.data()["__typename"], "Query");
}

// --- Allow-list mode ----------------------------------------------------------------------

db_test!(allow_list_runs_known_documents_by_text_or_hash);
async fn allow_list_runs_known_documents_by_text_or_hash(backend: Backend) {
    // Files end with a newline; clients send the text without it.
    let dir = documents(&[
        ("typename.graphql", &format!("{TYPENAME}\n")),
        ("people.graphql", &format!("{PEOPLE}\n")),
        ("upsert-people.graphql", UPSERT_PEOPLE),
        ("notes.txt", "{ ignored }"),
    ]);
    let app = spawn_app_with(backend, allow_list(dir.path())).await;
    app.upsert_people(small_org()).await;
    let token = app.admin_integration();

    for query in [TYPENAME.to_string(), format!("{TYPENAME}\n")] {
        let by_text = post(&app, json!({ "query": query }), None, None).await;
        assert_eq!(by_text.data()["__typename"], "Query");
    }
    let by_hash = post(
        &app,
        json!({ "extensions": apq(PEOPLE), "variables": { "first": 1 } }),
        None,
        Some(&token),
    )
    .await;
    assert_eq!(by_hash.data()["people"]["totalCount"], 9);
    let both = post(
        &app,
        json!({ "query": TYPENAME, "extensions": apq(TYPENAME) }),
        None,
        None,
    )
    .await;
    assert_eq!(both.data()["__typename"], "Query");
    let over_get = get(&app, &[("extensions", apq(TYPENAME).to_string())]).await;
    assert_eq!(over_get.data()["__typename"], "Query");
    let over_get = get(&app, &[("query", TYPENAME.into())]).await;
    assert_eq!(over_get.data()["__typename"], "Query");
}

db_test!(allow_list_refuses_other_documents_and_registers_nothing);
async fn allow_list_refuses_other_documents_and_registers_nothing(backend: Backend) {
    let dir = documents(&[("typename.graphql", TYPENAME)]);
    let app = spawn_app_with(backend, allow_list(dir.path())).await;
    let other = "{ __typename }";

    // 400 whatever the media type: a policy refusal.
    for accept in [None, Some(GRAPHQL_RESPONSE_JSON)] {
        post(&app, json!({ "query": other }), accept, None)
            .await
            .assert_refused(400, "PERSISTED_QUERY_NOT_ALLOWED");
    }
    // APQ registration is refused, and the hash stays unknown.
    post(
        &app,
        json!({ "query": other, "extensions": apq(other) }),
        None,
        None,
    )
    .await
    .assert_refused(400, "PERSISTED_QUERY_NOT_ALLOWED");
    post(&app, json!({ "extensions": apq(other) }), None, None)
        .await
        .assert_refused(400, "PERSISTED_QUERY_NOT_ALLOWED");
    get(&app, &[("query", other.into())])
        .await
        .assert_refused(400, "PERSISTED_QUERY_NOT_ALLOWED");
    // A known hash with other text is a mismatch, not a way in.
    post(
        &app,
        json!({ "query": other, "extensions": apq(TYPENAME) }),
        None,
        None,
    )
    .await
    .assert_refused(400, "BAD_REQUEST");

    // In a batch only the unknown operation is refused.
    let batch = post(
        &app,
        json!([{ "query": TYPENAME }, { "query": other }]),
        None,
        None,
    )
    .await;
    assert_eq!(batch.status, 200, "{}", batch.body);
    assert_eq!(batch.body[0]["data"]["__typename"], "Query");
    assert_eq!(
        batch.body[1]["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_ALLOWED"
    );

    // No GraphiQL: it could not run its own introspection query.
    let page = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_ne!(page.status().as_u16(), 200);
}

db_test!(allow_list_runs_introspection_only_when_listed);
async fn allow_list_runs_introspection_only_when_listed(backend: Backend) {
    let dir = documents(&[("typename.graphql", TYPENAME)]);
    let app = spawn_app_with(backend, allow_list(dir.path())).await;
    post(&app, json!({ "query": INTROSPECTION }), None, None)
        .await
        .assert_refused(400, "PERSISTED_QUERY_NOT_ALLOWED");

    let dir = documents(&[("intro.graphql", INTROSPECTION)]);
    let app = spawn_app_with(backend, allow_list(dir.path())).await;
    let listed = post(&app, json!({ "query": INTROSPECTION }), None, None).await;
    assert_eq!(listed.data()["__schema"]["queryType"]["name"], "Query");
    post(
        &app,
        json!({ "query": "{ __schema { types { name } } }" }),
        None,
        None,
    )
    .await
    .assert_refused(400, "PERSISTED_QUERY_NOT_ALLOWED");
}

db_test!(allow_list_applies_over_websocket);
async fn allow_list_applies_over_websocket(backend: Backend) {
    let dir = documents(&[
        ("typename.graphql", TYPENAME),
        ("upsert-people.graphql", UPSERT_PEOPLE),
    ]);
    let app = spawn_app_with(backend, allow_list(dir.path())).await;
    app.upsert_people(small_org()).await;
    let mut socket = Socket::open(app.port, &app.person_token("dev1")).await;

    let refused = first_answer(&mut socket, "1", json!({ "query": "{ __typename }" })).await;
    let by_hash = first_answer(&mut socket, "2", json!({ "extensions": apq(TYPENAME) })).await;

    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_ALLOWED",
        "{refused}"
    );
    assert_eq!(
        by_hash["payload"]["data"]["__typename"], "Query",
        "{by_hash}"
    );
}

/// Sends `payload` as operation `id` over `socket` and returns its first `next` message;
/// panics on an `error` message or on silence.
async fn first_answer(socket: &mut Socket, id: &str, payload: Value) -> Value {
    socket.send_operation(id, payload).await;
    loop {
        match socket.next(PROMPTLY).await {
            Some(Frame::Message(m)) if m["type"] == "next" && m["id"] == id => return m,
            Some(Frame::Message(m)) => assert_ne!(m["type"], "error", "{m}"),
            other => panic!("no answer to {id}: {other:?}"),
        }
    }
}

// --- Startup ------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_fails_on_an_unusable_directory() {
    let broken = documents(&[
        ("typename.graphql", TYPENAME),
        ("broken.graphql", "query Broken { people { "),
    ]);
    let empty = documents(&[("readme.txt", "no documents here")]);
    let missing = broken.path().join("missing");

    for (dir, expected) in [
        (broken.path(), "broken.graphql"),
        (empty.path(), "no .graphql documents"),
        (missing.as_path(), "missing"),
    ] {
        let db = tempfile::tempdir().unwrap();
        let settings = Settings {
            bind: "127.0.0.1:0".into(),
            workers: Some(1),
            database: DatabaseSettings::new(format!(
                "sqlite://{}?mode=rwc",
                db.path().join("test.db").display()
            )),
            auth: Options::default().auth,
            cors: Default::default(),
            limits: LimitSettings {
                persisted_only: Some(dir.to_path_buf()),
                ..LimitSettings::default()
            },
            explorer: Default::default(),
        };
        let err = match Application::build(settings).await {
            Ok(_) => panic!("{} was accepted", dir.display()),
            Err(err) => format!("{err:#}"),
        };
        assert!(err.contains(expected), "{expected:?} not in {err}");
    }
}
