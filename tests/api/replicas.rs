//! Read replicas (`DATABASE_READ_URL`): queries read from the replica, mutations write to
//! and read their own writes from the primary, the read connections refuse writes, and a
//! quarter's rating figures are frozen by `cadence freeze-ratings` (or `serve`'s job),
//! never by a report reading them.
//!
//! Every other test app reads through a read-only URL of its own database as well (see
//! `support::Options::read_replica`), so the whole suite shows that no read path writes.

use std::time::Duration;

use cadence::config::DatabaseSettings;
use cadence::startup;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{
    Backend, Frame, Options, Org, PROMPTLY, Proxy, Socket, UPSERT_PEOPLE, cadence, fresh_database,
    normalized, postgres_url, rated_team, reader_url, row, spawn_app, spawn_app_with, upstream_of,
};

const PEOPLE: &str = "{ people(first: 20) { nodes { externalId name } } }";

fn external_ids(people: &Value) -> Vec<String> {
    people
        .as_array()
        .expect("people")
        .iter()
        .map(|p| p["externalId"].as_str().expect("externalId").to_string())
        .collect()
}

db_test!(queries_read_the_replica_and_mutations_read_their_own_writes_on_the_primary);
async fn queries_read_the_replica_and_mutations_read_their_own_writes_on_the_primary(
    backend: Backend,
) {
    // The "replica" is another database, holding someone the primary never will: what a
    // query answers shows where it read.
    let replica = spawn_app(backend).await;
    replica
        .upsert_people(json!([row("rita", "Rita Replica", None, "2020-01-01")]))
        .await;
    let options = Options {
        read_url: Some(reader_url(backend, &replica.database_url).await),
        ..Options::default()
    };
    let app = spawn_app_with(backend, options).await;
    let token = app.admin_integration();

    let written = app
        .upsert_people(json!([row("pat", "Pat Primary", None, "2020-01-01")]))
        .await;
    let read = app.gql(Some(&token), PEOPLE, json!({})).await.ok();
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    // The same over a WebSocket.
    let mut socket = Socket::open(app.port, &token).await;
    socket
        .send_operation("read", json!({ "query": PEOPLE }))
        .await;
    let read_over_socket = answer_of(&mut socket, "read").await;
    let sam = json!([row("sam", "Sam Socket", None, "2020-01-01")]);
    socket
        .send_operation(
            "write",
            json!({ "query": UPSERT_PEOPLE, "variables": { "people": sam } }),
        )
        .await;
    let written_over_socket = answer_of(&mut socket, "write").await;
    // An export reads the replica too, the viewer included: Rita exists only there.
    let export = app
        .client
        .get(app.url("/export/coverage.csv?managerExternalId=rita"))
        .bearer_auth(app.hr_admin_token("rita"))
        .send()
        .await
        .unwrap();

    // The mutation's answer is read back from the primary it wrote to.
    assert_eq!(external_ids(&written["people"]), ["pat"]);
    assert_eq!(written["people"][0]["name"], "Pat Primary");
    // The query reads the replica.
    assert_eq!(external_ids(read.data("/people/nodes")), ["rita"]);
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(
        external_ids(&read_over_socket["payload"]["data"]["people"]["nodes"]),
        ["rita"]
    );
    assert_eq!(
        external_ids(&written_over_socket["payload"]["data"]["upsertPeople"]["people"]),
        ["sam"]
    );
    assert_eq!(export.status().as_u16(), 200);
    assert!(export.text().await.unwrap().contains("Rita Replica"));
}

/// With the replica unreachable, reads fail fast with UNAVAILABLE and `/readyz` says so,
/// while writes to the primary go on; once it is back, reads answer again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_outage_fails_reads_and_readiness_but_not_writes() {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return;
    };
    let proxy = Proxy::start(upstream_of(&url)).await;
    let options = Options {
        read_port: Some(proxy.port),
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Postgres, options).await;
    let token = app.admin_integration();
    app.gql(Some(&token), PEOPLE, json!({})).await.ok();

    proxy.cut();
    let read = app.gql(Some(&token), PEOPLE, json!({})).await;
    let write = app
        .upsert_people(json!([row("pat", "Pat Primary", None, "2020-01-01")]))
        .await;
    let status = |path: &'static str| {
        let app = &app;
        async move {
            let response = app.client.get(app.url(path)).send().await.unwrap();
            response.status().as_u16()
        }
    };
    let ready_during = status("/readyz").await;
    let healthy_during = status("/healthz").await;
    proxy.restore();
    let deadline = std::time::Instant::now() + PROMPTLY;
    let back = loop {
        let answer = app.gql(Some(&token), PEOPLE, json!({})).await;
        if answer.status == 200 || std::time::Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    assert_eq!(read.status, 503, "{}", read.body);
    read.assert_error_code("UNAVAILABLE");
    assert_eq!(external_ids(&write["people"]), ["pat"]);
    assert_eq!(ready_during, 503);
    assert_eq!(healthy_during, 200);
    let back = back.ok();
    assert_eq!(external_ids(back.data("/people/nodes")), ["pat"]);
    assert_eq!(status("/readyz").await, 200);
}

/// The `next` message of operation `id`, past the end of earlier ones.
async fn answer_of(socket: &mut Socket, id: &str) -> Value {
    loop {
        match socket.next(PROMPTLY).await {
            Some(Frame::Message(m)) if m["id"] == id && m["type"] == "next" => return m,
            Some(Frame::Message(m)) if m["type"] == "complete" && m["id"] != id => {}
            other => panic!("no answer to {id}: {other:?}"),
        }
    }
}

db_test!(the_read_connections_refuse_writes);
async fn the_read_connections_refuse_writes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([row("pat", "Pat Primary", None, "2020-01-01")]))
        .await;
    let read_url = app.read_database_url.clone().expect("a read URL");
    let settings = DatabaseSettings {
        read_url: Some(read_url.clone()),
        ..DatabaseSettings::new(app.database_url.clone())
    };
    let pool = startup::connect_read(&settings)
        .await
        .expect("connect")
        .expect("a read pool");
    // Any connection of the URL (the PostgreSQL role is read-only by itself, not only
    // through the pool's options).
    let bare = sea_orm::Database::connect(read_url.as_str())
        .await
        .expect("connect");
    let write = "UPDATE person SET name = 'Changed' WHERE external_id = 'pat'";

    let through_pool = pool.execute_unprepared(write).await;
    let through_bare = bare.execute_unprepared(write).await;
    let read = pool
        .query_one_raw(sea_orm::Statement::from_string(
            pool.get_database_backend(),
            "SELECT name FROM person WHERE external_id = 'pat'",
        ))
        .await
        .expect("read")
        .expect("a row");

    for refused in [through_pool, through_bare] {
        let err = refused
            .expect_err("a write through the read URL")
            .to_string();
        assert!(
            err.contains("read-only transaction") || err.contains("readonly database"),
            "{err}"
        );
    }
    assert_eq!(read.try_get::<String>("", "name").unwrap(), "Pat Primary");
}

db_test!(a_read_url_of_another_kind_of_database_is_refused);
async fn a_read_url_of_another_kind_of_database_is_refused(backend: Backend) {
    let (database, _dir) = fresh_database(backend).await;
    let other = match backend {
        Backend::Sqlite => "postgres://reader@127.0.0.1:5432/cadence",
        Backend::Postgres => "sqlite://replica.db?mode=ro",
    };
    let settings = DatabaseSettings {
        read_url: Some(other.into()),
        ..database
    };

    let err = startup::connect_read(&settings)
        .await
        .expect_err("refused")
        .to_string();

    assert!(
        err.contains("DATABASE_READ_URL") && err.contains("same kind of database"),
        "{err}"
    );
}

/// Em's average rating of the quarter before `as_of`, as their manager reads it.
async fn average(company: &Org, as_of: &str) -> Value {
    let answer = company
        .gql(
            "boss",
            "query($id: ID!, $at: DateTime) { coverageReport(managerId: $id, asOf: $at) { averageRating } }",
            json!({ "id": company.id("em"), "at": as_of }),
        )
        .await
        .ok();
    normalized(answer.data("/coverageReport/averageRating"))
}

db_test!(freeze_ratings_freezes_each_ended_quarter_once_and_reports_only_read_them);
async fn freeze_ratings_freezes_each_ended_quarter_once_and_reports_only_read_them(
    backend: Backend,
) {
    let mut company = Org::spawn_with(backend, rated_team()).await;
    for (report, day, rating) in [
        ("d1", "2026-02-10", 5),
        ("d2", "2026-02-11", 4),
        ("d3", "2026-05-12", 3),
        ("d1", "2026-05-13", 2),
        ("d2", "2026-05-14", 1),
    ] {
        company.meet_on("em", report, day, "HELD", &[]).await;
        company
            .rate(report, &format!("em-{report}-{day}"), rating)
            .await;
    }
    let app = &company.app;
    let run = |args: &'static [&'static str]| async move {
        tokio::time::timeout(Duration::from_secs(60), cadence(app, args, None))
            .await
            .expect("freeze-ratings ends")
            .ok()
    };

    // As on May 1st: only the first quarter (February's two ratings) has ended.
    let first = run(&["freeze-ratings", "--now", "2026-05-01"]).await;
    let second_unfrozen = average(&company, "2026-07-15T12:00:00Z").await;
    let rest = run(&["freeze-ratings"]).await;
    let again = run(&["freeze-ratings"]).await;
    let future = tokio::time::timeout(
        Duration::from_secs(60),
        cadence(app, &["freeze-ratings", "--now", "2999-01-01"], None),
    )
    .await
    .expect("freeze-ratings ends");
    // A rating changed after its quarter was frozen moves nothing.
    company.rate("d2", "em-d2-2026-05-14", 5).await;

    assert_eq!(first.stdout, "2026-01-01\n");
    assert_eq!(second_unfrozen, Value::Null);
    assert!(
        rest.stdout.starts_with("2026-04-01\n"),
        "the second quarter and later: {}",
        rest.stdout
    );
    assert_eq!(again.stdout, "", "{}", again.stderr);
    assert!(
        again.stderr.contains("0 quarter(s) frozen"),
        "{}",
        again.stderr
    );
    // A quarter that has not ended is never frozen, whatever `--now` says.
    assert_ne!(future.status, 0);
    assert!(
        future.stderr.contains("lies in the future"),
        "{}",
        future.stderr
    );
    // Two ratings in the first quarter: no average; 3, 2 and 1 in the second.
    assert_eq!(average(&company, "2026-04-15T12:00:00Z").await, Value::Null);
    assert_eq!(average(&company, "2026-07-15T12:00:00Z").await, json!(2.0));
}
