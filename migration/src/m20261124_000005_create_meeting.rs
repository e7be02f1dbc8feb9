use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_person::Person;
use crate::m20261124_000004_create_agenda_template::AgendaTemplate;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Meeting::Table)
                    .col(big_pk_auto(Meeting::Id))
                    .col(string_null(Meeting::ExternalId).unique_key())
                    .col(big_integer(Meeting::HostId))
                    .col(big_integer(Meeting::GuestId))
                    .col(timestamp_with_time_zone(Meeting::ScheduledAt))
                    .col(integer(Meeting::DurationMinutes))
                    .col(string_len(Meeting::Status, 16))
                    .col(string_len(Meeting::Kind, 16))
                    .col(big_integer_null(Meeting::TemplateId))
                    .col(text_null(Meeting::SharedNotes))
                    .col(timestamp_with_time_zone(Meeting::CreatedAt))
                    .col(timestamp_with_time_zone(Meeting::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::HostId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::GuestId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Meeting::Table, Meeting::TemplateId)
                            .to(AgendaTemplate::Table, AgendaTemplate::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // "Meetings of P" (either side), "meetings of the pair (A, B)" and "meetings in a
        // time window" are index scans.
        let indexes: [(&str, &[Meeting]); 4] = [
            (
                "idx_meeting_host_time",
                &[Meeting::HostId, Meeting::ScheduledAt],
            ),
            (
                "idx_meeting_guest_time",
                &[Meeting::GuestId, Meeting::ScheduledAt],
            ),
            (
                "idx_meeting_pair_time",
                &[Meeting::HostId, Meeting::GuestId, Meeting::ScheduledAt],
            ),
            ("idx_meeting_time", &[Meeting::ScheduledAt]),
        ];
        for (name, cols) in indexes {
            let mut index = Index::create();
            index.name(name).table(Meeting::Table);
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Meeting::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Meeting {
    Table,
    Id,
    ExternalId,
    HostId,
    GuestId,
    ScheduledAt,
    DurationMinutes,
    Status,
    Kind,
    TemplateId,
    SharedNotes,
    CreatedAt,
    UpdatedAt,
}
