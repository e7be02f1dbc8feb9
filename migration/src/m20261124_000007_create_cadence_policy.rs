use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_person::Person;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let person_fk = |col: CadencePolicy| {
            ForeignKey::create()
                .from(CadencePolicy::Table, col)
                .to(Person::Table, Person::Id)
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(CadencePolicy::Table)
                    .col(big_pk_auto(CadencePolicy::Id))
                    .col(string_len(CadencePolicy::Kind, 16))
                    .col(integer_null(CadencePolicy::EveryDays))
                    .col(boolean(CadencePolicy::Required))
                    .col(big_integer_null(CadencePolicy::ManagerId))
                    .col(big_integer_null(CadencePolicy::PairLow))
                    .col(big_integer_null(CadencePolicy::PairHigh))
                    .col(timestamp_with_time_zone(CadencePolicy::UpdatedAt))
                    .foreign_key(&mut person_fk(CadencePolicy::ManagerId))
                    .foreign_key(&mut person_fk(CadencePolicy::PairLow))
                    .foreign_key(&mut person_fk(CadencePolicy::PairHigh))
                    .to_owned(),
            )
            .await?;
        // One policy per kind and scope. NULLs never collide in a unique index, so the
        // index is on the scope columns with NULL read as 0 (ids start at 1); both databases
        // support such expression indexes.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_cadence_policy_scope ON cadence_policy \
                 (kind, COALESCE(manager_id, 0), COALESCE(pair_low, 0), COALESCE(pair_high, 0))",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CadencePolicy::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CadencePolicy {
    Table,
    Id,
    Kind,
    EveryDays,
    Required,
    ManagerId,
    PairLow,
    PairHigh,
    UpdatedAt,
}
