use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_person::Person;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReportingLine::Table)
                    .col(big_pk_auto(ReportingLine::Id))
                    .col(big_integer(ReportingLine::PersonId))
                    .col(big_integer_null(ReportingLine::ManagerId))
                    .col(timestamp_with_time_zone(ReportingLine::ValidFrom))
                    .col(timestamp_with_time_zone_null(ReportingLine::ValidTo))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportingLine::Table, ReportingLine::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportingLine::Table, ReportingLine::ManagerId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // "manager of P as of T": one line per person starting at a given instant.
        manager
            .create_index(
                Index::create()
                    .name("idx_reporting_line_person_from")
                    .table(ReportingLine::Table)
                    .col(ReportingLine::PersonId)
                    .col(ReportingLine::ValidFrom)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // "reports of M as of T".
        manager
            .create_index(
                Index::create()
                    .name("idx_reporting_line_manager_from")
                    .table(ReportingLine::Table)
                    .col(ReportingLine::ManagerId)
                    .col(ReportingLine::ValidFrom)
                    .col(ReportingLine::ValidTo)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportingLine::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum ReportingLine {
    Table,
    Id,
    PersonId,
    ManagerId,
    ValidFrom,
    ValidTo,
}
