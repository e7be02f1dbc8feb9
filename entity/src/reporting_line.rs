use sea_orm::entity::prelude::*;

/// Who `person_id` reports to during `[valid_from, valid_to)`; `manager_id` is `None` for the
/// top of the org. At most one line per person covers any instant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reporting_line")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub manager_id: Option<i64>,
    pub valid_from: DateTimeUtc,
    pub valid_to: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::ManagerId",
        to = "super::person::Column::Id"
    )]
    Manager,
}

impl ActiveModelBehavior for ActiveModel {}
