//! The org chart over time: who manages whom as of an instant, management chains, and the
//! people below, beside or above someone. Every walk is one set-based SQL statement (a
//! recursive CTE or a window function) for a whole batch of people, never a query per level.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend};

use super::IN_CHUNK;
use super::sql::{
    Order, PERSON_COLUMNS, Sql, employed, int_col, line_covers, person_from_row, totals_by_subject,
};
use crate::auth::{Viewer, access};
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::AppResult;
use entity::person;

/// Longest management chain followed; a guard against corrupt data, far above real orgs.
const MAX_WALK_DEPTH: u32 = 256;

/// Which people, relative to someone, a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relatives {
    /// People `min..=max` levels below (1 = direct reports, 2 = skip-level reports).
    Below { min_depth: u32, max_depth: u32 },
    /// Others with the same manager.
    Peers,
}

impl Relatives {
    pub const DIRECT_REPORTS: Relatives = Relatives::Below {
        min_depth: 1,
        max_depth: 1,
    };
    pub const SKIP_LEVEL_REPORTS: Relatives = Relatives::Below {
        min_depth: 2,
        max_depth: 2,
    };

    /// Everyone below, down to `depth` levels (all levels when `None`).
    pub fn reports(depth: Option<u32>) -> Relatives {
        Relatives::Below {
            min_depth: 1,
            max_depth: depth.unwrap_or(MAX_WALK_DEPTH).min(MAX_WALK_DEPTH),
        }
    }
}

/// The manager of each of `people` as of `as_of` (absent: top of the org, not in the org
/// then, or a manager no longer employed).
#[tracing::instrument(level = "debug", skip(db, viewer, people))]
pub async fn managers_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &[i64],
    as_of: DateTime<Utc>,
) -> AppResult<HashMap<i64, person::Model>> {
    access::ensure_can_read_org(viewer)?;
    let mut q = Sql::new();
    let at = q.bind(as_of);
    let day = q.bind(as_of.date_naive());
    let subjects = q.id_in(db.get_database_backend(), "rl.person_id", people);
    let sql = format!(
        "SELECT rl.person_id AS subject, {PERSON_COLUMNS} \
         FROM reporting_line rl JOIN person p ON p.id = rl.manager_id \
         WHERE {subjects} AND {covers} AND {employed}",
        covers = line_covers("rl", &at),
        employed = employed(&day),
    );
    let mut out = HashMap::new();
    for row in q.all(db, sql).await? {
        let subject: i64 = row.try_get("", "subject")?;
        out.insert(subject, person_from_row(&row)?);
    }
    Ok(out)
}

/// The management chain of each of `people` as of `as_of`, nearest manager first.
#[tracing::instrument(level = "debug", skip(db, viewer, people))]
pub async fn chains_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    people: &[i64],
    as_of: DateTime<Utc>,
) -> AppResult<HashMap<i64, Vec<person::Model>>> {
    access::ensure_can_read_org(viewer)?;
    let mut q = Sql::new();
    let at = q.bind(as_of);
    let day = q.bind(as_of.date_naive());
    let max = q.bind(MAX_WALK_DEPTH as i64);
    let subjects = q.id_in(db.get_database_backend(), "rl.person_id", people);
    let sql = format!(
        "WITH RECURSIVE up(root, manager_id, depth) AS ( \
           SELECT rl.person_id, rl.manager_id, 1 FROM reporting_line rl \
           WHERE {subjects} AND rl.manager_id IS NOT NULL AND {covers_rl} \
           UNION ALL \
           SELECT up.root, nx.manager_id, up.depth + 1 FROM up \
           JOIN reporting_line nx ON nx.person_id = up.manager_id \
           WHERE nx.manager_id IS NOT NULL AND {covers_nx} AND up.depth < {max} \
         ) \
         SELECT up.root AS subject, up.depth AS depth, {PERSON_COLUMNS} \
         FROM up JOIN person p ON p.id = up.manager_id \
         WHERE {employed} ORDER BY up.root, up.depth",
        covers_rl = line_covers("rl", &at),
        covers_nx = line_covers("nx", &at),
        employed = employed(&day),
    );
    let mut out: HashMap<i64, Vec<person::Model>> = HashMap::new();
    for row in q.all(db, sql).await? {
        let subject: i64 = row.try_get("", "subject")?;
        out.entry(subject).or_default().push(person_from_row(&row)?);
    }
    Ok(out)
}

/// One page of each person's relatives (reports, skip-level reports or peers) as of
/// `as_of`, ordered by level, then name, then id, and their number when the page asks for
/// it. Direct reports and peers are index lookups on the reporting lines; only deeper
/// levels walk them recursively. One statement for the page and one for the counts, for
/// the whole batch: each person's page is cut by the keyset condition and a window
/// partitioned by person, so a page costs what the batch's relatives hold.
#[tracing::instrument(level = "debug", skip(db, viewer, people))]
pub async fn relatives_of(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    relatives: Relatives,
    people: &[i64],
    as_of: DateTime<Utc>,
    page: &Page,
) -> AppResult<HashMap<i64, PageOf<person::Model>>> {
    access::ensure_can_read_org(viewer)?;
    let after = page.after_key::<(i64, String, i64)>()?;
    let mut rows: HashMap<i64, Vec<(person::Model, Cursor)>> = HashMap::new();
    if page.rows {
        let mut q = Sql::new();
        let (rel, day) = relatives_cte(&mut q, db.get_database_backend(), relatives, people, as_of);
        let mut conditions = vec![employed(&day)];
        if let Some((depth, name, id)) = after {
            conditions.push(q.after(
                &[
                    ("rel.depth", Order::Asc),
                    ("p.name", Order::Asc),
                    ("p.id", Order::Asc),
                ],
                vec![depth.into(), name.into(), id.into()],
            ));
        }
        let fetch = q.bind(page.fetch() as i64);
        let sql = format!(
            "{rel} SELECT * FROM ( \
               SELECT rel.subject AS subject, CAST(rel.depth AS BIGINT) AS depth, {PERSON_COLUMNS}, \
                 ROW_NUMBER() OVER (PARTITION BY rel.subject ORDER BY rel.depth, p.name, p.id) AS rn \
               FROM rel JOIN person p ON p.id = rel.person_id WHERE {where_} \
             ) ranked WHERE rn <= {fetch} ORDER BY subject, rn",
            where_ = conditions.join(" AND "),
        );
        for row in q.all(db, sql).await? {
            let subject: i64 = row.try_get("", "subject")?;
            let depth = int_col(&row, "depth")?;
            let p = person_from_row(&row)?;
            let cursor = Cursor::of(&(depth, &p.name, p.id));
            rows.entry(subject).or_default().push((p, cursor));
        }
    }
    let totals = if page.total {
        let mut q = Sql::new();
        let (rel, day) = relatives_cte(&mut q, db.get_database_backend(), relatives, people, as_of);
        let sql = format!(
            "{rel} SELECT rel.subject AS subject, COUNT(*) AS total \
             FROM rel JOIN person p ON p.id = rel.person_id WHERE {employed} GROUP BY rel.subject",
            employed = employed(&day),
        );
        totals_by_subject(q.all(db, sql).await?)?
    } else {
        HashMap::new()
    };
    Ok(PageOf::per_subject(page, people, rows, &totals))
}

/// `WITH … rel(subject, person_id, depth)`: the relatives of each of `people` as of
/// `as_of`, before paging; also returns the placeholder of `as_of`'s day.
fn relatives_cte(
    q: &mut Sql,
    backend: DbBackend,
    relatives: Relatives,
    people: &[i64],
    as_of: DateTime<Utc>,
) -> (String, String) {
    let at = q.bind(as_of);
    let day = q.bind(as_of.date_naive());
    let cte = match relatives {
        Relatives::Below {
            min_depth: 1,
            max_depth: 1,
        } => format!(
            "WITH rel AS ( \
               SELECT rl.manager_id AS subject, rl.person_id, 1 AS depth FROM reporting_line rl \
               WHERE {subjects} AND {covers_rl})",
            subjects = q.id_in(backend, "rl.manager_id", people),
            covers_rl = line_covers("rl", &at),
        ),
        Relatives::Below {
            min_depth,
            max_depth,
        } => {
            let subjects = q.id_in(backend, "rl.manager_id", people);
            let min = q.bind(min_depth as i64);
            let max = q.bind(max_depth as i64);
            format!(
                "WITH RECURSIVE down(subject, person_id, depth) AS ( \
                   SELECT rl.manager_id, rl.person_id, 1 FROM reporting_line rl \
                   WHERE {subjects} AND {covers_rl} \
                   UNION ALL \
                   SELECT down.subject, nx.person_id, down.depth + 1 FROM down \
                   JOIN reporting_line nx ON nx.manager_id = down.person_id \
                   WHERE {covers_nx} AND down.depth < {max} \
                 ), rel AS (SELECT subject, person_id, depth FROM down WHERE depth >= {min})",
                covers_rl = line_covers("rl", &at),
                covers_nx = line_covers("nx", &at),
            )
        }
        Relatives::Peers => format!(
            "WITH rel AS ( \
               SELECT me.person_id AS subject, rl.person_id, 1 AS depth \
               FROM reporting_line me JOIN reporting_line rl \
                 ON rl.manager_id = me.manager_id AND rl.person_id <> me.person_id \
               WHERE {subjects} AND {covers_me} AND {covers_rl})",
            subjects = q.id_in(backend, "me.person_id", people),
            covers_me = line_covers("me", &at),
            covers_rl = line_covers("rl", &at),
        ),
    };
    (cte, day)
}

/// The management chain (manager ids, nearest first) of each `(person, instant)`, in input
/// order; `None` when the person had no reporting line then (not in the org). Internal:
/// used to classify meetings, never shown as such.
pub(crate) async fn chains_at(
    db: &impl ConnectionTrait,
    asks: &[(i64, DateTime<Utc>)],
) -> AppResult<Vec<Option<Vec<i64>>>> {
    let mut out: Vec<Option<Vec<i64>>> = vec![None; asks.len()];
    for (chunk_no, chunk) in asks.chunks(IN_CHUNK / 3).enumerate() {
        let base = chunk_no * (IN_CHUNK / 3);
        let mut q = Sql::new();
        let values: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, (person, at))| {
                let idx = q.bind((base + i) as i64);
                let person = q.bind(*person);
                let at = q.bind(*at);
                format!("({idx}, {person}, {at})")
            })
            .collect();
        let max = q.bind(MAX_WALK_DEPTH as i64);
        let sql = format!(
            "WITH RECURSIVE ask(idx, person_id, at) AS (VALUES {values}), \
             up(idx, at, manager_id, depth) AS ( \
               SELECT ask.idx, ask.at, rl.manager_id, 1 FROM ask JOIN reporting_line rl \
                 ON rl.person_id = ask.person_id AND rl.valid_from <= ask.at \
                 AND (rl.valid_to IS NULL OR rl.valid_to > ask.at) \
               UNION ALL \
               SELECT up.idx, up.at, nx.manager_id, up.depth + 1 FROM up JOIN reporting_line nx \
                 ON nx.person_id = up.manager_id AND nx.valid_from <= up.at \
                 AND (nx.valid_to IS NULL OR nx.valid_to > up.at) \
               WHERE up.depth < {max} \
             ) SELECT idx, manager_id, depth FROM up ORDER BY idx, depth",
            values = values.join(", "),
        );
        for row in q.all(db, sql).await? {
            let idx: i64 = row.try_get("", "idx")?;
            let manager: Option<i64> = row.try_get("", "manager_id")?;
            let chain = out[idx as usize].get_or_insert_with(Vec::new);
            chain.extend(manager);
        }
    }
    Ok(out)
}

/// `people` and everyone who was below any of them at some instant since `since`.
pub(crate) async fn everyone_below_since(
    db: &impl ConnectionTrait,
    people: &[i64],
    since: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    let mut q = Sql::new();
    let roots = q.id_in(db.get_database_backend(), "p.id", people);
    let from = q.bind(since);
    let sql = format!(
        "WITH RECURSIVE below(id) AS ( \
           SELECT p.id FROM person p WHERE {roots} \
           UNION \
           SELECT rl.person_id FROM reporting_line rl JOIN below ON rl.manager_id = below.id \
           WHERE rl.valid_to IS NULL OR rl.valid_to > {from} \
         ) SELECT id FROM below ORDER BY id"
    );
    q.all(db, sql)
        .await?
        .iter()
        .map(|row| Ok(row.try_get::<i64>("", "id")?))
        .collect()
}
