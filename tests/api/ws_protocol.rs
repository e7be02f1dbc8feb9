//! graphql-transport-ws close codes, told from the side of a client that breaks the
//! protocol: each mistake closes the socket with the code the protocol names for it.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::time::timeout;

use crate::db_test;
use cadence::config::LimitSettings;

use crate::support::{
    Backend, Frame, Options, Org, PROMPTLY, Socket, TestApp, at, small_org, spawn_app,
    spawn_app_with,
};

const WATCH: &str = "subscription { meetingChanged { id } }";

async fn app(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    app
}

/// The close frame that comes next; panics on anything else.
async fn closed(socket: &mut Socket) -> (u16, String) {
    loop {
        match socket.next(PROMPTLY).await {
            Some(Frame::Close { code, reason }) => return (code, reason),
            // The end of an earlier operation.
            Some(Frame::Message(m)) if m["type"] == "complete" => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

db_test!(a_malformed_message_closes_the_socket_with_4400);
async fn a_malformed_message_closes_the_socket_with_4400(backend: Backend) {
    let app = app(backend).await;
    let token = app.person_token("dev1");

    let mut not_json = Socket::open(app.port, &token).await;
    not_json.send_text("{ not json").await;
    let mut unknown_type = Socket::open(app.port, &token).await;
    unknown_type.send_text(r#"{"type":"hello"}"#).await;
    let mut no_payload = Socket::open(app.port, &token).await;
    no_payload
        .send_text(r#"{"type":"subscribe","id":"1"}"#)
        .await;

    assert_eq!(closed(&mut not_json).await.0, 4400);
    assert_eq!(closed(&mut unknown_type).await.0, 4400);
    assert_eq!(closed(&mut no_payload).await.0, 4400);
}

db_test!(a_subscribe_before_the_acknowledgement_closes_the_socket_with_4401);
async fn a_subscribe_before_the_acknowledgement_closes_the_socket_with_4401(backend: Backend) {
    let app = app(backend).await;
    let mut socket = Socket::connect(app.port).await;

    socket.subscribe("1", WATCH).await;

    assert_eq!(closed(&mut socket).await, (4401, "Unauthorized".into()));
}

db_test!(a_refused_token_at_connection_init_closes_the_socket_with_4403);
async fn a_refused_token_at_connection_init_closes_the_socket_with_4403(backend: Backend) {
    let app = app(backend).await;
    let mut forged = Socket::connect(app.port).await;
    let mut none = Socket::connect(app.port).await;

    let forged = forged.init(Some("not-a-token")).await;
    let none = none.init(None).await;

    for answer in [forged, none] {
        match answer {
            Frame::Close { code, reason } => {
                assert_eq!(code, 4403);
                assert_eq!(reason, "a valid access token is required");
            }
            other => panic!("a socket without a valid token was let in: {other:?}"),
        }
    }
}

db_test!(a_socket_that_never_sends_connection_init_is_closed_with_4408);
async fn a_socket_that_never_sends_connection_init_is_closed_with_4408(backend: Backend) {
    let options = Options {
        limits: LimitSettings {
            ws_init_timeout: Duration::from_millis(300),
            ..Options::default().limits
        },
        ..Options::default()
    };
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    let mut silent = Socket::connect(app.port).await;
    let mut prompt = Socket::open(app.port, &app.person_token("dev1")).await;

    assert_eq!(closed(&mut silent).await.0, 4408);
    // A socket that did send it in time stays open and answers.
    prompt
        .send_operation("1", json!({ "query": "{ viewer { name } }" }))
        .await;
    let answer = prompt.next_event(PROMPTLY).await;
    assert_eq!(answer["payload"]["data"]["viewer"]["name"], "Dana Dev");
}

db_test!(a_subscribe_with_an_id_in_use_closes_the_socket_with_4409);
async fn a_subscribe_with_an_id_in_use_closes_the_socket_with_4409(backend: Backend) {
    let app = app(backend).await;
    let mut socket = Socket::open(app.port, &app.person_token("dev1")).await;

    // An id is free again once its operation has completed, by the server or the client.
    assert_eq!(ask(&mut socket, "q").await, "Dana Dev");
    assert_eq!(ask(&mut socket, "q").await, "Dana Dev");
    socket.subscribe("s", WATCH).await;
    socket.send_text(r#"{"type":"complete","id":"s"}"#).await;
    assert!(matches!(
        socket.next(PROMPTLY).await,
        Some(Frame::Message(m)) if m["type"] == "complete" && m["id"] == "s"
    ));
    assert_eq!(ask(&mut socket, "s").await, "Dana Dev");
    socket.subscribe("w", WATCH).await;

    socket.subscribe("w", WATCH).await;

    assert_eq!(
        closed(&mut socket).await,
        (4409, "Subscriber for w already exists".into())
    );
}

/// Asks for the viewer's name as operation `id`; the name, once the operation completed.
async fn ask(socket: &mut Socket, id: &str) -> String {
    socket
        .send_operation(id, json!({ "query": "{ viewer { name } }" }))
        .await;
    let mut name = None;
    loop {
        match socket.next(PROMPTLY).await {
            Some(Frame::Message(m)) if m["type"] == "next" && m["id"] == id => {
                name = m["payload"]["data"]["viewer"]["name"]
                    .as_str()
                    .map(String::from);
            }
            Some(Frame::Message(m)) if m["type"] == "complete" && m["id"] == id => {
                return name.expect("an answer before `complete`");
            }
            other => panic!("no answer to {id}: {other:?}"),
        }
    }
}

db_test!(a_second_connection_init_closes_the_socket_with_4429);
async fn a_second_connection_init_closes_the_socket_with_4429(backend: Backend) {
    let app = app(backend).await;
    let token = app.person_token("dev1");
    let mut socket = Socket::open(app.port, &token).await;

    let again = socket.init(Some(&token)).await;

    assert!(
        matches!(again, Frame::Close { code: 4429, .. }),
        "{again:?}"
    );
}

db_test!(the_graphql_ws_npm_client_receives_events_and_sees_a_refused_token_as_4403);
async fn the_graphql_ws_npm_client_receives_events_and_sees_a_refused_token_as_4403(
    backend: Backend,
) {
    let org = Org::spawn(backend).await;
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        js.join("node_modules/graphql-ws").is_dir(),
        "tests/js/node_modules is missing: run `npm ci --prefix tests/js` first"
    );
    let mut node = Command::new("node")
        .arg(js.join("client.mjs"))
        .arg(format!("ws://127.0.0.1:{}/graphql", org.app.port))
        .arg(org.token("hr"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("running `node` (Node.js 20)");
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut said = async |within: Duration| -> Option<Value> {
        let line = timeout(within, lines.next_line()).await.ok()?;
        let line = line
            .expect("reading node's output")
            .expect("node ended early");
        Some(serde_json::from_str(&line).expect("a JSON line"))
    };

    let refused = said(PROMPTLY).await.expect("the forged token's close");
    assert_eq!(refused["refused"], 4403, "{refused}");
    let subscribed = said(PROMPTLY).await.expect("the connection's ack");
    assert_eq!(subscribed["subscribed"], true, "{subscribed}");
    // The subscription starts a moment after the ack: log meetings until one arrives.
    let mut logged = Vec::new();
    let event = 'event: {
        for day in 1..=20 {
            logged.push(
                org.meet("em1", "dev1", &at(&format!("2024-02-{day:02}")), "HELD")
                    .await,
            );
            if let Some(event) = said(Duration::from_millis(300)).await {
                break 'event event;
            }
        }
        panic!("the subscription never delivered an event");
    };
    assert!(
        logged.iter().any(|id| event["event"] == id.as_str()),
        "{event}"
    );

    drop(node.stdin.take());
    let exit = timeout(PROMPTLY, node.wait())
        .await
        .expect("node ended")
        .unwrap();
    assert!(exit.success());
}
