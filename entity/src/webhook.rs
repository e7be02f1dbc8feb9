use sea_orm::entity::prelude::*;

/// A receiver of signed event notifications, managed by hr_admin. The event types it wants
/// are its `webhook_subscription` rows, its signing secrets its `webhook_secret` rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub url: String,
    pub description: Option<String>,
    /// The person who created it (null when that person is gone).
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
