//! Exports for HR analytics: every meeting of a time range the viewer may see, read in
//! keyset pages so that an export of any size holds one page at a time, and the coverage
//! figures of every manager in a subtree. Both go through the same visibility rules as the
//! GraphQL fields they mirror (`meetings`, `coverageReport`): [`Visible`] and
//! [`crate::service::insights::coverage_report`].

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::insights::{self, CoverageReport};
use super::meetings::{MeetingFilter, Visible};
use super::people;
use super::sql::{Order, Sql};
use crate::auth::{Viewer, access};
use crate::error::{AppError, AppResult};
use entity::person;

/// Meetings one statement of an export reads: large enough that a million rows take a few
/// hundred statements, small enough that a page is about a megabyte.
pub const MEETING_PAGE_SIZE: u64 = 5_000;

/// One meeting of an export: its metadata and who took part, never its content.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct MeetingLine {
    pub id: i64,
    pub external_id: Option<String>,
    pub host_external_id: String,
    pub host_email: String,
    pub guest_external_id: String,
    pub guest_email: String,
    pub scheduled_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub status: String,
    pub kind: String,
}

/// The sort key of an export: `(scheduled_at, id)`, earliest first, as the
/// `idx_meeting_time_id` index holds it.
const EARLIEST_FIRST: [(&str, Order); 2] = [("m.scheduled_at", Order::Asc), ("m.id", Order::Asc)];

/// The meetings scheduled in `[from, to)` that a viewer may see, page after page.
#[derive(Debug)]
pub struct MeetingPages {
    viewer: Viewer,
    filter: MeetingFilter,
    now: DateTime<Utc>,
    page_size: u64,
    after: Option<(DateTime<Utc>, i64)>,
    done: bool,
}

impl MeetingPages {
    /// An export of the meetings scheduled at or after `from` and before `to`, as `viewer`
    /// sees them at `now`: the rows of the GraphQL `meetings` list over that range. Fails
    /// at once when the viewer may not list meetings or see who takes part in them.
    pub fn new(
        viewer: Viewer,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
        page_size: u64,
    ) -> AppResult<MeetingPages> {
        access::meeting_visibility(&viewer)?;
        access::ensure_can_read_participants(&viewer)?;
        if from >= to {
            return Err(AppError::bad_input("to", "must be after `from`"));
        }
        Ok(MeetingPages {
            viewer,
            filter: MeetingFilter {
                from: Some(from),
                to: Some(to),
                ..MeetingFilter::default()
            },
            now,
            page_size: page_size.max(1),
            after: None,
            done: false,
        })
    }

    /// The next page, earliest first; `None` once every row has been read.
    #[tracing::instrument(level = "debug", skip(self, db), fields(after = ?self.after))]
    pub async fn next(&mut self, db: &impl ConnectionTrait) -> AppResult<Option<Vec<MeetingLine>>> {
        if self.done {
            return Ok(None);
        }
        let mut q = Sql::new();
        let visible = Visible::new(&mut q, &self.viewer, self.now)?;
        let mut conditions = self.filter.conditions(&mut q);
        conditions.push(visible.condition().to_string());
        if let Some((at, id)) = self.after {
            conditions.push(q.after(&EARLIEST_FIRST, vec![at.into(), id.into()]));
        }
        let limit = q.bind(self.page_size as i64);
        let sql = format!(
            "{with}SELECT m.id, m.external_id, \
               h.external_id AS host_external_id, h.email AS host_email, \
               g.external_id AS guest_external_id, g.email AS guest_email, \
               m.scheduled_at, m.duration_minutes, m.status, m.kind \
             FROM meeting m \
             JOIN person h ON h.id = m.host_id \
             JOIN person g ON g.id = m.guest_id \
             WHERE {where_} ORDER BY m.scheduled_at, m.id LIMIT {limit}",
            with = visible.with(&[]),
            where_ = conditions.join(" AND "),
        );
        let lines = q
            .all(db, sql)
            .await?
            .iter()
            .map(|row| MeetingLine::from_query_result(row, ""))
            .collect::<Result<Vec<_>, _>>()?;
        if (lines.len() as u64) < self.page_size {
            self.done = true;
        }
        match lines.last() {
            Some(last) => {
                self.after = Some((last.scheduled_at, last.id));
                Ok(Some(lines))
            }
            None => {
                self.done = true;
                Ok(None)
            }
        }
    }
}

/// One manager's row of a coverage export: the person and their own report (its
/// `managers` empty).
#[derive(Debug, Clone)]
pub struct CoverageLine {
    pub manager: person::Model,
    pub report: CoverageReport,
    /// When the manager last attended a training session at or before `asOf`.
    pub last_trained_at: Option<DateTime<Utc>>,
}

/// The coverage report of `manager` at `as_of` as rows: the manager first, then every
/// manager below in the order of `coverageReport.managers` (worst direct coverage first).
/// The same figures as `coverageReport(managerId, asOf)`, ratings and pulse included, and
/// the same rule on who may read them.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn coverage(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    manager: i64,
    as_of: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<CoverageLine>> {
    let mut root = insights::coverage_report(db, viewer, manager, as_of, now, true).await?;
    insights::with_pulse(db, &mut root, as_of).await?;
    let below = std::mem::take(&mut root.managers);
    let reports: Vec<CoverageReport> = std::iter::once(root).chain(below).collect();
    let ids: Vec<i64> = reports.iter().map(|r| r.manager).collect();
    let mut found = people::by_ids(db, viewer, &ids).await?;
    let trained = super::training::last_trained(db, viewer, &ids, as_of, now).await?;
    reports
        .into_iter()
        .map(|report| {
            let manager = found
                .remove(&report.manager)
                .ok_or_else(|| AppError::NotFound("no such person".into()))?;
            let last_trained_at = trained.get(&report.manager).copied();
            Ok(CoverageLine {
                manager,
                report,
                last_trained_at,
            })
        })
        .collect()
}
