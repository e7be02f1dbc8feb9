//! What the webhook outbox costs a write: `logMeeting`'s latency (one client, one request
//! at a time, so the figure is the write path's own) on the release server, with no webhook
//! against one webhook subscribed to `MEETING_CREATED`, whose outbox row and pending
//! delivery are then written in the meeting's transaction. The dispatcher is off, so only
//! the write is measured. Rounds alternate (the webhook is created, then deleted); prints
//! each round and the medians of p50 and p95.
//!
//! `cargo bench --bench outbox` (SQLite in a temporary directory, 200 people);
//! `CADENCE_BENCH_DATABASE_URL` picks another database (seeded on first use; for
//! PostgreSQL create it first), `CADENCE_BENCH_REQUESTS` (400 a round) and
//! `CADENCE_BENCH_ROUNDS` (3) the length, `CADENCE_BENCH_BIN` another build of the server.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use chrono::Utc;
use serde_json::json;

mod support;
use support::{Server, bin, env_or, free_port, gql, median, wait_ready};

const SECRET: &str = "benchmark-secret-benchmark-secret-0123456789";
const LOG_MEETING: &str =
    "mutation($input: LogMeetingInput!) { logMeeting(input: $input) { created } }";

fn token(keys: &JwtKeys, subject: &str, roles: &[&str], scope: Option<&str>) -> String {
    let mut claims = Claims::new(subject, Utc::now(), Duration::from_secs(3600));
    claims.roles = roles.iter().map(|r| r.to_string()).collect();
    claims.scope = scope.map(str::to_string);
    keys.mint(claims).expect("mint")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let database_url = std::env::var("CADENCE_BENCH_DATABASE_URL").unwrap_or_else(|_| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let requests: usize = env_or("CADENCE_BENCH_REQUESTS", 400);
    let rounds: usize = env_or("CADENCE_BENCH_ROUNDS", 3);
    let seeded = Command::new(bin())
        .args(["seed-demo", "--people", "200"])
        .env("DATABASE_URL", &database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run seed-demo");
    println!("seed: {}", String::from_utf8_lossy(&seeded.stdout).trim());

    let port = free_port();
    let _server = Server(
        Command::new(bin())
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args([
                "--webhook-dispatcher",
                "false",
                "--webhooks-allow-http-loopback",
            ])
            .args(["--overdue-check-interval", "0s", "--metrics", "false"])
            .env("DATABASE_URL", &database_url)
            .env("CADENCE_JWT_SECRET", SECRET)
            .env("CADENCE_RATE_LIMIT_CAPACITY", "0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start cadence serve"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let url = format!("{base}/graphql");
    let http = reqwest::Client::new();
    wait_ready(&http, &base).await;
    let keys = JwtKeys::from_settings(&AuthSettings {
        jwt_secret: Some(SECRET.into()),
        ..AuthSettings::default()
    })
    .expect("keys");
    let writer = token(
        &keys,
        "hris-bench",
        &["integration"],
        Some("org:read meetings:read meetings:write"),
    );
    let admin = token(&keys, "E00001", &["hr_admin"], None);

    // A manager with reports: the CEO's first direct report.
    let found = gql(
        &http,
        &url,
        &writer,
        r#"{ personByExternalId(externalId: "E00001") { directReports(first: 1) { nodes {
             id directReports(first: 20) { nodes { id } } } } } }"#,
        json!({}),
    )
    .await;
    let manager = &found["data"]["personByExternalId"]["directReports"]["nodes"][0];
    let host = manager["id"].as_str().expect("a manager").to_string();
    let guests: Vec<String> = manager["directReports"]["nodes"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_string())
        .collect();
    assert!(!guests.is_empty(), "the manager has reports");

    // Every meeting a minute apart, within the last days, so none repeats another.
    let start = Utc::now() - chrono::Duration::days(10);
    let mut n = 0usize;
    let mut log = |http: reqwest::Client| {
        n += 1;
        let input = json!({
            "hostId": host, "guestId": guests[n % guests.len()],
            "scheduledAt": (start + chrono::Duration::minutes(n as i64)).to_rfc3339(),
            "durationMinutes": 30, "status": "HELD",
        });
        let (url, writer) = (url.clone(), writer.clone());
        async move {
            let began = Instant::now();
            gql(&http, &url, &writer, LOG_MEETING, json!({ "input": input })).await;
            began.elapsed().as_secs_f64() * 1000.0
        }
    };
    for _ in 0..50 {
        log(http.clone()).await; // warm-up
    }

    let receiver = format!("http://127.0.0.1:{}/hook", free_port());
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        for subscribed in [false, true] {
            let mut webhook = None;
            if subscribed {
                let made = gql(
                    &http,
                    &url,
                    &admin,
                    "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }",
                    json!({ "input": { "url": receiver, "events": ["MEETING_CREATED"] } }),
                )
                .await;
                webhook = Some(made["data"]["createWebhook"]["webhook"]["id"].clone());
            }
            let mut times = Vec::with_capacity(requests);
            for _ in 0..requests {
                times.push(log(http.clone()).await);
            }
            times.sort_by(f64::total_cmp);
            let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
            let name = if subscribed {
                "webhook subscribed"
            } else {
                "no webhook"
            };
            println!("round {round}: {name}: p50 {p50:.2} ms, p95 {p95:.2} ms");
            if let Some(id) = webhook {
                gql(
                    &http,
                    &url,
                    &admin,
                    "mutation($input: WebhookIdInput!) { deleteWebhook(input: $input) { deletedId } }",
                    json!({ "input": { "id": id } }),
                )
                .await;
                with.push((p50, p95));
            } else {
                without.push((p50, p95));
            }
        }
    }
    let p50 = |v: &[(f64, f64)]| median(v.iter().map(|r| r.0).collect());
    let p95 = |v: &[(f64, f64)]| median(v.iter().map(|r| r.1).collect());
    println!(
        "\nlogMeeting, {requests} requests a round, medians of {rounds} rounds: p50 {:.2} ms \
         without a webhook, {:.2} ms with one ({:+.1} %); p95 {:.2} ms, {:.2} ms ({:+.1} %)",
        p50(&without),
        p50(&with),
        (p50(&with) / p50(&without) - 1.0) * 100.0,
        p95(&without),
        p95(&with),
        (p95(&with) / p95(&without) - 1.0) * 100.0,
    );
}
