//! A webhook receiver for the tests: a tiny HTTP/1.1 server on a local port that records
//! every POST, checks its `Cadence-Signature` against the secrets it is told, and answers
//! with the status codes it is scripted to (then 200).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it came.
#[derive(Debug, Clone)]
pub struct Received {
    pub event_id: String,
    pub body: Value,
    /// The raw body text.
    pub raw: String,
    /// For each `v1=` of the signature header, the secret it verifies with (if any).
    pub signed_by: Vec<Option<String>>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    script: VecDeque<u16>,
    secrets: Vec<String>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Receiver {
    /// Listens on a free port.
    pub async fn start() -> Receiver {
        Receiver::on(TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    /// Listens on `port` (which must be free).
    pub async fn start_on(port: u16) -> Receiver {
        Receiver::on(TcpListener::bind(("127.0.0.1", port)).await.unwrap())
    }

    fn on(listener: TcpListener) -> Receiver {
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, shared.clone()));
            }
        });
        Receiver {
            url,
            state,
            task: Arc::new(task),
        }
    }

    /// Answers the next requests with `codes`, in order (200 after them).
    pub fn script(&self, codes: &[u16]) {
        self.state.lock().unwrap().script.extend(codes);
    }

    /// Signatures are checked against these secrets from now on.
    pub fn trust(&self, secret: &str) {
        self.state.lock().unwrap().secrets.push(secret.into());
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Waits until `done` holds for what was received, for at most `within`.
    pub async fn wait_for(
        &self,
        within: Duration,
        what: &str,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "the receiver did not get {what} in time; it got {} requests",
                received.len()
            );
            // A poll interval, not a synchronisation: the condition ends the loop.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops listening (the port refuses connections from now on).
    pub fn stop(&self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    loop {
        let Some((headers, body)) = read_request(&mut stream).await else {
            return;
        };
        let code = {
            let mut state = state.lock().unwrap();
            let received = Received {
                event_id: headers.get("cadence-event-id").cloned().unwrap_or_default(),
                body: serde_json::from_str(&body).unwrap_or(Value::Null),
                signed_by: verify(
                    headers.get("cadence-signature").map_or("", String::as_str),
                    &body,
                    &state.secrets,
                ),
                raw: body,
            };
            state.received.push(received);
            state.script.pop_front().unwrap_or(200)
        };
        let response = format!("HTTP/1.1 {code} X\r\ncontent-length: 2\r\n\r\nok");
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// One request's headers (lower-cased names) and body; `None` when the connection ends.
async fn read_request(stream: &mut TcpStream) -> Option<(HashMap<String, String>, String)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    Some((headers, String::from_utf8_lossy(&body).to_string()))
}

/// For each `v1=` of `header`, the secret whose HMAC-SHA256 of `"<t>.<body>"` it is.
fn verify(header: &str, body: &str, secrets: &[String]) -> Vec<Option<String>> {
    let mut t = "";
    let mut out = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v,
            Some(("v1", sig)) => out.push(
                secrets
                    .iter()
                    .find(|s| {
                        let mut mac = Hmac::<Sha256>::new_from_slice(s.as_bytes()).unwrap();
                        mac.update(format!("{t}.{body}").as_bytes());
                        let hex: String = mac
                            .finalize()
                            .into_bytes()
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect();
                        hex == sig
                    })
                    .cloned(),
            ),
            _ => {}
        }
    }
    out
}
