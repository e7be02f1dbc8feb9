use sea_orm_migration::prelude::*;

use crate::m20261124_000002_create_person::Person;
use crate::m20261124_000005_create_meeting::Meeting;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes in the exact order keyset pages read: `people` by `(name, id)` and the meeting
/// list by `(scheduled_at, id)`. Each replaces the one-column index it extends.
const INDEXES: [(&str, &str); 2] = [
    ("idx_person_name_id", "idx_person_name"),
    ("idx_meeting_time_id", "idx_meeting_time"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::without_statement_timeout(manager).await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEXES[0].0)
                    .table(Person::Table)
                    .col(Person::Name)
                    .col(Person::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEXES[1].0)
                    .table(Meeting::Table)
                    .col(Meeting::ScheduledAt)
                    .col(Meeting::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(INDEXES[0].1)
                    .table(Person::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(INDEXES[1].1)
                    .table(Meeting::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEXES[0].1)
                    .table(Person::Table)
                    .col(Person::Name)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEXES[1].1)
                    .table(Meeting::Table)
                    .col(Meeting::ScheduledAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(INDEXES[0].0)
                    .table(Person::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(INDEXES[1].0)
                    .table(Meeting::Table)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
