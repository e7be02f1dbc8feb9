//! The GraphiQL explorer at `GET /graphql`: a page and files served from the binary, with
//! nothing from another origin, a Content-Security-Policy that lets only same-origin
//! scripts run, the demo's prefill (and no token anywhere else), and a real browser that
//! runs a query and a subscription offline (`tests/js/explorer.mjs`).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::cli::{FIRST_QUERY, demo_explorer};
use cadence::http::explorer::ExplorerSettings;
use chrono::Utc;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::time::timeout;

use crate::db_test;
use crate::support::{Backend, Options, TestApp, at, dated_org, spawn_app, spawn_app_with};

/// `GET /graphql` as a browser asks for it.
async fn page(app: &TestApp) -> (u16, HeaderMap, String) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .header(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
        .to_str()
        .unwrap()
}

/// The directive of a Content-Security-Policy, e.g. `script-src 'self'`.
fn directive<'a>(policy: &'a str, name: &str) -> &'a str {
    policy
        .split(';')
        .map(str::trim)
        .find(|d| d.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in {policy}"))
}

/// Every `src="…"` and `href="…"` of the page.
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            found.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    found
}

/// The page's settings: the JSON of its `explorer-settings` data block.
fn settings(html: &str) -> Value {
    let open = r#"<script type="application/json" id="explorer-settings">"#;
    let start = html.find(open).expect("a settings block") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("JSON settings")
}

/// An app whose explorer opens with `explorer`.
async fn app_with(backend: Backend, explorer: ExplorerSettings) -> TestApp {
    spawn_app_with(
        backend,
        Options {
            explorer,
            ..Options::default()
        },
    )
    .await
}

db_test!(the_explorer_page_loads_nothing_from_another_origin_and_confines_its_scripts);
async fn the_explorer_page_loads_nothing_from_another_origin_and_confines_its_scripts(
    backend: Backend,
) {
    let app = spawn_app(backend).await;

    let (status, headers, html) = page(&app).await;

    assert_eq!(status, 200, "{html}");
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    for outside in ["http://", "https://", "//", "unpkg", "jsdelivr", "cdn"] {
        assert!(!html.contains(outside), "{outside} in {html}");
    }
    let links = links(&html);
    assert!(links.len() >= 5, "{links:?}");
    for link in &links {
        assert!(
            link.starts_with("/graphql/assets/") || link == "data:,",
            "{link} is not one of ours"
        );
    }
    assert!(!html.contains("<script>"), "an inline script: {html}");
    let policy = header(&headers, "content-security-policy");
    let scripts = directive(policy, "script-src");
    assert_eq!(scripts, "script-src 'self'");
    assert_eq!(directive(policy, "default-src"), "default-src 'none'");
    let connect = directive(policy, "connect-src");
    assert_eq!(
        connect,
        format!(
            "connect-src 'self' ws://127.0.0.1:{0} wss://127.0.0.1:{0}",
            app.port
        )
    );
    for exact in [
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ] {
        let name = exact.split_whitespace().next().unwrap();
        assert_eq!(directive(policy, name), exact);
    }
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "referrer-policy"), "no-referrer");
    // Outside the demo the page holds no headers, let alone a token.
    assert!(!html.contains("Bearer"), "{html}");
    let opened = settings(&html);
    assert_eq!(opened["headers"], Value::Null, "{opened}");
    assert_eq!(opened["query"], Value::Null, "{opened}");
}

db_test!(every_file_the_page_names_is_served_with_its_type_and_cached);
async fn every_file_the_page_names_is_served_with_its_type_and_cached(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, html) = page(&app).await;

    let files: Vec<String> = links(&html)
        .into_iter()
        .filter(|l| l.starts_with('/'))
        .collect();
    for file in &files {
        let response = app.client.get(app.url(file)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{file}");
        let headers = response.headers().clone();
        let expected = if file.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(header(&headers, "content-type"), expected, "{file}");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        let cache = header(&headers, "cache-control");
        if file.contains("-4.") || file.contains("-18.") {
            // Vendored: the version is in the name.
            assert_eq!(cache, "public, max-age=31536000, immutable", "{file}");
        } else {
            assert_eq!(cache, "no-cache", "{file}");
        }
        assert!(!response.bytes().await.unwrap().is_empty(), "{file}");
        let etag = header(&headers, "etag");
        let again = app
            .client
            .get(app.url(file))
            .header("if-none-match", etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 304, "{file}");
    }
    for name in [
        "graphiql.min.js",
        "react.production.min.js",
        "../Cargo.toml",
    ] {
        let response = app
            .client
            .get(app.url(&format!("/graphql/assets/{name}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404, "{name}");
    }
}

db_test!(without_introspection_or_in_allow_list_mode_neither_page_nor_files_are_served);
async fn without_introspection_or_in_allow_list_mode_neither_page_nor_files_are_served(
    backend: Backend,
) {
    let served = spawn_app(backend).await;
    let files: Vec<String> = links(&page(&served).await.2)
        .into_iter()
        .filter(|l| l.starts_with('/'))
        .collect();
    let documents = tempfile::tempdir().unwrap();
    std::fs::write(documents.path().join("typename.graphql"), "{ __typename }").unwrap();
    let mut closed = Options::default();
    closed.limits.introspection = false;
    let mut listed = Options::default();
    listed.limits.persisted_only = Some(documents.path().to_path_buf());

    for options in [closed, listed] {
        let app = spawn_app_with(backend, options).await;
        let (status, headers, html) = page(&app).await;
        assert_ne!(status, 200, "{html}");
        assert!(!html.contains("explorer-settings"), "{html}");
        assert!(headers.get("content-security-policy").is_none());
        for file in &files {
            let response = app.client.get(app.url(file)).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 404, "{file}");
        }
    }
}

#[test]
fn the_demo_opens_with_the_readme_first_query() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme.find("```graphql\n").expect("a GraphQL block") + "```graphql\n".len();
    let end = start + readme[start..].find("```").unwrap();
    assert_eq!(&readme[start..end], FIRST_QUERY);
    assert_eq!(demo_explorer("t").query.as_deref(), Some(FIRST_QUERY));
}

db_test!(the_demo_page_holds_the_token_and_settings_cannot_break_out_of_their_block);
async fn the_demo_page_holds_the_token_and_settings_cannot_break_out_of_their_block(
    backend: Backend,
) {
    let demo = app_with(backend, demo_explorer("a.b.c")).await;
    let hostile = ExplorerSettings {
        query: Some("</script><script>alert(1)</script><!--".into()),
        headers: Some(r#"{"X": "</SCRIPT>&amp;"}"#.into()),
    };
    let escaped = app_with(backend, hostile.clone()).await;

    let (_, _, html) = page(&demo).await;
    let opened = settings(&html);
    assert_eq!(opened["query"], FIRST_QUERY);
    let headers: Value = serde_json::from_str(opened["headers"].as_str().unwrap()).unwrap();
    assert_eq!(
        headers,
        serde_json::json!({"Authorization": "Bearer a.b.c"})
    );

    let (_, _, html) = page(&escaped).await;
    assert_eq!(html.matches("</script>").count(), 5, "{html}");
    assert!(!html.contains("alert(1)</"), "{html}");
    let opened = settings(&html);
    assert_eq!(opened["query"].as_str(), hostile.query.as_deref());
    assert_eq!(opened["headers"].as_str(), hostile.headers.as_deref());
}

/// `cadence serve --demo` itself: the page it serves holds the HR admin's token it printed
/// (and no other), and the README's first query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_opens_the_explorer_with_the_hr_admin_token() {
    let mut demo = Command::new(env!("CARGO_BIN_EXE_cadence"))
        .args([
            "serve",
            "--demo",
            "--demo-people",
            "30",
            "--bind",
            "127.0.0.1:0",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start cadence");
    let mut lines = BufReader::new(demo.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    while printed.len() < 8 {
        let line = timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("the demo's lines")
            .unwrap();
        let Some(line) = line else {
            let out = demo.wait_with_output().await.unwrap();
            panic!(
                "the demo ended early: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        printed.push(line);
    }
    let url = printed[1]
        .strip_prefix("GraphiQL:")
        .unwrap()
        .trim()
        .to_string();
    let token_of = |role: &str| {
        let line = printed
            .iter()
            .find(|l| l.trim_start().starts_with(role))
            .unwrap();
        line.rsplit(' ').next().unwrap().to_string()
    };
    let (hr_admin, director) = (token_of("HR admin"), token_of("director"));

    let html = reqwest::Client::new()
        .get(&url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    let opened = settings(&html);
    assert_eq!(opened["query"], FIRST_QUERY);
    let headers: Value = serde_json::from_str(opened["headers"].as_str().unwrap()).unwrap();
    assert_eq!(headers["Authorization"], format!("Bearer {hr_admin}"));
    assert!(!html.contains(&director), "{html}");
}

/// Chromium, Debian's or `$CHROMIUM`; panics with how to install it when it is missing.
fn chromium() -> String {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&path).exists(),
        "{path} is missing: the explorer's browser test needs Chromium \
         (`apt-get install -y --no-install-recommends chromium`, as .ci/run does, \
         or set CHROMIUM to a Chromium binary)"
    );
    path
}

db_test!(graphiql_runs_a_query_and_a_subscription_in_chromium_offline);
async fn graphiql_runs_a_query_and_a_subscription_in_chromium_offline(backend: Backend) {
    let chromium = chromium();
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        js.join("node_modules/playwright-core").is_dir(),
        "tests/js/node_modules is missing: run `npm ci --prefix tests/js` first"
    );
    // The demo's page, with a token this app accepts for Hana HR (hr_admin).
    let keys = JwtKeys::from_settings(&Options::default().auth).unwrap();
    let mut claims = Claims::new("hr", Utc::now(), Duration::from_secs(3600));
    claims.roles = vec!["hr_admin".into()];
    let token = keys.mint(claims).unwrap();
    let app = app_with(backend, demo_explorer(&token)).await;
    app.upsert_people(dated_org()).await;
    let ids: Value = app
        .gql(
            Some(&app.admin_integration()),
            r#"{ people(first: 20) { nodes { id externalId } } }"#,
            serde_json::json!({}),
        )
        .await
        .ok()
        .data("/people/nodes")
        .clone();
    let id = |external: &str| {
        ids.as_array()
            .unwrap()
            .iter()
            .find(|p| p["externalId"] == external)
            .unwrap()["id"]
            .clone()
    };

    let mut node = Command::new("node")
        .arg(js.join("explorer.mjs"))
        .arg(format!("http://127.0.0.1:{}/graphql", app.port))
        .arg("Hana HR")
        .env("CHROMIUM", &chromium)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("running `node` (Node.js 20)");
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut said = async |within: Duration| -> Option<Value> {
        let line = timeout(within, lines.next_line()).await.ok()?;
        let line = line
            .expect("reading node's output")
            .expect("node ended early");
        let said: Value = serde_json::from_str(&line).expect("a JSON line");
        assert_ne!(said["stage"], "failed", "{said:#}");
        Some(said)
    };
    let browser = Duration::from_secs(60);

    let answered = said(browser).await.expect("the query's answer");
    assert_eq!(answered["stage"], "answered", "{answered}");
    assert_eq!(answered["query"], FIRST_QUERY);
    assert!(
        answered["headers"]
            .as_str()
            .unwrap()
            .contains(&format!("Bearer {token}")),
        "{answered}"
    );
    let response: Value = serde_json::from_str(answered["response"].as_str().unwrap()).unwrap();
    assert_eq!(response["data"]["viewer"]["name"], "Hana HR", "{response}");

    let subscribed = said(browser).await.expect("the subscription");
    assert_eq!(subscribed["stage"], "subscribed", "{subscribed}");
    // The subscription starts a moment after it is sent: log meetings until one shows.
    let event = 'event: {
        for day in 1..=20 {
            let input = serde_json::json!({
                "hostId": id("em1"),
                "guestId": id("dev1"),
                "scheduledAt": at(&format!("2024-02-{day:02}")),
                "durationMinutes": 30,
                "status": "HELD",
            });
            app.gql(
                Some(&app.admin_integration()),
                "mutation($input: LogMeetingInput!) { logMeeting(input: $input) { meeting { id } } }",
                serde_json::json!({ "input": input }),
            )
            .await
            .ok();
            if let Some(event) = said(Duration::from_millis(500)).await {
                break 'event event;
            }
        }
        panic!("the page never showed a subscription event");
    };
    assert_eq!(event["stage"], "event", "{event}");
    let shown: Value = serde_json::from_str(event["response"].as_str().unwrap()).unwrap();
    assert!(shown["data"]["meetingChanged"]["id"].is_string(), "{shown}");

    let done = said(browser).await.expect("the browser's report");
    assert_eq!(done["stage"], "done", "{done}");
    assert_eq!(
        done["offsite"],
        serde_json::json!([]),
        "requests left 127.0.0.1"
    );
    assert_eq!(done["violations"], serde_json::json!([]), "CSP violations");
    assert_eq!(done["errors"], serde_json::json!([]), "console errors");
    assert_eq!(
        done["stored"],
        serde_json::json!([]),
        "the token in localStorage"
    );
    let exit = timeout(browser, node.wait())
        .await
        .expect("node ended")
        .unwrap();
    assert!(exit.success());
}
