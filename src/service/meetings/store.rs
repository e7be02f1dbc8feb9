//! Storing a checked meeting: its columns as a write sets them, and creating or updating
//! the row a logged meeting lands on.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::auth::{Viewer, access};
use crate::domain::meeting::{MeetingKind, MeetingStatus};
use crate::error::{AppError, AppResult};
use entity::meeting;

/// A meeting's columns as a write sets them.
pub(super) struct Fields {
    pub host_id: i64,
    pub guest_id: i64,
    pub scheduled_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub status: MeetingStatus,
    pub kind: MeetingKind,
    pub template_id: Option<i64>,
    pub shared_notes: Option<String>,
    pub practice: bool,
    pub training_session_id: Option<i64>,
}

impl Fields {
    /// Whether `current` already holds exactly these columns.
    fn matches(&self, current: &meeting::Model) -> bool {
        current.host_id == self.host_id
            && current.guest_id == self.guest_id
            && current.scheduled_at == self.scheduled_at
            && current.duration_minutes == self.duration_minutes
            && current.status == self.status.as_str()
            && current.kind == self.kind.as_str()
            && current.template_id == self.template_id
            && current.shared_notes == self.shared_notes
            && current.practice == self.practice
            && current.training_session_id == self.training_session_id
    }

    /// The columns as an active model stamped as updated at `now`.
    fn active(&self, now: DateTime<Utc>) -> meeting::ActiveModel {
        meeting::ActiveModel {
            host_id: Set(self.host_id),
            guest_id: Set(self.guest_id),
            scheduled_at: Set(self.scheduled_at),
            duration_minutes: Set(self.duration_minutes),
            status: Set(self.status.as_str().into()),
            kind: Set(self.kind.as_str().into()),
            template_id: Set(self.template_id),
            shared_notes: Set(self.shared_notes.clone()),
            practice: Set(self.practice),
            training_session_id: Set(self.training_session_id),
            updated_at: Set(now),
            ..Default::default()
        }
    }

    /// Writes the columns onto the meeting `id`.
    pub async fn update(
        &self,
        txn: &impl ConnectionTrait,
        id: i64,
        now: DateTime<Utc>,
    ) -> AppResult<meeting::Model> {
        let model = meeting::ActiveModel {
            id: Set(id),
            ..self.active(now)
        };
        Ok(model.update(txn).await?)
    }
}

/// Stores a checked, logged meeting: creates it, or updates the one with its externalId
/// when that differs. Returns the row, whether it was created and whether it changed.
pub(super) async fn store_logged(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    external_id: Option<String>,
    fields: &Fields,
    now: DateTime<Utc>,
) -> AppResult<(meeting::Model, bool, bool)> {
    let existing = match &external_id {
        Some(ext) => {
            meeting::Entity::find()
                .filter(meeting::Column::ExternalId.eq(ext.as_str()))
                .one(txn)
                .await?
        }
        None => None,
    };
    let Some(current) = existing else {
        let model = meeting::ActiveModel {
            external_id: Set(external_id),
            created_at: Set(now),
            ..fields.active(now)
        }
        .insert(txn)
        .await
        .map_err(AppError::from_db)?;
        return Ok((model, true, true));
    };
    // Re-sending may also move a meeting between people: both pairs must allow it.
    access::ensure_can_write_meeting(viewer, current.host_id, current.guest_id)?;
    if fields.matches(&current) {
        return Ok((current, false, false));
    }
    Ok((fields.update(txn, current.id, now).await?, false, true))
}
