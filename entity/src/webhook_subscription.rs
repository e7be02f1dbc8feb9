use sea_orm::entity::prelude::*;

/// One event type a webhook wants (a `WebhookEvent` name), keyed by type first.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscription")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub webhook_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
