use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000004_create_agenda_template::AgendaTemplate;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The org-wide library of learning resources (articles, videos, guides for holding good
/// 1:1s), managed by hr_admin, and the resources an agenda template lists, in order.
/// `topics` holds the resource's `TopicCategory` names, comma-separated in the enum's
/// order (e.g. `CAREER,FEEDBACK`); the library is small, so a topic filter reads it
/// beside the (title, id) index that pages it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LearningResource::Table)
                    .col(big_pk_auto(LearningResource::Id))
                    .col(string_len(LearningResource::Title, 200))
                    .col(text(LearningResource::Url))
                    .col(text_null(LearningResource::Description))
                    .col(string_len(LearningResource::Topics, 100).default(""))
                    .col(timestamp_with_time_zone(LearningResource::CreatedAt))
                    .col(timestamp_with_time_zone(LearningResource::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_learning_resource_title")
                    .table(LearningResource::Table)
                    .col(LearningResource::Title)
                    .col(LearningResource::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaTemplateResource::Table)
                    .col(big_integer(AgendaTemplateResource::TemplateId))
                    .col(big_integer(AgendaTemplateResource::ResourceId))
                    .col(integer(AgendaTemplateResource::Position))
                    .primary_key(
                        Index::create()
                            .col(AgendaTemplateResource::TemplateId)
                            .col(AgendaTemplateResource::ResourceId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                AgendaTemplateResource::Table,
                                AgendaTemplateResource::TemplateId,
                            )
                            .to(AgendaTemplate::Table, AgendaTemplate::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                AgendaTemplateResource::Table,
                                AgendaTemplateResource::ResourceId,
                            )
                            .to(LearningResource::Table, LearningResource::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Deleting a resource removes its links: find them without a scan.
        manager
            .create_index(
                Index::create()
                    .name("idx_agenda_template_resource_resource")
                    .table(AgendaTemplateResource::Table)
                    .col(AgendaTemplateResource::ResourceId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(AgendaTemplateResource::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(LearningResource::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum LearningResource {
    Table,
    Id,
    Title,
    Url,
    Description,
    Topics,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AgendaTemplateResource {
    Table,
    TemplateId,
    ResourceId,
    Position,
}
