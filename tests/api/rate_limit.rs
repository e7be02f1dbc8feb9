//! Rate limiting: each client (a token's `sub`, else its IP address) has a budget of cost
//! points that refills every second; a request is charged its cost up front, and a client
//! out of budget gets 429 RATE_LIMITED with `retryAfter`.

use serde_json::json;

use crate::db_test;
use crate::support::request::{GRAPHQL_RESPONSE_JSON, JSON, Reply, Send, post};
use crate::support::{Backend, Options, TestApp, small_org, spawn_app, spawn_app_with};

/// Costs 2 + 10 × (1 + 1) = 22 points.
const COSTS_22: &str = "{ people(first: 10) { nodes { manager { id } } } }";

fn budget(capacity: u64, refill_per_second: u64) -> Options {
    let mut options = Options::default();
    options.limits.rate_limit_capacity = capacity;
    options.limits.rate_limit_refill_per_second = refill_per_second;
    options.limits.max_batch = 10;
    options
}

async fn app_with_org(backend: Backend, options: Options) -> TestApp {
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    app
}

async fn costs_22(app: &TestApp, token: &str, accept: Option<&str>) -> Reply {
    let send = Send {
        token: Some(token),
        accept,
        report: true,
    };
    post(app, send, &json!({ "query": COSTS_22 })).await
}

fn remaining(reply: &Reply) -> u64 {
    reply.body["extensions"]["rateLimit"]["remaining"]
        .as_u64()
        .unwrap_or_else(|| panic!("no rateLimit.remaining: {}", reply.body))
}

#[track_caller]
fn assert_rate_limited(reply: &Reply) {
    assert_eq!(reply.status, 429, "{}", reply.body);
    assert!(reply.body.get("data").is_none(), "{}", reply.body);
    assert_eq!(
        reply.error_extensions()["code"],
        "RATE_LIMITED",
        "{}",
        reply.body
    );
}

db_test!(a_client_that_spends_its_budget_is_rate_limited_with_retry_after);
async fn a_client_that_spends_its_budget_is_rate_limited_with_retry_after(backend: Backend) {
    // 100 points, 1 more per second: four requests of 22 fit, the fifth does not.
    let app = app_with_org(backend, budget(100, 1)).await;
    let token = app.person_token("dev1");

    let mut allowed = Vec::new();
    for _ in 0..4 {
        allowed.push(costs_22(&app, &token, None).await);
    }
    let refused = costs_22(&app, &token, Some(GRAPHQL_RESPONSE_JSON)).await;
    let refused_json = costs_22(&app, &token, Some(JSON)).await;

    for reply in &allowed {
        reply.assert_ok();
        let rate = &reply.body["extensions"]["rateLimit"];
        assert_eq!(rate["cost"], 22, "{}", reply.body);
        assert_eq!(rate["limit"], 100);
        assert!(rate["resetAt"].is_string(), "{}", reply.body);
        assert_eq!(reply.body["extensions"]["cost"]["requested"], 22);
        assert_eq!(reply.header("ratelimit-limit"), Some("100"));
    }
    assert_eq!(remaining(&allowed[0]), 78);
    assert!(
        remaining(&allowed[3]) >= 12 && remaining(&allowed[3]) < 22,
        "{}",
        allowed[3].body
    );
    assert_eq!(
        allowed[3].header("ratelimit-remaining"),
        Some(remaining(&allowed[3]).to_string().as_str())
    );
    for reply in [&refused, &refused_json] {
        assert_rate_limited(reply);
        let extensions = reply.error_extensions();
        let retry_after = extensions["retryAfter"].as_u64().expect("retryAfter");
        assert!((1..=10).contains(&retry_after), "{}", reply.body);
        assert_eq!(extensions["cost"], 22);
        assert_eq!(
            reply.header("retry-after"),
            Some(retry_after.to_string().as_str())
        );
        assert_eq!(reply.body["extensions"]["rateLimit"]["cost"], 22);
        assert!(remaining(reply) < 22, "{}", reply.body);
    }
    assert!(
        refused
            .header("content-type")
            .unwrap()
            .starts_with(GRAPHQL_RESPONSE_JSON)
    );
    assert!(
        refused_json
            .header("content-type")
            .unwrap()
            .starts_with(JSON)
    );
}

db_test!(budgets_are_kept_per_token_subject_and_per_address);
async fn budgets_are_kept_per_token_subject_and_per_address(backend: Backend) {
    let app = app_with_org(backend, budget(30, 1)).await;
    let dev1 = app.person_token("dev1");
    let dev1_again = app.person_token("dev1");
    let dev2 = app.person_token("dev2");

    let first = costs_22(&app, &dev1, None).await;
    let same_subject = costs_22(&app, &dev1_again, None).await;
    let other_subject = costs_22(&app, &dev2, None).await;
    let anonymous = post(
        &app,
        Send {
            report: true,
            ..Send::default()
        },
        &json!({ "query": COSTS_22 }),
    )
    .await;

    first.assert_ok();
    assert_rate_limited(&same_subject);
    other_subject.assert_ok();
    assert_eq!(anonymous.status, 200, "{}", anonymous.body);
    assert_eq!(
        anonymous.body["extensions"]["rateLimit"]["cost"], 22,
        "anonymous requests are charged to their address: {}",
        anonymous.body
    );
}

db_test!(the_budget_refills_over_time);
async fn the_budget_refills_over_time(backend: Backend) {
    let app = app_with_org(backend, budget(22, 22)).await;
    let token = app.person_token("dev1");

    let first = costs_22(&app, &token, None).await;
    let refused = costs_22(&app, &token, None).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let after_refill = costs_22(&app, &token, None).await;

    first.assert_ok();
    assert_rate_limited(&refused);
    assert_eq!(
        refused.error_extensions()["retryAfter"],
        1,
        "{}",
        refused.body
    );
    after_refill.assert_ok();
}

db_test!(a_batch_is_charged_as_a_whole_before_any_operation_runs);
async fn a_batch_is_charged_as_a_whole_before_any_operation_runs(backend: Backend) {
    let app = app_with_org(backend, budget(50, 1)).await;
    let token = app.admin_integration();
    let upsert = json!({
        "query": "mutation { upsertPeople(input: { people: [
            { externalId: \"new\", name: \"New\", email: \"new@example.com\" }] }) { created } }"
    });
    let send = Send {
        token: Some(&token),
        ..Send::default()
    };

    // 22 + 22 + 10 (a root mutation field) = 54, more than the 38 left after the org's
    // upsert (12).
    let refused = post(
        &app,
        send,
        &json!([{ "query": COSTS_22 }, { "query": COSTS_22 }, upsert]),
    )
    .await;
    let people = count_people(&app).await;

    assert_rate_limited(&refused);
    assert_eq!(refused.error_extensions()["cost"], 54, "{}", refused.body);
    assert_eq!(people, 9, "nothing in the refused batch ran");
}

/// People in the database, counted in SQL: the client's budget is spent.
async fn count_people(app: &TestApp) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM person",
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

db_test!(a_request_costlier_than_the_whole_budget_never_fits);
async fn a_request_costlier_than_the_whole_budget_never_fits(backend: Backend) {
    // 20 points: enough for the org's upsert (12), never for a request of 22.
    let app = app_with_org(backend, budget(20, 1)).await;
    let token = app.person_token("dev1");

    let refused = costs_22(&app, &token, None).await;

    assert_rate_limited(&refused);
    assert!(
        refused.error_extensions().get("retryAfter").is_none(),
        "{}",
        refused.body
    );
    assert!(refused.header("retry-after").is_none());
}

db_test!(capacity_zero_turns_rate_limiting_off);
async fn capacity_zero_turns_rate_limiting_off(backend: Backend) {
    let app = spawn_app_with(backend, budget(0, 1)).await;

    let mut replies = Vec::new();
    for _ in 0..5 {
        replies.push(
            post(
                &app,
                Send {
                    report: true,
                    ..Send::default()
                },
                &json!({ "query": "{ __typename }" }),
            )
            .await,
        );
    }

    for reply in replies {
        reply.assert_ok();
        assert!(reply.header("ratelimit-limit").is_none());
        assert!(
            reply.body["extensions"].get("rateLimit").is_none(),
            "{}",
            reply.body
        );
        assert_eq!(reply.body["extensions"]["cost"]["requested"], 0);
    }
}

db_test!(rate_limit_headers_are_sent_by_default);
async fn rate_limit_headers_are_sent_by_default(backend: Backend) {
    let app = spawn_app(backend).await;

    let reply = post(&app, Send::default(), &json!({ "query": "{ __typename }" })).await;

    assert_eq!(reply.body, json!({ "data": { "__typename": "Query" } }));
    assert_eq!(reply.header("ratelimit-limit"), Some("100000"));
    assert_eq!(
        reply.header("ratelimit-remaining"),
        Some("99999"),
        "at least 1 point"
    );
}

db_test!(the_rate_limit_field_reports_the_budget);
async fn the_rate_limit_field_reports_the_budget(backend: Backend) {
    let app = app_with_org(backend, budget(100, 1)).await;

    let answer = app
        .gql(
            Some(&app.person_token("dev1")),
            "{ rateLimit { cost limit remaining resetAt } }",
            json!({}),
        )
        .await
        .ok();

    assert_eq!(answer.data("/rateLimit/cost"), 1);
    assert_eq!(answer.data("/rateLimit/limit"), 100);
    assert_eq!(answer.data("/rateLimit/remaining"), 99);
}
