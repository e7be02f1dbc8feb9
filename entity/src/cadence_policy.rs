use sea_orm::entity::prelude::*;

/// How often meetings of one kind should happen. Scope: org-wide (no manager, no pair), a
/// manager's subtree (`manager_id`), or one pair (`pair_low` < `pair_high`, person ids).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cadence_policy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A `MeetingKind` name.
    pub kind: String,
    /// `None`: no expected cadence.
    pub every_days: Option<i32>,
    pub required: bool,
    pub manager_id: Option<i64>,
    pub pair_low: Option<i64>,
    pub pair_high: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
