//! The database goes away and comes back: a fault-injecting proxy ([`Proxy`]) sits between
//! the app and PostgreSQL (the shared server itself is never stopped). Under the cut the API
//! fails fast with 503 `UNAVAILABLE`, `/readyz` says 503 within a second while `/healthz`
//! stays 200; once the link is back, the same app answers again with no restart, and a
//! write loop through it all lost no acknowledged write and half-applied none.
//! PostgreSQL only: SQLite has no network to lose.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

use crate::support::{
    Answer, Backend, Options, Proxy, TestApp, person, postgres_url, small_org, spawn_app_with,
    upstream_of,
};

/// The app's connection-acquire timeout (the default of `--db-acquire-timeout`).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Scheduling slack on a loaded test machine, on top of a bound the app promises.
const MARGIN: Duration = Duration::from_millis(1500);

/// How long the app may take to answer again once the database is back.
const RECOVERY: Duration = Duration::from_secs(10);

const COUNT_PEOPLE: &str = "{ people(first: 1) { totalCount } }";

/// A PostgreSQL app whose pool goes through a fresh proxy; `None` (and a message) without
/// PostgreSQL.
async fn app_behind_a_proxy() -> Option<(TestApp, Proxy)> {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return None;
    };
    let proxy = Proxy::start(upstream_of(&url)).await;
    let options = Options {
        database_port: Some(proxy.port),
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Postgres, options).await;
    Some((app, proxy))
}

/// Sends `query` as the CEO (whose token is checked against the database) and times it.
async fn timed(app: &TestApp, token: &str, query: &str) -> (Answer, Duration) {
    let started = Instant::now();
    let answer = app.gql(Some(token), query, json!({})).await;
    (answer, started.elapsed())
}

async fn get_status(app: &TestApp, path: &str) -> (u16, Duration) {
    let started = Instant::now();
    let response = app.client.get(app.url(path)).send().await.expect("request");
    (response.status().as_u16(), started.elapsed())
}

fn assert_unavailable(answer: &Answer, took: Duration) {
    assert_eq!(answer.status, 503, "{}", answer.body);
    answer.assert_error_code("UNAVAILABLE");
    assert!(
        answer
            .body
            .pointer("/errors/0/extensions/requestId")
            .is_some(),
        "no request id: {}",
        answer.body
    );
    let text = answer.body.to_string();
    for leak in ["sqlx", "Connection", "pool", "127.0.0.1", "io error"] {
        assert!(!text.contains(leak), "{leak} reached the client: {text}");
    }
    assert!(
        took < ACQUIRE_TIMEOUT + MARGIN,
        "the failing request took {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_cut_requests_fail_fast_with_503_and_answer_again_once_it_ends() {
    let Some((app, proxy)) = app_behind_a_proxy().await else {
        return;
    };
    app.upsert_people(small_org()).await;
    let token = app.person_token("ceo");
    let (answer, _) = timed(&app, &token, COUNT_PEOPLE).await;
    assert_eq!(answer.ok().data("/people/totalCount"), 9);

    proxy.cut();
    // Twice: the first meets the pooled connection the cut broke, the second must open a
    // new one and gives up at the acquire timeout.
    for _ in 0..2 {
        let (answer, took) = timed(&app, &token, COUNT_PEOPLE).await;
        assert_unavailable(&answer, took);
    }
    // A write fails the same way.
    let (answer, took) = timed(
        &app,
        &app.admin_integration(),
        &upsert_literal(&[person("new1", "New One", None)]),
    )
    .await;
    assert_unavailable(&answer, took);

    // So does an export: 503 with the same code, before any row is sent.
    let started = Instant::now();
    let export = app
        .client
        .get(app.url("/export/meetings.csv?from=2026-01-01&to=2026-02-01"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("export request");
    let took = started.elapsed();
    assert_eq!(export.status().as_u16(), 503);
    let body: Value = export.json().await.expect("a JSON refusal");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body}"
    );
    assert!(took < ACQUIRE_TIMEOUT + MARGIN, "the export took {took:?}");

    let (ready, took) = get_status(&app, "/readyz").await;
    assert_eq!(ready, 503);
    assert!(took < Duration::from_secs(1), "/readyz took {took:?}");
    let (health, took) = get_status(&app, "/healthz").await;
    assert_eq!(health, 200);
    assert!(took < Duration::from_secs(1), "/healthz took {took:?}");

    proxy.restore();
    let (answer, _) = eventually_ok(&app, &token, COUNT_PEOPLE).await;
    assert_eq!(answer.data("/people/totalCount"), 9);
    let (ready, _) = get_status(&app, "/readyz").await;
    assert_eq!(ready, 200);
    // The write refused under the cut left nothing behind.
    let direct = Database::connect(app.database_url.as_str()).await.unwrap();
    assert!(written(&direct, "new%").await.is_empty());
}

/// Polls `query` until it answers 200, within [`RECOVERY`]; returns the answer and how long
/// recovery took.
async fn eventually_ok(app: &TestApp, token: &str, query: &str) -> (Answer, Duration) {
    let started = Instant::now();
    loop {
        let (answer, took) = timed(app, token, query).await;
        if answer.status == 200 {
            return (answer.ok(), started.elapsed());
        }
        assert_unavailable(&answer, took);
        assert!(
            started.elapsed() < RECOVERY,
            "still failing {:?} after the link came back: {}",
            started.elapsed(),
            answer.body
        );
    }
}

/// An `upsertPeople` mutation with its rows inline (so that its text differs per write).
fn upsert_literal(people: &[Value]) -> String {
    let rows: Vec<String> = people
        .iter()
        .map(|p| {
            format!(
                "{{ externalId: {}, name: {}, email: {} }}",
                p["externalId"], p["name"], p["email"]
            )
        })
        .collect();
    format!(
        "mutation {{ upsertPeople(input: {{ people: [{}] }}) {{ created }} }}",
        rows.join(", ")
    )
}

/// External ids of the people matching a `LIKE` pattern, read straight from PostgreSQL.
async fn written(db: &impl ConnectionTrait, pattern: &str) -> BTreeSet<String> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT external_id FROM person WHERE external_id LIKE $1",
            [pattern.into()],
        ))
        .await
        .expect("read people");
    rows.iter()
        .map(|row| row.try_get::<String>("", "external_id").unwrap())
        .collect()
}

/// What one write of the loop got back.
#[derive(Debug)]
struct Write {
    index: usize,
    acknowledged: bool,
    at: Duration,
    took: Duration,
}

/// The CEO and the CTO of [`small_org`], as the loop's meetings' host and guest.
struct Pair {
    host: String,
    guest: String,
}

/// Agenda items of every meeting the loop logs: a meeting has all of them, or does not exist.
const AGENDA_ITEMS: usize = 3;

/// Write `index` of the loop: an even one upserts two people (`w{index}a`, `w{index}b`), an
/// odd one logs a meeting (`m{index}`) with [`AGENDA_ITEMS`] agenda items. Whether it was
/// acknowledged (200 with its data); any other answer must be a fast 503 `UNAVAILABLE`.
async fn write(app: &TestApp, token: &str, pair: &Pair, index: usize) -> (bool, Duration) {
    let started = Instant::now();
    let answer = if index.is_multiple_of(2) {
        let people = [
            person(&format!("w{index}a"), "Writer A", None),
            person(&format!("w{index}b"), "Writer B", None),
        ];
        app.gql(Some(token), &upsert_literal(&people), json!({}))
            .await
    } else {
        let agenda: Vec<Value> = (0..AGENDA_ITEMS)
            .map(|i| json!({ "text": format!("Topic {i}"), "category": "TACTICAL" }))
            .collect();
        let input = json!({
            "externalId": format!("m{index}"),
            "hostId": pair.host,
            "guestId": pair.guest,
            "scheduledAt": format!("2030-01-{:02}T{:02}:00:00Z", 1 + index / 24 % 28, index % 24),
            "durationMinutes": 30,
            "agenda": agenda,
        });
        app.gql(
            Some(token),
            "mutation($input: LogMeetingInput!) { logMeeting(input: $input) { meeting { id } } }",
            json!({ "input": input }),
        )
        .await
    };
    let took = started.elapsed();
    let acknowledged = answer.status == 200
        && answer.body.get("errors").is_none()
        && (answer.body.pointer("/data/upsertPeople/created") == Some(&json!(2))
            || answer.body.pointer("/data/logMeeting/meeting/id").is_some());
    if !acknowledged {
        assert_unavailable(&answer, took);
    }
    (acknowledged, took)
}

/// Meetings matching a `LIKE` pattern and how many agenda items each has, read straight
/// from PostgreSQL.
async fn meetings(db: &impl ConnectionTrait, pattern: &str) -> BTreeMap<String, i64> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT m.external_id, count(a.id) AS items FROM meeting m \
             LEFT JOIN agenda_item a ON a.meeting_id = m.id \
             WHERE m.external_id LIKE $1 GROUP BY m.external_id",
            [pattern.into()],
        ))
        .await
        .expect("read meetings");
    rows.iter()
        .map(|row| {
            (
                row.try_get::<String>("", "external_id").unwrap(),
                row.try_get::<i64>("", "items").unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_loop_through_a_cut_loses_no_acknowledged_write_and_half_applies_none() {
    let Some((app, proxy)) = app_behind_a_proxy().await else {
        return;
    };
    let org = app.upsert_people(small_org()).await;
    let id_of = |external_id: &str| {
        org["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["externalId"] == external_id)
            .map(|p| p["id"].as_str().unwrap().to_string())
            .unwrap()
    };
    let pair = Pair {
        host: id_of("ceo"),
        guest: id_of("cto"),
    };
    let app = Arc::new(app);
    let acked = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let writer = {
        let (app, acked, refused, stop) =
            (app.clone(), acked.clone(), refused.clone(), stop.clone());
        tokio::spawn(async move {
            let token = app.admin_integration();
            let mut writes = Vec::new();
            for index in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let at = started.elapsed();
                let (acknowledged, took) = write(&app, &token, &pair, index).await;
                let counter = if acknowledged { &acked } else { &refused };
                counter.fetch_add(1, Ordering::SeqCst);
                writes.push(Write {
                    index,
                    acknowledged,
                    at,
                    took,
                });
            }
            writes
        })
    };
    let wait_for = |counter: Arc<AtomicUsize>, at_least: usize| async move {
        let deadline = Instant::now() + Duration::from_secs(30);
        while counter.load(Ordering::SeqCst) < at_least {
            assert!(Instant::now() < deadline, "the write loop stalled");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };

    wait_for(acked.clone(), 10).await;
    let cut_at = started.elapsed();
    proxy.cut();
    wait_for(refused.clone(), 5).await;
    let restored_at = started.elapsed();
    let acked_before_restore = acked.load(Ordering::SeqCst);
    proxy.restore();
    wait_for(acked.clone(), acked_before_restore + 10).await;
    stop.store(true, Ordering::SeqCst);
    let writes = writer.await.expect("the write loop panicked");

    let direct = Database::connect(app.database_url.as_str()).await.unwrap();
    let mut people: BTreeMap<usize, usize> = BTreeMap::new();
    for id in written(&direct, "w%").await {
        *people
            .entry(id[1..id.len() - 1].parse().unwrap())
            .or_default() += 1;
    }
    let meetings: BTreeMap<usize, i64> = meetings(&direct, "m%")
        .await
        .into_iter()
        .map(|(id, items)| (id[1..].parse().unwrap(), items))
        .collect();
    for write in &writes {
        let stored = if write.index.is_multiple_of(2) {
            let count = people.get(&write.index).copied().unwrap_or(0);
            assert!(
                count == 0 || count == 2,
                "upsert {} half-applied",
                write.index
            );
            count == 2
        } else {
            let items = meetings.get(&write.index).copied();
            if let Some(items) = items {
                assert_eq!(
                    items, AGENDA_ITEMS as i64,
                    "meeting {} half-applied",
                    write.index
                );
            }
            items.is_some()
        };
        if write.acknowledged {
            assert!(stored, "acknowledged write {} was lost", write.index);
        }
    }
    assert!(
        writes.iter().any(|w| w.index % 2 == 1 && w.acknowledged),
        "no meeting was logged"
    );
    report_timeline(&writes, cut_at, restored_at);
}

/// Prints when writes started failing, how fast they failed and when they recovered.
fn report_timeline(writes: &[Write], cut_at: Duration, restored_at: Duration) {
    let failures: Vec<&Write> = writes.iter().filter(|w| !w.acknowledged).collect();
    let first_failure = failures.first().expect("no write failed under the cut");
    let slowest_failure = failures.iter().map(|w| w.took).max().unwrap();
    let recovered = writes
        .iter()
        .find(|w| w.acknowledged && w.at >= restored_at)
        .expect("no write succeeded after the restore");
    eprintln!(
        "outage timeline: {} writes, {} refused; cut at {cut_at:?}, first refusal sent at \
         {:?} (answered in {:?}), slowest refusal {slowest_failure:?}; restored at \
         {restored_at:?}, first acknowledged write after it answered {:?} after the restore",
        writes.len(),
        failures.len(),
        first_failure.at,
        first_failure.took,
        (recovered.at + recovered.took).saturating_sub(restored_at),
    );
}

/// The figures of the README's outage timeline, not a check run by default (it lasts 15 s):
/// a reader sends `COUNT_PEOPLE` back to back while the link is cut for 10 s, then restored.
/// Prints when reads started failing, how fast they failed, how long after the restore the
/// loop got its first 200, and how fast a request sent right after the restore was answered.
/// `cargo nextest run --test api outage::a_ten_second_outage_timeline --run-ignored only
/// --no-capture` (with `CADENCE_TEST_POSTGRES_URL` set).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a 15 s measurement for the README"]
async fn a_ten_second_outage_timeline() {
    let Some((app, proxy)) = app_behind_a_proxy().await else {
        return;
    };
    let app = Arc::new(app);
    app.upsert_people(small_org()).await;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let reader = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(async move {
            let token = app.person_token("ceo");
            let mut reads = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let at = started.elapsed();
                let (answer, took) = timed(&app, &token, COUNT_PEOPLE).await;
                reads.push((at, took, answer.status));
            }
            reads
        })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cut_at = started.elapsed();
    proxy.cut();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let ready = get_status(&app, "/readyz").await;
    let health = get_status(&app, "/healthz").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let restored_at = started.elapsed();
    proxy.restore();
    let token = app.person_token("ceo");
    let (answer, first_after) = timed(&app, &token, COUNT_PEOPLE).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::SeqCst);
    let reads = reader.await.unwrap();

    let failed: Vec<_> = reads.iter().filter(|r| r.2 != 200).collect();
    let mut latencies: Vec<Duration> = failed.iter().map(|r| r.1).collect();
    latencies.sort();
    let first_failure = failed.first().expect("no read failed");
    let last_ok_before = reads.iter().rev().find(|r| r.2 == 200 && r.0 < cut_at);
    let recovered = reads
        .iter()
        .find(|r| r.2 == 200 && r.0 + r.1 > restored_at)
        .expect("no read succeeded after the restore");
    eprintln!(
        "10 s outage: {} reads, {} failed (all {:?}); cut at {cut_at:?}; last 200 before it \
         answered in {:?}; first failure sent at {:?}, answered in {:?}; failure latency \
         min {:?} median {:?} max {:?}; restored at {restored_at:?}; loop's first 200 answered \
         {:?} after the restore; a request sent right after the restore: status {} in {:?}; \
         during the outage /readyz {} in {:?}, /healthz {} in {:?}",
        reads.len(),
        failed.len(),
        failed.iter().map(|r| r.2).collect::<BTreeSet<_>>(),
        last_ok_before.map(|r| r.1),
        first_failure.0,
        first_failure.1,
        latencies.first().unwrap(),
        latencies[latencies.len() / 2],
        latencies.last().unwrap(),
        (recovered.0 + recovered.1) - restored_at,
        answer.status,
        first_after,
        ready.0,
        ready.1,
        health.0,
        health.1,
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(first_after < Duration::from_secs(1), "took {first_after:?}");
}
