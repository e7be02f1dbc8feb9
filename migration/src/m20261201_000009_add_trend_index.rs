use sea_orm_migration::prelude::*;

use crate::m20261124_000005_create_meeting::Meeting;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_meeting_pair_kind_time";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// "HELD meetings of kind K between host A and guest B, in time order": the coverage
    /// trend reads every such range of a subtree's pairs from this index alone.
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::without_statement_timeout(manager).await?;
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Meeting::Table)
                    .col(Meeting::HostId)
                    .col(Meeting::GuestId)
                    .col(Meeting::Kind)
                    .col(Meeting::Status)
                    .col(Meeting::ScheduledAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Meeting::Table).to_owned())
            .await
    }
}
