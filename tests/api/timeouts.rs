//! The execution timeout and the database statement timeout, each with a request just under
//! and just over it. What makes a request slow is legitimate and deterministic: another
//! writer (a long HRIS import, say) holds the write lock on the person the request updates,
//! for a chosen time. Over the limit, the client gets the documented error and nothing
//! else: no SQL, and nothing of the stopped write is kept.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{
    Answer, Backend, Options, TestApp, UPSERT_PEOPLE, person, postgres_url, small_org,
    spawn_app_with,
};

/// Well under either limit below: the lock is held this long in the "just under" cases.
const SHORT_HOLD: Duration = Duration::from_millis(300);

/// Words that would show a database error reached the client.
const LEAKS: &[&str] = &[
    "statement",
    "cancel",
    "SELECT",
    "UPDATE",
    "INSERT",
    "sqlx",
    "SQLSTATE",
    "57014",
    "locked",
];

db_test!(a_request_just_under_the_execution_timeout_runs_and_one_over_it_is_stopped);
async fn a_request_just_under_the_execution_timeout_runs_and_one_over_it_is_stopped(
    backend: Backend,
) {
    let limit = Duration::from_secs(1);
    let mut options = Options::default();
    options.limits.execution_timeout = limit;
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;

    // Under: the other writer finishes after SHORT_HOLD; the rename waits for it, then runs.
    let (answer, took) = rename_behind_a_short_lock(&app).await;
    assert_eq!(
        answer.data("/upsertPeople/people/0/name"),
        "Dana Patient",
        "{}",
        answer.body
    );
    assert!(took >= SHORT_HOLD, "the rename did not wait for the lock");
    assert!(took < limit, "took {took:?}");

    // Over: the other writer holds on past the limit.
    let writer = OtherWriter::start(&app).await;
    let started = Instant::now();
    let answer = rename(&app, "Dana Stopped").await;
    let took = started.elapsed();
    writer.finish().await;
    assert_eq!(answer.status, 503, "{}", answer.body);
    answer.assert_error_code("TIMEOUT");
    assert!(answer.body.get("data").is_none(), "{}", answer.body);
    let error = &answer.body["errors"][0];
    assert_eq!(
        error["message"],
        "the request took too long and was stopped"
    );
    assert!(error["extensions"]["requestId"].is_string(), "{error}");
    assert_no_leak(&answer.body);
    assert!(took >= limit, "stopped after {took:?}, before the limit");
    assert!(
        took < limit + Duration::from_secs(2),
        "stopped only after {took:?}"
    );
    // The stopped write left nothing behind.
    assert_eq!(name_of_dev1(&app).await, "Dana Patient");
}

/// SQLite has no statement timeout (its `busy_timeout` bounds lock waits, and the execution
/// timeout bounds everything); this runs on PostgreSQL only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_just_under_the_database_timeout_runs_and_one_over_it_is_cancelled() {
    if postgres_url().is_none() {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return;
    }
    let limit = Duration::from_secs(1);
    let options = Options {
        statement_timeout: limit,
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Postgres, options).await;
    app.upsert_people(small_org()).await;

    // Under: the UPDATE waits SHORT_HOLD for the row lock, within the statement timeout.
    let (answer, took) = rename_behind_a_short_lock(&app).await;
    assert_eq!(answer.data("/upsertPeople/people/0/name"), "Dana Patient");
    assert!(took >= SHORT_HOLD, "the rename did not wait for the lock");

    // Over: PostgreSQL cancels the waiting UPDATE after the statement timeout, long before
    // the 10 s execution timeout; the client sees TIMEOUT (it may retry) with a request id,
    // never the database's message.
    let writer = OtherWriter::start(&app).await;
    let started = Instant::now();
    let answer = rename(&app, "Dana Cancelled").await;
    let took = started.elapsed();
    writer.finish().await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.assert_error_code("TIMEOUT");
    assert!(answer.body["data"].is_null(), "{}", answer.body);
    let error = &answer.body["errors"][0];
    assert_eq!(
        error["message"], "the request took too long and was stopped",
        "{error}"
    );
    assert!(error["extensions"]["requestId"].is_string(), "{error}");
    assert_no_leak(&answer.body);
    assert!(took >= limit, "cancelled after {took:?}, before the limit");
    assert!(
        took < limit + Duration::from_secs(3),
        "cancelled only after {took:?}"
    );
    // The cancelled upsert was rolled back as a whole.
    assert_eq!(name_of_dev1(&app).await, "Dana Patient");
}

/// Another writer in the middle of its transaction: it has updated person `dev1` and holds
/// that write lock (the row lock on PostgreSQL, the database's write lock on SQLite) until
/// it finishes.
struct OtherWriter(DatabaseTransaction);

impl OtherWriter {
    async fn start(app: &TestApp) -> OtherWriter {
        let txn = app.db.begin().await.expect("begin");
        txn.execute_unprepared("UPDATE person SET name = name WHERE external_id = 'dev1'")
            .await
            .expect("take the lock");
        OtherWriter(txn)
    }

    async fn finish(self) {
        self.0.rollback().await.expect("rollback");
    }
}

/// Renames `dev1` through `upsertPeople`: an update of the locked row.
/// Renames dev1 to "Dana Patient" while another writer holds dev1's row for
/// [`SHORT_HOLD`]: the rename's answer (which must be free of errors) and how long it took.
async fn rename_behind_a_short_lock(app: &TestApp) -> (Answer, Duration) {
    let writer = OtherWriter::start(app).await;
    let started = Instant::now();
    let (answer, ()) = tokio::join!(rename(app, "Dana Patient"), async {
        tokio::time::sleep(SHORT_HOLD).await;
        writer.finish().await;
    });
    let took = started.elapsed();
    (answer.ok(), took)
}

async fn rename(app: &TestApp, name: &str) -> Answer {
    let row = person("dev1", name, Some("em1"));
    app.gql(
        Some(&app.admin_integration()),
        UPSERT_PEOPLE,
        json!({ "people": [row] }),
    )
    .await
}

async fn name_of_dev1(app: &TestApp) -> String {
    let token = app.person_token("dev2");
    let answer = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "dev1") { name } }"#,
            json!({}),
        )
        .await
        .ok();
    answer
        .data("/personByExternalId/name")
        .as_str()
        .expect("name")
        .to_string()
}

#[track_caller]
fn assert_no_leak(body: &Value) {
    let text = body.to_string();
    for word in LEAKS {
        assert!(!text.contains(word), "{word:?} reached the client: {text}");
    }
}
