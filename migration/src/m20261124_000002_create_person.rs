use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_team::Team;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(big_pk_auto(Person::Id))
                    .col(string_uniq(Person::ExternalId))
                    .col(string(Person::Name))
                    .col(string_uniq(Person::Email))
                    .col(string_null(Person::Title))
                    .col(big_integer_null(Person::TeamId))
                    .col(string_null(Person::Timezone))
                    .col(date_null(Person::StartDate))
                    .col(date_null(Person::EndDate))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Person::Table, Person::TeamId)
                            .to(Team::Table, Team::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_person_team", Person::TeamId),
            ("idx_person_name", Person::Name),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Person::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Person::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Person {
    Table,
    Id,
    ExternalId,
    Name,
    Email,
    Title,
    TeamId,
    Timezone,
    StartDate,
    EndDate,
    CreatedAt,
    UpdatedAt,
}
