use sea_orm::entity::prelude::*;

/// A 1:1 between `host_id` and `guest_id`. `status` and `kind` hold the names of
/// `MeetingStatus` and `MeetingKind` (SCHEDULED, DIRECT, …).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub external_id: Option<String>,
    pub host_id: i64,
    pub guest_id: i64,
    pub scheduled_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub status: String,
    pub kind: String,
    pub template_id: Option<i64>,
    pub shared_notes: Option<String>,
    /// How many agenda items the meeting has, and how many of them are TACTICAL: kept in
    /// step with `agenda_item` on every write, so reports need not join the items.
    pub agenda_item_count: i32,
    pub tactical_item_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A practice 1:1 held for a training session: listed, but counted in no figure.
    pub practice: bool,
    /// The training session a practice 1:1 practised for.
    pub training_session_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::HostId",
        to = "super::person::Column::Id"
    )]
    Host,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::GuestId",
        to = "super::person::Column::Id"
    )]
    Guest,
}

impl ActiveModelBehavior for ActiveModel {}
