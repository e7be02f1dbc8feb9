//! End-to-end benchmark of the performance targets in DESIGN.md, against the release server
//! binary over HTTP, on the demo company (10,000 people, about a million meetings).
//!
//! `CADENCE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadence_bench cargo bench --bench api`
//! (SQLite: `sqlite:///tmp/cadence-bench.db?mode=rwc`). The database is seeded on first
//! use (`seed-demo`), then reused. Prints p50/p95 per query, throughput and server RSS.
//! `CADENCE_BENCH_PEOPLE` sets the company's size (default 10,000); `CADENCE_BENCH_BIN`
//! runs another build of the server (e.g. an older one, to compare).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use chrono::Utc;
use serde_json::{Value, json};

const SECRET: &str = "benchmark-secret-benchmark-secret-0123456789";

/// The server binary: this build's, unless `CADENCE_BENCH_BIN` names another.
fn bin() -> String {
    std::env::var("CADENCE_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cadence").into())
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(database_url: &str, port: u16) -> Server {
    let child = Command::new(bin())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database_url)
        .env("CADENCE_JWT_SECRET", SECRET)
        .env("CADENCE_DB_MAX_CONNECTIONS", "16")
        .env("CADENCE_RATE_LIMIT_CAPACITY", "0")
        // The whole-org reports of a 40,000-person company outlast the default limits.
        .env("CADENCE_DB_STATEMENT_TIMEOUT", "60s")
        .env("CADENCE_EXECUTION_TIMEOUT", "60s")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start cadence serve");
    Server {
        child,
        url: format!("http://127.0.0.1:{port}/graphql"),
    }
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Client {
    http: reqwest::Client,
    url: String,
}

impl Client {
    async fn gql(&self, token: &str, query: &str, variables: Value) -> Value {
        let body: Value = self
            .http
            .post(&self.url)
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body
    }
}

async fn measure(name: &str, runs: usize, client: &Client, token: &str, query: &str, vars: Value) {
    client.gql(token, query, vars.clone()).await; // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        client.gql(token, query, vars.clone()).await;
        times.push(start.elapsed());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "| {name} | {runs} | {:.1} ms | {:.1} ms |",
        pct(0.5),
        pct(0.95)
    );
}

#[tokio::main]
async fn main() {
    let Ok(database_url) = std::env::var("CADENCE_BENCH_DATABASE_URL") else {
        eprintln!("skipped: set CADENCE_BENCH_DATABASE_URL (see benches/api.rs)");
        return;
    };
    let people: usize = std::env::var("CADENCE_BENCH_PEOPLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    if database_url.starts_with("postgres") {
        ensure_postgres_database(&database_url);
    }
    let seeded = Command::new(bin())
        .args(["seed-demo", "--people", &people.to_string()])
        .env("DATABASE_URL", &database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run seed-demo");
    println!("seed: {}", String::from_utf8_lossy(&seeded.stdout).trim());

    let port = 18_000 + (std::process::id() % 1000) as u16;
    let server = start_server(&database_url, port);
    let client = Client {
        http: reqwest::Client::new(),
        url: server.url.clone(),
    };
    let health = server.url.replace("/graphql", "/readyz");
    for _ in 0..600 {
        if client
            .http
            .get(&health)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let keys = JwtKeys::from_settings(&AuthSettings {
        jwt_secret: Some(SECRET.into()),
        ..AuthSettings::default()
    })
    .expect("keys");
    let token = |sub: &str, role: Option<&str>| {
        let mut c = Claims::new(sub, Utc::now(), Duration::from_secs(3600));
        c.roles.extend(role.map(String::from));
        keys.mint(c).expect("mint")
    };
    let hr = {
        let mut c = Claims::new("hris-bench", Utc::now(), Duration::from_secs(3600));
        c.roles = vec!["integration".into()];
        c.scope = Some("org:read meetings:read".into());
        keys.mint(c).expect("mint")
    };
    // The CEO is E00001; pick a first-line manager with reports and meetings.
    let ceo_id = client
        .gql(
            &hr,
            r#"{ personByExternalId(externalId: "E00001") { id } }"#,
            json!({}),
        )
        .await["data"]["personByExternalId"]["id"]
        .as_str()
        .expect("CEO")
        .to_string();
    let managers = client
        .gql(
            &hr,
            "query($id: ID!) { person(id: $id) { reports(depth: 6, first: 100, after: null) { nodes { id externalId directReports(first: 1) { totalCount nodes { directReports(first: 1) { totalCount } } } } } } }",
            json!({ "id": ceo_id }),
        )
        .await;
    let nodes = managers["data"]["person"]["reports"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let first_line = nodes
        .iter()
        .find(|n| {
            n["directReports"]["totalCount"].as_i64().unwrap_or(0) >= 3
                && n["directReports"]["nodes"][0]["directReports"]["totalCount"].as_i64() == Some(0)
        })
        .or_else(|| nodes.first())
        .expect("a manager");
    let manager_id = first_line["id"].as_str().unwrap().to_string();
    let manager_ext = first_line["externalId"].as_str().unwrap().to_string();
    let manager_token = token(&manager_ext, None);
    let ceo_token = token("E00001", None);

    println!("\n| query | runs | p50 | p95 |\n|---|---|---|---|");
    let runs = 50;
    measure(
        "manager: directReports { meetsWith(first: 3) }",
        runs,
        &client,
        &manager_token,
        "query($id: ID!) { person(id: $id) { directReports { nodes { name meetsWith(first: 3) { nodes { person { name } count lastMetAt } } } } } }",
        json!({ "id": manager_id }),
    )
    .await;
    measure(
        "manager: meetsWith (20 partners)",
        runs,
        &client,
        &manager_token,
        "query($id: ID!) { person(id: $id) { meetsWith { totalCount nodes { person { name } count firstMetAt lastMetAt averageIntervalDays kinds } } } }",
        json!({ "id": manager_id }),
    )
    .await;
    measure(
        "manager: 100 meetings with host, guest, agenda",
        runs,
        &client,
        &manager_token,
        "query($id: ID!) { meetings(first: 100, filter: { personId: $id }) { nodes { scheduledAt kind host { name } guest { name } agenda { text category } } } }",
        json!({ "id": manager_id }),
    )
    .await;
    measure(
        "manager: coverageReport",
        runs,
        &client,
        &manager_token,
        "query($id: ID!) { coverageReport(managerId: $id) { directCoverage skipLevelCoverage overdue { report { name } daysOverdue } peerMeetingCount tacticalShare averageRating } }",
        json!({ "id": manager_id }),
    )
    .await;
    measure(
        "CEO: whole-org coverageReport",
        10,
        &client,
        &ceo_token,
        "query($id: ID!) { coverageReport(managerId: $id) { directCoverage skipLevelCoverage overdue { manager { name } report { name } daysOverdue } managers { manager { name } directReportCount directCoverage skipLevelCoverage peerMeetingCount tacticalShare averageRating } } }",
        json!({ "id": ceo_id }),
    )
    .await;
    measure(
        "CEO: overdueOneOnOnes (first 20)",
        10,
        &client,
        &ceo_token,
        "query($id: ID!) { overdueOneOnOnes(managerId: $id) { totalCount nodes { manager { name } report { name } daysOverdue } } }",
        json!({ "id": ceo_id }),
    )
    .await;
    measure(
        "CEO: reports { totalCount }",
        runs,
        &client,
        &ceo_token,
        "query($id: ID!) { person(id: $id) { reports { totalCount } } }",
        json!({ "id": ceo_id }),
    )
    .await;
    measure(
        "people(first: 20), first page",
        runs,
        &client,
        &ceo_token,
        "{ people(first: 20) { nodes { name title } pageInfo { endCursor } } }",
        json!({}),
    )
    .await;
    // A page deep in the list: its cursor comes from walking there, 100 at a time.
    let mut after = Value::Null;
    for _ in 0..(people / 200) {
        after = client
            .gql(
                &ceo_token,
                "query($after: String) { people(first: 100, after: $after) { pageInfo { endCursor } } }",
                json!({ "after": after }),
            )
            .await["data"]["people"]["pageInfo"]["endCursor"]
            .clone();
    }
    measure(
        "people(first: 20), a page half-way through",
        runs,
        &client,
        &ceo_token,
        "query($after: String) { people(first: 20, after: $after) { nodes { name title } pageInfo { endCursor } } }",
        json!({ "after": after }),
    )
    .await;
    measure(
        "people(first: 20) with totalCount",
        runs,
        &client,
        &ceo_token,
        "{ people(first: 20) { totalCount nodes { name title } } }",
        json!({}),
    )
    .await;
    measure(
        "integration: meetings(first: 20)",
        runs,
        &client,
        &hr,
        "{ meetings(first: 20) { nodes { scheduledAt kind status } } }",
        json!({}),
    )
    .await;
    let to = Utc::now();
    let from = to - chrono::Duration::weeks(51);
    measure(
        "CEO: coverageTrend 12 months by week",
        3,
        &client,
        &ceo_token,
        "query($id: ID!, $from: DateTime!, $to: DateTime!) { coverageTrend(managerId: $id, from: $from, to: $to, interval: WEEK) { at directCoverage skipLevelCoverage } }",
        json!({ "id": ceo_id, "from": from.to_rfc3339(), "to": to.to_rfc3339() }),
    )
    .await;

    // Throughput of a simple read, many clients at once.
    let concurrency = 32;
    let seconds = 10;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let client = Arc::new(client);
    let mut peak_rss: f64 = 0.0;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, done, stop, token, id) = (
            client.clone(),
            done.clone(),
            stop.clone(),
            manager_token.clone(),
            manager_id.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                client
                    .gql(
                        &token,
                        "query($id: ID!) { person(id: $id) { name title email } }",
                        json!({ "id": id }),
                    )
                    .await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        peak_rss = peak_rss.max(rss_mib(server.child.id()));
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let rps = done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
    println!(
        "\nsimple read `person(id) {{ name title email }}`, {concurrency} clients: {rps:.0} requests/s"
    );
    println!("server RSS under load: peak {peak_rss:.0} MiB");
}

/// Creates the benchmark database when it does not exist yet.
fn ensure_postgres_database(url: &str) {
    let (base, name) = url.rsplit_once('/').expect("database name in URL");
    let name = name.split('?').next().unwrap_or(name);
    let admin = format!("{base}/postgres");
    let exists = Command::new("psql")
        .args([
            &admin,
            "-Atqc",
            &format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "1")
        .unwrap_or(false);
    if !exists {
        let _ = Command::new("psql")
            .args([&admin, "-qc", &format!("CREATE DATABASE \"{name}\"")])
            .status();
    }
}
