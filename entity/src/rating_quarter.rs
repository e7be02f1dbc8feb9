use sea_orm::entity::prelude::*;

/// A calendar quarter whose rating figures are frozen (`rating_snapshot`): reports show
/// its figures, and nothing writes them again.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rating_quarter")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub quarter_start: DateTimeUtc,
    pub frozen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
