use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_person::Person;
use crate::m20261124_000005_create_meeting::Meeting;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn meeting_fk(table: impl IntoIden + Copy, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Meeting::Table, Meeting::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn person_fk(table: impl IntoIden + Copy, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Person::Table, Person::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AgendaItem::Table)
                    .col(big_pk_auto(AgendaItem::Id))
                    .col(big_integer(AgendaItem::MeetingId))
                    .col(integer(AgendaItem::Position))
                    .col(text(AgendaItem::Text))
                    .col(string_len(AgendaItem::Category, 16))
                    .col(big_integer_null(AgendaItem::AddedBy))
                    .col(boolean(AgendaItem::Discussed).default(false))
                    .foreign_key(&mut meeting_fk(AgendaItem::Table, AgendaItem::MeetingId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgendaItem::Table, AgendaItem::AddedBy)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ActionItem::Table)
                    .col(big_pk_auto(ActionItem::Id))
                    .col(big_integer(ActionItem::MeetingId))
                    .col(big_integer(ActionItem::OwnerId))
                    .col(text(ActionItem::Text))
                    .col(date_null(ActionItem::DueOn))
                    .col(timestamp_with_time_zone_null(ActionItem::DoneAt))
                    .col(timestamp_with_time_zone(ActionItem::CreatedAt))
                    .foreign_key(&mut meeting_fk(ActionItem::Table, ActionItem::MeetingId))
                    .foreign_key(&mut person_fk(ActionItem::Table, ActionItem::OwnerId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PrivateNote::Table)
                    .col(big_pk_auto(PrivateNote::Id))
                    .col(big_integer(PrivateNote::MeetingId))
                    .col(big_integer(PrivateNote::AuthorId))
                    .col(text(PrivateNote::Text))
                    .col(timestamp_with_time_zone(PrivateNote::UpdatedAt))
                    .foreign_key(&mut meeting_fk(PrivateNote::Table, PrivateNote::MeetingId))
                    .foreign_key(&mut person_fk(PrivateNote::Table, PrivateNote::AuthorId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MeetingFeedback::Table)
                    .col(big_pk_auto(MeetingFeedback::Id))
                    .col(big_integer(MeetingFeedback::MeetingId))
                    .col(big_integer(MeetingFeedback::RaterId))
                    .col(integer(MeetingFeedback::Rating))
                    .col(text_null(MeetingFeedback::Comment))
                    .col(timestamp_with_time_zone(MeetingFeedback::UpdatedAt))
                    .foreign_key(&mut meeting_fk(
                        MeetingFeedback::Table,
                        MeetingFeedback::MeetingId,
                    ))
                    .foreign_key(&mut person_fk(
                        MeetingFeedback::Table,
                        MeetingFeedback::RaterId,
                    ))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("idx_agenda_item_meeting")
                .table(AgendaItem::Table)
                .col(AgendaItem::MeetingId)
                .col(AgendaItem::Position)
                .to_owned(),
            Index::create()
                .name("idx_action_item_meeting")
                .table(ActionItem::Table)
                .col(ActionItem::MeetingId)
                .to_owned(),
            Index::create()
                .name("idx_private_note_meeting_author")
                .table(PrivateNote::Table)
                .col(PrivateNote::MeetingId)
                .col(PrivateNote::AuthorId)
                .unique()
                .to_owned(),
            Index::create()
                .name("idx_meeting_feedback_meeting_rater")
                .table(MeetingFeedback::Table)
                .col(MeetingFeedback::MeetingId)
                .col(MeetingFeedback::RaterId)
                .unique()
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MeetingFeedback::Table.into_iden(),
            PrivateNote::Table.into_iden(),
            ActionItem::Table.into_iden(),
            AgendaItem::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AgendaItem {
    Table,
    Id,
    MeetingId,
    Position,
    Text,
    Category,
    AddedBy,
    Discussed,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActionItem {
    Table,
    Id,
    MeetingId,
    OwnerId,
    Text,
    DueOn,
    DoneAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PrivateNote {
    Table,
    Id,
    MeetingId,
    AuthorId,
    Text,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingFeedback {
    Table,
    Id,
    MeetingId,
    RaterId,
    Rating,
    Comment,
    UpdatedAt,
}
