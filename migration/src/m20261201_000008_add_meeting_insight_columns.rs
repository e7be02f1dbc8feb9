use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_person::Person;
use crate::m20261124_000005_create_meeting::Meeting;

/// What coverage reports need to stay set-based and fast on a million meetings:
/// - per-meeting agenda counters, so a tactical share sums meeting rows instead of joining
///   every agenda item;
/// - covering indexes for "a person's HELD meetings of a kind in a window" (either side)
///   and for "the last HELD meeting of a kind between two people", in one probe whichever
///   of the two hosted;
/// - frozen quarterly rating sums per manager: once a quarter has been reported, later or
///   changed ratings must not move its average, or two readings would reveal one rating.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The lower and higher id of a meeting's two participants, as the pair index spells them.
/// Queries must use the same expressions (`service::sql::pair_low`) for the index to apply.
const PAIR_LOW: &str = "(CASE WHEN host_id < guest_id THEN host_id ELSE guest_id END)";
const PAIR_HIGH: &str = "(CASE WHEN host_id < guest_id THEN guest_id ELSE host_id END)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            MeetingCounts::AgendaItemCount,
            MeetingCounts::TacticalItemCount,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Meeting::Table)
                        .add_column(integer(col).default(0))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        crate::without_statement_timeout(manager).await?;
        db.execute_unprepared(
            "UPDATE meeting SET \
               agenda_item_count = (SELECT COUNT(*) FROM agenda_item a WHERE a.meeting_id = meeting.id), \
               tactical_item_count = (SELECT COUNT(*) FROM agenda_item a \
                 WHERE a.meeting_id = meeting.id AND a.category = 'TACTICAL') \
             WHERE EXISTS (SELECT 1 FROM agenda_item a WHERE a.meeting_id = meeting.id)",
        )
        .await?;
        for side in [("host", "guest"), ("guest", "host")] {
            db.execute_unprepared(&format!(
                "CREATE INDEX idx_meeting_{0}_stats ON meeting \
                 ({0}_id, status, kind, scheduled_at, {1}_id, agenda_item_count, tactical_item_count)",
                side.0, side.1
            ))
            .await?;
        }
        db.execute_unprepared(&format!(
            "CREATE INDEX idx_meeting_pair_kind ON meeting \
             ({PAIR_LOW}, {PAIR_HIGH}, kind, status, scheduled_at)"
        ))
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RatingSnapshot::Table)
                    .col(big_integer(RatingSnapshot::ManagerId))
                    .col(timestamp_with_time_zone(RatingSnapshot::QuarterStart))
                    .col(big_integer(RatingSnapshot::RatingSum))
                    .col(big_integer(RatingSnapshot::Ratings))
                    .col(timestamp_with_time_zone(RatingSnapshot::TakenAt))
                    .primary_key(
                        Index::create()
                            .col(RatingSnapshot::ManagerId)
                            .col(RatingSnapshot::QuarterStart),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RatingSnapshot::Table, RatingSnapshot::ManagerId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RatingSnapshot::Table).to_owned())
            .await?;
        let db = manager.get_connection();
        for index in [
            "idx_meeting_host_stats",
            "idx_meeting_guest_stats",
            "idx_meeting_pair_kind",
        ] {
            db.execute_unprepared(&format!("DROP INDEX {index}"))
                .await?;
        }
        for col in [
            MeetingCounts::AgendaItemCount,
            MeetingCounts::TacticalItemCount,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Meeting::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingCounts {
    AgendaItemCount,
    TacticalItemCount,
}

#[derive(DeriveIden, Clone, Copy)]
enum RatingSnapshot {
    Table,
    ManagerId,
    QuarterStart,
    RatingSum,
    Ratings,
    TakenAt,
}
