//! The `importPeopleCsv` mutation: an HRIS CSV export, as the CLI imports it.

use async_graphql::{Context, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};

use crate::graphql::context::RequestContext;
use crate::graphql::scalars::InstantInRange;
use crate::service;

/// An HRIS CSV export to import. The request body limit (4 MiB) bounds the file: larger
/// files go through `cadence import people`.
#[derive(Debug, Clone, InputObject)]
pub struct ImportPeopleCsvInput {
    /// The CSV text, with a header row (by default `Employee ID`, `First Name`, `Last Name`,
    /// `Work Email`, and optionally `Job Title`, `Department`, `Manager ID`, `Hire Date`,
    /// `Termination Date`).
    pub csv: String,
    /// A TOML mapping (as the CLI's `--mapping` file): the source column of each field,
    /// `date_format` and `delimiter`. Default: the headers above, ISO dates, commas.
    pub mapping: Option<String>,
    /// Check and count everything, write nothing.
    pub dry_run: Option<bool>,
    /// When changed managers take effect (default: now). New people's reporting lines start
    /// on their hire date.
    #[graphql(validator(custom = "InstantInRange"))]
    pub effective_at: Option<DateTime<Utc>>,
}

/// How many records an import created, changed and left as they were.
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct ImportCounts {
    /// Records the import created.
    pub created: i32,
    /// Records whose data (for people: record or manager) changed.
    pub updated: i32,
    /// Records already exactly as the file has them.
    pub unchanged: i32,
}

impl From<service::people::ImportCounts> for ImportCounts {
    fn from(c: service::people::ImportCounts) -> Self {
        Self {
            created: c.created as i32,
            updated: c.updated as i32,
            unchanged: c.unchanged as i32,
        }
    }
}

/// What `importPeopleCsv` did (or, on a dry run, would do).
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct ImportPeoplePayload {
    /// The people of the file.
    pub people: ImportCounts,
    /// The teams of the file's departments (a team per department, its name as externalId).
    pub teams: ImportCounts,
    /// Whether this was a dry run, which wrote nothing.
    pub dry_run: bool,
}

#[derive(Default)]
pub struct ImportPeopleMutation;

#[Object]
impl ImportPeopleMutation {
    /// Imports an HRIS CSV export: teams by department, then people by Employee ID with
    /// their managers, all or nothing, through the same rules as `upsertPeople`. Problems
    /// come back as BAD_USER_INPUT with `extensions.problems[] {line column message}`.
    /// Needs hr_admin or an integration with `org:write`.
    async fn import_people_csv(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file and how to read it.")] input: ImportPeopleCsvInput,
    ) -> async_graphql::Result<ImportPeoplePayload> {
        let rc = RequestContext::of(ctx);
        let options = service::people::ImportOptions {
            mapping: input.mapping.as_deref(),
            effective: input.effective_at,
            dry_run: input.dry_run.unwrap_or(false),
        };
        let done =
            service::people::import_csv(&rc.db, &rc.viewer, input.csv.as_bytes(), options, rc.now)
                .await
                .extend()?;
        Ok(ImportPeoplePayload {
            people: done.people.into(),
            teams: done.teams.into(),
            dry_run: done.dry_run,
        })
    }
}
