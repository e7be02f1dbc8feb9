use sea_orm::entity::prelude::*;

/// A manager's rating figures for one calendar quarter, frozen once the quarter has ended
/// (see `rating_quarter`): the sum and count of their reports' ratings of their DIRECT
/// 1:1s in it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rating_snapshot")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub manager_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub quarter_start: DateTimeUtc,
    pub rating_sum: i64,
    pub ratings: i64,
    pub taken_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
