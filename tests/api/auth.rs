//! Access tokens and roles: which tokens are accepted, and what each kind of viewer may read
//! and write (DESIGN.md, "Who may see what").

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cadence::auth::jwt::{Claims, JwtKeys};
use cadence::config::AuthSettings;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{
    Backend, Options, SECRET, TestApp, UPSERT_PEOPLE, person, small_org, spawn_app, spawn_app_with,
};

/// One query per data field; each must refuse an unauthenticated viewer on its own.
const DATA_QUERIES: [&str; 4] = [
    "{ viewer { externalId } }",
    "{ people { totalCount } }",
    r#"{ personByExternalId(externalId: "ceo") { name } }"#,
    "{ teams { totalCount } }",
];

/// Every data field answers UNAUTHENTICATED to `token`, while `__typename` still answers.
async fn assert_unauthenticated(app: &TestApp, token: Option<&str>) {
    for query in DATA_QUERIES {
        let answer = app.gql(token, query, json!({})).await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.body);
        answer.assert_error_code("UNAUTHENTICATED");
    }
    let typename = app.gql(token, "{ __typename }", json!({})).await.ok();
    assert_eq!(typename.data("/__typename"), "Query");
}

/// The token is accepted: `viewer` is the person `external_id`.
async fn assert_viewer_is(app: &TestApp, token: &str, external_id: &str) {
    let answer = app
        .gql(Some(token), "{ viewer { externalId } }", json!({}))
        .await
        .ok();
    assert_eq!(answer.data("/viewer/externalId"), external_id);
}

/// Signs arbitrary claims with `secret` and `alg`, bypassing Cadence's own minting.
fn sign(secret: &str, alg: Algorithm, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

fn now() -> i64 {
    Utc::now().timestamp()
}

fn hour() -> Duration {
    Duration::from_secs(3600)
}

/// An app holding the small org.
async fn app_with_org(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    app
}

db_test!(no_token_is_unauthenticated_on_every_data_field);
async fn no_token_is_unauthenticated_on_every_data_field(backend: Backend) {
    let app = app_with_org(backend).await;

    assert_unauthenticated(&app, None).await;
}

db_test!(a_malformed_token_or_header_is_unauthenticated);
async fn a_malformed_token_or_header_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let valid = app.person_token("ceo");
    let tampered = {
        // Same header and signature, another subject.
        let mut parts: Vec<String> = valid.split('.').map(str::to_string).collect();
        let payload = json!({ "sub": "cto", "exp": now() + 3600 });
        parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
        parts.join(".")
    };

    for token in ["garbage", "a.b.c", "", &valid[..valid.len() - 4], &tampered] {
        assert_unauthenticated(&app, Some(token)).await;
    }
    // The token must come as a bearer token, not in another scheme.
    let basic = app
        .client
        .post(app.url("/graphql"))
        .header("authorization", format!("Basic {valid}"))
        .json(&json!({ "query": "{ people { totalCount } }" }))
        .send()
        .await
        .unwrap();
    let body: Value = basic.json().await.unwrap();
    assert_eq!(
        body.pointer("/errors/0/extensions/code"),
        Some(&json!("UNAUTHENTICATED"))
    );
    assert_viewer_is(&app, &valid, "ceo").await;
}

db_test!(a_token_signed_with_another_secret_is_unauthenticated);
async fn a_token_signed_with_another_secret_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let other = JwtKeys::from_settings(&AuthSettings {
        jwt_secret: Some("another-secret-that-is-also-long-enough-0123456789".into()),
        ..AuthSettings::default()
    })
    .unwrap();
    let mut claims = Claims::new("ceo", Utc::now(), hour());
    claims.roles = vec!["hr_admin".into()];
    let forged = other.mint(claims.clone()).unwrap();

    assert_unauthenticated(&app, Some(&forged)).await;
    assert_viewer_is(&app, &app.mint(claims), "ceo").await;
}

db_test!(an_expired_token_is_unauthenticated);
async fn an_expired_token_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let expired_at = |seconds_ago: i64| {
        let mut claims = Claims::new("ceo", Utc::now() - chrono::Duration::hours(2), hour());
        claims.exp = now() - seconds_ago;
        app.mint(claims)
    };

    // Beyond the 30-second leeway for clock skew.
    assert_unauthenticated(&app, Some(&expired_at(120))).await;
    assert_unauthenticated(&app, Some(&expired_at(3600))).await;
    // Within the leeway.
    assert_viewer_is(&app, &expired_at(5), "ceo").await;
}

db_test!(a_token_without_exp_is_unauthenticated);
async fn a_token_without_exp_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let without_exp = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "sub": "ceo", "iat": now() }),
    );
    let with_exp = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "sub": "ceo", "iat": now(), "exp": now() + 3600 }),
    );

    assert_unauthenticated(&app, Some(&without_exp)).await;
    assert_viewer_is(&app, &with_exp, "ceo").await;
}

db_test!(a_token_without_sub_is_unauthenticated);
async fn a_token_without_sub_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let token = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "exp": now() + 3600, "roles": ["integration"], "scope": "org:read" }),
    );

    assert_unauthenticated(&app, Some(&token)).await;
}

db_test!(an_alg_none_token_is_unauthenticated);
async fn an_alg_none_token_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let payload = json!({ "sub": "ceo", "exp": now() + 3600, "roles": ["hr_admin"] });
    let unsigned = |header: Value| {
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    };

    for header in [
        json!({ "alg": "none", "typ": "JWT" }),
        json!({ "alg": "None", "typ": "JWT" }),
        json!({ "alg": "HS256", "typ": "JWT" }),
    ] {
        assert_unauthenticated(&app, Some(&unsigned(header))).await;
    }
}

db_test!(a_token_not_valid_yet_is_unauthenticated);
async fn a_token_not_valid_yet_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let not_before = |nbf: i64| {
        let mut claims = Claims::new("ceo", Utc::now(), hour());
        claims.nbf = Some(nbf);
        app.mint(claims)
    };

    assert_unauthenticated(&app, Some(&not_before(now() + 600))).await;
    assert_viewer_is(&app, &not_before(now() - 10), "ceo").await;
}

db_test!(a_token_signed_with_another_algorithm_is_unauthenticated);
async fn a_token_signed_with_another_algorithm_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let claims = json!({ "sub": "ceo", "exp": now() + 3600 });

    for alg in [Algorithm::HS384, Algorithm::HS512] {
        assert_unauthenticated(&app, Some(&sign(SECRET, alg, &claims))).await;
    }
    assert_viewer_is(&app, &sign(SECRET, Algorithm::HS256, &claims), "ceo").await;
}

const ISSUER: &str = "https://id.example.com";
const AUDIENCE: &str = "cadence";

/// An app that requires `iss` and `aud`, holding the small org.
async fn app_with_issuer_and_audience(backend: Backend) -> TestApp {
    let mut options = Options::default();
    options.auth.jwt_issuer = Some(ISSUER.into());
    options.auth.jwt_audience = Some(AUDIENCE.into());
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    app
}

db_test!(a_wrong_or_missing_issuer_or_audience_is_unauthenticated);
async fn a_wrong_or_missing_issuer_or_audience_is_unauthenticated(backend: Backend) {
    let app = app_with_issuer_and_audience(backend).await;
    let exp = now() + 3600;

    for claims in [
        json!({ "sub": "ceo", "exp": exp, "iss": "https://evil.example.com", "aud": AUDIENCE }),
        json!({ "sub": "ceo", "exp": exp, "iss": ISSUER, "aud": "another-api" }),
        json!({ "sub": "ceo", "exp": exp, "iss": ISSUER, "aud": ["another-api", "more"] }),
        json!({ "sub": "ceo", "exp": exp, "aud": AUDIENCE }),
        json!({ "sub": "ceo", "exp": exp, "iss": ISSUER }),
        json!({ "sub": "ceo", "exp": exp }),
    ] {
        let token = sign(SECRET, Algorithm::HS256, &claims);
        assert_unauthenticated(&app, Some(&token)).await;
    }
}

db_test!(the_configured_issuer_and_audience_are_accepted);
async fn the_configured_issuer_and_audience_are_accepted(backend: Backend) {
    let app = app_with_issuer_and_audience(backend).await;
    let exp = now() + 3600;
    let single = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "sub": "ceo", "exp": exp, "iss": ISSUER, "aud": AUDIENCE }),
    );
    // RFC 7519: `aud` may be an array; identity providers often send one.
    let listed = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "sub": "ceo", "exp": exp, "iss": ISSUER, "aud": ["other-api", AUDIENCE] }),
    );

    assert_viewer_is(&app, &single, "ceo").await;
    assert_viewer_is(&app, &listed, "ceo").await;
    assert_viewer_is(&app, &app.person_token("ceo"), "ceo").await;
}

db_test!(an_audience_is_not_checked_when_none_is_configured);
async fn an_audience_is_not_checked_when_none_is_configured(backend: Backend) {
    let app = app_with_org(backend).await;
    let exp = now() + 3600;
    let single = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "sub": "ceo", "exp": exp, "aud": "some-api" }),
    );
    let listed = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "sub": "ceo", "exp": exp, "aud": ["some-api", "another-api"] }),
    );
    let with_issuer = sign(
        SECRET,
        Algorithm::HS256,
        &json!({ "sub": "ceo", "exp": exp, "iss": "https://id.example.com" }),
    );

    assert_viewer_is(&app, &single, "ceo").await;
    assert_viewer_is(&app, &listed, "ceo").await;
    assert_viewer_is(&app, &with_issuer, "ceo").await;
}

db_test!(a_subject_that_is_no_person_is_unauthenticated);
async fn a_subject_that_is_no_person_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;

    assert_unauthenticated(&app, Some(&app.person_token("nobody"))).await;
    // An hr_admin role does not stand in for a person.
    assert_unauthenticated(&app, Some(&app.hr_admin_token("nobody"))).await;
    let write = app
        .gql(
            Some(&app.hr_admin_token("nobody")),
            UPSERT_PEOPLE,
            json!({ "people": [person("x", "X", None)] }),
        )
        .await;
    write.assert_error_code("UNAUTHENTICATED");
}

db_test!(a_person_who_has_left_is_unauthenticated);
async fn a_person_who_has_left_is_unauthenticated(backend: Backend) {
    let app = app_with_org(backend).await;
    let today = Utc::now().date_naive();
    let mut leaver = person("leaver", "Lee Leaver", Some("cfo"));
    leaver["startDate"] = json!("2020-01-01");
    leaver["endDate"] = json!((today - chrono::Days::new(2)).to_string());
    let mut starter = person("starter", "Stella Starter", Some("cfo"));
    starter["startDate"] = json!((today + chrono::Days::new(30)).to_string());
    let mut last_day = person("lastday", "Lars Lastday", Some("cfo"));
    last_day["startDate"] = json!("2020-01-01");
    last_day["endDate"] = json!((today + chrono::Days::new(1)).to_string());
    app.upsert_people(json!([leaver, starter, last_day])).await;

    assert_unauthenticated(&app, Some(&app.person_token("leaver"))).await;
    assert_unauthenticated(&app, Some(&app.hr_admin_token("leaver"))).await;
    assert_unauthenticated(&app, Some(&app.person_token("starter"))).await;
    assert_viewer_is(&app, &app.person_token("lastday"), "lastday").await;
}

db_test!(a_subject_is_looked_up_once_and_forgotten_when_people_change);
async fn a_subject_is_looked_up_once_and_forgotten_when_people_change(backend: Backend) {
    let mut options = Options::default();
    options.auth.subject_cache_ttl = std::time::Duration::from_secs(600);
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev2");
    let statements = |token: String| {
        let app = &app;
        async move {
            let before = app.statements();
            let answer = app
                .gql(Some(&token), "{ viewer { externalId } }", json!({}))
                .await;
            (app.statements() - before, answer)
        }
    };

    let (first, _) = statements(token.clone()).await;
    // A write to people anywhere in this process forgets every subject, and other tests
    // write people in this process at the same time: the subject is remembered when one of
    // a few requests in a row reads no person row.
    let mut counts = Vec::new();
    for _ in 0..5 {
        let (again, answer) = statements(token.clone()).await;
        assert_eq!(answer.ok().data("/viewer/externalId"), "dev2");
        counts.push(again);
        if again == first - 1 {
            break;
        }
    }
    assert_eq!(
        counts.last(),
        Some(&(first - 1)),
        "the token's subject is remembered: {first} statements, then {counts:?}"
    );

    // Their employment ends today through this instance: the next request knows at once.
    let mut leaver = person("dev2", "Dev Two", Some("em1"));
    leaver["startDate"] = json!("2020-01-01");
    leaver["endDate"] = json!((Utc::now().date_naive() - chrono::Days::new(1)).to_string());
    app.upsert_people(json!([leaver])).await;
    assert_unauthenticated(&app, Some(&token)).await;
}

db_test!(an_employed_person_is_the_viewer);
async fn an_employed_person_is_the_viewer(backend: Backend) {
    let app = app_with_org(backend).await;

    let answer = app
        .gql(
            Some(&app.person_token("dev2")),
            "{ viewer { externalId name manager { externalId } } }",
            json!({}),
        )
        .await
        .ok();

    assert_eq!(
        answer.data("/viewer"),
        &json!({ "externalId": "dev2", "name": "Dev Two", "manager": { "externalId": "em1" } })
    );
}

/// Total number of people, read by a full-scope integration.
async fn people_count(app: &TestApp) -> i64 {
    app.gql(
        Some(&app.admin_integration()),
        "{ people(first: 1) { totalCount } }",
        json!({}),
    )
    .await
    .ok()
    .data("/people/totalCount")
    .as_i64()
    .unwrap()
}

/// Tries to add one person and rename the CFO with `token`.
async fn try_write(app: &TestApp, token: &str) -> crate::support::Answer {
    app.gql(
        Some(token),
        UPSERT_PEOPLE,
        json!({ "people": [
            person("newbie", "New Bie", Some("cfo")),
            person("cfo", "Fay Renamed", Some("ceo")),
        ] }),
    )
    .await
}

/// The CFO's name, as stored.
async fn cfo_name(app: &TestApp) -> String {
    app.gql(
        Some(&app.admin_integration()),
        r#"{ personByExternalId(externalId: "cfo") { name } }"#,
        json!({}),
    )
    .await
    .ok()
    .data("/personByExternalId/name")
    .as_str()
    .unwrap()
    .to_string()
}

db_test!(a_plain_employee_may_not_write_people);
async fn a_plain_employee_may_not_write_people(backend: Backend) {
    let app = app_with_org(backend).await;

    let manager = try_write(&app, &app.person_token("cto")).await;
    let employee = try_write(&app, &app.person_token("dev1")).await;

    manager.assert_error_code("FORBIDDEN");
    employee.assert_error_code("FORBIDDEN");
    assert_eq!(people_count(&app).await, 9, "nobody was added");
    assert_eq!(cfo_name(&app).await, "Fay CFO", "nobody was changed");
}

db_test!(an_hr_admin_may_write_people);
async fn an_hr_admin_may_write_people(backend: Backend) {
    let app = app_with_org(backend).await;

    let answer = try_write(&app, &app.hr_admin_token("acct")).await.ok();

    assert_eq!(answer.data("/upsertPeople/created"), 1);
    assert_eq!(answer.data("/upsertPeople/updated"), 1);
    assert_eq!(people_count(&app).await, 10);
    assert_eq!(cfo_name(&app).await, "Fay Renamed");
}

db_test!(an_integration_needs_org_write_to_write_people);
async fn an_integration_needs_org_write_to_write_people(backend: Backend) {
    let app = app_with_org(backend).await;

    let reader = try_write(&app, &app.integration_token("org:read meetings:write")).await;
    let no_scope = try_write(&app, &app.integration_token("")).await;
    let lookalike = try_write(&app, &app.integration_token("org:writes org:write:all")).await;
    let after_refusals = people_count(&app).await;
    let writer = try_write(&app, &app.integration_token("org:write"))
        .await
        .ok();

    reader.assert_error_code("FORBIDDEN");
    no_scope.assert_error_code("FORBIDDEN");
    lookalike.assert_error_code("FORBIDDEN");
    assert_eq!(after_refusals, 9, "nobody was added");
    assert_eq!(writer.data("/upsertPeople/created"), 1);
    assert_eq!(people_count(&app).await, 10);
}

db_test!(an_integration_needs_an_org_scope_to_read_people);
async fn an_integration_needs_an_org_scope_to_read_people(backend: Backend) {
    let app = app_with_org(backend).await;
    let query = r#"{ people { totalCount }
                     personByExternalId(externalId: "ceo") { name } }"#;

    let meetings_only = app
        .gql(
            Some(&app.integration_token("meetings:read meetings:write")),
            query,
            json!({}),
        )
        .await;
    let reader = app
        .gql(Some(&app.integration_token("org:read")), query, json!({}))
        .await
        .ok();
    let writer = app
        .gql(Some(&app.integration_token("org:write")), query, json!({}))
        .await
        .ok();

    meetings_only.assert_error_code("FORBIDDEN");
    assert!(
        meetings_only
            .body
            .pointer("/data/people/totalCount")
            .is_none(),
        "{}",
        meetings_only.body
    );
    for answer in [reader, writer] {
        assert_eq!(answer.data("/people/totalCount"), 9);
        assert_eq!(answer.data("/personByExternalId/name"), "Carla CEO");
    }
}

db_test!(an_integration_has_no_viewer);
async fn an_integration_has_no_viewer(backend: Backend) {
    let app = app_with_org(backend).await;
    // An integration named like a person is still no person.
    let mut claims = Claims::new("ceo", Utc::now(), hour());
    claims.roles = vec!["integration".into()];
    claims.scope = Some("org:read".into());

    let answer = app
        .gql(
            Some(&app.integration_token("org:read")),
            "{ viewer { externalId } }",
            json!({}),
        )
        .await
        .ok();
    let named_like_a_person = app
        .gql(
            Some(&app.mint(claims)),
            "{ viewer { externalId } }",
            json!({}),
        )
        .await
        .ok();

    assert_eq!(answer.data("/viewer"), &Value::Null);
    assert_eq!(named_like_a_person.data("/viewer"), &Value::Null);
}

/// Runs `cadence token ARGS` with the test secret and returns the printed token.
async fn cli_token(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
            .arg("token")
            .args(&args)
            .env("CADENCE_JWT_SECRET", SECRET)
            .env_remove("CADENCE_JWT_ISSUER")
            .env_remove("CADENCE_JWT_AUDIENCE")
            .env("RUST_LOG", "off")
            .current_dir(std::env::temp_dir())
            .output()
            .expect("run cadence token")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "cadence token failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

db_test!(tokens_minted_by_the_cli_are_accepted);
async fn tokens_minted_by_the_cli_are_accepted(backend: Backend) {
    let app = app_with_org(backend).await;

    let admin = cli_token(&["--sub", "cfo", "--role", "hr_admin"]).await;
    let employee = cli_token(&["--sub", "dev3", "--ttl", "30m"]).await;
    let reader = cli_token(&[
        "--sub",
        "calendar-sync",
        "--role",
        "integration",
        "--scope",
        "org:read",
    ])
    .await;

    let written = try_write(&app, &admin).await.ok();
    assert_eq!(written.data("/upsertPeople/created"), 1);
    assert_viewer_is(&app, &employee, "dev3").await;
    try_write(&app, &employee)
        .await
        .assert_error_code("FORBIDDEN");
    let read = app
        .gql(
            Some(&reader),
            "{ viewer { externalId } people { totalCount } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(read.data("/viewer"), &Value::Null);
    assert_eq!(read.data("/people/totalCount"), 10);
    try_write(&app, &reader)
        .await
        .assert_error_code("FORBIDDEN");
    // `--ttl 30m` sets the lifetime.
    let claims = app
        .keys
        .verify(&employee)
        .await
        .expect("verifies with the app's key");
    assert_eq!(claims.sub, "dev3");
    assert!(claims.exp <= now() + 30 * 60 + 5 && claims.exp >= now() + 30 * 60 - 60);
}
