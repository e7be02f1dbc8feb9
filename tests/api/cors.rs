//! Cross-origin calls from browsers: only the configured origins get CORS headers.
//! CORS does not touch the database, so these run on SQLite alone.

use cadence::config::CorsSettings;
use reqwest::Method;

use crate::support::{Backend, Options, TestApp, spawn_app_with};

const ALLOWED: &str = "https://app.example.com";
const OTHER: &str = "https://evil.example.net";

async fn app_allowing(origins: &[&str]) -> TestApp {
    spawn_app_with(
        Backend::Sqlite,
        Options {
            cors: CorsSettings {
                cors_origins: origins.iter().map(|o| o.to_string()).collect(),
            },
            ..Options::default()
        },
    )
    .await
}

/// A browser's preflight before a POST with a bearer token from `origin`.
async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url("/graphql"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .expect("preflight")
}

/// A cross-origin POST as a browser sends it after a successful preflight.
async fn post_from(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .post(app.url("/graphql"))
        .header("origin", origin)
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("post")
}

fn header<'r>(response: &'r reqwest::Response, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_origin_passes_the_preflight() {
    let app = app_allowing(&[ALLOWED, "http://localhost:3000"]).await;

    let response = preflight(&app, ALLOWED).await;

    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(ALLOWED)
    );
    let methods = header(&response, "access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let headers = header(&response, "access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    // Tokens travel in a header, never in cookies: no credentials mode.
    assert_eq!(header(&response, "access-control-allow-credentials"), None);
    let post = post_from(&app, ALLOWED).await;
    assert_eq!(post.status(), 200);
    assert_eq!(header(&post, "access-control-allow-origin"), Some(ALLOWED));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_origin_gets_no_cors_headers() {
    let app = app_allowing(&[ALLOWED]).await;

    let response = preflight(&app, OTHER).await;

    assert!(!response.status().is_success(), "{}", response.status());
    assert_eq!(header(&response, "access-control-allow-origin"), None);
    // The request itself is answered, but without the header the browser hides the answer.
    let post = post_from(&app, OTHER).await;
    assert_eq!(post.status(), 200);
    assert_eq!(header(&post, "access-control-allow-origin"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_origins_configured_no_origin_gets_cors_headers() {
    let app = app_allowing(&[]).await;

    for origin in [ALLOWED, OTHER] {
        let response = preflight(&app, origin).await;
        assert_eq!(header(&response, "access-control-allow-origin"), None);
        let post = post_from(&app, origin).await;
        assert_eq!(post.status(), 200);
        assert_eq!(header(&post, "access-control-allow-origin"), None);
    }
}
