use sea_orm::entity::prelude::*;

/// A person invited to a training session, and whether they attended it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_attendee")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    pub attended: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::training_session::Entity",
        from = "Column::SessionId",
        to = "super::training_session::Column::Id"
    )]
    Session,
}

impl ActiveModelBehavior for ActiveModel {}
