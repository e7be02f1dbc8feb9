use sea_orm::entity::prelude::*;

/// A training session where managers learn to hold 1:1s, led by `facilitator_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub at: DateTimeUtc,
    pub facilitator_id: i64,
    /// The person who created it; none when they were removed.
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::FacilitatorId",
        to = "super::person::Column::Id"
    )]
    Facilitator,
}

impl ActiveModelBehavior for ActiveModel {}
