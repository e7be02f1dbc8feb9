use sea_orm::entity::prelude::*;

/// A signing secret of a webhook: the current one has no `expires_at`; one rotated out
/// keeps signing deliveries until `expires_at`. Never shown after `createWebhook` or
/// `rotateWebhookSecret` returned it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_secret")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub webhook_id: i64,
    pub secret: String,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
