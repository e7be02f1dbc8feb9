//! What the benches that drive a release `cadence serve` share: the child process, the
//! binary, settings from the environment, a free port, waiting for readiness, a GraphQL
//! call, and a median.

use std::process::Child;
use std::time::Duration;

use serde_json::{Value, json};

/// A server process, killed when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server binary: this build's, unless `CADENCE_BENCH_BIN` names another.
pub fn bin() -> String {
    std::env::var("CADENCE_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cadence").into())
}

/// The environment variable `name` parsed, else `default`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").port()
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Waits (up to a minute) until the server at `base` answers `/readyz` with 200.
pub async fn wait_ready(http: &reqwest::Client, base: &str) {
    for _ in 0..600 {
        let ready = http.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// POSTs a GraphQL request and returns the whole body; panics on errors.
pub async fn gql(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    vars: Value,
) -> Value {
    let body: Value = http
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": vars }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body
}
