use sea_orm::entity::prelude::*;

/// One person's answer to a pulse round (one per round and respondent), about the manager
/// they had when they last answered. Read by its respondent alone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pulse_answer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub respondent_id: i64,
    pub manager_id: i64,
    pub useful: i16,
    pub beyond_tactical: i16,
    pub feedback: i16,
    pub answered_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
