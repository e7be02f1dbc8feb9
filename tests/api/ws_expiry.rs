//! A subscription lives no longer than the right to see what it streams, told from the side
//! of the subscriber who has lost that right: once their token expires the socket closes
//! (4403) and nothing more reaches it; once their employment ends, their subscription ends
//! with UNAUTHENTICATED before the next event (while a subscriber who may still watch gets
//! that event), and nothing else on their socket runs as the person they were.

use std::time::Duration;

use cadence::auth::jwt::{Claims, LEEWAY_SECONDS};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, Frame, Org, PROMPTLY, Socket, UPSERT_PEOPLE, at, person};

const WATCH: &str = "subscription { meetingChanged { id host { externalId } } }";

db_test!(a_socket_closes_when_its_token_expires_and_delivers_nothing_after);
async fn a_socket_closes_when_its_token_expires_and_delivers_nothing_after(backend: Backend) {
    let org = Org::spawn(backend).await;
    // em1's token is accepted for 3 more seconds: its `exp` lies within the leeway.
    let mut claims = Claims::new("em1", Utc::now(), Duration::ZERO);
    claims.exp = Utc::now().timestamp() + 3 - LEEWAY_SECONDS as i64;
    let deadline = DateTime::from_timestamp(claims.exp + LEEWAY_SECONDS as i64, 0).unwrap();
    let short_lived = org.app.mint(claims);
    let mut em1 = Socket::open(org.app.port, &short_lived).await;
    em1.subscribe("1", WATCH).await;
    let mut cto = Socket::open(org.app.port, &org.token("cto")).await;
    cto.subscribe("1", WATCH).await;

    // While the token holds, em1 sees their 1:1s.
    let before = warm_up(&org, &mut [&mut em1, &mut cto]).await;
    assert!(
        Utc::now() < deadline,
        "the subscription only started after the token expired; nothing was tested"
    );

    // Act: wait for the socket to close; everything before the close was sent in time.
    let closed = loop {
        match em1.next(PROMPTLY + Duration::from_secs(3)).await {
            Some(Frame::Message(m)) if m["type"] == "next" => {
                let id = &m["payload"]["data"]["meetingChanged"]["id"];
                assert!(before.iter().any(|b| b == id), "unexpected event {m}");
            }
            Some(Frame::Message(m)) => panic!("unexpected message {m}"),
            Some(Frame::Close { code, reason }) => break (code, reason, Utc::now()),
            Some(Frame::Eof) => panic!("the socket ended without a close frame"),
            None => panic!("the socket outlived its token (deadline {deadline})"),
        }
    };
    let (code, reason, closed_at) = closed;
    assert_eq!(code, 4403, "{reason}");
    assert_eq!(reason, "the access token has expired");
    // Not before the token runs out (its second may have begun), and no later than a
    // scheduling hiccup after it.
    assert!(
        closed_at >= deadline - chrono::Duration::milliseconds(50),
        "closed at {closed_at}, before the deadline {deadline}"
    );
    assert!(
        closed_at <= deadline + chrono::Duration::milliseconds(1500),
        "closed at {closed_at}, well after the deadline {deadline}"
    );

    // A change after the deadline reaches the control subscriber, never em1.
    let after = org.meet("em1", "dev1", &at("2024-05-06"), "HELD").await;
    cto.wait_for_meeting(&after).await;
    assert!(
        matches!(em1.next(PROMPTLY).await, Some(Frame::Eof)),
        "the closed socket still carries frames"
    );

    // The expired token opens no new socket.
    let mut again = Socket::connect(org.app.port).await;
    match again.init(Some(&short_lived)).await {
        Frame::Close { reason, .. } => {
            assert_eq!(reason, "a valid access token is required")
        }
        other => panic!("an expired token was let in: {other:?}"),
    }
}

db_test!(a_subscription_ends_once_the_subscribers_employment_has_ended);
async fn a_subscription_ends_once_the_subscribers_employment_has_ended(backend: Backend) {
    let org = Org::spawn(backend).await;
    let mut em1 = Socket::open(org.app.port, &org.token("em1")).await;
    em1.subscribe("1", WATCH).await;
    // hr_admin sees every meeting's metadata: the control subscriber.
    let mut hr = Socket::open(org.app.port, &org.token("hr")).await;
    hr.subscribe("1", WATCH).await;
    let before = warm_up(&org, &mut [&mut em1, &mut hr]).await;

    // HR records that em1 left a week ago; em1's socket and token stay open.
    let mut leaver = person("em1", "Erin Manager", Some("cto"));
    leaver["startDate"] = json!("2020-01-01");
    leaver["endDate"] = json!(
        (Utc::now() - chrono::Duration::days(7))
            .format("%Y-%m-%d")
            .to_string()
    );
    org.gql("hr", UPSERT_PEOPLE, json!({ "people": [leaver] }))
        .await
        .ok();

    // A 1:1 from em1's time at the company is logged: hr hears of it, em1 does not.
    let later = org.meet("em1", "dev1", &at("2024-05-06"), "HELD").await;
    hr.wait_for_meeting(&later).await;
    // em1's subscription ended with UNAUTHENTICATED at the first event after the change
    // (the upsert may itself have announced one), and carried no data after it: only
    // warm-up events still on their way may come first.
    let ended = loop {
        match em1.next(PROMPTLY).await {
            Some(Frame::Message(m)) if m["type"] == "next" && m["payload"]["errors"].is_null() => {
                let id = &m["payload"]["data"]["meetingChanged"]["id"];
                assert!(before.contains(id), "em1 saw a meeting after leaving: {m}");
            }
            Some(Frame::Message(m)) if m["type"] == "next" => break m,
            other => panic!("expected the subscription to end with an error, got {other:?}"),
        }
    };
    assert_eq!(
        ended["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{ended}"
    );
    assert!(ended["payload"]["data"].is_null(), "{ended}");
    let complete = em1.next(PROMPTLY).await;
    assert!(
        matches!(&complete, Some(Frame::Message(m)) if m["type"] == "complete" && m["id"] == "1"),
        "{complete:?}"
    );

    // A new subscription on the same socket is refused at once, and a query over it does
    // not run as the em1 of connection_init either.
    em1.subscribe("2", WATCH).await;
    let refused = em1.next_event(PROMPTLY).await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    em1.send_operation(
        "3",
        json!({
            "query": "query($id: ID!) { node(id: $id) { id } }",
            "variables": { "id": later },
        }),
    )
    .await;
    let answer = loop {
        match em1.next(PROMPTLY).await {
            Some(Frame::Message(m)) if m["id"] == "3" => break m,
            // Subscription 2's `complete`.
            Some(Frame::Message(m)) if m["id"] == "2" => {}
            other => panic!("expected the answer to the query, got {other:?}"),
        }
    };
    assert_eq!(answer["type"], "next", "{answer}");
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{answer}"
    );
    assert!(answer["payload"]["data"]["node"].is_null(), "{answer}");
}

/// Logs em1–dev1 1:1s until every socket has reported one (a subscription starts listening
/// a moment after `subscribe`, and nothing tells the client when); returns their ids.
async fn warm_up(org: &Org, sockets: &mut [&mut Socket]) -> Vec<Value> {
    let mut logged = Vec::new();
    let mut ready = vec![false; sockets.len()];
    for day in 1..=20 {
        let id = org
            .meet("em1", "dev1", &at(&format!("2024-02-{day:02}")), "HELD")
            .await;
        logged.push(json!(id));
        for (socket, ready) in sockets.iter_mut().zip(ready.iter_mut()) {
            while !*ready {
                match socket.next(Duration::from_millis(300)).await {
                    Some(Frame::Message(m)) if m["type"] == "next" => {
                        assert!(m["payload"]["errors"].is_null(), "{m}");
                        *ready = true;
                    }
                    Some(other) => panic!("unexpected {other:?} while warming up"),
                    None => break,
                }
            }
        }
        if ready.iter().all(|r| *r) {
            return logged;
        }
    }
    panic!("the subscriptions never started");
}
