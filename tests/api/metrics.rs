//! `GET /metrics`: Prometheus text with requests by operation (named, persisted,
//! `anonymous`), outcomes by error code, latency and SQL-statement histograms, pool gauges
//! and rate-limit refusals; `--metrics-bind` serves it on its own address only.
//!
//! The recorder is global to the test process, where many apps run at once: each test
//! uses operation names of its own, or compares a counter before and after.

use cadence::config::DatabaseSettings;
use cadence::http::persisted::sha256_hex;
use cadence::startup::{self, Application, Settings};
use serde_json::json;

use crate::db_test;
use crate::support::request::{Send, post};
use crate::support::{Backend, Options, Org, PROMPTLY, Socket, TestApp, small_org, spawn_app_with};

/// Costs 2 + 10 × (1 + 1) = 22 points.
const COSTS_22: &str = "{ people(first: 10) { nodes { manager { id } } } }";

async fn scrape(client: &reqwest::Client, url: &str) -> String {
    let response = client.get(url).send().await.expect("GET /metrics");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

/// The sum of the samples of `name` whose labels include all of `labels`.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, sample) = line.rsplit_once(' ')?;
            let metric = series.split('{').next()?;
            let wanted = labels
                .iter()
                .all(|(k, v)| series.contains(&format!("{k}=\"{v}\"")));
            (metric == name && wanted).then(|| sample.parse::<f64>().ok())?
        })
        .sum()
}

db_test!(metrics_count_requests_by_operation_outcome_and_statements);
async fn metrics_count_requests_by_operation_outcome_and_statements(backend: Backend) {
    let mut options = Options::default();
    options.limits.rate_limit_capacity = 30;
    options.limits.rate_limit_refill_per_second = 1;
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let url = app.url("/metrics");
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let named = format!("Named{unique}");
    let persisted = format!("Persisted{unique}");
    let before = scrape(&app.client, &url).await;

    // Arrange/act: a named query, an anonymous one, a persisted one, a refused one.
    let query = format!("query {named} {{ viewer {{ id }} }}");
    app.gql(Some(&token), &query, json!({})).await.ok();
    app.gql(Some(&token), "{ viewer { id } }", json!({}))
        .await
        .ok();
    let document = format!("query {persisted} {{ viewer {{ name }} }}");
    let extensions =
        json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256_hex(&document) } });
    let send = || Send {
        token: Some(&token),
        accept: None,
        report: false,
    };
    let registered = post(
        &app,
        send(),
        &json!({ "query": document, "extensions": extensions }),
    )
    .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let by_hash = post(&app, send(), &json!({ "extensions": extensions })).await;
    assert_eq!(by_hash.status, 200, "{}", by_hash.body);
    assert!(by_hash.body.get("errors").is_none(), "{}", by_hash.body);
    let mut refused = 0;
    for _ in 0..3 {
        let reply = post(&app, send(), &json!({ "query": COSTS_22 })).await;
        if reply.status == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 1, "30 points cover one request of 22, not three");

    let after = scrape(&app.client, &url).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    let requests = "cadence_graphql_requests_total";
    assert_eq!(
        value(
            &after,
            requests,
            &[("operation_type", "query"), ("operation", &named)]
        ),
        1.0,
        "{after}"
    );
    assert_eq!(
        value(&after, requests, &[("operation", &persisted)]),
        2.0,
        "registered, then sent by its hash: {after}"
    );
    assert!(grew(requests, &[("operation", "anonymous")]) >= 1.0 + f64::from(refused));
    assert!(!after.contains("{ viewer"), "no document text in labels");
    let outcomes = "cadence_graphql_outcomes_total";
    assert!(grew(outcomes, &[("code", "RATE_LIMITED")]) >= f64::from(refused));
    assert!(grew(outcomes, &[("code", "OK")]) >= 4.0);
    assert!(grew("cadence_rate_limit_refusals_total", &[]) >= f64::from(refused));

    // A real histogram: cumulative buckets, the last one `+Inf`, a count and a sum.
    let duration = "cadence_graphql_request_duration_seconds";
    assert!(
        after.contains(&format!(
            "{duration}_bucket{{operation_type=\"query\",le=\"0.005\"}}"
        )),
        "{after}"
    );
    let inf = value(
        &after,
        &format!("{duration}_bucket"),
        &[("operation_type", "query"), ("le", "+Inf")],
    );
    let count = value(
        &after,
        &format!("{duration}_count"),
        &[("operation_type", "query")],
    );
    assert_eq!(inf, count, "{after}");
    assert!(count >= 5.0, "{after}");
    // The queries read the viewer and the people: statements were counted per request.
    let statements = "cadence_graphql_sql_statements";
    assert!(
        after.contains(&format!("{statements}_bucket{{le=\"1\"}}")),
        "{after}"
    );
    assert!(grew(&format!("{statements}_count"), &[]) >= 5.0);
    assert!(grew(&format!("{statements}_sum"), &[]) >= 3.0, "{after}");
    // The pools: this app's, read at scrape time; test apps read through a pool of
    // their own (a read-only role), reported apart.
    for pool in ["primary", "read"] {
        assert!(
            value(&after, "cadence_db_pool_connections", &[("pool", pool)]) >= 1.0,
            "{pool}: {after}"
        );
    }
    let in_use = value(&after, "cadence_db_pool_connections_in_use", &[]);
    let idle = value(&after, "cadence_db_pool_connections_idle", &[]);
    assert_eq!(
        in_use + idle,
        value(&after, "cadence_db_pool_connections", &[])
    );
}

db_test!(metrics_count_each_batched_socket_and_refused_operation);
async fn metrics_count_each_batched_socket_and_refused_operation(backend: Backend) {
    let mut options = Options::default();
    options.limits.max_batch = 3;
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let (first, second, over_socket) = (
        format!("BatchOne{unique}"),
        format!("BatchTwo{unique}"),
        format!("Socket{unique}"),
    );
    let url = app.url("/graphql");
    let before = scrape(&app.client, &app.url("/metrics")).await;

    // Act: a batch of two (one fails validation), one operation over a socket, and three
    // requests refused before they were read as GraphQL.
    let batch = json!([
        { "query": format!("query {first} {{ viewer {{ id }} }}") },
        { "query": format!("query {second} {{ noSuchField }}") },
    ]);
    let send = Send {
        token: Some(&token),
        accept: None,
        report: false,
    };
    let answered = post(&app, send, &batch).await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    let mut socket = Socket::open(app.port, &token).await;
    let query = format!("query {over_socket} {{ viewer {{ id }} }}");
    socket.send_operation("1", json!({ "query": query })).await;
    let next = socket.next_event(PROMPTLY).await;
    assert!(
        next["payload"]["data"]["viewer"]["id"].is_string(),
        "{next}"
    );
    let refusals = [
        app.client
            .post(&url)
            .header("content-type", "text/plain")
            .body("{}"),
        app.client
            .post(&url)
            .header("content-type", "application/json")
            .body("{not json"),
        app.client
            .post(&url)
            .header("accept", "text/html")
            .json(&json!({ "query": "{ __typename }" })),
    ];
    let mut statuses = Vec::new();
    for refusal in refusals {
        statuses.push(refusal.send().await.expect("send").status().as_u16());
    }
    assert_eq!(statuses, [415, 400, 406]);

    let after = scrape(&app.client, &app.url("/metrics")).await;
    let requests = "cadence_graphql_requests_total";
    let count = |name: &str| {
        value(
            &after,
            requests,
            &[("operation_type", "query"), ("operation", name)],
        )
    };
    assert_eq!(
        count(&first),
        1.0,
        "each batched operation by its name: {after}"
    );
    assert_eq!(count(&second), 1.0, "a refused one too: {after}");
    assert_eq!(count(&over_socket), 1.0, "a socket's operation: {after}");
    let outcomes = "cadence_graphql_outcomes_total";
    let grew = |code: &str| {
        value(&after, outcomes, &[("code", code)]) - value(&before, outcomes, &[("code", code)])
    };
    // The unknown field fails async-graphql's validation, whose errors carry no code.
    for code in [
        "UNSUPPORTED_MEDIA_TYPE",
        "BAD_REQUEST",
        "NOT_ACCEPTABLE",
        "ERROR",
    ] {
        assert!(grew(code) >= 1.0, "{code} counted: {after}");
    }
    let unknown = |text: &str| value(text, requests, &[("operation_type", "unknown")]);
    assert!(unknown(&after) >= unknown(&before) + 3.0, "{after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_bind_serves_metrics_on_its_own_address_only() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
    let options = Options::default();
    let mut limits = options.limits.clone();
    limits.metrics_bind = Some("127.0.0.1:0".into());
    let database = DatabaseSettings::new(url);
    let db = startup::connect(&database).await.unwrap();
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        workers: Some(1),
        database,
        auth: options.auth.clone(),
        cors: options.cors.clone(),
        limits,
        explorer: Default::default(),
    };
    let app = Application::build_with_db(settings, db).await.unwrap();
    let (port, metrics_port) = (app.port(), app.metrics_port().expect("a metrics port"));
    assert_ne!(port, metrics_port);
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();

    let text = scrape(&client, &format!("http://127.0.0.1:{metrics_port}/metrics")).await;
    assert!(text.contains("cadence_db_pool_connections"), "{text}");
    let main = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        main.status(),
        404,
        "the main address does not serve /metrics"
    );
    let graphql = client
        .get(format!(
            "http://127.0.0.1:{metrics_port}/graphql?query=%7B__typename%7D"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        graphql.status(),
        404,
        "the metrics address serves nothing else"
    );
}

/// Polls `/metrics` until `name` satisfies `wanted`; its last value.
async fn until(app: &TestApp, name: &str, wanted: impl Fn(f64) -> bool) -> f64 {
    let deadline = std::time::Instant::now() + PROMPTLY;
    loop {
        let now = value(&scrape(&app.client, &app.url("/metrics")).await, name, &[]);
        if wanted(now) || std::time::Instant::now() > deadline {
            return now;
        }
        tokio::task::yield_now().await;
    }
}

db_test!(metrics_count_open_websockets_and_subscriptions);
async fn metrics_count_open_websockets_and_subscriptions(backend: Backend) {
    let org = Org::spawn(backend).await;
    let (sockets, subscriptions) = ("cadence_websockets_open", "cadence_subscriptions_active");

    let mut socket = Socket::open(org.app.port, &org.token("em1")).await;
    socket
        .subscribe("1", "subscription { meetingChanged { id } }")
        .await;
    let open = until(&org.app, sockets, |v| v >= 1.0).await;
    assert!(open >= 1.0, "the open socket is counted");
    let streaming = until(&org.app, subscriptions, |v| v >= 1.0).await;
    assert!(streaming >= 1.0, "its subscription is counted");

    drop(socket);
    assert!(
        until(&org.app, sockets, |v| v < open).await < open,
        "a closed socket no longer counts"
    );
    assert!(
        until(&org.app, subscriptions, |v| v < streaming).await < streaming,
        "nor its subscription"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operation_names_beyond_500_count_as_other() {
    let app = spawn_app_with(Backend::Sqlite, Options::default()).await;
    let unique = uuid::Uuid::new_v4().simple().to_string();
    for i in 0..500 {
        let query = format!("query Name{i}x{unique} {{ __typename }}");
        app.gql(None, &query, json!({})).await.ok();
    }
    let before = scrape(&app.client, &app.url("/metrics")).await;
    let last = format!("Last{unique}");
    let query = format!("query {last} {{ __typename }}");
    app.gql(None, &query, json!({})).await.ok();

    let after = scrape(&app.client, &app.url("/metrics")).await;
    let requests = "cadence_graphql_requests_total";
    assert_eq!(
        value(
            &after,
            requests,
            &[("operation", &format!("Name499x{unique}"))]
        ),
        1.0
    );
    assert!(!after.contains(&last), "the 501st name is not a label");
    let other = |text: &str| value(text, requests, &[("operation", "other")]);
    assert!(other(&after) >= other(&before) + 1.0);
}
