//! Training sessions where managers learn to hold 1:1s: creating one with its invited
//! attendees, recording who attended, and reading a person's sessions, a session's
//! attendees and when people last attended one, each through the viewer's training
//! visibility ([`TrainingVisible`], from [`access::training_visibility`]). Whether two
//! people attended the same session, which a practice 1:1 needs, is [`both_attended`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};

use super::sql::{
    Order, Sql, begin_write, count, id_in, id_set, line_covers, subtree_cte, totals_by_subject,
};
use crate::auth::Viewer;
use crate::auth::access::{self, TrainingVisibility};
use crate::domain::employment::{is_employed, truncate};
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::{AppError, AppResult, InputProblem};
use entity::{person, training_attendee, training_session};

/// Longest title of a session, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Most people one session (or one attendance call) may name.
pub const MAX_ATTENDEES: usize = 500;

const SESSION_COLUMNS: &str = "s.id, s.title, s.at, s.facilitator_id, s.created_by, s.created_at";

/// The training visibility of one viewer as SQL: a CTE (if any) and conditions on an
/// attendee row `a` of session `s`.
struct TrainingVisible {
    cte: Option<String>,
    /// The viewer may see this attendee row.
    row: String,
    /// The viewer may see something of this session (a visible attendee, or they lead it).
    session: String,
}

impl TrainingVisible {
    fn new(q: &mut Sql, viewer: &Viewer, now: DateTime<Utc>) -> AppResult<TrainingVisible> {
        Ok(match access::training_visibility(viewer)? {
            TrainingVisibility::All => TrainingVisible {
                cte: None,
                row: "1 = 1".into(),
                session: "1 = 1".into(),
            },
            TrainingVisibility::Of(me) => {
                let me = q.bind(me);
                let at = q.bind(now);
                let leads = format!("(s.facilitator_id = {me} OR s.created_by = {me})");
                TrainingVisible {
                    cte: Some(subtree_cte("tvis", &me, &at)),
                    row: format!("({leads} OR a.person_id IN (SELECT id FROM tvis))"),
                    session: format!(
                        "({leads} OR EXISTS (SELECT 1 FROM training_attendee va \
                           WHERE va.session_id = s.id AND va.person_id IN (SELECT id FROM tvis)))"
                    ),
                }
            }
        })
    }

    /// The visibility of a viewer who may see no training at all (an integration) as
    /// `None`: what reaches training through another object (a meeting, a report) is then
    /// absent rather than an error.
    fn or_none(
        q: &mut Sql,
        viewer: &Viewer,
        now: DateTime<Utc>,
    ) -> AppResult<Option<TrainingVisible>> {
        match Self::new(q, viewer, now) {
            Ok(v) => Ok(Some(v)),
            Err(AppError::Forbidden(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    fn with(&self) -> String {
        match &self.cte {
            Some(cte) => format!("WITH RECURSIVE {cte} "),
            None => String::new(),
        }
    }
}

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub title: String,
    pub at: DateTime<Utc>,
    pub facilitator_id: i64,
    pub attendee_ids: Vec<i64>,
}

/// Creates a training session with its invited attendees (none attended yet): hr_admin or
/// a person who manages someone now.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn create<C>(
    db: &C,
    viewer: &Viewer,
    input: NewSession,
    now: DateTime<Utc>,
) -> AppResult<training_session::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = begin_write(db).await?;
    let is_manager = match viewer.person_id() {
        Some(me) => manages_someone(&txn, me, now).await?,
        None => false,
    };
    let creator = access::ensure_can_create_training(viewer, is_manager)?;
    let at = truncate(input.at);
    let title = input.title.trim().to_string();
    let mut problems = Vec::new();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        problems.push(InputProblem {
            field: "input.title".into(),
            message: format!("must be 1 to {MAX_TITLE_CHARS} characters"),
        });
    }
    let mut attendees = input.attendee_ids.clone();
    attendees.sort_unstable();
    attendees.dedup();
    if attendees.len() > MAX_ATTENDEES {
        problems.push(InputProblem {
            field: "input.attendeeIds".into(),
            message: format!("at most {MAX_ATTENDEES} people"),
        });
    }
    let mut wanted = attendees.clone();
    wanted.push(input.facilitator_id);
    let people: HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(wanted))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut check = |id: i64, field: &str| match people.get(&id) {
        None => problems.push(InputProblem {
            field: field.into(),
            message: "no such person".into(),
        }),
        Some(p) if !is_employed(p.start_date, p.end_date, at) => problems.push(InputProblem {
            field: field.into(),
            message: format!("{} was not employed at the session's time", p.external_id),
        }),
        Some(_) => {}
    };
    check(input.facilitator_id, "input.facilitatorId");
    for id in &attendees {
        check(*id, "input.attendeeIds");
    }
    if !problems.is_empty() {
        return Err(AppError::BadInput(problems));
    }
    let session = training_session::ActiveModel {
        title: Set(title),
        at: Set(at),
        facilitator_id: Set(input.facilitator_id),
        created_by: Set(Some(creator)),
        created_at: Set(truncate(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !attendees.is_empty() {
        training_attendee::Entity::insert_many(attendees.iter().map(|&person| {
            training_attendee::ActiveModel {
                session_id: Set(session.id),
                person_id: Set(person),
                attended: Set(false),
            }
        }))
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(session)
}

/// Whether `person` manages someone at `now` (a reporting line to them covers it).
async fn manages_someone(
    db: &impl ConnectionTrait,
    person: i64,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let mut q = Sql::new();
    let me = q.bind(person);
    let at = q.bind(now);
    let sql = format!(
        "SELECT COUNT(*) AS total FROM (SELECT 1 FROM reporting_line rl \
         WHERE rl.manager_id = {me} AND {covers} LIMIT 1) x",
        covers = line_covers("rl", &at)
    );
    Ok(count(q.all(db, sql).await?)? > 0)
}

/// Marks `people` (invited attendees of the session) as having attended it, or not: the
/// session's facilitator, its creator or hr_admin. A session that has not begun yet has no
/// attendance to record.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn record_attendance<C>(
    db: &C,
    viewer: &Viewer,
    session_id: i64,
    people: &[i64],
    attended: bool,
    now: DateTime<Utc>,
) -> AppResult<training_session::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_authenticated(viewer)?;
    let txn = begin_write(db).await?;
    let not_found = || AppError::NotFound("no such training session".into());
    let session = training_session::Entity::find_by_id(session_id)
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    // Someone who may not record attendance learns nothing more of the session.
    access::ensure_can_record_training_attendance(
        viewer,
        session.facilitator_id,
        session.created_by,
    )?;
    if attended && session.at > now {
        return Err(AppError::bad_input(
            "input.attended",
            "the session has not taken place yet",
        ));
    }
    if people.len() > MAX_ATTENDEES {
        return Err(AppError::bad_input(
            "input.personIds",
            format!("at most {MAX_ATTENDEES} people"),
        ));
    }
    let invited: Vec<i64> = training_attendee::Entity::find()
        .filter(training_attendee::Column::SessionId.eq(session_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.person_id)
        .collect();
    if people.iter().any(|p| !invited.contains(p)) {
        return Err(AppError::bad_input(
            "input.personIds",
            "everyone must be an invited attendee of the session",
        ));
    }
    if !people.is_empty() {
        training_attendee::Entity::update_many()
            .col_expr(
                training_attendee::Column::Attended,
                sea_orm::sea_query::Expr::value(attended),
            )
            .filter(training_attendee::Column::SessionId.eq(session_id))
            .filter(training_attendee::Column::PersonId.is_in(people.to_vec()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(session)
}

/// Whether `a` and `b` both attended session `session`: the condition of a practice 1:1.
pub(crate) async fn both_attended(
    db: &impl ConnectionTrait,
    session: i64,
    a: i64,
    b: i64,
) -> AppResult<bool> {
    let found = training_attendee::Entity::find()
        .filter(training_attendee::Column::SessionId.eq(session))
        .filter(training_attendee::Column::PersonId.is_in([a, b]))
        .filter(training_attendee::Column::Attended.eq(true))
        .all(db)
        .await?;
    Ok(a != b && found.len() == 2)
}

fn session_from_row(row: &sea_orm::QueryResult) -> Result<training_session::Model, sea_orm::DbErr> {
    use sea_orm::FromQueryResult;
    training_session::Model::from_query_result(row, "")
}

/// The sessions among `ids` the viewer may see something of.
#[tracing::instrument(level = "debug", skip(db, viewer, ids), fields(count = ids.len()))]
pub async fn by_ids(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, training_session::Model>> {
    let mut q = Sql::new();
    let Some(visible) = TrainingVisible::or_none(&mut q, viewer, now)? else {
        return Ok(HashMap::new());
    };
    let wanted = q.id_in(db.get_database_backend(), "s.id", ids);
    let sql = format!(
        "{with}SELECT {SESSION_COLUMNS} FROM training_session s WHERE {wanted} AND {cond}",
        with = visible.with(),
        cond = visible.session,
    );
    let mut out = HashMap::new();
    for row in q.all(db, sql).await? {
        let s = session_from_row(&row)?;
        out.insert(s.id, s);
    }
    Ok(out)
}

/// The attendees of each of `sessions` the viewer may see (in person id order): everyone
/// for hr_admin and for the session's facilitator and creator; otherwise the viewer and
/// the people below them.
#[tracing::instrument(level = "debug", skip(db, viewer, sessions))]
pub async fn attendees_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    sessions: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, Vec<training_attendee::Model>>> {
    let mut q = Sql::new();
    let Some(visible) = TrainingVisible::or_none(&mut q, viewer, now)? else {
        return Ok(HashMap::new());
    };
    let wanted = q.id_in(db.get_database_backend(), "a.session_id", sessions);
    let sql = format!(
        "{with}SELECT a.session_id, a.person_id, a.attended FROM training_attendee a \
         JOIN training_session s ON s.id = a.session_id WHERE {wanted} AND {cond} \
         ORDER BY a.session_id, a.person_id",
        with = visible.with(),
        cond = visible.row,
    );
    let mut out: HashMap<i64, Vec<training_attendee::Model>> =
        sessions.iter().map(|s| (*s, Vec::new())).collect();
    for row in q.all(db, sql).await? {
        use sea_orm::FromQueryResult;
        let a = training_attendee::Model::from_query_result(&row, "")?;
        out.entry(a.session_id).or_default().push(a);
    }
    Ok(out)
}

/// The sort key of a person's sessions, latest first.
const LATEST_FIRST: [(&str, Order); 2] = [("s.at", Order::Desc), ("s.id", Order::Desc)];

/// `mine(subject, …session columns)`: the sessions each of `people` was invited to, as far
/// as the viewer may see their place in it.
fn sessions_of_cte(
    q: &mut Sql,
    backend: sea_orm::DbBackend,
    visible: &TrainingVisible,
    people: &[i64],
    extra: &[String],
) -> String {
    let set = q.bind(id_set(backend, people));
    let mut conditions = vec![id_in(backend, "a.person_id", &set), visible.row.clone()];
    conditions.extend(extra.iter().cloned());
    format!(
        "mine AS (SELECT a.person_id AS subject, {SESSION_COLUMNS} FROM training_attendee a \
         JOIN training_session s ON s.id = a.session_id WHERE {})",
        conditions.join(" AND ")
    )
}

/// One page of each person's training sessions (invited to, attended or not), latest
/// first, as far as the viewer may see them: the person themselves, anyone above them now,
/// hr_admin; a facilitator or creator sees the sessions they lead. Nobody else sees any.
#[tracing::instrument(level = "debug", skip(db, viewer, people))]
pub async fn of_people(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &[i64],
    page: &Page,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, PageOf<training_session::Model>>> {
    let backend = db.get_database_backend();
    let mut rows: HashMap<i64, Vec<(training_session::Model, Cursor)>> = HashMap::new();
    if page.rows {
        let mut q = Sql::new();
        let visible = TrainingVisible::new(&mut q, viewer, now)?;
        let after: Vec<String> = page
            .after_key::<(DateTime<Utc>, i64)>()?
            .map(|(at, id)| q.after(&LATEST_FIRST, vec![at.into(), id.into()]))
            .into_iter()
            .collect();
        let mine = sessions_of_cte(&mut q, backend, &visible, people, &after);
        let fetch = q.bind(page.fetch() as i64);
        let with = match &visible.cte {
            Some(cte) => format!("WITH RECURSIVE {cte}, {mine} "),
            None => format!("WITH {mine} "),
        };
        let sql = format!(
            "{with}SELECT * FROM ( \
               SELECT mine.*, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY at DESC, id DESC) AS rn \
               FROM mine \
             ) ranked WHERE rn <= {fetch} ORDER BY subject, rn"
        );
        for row in q.all(db, sql).await? {
            let subject: i64 = row.try_get("", "subject")?;
            let s = session_from_row(&row)?;
            let cursor = Cursor::of(&(s.at, s.id));
            rows.entry(subject).or_default().push((s, cursor));
        }
    }
    let totals = if page.total {
        let mut q = Sql::new();
        let visible = TrainingVisible::new(&mut q, viewer, now)?;
        let mine = sessions_of_cte(&mut q, backend, &visible, people, &[]);
        let with = match &visible.cte {
            Some(cte) => format!("WITH RECURSIVE {cte}, {mine} "),
            None => format!("WITH {mine} "),
        };
        let sql = format!("{with}SELECT subject, COUNT(*) AS total FROM mine GROUP BY subject");
        totals_by_subject(q.all(db, sql).await?)?
    } else {
        HashMap::new()
    };
    Ok(PageOf::per_subject(page, people, rows, &totals))
}

/// When each of `people` last attended a training session at or before `as_of`, as far
/// as the viewer may see their training (people without one are absent).
#[tracing::instrument(level = "debug", skip(db, viewer, people))]
pub async fn last_trained(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &[i64],
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, DateTime<Utc>>> {
    let mut q = Sql::new();
    let Some(visible) = TrainingVisible::or_none(&mut q, viewer, now)? else {
        return Ok(HashMap::new());
    };
    let wanted = q.id_in(db.get_database_backend(), "a.person_id", people);
    let at = q.bind(truncate(as_of));
    let sql = format!(
        "{with}SELECT a.person_id, MAX(s.at) AS latest FROM training_attendee a \
         JOIN training_session s ON s.id = a.session_id \
         WHERE {wanted} AND a.attended = TRUE AND s.at <= {at} AND {cond} \
         GROUP BY a.person_id",
        with = visible.with(),
        cond = visible.row,
    );
    let mut out = HashMap::new();
    for row in q.all(db, sql).await? {
        let person: i64 = row.try_get("", "person_id")?;
        let latest: DateTime<Utc> = row.try_get("", "latest")?;
        out.insert(person, latest);
    }
    Ok(out)
}
