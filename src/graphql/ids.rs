//! Opaque global IDs (`base64url("Person:42")`) and page cursors.

use async_graphql::{ID, ResultExt};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::domain::paging::Cursor;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Person,
    Team,
    Meeting,
    AgendaTemplate,
    AgendaItem,
    ActionItem,
    Webhook,
    LearningResource,
    CheckIn,
    TrainingSession,
    PulseRound,
}

impl NodeKind {
    fn prefix(self) -> &'static str {
        match self {
            NodeKind::Person => "Person",
            NodeKind::Team => "Team",
            NodeKind::Meeting => "Meeting",
            NodeKind::AgendaTemplate => "AgendaTemplate",
            NodeKind::AgendaItem => "AgendaItem",
            NodeKind::ActionItem => "ActionItem",
            NodeKind::Webhook => "Webhook",
            NodeKind::LearningResource => "LearningResource",
            NodeKind::CheckIn => "CheckIn",
            NodeKind::TrainingSession => "TrainingSession",
            NodeKind::PulseRound => "PulseRound",
        }
    }

    fn from_prefix(s: &str) -> Option<NodeKind> {
        match s {
            "Person" => Some(NodeKind::Person),
            "Team" => Some(NodeKind::Team),
            "Meeting" => Some(NodeKind::Meeting),
            "AgendaTemplate" => Some(NodeKind::AgendaTemplate),
            "AgendaItem" => Some(NodeKind::AgendaItem),
            "ActionItem" => Some(NodeKind::ActionItem),
            "Webhook" => Some(NodeKind::Webhook),
            "LearningResource" => Some(NodeKind::LearningResource),
            "CheckIn" => Some(NodeKind::CheckIn),
            "TrainingSession" => Some(NodeKind::TrainingSession),
            "PulseRound" => Some(NodeKind::PulseRound),
            _ => None,
        }
    }
}

pub fn encode(kind: NodeKind, id: i64) -> ID {
    ID(crate::domain::ids::global_id(kind.prefix(), id))
}

/// Decodes any global ID; malformed IDs are BAD_USER_INPUT naming `field`.
pub fn decode(id: &ID, field: &str) -> AppResult<(NodeKind, i64)> {
    URL_SAFE_NO_PAD
        .decode(id.as_str())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| {
            let (prefix, n) = s.split_once(':')?;
            Some((NodeKind::from_prefix(prefix)?, n.parse::<i64>().ok()?))
        })
        .ok_or_else(|| AppError::bad_input(field, "is not a valid ID"))
}

/// The database id behind a global ID of `kind`; `None` for an ID of another kind, so that
/// lookups answer null.
pub fn lookup(id: &ID, kind: NodeKind, field: &str) -> AppResult<Option<i64>> {
    let (found, n) = decode(id, field)?;
    Ok((found == kind).then_some(n))
}

/// The database id behind a global ID that must be of `kind` (an input reference).
pub fn expect(id: &ID, kind: NodeKind, field: &str) -> AppResult<i64> {
    lookup(id, kind, field)?
        .ok_or_else(|| AppError::bad_input(field, format!("is not a {} ID", kind.prefix())))
}

/// The opaque form of a cursor: its sort key, base64url-encoded.
/// A `Person` ID argument as a person's row id, for resolvers (`field` names the argument).
pub fn person(id: &ID, field: &str) -> async_graphql::Result<i64> {
    expect(id, NodeKind::Person, field).extend()
}

pub fn cursor(cursor: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(cursor.as_json())
}

/// The cursor behind an opaque one; anything else is BAD_USER_INPUT naming `field`.
pub fn decode_cursor(cursor: &str, field: &str) -> AppResult<Cursor> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|json| Cursor::parse(&json).ok())
        .ok_or_else(|| AppError::bad_input(field, "is not a valid cursor"))
}
