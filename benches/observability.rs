//! What `/metrics` and JSON logs cost: the throughput of a simple read
//! (`person(id) { name title email }`, 32 clients) on the release server, with metrics off
//! and text logs at `warn` (no line per request), against metrics on, `/metrics` scraped
//! every second and a JSON line per request at `info` (written to a file, as a log shipper
//! would read it). Runs alternate, several rounds; prints each round and the medians.
//!
//! `cargo bench --bench observability` (SQLite in a temporary directory, 1,000 people);
//! `CADENCE_BENCH_DATABASE_URL` picks another database (seeded on first use),
//! `CADENCE_BENCH_SECONDS` (10) and `CADENCE_BENCH_ROUNDS` (3) the length,
//! `CADENCE_BENCH_BIN` another build of the server; `CADENCE_BENCH_OBSERVED=metrics` or
//! `logs` turns on only one of the two; `CADENCE_BENCH_BASELINE_LOG=info` runs the
//! baseline at the default level (text, a line per request) instead of `warn`;
//! `CADENCE_BENCH_RUST_LOG` sets the candidate's filter (default `info`).
//!
//! Beside throughput it prints the server's CPU time per request (user + system, all
//! threads, from `/proc`): on a machine where the load generator and other work share the
//! cores, throughput swings with them, while CPU per request is what observing costs.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use chrono::Utc;
use serde_json::json;

mod support;
use support::{Server, bin, env_or, free_port, gql, median, wait_ready};

const SECRET: &str = "benchmark-secret-benchmark-secret-0123456789";
const READ: &str = "query($id: ID!) { person(id: $id) { name title email } }";
const CLIENTS: usize = 32;

/// `observed`: metrics on and JSON request lines (to `log`); else metrics off, `warn` text.
fn start(database_url: &str, port: u16, observed: bool, log: &std::path::Path) -> Server {
    let mut command = Command::new(bin());
    command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database_url)
        .env("CADENCE_JWT_SECRET", SECRET)
        .env("CADENCE_RATE_LIMIT_CAPACITY", "0")
        .env("CADENCE_DB_MAX_CONNECTIONS", "16")
        .stdout(Stdio::null());
    if observed {
        let part = std::env::var("CADENCE_BENCH_OBSERVED").unwrap_or_default();
        let (logs, metrics) = match part.as_str() {
            "metrics" => (false, true),
            "logs" => (true, false),
            _ => (true, true),
        };
        let file = std::fs::File::create(log).expect("log file");
        command
            .args(["--log-format", "json", "--metrics", &metrics.to_string()])
            .env(
                "RUST_LOG",
                match std::env::var("CADENCE_BENCH_RUST_LOG") {
                    Ok(filter) if logs => filter,
                    _ if logs => "info".into(),
                    _ => "warn".into(),
                },
            )
            .stderr(file);
    } else {
        command
            .args(["--log-format", "text", "--metrics", "false"])
            .env(
                "RUST_LOG",
                std::env::var("CADENCE_BENCH_BASELINE_LOG").unwrap_or("warn".into()),
            )
            .stderr(Stdio::null());
    }
    Server(command.spawn().expect("start cadence serve"))
}

/// The CPU time `pid` has used, user and system, over all its threads (Linux `/proc`).
fn cpu_seconds(pid: u32) -> f64 {
    const TICKS_PER_SECOND: f64 = 100.0; // USER_HZ
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    let after_name = &stat[stat.rfind(')').expect("stat") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields[i].parse::<f64>().expect("ticks");
    // Fields 14 and 15 of the file (utime, stime), counted from the state (field 3).
    (ticks(11) + ticks(12)) / TICKS_PER_SECOND
}

/// One round's figures.
struct Round {
    per_second: f64,
    cpu_us_per_request: f64,
}

/// Requests per second of the simple read over `seconds`, and the server's CPU time per
/// request, scraping `/metrics` each second when `scrape` is set.
async fn throughput(
    base: &str,
    token: &str,
    id: &str,
    seconds: u64,
    scrape: bool,
    pid: u32,
) -> Round {
    let http = reqwest::Client::new();
    let url = format!("{base}/graphql");
    wait_ready(&http, base).await;
    gql(&http, &url, token, READ, json!({ "id": id })).await; // warm-up
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (http, url, done, stop) = (http.clone(), url.clone(), done.clone(), stop.clone());
        let (token, id) = (token.to_string(), id.to_string());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                gql(&http, &url, &token, READ, json!({ "id": id })).await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let start = Instant::now();
    let cpu_before = cpu_seconds(pid);
    let done_before = done.load(Ordering::Relaxed);
    while start.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if scrape && std::env::var("CADENCE_BENCH_OBSERVED").as_deref() != Ok("logs") {
            let text = http
                .get(format!("{base}/metrics"))
                .send()
                .await
                .expect("scrape");
            assert!(text.status().is_success());
            let _ = text.text().await;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let requests = (done.load(Ordering::Relaxed) - done_before) as f64;
    Round {
        per_second: requests / elapsed,
        cpu_us_per_request: (cpu_seconds(pid) - cpu_before) * 1e6 / requests,
    }
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
    let seconds: u64 = env_or("CADENCE_BENCH_SECONDS", 10);
    let rounds: usize = env_or("CADENCE_BENCH_ROUNDS", 3);
    let seeded = Command::new(bin())
        .args(["seed-demo", "--people", "1000"])
        .env("DATABASE_URL", &database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run seed-demo");
    println!("seed: {}", String::from_utf8_lossy(&seeded.stdout).trim());

    let keys = JwtKeys::from_settings(&AuthSettings {
        jwt_secret: Some(SECRET.into()),
        ..AuthSettings::default()
    })
    .expect("keys");
    let mut claims = Claims::new("hris-bench", Utc::now(), Duration::from_secs(3600));
    claims.roles = vec!["integration".into()];
    claims.scope = Some("org:read meetings:read".into());
    let token = keys.mint(claims).expect("mint");
    let log = dir.path().join("cadence.log");

    let mut id = String::new();
    let (mut plain, mut observed) = (Vec::new(), Vec::new());
    let (mut plain_cpu, mut observed_cpu) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        for with in [false, true] {
            let port = free_port();
            let server = start(&database_url, port, with, &log);
            let base = format!("http://127.0.0.1:{port}");
            if id.is_empty() {
                let http = reqwest::Client::new();
                wait_ready(&http, &base).await;
                let ceo = r#"{ personByExternalId(externalId: "E00001") { id } }"#;
                let found = gql(&http, &format!("{base}/graphql"), &token, ceo, json!({})).await;
                id = found["data"]["personByExternalId"]["id"]
                    .as_str()
                    .expect("E00001")
                    .to_string();
            }
            let pid = server.0.id();
            let round_figures = throughput(&base, &token, &id, seconds, with, pid).await;
            drop(server);
            let (rps, cpu) = (round_figures.per_second, round_figures.cpu_us_per_request);
            let name = if with {
                "metrics + JSON logs"
            } else {
                "neither"
            };
            println!("round {round}: {name}: {rps:.0} requests/s, {cpu:.0} µs CPU/request");
            if with {
                observed.push(rps);
                observed_cpu.push(cpu);
            } else {
                plain.push(rps);
                plain_cpu.push(cpu);
            }
        }
    }
    let lines = std::fs::read_to_string(&log).map_or(0, |s| s.lines().count());
    let (plain, observed) = (median(plain), median(observed));
    println!(
        "\nsimple read, {CLIENTS} clients, medians of {rounds} × {seconds} s: neither {plain:.0} \
         requests/s, metrics + JSON logs {observed:.0} requests/s ({:+.1} %); last run logged {lines} lines",
        (observed / plain - 1.0) * 100.0
    );
    let (plain_cpu, observed_cpu) = (median(plain_cpu), median(observed_cpu));
    println!(
        "server CPU per request: neither {plain_cpu:.0} µs, metrics + JSON logs \
         {observed_cpu:.0} µs ({:+.1} %)",
        (observed_cpu / plain_cpu - 1.0) * 100.0
    );
}
