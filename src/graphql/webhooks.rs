//! Webhooks in GraphQL: hr_admin's `webhooks` listing and the mutations that manage
//! subscriptions, rotate their secrets and replay an event.

use async_graphql::{
    Context, Description, Enum, ID, InputObject, MaybeUndefined, Object, ResultExt, SimpleObject,
};
use chrono::{DateTime, Utc};

use super::context::RequestContext;
use super::ids::{self, NodeKind};
use crate::config::WebhookSettings;
use crate::domain::webhook::EventType;
use crate::service::webhooks::{self as service, DeliveryView, WebhookView, outbox};

/// What a webhook can be told about; each delivery's JSON body names it in `type`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookEvent {
    /// A meeting was logged, scheduled or imported.
    MeetingCreated,
    /// A meeting's time, duration, status or kind changed.
    MeetingUpdated,
    /// A meeting was cancelled.
    MeetingCancelled,
    /// A person was added to the org.
    PersonCreated,
    /// A person's name, email, title, team or employment changed.
    PersonUpdated,
    /// A person's manager changed.
    ReportingLineChanged,
    /// A required 1:1 became overdue: once per pair and overdue episode, from the check
    /// `serve` runs every `--overdue-check-interval`.
    OneOnOneOverdue,
    /// A people or calendar import finished.
    ImportCompleted,
}

impl From<WebhookEvent> for EventType {
    fn from(e: WebhookEvent) -> Self {
        match e {
            WebhookEvent::MeetingCreated => EventType::MeetingCreated,
            WebhookEvent::MeetingUpdated => EventType::MeetingUpdated,
            WebhookEvent::MeetingCancelled => EventType::MeetingCancelled,
            WebhookEvent::PersonCreated => EventType::PersonCreated,
            WebhookEvent::PersonUpdated => EventType::PersonUpdated,
            WebhookEvent::ReportingLineChanged => EventType::ReportingLineChanged,
            WebhookEvent::OneOnOneOverdue => EventType::OneOnOneOverdue,
            WebhookEvent::ImportCompleted => EventType::ImportCompleted,
        }
    }
}

impl From<EventType> for WebhookEvent {
    fn from(e: EventType) -> Self {
        match e {
            EventType::MeetingCreated => WebhookEvent::MeetingCreated,
            EventType::MeetingUpdated => WebhookEvent::MeetingUpdated,
            EventType::MeetingCancelled => WebhookEvent::MeetingCancelled,
            EventType::PersonCreated => WebhookEvent::PersonCreated,
            EventType::PersonUpdated => WebhookEvent::PersonUpdated,
            EventType::ReportingLineChanged => WebhookEvent::ReportingLineChanged,
            EventType::OneOnOneOverdue => WebhookEvent::OneOnOneOverdue,
            EventType::ImportCompleted => WebhookEvent::ImportCompleted,
        }
    }
}

/// Where a delivery stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookDeliveryStatus {
    /// Not yet acknowledged: tried again at `nextAttemptAt`.
    Pending,
    /// The receiver answered 2xx.
    Done,
    /// Given up after 24 hours of failed tries.
    Failed,
}

/// A receiver of signed event notifications (hr_admin only). Its secret is shown once, by
/// `createWebhook` or `rotateWebhookSecret`, never here.
#[derive(Debug, Clone, Description)]
pub struct Webhook(pub WebhookView);

#[Object(use_type_description)]
impl Webhook {
    /// Global ID.
    async fn id(&self) -> ID {
        ids::encode(NodeKind::Webhook, self.0.webhook.id)
    }

    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.webhook.url
    }

    /// What the webhook is for, as its creator described it.
    async fn description(&self) -> Option<&str> {
        self.0.webhook.description.as_deref()
    }

    /// The event types it receives.
    async fn events(&self) -> Vec<WebhookEvent> {
        self.0.events.iter().map(|&e| e.into()).collect()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.webhook.created_at
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.webhook.updated_at
    }

    /// After a rotation, when the previous secret stops signing deliveries; null when only
    /// the current secret signs.
    async fn previous_secret_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.previous_secret_expires_at
    }

    /// Its latest deliveries (up to 10), newest first.
    async fn recent_deliveries(&self) -> Vec<WebhookDelivery> {
        self.0.recent.iter().cloned().map(WebhookDelivery).collect()
    }
}

/// One event on its way to one webhook.
#[derive(Debug, Clone, Description)]
pub struct WebhookDelivery(pub DeliveryView);

#[Object(use_type_description)]
impl WebhookDelivery {
    /// The event's id: the `id` of its JSON body and the `Cadence-Event-Id` header.
    async fn event_id(&self) -> &str {
        &self.0.event_id
    }

    /// The event's type; null for a type this version does not know.
    async fn event_type(&self) -> Option<WebhookEvent> {
        EventType::parse(&self.0.event_type).map(Into::into)
    }

    /// Where the delivery stands.
    async fn status(&self) -> WebhookDeliveryStatus {
        match self.0.status.as_str() {
            outbox::DONE => WebhookDeliveryStatus::Done,
            outbox::FAILED => WebhookDeliveryStatus::Failed,
            _ => WebhookDeliveryStatus::Pending,
        }
    }

    /// How many times it was tried.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// The HTTP status code of the last try; null before the first or when no answer came.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }

    /// Why the last try failed, when it did.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When the event was queued for this webhook.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it is tried next, while pending.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == outbox::PENDING).then_some(self.0.next_attempt_at)
    }

    /// When the receiver acknowledged it.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
}

#[derive(Default)]
pub struct WebhooksQuery;

#[Object]
impl WebhooksQuery {
    /// Every webhook, oldest first, with its latest deliveries (hr_admin only).
    async fn webhooks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Webhook>> {
        let rc = RequestContext::of(ctx);
        let found = service::list(&rc.db, &rc.viewer).await.extend()?;
        Ok(found.into_iter().map(Webhook).collect())
    }
}

/// A new webhook.
#[derive(Debug, Clone, InputObject)]
pub struct CreateWebhookInput {
    /// Where to POST: `https://`, and not a private-range, loopback or link-local address
    /// unless the server's allow-list names the host.
    pub url: String,
    /// The event types to receive (at least one).
    pub events: Vec<WebhookEvent>,
    /// What the webhook is for (up to 1,000 characters).
    pub description: Option<String>,
}

/// A webhook and the secret that signs its deliveries.
#[derive(SimpleObject)]
pub struct WebhookWithSecretPayload {
    /// The webhook as stored.
    pub webhook: Webhook,
    /// The signing secret: shown this once, never again. The HMAC key is its UTF-8 bytes.
    pub secret: String,
}

/// Changes to a webhook; a field left out stays as it is.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateWebhookInput {
    /// The webhook's global ID.
    pub id: ID,
    /// A new URL, under the same rules as `createWebhook`'s.
    pub url: Option<String>,
    /// The event types to receive from now on (at least one).
    pub events: Option<Vec<WebhookEvent>>,
    /// A new description; null removes it.
    pub description: MaybeUndefined<String>,
}

/// A webhook after a change.
#[derive(SimpleObject)]
pub struct WebhookPayload {
    /// The webhook as stored now.
    pub webhook: Webhook,
}

/// The webhook a mutation acts on.
#[derive(Debug, Clone, InputObject)]
pub struct WebhookIdInput {
    /// The webhook's global ID.
    pub id: ID,
}

/// What `deleteWebhook` did.
#[derive(SimpleObject)]
pub struct DeleteWebhookPayload {
    /// The ID of the deleted webhook.
    pub deleted_id: ID,
}

/// The event to deliver again.
#[derive(Debug, Clone, InputObject)]
pub struct RedeliverWebhookEventInput {
    /// The event's id (`Cadence-Event-Id`).
    pub event_id: String,
}

/// What `redeliverWebhookEvent` did.
#[derive(SimpleObject)]
pub struct RedeliverWebhookEventPayload {
    /// How many webhooks the event was queued for again.
    pub queued: i32,
}

#[derive(Default)]
pub struct WebhooksMutation;

#[Object]
impl WebhooksMutation {
    /// Creates a webhook (hr_admin only) and returns its signing secret, this once.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The URL, event types and description.")] input: CreateWebhookInput,
    ) -> async_graphql::Result<WebhookWithSecretPayload> {
        let rc = RequestContext::of(ctx);
        let new = service::NewWebhook {
            url: input.url,
            events: input.events.into_iter().map(Into::into).collect(),
            description: input.description,
        };
        let made = service::create(&rc.db, &rc.viewer, settings(ctx), new, rc.now)
            .await
            .extend()?;
        Ok(WebhookWithSecretPayload {
            webhook: Webhook(made.webhook),
            secret: made.secret,
        })
    }

    /// Changes a webhook's URL, event types or description (hr_admin only).
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook and its changes.")] input: UpdateWebhookInput,
    ) -> async_graphql::Result<WebhookPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::Webhook, "input.id").extend()?;
        let change = service::WebhookChange {
            url: input.url,
            events: input
                .events
                .map(|e| e.into_iter().map(Into::into).collect()),
            description: match input.description {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(d) => Some(Some(d)),
            },
        };
        let view = service::update(&rc.db, &rc.viewer, settings(ctx), id, change, rc.now)
            .await
            .extend()?;
        Ok(WebhookPayload {
            webhook: Webhook(view),
        })
    }

    /// Deletes a webhook and its pending deliveries (hr_admin only).
    async fn delete_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook to delete.")] input: WebhookIdInput,
    ) -> async_graphql::Result<DeleteWebhookPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::Webhook, "input.id").extend()?;
        service::delete(&rc.db, &rc.viewer, id).await.extend()?;
        Ok(DeleteWebhookPayload {
            deleted_id: input.id,
        })
    }

    /// Gives a webhook a new signing secret, returned this once (hr_admin only). The old
    /// one keeps signing for 24 hours: meanwhile each delivery carries both signatures.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook whose secret to rotate.")] input: WebhookIdInput,
    ) -> async_graphql::Result<WebhookWithSecretPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::Webhook, "input.id").extend()?;
        let made = service::rotate_secret(&rc.db, &rc.viewer, id, rc.now)
            .await
            .extend()?;
        Ok(WebhookWithSecretPayload {
            webhook: Webhook(made.webhook),
            secret: made.secret,
        })
    }

    /// Delivers one event again, with the same event id, to every webhook it went to
    /// (hr_admin only).
    async fn redeliver_webhook_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event to deliver again.")] input: RedeliverWebhookEventInput,
    ) -> async_graphql::Result<RedeliverWebhookEventPayload> {
        let rc = RequestContext::of(ctx);
        let queued = service::redeliver(&rc.db, &rc.viewer, &input.event_id, rc.now)
            .await
            .extend()?;
        Ok(RedeliverWebhookEventPayload {
            queued: queued as i32,
        })
    }
}

/// The server's URL rules (the strict defaults when the schema was built without them,
/// as `cadence schema` does).
fn settings<'a>(ctx: &Context<'a>) -> &'a WebhookSettings {
    static STRICT: std::sync::OnceLock<WebhookSettings> = std::sync::OnceLock::new();
    ctx.data_opt::<WebhookSettings>()
        .unwrap_or_else(|| STRICT.get_or_init(WebhookSettings::default))
}
