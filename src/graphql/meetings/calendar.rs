//! `importCalendar`: an iCalendar file into meetings, for integrations and HR admins.

use async_graphql::{Context, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Duration, Utc};

use super::mutation::announce;
use crate::graphql::context::RequestContext;
use crate::graphql::scalars::InstantInRange;
use crate::service::meetings::{self, CalendarReport};

/// Most changed meetings an import announces to subscribers one by one; a larger import
/// announces none (subscribers re-read after bulk loads).
const ANNOUNCE_AT_MOST: usize = 1_000;

/// An iCalendar file to import.
#[derive(Debug, Clone, InputObject)]
pub struct ImportCalendarInput {
    /// The file's text (within the 4 MiB request limit; larger files go through the
    /// `cadence import calendar` command).
    pub ics: String,
    /// Recurring series are expanded up to this instant; default 90 days after now.
    #[graphql(validator(custom = "InstantInRange"))]
    pub until: Option<DateTime<Utc>>,
    /// Count everything, write nothing (default false).
    pub dry_run: Option<bool>,
}

/// What an import did to meetings.
#[derive(SimpleObject)]
pub struct MeetingImportCounts {
    /// Meetings created.
    pub created: i32,
    /// Meetings whose occurrence changed (time, length, people, status or kind).
    pub updated: i32,
    /// Meetings already as the file has them.
    pub unchanged: i32,
    /// Meetings marked CANCELLED because the file no longer holds their occurrence.
    pub cancelled: i32,
}

/// Occurrences that became no meeting, by the first reason that applied.
#[derive(SimpleObject)]
pub struct SkippedOccurrences {
    /// Three or more distinct people (declined attendees not counted).
    pub group: i32,
    /// All-day events.
    pub all_day: i32,
    /// An email that matches nobody in the org.
    pub unknown_person: i32,
    /// Fewer than two distinct people.
    pub solo: i32,
    /// Someone not employed on the occurrence's day.
    pub not_employed: i32,
}

/// What `importCalendar` did, or would do in a dry run.
#[derive(SimpleObject)]
pub struct ImportCalendarPayload {
    /// Meetings created, updated, unchanged and cancelled.
    pub meetings: MeetingImportCounts,
    /// Occurrences skipped, by reason.
    pub skipped: SkippedOccurrences,
    /// True when nothing was written.
    pub dry_run: bool,
}

impl From<&CalendarReport> for ImportCalendarPayload {
    fn from(r: &CalendarReport) -> Self {
        let n = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
        ImportCalendarPayload {
            meetings: MeetingImportCounts {
                created: n(r.meetings.created),
                updated: n(r.meetings.updated),
                unchanged: n(r.meetings.unchanged),
                cancelled: n(r.meetings.cancelled),
            },
            skipped: SkippedOccurrences {
                group: n(r.skipped.group),
                all_day: n(r.skipped.all_day),
                unknown_person: n(r.skipped.unknown_person),
                solo: n(r.skipped.solo),
                not_employed: n(r.skipped.not_employed),
            },
            dry_run: r.dry_run,
        }
    }
}

#[derive(Default)]
pub struct CalendarMutation;

#[Object]
impl CalendarMutation {
    /// Imports an iCalendar file's 1:1s (hr_admin, integrations with `meetings:write`):
    /// recurring series expanded, occurrences matched to people by email, identified by
    /// `UID/original start` so that importing again updates; occurrences the file no longer
    /// holds become CANCELLED. All or nothing; a malformed file is BAD_USER_INPUT with
    /// `extensions.problems[] {line column message}`.
    async fn import_calendar(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file and how far to expand it.")] input: ImportCalendarInput,
    ) -> async_graphql::Result<ImportCalendarPayload> {
        let rc = RequestContext::of(ctx);
        let until = input.until.unwrap_or(rc.now + Duration::days(90));
        let dry_run = input.dry_run.unwrap_or(false);
        let report =
            meetings::import_calendar(&rc.db, &rc.viewer, &input.ics, until, dry_run, rc.now)
                .await
                .extend()?;
        if report.changed.len() <= ANNOUNCE_AT_MOST {
            announce(ctx, report.changed.clone()).await;
        }
        Ok(ImportCalendarPayload::from(&report))
    }
}
