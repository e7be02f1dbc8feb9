//! Operations sent over a WebSocket get what a POST gets before they run, told from the
//! side of a client trying to exhaust the server through the socket: the document and cost
//! limits (one just over refused, one just under run), the token's rate budget, and the
//! execution timeout's code for queries.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{
    Backend, Frame, Options, PROMPTLY, Socket, TestApp, small_org, spawn_app_with,
};

/// `{ viewer { a0: name a1: name … } }` with `count` aliases.
fn aliased(count: usize) -> String {
    let aliases: String = (0..count).map(|i| format!("a{i}: name ")).collect();
    format!("{{ viewer {{ {aliases}}} }}")
}

async fn app(backend: Backend, options: Options) -> TestApp {
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    app
}

/// Sends `query` as operation `id` and reads its answer (`next`, or `error` whose payload is
/// the list of errors), as `{ type, payload: { data, errors } }`.
async fn ask(socket: &mut Socket, id: &str, query: &str) -> Value {
    socket.send_operation(id, json!({ "query": query })).await;
    loop {
        match socket.next(PROMPTLY).await {
            Some(Frame::Message(m)) if m["id"] == id && m["type"] == "error" => {
                return json!({ "type": "error", "payload": { "errors": m["payload"] } });
            }
            Some(Frame::Message(m)) if m["id"] == id && m["type"] == "next" => return m,
            // The end of an earlier operation.
            Some(Frame::Message(m)) if m["type"] == "complete" && m["id"] != id => {}
            other => panic!("no answer to {id}: {other:?}"),
        }
    }
}

fn first_error(answer: &Value) -> &Value {
    &answer["payload"]["errors"][0]
}

db_test!(a_socket_refuses_an_operation_just_over_a_limit_and_runs_one_just_under);
async fn a_socket_refuses_an_operation_just_over_a_limit_and_runs_one_just_under(backend: Backend) {
    let app = app(backend, Options::default()).await;
    let mut socket = Socket::open(app.port, &app.person_token("dev1")).await;

    let at_limit = ask(&mut socket, "1", &aliased(30)).await;
    let over = ask(&mut socket, "2", &aliased(31)).await;
    let deep = ask(
        &mut socket,
        "3",
        &format!(
            "{{ viewer {}{} }}",
            "{ manager ".repeat(20),
            "} ".repeat(20)
        ),
    )
    .await;

    assert_eq!(at_limit["type"], "next", "{at_limit}");
    assert_eq!(at_limit["payload"]["data"]["viewer"]["a29"], "Dana Dev");
    assert!(over["payload"]["data"].is_null(), "{over}");
    assert_eq!(
        first_error(&over)["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );
    assert_eq!(first_error(&over)["extensions"]["limit"], "aliases");
    assert_eq!(first_error(&over)["extensions"]["actual"], 31);
    assert!(deep["payload"]["data"].is_null(), "{deep}");
    assert!(
        first_error(&deep)["extensions"]["code"].is_string(),
        "{deep}"
    );
}

db_test!(a_socket_spends_the_same_rate_budget_as_posts);
async fn a_socket_spends_the_same_rate_budget_as_posts(backend: Backend) {
    // 25 points and no refill to speak of: one 22-point query fits, the second does not.
    let mut options = Options::default();
    options.limits.rate_limit_capacity = 25;
    options.limits.rate_limit_refill_per_second = 1;
    let app = app(backend, options).await;
    let token = app.person_token("dev1");
    let mut socket = Socket::open(app.port, &token).await;
    let costs_22 = "{ people(first: 10) { nodes { manager { id } } } }";

    let first = ask(&mut socket, "1", costs_22).await;
    let second = ask(&mut socket, "2", costs_22).await;
    let by_post = app.gql(Some(&token), costs_22, json!({})).await;

    assert!(first["payload"]["errors"].is_null(), "{first}");
    assert_eq!(
        first_error(&second)["extensions"]["code"],
        "RATE_LIMITED",
        "{second}"
    );
    assert!(second["payload"]["data"].is_null(), "{second}");
    // The socket spent the token's budget: a POST with the same token is refused too.
    assert_eq!(by_post.error_codes(), ["RATE_LIMITED"], "{}", by_post.body);
}
