use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Team::Table)
                    .col(big_pk_auto(Team::Id))
                    .col(string_uniq(Team::ExternalId))
                    .col(string(Team::Name))
                    .col(big_integer_null(Team::ParentId))
                    .col(timestamp_with_time_zone(Team::CreatedAt))
                    .col(timestamp_with_time_zone(Team::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Team::Table, Team::ParentId)
                            .to(Team::Table, Team::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_team_parent")
                    .table(Team::Table)
                    .col(Team::ParentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Team::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Team {
    Table,
    Id,
    ExternalId,
    Name,
    ParentId,
    CreatedAt,
    UpdatedAt,
}
