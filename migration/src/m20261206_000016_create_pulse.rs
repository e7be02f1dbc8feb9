use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The anonymous pulse from reports.
///
/// - `pulse_round`: a round hr_admin opens; `closed_at` is set once, when the round is
///   closed (`closePulseRound`, or the freezer job after `closes_at`), in the transaction
///   that writes its frozen figures.
/// - `pulse_answer`: one answer per (round, respondent) — the unique index — with the
///   manager the respondent had when they (last) answered. Never shown to anyone but the
///   respondent.
/// - `pulse_result`: each manager's frozen sums and respondent count for a closed round.
/// - `pulse_rollup`: each manager's frozen subtree sums over the managers of their subtree
///   (as at the close) who reached 3 respondents.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PulseRound::Table)
                    .if_not_exists()
                    .col(big_pk_auto(PulseRound::Id))
                    .col(text(PulseRound::Name))
                    .col(timestamp_with_time_zone(PulseRound::OpensAt))
                    .col(timestamp_with_time_zone(PulseRound::ClosesAt))
                    .col(timestamp_with_time_zone_null(PulseRound::ClosedAt))
                    .col(timestamp_with_time_zone(PulseRound::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PulseAnswer::Table)
                    .if_not_exists()
                    .col(big_pk_auto(PulseAnswer::Id))
                    .col(big_integer(PulseAnswer::RoundId))
                    .col(big_integer(PulseAnswer::RespondentId))
                    .col(big_integer(PulseAnswer::ManagerId))
                    .col(small_integer(PulseAnswer::Useful))
                    .col(small_integer(PulseAnswer::BeyondTactical))
                    .col(small_integer(PulseAnswer::Feedback))
                    .col(timestamp_with_time_zone(PulseAnswer::AnsweredAt))
                    .col(timestamp_with_time_zone(PulseAnswer::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PulseAnswer::Table, PulseAnswer::RoundId)
                            .to(PulseRound::Table, PulseRound::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for table in [PulseResult::Table, PulseResult::Rollup] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .if_not_exists()
                        .col(big_integer(PulseResult::RoundId))
                        .col(big_integer(PulseResult::ManagerId))
                        .col(big_integer(PulseResult::UsefulSum))
                        .col(big_integer(PulseResult::BeyondTacticalSum))
                        .col(big_integer(PulseResult::FeedbackSum))
                        .col(big_integer(PulseResult::Respondents))
                        .col(big_integer(PulseResult::Managers))
                        .primary_key(
                            Index::create()
                                .col(PulseResult::RoundId)
                                .col(PulseResult::ManagerId),
                        )
                        .foreign_key(
                            ForeignKey::create()
                                .from(table, PulseResult::RoundId)
                                .to(PulseRound::Table, PulseRound::Id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        for sql in [
            // One answer per person and round; also the answer's own lookup.
            "CREATE UNIQUE INDEX idx_pulse_answer_respondent \
             ON pulse_answer (round_id, respondent_id)",
            // Freezing a round groups its answers by manager.
            "CREATE INDEX idx_pulse_answer_manager ON pulse_answer (round_id, manager_id)",
            // `pulseRounds`: newest first, by keyset.
            "CREATE INDEX idx_pulse_round_opens ON pulse_round (opens_at, id)",
            // The latest closed round (insights), and the freezer's rounds past closes_at.
            "CREATE INDEX idx_pulse_round_closed ON pulse_round (closed_at, id)",
            "CREATE INDEX idx_pulse_round_closes ON pulse_round (closes_at) \
             WHERE closed_at IS NULL",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [PulseResult::Rollup, PulseResult::Table] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(PulseAnswer::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PulseRound::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum PulseRound {
    Table,
    Id,
    Name,
    OpensAt,
    ClosesAt,
    ClosedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PulseAnswer {
    Table,
    Id,
    RoundId,
    RespondentId,
    ManagerId,
    Useful,
    BeyondTactical,
    Feedback,
    AnsweredAt,
    UpdatedAt,
}

/// `pulse_result` and `pulse_rollup` share their columns.
#[derive(DeriveIden, Clone, Copy)]
enum PulseResult {
    Table,
    #[sea_orm(iden = "pulse_rollup")]
    Rollup,
    RoundId,
    ManagerId,
    UsefulSum,
    BeyondTacticalSum,
    FeedbackSum,
    Respondents,
    Managers,
}
