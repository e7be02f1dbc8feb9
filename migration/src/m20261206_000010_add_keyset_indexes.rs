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
        add_index(
            manager,
            INDEXES[0].0,
            Person::Table,
            [Person::Name, Person::Id],
        )
        .await?;
        add_index(
            manager,
            INDEXES[1].0,
            Meeting::Table,
            [Meeting::ScheduledAt, Meeting::Id],
        )
        .await?;
        remove_index(manager, INDEXES[0].1, Person::Table).await?;
        remove_index(manager, INDEXES[1].1, Meeting::Table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_index(manager, INDEXES[0].1, Person::Table, [Person::Name]).await?;
        add_index(
            manager,
            INDEXES[1].1,
            Meeting::Table,
            [Meeting::ScheduledAt],
        )
        .await?;
        remove_index(manager, INDEXES[0].0, Person::Table).await?;
        remove_index(manager, INDEXES[1].0, Meeting::Table).await
    }
}

async fn add_index<T: IntoIden>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: impl IntoIterator<Item = T>,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    manager.create_index(index).await
}

async fn remove_index<T: IntoIden>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table(table).to_owned())
        .await
}
