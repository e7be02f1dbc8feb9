//! Graceful shutdown, told from the side of the clients of a `cadence serve` process that
//! gets SIGTERM: a request in flight still gets its whole answer, an open WebSocket is
//! closed with 1001 (Going Away), and the process exits 0.

use std::time::Duration;

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use chrono::Utc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::db_test;
use crate::support::{Backend, Frame, PROMPTLY, SECRET, Served, Socket, fresh_database};

fn integration_token() -> String {
    let keys = JwtKeys::from_settings(&AuthSettings {
        jwt_secret: Some(SECRET.into()),
        ..AuthSettings::default()
    })
    .expect("keys");
    let mut claims = Claims::new("hris-sync", Utc::now(), Duration::from_secs(3600));
    claims.roles = vec!["integration".into()];
    claims.scope = Some("org:read".into());
    keys.mint(claims).expect("token")
}

const BODY: &str = r#"{"query":"{ __typename }"}"#;

/// The head of `POST /graphql` with [`BODY`], on a keep-alive connection.
fn post_head(token: &str) -> String {
    format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        BODY.len()
    )
}

/// Reads up to the end of a `100 Continue` interim response: the server has read the head
/// of the request sent with `Expect: 100-continue` and waits for its body.
async fn read_continue(stream: &mut TcpStream) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = timeout(PROMPTLY, stream.read(&mut byte))
            .await
            .expect("100 Continue in time")
            .expect("read");
        assert!(n > 0, "the connection ended before 100 Continue");
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf);
    assert!(head.starts_with("HTTP/1.1 100"), "{head}");
}

/// Reads one HTTP/1.1 response with a `Content-Length`: its status line and body.
async fn read_response(stream: &mut TcpStream) -> (String, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .expect("a Content-Length");
            if buf.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).to_string();
                let status = head.lines().next().unwrap_or_default().to_string();
                return (status, body);
            }
        }
        let n = timeout(PROMPTLY, stream.read(&mut chunk))
            .await
            .expect("a response in time")
            .expect("read");
        assert!(n > 0, "the connection ended before the response was whole");
        buf.extend_from_slice(&chunk[..n]);
    }
}

db_test!(sigterm_lets_a_request_in_flight_finish_closes_websockets_with_1001_and_exits_0);
async fn sigterm_lets_a_request_in_flight_finish_closes_websockets_with_1001_and_exits_0(
    backend: Backend,
) {
    let (database, _dir) = fresh_database(backend).await;
    let served = Served::start(&database.url).await;
    let token = integration_token();
    let mut socket = Socket::open(served.port, &token).await;
    // A connection the server has surely taken: one request answered on it already.
    let mut http = TcpStream::connect(("127.0.0.1", served.port))
        .await
        .unwrap();
    http.write_all(format!("{}{BODY}", post_head(&token)).as_bytes())
        .await
        .unwrap();
    assert!(read_response(&mut http).await.0.contains(" 200 "));
    // The slow request: its head, then half its body once the server has read the head
    // (its `100 Continue` says so: a connection whose next request has not been read yet
    // is idle, and shutting down closes those), the rest only after the SIGTERM.
    let (first, rest) = BODY.split_at(BODY.len() / 2);
    let head = post_head(&token).replacen("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n", 1);
    http.write_all(head.as_bytes()).await.unwrap();
    read_continue(&mut http).await;
    http.write_all(first.as_bytes()).await.unwrap();

    served.terminate();

    // The open WebSocket is told the server is going away…
    match socket.next(PROMPTLY).await {
        Some(Frame::Close { code, .. }) => assert_eq!(code, 1001),
        other => panic!("expected a close frame with 1001, got {other:?}"),
    }
    drop(socket);
    // …while the request in flight still gets its whole answer.
    http.write_all(rest.as_bytes()).await.unwrap();
    let (status, body) = read_response(&mut http).await;
    assert!(status.contains(" 200 "), "{status}: {body}");
    assert_eq!(body, r#"{"data":{"__typename":"Query"}}"#);
    drop(http);

    let (exit, log) = served.exit().await;
    assert_eq!(exit.code(), Some(0), "log:\n{}", log.join("\n"));
    // Background work (the PostgreSQL LISTEN task) and the pool were stopped, quietly.
    assert!(
        log.iter().any(|l| l.contains("stopped")),
        "{}",
        log.join("\n")
    );
    assert!(
        !log.iter()
            .any(|l| l.contains("WARN") || l.contains("ERROR")),
        "{}",
        log.join("\n")
    );
}
