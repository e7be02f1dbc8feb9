//! CSV exports for front-ends and BI tools: `GET /export/meetings.csv?from=…&to=…` and
//! `GET /export/coverage.csv?managerId=…&asOf=…` (or `managerExternalId=…`).
//!
//! Each takes a bearer token like `/graphql` (401 without a valid one) and gives exactly
//! what the matching GraphQL field gives its viewer: the service functions decide
//! (`service::export`), never this layer. Refusals answer JSON with the GraphQL error codes:
//! 400 `BAD_USER_INPUT` for bad parameters, 403 `FORBIDDEN`, 404 `NOT_FOUND`, 429
//! `RATE_LIMITED`. An export is one request, charged [`EXPORT_COST`] points against its
//! client's rate-limit budget whatever its size.
//!
//! The meetings body is streamed: each keyset page of the export is written as CSV and
//! sent before the next one is read, so a server holds one page per export, whatever the
//! range. The first page is read before the answer starts, so that any refusal still has
//! its status; an error after that can only cut the body short (and is logged).
//! [`meetings_body`] and [`coverage_body`] are the same bytes the `cadence export`
//! commands print.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::Stream;
use futures_util::stream::{self, TryStreamExt};
use sea_orm::DatabaseConnection;

use super::execute::charge;
use super::identity::{claims_from, viewer_for_claims};
use super::reply::{Failure, JSON, MediaType};
use super::state::AppState;
use crate::auth::Viewer;
use crate::auth::jwt::Claims;
use crate::config::parse_instant;
use crate::error::{AppError, AppResult};
use crate::graphql::ids::{self, NodeKind};
use crate::service::export::{CoverageLine, MEETING_PAGE_SIZE, MeetingLine, MeetingPages};
use crate::service::{export, people};
use crate::transfer::export::{CoverageRecord, Format, MeetingRecord, Writer};

/// Rate-limit points an export costs: what ten full pages of 100 meetings with their
/// participants cost over GraphQL. An export streams at a bounded cost to the server, so
/// its size does not change its price.
pub const EXPORT_COST: u64 = 1_000;

const CSV: &str = "text/csv; charset=utf-8";

/// Coverage rows written per chunk of the body.
const COVERAGE_CHUNK: usize = 500;

/// `GET /export/meetings.csv?from=…&to=…`: the meetings scheduled in `[from, to)` the
/// viewer could list with the GraphQL `meetings` field, earliest first.
pub async fn meetings_csv(
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let now = Utc::now();
    let (claims, viewer) = match viewer_of(&req, &state, now).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let range = known_params(&params, &["from", "to"]).and_then(|()| {
        let from = required_instant(&params, "from")?;
        let to = required_instant(&params, "to")?;
        Ok((from, to))
    });
    let (from, to) = match range {
        Ok(range) => range,
        Err(err) => return refusal(err),
    };
    let mut pages = match MeetingPages::new(viewer, from, to, now, MEETING_PAGE_SIZE) {
        Ok(pages) => pages,
        Err(err) => return refusal(err),
    };
    if let Some(response) = over_budget(&req, &state, &claims) {
        return response;
    }
    let db = state.read_db.clone();
    let first = match pages.next(&db).await {
        Ok(first) => first,
        Err(err) => return refusal(err),
    };
    let filename = format!("meetings_{}_{}.csv", file_instant(from), file_instant(to));
    csv_response(&filename).streaming(logged(meetings_body(db, pages, first, Format::Csv)))
}

/// `GET /export/coverage.csv?managerId=…&asOf=…`: the rows of `coverageReport(managerId,
/// asOf)` for this viewer, the manager first. `managerExternalId` may name the manager
/// instead of `managerId`.
pub async fn coverage_csv(
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let now = Utc::now();
    let (claims, viewer) = match viewer_of(&req, &state, now).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let parsed =
        known_params(&params, &["managerId", "managerExternalId", "asOf"]).and_then(|()| {
            let as_of = instant(&params, "asOf")?.unwrap_or(now);
            let manager = match (params.get("managerId"), params.get("managerExternalId")) {
                (Some(id), None) => Manager::Id(ids::expect(
                    &async_graphql::ID(id.clone()),
                    NodeKind::Person,
                    "managerId",
                )?),
                (None, Some(external_id)) => Manager::ExternalId(external_id.clone()),
                _ => {
                    return Err(AppError::bad_input(
                        "managerId",
                        "give either managerId (a person's global ID) or managerExternalId",
                    ));
                }
            };
            Ok((manager, as_of))
        });
    let (manager, as_of) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => return refusal(err),
    };
    if let Some(response) = over_budget(&req, &state, &claims) {
        return response;
    }
    let lines = async {
        let manager = match manager {
            Manager::Id(id) => id,
            Manager::ExternalId(external_id) => {
                people::by_external_id(&state.read_db, &viewer, &external_id)
                    .await?
                    .ok_or_else(|| {
                        AppError::NotFound("no person has this managerExternalId".into())
                    })?
                    .id
            }
        };
        export::coverage(&state.read_db, &viewer, manager, as_of, now).await
    };
    let lines = match lines.await {
        Ok(lines) => lines,
        Err(err) => return refusal(err),
    };
    let filename = match lines.first() {
        Some(root) => format!(
            "coverage_{}_{}.csv",
            safe_filename(&root.manager.external_id),
            file_instant(as_of)
        ),
        None => format!("coverage_{}.csv", file_instant(as_of)),
    };
    csv_response(&filename).streaming(logged(coverage_body(lines, Format::Csv)))
}

enum Manager {
    Id(i64),
    ExternalId(String),
}

/// The body of a meetings export, `first` (the page already read) and then each next page
/// as it is read, in `format`.
pub fn meetings_body(
    db: DatabaseConnection,
    pages: MeetingPages,
    first: Option<Vec<MeetingLine>>,
    format: Format,
) -> impl Stream<Item = AppResult<Bytes>> + 'static {
    let writer = Writer::new(format);
    stream::try_unfold(Some((db, pages, writer, first)), |state| async move {
        let Some((db, mut pages, mut writer, ready)) = state else {
            return Ok(None);
        };
        let page = match ready {
            Some(page) => Some(page),
            None => pages.next(&db).await?,
        };
        match page {
            Some(lines) => {
                let records: Vec<MeetingRecord> = lines.into_iter().map(meeting_record).collect();
                let bytes = Bytes::from(writer.chunk(&records)?);
                Ok(Some((bytes, Some((db, pages, writer, None)))))
            }
            None => {
                let bytes = Bytes::from(writer.finish::<MeetingRecord>()?);
                Ok(Some((bytes, None)))
            }
        }
    })
}

/// The body of a coverage export in `format`.
pub fn coverage_body(
    lines: Vec<CoverageLine>,
    format: Format,
) -> impl Stream<Item = AppResult<Bytes>> + 'static {
    let writer = Writer::new(format);
    stream::try_unfold(Some((lines.into_iter(), writer)), |state| async move {
        let Some((mut lines, mut writer)) = state else {
            return Ok(None);
        };
        let records: Vec<CoverageRecord> = lines
            .by_ref()
            .take(COVERAGE_CHUNK)
            .map(coverage_record)
            .collect();
        if records.is_empty() {
            let bytes = Bytes::from(writer.finish::<CoverageRecord>()?);
            return Ok(Some((bytes, None)));
        }
        let bytes = Bytes::from(writer.chunk(&records)?);
        Ok(Some((bytes, Some((lines, writer)))))
    })
}

fn meeting_record(m: MeetingLine) -> MeetingRecord {
    MeetingRecord {
        id: ids::encode(NodeKind::Meeting, m.id).0,
        external_id: m.external_id,
        host_external_id: m.host_external_id,
        host_email: m.host_email,
        guest_external_id: m.guest_external_id,
        guest_email: m.guest_email,
        scheduled_at: instant_text(m.scheduled_at),
        duration_minutes: m.duration_minutes,
        status: m.status,
        kind: m.kind,
    }
}

fn coverage_record(line: CoverageLine) -> CoverageRecord {
    let r = &line.report;
    CoverageRecord {
        manager_id: ids::encode(NodeKind::Person, line.manager.id).0,
        manager_external_id: line.manager.external_id,
        manager_name: line.manager.name,
        manager_email: line.manager.email,
        as_of: instant_text(r.as_of),
        direct_report_count: r.direct.len() as i64,
        direct_coverage: r.direct_coverage(),
        skip_level_report_count: r.skip_level.len() as i64,
        skip_level_coverage: r.skip_level_coverage(),
        overdue_count: r.overdue().len() as i64,
        peer_meeting_count: r.peer_meeting_count,
        tactical_share: r.tactical_share,
        average_rating: r.average_rating,
        last_check_in_at: r.last_check_in_at().map(instant_text),
        check_in_overdue: r.check_in_overdue(),
        last_trained_at: line.last_trained_at.map(instant_text),
        pulse_round: r.pulse.as_ref().map(|(round, _)| round.name.clone()),
        pulse_useful: r.pulse.as_ref().map(|(_, f)| f.useful),
        pulse_beyond_tactical: r.pulse.as_ref().map(|(_, f)| f.beyond_tactical),
        pulse_feedback: r.pulse.as_ref().map(|(_, f)| f.feedback),
        pulse_respondents: r.pulse.as_ref().map(|(_, f)| f.respondents),
    }
}

fn instant_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The verified token and viewer of a request; 401 without a valid token (or with one
/// whose subject is no employed person).
async fn viewer_of(
    req: &HttpRequest,
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<(Claims, Viewer), HttpResponse> {
    let Some(claims) = claims_from(req, state).await else {
        return Err(refusal(AppError::unauthenticated()));
    };
    match viewer_for_claims(Some(&claims), state, &state.read_db, now).await {
        Ok(Viewer::Anonymous) => Err(refusal(AppError::unauthenticated())),
        Ok(viewer) => Ok((claims, viewer)),
        Err(err) => Err(refusal(err)),
    }
}

/// Charges the export to the client's budget (the token's `sub`); the 429 answer when it
/// does not fit.
fn over_budget(req: &HttpRequest, state: &AppState, claims: &Claims) -> Option<HttpResponse> {
    charge(req, state, Some(claims), EXPORT_COST)
        .err()
        .map(|reply| reply.send(MediaType::Json))
}

/// 400 for a parameter the endpoint does not take (a misspelt `managerID` must not be
/// silently ignored).
fn known_params(params: &HashMap<String, String>, known: &[&str]) -> AppResult<()> {
    let mut unknown: Vec<&str> = params
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect();
    unknown.sort_unstable();
    match unknown.first() {
        None => Ok(()),
        Some(name) => Err(AppError::bad_input(
            *name,
            format!(
                "is not a parameter of this export (it takes {})",
                known.join(", ")
            ),
        )),
    }
}

fn instant(params: &HashMap<String, String>, name: &str) -> AppResult<Option<DateTime<Utc>>> {
    params
        .get(name)
        .map(|v| parse_instant(v).map_err(|message| AppError::bad_input(name, message)))
        .transpose()
}

fn required_instant(params: &HashMap<String, String>, name: &str) -> AppResult<DateTime<Utc>> {
    instant(params, name)?.ok_or_else(|| {
        AppError::bad_input(
            name,
            "is required: a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 instant",
        )
    })
}

fn csv_response(filename: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.content_type(CSV).insert_header((
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{filename}\""),
    ));
    response
}

/// An instant as it may appear in a file name: `2026-01-05` at midnight, else
/// `2026-01-05T140000Z`.
fn file_instant(at: DateTime<Utc>) -> String {
    if at.time() == chrono::NaiveTime::MIN {
        at.format("%Y-%m-%d").to_string()
    } else {
        at.format("%Y-%m-%dT%H%M%SZ").to_string()
    }
}

/// Letters, digits, `-` and `_` of an externalId, for a file name.
fn safe_filename(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A body stream whose error, once the answer has started, is logged before it cuts the
/// body short.
fn logged(
    body: impl Stream<Item = AppResult<Bytes>> + 'static,
) -> impl Stream<Item = Result<Bytes, AppError>> + 'static {
    body.inspect_err(|err| tracing::error!(error = %err, "an export stopped halfway"))
}

/// The answer to a refused export: JSON with the GraphQL error code and its HTTP status.
fn refusal(err: AppError) -> HttpResponse {
    let status = match &err {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadInput(_) | AppError::BadFile(_) => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Db(_) | AppError::Internal(_) => {
            tracing::error!(error = %err, "an export failed");
            match err.code() {
                "TIMEOUT" | "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }
    };
    let message = err.client_message();
    let mut response = HttpResponse::build(status);
    response.content_type(JSON);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    response.body(Failure::coded(message, err.code()).to_body().to_string())
}
