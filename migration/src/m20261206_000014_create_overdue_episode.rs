use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per overdue episode of a required 1:1 that the overdue check has announced
/// (a `ONE_ON_ONE_OVERDUE` event). Keyed by the pair and the instant the meeting fell due:
/// meeting again moves that instant, so a later overdue spell is a new row, while checking
/// again (on any instance, after any restart) finds the row and announces nothing.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OverdueEpisode::Table)
                    .if_not_exists()
                    .col(big_integer(OverdueEpisode::ManagerId))
                    .col(big_integer(OverdueEpisode::ReportId))
                    .col(timestamp_with_time_zone(OverdueEpisode::DueAt))
                    .col(timestamp_with_time_zone(OverdueEpisode::NotifiedAt))
                    .primary_key(
                        Index::create()
                            .col(OverdueEpisode::ManagerId)
                            .col(OverdueEpisode::ReportId)
                            .col(OverdueEpisode::DueAt),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OverdueEpisode::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum OverdueEpisode {
    Table,
    ManagerId,
    ReportId,
    DueAt,
    NotifiedAt,
}
