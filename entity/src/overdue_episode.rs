use sea_orm::entity::prelude::*;

/// An overdue episode of a required 1:1 that has been announced (`ONE_ON_ONE_OVERDUE`):
/// the pair and when their meeting fell due. A later spell has a later `due_at`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "overdue_episode")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub manager_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub due_at: DateTimeUtc,
    pub notified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
