//! `cadence import people FILE`: an HRIS CSV export into the org chart, through the same
//! service as the `importPeopleCsv` mutation, acting as the `cli` integration.

use anyhow::Context;
use chrono::Utc;

use super::refuse_file;
use crate::auth::{Scope, Viewer};
use crate::config::ImportPeopleArgs;
use crate::error::AppError;
use crate::service::people::{ImportOptions, PeopleImported, import_csv};
use crate::service::sql::refresh_statistics;
use crate::startup;

/// Creations from which the planner's statistics are refreshed after the import.
const BULK: u32 = 1_000;

pub async fn run(args: ImportPeopleArgs) -> anyhow::Result<()> {
    let csv =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let mapping = match &args.mapping {
        Some(path) => Some(
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        None => None,
    };
    let db = startup::connect(&args.database).await?;
    startup::migrate(&db).await?;
    let viewer = Viewer::Integration {
        client: "cli".into(),
        scopes: [Scope::OrgWrite].into(),
    };
    let options = ImportOptions {
        mapping: mapping.as_deref(),
        effective: args.effective,
        dry_run: args.dry_run,
    };
    match import_csv(&db, &viewer, &csv, options, Utc::now()).await {
        Ok(done) => {
            if !done.dry_run && done.people.created >= BULK {
                refresh_statistics(&db, false).await?;
            }
            if args.json {
                println!("{}", serde_json::to_string(&done)?);
            } else {
                println!("{}", summary(&done));
            }
            Ok(())
        }
        Err(AppError::BadFile(problems)) => Err(refuse_file(&args.file, &problems, args.json)),
        Err(err) => Err(anyhow::Error::new(err).context("importing people")),
    }
}

/// The one-line summary.
fn summary(done: &PeopleImported) -> String {
    let counts = |c: &crate::service::people::ImportCounts| {
        format!(
            "{} created, {} updated, {} unchanged",
            c.created, c.updated, c.unchanged
        )
    };
    format!(
        "{}people: {}; teams: {}{}",
        if done.dry_run { "dry run: " } else { "" },
        counts(&done.people),
        counts(&done.teams),
        if done.dry_run {
            " (nothing written)"
        } else {
            ""
        },
    )
}
