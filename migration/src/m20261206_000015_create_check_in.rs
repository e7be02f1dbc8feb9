use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Check-ins: a manager of managers (`asker_id`) asking a manager below them
/// (`manager_id`) how their 1:1s are going, with a rating 1 to 5, the struggles named
/// (comma-separated `Struggle` names, empty for none: readable alike on both databases)
/// and notes.
///
/// - `idx_check_in_manager_at` (manager, at, id): a manager's check-ins newest first, a
///   keyset page per manager.
/// - `idx_check_in_pair` (manager, asker, at): the last check-in of one (director, manager)
///   pair before an instant, one backward index probe (the CHECK_IN cadence).
/// - `idx_check_in_asker`: the asker's side (deleting a person, their own check-ins).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CheckIn::Table)
                    .col(big_pk_auto(CheckIn::Id))
                    .col(big_integer(CheckIn::AskerId))
                    .col(big_integer(CheckIn::ManagerId))
                    .col(timestamp_with_time_zone(CheckIn::At))
                    .col(integer(CheckIn::Rating))
                    .col(text(CheckIn::Struggles))
                    .col(text_null(CheckIn::Notes))
                    .col(timestamp_with_time_zone(CheckIn::CreatedAt))
                    .col(timestamp_with_time_zone(CheckIn::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckIn::Table, CheckIn::AskerId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckIn::Table, CheckIn::ManagerId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_check_in_manager_at",
                vec![CheckIn::ManagerId, CheckIn::At, CheckIn::Id],
            ),
            (
                "idx_check_in_pair",
                vec![CheckIn::ManagerId, CheckIn::AskerId, CheckIn::At],
            ),
            ("idx_check_in_asker", vec![CheckIn::AskerId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(CheckIn::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CheckIn::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CheckIn {
    Table,
    Id,
    AskerId,
    ManagerId,
    At,
    Rating,
    Struggles,
    Notes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}
