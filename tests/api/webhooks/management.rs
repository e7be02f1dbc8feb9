//! `createWebhook`, `updateWebhook`, `rotateWebhookSecret`, `deleteWebhook` and the
//! `webhooks` listing: hr_admin's alone, and never showing a secret.

use std::time::Duration;

use cadence::config::{LimitSettings, WebhookSettings};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{LIST_WEBHOOKS, add_admin, create, try_create};
use crate::db_test;
use crate::support::{Backend, Options, TestApp, small_org, spawn_app, spawn_app_with};

const PUBLIC_URL: &str = "https://93.184.216.34/cadence-hooks";

async fn list(app: &TestApp) -> Value {
    app.gql(Some(&app.hr_admin_token("rita")), LIST_WEBHOOKS, json!({}))
        .await
        .ok()
        .data("/webhooks")
        .clone()
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

db_test!(hr_admin_creates_updates_rotates_and_deletes_a_webhook);
async fn hr_admin_creates_updates_rotates_and_deletes_a_webhook(backend: Backend) {
    let app = spawn_app(backend).await;
    add_admin(&app).await;
    let admin = app.hr_admin_token("rita");

    let made = create(
        &app,
        PUBLIC_URL,
        json!(["MEETING_CREATED", "PERSON_UPDATED"]),
    )
    .await;
    let secret = made["secret"].as_str().unwrap().to_string();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    let id = made["webhook"]["id"].clone();
    assert_eq!(made["webhook"]["url"], PUBLIC_URL);
    assert_eq!(
        made["webhook"]["events"],
        json!(["MEETING_CREATED", "PERSON_UPDATED"])
    );

    let updated = app
        .gql(
            Some(&admin),
            "mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) {
               webhook { id url description events } } }",
            json!({ "input": { "id": id, "events": ["MEETING_CANCELLED"], "description": null } }),
        )
        .await
        .ok();
    assert_eq!(
        updated.data("/updateWebhook/webhook"),
        &json!({ "id": id, "url": PUBLIC_URL, "description": null, "events": ["MEETING_CANCELLED"] })
    );

    let before = Utc::now();
    let rotated = app
        .gql(
            Some(&admin),
            "mutation($input: WebhookIdInput!) { rotateWebhookSecret(input: $input) {
               secret webhook { previousSecretExpiresAt } } }",
            json!({ "input": { "id": id } }),
        )
        .await
        .ok();
    let new_secret = rotated
        .data("/rotateWebhookSecret/secret")
        .as_str()
        .unwrap();
    assert_ne!(new_secret, secret);
    let expires = time(rotated.data("/rotateWebhookSecret/webhook/previousSecretExpiresAt"));
    let overlap = expires - before;
    assert!(
        overlap > chrono::Duration::hours(23) && overlap <= chrono::Duration::hours(24),
        "{overlap}"
    );

    // The listing shows the webhook as changed, and no secret anywhere.
    let listed = list(&app).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["events"], json!(["MEETING_CANCELLED"]));
    assert_eq!(listed[0]["recentDeliveries"], json!([]));
    let text = listed.to_string();
    assert!(!text.contains(&secret) && !text.contains(new_secret) && !text.contains("whsec_"));

    let deleted = app
        .gql(
            Some(&admin),
            "mutation($input: WebhookIdInput!) { deleteWebhook(input: $input) { deletedId } }",
            json!({ "input": { "id": id } }),
        )
        .await
        .ok();
    assert_eq!(deleted.data("/deleteWebhook/deletedId"), &id);
    assert_eq!(list(&app).await, json!([]));
}

db_test!(nobody_but_hr_admin_sees_or_changes_webhooks);
async fn nobody_but_hr_admin_sees_or_changes_webhooks(backend: Backend) {
    let app = spawn_app(backend).await;
    add_admin(&app).await;
    app.upsert_people(small_org()).await;
    let made = create(&app, PUBLIC_URL, json!(["MEETING_CREATED"])).await;
    let id = made["webhook"]["id"].clone();
    let outsiders = [
        app.person_token("ceo"),
        app.person_token("dev1"),
        app.admin_integration(),
    ];
    let by_id = json!({ "input": { "id": id } });
    let attempts: [(&str, Value); 5] = [
        ("{ webhooks { id url } }", json!({})),
        (
            "mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { id } } }",
            json!({ "input": { "id": id, "url": "https://93.184.216.35/stolen" } }),
        ),
        (
            "mutation($input: WebhookIdInput!) { rotateWebhookSecret(input: $input) { secret } }",
            by_id.clone(),
        ),
        (
            "mutation($input: WebhookIdInput!) { deleteWebhook(input: $input) { deletedId } }",
            by_id,
        ),
        (
            "mutation($input: RedeliverWebhookEventInput!) { redeliverWebhookEvent(input: $input) { queued } }",
            json!({ "input": { "eventId": "00000000-0000-4000-8000-000000000000" } }),
        ),
    ];
    for token in &outsiders {
        let answer = try_create(&app, Some(token), PUBLIC_URL, json!(["PERSON_CREATED"])).await;
        answer.assert_error_code("FORBIDDEN");
        assert!(answer.body["data"].is_null() || answer.body["data"]["createWebhook"].is_null());
        for (query, variables) in &attempts {
            let answer = app.gql(Some(token), query, variables.clone()).await;
            answer.assert_error_code("FORBIDDEN");
            assert!(!answer.body.to_string().contains("whsec_"), "{query}");
        }
    }
    for (query, variables) in &attempts {
        app.gql(None, query, variables.clone())
            .await
            .assert_error_code("UNAUTHENTICATED");
    }
    // Nothing the outsiders tried changed anything.
    let listed = list(&app).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["url"], PUBLIC_URL);
    assert_eq!(listed[0]["previousSecretExpiresAt"], Value::Null);
}

db_test!(private_loopback_link_local_and_plain_http_targets_are_refused);
async fn private_loopback_link_local_and_plain_http_targets_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    add_admin(&app).await;
    let admin = app.hr_admin_token("rita");
    for url in [
        "https://10.0.0.5/hook",
        "https://172.20.1.1/hook",
        "https://192.168.0.10/hook",
        "https://127.0.0.1:8443/hook",
        "https://localhost/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[fe80::1]/hook",
        "https://0.0.0.0/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "http://93.184.216.34/hook",
        "http://127.0.0.1:9/hook",
        "ftp://93.184.216.34/hook",
        "not a url",
    ] {
        let answer = try_create(&app, Some(&admin), url, json!(["MEETING_CREATED"])).await;
        answer.assert_error_code("BAD_USER_INPUT");
        let field = answer.body.pointer("/errors/0/extensions/problems/0/field");
        assert_eq!(field, Some(&json!("input.url")), "{url}: {}", answer.body);
    }
    // No event type at all is refused too.
    try_create(&app, Some(&admin), PUBLIC_URL, json!([]))
        .await
        .assert_error_code("BAD_USER_INPUT");
    assert_eq!(list(&app).await, json!([]));
}

db_test!(the_allow_list_and_the_loopback_flag_let_named_targets_through);
async fn the_allow_list_and_the_loopback_flag_let_named_targets_through(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            limits: LimitSettings {
                webhooks: WebhookSettings {
                    webhooks_allow_http_loopback: true,
                    webhooks_allow_hosts: vec!["10.0.0.5".into()],
                    webhook_retry_base: Duration::from_secs(10),
                    ..WebhookSettings::default()
                },
                ..Options::default().limits
            },
            ..Options::default()
        },
    )
    .await;
    add_admin(&app).await;
    let admin = app.hr_admin_token("rita");
    for url in ["http://127.0.0.1:9/hook", "https://10.0.0.5/hook"] {
        try_create(&app, Some(&admin), url, json!(["MEETING_CREATED"]))
            .await
            .ok();
    }
    // The flag allows plain HTTP to loopback only; the allow-list names one host only.
    for url in ["http://93.184.216.34/hook", "https://10.0.0.6/hook"] {
        try_create(&app, Some(&admin), url, json!(["MEETING_CREATED"]))
            .await
            .assert_error_code("BAD_USER_INPUT");
    }
    assert_eq!(list(&app).await.as_array().unwrap().len(), 2);
}
