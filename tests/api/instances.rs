//! Several instances on one PostgreSQL database: a meeting logged on one reaches a
//! subscriber on another (`LISTEN/NOTIFY`), and events an instance could not hear while its
//! LISTEN connection was down are never lost silently: once it has reconnected, its
//! subscribers get an `EVENTS_MISSED` error event, their subscriptions stay open and carry
//! the changes after it. PostgreSQL only: SQLite serves one instance and has no LISTEN.

use std::time::{Duration, Instant};

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use cadence::service::events::{Gap, MeetingEvent, MeetingEvents, MeetingReceiver, Timing};
use chrono::Utc;
use sea_orm::Database;
use serde_json::{Value, json};

use crate::support::{
    Backend, Frame, LOG_MEETING, Options, PROMPTLY, Proxy, SECRET, Served, Socket, TestApp,
    UPSERT_PEOPLE, at, dated_org, fresh_database, postgres_url, spawn_app_on, spawn_app_with,
    through_port, upstream_of,
};

const WATCH: &str = "subscription { meetingChanged { id } }";

/// How long an instance may take to hear its database again once the link is back: its
/// reconnection backoff is at most 5 s, an attempt at most 5 s, plus a loaded machine.
const RECOVERY: Duration = Duration::from_secs(20);

/// A token of an integration that may read and write everything, signed with the test key.
fn admin_token() -> String {
    let keys = JwtKeys::from_settings(&AuthSettings {
        jwt_secret: Some(SECRET.into()),
        ..AuthSettings::default()
    })
    .expect("keys");
    let mut claims = Claims::new("hris-sync", Utc::now(), Duration::from_secs(3600));
    claims.roles = vec!["integration".into()];
    claims.scope = Some("org:read org:write meetings:read meetings:write".into());
    keys.mint(claims).expect("token")
}

/// The global IDs of the people an `upsertPeople` answer holds, by external id.
fn ids_of(people: &Value) -> Value {
    let mut ids = json!({});
    for p in people.as_array().expect("people") {
        ids[p["externalId"].as_str().expect("externalId")] = p["id"].clone();
    }
    ids
}

/// The `LogMeetingInput` of an em1–dev1 1:1 on 2024-MM-DD (`n` picks the day).
fn one_on_one(ids: &Value, n: u32) -> Value {
    json!({
        "hostId": ids["em1"],
        "guestId": ids["dev1"],
        "scheduledAt": at(&format!("2024-{:02}-{:02}", 1 + n / 28, 1 + n % 28)),
        "durationMinutes": 30,
        "status": "HELD",
    })
}

/// The meeting id of a `next` message, if it carries one.
fn meeting_in(message: &Value) -> Option<&str> {
    message["payload"]["data"]["meetingChanged"]["id"].as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_logged_on_one_serve_process_reaches_a_subscriber_on_another() {
    if postgres_url().is_none() {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return;
    }
    let (database, _) = fresh_database(Backend::Postgres).await;
    // One after the other: the first migrates the fresh database.
    let a = Served::start(&database.url).await;
    let b = Served::start(&database.url).await;
    assert_ne!(a.port, b.port);
    let token = admin_token();

    let hired = a
        .gql(&token, UPSERT_PEOPLE, json!({ "people": dated_org() }))
        .await
        .ok();
    let ids = ids_of(hired.data("/upsertPeople/people"));

    let mut socket = Socket::open(b.port, &token).await;
    socket.subscribe("1", WATCH).await;

    // A subscription starts listening a moment after `subscribe`, and nothing tells the
    // client when: meetings are logged on A until one reaches B.
    let mut logged = Vec::new();
    let mut heard = None;
    for n in 0..20 {
        let answer = a
            .gql(&token, LOG_MEETING, json!({ "input": one_on_one(&ids, n) }))
            .await
            .ok();
        logged.push(answer.data("/logMeeting/meeting/id").clone());
        if let Some(Frame::Message(m)) = socket.next(Duration::from_millis(300)).await {
            assert_eq!(m["type"], "next", "{m}");
            assert!(m["payload"]["errors"].is_null(), "{m}");
            heard = Some(m);
            break;
        }
    }
    let heard = heard.unwrap_or_else(|| {
        panic!(
            "B's subscriber heard nothing of A's meetings\nA: {:?}\nB: {:?}",
            a.log(),
            b.log()
        )
    });
    assert!(
        logged
            .iter()
            .any(|id| Some(id.as_str().unwrap()) == meeting_in(&heard)),
        "{heard} is none of {logged:?}"
    );

    // Now that B listens, one more meeting: how long from sending it to A until B's
    // subscriber has it (the event may come before A's answer: NOTIFY goes out at commit).
    let sent = Instant::now();
    let answer = a
        .gql(
            &token,
            LOG_MEETING,
            json!({ "input": one_on_one(&ids, 40) }),
        )
        .await
        .ok();
    let answered = sent.elapsed();
    let id = answer
        .data("/logMeeting/meeting/id")
        .as_str()
        .unwrap()
        .to_string();
    socket.wait_for_meeting(&id).await;
    eprintln!(
        "logMeeting sent to A: answered in {answered:?}, event on B's subscriber after {:?}",
        sent.elapsed()
    );
}

/// Two instances on one fresh PostgreSQL database: the first reaches it only through a
/// fresh proxy (its pool and its LISTEN connection), the second directly; and the people's
/// IDs. `None` without PostgreSQL.
async fn two_instances_one_behind_a_proxy() -> Option<(TestApp, TestApp, Proxy, Value)> {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return None;
    };
    let proxy = Proxy::start(upstream_of(&url)).await;
    let options = Options {
        database_port: Some(proxy.port),
        ..Options::default()
    };
    let behind = spawn_app_with(Backend::Postgres, options).await;
    let direct = spawn_app_on(&behind.database_url, Options::default()).await;
    let ids = ids_of(&direct.upsert_people(dated_org()).await["people"]);
    Some((behind, direct, proxy, ids))
}

/// Logs a meeting through `app`; its global ID.
async fn log(app: &TestApp, input: Value) -> String {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            LOG_MEETING,
            json!({ "input": input }),
        )
        .await
        .ok();
    answer
        .data("/logMeeting/meeting/id")
        .as_str()
        .expect("id")
        .into()
}

/// Polls `/readyz` until it answers `status`, within [`RECOVERY`].
async fn readyz_becomes(app: &TestApp, status: u16) {
    let deadline = Instant::now() + RECOVERY;
    loop {
        let response = app.client.get(app.url("/readyz")).send().await;
        if response.is_ok_and(|r| r.status().as_u16() == status) {
            return;
        }
        assert!(Instant::now() < deadline, "/readyz never said {status}");
        // A poll interval, not a synchronisation: the answer is what ends the loop.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_missed_while_listen_was_down_are_announced_once_it_is_back() {
    let Some((behind, direct, proxy, ids)) = two_instances_one_behind_a_proxy().await else {
        return;
    };
    let token = behind.admin_integration();
    let mut socket = Socket::open(behind.port, &token).await;
    socket.subscribe("1", WATCH).await;

    // Meetings are logged on the direct instance until the subscriber behind the proxy
    // hears one: it then listens, through the proxy.
    let mut started = false;
    for n in 0..20 {
        log(&direct, one_on_one(&ids, n)).await;
        if let Some(frame) = socket.next(Duration::from_millis(300)).await {
            match frame {
                Frame::Message(m) if m["type"] == "next" => {
                    assert!(m["payload"]["errors"].is_null(), "{m}");
                    started = true;
                    break;
                }
                other => panic!("unexpected {other:?} while warming up"),
            }
        }
    }
    assert!(started, "the subscription never started");

    proxy.cut();
    // The cut is in force (new connections get no answer, and the open ones, LISTEN's
    // among them, were closed) once the instance behind it is not ready.
    readyz_becomes(&behind, 503).await;
    let missed = log(&direct, one_on_one(&ids, 40)).await;
    proxy.restore();
    let restored = Instant::now();

    // The gap is announced once the instance listens again; warm-up events still on their
    // way may come first (or their UNAVAILABLE gaps), the missed meeting never.
    let gap = loop {
        let m = socket.next_event(RECOVERY).await;
        assert_ne!(
            meeting_in(&m),
            Some(missed.as_str()),
            "the missed event came: {m}"
        );
        let reason = &m["payload"]["errors"][0]["extensions"]["reason"];
        if reason == "RECONNECTED" {
            break m;
        }
        // A warm-up event checked under the cut is withheld and told as a gap too.
        assert!(reason.is_null() || reason == "UNAVAILABLE", "{m}");
    };
    eprintln!(
        "the gap event came {:?} after the restore",
        restored.elapsed()
    );
    assert_eq!(gap["id"], "1", "{gap}");
    let error = &gap["payload"]["errors"][0];
    assert_eq!(error["extensions"]["code"], "EVENTS_MISSED", "{gap}");
    assert_eq!(error["extensions"]["reason"], "RECONNECTED", "{gap}");
    let message = error["message"].as_str().expect("a message");
    assert!(
        message.contains("missed") && message.contains("query again"),
        "{message}"
    );
    assert_eq!(
        gap["payload"]["errors"].as_array().unwrap().len(),
        1,
        "{gap}"
    );

    // A re-query through the instance that missed the event sees the meeting (once its
    // pool has replaced the connections the cut broke).
    let deadline = Instant::now() + RECOVERY;
    let answer = loop {
        let answer = behind
            .gql(
                Some(&token),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": missed }),
            )
            .await;
        if answer.status == 200 || Instant::now() > deadline {
            break answer.ok();
        }
    };
    assert_eq!(answer.data("/node/id"), missed.as_str());

    // The subscription stayed open: a meeting logged now arrives as usual. (Checking an
    // event may still meet pooled connections the cut broke while they sat idle; such an
    // event is told as an UNAVAILABLE gap, never dropped in silence, and the pool heals:
    // a few meetings at most.)
    let mut came = Vec::new();
    let mut arrived = false;
    for n in 41..46 {
        let after = log(&direct, one_on_one(&ids, n)).await;
        let m = socket.next_event(PROMPTLY).await;
        if meeting_in(&m) == Some(after.as_str()) {
            arrived = true;
            break;
        }
        assert_eq!(
            m["payload"]["errors"][0]["extensions"]["reason"], "UNAVAILABLE",
            "{m}"
        );
        came.push(m);
    }
    assert!(arrived, "no meeting arrived after the gap; came: {came:#?}");
    assert!(
        socket.next(Duration::from_millis(200)).await.is_none(),
        "nothing more was sent"
    );
}

/// Quick to judge a silent connection, for the test below.
const QUICK: Timing = Timing {
    idle_probe: Duration::from_millis(500),
    attempt_timeout: Duration::from_millis(500),
    first_backoff: Duration::from_millis(50),
    max_backoff: Duration::from_millis(200),
};

/// The next event `receiver` hears within [`RECOVERY`].
async fn heard(receiver: &mut MeetingReceiver) -> MeetingEvent {
    tokio::time::timeout(RECOVERY, receiver.recv())
        .await
        .expect("an event in time")
        .expect("events go on")
}

/// A network that goes silent closes nothing: the LISTEN connection looks open and simply
/// hears nothing. The listening task probes it after a silence, gives it up, reconnects and
/// announces the gap; a connection that answers its probes is kept. (Told at the service,
/// with short timing: the server's own is 30 s of silence.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listen_connection_gone_silent_is_probed_replaced_and_the_gap_announced() {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return;
    };
    let (database, _) = fresh_database(Backend::Postgres).await;
    let direct = Database::connect(database.url.as_str())
        .await
        .expect("connect");
    let proxy = Proxy::start(upstream_of(&url)).await;
    let events =
        MeetingEvents::start_with(&direct, &through_port(&database.url, proxy.port), QUICK)
            .await
            .expect("listening");
    let mut receiver = events.subscribe();

    events.publish(&direct, 1).await;
    assert_eq!(heard(&mut receiver).await, MeetingEvent::Changed(1));
    // A healthy connection left idle is probed and kept: three probe periods without a
    // word, then events flow on.
    let quiet = tokio::time::timeout(QUICK.idle_probe * 3, receiver.recv()).await;
    assert!(quiet.is_err(), "an idle connection announced {quiet:?}");
    events.publish(&direct, 4).await;
    assert_eq!(heard(&mut receiver).await, MeetingEvent::Changed(4));

    proxy.freeze();
    // Published while the LISTEN connection is silent: never heard.
    events.publish(&direct, 2).await;
    proxy.restore();
    assert_eq!(
        heard(&mut receiver).await,
        MeetingEvent::Missed(Gap::Reconnected)
    );
    events.publish(&direct, 3).await;
    assert_eq!(heard(&mut receiver).await, MeetingEvent::Changed(3));
    events.stop();
}
