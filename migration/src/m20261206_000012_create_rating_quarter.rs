use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per calendar quarter whose rating figures are frozen. The freezing job
/// (`cadence freeze-ratings`, and `serve` on a schedule) inserts a quarter's row in the
/// same transaction as its `rating_snapshot` rows, first, so that of several instances
/// freezing at once exactly one writes the figures; reports show a quarter's figures only
/// once its row exists. Quarters partly frozen by earlier versions (which froze on first
/// read) get no row here: the job completes them, keeping the figures already published.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RatingQuarter::Table)
                    .if_not_exists()
                    .col(timestamp_with_time_zone(RatingQuarter::QuarterStart).primary_key())
                    .col(timestamp_with_time_zone(RatingQuarter::FrozenAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RatingQuarter::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum RatingQuarter {
    Table,
    QuarterStart,
    FrozenAt,
}
