//! `--log-format json`: every line the real binary writes, from start-up (migrations
//! included) to shutdown, is one JSON object; each GraphQL request has a line with its
//! request id, operation, duration, status, error code and the viewer's `sub`; no token,
//! no variables' values and no meeting content appear anywhere.

use std::process::Stdio;
use std::time::Duration;

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use chrono::Utc;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::{SECRET, UPSERT_PEOPLE, small_org};

const LOG_MEETING: &str = "mutation LogOneOnOne($input: LogMeetingInput!) {
  logMeeting(input: $input) { meeting { id sharedNotes } }
}";

fn token(keys: &JwtKeys, sub: &str, integration: bool) -> String {
    let mut claims = Claims::new(sub, Utc::now(), Duration::from_secs(3600));
    if integration {
        claims.roles = vec!["integration".into()];
        claims.scope = Some("org:read org:write meetings:read meetings:write".into());
    }
    keys.mint(claims).unwrap()
}

async fn gql(client: &reqwest::Client, url: &str, token: &str, body: Value) -> Value {
    client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_a_line_with_request_fields_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("logs.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
        .args(["serve", "--log-format", "json", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["--database-url", &database])
        .env("CADENCE_JWT_SECRET", SECRET)
        .env_remove("RUST_LOG")
        .env_remove("CADENCE_LOG_FORMAT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start cadence");
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut lines = Vec::new();
    while let Some(line) = stderr.next_line().await.unwrap() {
        let listening = line.contains("listening");
        lines.push(line);
        if listening {
            break;
        }
    }
    let collector = tokio::spawn(async move {
        let mut rest = Vec::new();
        while let Ok(Some(line)) = stderr.next_line().await {
            rest.push(line);
        }
        rest
    });

    let keys = JwtKeys::from_settings(&AuthSettings {
        jwt_secret: Some(SECRET.into()),
        ..AuthSettings::default()
    })
    .unwrap();
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/graphql");
    let integration = token(&keys, "hris-sync", true);
    let upserted = gql(
        &client,
        &url,
        &integration,
        json!({ "query": UPSERT_PEOPLE, "variables": { "people": small_org() } }),
    )
    .await;
    let id = |external: &str| {
        upserted["data"]["upsertPeople"]["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["externalId"] == external)
            .unwrap()["id"]
            .clone()
    };
    let secret = format!("TOPSECRET-{}", uuid::Uuid::new_v4().simple());
    let manager = token(&keys, "em1", false);
    let input = json!({
        "hostId": id("em1"), "guestId": id("dev1"), "scheduledAt": "2026-01-05T10:00:00Z",
        "durationMinutes": 30, "sharedNotes": secret,
    });
    let logged = gql(
        &client,
        &url,
        &manager,
        json!({ "query": LOG_MEETING, "variables": { "input": input }, "operationName": "LogOneOnOne" }),
    )
    .await;
    assert_eq!(
        logged["data"]["logMeeting"]["meeting"]["sharedNotes"],
        secret.as_str(),
        "{logged}"
    );
    // A failing request: a person may not log a meeting between two others.
    let outsider = token(&keys, "acct", false);
    let refused = gql(
        &client,
        &url,
        &outsider,
        json!({ "query": LOG_MEETING, "variables": { "input": input } }),
    )
    .await;
    let refused_code = refused["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap()
        .to_string();

    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().await.unwrap();
    lines.extend(collector.await.unwrap());

    let objects: Vec<Value> = lines
        .iter()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not one JSON object: {line}"))
        })
        .collect();
    assert!(objects.iter().all(Value::is_object));
    let everything = lines.join("\n");
    assert!(
        everything.to_lowercase().contains("migrat"),
        "the migration lines are JSON too: {everything}"
    );
    for leak in [
        &manager,
        &outsider,
        &integration,
        &secret,
        &SECRET.to_string(),
    ] {
        assert!(!everything.contains(leak.as_str()), "logged: {leak}");
    }
    assert!(!everything.contains("Dana Dev"), "no variables' values");

    let request_lines: Vec<&Value> = objects
        .iter()
        .filter(|o| o["message"] == "graphql request")
        .collect();
    let logged_line = request_lines
        .iter()
        .find(|o| o["operation"] == "LogOneOnOne")
        .unwrap_or_else(|| panic!("no line for the mutation: {everything}"));
    assert_eq!(logged_line["operation_type"], "mutation");
    assert_eq!(logged_line["transport"], "http");
    assert_eq!(logged_line["status"], 200);
    assert_eq!(logged_line["code"], "OK");
    assert_eq!(logged_line["sub"], "em1");
    assert!(logged_line["duration_ms"].as_f64().unwrap() > 0.0);
    let request_id = logged_line["request_id"].as_str().unwrap();
    assert_eq!(request_id.len(), 36, "a UUID: {request_id}");
    let failed = request_lines
        .iter()
        .find(|o| o["sub"] == "acct")
        .unwrap_or_else(|| panic!("no line for the refused request: {everything}"));
    assert_eq!(failed["code"], refused_code.as_str());
    assert_eq!(failed["operation"], "LogOneOnOne", "the document names it");
    assert_ne!(failed["request_id"], logged_line["request_id"]);
}
