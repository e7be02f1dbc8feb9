use sea_orm::entity::prelude::*;

/// A check-in: `asker_id`, above `manager_id` in the chain at `at` (or hr_admin), asked
/// how the manager's 1:1s are going.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "check_in")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asker_id: i64,
    pub manager_id: i64,
    pub at: DateTimeUtc,
    /// 1 to 5.
    pub rating: i32,
    /// Comma-separated `Struggle` names; empty for none.
    pub struggles: String,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
