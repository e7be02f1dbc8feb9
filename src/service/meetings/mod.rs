//! Meetings: reading them through the viewer's visibility (lists start from
//! [`Visible`], so a forgotten check shows less, never more). Who meets whom and how often
//! is in [`partners`]; logging, importing, rescheduling and cancelling in [`write`]; the
//! agenda a write sets in [`agenda`]. Meeting kinds come from [`crate::service::classify`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::sql::{Order, Sql, count, id_in, id_set, subtree_cte, totals_by_subject};
use crate::auth::Viewer;
use crate::auth::access::{self, MeetingVisibility};
use crate::domain::employment::truncate;
use crate::domain::meeting::{MeetingKind, MeetingStatus};
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::AppResult;
use entity::meeting;

mod agenda;
mod calendar;
mod checks;
mod partners;
mod store;
mod write;

pub(crate) use agenda::refresh_agenda_counts;
pub use calendar::{CalendarReport, MeetingCounts, SkipCounts, SkipReason, import_calendar};
pub use partners::{MeetsWithFilter, Partner, meets_with};
pub use write::{LogMeeting, Logged, MAX_IMPORT_ROWS, MeetingChanges, cancel, import, log, update};

pub(crate) const MEETING_COLUMNS: &str = "m.id, m.external_id, m.host_id, m.guest_id, \
     m.scheduled_at, m.duration_minutes, m.status, m.kind, m.template_id, m.shared_notes, \
     m.agenda_item_count, m.tactical_item_count, \
     m.created_at, m.updated_at, m.practice, m.training_session_id";

/// The visibility rule of one viewer as SQL: a CTE (if any) and a condition on `m`.
pub(crate) struct Visible {
    cte: Option<String>,
    condition: String,
}

impl Visible {
    pub(crate) fn new(q: &mut Sql, viewer: &Viewer, now: DateTime<Utc>) -> AppResult<Visible> {
        Ok(match access::meeting_visibility(viewer)? {
            MeetingVisibility::All => Visible {
                cte: None,
                condition: "1 = 1".into(),
            },
            MeetingVisibility::SubtreeOf(person) => {
                let me = q.bind(person);
                let at = q.bind(now);
                Visible {
                    cte: Some(subtree_cte("vis", &me, &at)),
                    condition:
                        "(m.host_id IN (SELECT id FROM vis) OR m.guest_id IN (SELECT id FROM vis))"
                            .into(),
                }
            }
        })
    }

    /// The condition on meeting `m` that the viewer may see it.
    pub(crate) fn condition(&self) -> &str {
        &self.condition
    }

    /// `WITH RECURSIVE …` for these CTEs plus the visibility CTE (empty when none).
    pub(crate) fn with(&self, others: &[String]) -> String {
        let all: Vec<&str> = self
            .cte
            .iter()
            .map(String::as_str)
            .chain(others.iter().map(String::as_str))
            .collect();
        if all.is_empty() {
            String::new()
        } else {
            format!("WITH RECURSIVE {} ", all.join(", "))
        }
    }
}

/// Conditions on listed meetings; all given ones must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MeetingFilter {
    /// Meetings this person takes part in.
    pub person_id: Option<i64>,
    /// Meetings with this person (the other participant, when `person_id` is set).
    pub with_person_id: Option<i64>,
    pub kind: Option<MeetingKind>,
    pub status: Option<MeetingStatus>,
    /// Scheduled at or after.
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    pub to: Option<DateTime<Utc>>,
    /// Only practice 1:1s (true) or only real ones (false); both when `None`.
    pub practice: Option<bool>,
}

impl MeetingFilter {
    pub(crate) fn conditions(&self, q: &mut Sql) -> Vec<String> {
        let mut out = Vec::new();
        for p in [self.person_id, self.with_person_id].into_iter().flatten() {
            let p = q.bind(p);
            out.push(format!("(m.host_id = {p} OR m.guest_id = {p})"));
        }
        out.extend(self.other_conditions(q));
        out
    }

    /// The conditions on anything but the participants.
    fn other_conditions(&self, q: &mut Sql) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(kind) = self.kind {
            out.push(format!("m.kind = {}", q.bind(kind.as_str())));
        }
        if let Some(status) = self.status {
            out.push(format!("m.status = {}", q.bind(status.as_str())));
        }
        if let Some(from) = self.from {
            out.push(format!("m.scheduled_at >= {}", q.bind(truncate(from))));
        }
        if let Some(to) = self.to {
            out.push(format!("m.scheduled_at < {}", q.bind(truncate(to))));
        }
        if let Some(practice) = self.practice {
            out.push(format!("m.practice = {}", q.bind(practice)));
        }
        out
    }
}

fn meeting_from_row(row: &sea_orm::QueryResult) -> Result<meeting::Model, sea_orm::DbErr> {
    meeting::Model::from_query_result(row, "")
}

/// A meeting the viewer may see; `None` when there is none or the viewer may not see it
/// (the two are indistinguishable on purpose).
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<meeting::Model>> {
    Ok(by_ids(db, viewer, &[id], now).await?.remove(&id))
}

/// The meetings among `ids` the viewer may see.
#[tracing::instrument(level = "debug", skip(db, viewer, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, meeting::Model>> {
    let mut q = Sql::new();
    let visible = Visible::new(&mut q, viewer, now)?;
    let wanted = q.id_in(db.get_database_backend(), "m.id", ids);
    let sql = format!(
        "{with}SELECT {MEETING_COLUMNS} FROM meeting m WHERE {wanted} AND {cond}",
        with = visible.with(&[]),
        cond = visible.condition,
    );
    let mut out = HashMap::new();
    for row in q.all(db, sql).await? {
        let m = meeting_from_row(&row)?;
        out.insert(m.id, m);
    }
    Ok(out)
}

/// The sort key of meeting lists, latest first: `(scheduled_at, id)`, both descending.
const LATEST_FIRST: [(&str, Order); 2] = [("m.scheduled_at", Order::Desc), ("m.id", Order::Desc)];

fn latest_first_cursor(m: &meeting::Model) -> Cursor {
    Cursor::of(&(m.scheduled_at, m.id))
}

/// The keyset condition of a page of a latest-first meeting list, if it has a cursor.
fn after_meeting(q: &mut Sql, page: &Page) -> AppResult<Option<String>> {
    Ok(page
        .after_key::<(DateTime<Utc>, i64)>()?
        .map(|(at, id)| q.after(&LATEST_FIRST, vec![at.into(), id.into()])))
}

/// Meetings matching `filter` the viewer may see, latest first: one keyset page, and the
/// count when the page asks for it.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &MeetingFilter,
    page: &Page,
    now: DateTime<Utc>,
) -> AppResult<PageOf<meeting::Model>> {
    let build = |q: &mut Sql| -> AppResult<(String, String, Vec<String>)> {
        let visible = Visible::new(q, viewer, now)?;
        // One person's meetings come from the host and guest indexes (a union), so the
        // latest page sorts a few hundred rows instead of walking the whole time index.
        let from = match filter.person_id.or(filter.with_person_id) {
            Some(p) => {
                let p = q.bind(p);
                format!(
                    "(SELECT * FROM meeting WHERE host_id = {p} \
                      UNION ALL SELECT * FROM meeting WHERE guest_id = {p}) m"
                )
            }
            None => "meeting m".to_string(),
        };
        let mut conditions = filter.conditions(q);
        conditions.push(visible.condition.clone());
        Ok((visible.with(&[]), from, conditions))
    };
    let rows = if page.rows {
        let mut q = Sql::new();
        let (with, from, mut conditions) = build(&mut q)?;
        conditions.extend(after_meeting(&mut q, page)?);
        let limit = q.bind(page.fetch() as i64);
        let sql = format!(
            "{with}SELECT {MEETING_COLUMNS} FROM {from} WHERE {where_} \
             ORDER BY m.scheduled_at DESC, m.id DESC LIMIT {limit}",
            where_ = conditions.join(" AND "),
        );
        q.all(db, sql)
            .await?
            .iter()
            .map(|row| {
                let m = meeting_from_row(row)?;
                let cursor = latest_first_cursor(&m);
                Ok((m, cursor))
            })
            .collect::<AppResult<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let total = if page.total {
        let mut q = Sql::new();
        let (with, from, conditions) = build(&mut q)?;
        let sql = format!(
            "{with}SELECT COUNT(*) AS total FROM {from} WHERE {where_}",
            where_ = conditions.join(" AND "),
        );
        Some(count(q.all(db, sql).await?)?)
    } else {
        None
    };
    Ok(PageOf::from_rows(page, rows, total))
}

/// `mine(subject, …meeting columns)`: the meetings of each of `people` matching `filter`
/// and visible to the viewer, one row per (subject, meeting). A meeting with one given
/// other person is read from the pair index, whichever of the two hosted.
fn meetings_of_cte(
    q: &mut Sql,
    backend: sea_orm::DbBackend,
    visible: &Visible,
    people: &[i64],
    filter: &MeetingFilter,
    extra: &[String],
) -> String {
    let mut shared = filter.other_conditions(q);
    if let Some(p) = filter.person_id {
        let p = q.bind(p);
        shared.push(format!("(m.host_id = {p} OR m.guest_id = {p})"));
    }
    shared.push(visible.condition.clone());
    shared.extend(extra.iter().cloned());
    let set = q.bind(id_set(backend, people));
    let with = filter.with_person_id.map(|w| q.bind(w));
    let branch = |subject: &str, other: &str| {
        let mut conditions = vec![id_in(backend, &format!("m.{subject}_id"), &set)];
        if let Some(w) = &with {
            conditions.push(format!("m.{other}_id = {w}"));
        }
        conditions.extend(shared.iter().cloned());
        format!(
            "SELECT m.{subject}_id AS subject, {MEETING_COLUMNS} FROM meeting m WHERE {}",
            conditions.join(" AND ")
        )
    };
    format!(
        "mine AS ({} UNION ALL {})",
        branch("host", "guest"),
        branch("guest", "host")
    )
}

/// One page of each person's meetings (matching `filter`, visible to the viewer), latest
/// first, and their number when the page asks for it: one statement for the pages of the
/// whole batch (a keyset condition and a window per person), one for the counts.
#[tracing::instrument(level = "debug", skip(db, viewer, people))]
pub async fn of_people(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &[i64],
    filter: &MeetingFilter,
    page: &Page,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, PageOf<meeting::Model>>> {
    let backend = db.get_database_backend();
    let mut rows: HashMap<i64, Vec<(meeting::Model, Cursor)>> = HashMap::new();
    if page.rows {
        let mut q = Sql::new();
        let visible = Visible::new(&mut q, viewer, now)?;
        let after: Vec<String> = after_meeting(&mut q, page)?.into_iter().collect();
        let mine = meetings_of_cte(&mut q, backend, &visible, people, filter, &after);
        let fetch = q.bind(page.fetch() as i64);
        let sql = format!(
            "{with}SELECT * FROM ( \
               SELECT mine.*, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY scheduled_at DESC, id DESC) AS rn \
               FROM mine \
             ) ranked WHERE rn <= {fetch} ORDER BY subject, rn",
            with = visible.with(&[mine]),
        );
        for row in q.all(db, sql).await? {
            let subject: i64 = row.try_get("", "subject")?;
            let m = meeting_from_row(&row)?;
            let cursor = latest_first_cursor(&m);
            rows.entry(subject).or_default().push((m, cursor));
        }
    }
    let totals = if page.total {
        let mut q = Sql::new();
        let visible = Visible::new(&mut q, viewer, now)?;
        let mine = meetings_of_cte(&mut q, backend, &visible, people, filter, &[]);
        let sql = format!(
            "{with}SELECT subject, COUNT(*) AS total FROM mine GROUP BY subject",
            with = visible.with(&[mine]),
        );
        totals_by_subject(q.all(db, sql).await?)?
    } else {
        HashMap::new()
    };
    Ok(PageOf::per_subject(page, people, rows, &totals))
}
