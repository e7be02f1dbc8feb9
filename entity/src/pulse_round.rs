use sea_orm::entity::prelude::*;

/// A round of the anonymous pulse from reports, opened by hr_admin. Answers are taken from
/// `opens_at` until `closes_at` (or an earlier close); `closed_at` is set once, when the
/// round's figures are frozen (`pulse_result`, `pulse_rollup`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pulse_round")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
