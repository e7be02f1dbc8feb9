use sea_orm::entity::prelude::*;

/// An event, written in the same transaction as the change that caused it. `seq` orders
/// events; `event_id` (a UUID) is the id receivers see; `payload` is the exact JSON body
/// every delivery sends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    #[sea_orm(unique)]
    pub event_id: String,
    /// A `WebhookEvent` name.
    pub event_type: String,
    pub occurred_at: DateTimeUtc,
    pub payload: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
