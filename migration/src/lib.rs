//! Database migrations of Cadence. They run on SQLite and PostgreSQL alike and never import
//! the `entity` crate: a migration describes the schema as it was when it was written.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_team;
mod m20261124_000002_create_person;
mod m20261124_000003_create_reporting_line;
mod m20261124_000004_create_agenda_template;
mod m20261124_000005_create_meeting;
mod m20261124_000006_create_meeting_content;
mod m20261124_000007_create_cadence_policy;
mod m20261201_000008_add_meeting_insight_columns;
mod m20261201_000009_add_trend_index;
mod m20261206_000010_add_keyset_indexes;
mod m20261206_000011_add_meeting_external_id_bytes_index;
mod m20261206_000012_create_rating_quarter;
mod m20261206_000013_create_webhooks;
mod m20261206_000014_create_overdue_episode;
mod m20261206_000015_create_check_in;
mod m20261206_000016_create_pulse;
mod m20261206_000017_create_training;
mod m20261206_000018_create_learning_resource;
mod m20261206_000019_seed_starter_templates;
mod m20261206_000020_add_sqlite_outbox_trigger;

/// Lifts the service's statement timeout for the rest of one migration: backfills and
/// indexes over a large meeting table outlast it. PostgreSQL runs each migration in a
/// transaction, which ends the exemption (`SET LOCAL`); SQLite has no statement timeout.
pub(crate) async fn without_statement_timeout(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
        manager
            .get_connection()
            .execute_unprepared("SET LOCAL statement_timeout = 0")
            .await?;
    }
    Ok(())
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_team::Migration),
            Box::new(m20261124_000002_create_person::Migration),
            Box::new(m20261124_000003_create_reporting_line::Migration),
            Box::new(m20261124_000004_create_agenda_template::Migration),
            Box::new(m20261124_000005_create_meeting::Migration),
            Box::new(m20261124_000006_create_meeting_content::Migration),
            Box::new(m20261124_000007_create_cadence_policy::Migration),
            Box::new(m20261201_000008_add_meeting_insight_columns::Migration),
            Box::new(m20261201_000009_add_trend_index::Migration),
            Box::new(m20261206_000010_add_keyset_indexes::Migration),
            Box::new(m20261206_000011_add_meeting_external_id_bytes_index::Migration),
            Box::new(m20261206_000012_create_rating_quarter::Migration),
            Box::new(m20261206_000013_create_webhooks::Migration),
            Box::new(m20261206_000014_create_overdue_episode::Migration),
            Box::new(m20261206_000015_create_check_in::Migration),
            Box::new(m20261206_000016_create_pulse::Migration),
            Box::new(m20261206_000017_create_training::Migration),
            Box::new(m20261206_000018_create_learning_resource::Migration),
            Box::new(m20261206_000019_seed_starter_templates::Migration),
            Box::new(m20261206_000020_add_sqlite_outbox_trigger::Migration),
        ]
    }
}
