//! The anonymous pulse from reports: rounds hr_admin opens and closes, each person's answer
//! about the manager they have when they answer, and the per-manager figures frozen when a
//! round closes.
//!
//! Anonymous by construction: an answer is read back only by its respondent
//! ([`my_answers`]); everyone else sees frozen figures, written once by the close
//! ([`close_round`], or [`freeze_ended_rounds`] for rounds whose `closes_at` has passed) and
//! shown only from [`MIN_RESPONDENTS`] respondents on. Reads never write: until a round is
//! frozen its figures are null.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{pulse_answer, pulse_result, pulse_rollup, pulse_round};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
};

use super::org;
use super::sql::{Sql, begin_write, id_in_expr, line_covers};
use crate::auth::{Viewer, access};
use crate::domain::employment::truncate;
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::{AppError, AppResult};

/// Fewest respondents whose figures are shown, per manager; a rollup counts only managers
/// who reached it.
pub const MIN_RESPONDENTS: i64 = 3;

/// Longest name of a round.
const MAX_NAME: usize = 200;

/// Deepest management chain the rollup walks up.
const MAX_DEPTH: i64 = 64;

/// What `openPulseRound` asks for.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub name: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// One answer: the three scores, each 1 to 5.
#[derive(Debug, Clone, Copy)]
pub struct Scores {
    pub useful: i32,
    pub beyond_tactical: i32,
    pub feedback: i32,
}

/// Frozen figures: the average of each question and how many answered (over how many
/// managers, for a rollup).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub useful: f64,
    pub beyond_tactical: f64,
    pub feedback: f64,
    pub respondents: i64,
    pub managers: i64,
}

impl Figures {
    fn from_sums(useful: i64, beyond: i64, feedback: i64, respondents: i64, managers: i64) -> Self {
        let n = respondents.max(1) as f64;
        Figures {
            useful: useful as f64 / n,
            beyond_tactical: beyond as f64 / n,
            feedback: feedback as f64 / n,
            respondents,
            managers,
        }
    }
}

/// A manager's own figures, or the rollup over their subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Manager,
    Subtree,
}

/// The answer to one `(round, manager)` ask: the figures (null below the threshold, or
/// before the round is frozen), or why the viewer may not see them.
pub type FiguresOutcome = Result<Option<Figures>, std::sync::Arc<AppError>>;

/// Opens a round (hr_admin only).
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn open_round<C>(
    db: &C,
    viewer: &Viewer,
    new: NewRound,
    now: DateTime<Utc>,
) -> AppResult<pulse_round::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_manage_pulse(viewer)?;
    let name = new.name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::bad_input(
            "input.name",
            format!("must be 1 to {MAX_NAME} characters"),
        ));
    }
    let (opens_at, closes_at) = (truncate(new.opens_at), truncate(new.closes_at));
    if closes_at <= opens_at {
        return Err(AppError::bad_input(
            "input.closesAt",
            "must be after opensAt",
        ));
    }
    if closes_at <= now {
        return Err(AppError::bad_input(
            "input.closesAt",
            "must be in the future",
        ));
    }
    let txn = begin_write(db).await?;
    let round = pulse_round::ActiveModel {
        name: Set(name),
        opens_at: Set(opens_at),
        closes_at: Set(closes_at),
        closed_at: Set(None),
        created_at: Set(truncate(now)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(round)
}

/// Closes a round now (hr_admin only) and freezes its figures in the same transaction.
/// A round past its `closes_at` closes at `closes_at`; closing a closed round changes
/// nothing.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn close_round<C>(
    db: &C,
    viewer: &Viewer,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<pulse_round::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    access::ensure_can_manage_pulse(viewer)?;
    let txn = begin_write(db).await?;
    let round = found(&txn, id).await?;
    if round.closed_at.is_none() {
        freeze(&txn, &round, round.closes_at.min(truncate(now))).await?;
    }
    let round = found(&txn, id).await?;
    txn.commit().await?;
    Ok(round)
}

/// Freezes every round whose `closes_at` has passed by `now` and that is not closed yet,
/// each in its own transaction; returns their ids. A system job beside the rating freezer
/// (`serve`'s schedule, `cadence freeze-ratings`), not an operation for a viewer.
#[tracing::instrument(skip(db))]
pub async fn freeze_ended_rounds(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    let due: Vec<i64> = pulse_round::Entity::find()
        .select_only()
        .column(pulse_round::Column::Id)
        .filter(pulse_round::Column::ClosedAt.is_null())
        .filter(pulse_round::Column::ClosesAt.lte(now))
        .order_by_asc(pulse_round::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut froze = Vec::new();
    for id in due {
        let txn = begin_write(db).await?;
        let round = found(&txn, id).await?;
        if round.closed_at.is_none() && freeze(&txn, &round, round.closes_at).await? {
            froze.push(id);
        }
        txn.commit().await?;
    }
    if !froze.is_empty() {
        tracing::info!(rounds = froze.len(), "pulse rounds frozen");
    }
    Ok(froze)
}

/// Marks `round` closed at `closed_at` and writes its figures, unless another transaction
/// did first (`false` then). Also the demo generator's, for the round it writes. The claim is an update of the round's row, so a concurrent
/// answer (which holds that row shared on PostgreSQL) and a concurrent close wait for it.
pub(crate) async fn freeze(
    txn: &impl ConnectionTrait,
    round: &pulse_round::Model,
    closed_at: DateTime<Utc>,
) -> AppResult<bool> {
    let claimed = pulse_round::Entity::update_many()
        .col_expr(
            pulse_round::Column::ClosedAt,
            sea_orm::sea_query::Expr::value(closed_at),
        )
        .filter(pulse_round::Column::Id.eq(round.id))
        .filter(pulse_round::Column::ClosedAt.is_null())
        .exec(txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    let backend = txn.get_database_backend();
    // Each manager's figures: the answers that went to them.
    let mut q = Sql::new();
    let r = q.bind(round.id);
    let sql = format!(
        "INSERT INTO pulse_result (round_id, manager_id, useful_sum, beyond_tactical_sum, \
           feedback_sum, respondents, managers) \
         SELECT a.round_id, a.manager_id, SUM(a.useful), SUM(a.beyond_tactical), \
           SUM(a.feedback), COUNT(*), 1 \
         FROM pulse_answer a WHERE a.round_id = {r} GROUP BY a.round_id, a.manager_id"
    );
    txn.execute_raw(q.statement(backend, sql)).await?;
    // Each manager's subtree rollup, over the org as it was at the close: every manager
    // who reached the threshold adds their figures to themselves and to everyone above
    // them then. Managers below the threshold add nothing anywhere, so no published
    // figure can be subtracted from another to reveal theirs.
    let mut q = Sql::new();
    let r = q.bind(round.id);
    let min = q.bind(MIN_RESPONDENTS);
    let at = q.bind(closed_at);
    let max = q.bind(MAX_DEPTH);
    let sql = format!(
        "WITH RECURSIVE up(src, anc, depth) AS ( \
           SELECT manager_id, manager_id, 0 FROM pulse_result \
           WHERE round_id = {r} AND respondents >= {min} \
           UNION ALL \
           SELECT up.src, rl.manager_id, up.depth + 1 FROM up \
           JOIN reporting_line rl ON rl.person_id = up.anc AND {covers} \
           WHERE rl.manager_id IS NOT NULL AND up.depth < {max} \
         ) \
         INSERT INTO pulse_rollup (round_id, manager_id, useful_sum, beyond_tactical_sum, \
           feedback_sum, respondents, managers) \
         SELECT {r}, up.anc, SUM(s.useful_sum), SUM(s.beyond_tactical_sum), \
           SUM(s.feedback_sum), SUM(s.respondents), COUNT(*) \
         FROM up JOIN pulse_result s ON s.round_id = {r} AND s.manager_id = up.src \
         GROUP BY up.anc",
        covers = line_covers("rl", &at),
    );
    txn.execute_raw(q.statement(backend, sql)).await?;
    Ok(true)
}

/// Records (or replaces) the viewer's answer to an open round, about the manager they
/// have at `now`: a changed answer moves to whoever is their manager when they change it.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn answer<C>(
    db: &C,
    viewer: &Viewer,
    round_id: i64,
    scores: Scores,
    now: DateTime<Utc>,
) -> AppResult<pulse_answer::Model>
where
    C: ConnectionTrait + TransactionTrait,
{
    let me = access::ensure_can_answer_pulse(viewer)?;
    let score = |value: i32, field: &str| -> AppResult<i16> {
        if (1..=5).contains(&value) {
            Ok(value as i16)
        } else {
            Err(AppError::bad_input(
                format!("input.{field}"),
                format!("must be between 1 and 5, got {value}"),
            ))
        }
    };
    let useful = score(scores.useful, "useful")?;
    let beyond_tactical = score(scores.beyond_tactical, "beyondTactical")?;
    let feedback = score(scores.feedback, "feedback")?;
    let now = truncate(now);
    let txn = begin_write(db).await?;
    // Held shared until the answer is written: a close (which updates the row) waits, so
    // no answer lands in a round after its figures were frozen.
    let mut find = pulse_round::Entity::find_by_id(round_id);
    if txn.get_database_backend() == DbBackend::Postgres {
        find = find.lock_shared();
    }
    let round = find
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("no pulse round has this id".into()))?;
    if now < round.opens_at {
        return Err(AppError::bad_input(
            "input.roundId",
            "the round is not open yet",
        ));
    }
    if round.closed_at.is_some() || now >= round.closes_at {
        return Err(AppError::bad_input("input.roundId", "the round is closed"));
    }
    let manager = org::managers_of(&txn, viewer, &[me], now)
        .await?
        .remove(&me)
        .ok_or_else(|| {
            AppError::bad_input(
                "input.roundId",
                "only someone who has a manager now can answer",
            )
        })?;
    pulse_answer::Entity::insert(pulse_answer::ActiveModel {
        round_id: Set(round.id),
        respondent_id: Set(me),
        manager_id: Set(manager.id),
        useful: Set(useful),
        beyond_tactical: Set(beyond_tactical),
        feedback: Set(feedback),
        answered_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            pulse_answer::Column::RoundId,
            pulse_answer::Column::RespondentId,
        ])
        .update_columns([
            pulse_answer::Column::ManagerId,
            pulse_answer::Column::Useful,
            pulse_answer::Column::BeyondTactical,
            pulse_answer::Column::Feedback,
            pulse_answer::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let stored = pulse_answer::Entity::find()
        .filter(pulse_answer::Column::RoundId.eq(round.id))
        .filter(pulse_answer::Column::RespondentId.eq(me))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("pulse answer not stored")))?;
    txn.commit().await?;
    Ok(stored)
}

/// A round by id, for any person; `None` when there is none.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i64,
) -> AppResult<Option<pulse_round::Model>> {
    access::ensure_can_read_pulse_rounds(viewer)?;
    Ok(pulse_round::Entity::find_by_id(id).one(db).await?)
}

/// Rounds, latest opening first: one keyset page over `(opens_at, id)`, and the count
/// when the page asks for it.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    page: &Page,
) -> AppResult<PageOf<pulse_round::Model>> {
    access::ensure_can_read_pulse_rounds(viewer)?;
    let rows = if page.rows {
        let mut query = pulse_round::Entity::find();
        if let Some((at, id)) = page.after_key::<(DateTime<Utc>, i64)>()? {
            use pulse_round::Column::{Id, OpensAt};
            query = query.filter(
                Condition::all().add(OpensAt.lte(at)).add(
                    Condition::any()
                        .add(OpensAt.lt(at))
                        .add(Condition::all().add(OpensAt.eq(at)).add(Id.lt(id))),
                ),
            );
        }
        query
            .order_by_desc(pulse_round::Column::OpensAt)
            .order_by_desc(pulse_round::Column::Id)
            .limit(page.fetch())
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let cursor = Cursor::of(&(r.opens_at, r.id));
                (r, cursor)
            })
            .collect()
    } else {
        Vec::new()
    };
    let total = if page.total {
        Some(pulse_round::Entity::find().count(db).await?)
    } else {
        None
    };
    Ok(PageOf::from_rows(page, rows, total))
}

/// The viewer's own answers to `rounds`, by round id: nobody reads anyone else's.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn my_answers(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    rounds: &[i64],
) -> AppResult<HashMap<i64, pulse_answer::Model>> {
    let Some(me) = viewer.person_id() else {
        return Ok(HashMap::new());
    };
    let answers = pulse_answer::Entity::find()
        .filter(pulse_answer::Column::RespondentId.eq(me))
        .filter(pulse_answer::Column::RoundId.is_in(rounds.iter().copied()))
        .all(db)
        .await?;
    Ok(answers
        .into_iter()
        .filter(|a| access::can_read_pulse_answer(viewer, a.respondent_id))
        .map(|a| (a.round_id, a))
        .collect())
}

/// The frozen figures of each `(round, manager)`: a manager's own (`Scope::Manager`, null
/// below [`MIN_RESPONDENTS`]) or their subtree's rollup (`Scope::Subtree`, null when no
/// manager in it reached the threshold). Null before the round is frozen. Each ask is
/// checked on its own ([`access::ensure_can_read_pulse_results`]); two statements for the
/// whole batch (the managers' chains, the figures).
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn figures(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    scope: Scope,
    asks: &[(i64, i64)],
    now: DateTime<Utc>,
) -> AppResult<HashMap<(i64, i64), FiguresOutcome>> {
    let mut managers: Vec<i64> = asks.iter().map(|&(_, m)| m).collect();
    managers.sort_unstable();
    managers.dedup();
    let chains =
        org::chains_at(db, &managers.iter().map(|&m| (m, now)).collect::<Vec<_>>()).await?;
    let allowed: HashMap<i64, Result<(), std::sync::Arc<AppError>>> = managers
        .iter()
        .zip(chains)
        .map(|(&m, chain)| {
            let verdict = access::ensure_can_read_pulse_results(
                viewer,
                m,
                chain.as_deref().unwrap_or_default(),
            )
            .map_err(std::sync::Arc::new);
            (m, verdict)
        })
        .collect();
    let readable: Vec<(i64, i64)> = asks
        .iter()
        .copied()
        .filter(|(_, m)| allowed.get(m).is_some_and(Result::is_ok))
        .collect();
    let found = read_figures(db, scope, &readable).await?;
    Ok(asks
        .iter()
        .map(|&key| {
            let outcome = match allowed.get(&key.1) {
                Some(Err(err)) => Err(err.clone()),
                _ => Ok(found.get(&key).copied()),
            };
            (key, outcome)
        })
        .collect())
}

/// The stored figures of `asks`, without any access check: managers' own only from
/// [`MIN_RESPONDENTS`] on.
async fn read_figures(
    db: &impl ConnectionTrait,
    scope: Scope,
    asks: &[(i64, i64)],
) -> AppResult<HashMap<(i64, i64), Figures>> {
    if asks.is_empty() {
        return Ok(HashMap::new());
    }
    let mut rounds: Vec<i64> = asks.iter().map(|&(r, _)| r).collect();
    rounds.sort_unstable();
    rounds.dedup();
    let mut managers: Vec<i64> = asks.iter().map(|&(_, m)| m).collect();
    managers.sort_unstable();
    managers.dedup();
    let backend = db.get_database_backend();
    let rows: Vec<(i64, i64, i64, i64, i64, i64, i64)> = match scope {
        Scope::Manager => pulse_result::Entity::find()
            .filter(pulse_result::Column::RoundId.is_in(rounds))
            .filter(id_in_expr(
                backend,
                pulse_result::Column::ManagerId,
                &managers,
            ))
            .filter(pulse_result::Column::Respondents.gte(MIN_RESPONDENTS))
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.round_id,
                    r.manager_id,
                    r.useful_sum,
                    r.beyond_tactical_sum,
                    r.feedback_sum,
                    r.respondents,
                    r.managers,
                )
            })
            .collect(),
        Scope::Subtree => pulse_rollup::Entity::find()
            .filter(pulse_rollup::Column::RoundId.is_in(rounds))
            .filter(id_in_expr(
                backend,
                pulse_rollup::Column::ManagerId,
                &managers,
            ))
            .filter(pulse_rollup::Column::Respondents.gte(MIN_RESPONDENTS))
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.round_id,
                    r.manager_id,
                    r.useful_sum,
                    r.beyond_tactical_sum,
                    r.feedback_sum,
                    r.respondents,
                    r.managers,
                )
            })
            .collect(),
    };
    Ok(rows
        .into_iter()
        .map(|(round, manager, u, b, f, n, m)| {
            ((round, manager), Figures::from_sums(u, b, f, n, m))
        })
        .collect())
}

/// The latest round frozen by `as_of` and each of `managers`' own figures in it (from
/// [`MIN_RESPONDENTS`] on), for the coverage report, whose access rule is the results'
/// ([`access::ensure_can_read_pulse_results`]). Two index reads; no round, no figures.
pub(crate) async fn latest_figures(
    db: &impl ConnectionTrait,
    managers: &[i64],
    as_of: DateTime<Utc>,
) -> AppResult<Option<(pulse_round::Model, HashMap<i64, Figures>)>> {
    let Some(round) = pulse_round::Entity::find()
        .filter(pulse_round::Column::ClosedAt.lte(as_of))
        .order_by_desc(pulse_round::Column::ClosedAt)
        .order_by_desc(pulse_round::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let asks: Vec<(i64, i64)> = managers.iter().map(|&m| (round.id, m)).collect();
    let figures = read_figures(db, Scope::Manager, &asks)
        .await?
        .into_iter()
        .map(|((_, m), f)| (m, f))
        .collect();
    Ok(Some((round, figures)))
}

async fn found(db: &impl ConnectionTrait, id: i64) -> AppResult<pulse_round::Model> {
    pulse_round::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no pulse round has this id".into()))
}
