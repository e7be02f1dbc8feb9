use sea_orm::entity::prelude::*;

/// A manager's frozen subtree figures for one closed round: the sums over the managers
/// of their subtree (as at the close, themselves included) who reached 3 respondents, and
/// how many managers that is.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pulse_rollup")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub manager_id: i64,
    pub useful_sum: i64,
    pub beyond_tactical_sum: i64,
    pub feedback_sum: i64,
    pub respondents: i64,
    pub managers: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
