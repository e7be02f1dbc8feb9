//! The `cadence` binary run as a user runs it, against a test app's database.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;

use super::TestApp;

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
