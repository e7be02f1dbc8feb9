use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A calendar import finds a series' meetings by the prefix `UID/` of their externalIds, as
/// the range `UID/` ≤ externalId < `UID0`. That range is a prefix only in byte order: under
/// a language collation (a production database created with `en_US.UTF-8`, say),
/// punctuation may be ignored and the range misses meetings. So on PostgreSQL the range is
/// read in the "C" collation, from this index; SQLite compares bytes already (BINARY), and
/// its unique index on `external_id` serves.
const INDEX: &str = "idx_meeting_external_id_bytes";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        crate::without_statement_timeout(manager).await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {INDEX} ON meeting ((external_id COLLATE \"C\"))"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(&format!("DROP INDEX IF EXISTS {INDEX}"))
            .await?;
        Ok(())
    }
}
