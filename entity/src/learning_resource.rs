use sea_orm::entity::prelude::*;

/// An entry of the org-wide learning library. `topics` holds `TopicCategory` names,
/// comma-separated in the enum's order (empty: none).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learning_resource")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    pub topics: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
