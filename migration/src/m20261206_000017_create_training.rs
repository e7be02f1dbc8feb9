use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_person::Person;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The lower and higher id of a meeting's two participants, as the pair index spells them
/// (the same expressions as migration 000008 and `service::sql::pair_low`).
const PAIR_LOW: &str = "(CASE WHEN host_id < guest_id THEN host_id ELSE guest_id END)";
const PAIR_HIGH: &str = "(CASE WHEN host_id < guest_id THEN guest_id ELSE host_id END)";

/// The figure indexes of migrations 000008 and 000009, as they were and with `practice`
/// appended: every coverage, overdue, trend, `meetsWith` and rating statement now says
/// `practice = FALSE`, and reads that column from the index itself, so those reads stay
/// index-only scans over the same ranges (a practice row is skipped inside the index).
const FIGURE_INDEXES: [(&str, &str, &str); 4] = [
    (
        "idx_meeting_host_stats",
        "host_id, status, kind, scheduled_at, guest_id, agenda_item_count, tactical_item_count",
        "",
    ),
    (
        "idx_meeting_guest_stats",
        "guest_id, status, kind, scheduled_at, host_id, agenda_item_count, tactical_item_count",
        "",
    ),
    ("idx_meeting_pair_kind", "", "kind, status, scheduled_at"),
    (
        "idx_meeting_pair_kind_time",
        "host_id, guest_id, kind, status, scheduled_at",
        "",
    ),
];

/// Training sessions where managers learn to hold 1:1s, who was invited and who attended,
/// and practice 1:1s: a meeting may be marked `practice` and name the session it practised
/// for (`training_session_id`); practice meetings count in no figure.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrainingSession::Table)
                    .col(big_pk_auto(TrainingSession::Id))
                    .col(text(TrainingSession::Title))
                    .col(timestamp_with_time_zone(TrainingSession::At))
                    .col(big_integer(TrainingSession::FacilitatorId))
                    .col(big_integer_null(TrainingSession::CreatedBy))
                    .col(timestamp_with_time_zone(TrainingSession::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrainingSession::Table, TrainingSession::FacilitatorId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrainingSession::Table, TrainingSession::CreatedBy)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_training_session_facilitator")
                    .table(TrainingSession::Table)
                    .col(TrainingSession::FacilitatorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingAttendee::Table)
                    .col(big_integer(TrainingAttendee::SessionId))
                    .col(big_integer(TrainingAttendee::PersonId))
                    .col(boolean(TrainingAttendee::Attended).default(false))
                    .primary_key(
                        Index::create()
                            .col(TrainingAttendee::SessionId)
                            .col(TrainingAttendee::PersonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrainingAttendee::Table, TrainingAttendee::SessionId)
                            .to(TrainingSession::Table, TrainingSession::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TrainingAttendee::Table, TrainingAttendee::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "A person's sessions" and "when did they last attend one".
        manager
            .create_index(
                Index::create()
                    .name("idx_training_attendee_person")
                    .table(TrainingAttendee::Table)
                    .col(TrainingAttendee::PersonId)
                    .col(TrainingAttendee::SessionId)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        crate::without_statement_timeout(manager).await?;
        // Raw SQL: SQLite adds a column with a reference only this way (no ALTER of foreign
        // keys), and both databases read it alike.
        db.execute_unprepared(
            "ALTER TABLE meeting ADD COLUMN practice BOOLEAN NOT NULL DEFAULT FALSE",
        )
        .await?;
        db.execute_unprepared(
            "ALTER TABLE meeting ADD COLUMN training_session_id BIGINT NULL \
             REFERENCES training_session (id) ON DELETE SET NULL",
        )
        .await?;
        for (name, columns, pair_columns) in FIGURE_INDEXES {
            db.execute_unprepared(&replace_index(name, columns, pair_columns, true))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        crate::without_statement_timeout(manager).await?;
        for (name, columns, pair_columns) in FIGURE_INDEXES {
            db.execute_unprepared(&replace_index(name, columns, pair_columns, false))
                .await?;
        }
        db.execute_unprepared("ALTER TABLE meeting DROP COLUMN training_session_id")
            .await?;
        db.execute_unprepared("ALTER TABLE meeting DROP COLUMN practice")
            .await?;
        manager
            .drop_table(Table::drop().table(TrainingAttendee::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TrainingSession::Table).to_owned())
            .await
    }
}

/// `DROP INDEX` and `CREATE INDEX` for one of [`FIGURE_INDEXES`], with or without
/// `practice` at the end: one call, so that SQLite runs both on the same connection.
fn replace_index(name: &str, columns: &str, pair_columns: &str, practice: bool) -> String {
    let columns = if pair_columns.is_empty() {
        columns.to_string()
    } else {
        format!("{PAIR_LOW}, {PAIR_HIGH}, {pair_columns}")
    };
    let practice = if practice { ", practice" } else { "" };
    format!("DROP INDEX {name}; CREATE INDEX {name} ON meeting ({columns}{practice})")
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingSession {
    Table,
    Id,
    Title,
    At,
    FacilitatorId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingAttendee {
    Table,
    SessionId,
    PersonId,
    Attended,
}
