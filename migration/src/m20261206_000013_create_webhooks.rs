use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Webhook subscriptions and their durable outbox.
///
/// - `webhook`: a receiver's URL; `webhook_subscription` the event types it wants, keyed by
///   type first so that "does anyone want this event?" is one index probe.
/// - `webhook_secret`: signing secrets; the current one has no `expires_at`, a rotated-out
///   one keeps signing until its `expires_at`.
/// - `outbox_event`: one row per event, written in the transaction of the change; `seq`
///   orders events, `event_id` is the UUID receivers see.
/// - `webhook_delivery`: one row per (event, webhook). The dispatcher's query reads the
///   pending ones through the partial indexes `idx_webhook_delivery_due` (due time) and
///   `idx_webhook_delivery_queue` (the head of each webhook's queue).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Webhook::Table)
                    .col(big_pk_auto(Webhook::Id))
                    .col(text(Webhook::Url))
                    .col(text_null(Webhook::Description))
                    .col(big_integer_null(Webhook::CreatedBy))
                    .col(timestamp_with_time_zone(Webhook::CreatedAt))
                    .col(timestamp_with_time_zone(Webhook::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscription::Table)
                    .col(string_len(WebhookSubscription::EventType, 32))
                    .col(big_integer(WebhookSubscription::WebhookId))
                    .primary_key(
                        Index::create()
                            .col(WebhookSubscription::EventType)
                            .col(WebhookSubscription::WebhookId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookSubscription::Table, WebhookSubscription::WebhookId)
                            .to(Webhook::Table, Webhook::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_subscription_webhook")
                    .table(WebhookSubscription::Table)
                    .col(WebhookSubscription::WebhookId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSecret::Table)
                    .col(big_pk_auto(WebhookSecret::Id))
                    .col(big_integer(WebhookSecret::WebhookId))
                    .col(text(WebhookSecret::Secret))
                    .col(timestamp_with_time_zone(WebhookSecret::CreatedAt))
                    .col(timestamp_with_time_zone_null(WebhookSecret::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookSecret::Table, WebhookSecret::WebhookId)
                            .to(Webhook::Table, Webhook::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_secret_webhook")
                    .table(WebhookSecret::Table)
                    .col(WebhookSecret::WebhookId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxEvent::Table)
                    .col(big_pk_auto(OutboxEvent::Seq))
                    .col(string_len_uniq(OutboxEvent::EventId, 36))
                    .col(string_len(OutboxEvent::EventType, 32))
                    .col(timestamp_with_time_zone(OutboxEvent::OccurredAt))
                    .col(text(OutboxEvent::Payload))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .col(big_pk_auto(WebhookDelivery::Id))
                    .col(big_integer(WebhookDelivery::EventSeq))
                    .col(big_integer(WebhookDelivery::WebhookId))
                    .col(string_len(WebhookDelivery::Status, 8))
                    .col(integer(WebhookDelivery::Attempts))
                    .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookDelivery::NextAttemptAt))
                    .col(integer_null(WebhookDelivery::LastStatusCode))
                    .col(text_null(WebhookDelivery::LastError))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDelivery::Table, WebhookDelivery::EventSeq)
                            .to(OutboxEvent::Table, OutboxEvent::Seq)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDelivery::Table, WebhookDelivery::WebhookId)
                            .to(Webhook::Table, Webhook::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Partial indexes (same syntax on both databases): the dispatcher only ever looks
        // at pending deliveries, which stay few however many were delivered.
        let db = manager.get_connection();
        for sql in [
            "CREATE INDEX idx_webhook_delivery_due ON webhook_delivery (next_attempt_at) \
             WHERE status = 'pending'",
            "CREATE INDEX idx_webhook_delivery_queue ON webhook_delivery (webhook_id, id) \
             WHERE status = 'pending'",
            // The listing's recent deliveries of a webhook, and redelivery by event.
            "CREATE INDEX idx_webhook_delivery_webhook ON webhook_delivery (webhook_id, id)",
            "CREATE INDEX idx_webhook_delivery_event ON webhook_delivery (event_seq)",
            // Pruning: delivered rows by age.
            "CREATE INDEX idx_webhook_delivery_delivered ON webhook_delivery (delivered_at) \
             WHERE status = 'done'",
            "CREATE INDEX idx_outbox_event_occurred ON outbox_event (occurred_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDelivery::Table.into_iden(),
            OutboxEvent::Table.into_iden(),
            WebhookSecret::Table.into_iden(),
            WebhookSubscription::Table.into_iden(),
            Webhook::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Webhook {
    Table,
    Id,
    Url,
    Description,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookSubscription {
    Table,
    EventType,
    WebhookId,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookSecret {
    Table,
    Id,
    WebhookId,
    Secret,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutboxEvent {
    Table,
    Seq,
    EventId,
    EventType,
    OccurredAt,
    Payload,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookDelivery {
    Table,
    Id,
    EventSeq,
    WebhookId,
    Status,
    Attempts,
    CreatedAt,
    NextAttemptAt,
    LastStatusCode,
    LastError,
    DeliveredAt,
}
