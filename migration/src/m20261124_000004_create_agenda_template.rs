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
                    .table(AgendaTemplate::Table)
                    .col(big_pk_auto(AgendaTemplate::Id))
                    .col(string(AgendaTemplate::Name))
                    .col(text_null(AgendaTemplate::Description))
                    .col(big_integer_null(AgendaTemplate::OwnerId))
                    .col(string_len_null(AgendaTemplate::Kind, 16))
                    .col(timestamp_with_time_zone(AgendaTemplate::CreatedAt))
                    .col(timestamp_with_time_zone(AgendaTemplate::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgendaTemplate::Table, AgendaTemplate::OwnerId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaTemplateItem::Table)
                    .col(big_pk_auto(AgendaTemplateItem::Id))
                    .col(big_integer(AgendaTemplateItem::TemplateId))
                    .col(integer(AgendaTemplateItem::Position))
                    .col(text(AgendaTemplateItem::Text))
                    .col(string_len(AgendaTemplateItem::Category, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgendaTemplateItem::Table, AgendaTemplateItem::TemplateId)
                            .to(AgendaTemplate::Table, AgendaTemplate::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agenda_template_item_template")
                    .table(AgendaTemplateItem::Table)
                    .col(AgendaTemplateItem::TemplateId)
                    .col(AgendaTemplateItem::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AgendaTemplateItem::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AgendaTemplate::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum AgendaTemplate {
    Table,
    Id,
    Name,
    Description,
    OwnerId,
    Kind,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgendaTemplateItem {
    Table,
    Id,
    TemplateId,
    Position,
    Text,
    Category,
}
