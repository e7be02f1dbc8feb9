//! Meetings: reading them through the viewer's visibility (lists start from
//! [`Visible`], so a forgotten check shows less, never more), "who meets whom and how often",
//! logging, importing, rescheduling and cancelling, and keeping each meeting's kind in step
//! with the org chart at its time.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};

use super::IN_CHUNK;
use super::sql::{Order, Sql, begin_write, count, int_col, line_covers, totals_by_subject};
use crate::auth::Viewer;
use crate::auth::access::{self, MeetingVisibility};
use crate::domain::employment::{is_employed, truncate};
use crate::domain::meeting::{
    MeetingDuration, MeetingKind, MeetingStatus, TopicCategory, check_status_time, classify,
};
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::{AppError, AppResult, InputProblem};
use entity::{agenda_item, agenda_template, agenda_template_item, meeting, person};

pub(crate) const MEETING_COLUMNS: &str = "m.id, m.external_id, m.host_id, m.guest_id, \
     m.scheduled_at, m.duration_minutes, m.status, m.kind, m.template_id, m.shared_notes, \
     m.agenda_item_count, m.tactical_item_count, \
     m.created_at, m.updated_at";

/// Most meetings one `importMeetings` call may carry.
pub const MAX_IMPORT_ROWS: usize = 5_000;

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
                    cte: Some(format!(
                        "vis(id) AS (SELECT CAST({me} AS BIGINT) UNION ALL \
                         SELECT rl.person_id FROM reporting_line rl JOIN vis ON rl.manager_id = vis.id \
                         WHERE {covers})",
                        covers = line_covers("rl", &at)
                    )),
                    condition:
                        "(m.host_id IN (SELECT id FROM vis) OR m.guest_id IN (SELECT id FROM vis))"
                            .into(),
                }
            }
        })
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
}

impl MeetingFilter {
    fn conditions(&self, q: &mut Sql) -> Vec<String> {
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
    let set = q.bind(super::sql::id_set(backend, people));
    let with = filter.with_person_id.map(|w| q.bind(w));
    let branch = |subject: &str, other: &str| {
        let mut conditions = vec![super::sql::id_in(backend, &format!("m.{subject}_id"), &set)];
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

/// Someone a person met, with how often and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub person_id: i64,
    pub count: i64,
    pub first_met_at: DateTime<Utc>,
    pub last_met_at: DateTime<Utc>,
    pub kinds: Vec<MeetingKind>,
}

impl Partner {
    /// Mean days between consecutive meetings; `None` below two meetings.
    pub fn average_interval_days(&self) -> Option<f64> {
        (self.count > 1).then(|| {
            (self.last_met_at - self.first_met_at).num_seconds() as f64
                / 86_400.0
                / (self.count - 1) as f64
        })
    }
}

/// The window and kind `meetsWith` looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MeetsWithFilter {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub kind: Option<MeetingKind>,
}

/// The sort key of `meetsWith`: most meetings first, then latest, then the partner's id.
const MOST_MET_FIRST: [(&str, Order); 3] = [
    ("agg.cnt", Order::Desc),
    ("agg.last_at", Order::Desc),
    ("agg.other", Order::Asc),
];

/// For each person, the people they held meetings with (HELD only, visible to the viewer),
/// most frequent first, then most recent: aggregated and paged in one SQL statement, and
/// counted in another when the page asks for it.
#[tracing::instrument(level = "debug", skip(db, viewer, people))]
pub async fn meets_with(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &[i64],
    filter: MeetsWithFilter,
    page: &Page,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, PageOf<Partner>>> {
    let backend = db.get_database_backend();
    let after = page.after_key::<(i64, DateTime<Utc>, i64)>()?;
    let mut rows: HashMap<i64, Vec<(Partner, Cursor)>> = HashMap::new();
    if page.rows {
        let mut q = Sql::new();
        let (with, kinds) = partners_ctes(&mut q, backend, viewer, people, filter, now)?;
        let after = match after {
            Some((cnt, last_at, other)) => q.after(
                &MOST_MET_FIRST,
                vec![cnt.into(), last_at.into(), other.into()],
            ),
            None => "1 = 1".into(),
        };
        let fetch = q.bind(page.fetch() as i64);
        let sql = format!(
            "{with}SELECT * FROM ( \
               SELECT agg.*, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY cnt DESC, last_at DESC, other) AS rn \
               FROM agg WHERE {after} \
             ) ranked WHERE rn <= {fetch} ORDER BY subject, rn"
        );
        for row in q.all(db, sql).await? {
            let subject: i64 = row.try_get("", "subject")?;
            let mut met_kinds = Vec::new();
            for (kind, col) in MeetingKind::ALL.iter().zip(&kinds) {
                if int_col(&row, col)? != 0 {
                    met_kinds.push(*kind);
                }
            }
            let partner = Partner {
                person_id: row.try_get("", "other")?,
                count: int_col(&row, "cnt")?,
                first_met_at: row.try_get("", "first_at")?,
                last_met_at: row.try_get("", "last_at")?,
                kinds: met_kinds,
            };
            let cursor = Cursor::of(&(partner.count, partner.last_met_at, partner.person_id));
            rows.entry(subject).or_default().push((partner, cursor));
        }
    }
    let totals = if page.total {
        let mut q = Sql::new();
        let (with, _) = partners_ctes(&mut q, backend, viewer, people, filter, now)?;
        let sql = format!("{with}SELECT subject, COUNT(*) AS total FROM agg GROUP BY subject");
        totals_by_subject(q.all(db, sql).await?)?
    } else {
        HashMap::new()
    };
    Ok(PageOf::per_subject(page, people, rows, &totals))
}

/// `WITH … agg(subject, other, cnt, first_at, last_at, k_…)`: for each of `people`, each
/// person they held meetings with (matching `filter`, visible to the viewer), before
/// paging; also the names of the per-kind flag columns, in `MeetingKind::ALL` order.
fn partners_ctes(
    q: &mut Sql,
    backend: sea_orm::DbBackend,
    viewer: &Viewer,
    people: &[i64],
    filter: MeetsWithFilter,
    now: DateTime<Utc>,
) -> AppResult<(String, Vec<String>)> {
    let visible = Visible::new(q, viewer, now)?;
    let held = q.bind(MeetingStatus::Held.as_str());
    let mut conditions = vec![format!("m.status = {held}"), visible.condition.clone()];
    conditions.extend(
        MeetingFilter {
            kind: filter.kind,
            from: filter.since,
            to: filter.until,
            ..Default::default()
        }
        .conditions(q),
    );
    let where_ = conditions.join(" AND ");
    let set = q.bind(super::sql::id_set(backend, people));
    let hosts = super::sql::id_in(backend, "m.host_id", &set);
    let guests = super::sql::id_in(backend, "m.guest_id", &set);
    let mut columns = Vec::new();
    let kinds: Vec<String> = MeetingKind::ALL
        .iter()
        .map(|k| {
            let name = q.bind(k.as_str());
            let col = format!("k_{}", k.as_str().to_lowercase());
            let expr =
                format!("CAST(MAX(CASE WHEN kind = {name} THEN 1 ELSE 0 END) AS BIGINT) AS {col}");
            columns.push(col);
            expr
        })
        .collect();
    let pm = format!(
        "pm AS ( \
           SELECT m.host_id AS subject, m.guest_id AS other, m.scheduled_at, m.kind FROM meeting m \
           WHERE {hosts} AND {where_} \
           UNION ALL \
           SELECT m.guest_id, m.host_id, m.scheduled_at, m.kind FROM meeting m \
           WHERE {guests} AND {where_})"
    );
    let agg = format!(
        "agg AS (SELECT subject, other, CAST(COUNT(*) AS BIGINT) AS cnt, MIN(scheduled_at) AS first_at, \
           MAX(scheduled_at) AS last_at, {kinds} FROM pm GROUP BY subject, other)",
        kinds = kinds.join(", ")
    );
    Ok((visible.with(&[pm, agg]), columns))
}

/// A meeting as logged by a participant, an HR admin or a calendar sync.
#[derive(Debug, Clone)]
pub struct LogMeeting {
    pub external_id: Option<String>,
    pub host_id: i64,
    pub guest_id: i64,
    pub scheduled_at: DateTime<Utc>,
    pub duration: MeetingDuration,
    pub status: Option<MeetingStatus>,
    pub template_id: Option<i64>,
    pub agenda: Option<Vec<(String, TopicCategory)>>,
    pub shared_notes: Option<String>,
}

/// Whether `log` created the meeting or updated the one with the same externalId.
#[derive(Debug, Clone)]
pub struct Logged {
    pub meeting: meeting::Model,
    pub created: bool,
    pub changed: bool,
}

/// Logs or schedules a meeting. With an externalId that already exists, the meeting is
/// updated instead (so calendar syncs can re-send).
#[tracing::instrument(level = "debug", skip(db, viewer, input))]
pub async fn log<C>(
    db: &C,
    viewer: &Viewer,
    input: LogMeeting,
    now: DateTime<Utc>,
) -> AppResult<Logged>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = begin_write(db).await?;
    let kinds = classify_many(
        &txn,
        &[(input.host_id, input.guest_id, truncate(input.scheduled_at))],
    )
    .await?;
    let logged = write_one(&txn, viewer, input, kinds[0], now, "input").await?;
    txn.commit().await?;
    Ok(logged)
}

/// Logs many meetings, all or nothing, each identified by its externalId.
#[tracing::instrument(level = "debug", skip(db, viewer, rows), fields(rows = rows.len()))]
pub async fn import<C>(
    db: &C,
    viewer: &Viewer,
    rows: Vec<LogMeeting>,
    now: DateTime<Utc>,
) -> AppResult<(u32, u32, u32, Vec<meeting::Model>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(AppError::bad_input(
            "input.meetings",
            format!(
                "at most {MAX_IMPORT_ROWS} meetings per call, got {}",
                rows.len()
            ),
        ));
    }
    let mut problems = Vec::new();
    let mut seen = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        match row.external_id.as_deref().map(str::trim) {
            None | Some("") => problems.push(InputProblem {
                field: format!("input.meetings[{i}].externalId"),
                message: "is required for imports".into(),
            }),
            Some(ext) => {
                if let Some(first) = seen.insert(ext.to_string(), i) {
                    problems.push(InputProblem {
                        field: format!("input.meetings[{i}].externalId"),
                        message: format!("duplicates meetings[{first}]"),
                    });
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    let txn = begin_write(db).await?;
    let triples: Vec<(i64, i64, DateTime<Utc>)> = rows
        .iter()
        .map(|r| (r.host_id, r.guest_id, truncate(r.scheduled_at)))
        .collect();
    let kinds = classify_many(&txn, &triples).await?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut meetings = Vec::with_capacity(rows.len());
    for (i, (row, kind)) in rows.into_iter().zip(kinds).enumerate() {
        let prefix = format!("input.meetings[{i}]");
        match write_one(&txn, viewer, row, kind, now, &prefix).await {
            Ok(logged) => {
                match (logged.created, logged.changed) {
                    (true, _) => created += 1,
                    (false, true) => updated += 1,
                    (false, false) => unchanged += 1,
                }
                meetings.push(logged.meeting);
            }
            Err(AppError::BadInput(mut p)) => problems.append(&mut p),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    txn.commit().await?;
    Ok((created, updated, unchanged, meetings))
}

/// Validates one meeting and creates or updates it inside `txn`.
async fn write_one(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    input: LogMeeting,
    kind: MeetingKind,
    now: DateTime<Utc>,
    prefix: &str,
) -> AppResult<Logged> {
    // Who may write comes first, so that outsiders learn nothing from validation messages.
    access::ensure_can_write_meeting(viewer, input.host_id, input.guest_id)?;
    let field = |name: &str| format!("{prefix}.{name}");
    let at = truncate(input.scheduled_at);
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in([input.host_id, input.guest_id]))
        .all(txn)
        .await?;
    let find = |id: i64| people.iter().find(|p| p.id == id);
    let mut problems = Vec::new();
    if input.host_id == input.guest_id {
        problems.push(InputProblem {
            field: field("guestId"),
            message: "host and guest must be two different people".into(),
        });
    }
    for (id, name) in [(input.host_id, "hostId"), (input.guest_id, "guestId")] {
        match find(id) {
            None => problems.push(InputProblem {
                field: field(name),
                message: "no such person".into(),
            }),
            Some(p) if !is_employed(p.start_date, p.end_date, at) => problems.push(InputProblem {
                field: field(name),
                message: format!("{} was not employed at scheduledAt", p.external_id),
            }),
            Some(_) => {}
        }
    }
    let status = input.status.unwrap_or(MeetingStatus::Scheduled);
    if let Err(AppError::BadInput(mut p)) = check_status_time(status, at, now, &field("status")) {
        problems.append(&mut p);
    }
    let template = match input.template_id {
        Some(id) => {
            let t = agenda_template::Entity::find_by_id(id).one(txn).await?;
            match t {
                Some(t)
                    if access::can_apply_template(
                        viewer,
                        t.owner_id,
                        input.host_id,
                        input.guest_id,
                    ) =>
                {
                    Some(t)
                }
                _ => {
                    problems.push(InputProblem {
                        field: field("templateId"),
                        message: "no such agenda template for these participants".into(),
                    });
                    None
                }
            }
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }

    let existing = match &input.external_id {
        Some(ext) => {
            meeting::Entity::find()
                .filter(meeting::Column::ExternalId.eq(ext.as_str()))
                .one(txn)
                .await?
        }
        None => None,
    };
    let shared_notes = input
        .shared_notes
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let (model, created, mut changed) = match existing {
        Some(current) => {
            // Re-sending may also move a meeting between people: both pairs must allow it.
            access::ensure_can_write_meeting(viewer, current.host_id, current.guest_id)?;
            let same = current.host_id == input.host_id
                && current.guest_id == input.guest_id
                && current.scheduled_at == at
                && current.duration_minutes == input.duration.minutes()
                && current.status == status.as_str()
                && current.kind == kind.as_str()
                && current.template_id == input.template_id
                && current.shared_notes == shared_notes;
            if same {
                (current, false, false)
            } else {
                let model = meeting::ActiveModel {
                    id: Set(current.id),
                    host_id: Set(input.host_id),
                    guest_id: Set(input.guest_id),
                    scheduled_at: Set(at),
                    duration_minutes: Set(input.duration.minutes()),
                    status: Set(status.as_str().into()),
                    kind: Set(kind.as_str().into()),
                    template_id: Set(input.template_id),
                    shared_notes: Set(shared_notes),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .update(txn)
                .await?;
                (model, false, true)
            }
        }
        None => {
            let model = meeting::ActiveModel {
                external_id: Set(input.external_id.clone()),
                host_id: Set(input.host_id),
                guest_id: Set(input.guest_id),
                scheduled_at: Set(at),
                duration_minutes: Set(input.duration.minutes()),
                status: Set(status.as_str().into()),
                kind: Set(kind.as_str().into()),
                template_id: Set(input.template_id),
                shared_notes: Set(shared_notes),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(AppError::from_db)?;
            (model, true, true)
        }
    };

    // The agenda: on creation the template's items, then the given ones; later, the given
    // agenda replaces the stored one.
    let mut items: Vec<(String, TopicCategory)> = Vec::new();
    if created && let Some(t) = &template {
        let template_items = agenda_template_item::Entity::find()
            .filter(agenda_template_item::Column::TemplateId.eq(t.id))
            .order_by_asc(agenda_template_item::Column::Position)
            .all(txn)
            .await?;
        items.extend(template_items.into_iter().map(|i| {
            (
                i.text,
                TopicCategory::parse(&i.category).unwrap_or(TopicCategory::Other),
            )
        }));
    }
    if let Some(agenda) = input.agenda {
        items.extend(agenda);
    }
    if created || !items.is_empty() {
        let added_by = viewer.person_id();
        if replace_agenda(txn, model.id, items, added_by).await? {
            changed = true;
        }
    }
    Ok(Logged {
        meeting: model,
        created,
        changed,
    })
}

/// Replaces a meeting's agenda when it differs; returns whether it did.
async fn replace_agenda(
    txn: &impl ConnectionTrait,
    meeting_id: i64,
    items: Vec<(String, TopicCategory)>,
    added_by: Option<i64>,
) -> AppResult<bool> {
    let current = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(meeting_id))
        .order_by_asc(agenda_item::Column::Position)
        .all(txn)
        .await?;
    let same = current.len() == items.len()
        && current
            .iter()
            .zip(&items)
            .all(|(c, (text, cat))| c.text == *text && c.category == cat.as_str());
    if same {
        return Ok(false);
    }
    agenda_item::Entity::delete_many()
        .filter(agenda_item::Column::MeetingId.eq(meeting_id))
        .exec(txn)
        .await?;
    let models: Vec<agenda_item::ActiveModel> = items
        .into_iter()
        .enumerate()
        .map(|(i, (text, category))| agenda_item::ActiveModel {
            meeting_id: Set(meeting_id),
            position: Set(i as i32),
            text: Set(text),
            category: Set(category.as_str().into()),
            added_by: Set(added_by),
            discussed: Set(false),
            ..Default::default()
        })
        .collect();
    for chunk in models.chunks(200) {
        agenda_item::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }
    refresh_agenda_counts(txn, meeting_id).await?;
    Ok(true)
}

/// Recounts a meeting's agenda items (all, and TACTICAL ones) into its row. Every write to
/// `agenda_item` calls this in the same transaction, so the counters reports sum are
/// never out of step with the items.
pub(crate) async fn refresh_agenda_counts(
    txn: &impl ConnectionTrait,
    meeting_id: i64,
) -> AppResult<()> {
    let mut q = Sql::new();
    let id = q.bind(meeting_id);
    let tactical = q.bind(TopicCategory::Tactical.as_str());
    let sql = format!(
        "UPDATE meeting SET \
           agenda_item_count = (SELECT COUNT(*) FROM agenda_item a WHERE a.meeting_id = {id}), \
           tactical_item_count = (SELECT COUNT(*) FROM agenda_item a \
             WHERE a.meeting_id = {id} AND a.category = {tactical}) \
         WHERE id = {id}"
    );
    txn.execute_raw(q.statement(txn.get_database_backend(), sql))
        .await?;
    Ok(())
}

/// Changes to a meeting's time, length, status or notes.
#[derive(Debug, Clone, Default)]
pub struct MeetingChanges {
    pub scheduled_at: Option<DateTime<Utc>>,
    pub duration: Option<MeetingDuration>,
    pub status: Option<MeetingStatus>,
    pub shared_notes: Option<String>,
}

/// Reschedules, changes status or notes of a meeting (its kind follows a new time).
#[tracing::instrument(level = "debug", skip(db, viewer, changes))]
pub async fn update<C>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    changes: MeetingChanges,
    now: DateTime<Utc>,
) -> AppResult<meeting::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = begin_write(db).await?;
    let current = get(&txn, viewer, id, now)
        .await?
        .ok_or_else(|| AppError::NotFound("no such meeting".into()))?;
    let content_change = changes.shared_notes.is_some();
    if content_change {
        access::ensure_participant(viewer, current.host_id, current.guest_id)?;
    }
    let input = LogMeeting {
        external_id: current.external_id.clone(),
        host_id: current.host_id,
        guest_id: current.guest_id,
        scheduled_at: changes.scheduled_at.unwrap_or(current.scheduled_at),
        duration: changes.duration.unwrap_or(MeetingDuration::parse(
            current.duration_minutes,
            "input.durationMinutes",
        )?),
        status: Some(
            changes
                .status
                .or(MeetingStatus::parse(&current.status))
                .unwrap_or(MeetingStatus::Scheduled),
        ),
        template_id: current.template_id,
        agenda: None,
        shared_notes: changes.shared_notes.or(current.shared_notes.clone()),
    };
    let kinds = classify_many(
        &txn,
        &[(input.host_id, input.guest_id, truncate(input.scheduled_at))],
    )
    .await?;
    let logged = if input.external_id.is_some() {
        write_one(&txn, viewer, input, kinds[0], now, "input").await?
    } else {
        update_by_id(&txn, viewer, current.id, input, kinds[0], now).await?
    };
    txn.commit().await?;
    Ok(logged.meeting)
}

/// `write_one` keys on externalId; meetings without one are updated by id.
async fn update_by_id(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    input: LogMeeting,
    kind: MeetingKind,
    now: DateTime<Utc>,
) -> AppResult<Logged> {
    // Validate exactly as a new meeting would be, then write onto the existing row.
    access::ensure_can_write_meeting(viewer, input.host_id, input.guest_id)?;
    let at = truncate(input.scheduled_at);
    let status = input.status.unwrap_or(MeetingStatus::Scheduled);
    check_status_time(status, at, now, "input.status")?;
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in([input.host_id, input.guest_id]))
        .all(txn)
        .await?;
    if let Some(p) = people
        .iter()
        .find(|p| !is_employed(p.start_date, p.end_date, at))
    {
        return Err(AppError::bad_input(
            "input.scheduledAt",
            format!("{} was not employed then", p.external_id),
        ));
    }
    let model = meeting::ActiveModel {
        id: Set(id),
        scheduled_at: Set(at),
        duration_minutes: Set(input.duration.minutes()),
        status: Set(status.as_str().into()),
        kind: Set(kind.as_str().into()),
        shared_notes: Set(input
            .shared_notes
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await?;
    Ok(Logged {
        meeting: model,
        created: false,
        changed: true,
    })
}

/// Classifies meetings from the org chart at their times, in one statement per chunk.
pub(crate) async fn classify_many(
    db: &impl ConnectionTrait,
    meetings: &[(i64, i64, DateTime<Utc>)],
) -> AppResult<Vec<MeetingKind>> {
    let mut asks: Vec<(i64, DateTime<Utc>)> = Vec::with_capacity(meetings.len() * 2);
    for (host, guest, at) in meetings {
        asks.push((*host, *at));
        asks.push((*guest, *at));
    }
    let chains = super::org::chains_at(db, &asks).await?;
    Ok(meetings
        .iter()
        .enumerate()
        .map(|(i, (host, guest, _))| {
            classify(
                *host,
                *guest,
                chains[2 * i].as_deref(),
                chains[2 * i + 1].as_deref(),
            )
        })
        .collect())
}

/// After reporting lines changed from `since` on for `people`, re-derives the kind of every
/// meeting since then that involves them or anyone who was below them (their chains may
/// have changed), in the caller's transaction. Returns how many meetings changed kind.
pub(crate) async fn reclassify_after_org_change(
    txn: &impl ConnectionTrait,
    people: &[i64],
    since: DateTime<Utc>,
) -> AppResult<u64> {
    if people.is_empty() {
        return Ok(0);
    }
    let affected = super::org::everyone_below_since(txn, people, since).await?;
    let mut changed = 0;
    for chunk in affected.chunks(IN_CHUNK / 2) {
        let mut q = Sql::new();
        let set = q.bind(super::sql::id_set(txn.get_database_backend(), chunk));
        let from = q.bind(since);
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM meeting m \
             WHERE ({hosts} OR {guests}) AND m.scheduled_at >= {from}",
            hosts = super::sql::id_in(txn.get_database_backend(), "m.host_id", &set),
            guests = super::sql::id_in(txn.get_database_backend(), "m.guest_id", &set),
        );
        let meetings = q
            .all(txn, sql)
            .await?
            .iter()
            .map(meeting_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for batch in meetings.chunks(250) {
            let triples: Vec<_> = batch
                .iter()
                .map(|m| (m.host_id, m.guest_id, m.scheduled_at))
                .collect();
            let kinds = classify_many(txn, &triples).await?;
            for (m, kind) in batch.iter().zip(kinds) {
                if m.kind != kind.as_str() {
                    meeting::ActiveModel {
                        id: Set(m.id),
                        kind: Set(kind.as_str().into()),
                        ..Default::default()
                    }
                    .update(txn)
                    .await?;
                    changed += 1;
                }
            }
        }
    }
    Ok(changed)
}

/// Cancels a meeting.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn cancel<C>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<meeting::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    update(
        db,
        viewer,
        id,
        MeetingChanges {
            status: Some(MeetingStatus::Cancelled),
            ..Default::default()
        },
        now,
    )
    .await
}

/// A changed meeting as a subscriber sees it at `now`. The subscriber is checked again
/// first ([`super::people::ensure_still_valid`]): an error here ends the subscription.
/// `None`: the subscriber may not see this meeting (or it is gone).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn change_seen_by(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<meeting::Model>> {
    super::people::ensure_still_valid(db, viewer, now).await?;
    ensure_can_watch(viewer)?;
    // Anything else that fails here costs this one event, never more than it shows.
    Ok(get(db, viewer, id, now).await.ok().flatten())
}

/// Watching meeting changes needs the right to read meetings at all.
pub fn ensure_can_watch(viewer: &Viewer) -> AppResult<()> {
    access::meeting_visibility(viewer).map(|_| ())
}
