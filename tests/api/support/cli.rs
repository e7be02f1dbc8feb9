//! The `cadence` binary run as a user runs it, against a test app's database.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, timeout_at};

use super::{Answer, SECRET, TestApp};

/// What a finished `cadence` command left: its exit status and its output.
#[derive(Debug)]
pub struct Ran {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// stdout as the one JSON object a `--json` command prints.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON value ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// Panics with the output unless the command exited 0.
    pub fn ok(self) -> Self {
        assert_eq!(
            self.status, 0,
            "cadence failed\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `cadence ARGS` with `DATABASE_URL` set to the app's database, feeding `stdin` when
/// given, and waits for it to end.
pub async fn cadence(app: &TestApp, args: &[&str], stdin: Option<&[u8]>) -> Ran {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start cadence");
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(bytes).await.expect("write stdin");
    }
    let out = child.wait_with_output().await.expect("run cadence");
    Ran {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A `cadence serve` process: the real binary on its own random port, serving
/// `database_url`, with the test key as its JWT secret. Killed when dropped.
pub struct Served {
    pub port: u16,
    pub client: reqwest::Client,
    /// Every log line (stderr) so far, for a failing test to show.
    log: Arc<Mutex<Vec<String>>>,
    /// The task reading stderr into `log`; it ends with stderr.
    reader: tokio::task::JoinHandle<()>,
    child: Child,
}

/// Longest a `cadence serve` process may take to start listening, then to be ready.
const STARTUP: Duration = Duration::from_secs(30);

impl Served {
    /// Starts `cadence serve` and waits until it is ready: its `listening` log line gives
    /// the port it bound (`--bind 127.0.0.1:0`), then `/readyz` is polled until it answers
    /// 200, within [`STARTUP`] each.
    pub async fn start(database_url: &str) -> Served {
        Served::start_with(database_url, &[]).await
    }

    /// [`Served::start`] with more `serve` arguments.
    pub async fn start_with(database_url: &str, args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cadence"))
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
            .args(["--database-url", database_url, "--jwt-secret", SECRET])
            .args(args)
            .env("RUST_LOG", "info")
            .env_remove("CADENCE_LOG_FORMAT")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn cadence serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, mut lines_rx) = mpsc::unbounded_channel();
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let kept = log.clone();
        let reader = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + STARTUP;
        let port = loop {
            let line = match timeout_at(deadline, lines_rx.recv()).await {
                Ok(Some(line)) => line,
                Ok(None) => panic!("cadence serve ended before listening: {:?}", log.lock()),
                Err(_) => panic!("no `listening` line in time: {:?}", log.lock()),
            };
            if line.contains("listening")
                && let Some(port) = port_in(&line)
            {
                break port;
            }
        };
        let served = Served {
            port,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            log,
            reader,
            child,
        };
        served.wait_ready().await;
        served
    }

    /// Polls `/readyz` until it answers 200; panics after [`STARTUP`].
    async fn wait_ready(&self) {
        let deadline = Instant::now() + STARTUP;
        loop {
            let response = self.client.get(self.url("/readyz")).send().await;
            if response.is_ok_and(|r| r.status().as_u16() == 200) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "cadence serve on port {} was not ready in time: {:?}",
                self.port,
                self.log()
            );
            // A poll interval, not a synchronisation: readiness is what ends the loop.
            sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The log lines so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM, as an orchestrator stopping the process does.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to end (within [`STARTUP`]): its exit status, and every line
    /// it logged up to the end of its stderr.
    pub async fn exit(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let deadline = Instant::now() + STARTUP;
        let status = timeout_at(deadline, self.child.wait())
            .await
            .expect("cadence serve did not exit in time")
            .expect("wait");
        timeout_at(deadline, &mut self.reader)
            .await
            .expect("stderr ends")
            .expect("the log reader");
        (status, self.log())
    }

    /// POSTs a GraphQL request with a bearer token.
    pub async fn gql(&self, token: &str, query: &str, variables: Value) -> Answer {
        let response = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let body = response.json().await.expect("JSON body");
        Answer { status, body }
    }
}

/// The port of a `listening` log line, as text (`port=8080`) or JSON (`"port":8080`).
fn port_in(line: &str) -> Option<u16> {
    let at = line
        .find("port=")
        .map(|i| i + 5)
        .or_else(|| line.find("\"port\":").map(|i| i + 7))?;
    let digits: String = line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}
