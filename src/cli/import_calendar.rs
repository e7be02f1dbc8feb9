//! `cadence import calendar FILE`: an iCalendar file into meetings, as a system integration
//! with `meetings:write`, through the same service as the `importCalendar` mutation.

use std::collections::BTreeSet;

use anyhow::Context;
use chrono::{Duration, Utc};

use super::refuse_file;
use crate::auth::{Scope, Viewer};
use crate::config::ImportCalendarArgs;
use crate::error::AppError;
use crate::service::meetings::{CalendarReport, import_calendar};
use crate::service::sql::refresh_statistics;
use crate::startup;

/// Above this many written meetings the planner's statistics are refreshed afterwards.
const REFRESH_AFTER: u64 = 10_000;

pub async fn run(args: ImportCalendarArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let db = startup::connect(&args.database).await?;
    startup::migrate(&db).await?;
    let now = Utc::now();
    let until = args.until.unwrap_or(now + Duration::days(90));
    let viewer = Viewer::Integration {
        client: "cli".into(),
        scopes: BTreeSet::from([Scope::MeetingsWrite]),
    };
    match import_calendar(&db, &viewer, &text, until, args.dry_run, now).await {
        Ok(report) => {
            let m = report.meetings;
            if !report.dry_run && m.created + m.updated + m.cancelled > REFRESH_AFTER {
                refresh_statistics(&db, false).await?;
            }
            if args.json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("{}", summary(&report));
            }
            Ok(())
        }
        Err(AppError::BadFile(problems)) => Err(refuse_file(&args.file, &problems, args.json)),
        Err(other) => Err(other.into()),
    }
}

/// The one-line human summary.
fn summary(r: &CalendarReport) -> String {
    let (m, s) = (r.meetings, r.skipped);
    format!(
        "{}meetings: {} created, {} updated, {} unchanged, {} cancelled; skipped: {} GROUP, {} ALL_DAY, {} UNKNOWN_PERSON, {} SOLO, {} NOT_EMPLOYED",
        if r.dry_run {
            "dry run, nothing written; "
        } else {
            ""
        },
        m.created,
        m.updated,
        m.unchanged,
        m.cancelled,
        s.group,
        s.all_day,
        s.unknown_person,
        s.solo,
        s.not_employed,
    )
}
