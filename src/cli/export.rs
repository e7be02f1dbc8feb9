//! `cadence export meetings` and `cadence export coverage`: the HTTP exports' bytes, read
//! straight from the database and printed page by page.
//!
//! `export meetings` acts as the integration `cli` with `org:read` and `meetings:read`,
//! which sees every meeting's metadata (never content). `export coverage` reads the report
//! with the rights of the manager it is about: coverage reports are for a manager's own
//! subtree and hr_admin, and no integration scope reaches them, so the command asks as the
//! one person always allowed to read this report; the figures are the same whoever may read
//! them.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Context;
use chrono::Utc;
use futures_util::{Stream, TryStreamExt};

use crate::auth::{Scope, Viewer};
use crate::config::{ExportCoverageArgs, ExportFormat, ExportMeetingsArgs};
use crate::error::AppResult;
use crate::http::export::{coverage_body, meetings_body};
use crate::service::export::MeetingPages;
use crate::service::{export, people};
use crate::startup;
use crate::transfer::export::Format;

pub async fn meetings(args: ExportMeetingsArgs) -> anyhow::Result<()> {
    let db = startup::connect(&args.database).await?;
    startup::migrate(&db).await?;
    let pages = MeetingPages::new(
        integration(),
        args.from,
        args.to,
        Utc::now(),
        args.page_size,
    )?;
    print_all(meetings_body(db, pages, None, format(args.format))).await
}

pub async fn coverage(args: ExportCoverageArgs) -> anyhow::Result<()> {
    let db = startup::connect(&args.database).await?;
    startup::migrate(&db).await?;
    let manager = people::by_external_id(&db, &integration(), &args.manager)
        .await?
        .with_context(|| format!("no person has the externalId `{}`", args.manager))?;
    let now = Utc::now();
    let as_manager = Viewer::Person {
        id: manager.id,
        external_id: manager.external_id.clone(),
        hr_admin: false,
    };
    let lines =
        export::coverage(&db, &as_manager, manager.id, args.as_of.unwrap_or(now), now).await?;
    print_all(coverage_body(lines, format(args.format))).await
}

/// The system integration the CLI acts as.
fn integration() -> Viewer {
    Viewer::Integration {
        client: "cli".into(),
        scopes: BTreeSet::from([Scope::OrgRead, Scope::MeetingsRead]),
    }
}

fn format(format: ExportFormat) -> Format {
    match format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    }
}

/// Writes each chunk to stdout as it comes.
async fn print_all(
    body: impl Stream<Item = AppResult<actix_web::web::Bytes>>,
) -> anyhow::Result<()> {
    let mut body = std::pin::pin!(body);
    let stdout = std::io::stdout();
    while let Some(chunk) = body.try_next().await? {
        let mut out = stdout.lock();
        out.write_all(&chunk).context("writing to stdout")?;
        out.flush().context("writing to stdout")?;
    }
    Ok(())
}
