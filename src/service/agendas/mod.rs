//! Agendas: org-wide and personal agenda templates ([`templates`]), a meeting's agenda
//! items and action items ([`items`] changes them), and what carries over from a pair's
//! earlier meetings. Content is for the two participants only
//! ([`access::can_read_meeting_content`]).

mod items;
mod templates;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder};

use super::IN_CHUNK;
use super::sql::{Sql, id_in_expr};
use crate::auth::{Viewer, access};
use crate::error::{AppError, AppResult};
use entity::{action_item, agenda_item, meeting};

pub use self::items::{
    add_action_item, add_agenda_item, remove_agenda_item, reorder_agenda, set_action_item_done,
    update_agenda_item,
};
pub use self::templates::{
    TemplateInput, create_template, delete_template, list_templates, template_items,
    templates_by_ids, update_template,
};

const MAX_TEXT: usize = 2_000;

fn check_text(text: &str, field: &str) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(AppError::bad_input(
            field,
            format!("must be 1 to {MAX_TEXT} characters"),
        ));
    }
    Ok(text.to_string())
}

/// A meeting and its two participants: enough to decide who may read its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Parties {
    pub meeting: i64,
    pub host: i64,
    pub guest: i64,
}

impl From<&meeting::Model> for Parties {
    fn from(m: &meeting::Model) -> Self {
        Parties {
            meeting: m.id,
            host: m.host_id,
            guest: m.guest_id,
        }
    }
}

fn readable(viewer: &Viewer, meetings: &[Parties]) -> Vec<i64> {
    meetings
        .iter()
        .filter(|p| access::can_read_meeting_content(viewer, p.host, p.guest))
        .map(|p| p.meeting)
        .collect()
}

/// Agenda items of the given meetings, for those the viewer takes part in.
pub async fn agenda_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meetings: &[Parties],
) -> AppResult<HashMap<i64, Vec<agenda_item::Model>>> {
    by_meeting::<agenda_item::Entity>(
        db,
        &readable(viewer, meetings),
        (
            agenda_item::Column::MeetingId,
            agenda_item::Column::Position,
        ),
        |item| item.meeting_id,
    )
    .await
}

/// Action items of the given meetings, for those the viewer takes part in.
pub async fn action_items_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meetings: &[Parties],
) -> AppResult<HashMap<i64, Vec<action_item::Model>>> {
    by_meeting::<action_item::Entity>(
        db,
        &readable(viewer, meetings),
        (action_item::Column::MeetingId, action_item::Column::Id),
        |item| item.meeting_id,
    )
    .await
}

/// The rows of `E` belonging to each of `meetings` (every one gets an entry), by their
/// `meeting` column, in `order` within a meeting.
async fn by_meeting<E: EntityTrait>(
    db: &impl ConnectionTrait,
    meetings: &[i64],
    (meeting, order): (E::Column, E::Column),
    meeting_of: impl Fn(&E::Model) -> i64,
) -> AppResult<HashMap<i64, Vec<E::Model>>> {
    let mut out: HashMap<i64, Vec<E::Model>> =
        meetings.iter().map(|id| (*id, Vec::new())).collect();
    let found = E::find()
        .filter(id_in_expr(db.get_database_backend(), meeting, meetings))
        .order_by_asc(meeting)
        .order_by_asc(order)
        .all(db)
        .await?;
    for item in found {
        out.entry(meeting_of(&item)).or_default().push(item);
    }
    Ok(out)
}

/// A meeting's shared notes: the participants' own, `None` for anyone else.
pub fn shared_notes<'a>(viewer: &Viewer, m: &'a meeting::Model) -> Option<&'a str> {
    access::can_read_meeting_content(viewer, m.host_id, m.guest_id)
        .then_some(m.shared_notes.as_deref())
        .flatten()
}

/// What a pair left open before each meeting: undone action items and undiscussed agenda
/// items from their earlier meetings. Only meetings the viewer takes part in get an entry.
/// Two statements for any number of meetings.
pub async fn carried_over(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    meetings: &[(Parties, DateTime<Utc>)],
) -> AppResult<HashMap<i64, (Vec<action_item::Model>, Vec<agenda_item::Model>)>> {
    let readable: Vec<&(Parties, DateTime<Utc>)> = meetings
        .iter()
        .filter(|(p, _)| access::can_read_meeting_content(viewer, p.host, p.guest))
        .collect();
    let mut out: HashMap<i64, (Vec<action_item::Model>, Vec<agenda_item::Model>)> = readable
        .iter()
        .map(|(p, _)| (p.meeting, Default::default()))
        .collect();
    for chunk in readable.chunks(IN_CHUNK / 4) {
        let mut q = Sql::new();
        let with = earlier(&mut q, chunk);
        let sql = format!(
            "{with}SELECT earlier.target, ai.* FROM earlier JOIN action_item ai ON ai.meeting_id = earlier.id \
             WHERE ai.done_at IS NULL ORDER BY earlier.target, ai.id"
        );
        for row in q.all(db, sql).await? {
            let target: i64 = row.try_get("", "target")?;
            let item = action_item::Model::from_query_result(&row, "")?;
            out.entry(target).or_default().0.push(item);
        }
        let mut q = Sql::new();
        let with = earlier(&mut q, chunk);
        let sql = format!(
            "{with}SELECT earlier.target, ag.* FROM earlier JOIN agenda_item ag ON ag.meeting_id = earlier.id \
             WHERE ag.discussed = {no} ORDER BY earlier.target, ag.id",
            no = q.bind(false)
        );
        for row in q.all(db, sql).await? {
            let target: i64 = row.try_get("", "target")?;
            let item = agenda_item::Model::from_query_result(&row, "")?;
            out.entry(target).or_default().1.push(item);
        }
    }
    Ok(out)
}

/// `WITH ask(...), earlier(target, id) `: each asked meeting and the pair's meetings
/// before it.
fn earlier(q: &mut Sql, asked: &[&(Parties, DateTime<Utc>)]) -> String {
    let values: Vec<String> = asked
        .iter()
        .map(|(p, at)| {
            format!(
                "({}, {}, {}, {})",
                q.bind(p.meeting),
                q.bind(p.host),
                q.bind(p.guest),
                q.bind(*at)
            )
        })
        .collect();
    format!(
        "WITH ask(target, a, b, at) AS (VALUES {}), \
         earlier AS (SELECT ask.target, m.id FROM ask JOIN meeting m \
           ON ((m.host_id = ask.a AND m.guest_id = ask.b) OR (m.host_id = ask.b AND m.guest_id = ask.a)) \
           AND m.scheduled_at < ask.at) ",
        values.join(", ")
    )
}
