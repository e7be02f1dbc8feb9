//! The dispatcher: signed POSTs, retries until a 2xx with the same event id, both
//! signatures during a rotation, events that wait for a receiver that is down (and for an
//! instance killed meanwhile), and two instances on one PostgreSQL database delivering
//! every event once, in order.

use std::time::{Duration, Instant};

use cadence::config::{LimitSettings, WebhookSettings};
use entity::{outbox_event, webhook_delivery};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::receiver::Receiver;
use super::{LIST_WEBHOOKS, add_admin, create};
use crate::db_test;
use crate::support::{
    Backend, LOG_MEETING, Options, Served, TestApp, at, person, postgres_url, small_org,
    spawn_app_on, spawn_app_with,
};

/// How long a test waits for what the dispatcher should do.
const PATIENCE: Duration = Duration::from_secs(60);

/// `serve`'s flags for a dispatcher that retries fast and may POST to loopback.
const FAST: [&str; 5] = [
    "--webhooks-allow-http-loopback",
    "--webhook-retry-base",
    "100ms",
    "--webhook-poll-interval",
    "20ms",
];

/// An app with `small_org()` and `rita` (hr_admin), whose dispatcher (when `dispatching`)
/// retries after 100 ms and looks for work every 20 ms.
async fn spawn(backend: Backend, dispatching: bool) -> (TestApp, Value) {
    let app = spawn_app_with(
        backend,
        Options {
            limits: LimitSettings {
                webhooks: WebhookSettings {
                    webhooks_allow_http_loopback: true,
                    webhook_retry_base: Duration::from_millis(100),
                    webhook_poll_interval: Duration::from_millis(20),
                    webhook_dispatcher: dispatching,
                    ..WebhookSettings::default()
                },
                ..Options::default().limits
            },
            ..Options::default()
        },
    )
    .await;
    add_admin(&app).await;
    let mut ids = json!({});
    for p in app.upsert_people(small_org()).await["people"]
        .as_array()
        .unwrap()
    {
        ids[p["externalId"].as_str().unwrap()] = p["id"].clone();
    }
    (app, ids)
}

async fn log_meeting(app: &TestApp, ids: &Value, day: &str) -> String {
    let input = json!({
        "hostId": ids["em1"], "guestId": ids["dev1"], "scheduledAt": at(day),
        "durationMinutes": 30, "status": "HELD",
    });
    app.gql(
        Some(&app.admin_integration()),
        LOG_MEETING,
        json!({ "input": input }),
    )
    .await
    .ok()
    .data("/logMeeting/meeting/id")
    .as_str()
    .unwrap()
    .into()
}

/// The only webhook's latest delivery, once `done` holds for it (within [`PATIENCE`]).
async fn wait_for_delivery(app: &TestApp, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let listed = app
            .gql(Some(&app.hr_admin_token("rita")), LIST_WEBHOOKS, json!({}))
            .await
            .ok()
            .data("/webhooks/0/recentDeliveries/0")
            .clone();
        if done(&listed) {
            return listed;
        }
        assert!(
            Instant::now() < deadline,
            "no delivery {what} in time: {listed}"
        );
        // A poll interval, not a synchronisation: the condition ends the loop.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

db_test!(a_failing_receiver_gets_the_same_event_until_it_answers_2xx);
async fn a_failing_receiver_gets_the_same_event_until_it_answers_2xx(backend: Backend) {
    let receiver = Receiver::start().await;
    receiver.script(&[500, 500, 500]);
    let (app, ids) = spawn(backend, true).await;
    let made = create(&app, &receiver.url, json!(["MEETING_CREATED"])).await;
    let secret = made["secret"].as_str().unwrap().to_string();
    receiver.trust(&secret);

    let meeting = log_meeting(&app, &ids, "2024-03-04").await;
    let delivery = wait_for_delivery(&app, "done", |d| d["status"] == "DONE").await;
    let got = receiver.received();
    assert_eq!(got.len(), 4, "three 500s, then one 200: {got:?}");
    let event_id = delivery["eventId"].as_str().unwrap();
    for r in &got {
        assert_eq!(r.event_id, event_id);
        assert_eq!(r.body["id"], event_id);
        assert_eq!(r.raw, got[0].raw, "every try sends the same body");
        assert_eq!(r.signed_by, [Some(secret.clone())]);
    }
    assert_eq!(got[0].body["type"], "MEETING_CREATED");
    assert_eq!(got[0].body["data"]["id"], json!(meeting));
    assert_eq!(delivery["attempts"], 4);
    assert_eq!(delivery["lastStatusCode"], 200);
    assert_eq!(delivery["eventType"], "MEETING_CREATED");
    assert!(delivery["deliveredAt"].is_string() && delivery["nextAttemptAt"].is_null());

    // After a rotation both secrets sign, the new one first.
    let rotated = app
        .gql(
            Some(&app.hr_admin_token("rita")),
            "mutation($input: WebhookIdInput!) { rotateWebhookSecret(input: $input) { secret } }",
            json!({ "input": { "id": made["webhook"]["id"] } }),
        )
        .await
        .ok();
    let new_secret = rotated
        .data("/rotateWebhookSecret/secret")
        .as_str()
        .unwrap();
    receiver.trust(new_secret);
    log_meeting(&app, &ids, "2024-03-11").await;
    let got = receiver
        .wait_for(PATIENCE, "the second event", |r| r.len() >= 5)
        .await;
    assert_eq!(
        got[4].signed_by,
        [Some(new_secret.to_string()), Some(secret.clone())]
    );

    // Replaying the first event sends it again with the same id.
    let replayed = app
        .gql(
            Some(&app.hr_admin_token("rita")),
            "mutation($input: RedeliverWebhookEventInput!) { redeliverWebhookEvent(input: $input) { queued } }",
            json!({ "input": { "eventId": event_id } }),
        )
        .await
        .ok();
    assert_eq!(replayed.data("/redeliverWebhookEvent/queued"), 1);
    let got = receiver
        .wait_for(PATIENCE, "the replayed event", |r| r.len() >= 6)
        .await;
    assert_eq!(got[5].event_id, event_id);
    assert_eq!(got[5].raw, got[0].raw);
}

db_test!(events_wait_for_a_receiver_that_is_down);
async fn events_wait_for_a_receiver_that_is_down(backend: Backend) {
    let receiver = Receiver::start().await;
    receiver.stop();
    let (app, ids) = spawn(backend, true).await;
    create(&app, &receiver.url, json!(["MEETING_CREATED"])).await;
    log_meeting(&app, &ids, "2024-03-04").await;
    let pending = wait_for_delivery(&app, "tried twice", |d| {
        d["attempts"].as_i64().is_some_and(|a| a >= 2)
    })
    .await;
    assert_eq!(pending["status"], "PENDING");
    assert!(pending["lastStatusCode"].is_null());
    assert!(pending["lastError"].is_string() && pending["nextAttemptAt"].is_string());
}

db_test!(a_delivery_failing_for_a_day_is_given_up_and_the_queue_moves_on);
async fn a_delivery_failing_for_a_day_is_given_up_and_the_queue_moves_on(backend: Backend) {
    let receiver = Receiver::start().await;
    receiver.script(&[500]);
    let (app, ids) = spawn(backend, false).await;
    let made = create(&app, &receiver.url, json!(["MEETING_CREATED"])).await;
    receiver.trust(made["secret"].as_str().unwrap());
    log_meeting(&app, &ids, "2024-03-04").await;
    // The first event has been waiting for a day: its next failure is its last.
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::CreatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(24)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    log_meeting(&app, &ids, "2024-03-11").await;

    let _dispatching = spawn_app_on(&app.database_url, dispatching()).await;
    let got = receiver
        .wait_for(PATIENCE, "both events", |r| r.len() >= 2)
        .await;
    let deadline = Instant::now() + PATIENCE;
    let deliveries = loop {
        let now = webhook_delivery::Entity::find()
            .order_by_asc(webhook_delivery::Column::Id)
            .all(&app.db)
            .await
            .unwrap();
        if now.iter().all(|d| d.status != "pending") {
            break now;
        }
        assert!(Instant::now() < deadline, "still pending: {now:?}");
        // A poll interval, not a synchronisation: the condition ends the loop.
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        got.len(),
        2,
        "the given-up event is not tried again: {got:?}"
    );
    let events: Vec<String> = outbox_event::Entity::find()
        .order_by_asc(outbox_event::Column::Seq)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(
        got.iter().map(|r| r.event_id.clone()).collect::<Vec<_>>(),
        events
    );
    assert_eq!(deliveries[0].status, "failed");
    assert_eq!(deliveries[0].attempts, 1);
    assert_eq!(deliveries[0].last_status_code, Some(500));
    assert_eq!(deliveries[1].status, "done");
    let listed = app
        .gql(Some(&app.hr_admin_token("rita")), LIST_WEBHOOKS, json!({}))
        .await
        .ok()
        .data("/webhooks/0/recentDeliveries")
        .clone();
    assert_eq!(listed[0]["status"], "DONE");
    assert_eq!(listed[1]["status"], "FAILED");
    assert!(listed[1]["nextAttemptAt"].is_null());
}

/// Options for a second app on the same database whose dispatcher runs fast.
fn dispatching() -> Options {
    Options {
        limits: LimitSettings {
            webhooks: WebhookSettings {
                webhooks_allow_http_loopback: true,
                webhook_retry_base: Duration::from_millis(100),
                webhook_poll_interval: Duration::from_millis(20),
                ..WebhookSettings::default()
            },
            ..Options::default().limits
        },
        ..Options::default()
    }
}

/// Skips a PostgreSQL-only test when no PostgreSQL is configured.
fn skip_without_postgres() -> bool {
    if postgres_url().is_none() {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return true;
    }
    false
}

/// A port nothing listens on (bound, then released).
async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_while_the_receiver_is_down_leaves_the_event_to_the_next() {
    if skip_without_postgres() {
        return;
    }
    let (app, ids) = spawn(Backend::Postgres, false).await;
    let port = free_port().await;
    let url = format!("http://127.0.0.1:{port}/hooks");
    let made = create(&app, &url, json!(["MEETING_CREATED"])).await;
    let first = Served::start_with(&app.database_url, &FAST).await;
    log_meeting(&app, &ids, "2024-03-04").await;
    let pending = wait_for_delivery(&app, "tried", |d| {
        d["attempts"].as_i64().is_some_and(|a| a >= 1)
    })
    .await;
    assert_eq!(pending["status"], "PENDING");
    drop(first); // SIGKILL

    let receiver = Receiver::start_on(port).await;
    receiver.trust(made["secret"].as_str().unwrap());
    let _second = Served::start_with(&app.database_url, &FAST).await;
    let got = receiver
        .wait_for(PATIENCE, "the queued event", |r| !r.is_empty())
        .await;
    assert_eq!(got[0].event_id, pending["eventId"].as_str().unwrap());
    assert_eq!(got[0].signed_by.len(), 1);
    assert!(got[0].signed_by[0].is_some());
    let done = wait_for_delivery(&app, "done", |d| d["status"] == "DONE").await;
    assert_eq!(done["eventId"], pending["eventId"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_every_event_once_and_in_order() {
    if skip_without_postgres() {
        return;
    }
    const EVENTS: usize = 200;
    let (app, _) = spawn(Backend::Postgres, false).await;
    let receiver = Receiver::start().await;
    create(&app, &receiver.url, json!(["PERSON_CREATED"])).await;
    let _a = Served::start_with(&app.database_url, &FAST).await;
    let _b = Served::start_with(&app.database_url, &FAST).await;

    let hires: Vec<Value> = (0..EVENTS)
        .map(|i| person(&format!("hire{i:03}"), &format!("Hire {i}"), Some("cfo")))
        .collect();
    app.upsert_people(json!(hires)).await;

    receiver
        .wait_for(PATIENCE, "every event", |r| r.len() >= EVENTS)
        .await;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let open = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.ne("done"))
            .count(&app.db)
            .await
            .unwrap();
        if open == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{open} deliveries still open");
        // A poll interval, not a synchronisation: the condition ends the loop.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let got: Vec<String> = receiver
        .received()
        .into_iter()
        .map(|r| r.event_id)
        .collect();
    let sent: Vec<String> = outbox_event::Entity::find()
        .order_by_asc(outbox_event::Column::Seq)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(sent.len(), EVENTS);
    assert_eq!(
        got, sent,
        "each event once, no gap, in the order they happened"
    );
}

db_test!(delivered_rows_are_pruned_after_the_retention_and_pending_ones_kept);
async fn delivered_rows_are_pruned_after_the_retention_and_pending_ones_kept(backend: Backend) {
    let up = Receiver::start().await;
    let down = Receiver::start().await;
    down.stop();
    let (app, ids) = spawn(backend, true).await;
    create(&app, &up.url, json!(["MEETING_CREATED"])).await;
    log_meeting(&app, &ids, "2024-03-04").await;
    up.wait_for(PATIENCE, "the first event", |r| r.len() == 1)
        .await;
    // A second receiver, down, wants the next event: its delivery stays pending.
    create(&app, &down.url, json!(["MEETING_CREATED"])).await;
    log_meeting(&app, &ids, "2024-03-11").await;
    up.wait_for(PATIENCE, "the second event", |r| r.len() == 2)
        .await;
    let count = |status: &'static str| {
        let db = app.db.clone();
        async move {
            webhook_delivery::Entity::find()
                .filter(webhook_delivery::Column::Status.eq(status))
                .count(&db)
                .await
                .unwrap()
        }
    };
    let deadline = Instant::now() + PATIENCE;
    while count("done").await < 2 {
        assert!(Instant::now() < deadline, "deliveries not recorded done");
        // A poll interval, not a synchronisation: the condition ends the loop.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // An instance keeping delivered rows for 1 ms prunes when it starts.
    let _pruning = crate::support::spawn_app_on(
        &app.database_url,
        Options {
            limits: LimitSettings {
                webhooks: WebhookSettings {
                    webhooks_allow_http_loopback: true,
                    webhook_retention: Duration::from_millis(1),
                    ..WebhookSettings::default()
                },
                ..Options::default().limits
            },
            ..Options::default()
        },
    )
    .await;
    let deadline = Instant::now() + PATIENCE;
    while count("done").await > 0 {
        assert!(Instant::now() < deadline, "delivered rows not pruned");
        // A poll interval, not a synchronisation: the condition ends the loop.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(count("pending").await, 1, "the pending delivery stays");
    let events = outbox_event::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(events.len(), 1, "only the event still wanted stays");
    assert_eq!(events[0].event_id, up.received()[1].event_id);
}
