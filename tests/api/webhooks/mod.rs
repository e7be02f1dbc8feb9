//! Webhooks: hr_admin's management of subscriptions (and everyone else's refusal), the URL
//! rules against SSRF.

mod delivery;
mod management;
mod outbox;
mod plans;
mod receiver;

use serde_json::{Value, json};

use crate::support::{Answer, TestApp, person};

pub const CREATE_WEBHOOK: &str = "mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id url description events previousSecretExpiresAt } }
}";

pub const LIST_WEBHOOKS: &str = "{ webhooks { id url description events createdAt updatedAt
  previousSecretExpiresAt recentDeliveries { eventId eventType status attempts lastStatusCode
  lastError createdAt nextAttemptAt deliveredAt } } }";

/// Creates a webhook as hr_admin; the answer as it came.
pub async fn try_create(app: &TestApp, token: Option<&str>, url: &str, events: Value) -> Answer {
    app.gql(
        token,
        CREATE_WEBHOOK,
        json!({ "input": { "url": url, "events": events, "description": "test receiver" } }),
    )
    .await
}

/// Creates a webhook as hr_admin and returns `createWebhook`'s payload.
pub async fn create(app: &TestApp, url: &str, events: Value) -> Value {
    let admin = app.hr_admin_token("rita");
    try_create(app, Some(&admin), url, events)
        .await
        .ok()
        .data("/createWebhook")
        .clone()
}

/// Adds `rita`, the HR administrator whose token the helpers use.
pub async fn add_admin(app: &TestApp) {
    app.upsert_people(json!([person("rita", "Rita HR", None)]))
        .await;
}
