//! Webhooks: hr_admin's subscriptions (their URLs, event types and signing secrets), the
//! outbox that write paths add events to (`outbox`), and the delivery of those events
//! (`dispatch`).

pub mod deliver;
pub mod dispatch;
pub mod outbox;
pub mod target;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, Statement, TransactionSession, TransactionTrait,
};

use super::sql::begin_write;
use crate::auth::{Viewer, access};
use crate::config::WebhookSettings;
use crate::domain::employment::truncate;
use crate::domain::webhook::EventType;
use crate::error::{AppError, AppResult};
use entity::{outbox_event, webhook, webhook_delivery, webhook_secret, webhook_subscription};

/// How long a rotated-out secret keeps signing deliveries.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// How many of a webhook's latest deliveries the listing shows.
pub const RECENT_DELIVERIES: usize = 10;

/// A webhook with what the listing shows of it; never its secrets.
#[derive(Debug, Clone)]
pub struct WebhookView {
    pub webhook: webhook::Model,
    pub events: Vec<EventType>,
    /// When the previous secret stops signing, while one still does.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub recent: Vec<DeliveryView>,
}

/// One delivery, with its event's id and type.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DeliveryView {
    pub id: i64,
    pub webhook_id: i64,
    pub event_id: String,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// What `createWebhook` asks for.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
}

/// What `updateWebhook` changes: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct WebhookChange {
    pub url: Option<String>,
    pub events: Option<Vec<EventType>>,
    pub description: Option<Option<String>>,
}

/// A webhook and a signing secret shown this once.
#[derive(Debug, Clone)]
pub struct WithSecret {
    pub webhook: WebhookView,
    pub secret: String,
}

/// Every webhook, oldest first, with its latest deliveries.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer) -> AppResult<Vec<WebhookView>> {
    access::ensure_can_manage_webhooks(viewer)?;
    let hooks = webhook::Entity::find()
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?;
    views(db, hooks).await
}

/// Creates a webhook and its first secret.
#[tracing::instrument(level = "debug", skip(db, viewer, settings))]
pub async fn create<C>(
    db: &C,
    viewer: &Viewer,
    settings: &WebhookSettings,
    new: NewWebhook,
    now: DateTime<Utc>,
) -> AppResult<WithSecret>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_manage_webhooks(viewer)?;
    let url = target::check(settings, &new.url, "input.url").await?;
    let events = checked_events(new.events, "input.events")?;
    let description = checked_description(new.description)?;
    let now = truncate(now);
    let txn = begin_write(db).await?;
    let hook = webhook::ActiveModel {
        url: Set(url),
        description: Set(description),
        created_by: Set(viewer.person_id()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    subscribe(&txn, hook.id, &events).await?;
    let secret = new_secret(&txn, hook.id, now).await?;
    txn.commit().await?;
    let webhook = views(db, vec![hook]).await?.remove(0);
    Ok(WithSecret { webhook, secret })
}

/// Changes a webhook's URL, event types or description.
#[tracing::instrument(level = "debug", skip(db, viewer, settings))]
pub async fn update<C>(
    db: &C,
    viewer: &Viewer,
    settings: &WebhookSettings,
    id: i64,
    change: WebhookChange,
    now: DateTime<Utc>,
) -> AppResult<WebhookView>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_manage_webhooks(viewer)?;
    let url = match change.url {
        Some(url) => Some(target::check(settings, &url, "input.url").await?),
        None => None,
    };
    let events = change
        .events
        .map(|e| checked_events(e, "input.events"))
        .transpose()?;
    let description = change.description.map(checked_description).transpose()?;
    let txn = begin_write(db).await?;
    let hook = found(&txn, id).await?;
    let mut active: webhook::ActiveModel = hook.into();
    if let Some(url) = url {
        active.url = Set(url);
    }
    if let Some(description) = description {
        active.description = Set(description);
    }
    active.updated_at = Set(truncate(now));
    let hook = active.update(&txn).await?;
    if let Some(events) = events {
        webhook_subscription::Entity::delete_many()
            .filter(webhook_subscription::Column::WebhookId.eq(id))
            .exec(&txn)
            .await?;
        subscribe(&txn, id, &events).await?;
    }
    txn.commit().await?;
    Ok(views(db, vec![hook]).await?.remove(0))
}

/// Deletes a webhook with its secrets and deliveries; events stay for other webhooks.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn delete<C>(db: &C, viewer: &Viewer, id: i64) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_manage_webhooks(viewer)?;
    let txn = begin_write(db).await?;
    found(&txn, id).await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .exec(&txn)
        .await?;
    webhook_subscription::Entity::delete_many()
        .filter(webhook_subscription::Column::WebhookId.eq(id))
        .exec(&txn)
        .await?;
    webhook_secret::Entity::delete_many()
        .filter(webhook_secret::Column::WebhookId.eq(id))
        .exec(&txn)
        .await?;
    webhook::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Gives a webhook a new secret. The one it had keeps signing for [`ROTATION_OVERLAP`]
/// (deliveries carry both signatures meanwhile); any older one stops now.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn rotate_secret<C>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<WithSecret>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_manage_webhooks(viewer)?;
    let now = truncate(now);
    let txn = begin_write(db).await?;
    let hook = found(&txn, id).await?;
    webhook_secret::Entity::delete_many()
        .filter(webhook_secret::Column::WebhookId.eq(id))
        .filter(webhook_secret::Column::ExpiresAt.is_not_null())
        .exec(&txn)
        .await?;
    webhook_secret::Entity::update_many()
        .col_expr(
            webhook_secret::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(now + ROTATION_OVERLAP),
        )
        .filter(webhook_secret::Column::WebhookId.eq(id))
        .filter(webhook_secret::Column::ExpiresAt.is_null())
        .exec(&txn)
        .await?;
    let secret = new_secret(&txn, id, now).await?;
    txn.commit().await?;
    let webhook = views(db, vec![hook]).await?.remove(0);
    Ok(WithSecret { webhook, secret })
}

/// Queues one event again for every webhook it was delivered (or was to be delivered)
/// to, with the same event id. Returns how many deliveries were queued.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn redeliver<C>(
    db: &C,
    viewer: &Viewer,
    event_id: &str,
    now: DateTime<Utc>,
) -> AppResult<usize>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_manage_webhooks(viewer)?;
    let now = truncate(now);
    let txn = begin_write(db).await?;
    let Some(event) = outbox_event::Entity::find()
        .filter(outbox_event::Column::EventId.eq(event_id.trim()))
        .one(&txn)
        .await?
    else {
        return Err(AppError::NotFound(format!("no event has id {event_id}")));
    };
    let earlier = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EventSeq.eq(event.seq))
        .all(&txn)
        .await?;
    let hooks: BTreeSet<i64> = earlier.iter().map(|d| d.webhook_id).collect();
    for &hook in &hooks {
        webhook_delivery::ActiveModel {
            event_seq: Set(event.seq),
            webhook_id: Set(hook),
            status: Set(outbox::PENDING.into()),
            attempts: Set(0),
            created_at: Set(now),
            next_attempt_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(hooks.len())
}

async fn found(db: &impl ConnectionTrait, id: i64) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no webhook has this id".into()))
}

fn checked_events(events: Vec<EventType>, field: &str) -> AppResult<Vec<EventType>> {
    let set: BTreeSet<EventType> = events.into_iter().collect();
    if set.is_empty() {
        return Err(AppError::bad_input(field, "must name at least one event"));
    }
    Ok(set.into_iter().collect())
}

fn checked_description(description: Option<String>) -> AppResult<Option<String>> {
    let description = description
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty());
    if description.as_ref().is_some_and(|d| d.len() > 1000) {
        return Err(AppError::bad_input(
            "input.description",
            "must be at most 1000 characters",
        ));
    }
    Ok(description)
}

async fn subscribe(db: &impl ConnectionTrait, id: i64, events: &[EventType]) -> AppResult<()> {
    webhook_subscription::Entity::insert_many(events.iter().map(|e| {
        webhook_subscription::ActiveModel {
            event_type: Set(e.as_str().into()),
            webhook_id: Set(id),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Stores a fresh random secret as the webhook's current one and returns it.
async fn new_secret(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> AppResult<String> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("whsec_{}", outbox::hex(&bytes));
    webhook_secret::ActiveModel {
        webhook_id: Set(id),
        secret: Set(secret.clone()),
        created_at: Set(now),
        expires_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// The listing's view of `hooks`: their event types, the previous secret's expiry and
/// their latest deliveries, in three statements however many webhooks there are.
async fn views(
    db: &impl ConnectionTrait,
    hooks: Vec<webhook::Model>,
) -> AppResult<Vec<WebhookView>> {
    if hooks.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = hooks.iter().map(|h| h.id).collect();
    let mut events: HashMap<i64, Vec<EventType>> = HashMap::new();
    for s in webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::WebhookId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        if let Some(t) = EventType::parse(&s.event_type) {
            events.entry(s.webhook_id).or_default().push(t);
        }
    }
    let mut expiring: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for s in webhook_secret::Entity::find()
        .filter(webhook_secret::Column::WebhookId.is_in(ids.clone()))
        .filter(webhook_secret::Column::ExpiresAt.is_not_null())
        .all(db)
        .await?
    {
        if let Some(at) = s.expires_at {
            expiring.insert(s.webhook_id, at);
        }
    }
    let mut recent: HashMap<i64, Vec<DeliveryView>> = HashMap::new();
    for d in recent_deliveries(db, &ids).await? {
        recent.entry(d.webhook_id).or_default().push(d);
    }
    Ok(hooks
        .into_iter()
        .map(|webhook| {
            let mut events = events.remove(&webhook.id).unwrap_or_default();
            events.sort();
            let mut recent = recent.remove(&webhook.id).unwrap_or_default();
            recent.sort_by_key(|d| std::cmp::Reverse(d.id));
            WebhookView {
                events,
                previous_secret_expires_at: expiring.remove(&webhook.id),
                recent,
                webhook,
            }
        })
        .collect())
}

/// The latest [`RECENT_DELIVERIES`] deliveries of each webhook, newest first: one
/// statement, each part an index range read on `(webhook_id, id)`.
async fn recent_deliveries(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<Vec<DeliveryView>> {
    // The ids are integers read from the database, so they are written into the text.
    let parts: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                "SELECT * FROM (SELECT d.id, d.webhook_id, e.event_id, e.event_type, d.status, \
                 d.attempts, d.created_at, d.next_attempt_at, d.last_status_code, \
                 d.last_error, d.delivered_at FROM webhook_delivery d \
                 JOIN outbox_event e ON e.seq = d.event_seq \
                 WHERE d.webhook_id = {id} ORDER BY d.id DESC LIMIT {RECENT_DELIVERIES}) AS r{id}"
            )
        })
        .collect();
    let sql = parts.join(" UNION ALL ");
    let backend: DbBackend = db.get_database_backend();
    Ok(
        DeliveryView::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?,
    )
}
