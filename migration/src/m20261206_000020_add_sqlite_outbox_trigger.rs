use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite only: each event written to `outbox_event` gets its pending deliveries, one per
/// subscribed webhook, from a trigger inside the same statement. On SQLite every statement
/// is a hop to the driver's worker thread, so a write's event and its deliveries cost one
/// statement instead of two. PostgreSQL does the same in the writing statement itself
/// (`INSERT … RETURNING` feeding the deliveries' `INSERT`), which SQLite cannot express.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TRIGGER outbox_event_deliveries AFTER INSERT ON outbox_event \
                 BEGIN \
                 INSERT INTO webhook_delivery \
                 (event_seq, webhook_id, status, attempts, created_at, next_attempt_at) \
                 SELECT NEW.seq, s.webhook_id, 'pending', 0, NEW.occurred_at, NEW.occurred_at \
                 FROM webhook_subscription s WHERE s.event_type = NEW.event_type \
                 ORDER BY s.webhook_id; \
                 END",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP TRIGGER IF EXISTS outbox_event_deliveries")
            .await?;
        Ok(())
    }
}
