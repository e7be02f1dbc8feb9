//! The one graphql-transport-ws client every WebSocket test uses: a [`Socket`] on a tokio
//! TCP stream that upgrades `GET /graphql`, sends `connection_init` and operations, and
//! reads frames with a deadline (answering pings on the way).

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

/// Longest wait for anything the server should send promptly.
pub const PROMPTLY: Duration = Duration::from_secs(10);

/// What the server sent.
#[derive(Debug)]
pub enum Frame {
    /// A text frame, as JSON.
    Message(Value),
    /// A close frame.
    Close { code: u16, reason: String },
    /// The connection ended.
    Eof,
}

pub struct Socket {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Socket {
    /// Upgrades `GET /graphql` to a graphql-transport-ws WebSocket.
    pub async fn connect(port: u16) -> Socket {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        stream
            .write_all(upgrade_request(port).as_bytes())
            .await
            .unwrap();
        let mut socket = Socket {
            stream,
            buf: Vec::new(),
        };
        let deadline = Instant::now() + PROMPTLY;
        loop {
            match take_upgrade(&mut socket.buf) {
                Some(Ok(())) => return socket,
                Some(Err(head)) => panic!("no upgrade: {head}"),
                None => assert!(socket.fill(deadline).await, "no upgrade in time"),
            }
        }
    }

    /// Sends `connection_init` with `token` (an empty payload without one); the server's
    /// answer.
    pub async fn init(&mut self, token: Option<&str>) -> Frame {
        let payload = match token {
            Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        self.send_json(&json!({ "type": "connection_init", "payload": payload }))
            .await;
        self.next(PROMPTLY)
            .await
            .expect("an answer to connection_init")
    }

    /// A socket whose `connection_init` with `token` was acknowledged.
    pub async fn open(port: u16, token: &str) -> Socket {
        let mut socket = Socket::connect(port).await;
        match socket.init(Some(token)).await {
            Frame::Message(m) if m["type"] == "connection_ack" => socket,
            other => panic!("no connection_ack: {other:?}"),
        }
    }

    pub async fn subscribe(&mut self, id: &str, query: &str) {
        self.send_operation(id, json!({ "query": query })).await;
    }

    /// Sends `subscribe` with a request `payload` (any operation may travel this way).
    pub async fn send_operation(&mut self, id: &str, payload: Value) {
        self.send_json(&json!({ "id": id, "type": "subscribe", "payload": payload }))
            .await;
    }

    /// Reads `next` messages until one is about meeting `id`; panics on anything else or
    /// on silence.
    pub async fn wait_for_meeting(&mut self, id: &str) {
        loop {
            let m = self.next_event(PROMPTLY).await;
            if m["payload"]["data"]["meetingChanged"]["id"] == id {
                return;
            }
        }
    }

    /// The next `next` message; panics on anything else or on silence.
    pub async fn next_event(&mut self, within: Duration) -> Value {
        match self.next(within).await {
            Some(Frame::Message(m)) if m["type"] == "next" => m,
            other => panic!("expected a `next` message, got {other:?}"),
        }
    }

    /// The next frame, or `None` when nothing comes `within`. Pings are answered.
    pub async fn next(&mut self, within: Duration) -> Option<Frame> {
        let deadline = Instant::now() + within;
        loop {
            if let Some((opcode, payload)) = take_frame(&mut self.buf) {
                match opcode {
                    0x1 => {
                        let message = serde_json::from_slice(&payload).expect("JSON message");
                        return Some(Frame::Message(message));
                    }
                    0x8 => {
                        let code = payload
                            .get(..2)
                            .map_or(1005, |c| u16::from_be_bytes([c[0], c[1]]));
                        let reason = String::from_utf8_lossy(payload.get(2..).unwrap_or_default());
                        return Some(Frame::Close {
                            code,
                            reason: reason.into(),
                        });
                    }
                    0x9 => self.send_frame(0xA, &payload).await,
                    _ => {}
                }
                continue;
            }
            match timeout_at(deadline, self.read_more()).await {
                Err(_) => return None,
                Ok(false) => return Some(Frame::Eof),
                Ok(true) => {}
            }
        }
    }

    /// Reads more bytes until `deadline`; `false` on timeout or end of stream.
    async fn fill(&mut self, deadline: Instant) -> bool {
        timeout_at(deadline, self.read_more())
            .await
            .unwrap_or(false)
    }

    /// Reads more bytes; `false` once the connection has ended.
    async fn read_more(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// Sends one text frame as it is (it need not be JSON).
    pub async fn send_text(&mut self, text: &str) {
        self.send_frame(0x1, text.as_bytes()).await;
    }

    async fn send_json(&mut self, message: &Value) {
        self.send_frame(0x1, message.to_string().as_bytes()).await;
    }

    /// Sends one masked (client) frame.
    async fn send_frame(&mut self, opcode: u8, payload: &[u8]) {
        // A write to a socket the server has closed is the test's next read to report.
        let _ = self.stream.write_all(&client_frame(opcode, payload)).await;
    }
}

// --- Framing (RFC 6455) ---------------------------------------------------------------

/// The HTTP request that upgrades `GET /graphql` to a graphql-transport-ws WebSocket.
fn upgrade_request(port: u16) -> String {
    format!(
        "GET /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
    )
}

/// Takes the upgrade answer off the front of `buf` once it is whole: `Some(Ok(()))` for
/// `101 Switching Protocols`, `Some(Err(head))` for anything else, `None` while incomplete.
fn take_upgrade(buf: &mut Vec<u8>) -> Option<Result<(), String>> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    buf.drain(..end + 4);
    Some(if head.starts_with("HTTP/1.1 101") {
        Ok(())
    } else {
        Err(head)
    })
}

/// One masked client frame (RFC 6455 5.2).
fn client_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x1b, 0x7e, 0xc4, 0x52];
    let mut frame = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n < 65_536 => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// Takes the first whole server frame off the front of `buf`: `(opcode, payload)`.
fn take_frame(buf: &mut Vec<u8>) -> Option<(u8, Vec<u8>)> {
    let opcode = buf.first()? & 0x0f;
    let (len, mut at) = match buf.get(1)? & 0x7f {
        126 => (
            u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?) as usize,
            4,
        ),
        127 => (
            u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize,
            10,
        ),
        n => (n as usize, 2),
    };
    let mask: Option<[u8; 4]> = if buf[1] & 0x80 != 0 {
        let m = buf.get(at..at + 4)?.try_into().ok()?;
        at += 4;
        Some(m)
    } else {
        None
    };
    let mut payload = buf.get(at..at + len)?.to_vec();
    if let Some(m) = mask {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= m[i % 4];
        }
    }
    buf.drain(..at + len);
    Some((opcode, payload))
}
