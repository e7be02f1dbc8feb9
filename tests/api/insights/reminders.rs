//! The overdue-1:1 reminders: `cadence check-overdue` (and `serve` at start-up) records one
//! ONE_ON_ONE_OVERDUE event per pair per overdue episode, equal to `overdueOneOnOnes` of
//! the whole org; never twice for one episode (checked again, restarted, or two instances
//! at once); a pair that met and fell overdue again gets a new one.

use std::time::Duration;

use entity::outbox_event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
    TransactionTrait,
};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep};

use super::{AFTER, BEFORE, OVERDUE, fixture};
use crate::db_test;
use crate::support::{Backend, Org, Served, cadence, normalized, row};

/// The advisory lock one check holds on PostgreSQL (`service::reminders`).
const OVERDUE_CHECK_LOCK: i64 = 0x4361_6465_6e63_6502;

/// Subscribes a receiver to ONE_ON_ONE_OVERDUE as hr_admin.
async fn subscribe(company: &Org) {
    company
        .gql(
            "hr",
            "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }",
            json!({ "input": { "url": "https://93.184.216.34/hooks", "events": ["ONE_ON_ONE_OVERDUE"] } }),
        )
        .await
        .ok();
}

/// Every ONE_ON_ONE_OVERDUE event's `data`, oldest first.
async fn overdue_events(company: &Org) -> Vec<Value> {
    outbox_event::Entity::find()
        .filter(outbox_event::Column::EventType.eq("ONE_ON_ONE_OVERDUE"))
        .order_by_asc(outbox_event::Column::Seq)
        .all(&company.app.db)
        .await
        .expect("outbox")
        .into_iter()
        .map(|e| {
            let body: Value = serde_json::from_str(&e.payload).expect("JSON");
            assert_eq!(body["type"], json!("ONE_ON_ONE_OVERDUE"));
            body["data"].clone()
        })
        .collect()
}

/// `cadence check-overdue --now AT --json`'s answer.
async fn check(company: &Org, at: &str) -> Value {
    cadence(
        &company.app,
        &["check-overdue", "--now", at, "--json"],
        None,
    )
    .await
    .ok()
    .json()
}

/// `manager→report days lastMetAt` of each event, sorted.
fn described(events: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = events
        .iter()
        .map(|d| {
            format!(
                "{}→{} {} {}",
                d["managerExternalId"].as_str().unwrap(),
                d["reportExternalId"].as_str().unwrap(),
                d["daysOverdue"],
                normalized(&d["lastMetAt"])
            )
        })
        .collect();
    out.sort();
    out
}

/// The same of `overdueOneOnOnes` of the CEO (the whole org but hr, who has no reports).
async fn expected(company: &Org, at: Option<&str>) -> Vec<String> {
    let answer = company
        .gql(
            "hr",
            OVERDUE,
            json!({ "id": company.id("ceo"), "at": at, "first": 100 }),
        )
        .await
        .ok();
    let mut out: Vec<String> = answer
        .data("/overdueOneOnOnes/nodes")
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{}→{} {} {}",
                n["manager"]["externalId"].as_str().unwrap(),
                n["report"]["externalId"].as_str().unwrap(),
                n["daysOverdue"],
                normalized(&n["lastHeldAt"])
            )
        })
        .collect();
    out.sort();
    out
}

db_test!(overdue_events_equal_the_overdue_query_and_fire_once_per_episode);
async fn overdue_events_equal_the_overdue_query_and_fire_once_per_episode(backend: Backend) {
    let company = fixture(backend).await;
    subscribe(&company).await;

    let first = check(&company, BEFORE).await;
    assert_eq!(first["skipped"], false);
    assert_eq!(first["overdue"], 8);
    let events = overdue_events(&company).await;
    assert_eq!(events.len(), 8);
    assert_eq!(described(&events), expected(&company, Some(BEFORE)).await);
    // The pair by global ID and externalId, with when it fell due; ids and metadata only.
    let m1_r2 = events
        .iter()
        .find(|d| d["managerExternalId"] == "m1" && d["reportExternalId"] == "r2")
        .expect("m1→r2");
    assert_eq!(
        m1_r2,
        &json!({
            "managerId": company.id("m1"),
            "managerExternalId": "m1",
            "reportId": company.id("r2"),
            "reportExternalId": "r2",
            "kind": "DIRECT",
            "lastMetAt": "2026-06-10T10:00:00Z",
            "dueAt": "2026-06-24T10:00:00Z",
            "daysOverdue": 6,
        })
    );

    // Checked again, and a day later: the same episodes, nothing announced again.
    let again = check(&company, BEFORE).await;
    assert_eq!(
        (again["overdue"].clone(), again["announced"].clone()),
        (json!(8), json!([]))
    );
    check(&company, "2026-07-01T12:00:00Z").await;
    let later = overdue_events(&company).await;
    for d in &later[8..] {
        // Only pairs that fell due since can be new.
        assert!(d["dueAt"].as_str().unwrap() > "2026-06-30T12:00:00Z", "{d}");
    }
    assert!(
        !later[8..]
            .iter()
            .any(|d| d["managerExternalId"] == "m1" && d["reportExternalId"] == "r2"),
        "m1→r2 is announced once per episode"
    );

    // m1 and r2 met on July 20th and fell overdue again: a new episode, a new event.
    let after = check(&company, AFTER).await;
    assert_eq!(after["skipped"], false);
    let events = overdue_events(&company).await;
    let m1_r2: Vec<&Value> = events
        .iter()
        .filter(|d| d["managerExternalId"] == "m1" && d["reportExternalId"] == "r2")
        .collect();
    assert_eq!(m1_r2.len(), 2, "{m1_r2:?}");
    assert_eq!(m1_r2[1]["lastMetAt"], "2026-07-20T10:00:00Z");
    assert_eq!(m1_r2[1]["dueAt"], "2026-08-03T10:00:00Z");
    assert_eq!(m1_r2[1]["daysOverdue"], 29);
    // dirb and m4 never met: one episode, announced once, whatever the checks.
    assert_eq!(
        events
            .iter()
            .filter(|d| d["managerExternalId"] == "dirb" && d["reportExternalId"] == "m4")
            .count(),
        1
    );
    // Every pair overdue after the reorg has had its event.
    for pair in expected(&company, Some(AFTER)).await {
        let (who, _) = pair.split_once(' ').unwrap();
        assert!(
            events.iter().any(|d| format!(
                "{}→{}",
                d["managerExternalId"].as_str().unwrap(),
                d["reportExternalId"].as_str().unwrap()
            ) == who),
            "{pair} has an event"
        );
    }
}

/// Polls `served`'s log until a line of the overdue check appears; returns it.
async fn checked_line(served: &Served) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(line) = served
            .log()
            .into_iter()
            .find(|l| l.contains("checked for overdue 1:1s"))
        {
            return line;
        }
        assert!(
            Instant::now() < deadline,
            "no overdue check in time: {:?}",
            served.log()
        );
        // A poll interval, not a synchronisation: the log line is what ends the loop.
        sleep(Duration::from_millis(50)).await;
    }
}

db_test!(serve_announces_overdue_pairs_at_start_up_once_across_restarts);
async fn serve_announces_overdue_pairs_at_start_up_once_across_restarts(backend: Backend) {
    let company = fixture(backend).await;
    subscribe(&company).await;
    // At the real clock every fixture meeting lies months back.
    let now = expected(&company, None).await;
    assert!(!now.is_empty());

    let first = Served::start(&company.app.database_url).await;
    let line = checked_line(&first).await;
    assert!(line.contains(&format!("announced={}", now.len())), "{line}");
    drop(first);
    let events = overdue_events(&company).await;
    assert_eq!(events.len(), now.len());
    let pairs = |events: &[Value]| {
        let mut out: Vec<String> = described(events)
            .into_iter()
            .map(|d| d.split_once(' ').unwrap().0.to_string())
            .collect();
        out.sort();
        out
    };
    let expected_pairs: Vec<String> = now
        .iter()
        .map(|d| d.split_once(' ').unwrap().0.to_string())
        .collect();
    assert_eq!(pairs(&events), expected_pairs);

    // Restarted: the same episodes, nothing announced again.
    let second = Served::start(&company.app.database_url).await;
    let line = checked_line(&second).await;
    assert!(line.contains("announced=0"), "{line}");
    drop(second);
    assert_eq!(overdue_events(&company).await.len(), now.len());

    // `--overdue-check-interval 0s`: no check at all.
    let off = Served::start_with(
        &company.app.database_url,
        &["--overdue-check-interval", "0s"],
    )
    .await;
    assert!(!off.log().iter().any(|l| l.contains("overdue")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_one_check_runs_at_a_time() {
    if crate::support::postgres_url().is_none() {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return;
    }
    let company = fixture(Backend::Postgres).await;
    subscribe(&company).await;

    // While another instance holds the lock, a check skips its round.
    let txn = company.app.db.begin().await.expect("begin");
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [OVERDUE_CHECK_LOCK.into()],
    ))
    .await
    .expect("lock");
    let skipped = check(&company, BEFORE).await;
    assert_eq!(skipped["skipped"], true);
    assert_eq!(skipped["announced"], json!([]));
    assert!(overdue_events(&company).await.is_empty());
    txn.rollback().await.expect("unlock");

    // Two checks at once: one set of events between them.
    let (a, b) = tokio::join!(check(&company, BEFORE), check(&company, BEFORE));
    let announced =
        a["announced"].as_array().unwrap().len() + b["announced"].as_array().unwrap().len();
    assert_eq!(announced, 8, "{a} {b}");
    let events = overdue_events(&company).await;
    assert_eq!(described(&events), expected(&company, Some(BEFORE)).await);
}

/// `ceo` with `managers` managers of `reports` reports each, all since 2025-01-01.
fn org_rows(ceo: &str, managers: usize, reports: usize) -> Vec<Value> {
    let mut rows = vec![row(ceo, &format!("Chief {ceo}"), None, "2025-01-01")];
    for m in 0..managers {
        let manager = format!("{ceo}-m{m}");
        rows.push(row(&manager, "A manager", Some(ceo), "2025-01-01"));
        for r in 0..reports {
            rows.push(row(
                &format!("{manager}-r{r}"),
                "A report",
                Some(&manager),
                "2025-01-01",
            ));
        }
    }
    rows
}

/// A check at the real clock, in the test's process, and the statements it ran.
async fn counted_check(company: &Org) -> (cadence::service::reminders::Checked, usize) {
    let before = company.app.statements();
    let checked = cadence::service::reminders::check_overdue(&company.app.db, chrono::Utc::now())
        .await
        .expect("check");
    (checked, company.app.statements() - before)
}

db_test!(a_check_runs_a_fixed_number_of_statements_however_large_the_org);
async fn a_check_runs_a_fixed_number_of_statements_however_large_the_org(backend: Backend) {
    let mut company =
        Org::spawn_with(backend, json!([row("hr", "Hana HR", None, "2025-01-01")])).await;
    subscribe(&company).await;
    company.hire(Value::Array(org_rows("small", 1, 2))).await;
    let (small, small_statements) = counted_check(&company).await;
    company.hire(Value::Array(org_rows("large", 3, 4))).await;
    let (large, large_statements) = counted_check(&company).await;

    // Nobody ever met: every DIRECT pair is overdue (SKIP_LEVEL is not required by
    // default), and the new ones are announced.
    assert_eq!((small.overdue, small.announced.len()), (3, 3));
    assert_eq!((large.overdue, large.announced.len()), (3 + 15, 15));
    assert_eq!(overdue_events(&company).await.len(), 18);
    assert_eq!(
        small_statements, large_statements,
        "statements grow with the org: {small_statements} for 4 people, {large_statements} for 20 more"
    );
}
