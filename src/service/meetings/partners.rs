//! "Who meets whom and how often": each person's meeting partners, aggregated from the
//! held meetings the viewer may see.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, QueryResult};

use super::{MeetingFilter, Visible};
use crate::auth::Viewer;
use crate::domain::meeting::{MeetingKind, MeetingStatus};
use crate::domain::paging::{Cursor, Page, PageOf};
use crate::error::AppResult;
use crate::service::sql::{Order, Sql, id_in, id_set, int_col, totals_by_subject};

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
    /// Count practice 1:1s too (left out by default).
    pub include_practice: bool,
}

/// The sort key of `meetsWith`: most meetings first, then latest, then the partner's id.
const MOST_MET_FIRST: [(&str, Order); 3] = [
    ("agg.cnt", Order::Desc),
    ("agg.last_at", Order::Desc),
    ("agg.other", Order::Asc),
];

/// For each person, the people they held meetings with (HELD only, visible to the viewer,
/// practice 1:1s only when the filter asks),
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
            let partner = partner_from_row(&row, &kinds)?;
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

/// One row of `agg` as a partner; `kinds` names its per-kind flag columns.
fn partner_from_row(row: &QueryResult, kinds: &[String]) -> AppResult<Partner> {
    let mut met_kinds = Vec::new();
    for (kind, col) in MeetingKind::ALL.iter().zip(kinds) {
        if int_col(row, col)? != 0 {
            met_kinds.push(*kind);
        }
    }
    Ok(Partner {
        person_id: row.try_get("", "other")?,
        count: int_col(row, "cnt")?,
        first_met_at: row.try_get("", "first_at")?,
        last_met_at: row.try_get("", "last_at")?,
        kinds: met_kinds,
    })
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
    if !filter.include_practice {
        conditions.push("m.practice = FALSE".into());
    }
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
    let set = q.bind(id_set(backend, people));
    let hosts = id_in(backend, "m.host_id", &set);
    let guests = id_in(backend, "m.guest_id", &set);
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
