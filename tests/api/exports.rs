//! Exports for HR analytics: `cadence export meetings|coverage` and `GET /export/*.csv`.
//! Exact rows for a small org, RFC 4180 CSV and JSON, half-open ranges, keyset paging that
//! returns every row once, coverage rows equal to `coverageReport`, and from the side of
//! viewers who must not get the rows: the same visibility as the GraphQL fields, 401, 403
//! and 400.

use serde_json::{Map, Value, json};

use crate::db_test;
use crate::support::{
    Backend, Options, Org, Ran, TestApp, cadence, dated_org, normalized, small_org, spawn_app_with,
};

const HEADER: &str = "id,externalId,hostExternalId,hostEmail,guestExternalId,guestEmail,scheduledAt,durationMinutes,status,kind";
const COVERAGE_HEADER: &str = "managerId,managerExternalId,managerName,managerEmail,asOf,directReportCount,directCoverage,skipLevelReportCount,skipLevelCoverage,overdueCount,peerMeetingCount,tacticalShare,averageRating,lastCheckInAt,checkInOverdue,lastTrainedAt,pulseRound,pulseUseful,pulseBeyondTactical,pulseFeedback,pulseRespondents";

/// A calendar identifier that needs quoting in CSV.
const QUOTED_ID: &str = "cal/\"weekly\", 1";
/// A manager's name that needs quoting in CSV.
const QUOTED_NAME: &str = "Erin \"Ace\" Manager, PhD";

const FROM: &str = "2026-03-01";
const TO: &str = "2026-04-01";

/// The meetings of [`company`]: label, host, guest, start, status. The first two start at
/// the same instant (the keyset's tie-break on id), the first and the last in range lie on
/// the range's bounds, the last two outside it.
const MEETINGS: &[(&str, &str, &str, &str, &str)] = &[
    ("first", "em1", "dev1", "2026-03-01T00:00:00Z", "HELD"),
    ("tie", "em1", "dev2", "2026-03-01T00:00:00Z", "HELD"),
    ("em2", "em2", "dev3", "2026-03-04T10:00:00Z", "HELD"),
    ("cto", "cto", "em1", "2026-03-05T10:00:00Z", "HELD"),
    ("skip", "cto", "dev1", "2026-03-06T10:00:00Z", "HELD"),
    ("peer", "dev1", "dev2", "2026-03-10T10:00:00Z", "CANCELLED"),
    ("cfo", "cfo", "acct", "2026-03-20T10:00:00Z", "NO_SHOW"),
    ("late", "cfo", "dev3", "2026-03-31T23:59:59Z", "HELD"),
    ("before", "em1", "dev1", "2026-02-28T23:59:59Z", "HELD"),
    ("after", "em1", "dev1", "2026-04-01T00:00:00Z", "HELD"),
];

/// `dated_org` (em1 with a name that needs quoting) and [`MEETINGS`], logged in order;
/// returns the org and each meeting's global ID by label.
async fn company(backend: Backend) -> (Org, Map<String, Value>) {
    let mut rows = dated_org();
    for row in rows.as_array_mut().expect("rows") {
        if row["externalId"] == "em1" {
            row["name"] = json!(QUOTED_NAME);
        }
    }
    let org = Org::spawn_with(backend, rows).await;
    let mut ids = Map::new();
    for (label, host, guest, at, status) in MEETINGS {
        let mut input = org.input(host, guest, at, status);
        if *label == "first" {
            input["externalId"] = json!(QUOTED_ID);
        }
        ids.insert(label.to_string(), json!(org.log(input).await));
    }
    (org, ids)
}

/// The CSV row [`company`] gives meeting `label`.
fn expected_row(ids: &Map<String, Value>, label: &str) -> Vec<String> {
    let (_, host, guest, at, status) = MEETINGS
        .iter()
        .find(|m| m.0 == label)
        .expect("a meeting of the fixture");
    let kind = match label {
        "first" | "tie" | "em2" | "cto" | "cfo" => "DIRECT",
        "skip" => "SKIP_LEVEL",
        // Neither is above the other: PEER, whatever their levels.
        _ => "PEER",
    };
    let external_id = if label == "first" { QUOTED_ID } else { "" };
    [
        ids[label].as_str().expect("id"),
        external_id,
        host,
        &format!("{host}@example.com"),
        guest,
        &format!("{guest}@example.com"),
        at,
        "30",
        status,
        kind,
    ]
    .map(String::from)
    .to_vec()
}

/// The records of a CSV text, header row included.
fn records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(String::from).collect())
        .collect()
}

/// The `id` column of a meetings CSV, header row left out.
fn ids_in(text: &str) -> Vec<String> {
    records(text)
        .into_iter()
        .skip(1)
        .map(|r| r[0].clone())
        .collect()
}

/// The global IDs of the meetings `token` may list over GraphQL in [FROM, TO).
async fn graphql_ids(app: &TestApp, token: &str) -> Vec<String> {
    let answer = app
        .gql(
            Some(token),
            "query($from: DateTime, $to: DateTime) {
              meetings(first: 100, filter: { from: $from, to: $to }) { nodes { id } }
            }",
            json!({ "from": format!("{FROM}T00:00:00Z"), "to": format!("{TO}T00:00:00Z") }),
        )
        .await
        .ok();
    let mut ids: Vec<String> = answer
        .data("/meetings/nodes")
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// An HTTP answer of an export: status, two headers and the body.
#[derive(Debug)]
struct Got {
    status: u16,
    content_type: String,
    disposition: String,
    text: String,
}

impl Got {
    /// The `extensions.code` of a refusal's first error.
    fn code(&self) -> String {
        let body: Value = serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text));
        body.pointer("/errors/0/extensions/code")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no error code: {body}"))
            .to_string()
    }

    #[track_caller]
    fn refused(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.code(), code, "{}", self.text);
    }

    #[track_caller]
    fn ok(self) -> Self {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.content_type, "text/csv; charset=utf-8");
        self
    }
}

async fn get(app: &TestApp, path_and_query: &str, token: Option<&str>) -> Got {
    let mut request = app.client.get(app.url(path_and_query));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    Got {
        status: response.status().as_u16(),
        content_type,
        disposition,
        text: response.text().await.expect("body"),
    }
}

async fn export_meetings(org: &Org, extra: &[&str]) -> Ran {
    let mut args = vec!["export", "meetings", "--from", FROM, "--to", TO];
    args.extend_from_slice(extra);
    cadence(&org.app, &args, None).await.ok()
}

fn meetings_path() -> String {
    format!("/export/meetings.csv?from={FROM}&to={TO}")
}

db_test!(the_cli_exports_every_meeting_of_the_range_once_as_rfc_4180_csv);
async fn the_cli_exports_every_meeting_of_the_range_once_as_rfc_4180_csv(backend: Backend) {
    let (org, ids) = company(backend).await;

    let ran = export_meetings(&org, &[]).await;

    let lines: Vec<&str> = ran.stdout.split_inclusive("\r\n").collect();
    assert_eq!(lines[0], format!("{HEADER}\r\n"), "a header row, CRLF");
    assert!(ran.stdout.ends_with("\r\n") && !ran.stdout.contains("\r\n\r\n"));
    assert!(
        lines[1].contains(",\"cal/\"\"weekly\"\", 1\",em1,"),
        "quotes doubled, the field quoted: {}",
        lines[1]
    );
    let expected: Vec<Vec<String>> = ["first", "tie", "em2", "cto", "skip", "peer", "cfo", "late"]
        .iter()
        .map(|label| expected_row(&ids, label))
        .collect();
    let got = records(&ran.stdout);
    assert_eq!(got[0].join(","), HEADER);
    assert_eq!(
        got[1..],
        expected[..],
        "every meeting of [from, to), earliest first, ties by id; none before from or at to"
    );
}

db_test!(the_json_format_holds_the_same_rows_as_objects);
async fn the_json_format_holds_the_same_rows_as_objects(backend: Backend) {
    let (org, ids) = company(backend).await;

    let csv = export_meetings(&org, &[]).await;
    let json = export_meetings(&org, &["--format", "json"]).await.json();

    let rows = json.as_array().expect("a JSON array");
    assert_eq!(rows.len(), 8);
    assert_eq!(
        rows[0],
        json!({
            "id": ids["first"],
            "externalId": QUOTED_ID,
            "hostExternalId": "em1",
            "hostEmail": "em1@example.com",
            "guestExternalId": "dev1",
            "guestEmail": "dev1@example.com",
            "scheduledAt": "2026-03-01T00:00:00Z",
            "durationMinutes": 30,
            "status": "HELD",
            "kind": "DIRECT",
        })
    );
    assert_eq!(rows[1]["externalId"], Value::Null);
    let as_csv: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            HEADER
                .split(',')
                .map(|column| text_of(&row[column]))
                .collect()
        })
        .collect();
    assert_eq!(records(&csv.stdout)[1..], as_csv[..]);
}

/// A JSON value as its CSV field reads.
fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

db_test!(keyset_pages_return_every_row_exactly_once);
async fn keyset_pages_return_every_row_exactly_once(backend: Backend) {
    let (org, _) = company(backend).await;
    // Four more pairs at the very same instant, so that pages break inside a tie.
    for (host, guest) in [
        ("ceo", "cto"),
        ("ceo", "cfo"),
        ("ceo", "hr"),
        ("em2", "dev3"),
    ] {
        org.meet(host, guest, "2026-03-15T09:00:00Z", "HELD").await;
    }

    let whole = export_meetings(&org, &[]).await;
    let mut by_page_size = Vec::new();
    for size in ["1", "2", "3", "12", "13"] {
        by_page_size.push((size, export_meetings(&org, &["--page-size", size]).await));
    }

    let all = ids_in(&whole.stdout);
    assert_eq!(all.len(), 12);
    let mut unique = sorted(all.clone());
    unique.dedup();
    assert_eq!(unique.len(), 12, "no row twice");
    for (size, ran) in by_page_size {
        assert_eq!(ran.stdout, whole.stdout, "pages of {size}");
    }
}

db_test!(coverage_rows_are_the_coverage_reports_figures);
async fn coverage_rows_are_the_coverage_reports_figures(backend: Backend) {
    let (mut org, _) = company(backend).await;
    // A tactical share for em2 (one of two items), so that a figure that may be null is not.
    let agenda = [("TACTICAL", "Release blockers"), ("CAREER", "Next role")];
    org.meet_on("em2", "dev3", "2026-03-12", "HELD", &agenda)
        .await;
    let as_of = "2026-03-15T12:00:00Z";
    let report = org
        .gql(
            "hr",
            "query($id: ID!, $at: DateTime) {
              coverageReport(managerId: $id, asOf: $at) {
                ...figures
                managers { ...figures }
              }
            }
            fragment figures on CoverageReport {
              manager { id externalId name email }
              asOf directReportCount directCoverage skipLevelReportCount skipLevelCoverage
              overdue { daysOverdue } peerMeetingCount tacticalShare averageRating
              lastCheckInAt checkInOverdue
              lastTrainedAt
              pulse { round { name } useful beyondTactical feedback respondents }
            }",
            json!({ "id": org.id("cto"), "at": as_of }),
        )
        .await
        .ok();
    let root = report.data("/coverageReport");
    let mut reports = vec![root.clone()];
    reports.extend(
        root["managers"]
            .as_array()
            .expect("managers")
            .iter()
            .cloned(),
    );
    let expected: Vec<Value> = reports
        .iter()
        .map(|r| {
            json!({
                "managerId": r["manager"]["id"],
                "managerExternalId": r["manager"]["externalId"],
                "managerName": r["manager"]["name"],
                "managerEmail": r["manager"]["email"],
                "asOf": r["asOf"],
                "directReportCount": r["directReportCount"],
                "directCoverage": r["directCoverage"],
                "skipLevelReportCount": r["skipLevelReportCount"],
                "skipLevelCoverage": r["skipLevelCoverage"],
                "overdueCount": r["overdue"].as_array().expect("overdue").len(),
                "peerMeetingCount": r["peerMeetingCount"],
                "tacticalShare": r["tacticalShare"],
                "averageRating": r["averageRating"],
                "lastCheckInAt": r["lastCheckInAt"],
                "checkInOverdue": r["checkInOverdue"],
                "lastTrainedAt": r["lastTrainedAt"],
                "pulseRound": r["pulse"]["round"]["name"],
                "pulseUseful": r["pulse"]["useful"],
                "pulseBeyondTactical": r["pulse"]["beyondTactical"],
                "pulseFeedback": r["pulse"]["feedback"],
                "pulseRespondents": r["pulse"]["respondents"],
            })
        })
        .collect();

    let args = ["export", "coverage", "--manager", "cto", "--as-of", as_of];
    let csv = cadence(&org.app, &args, None).await.ok();
    let json = cadence(&org.app, &[&args[..], &["--format", "json"]].concat(), None)
        .await
        .ok()
        .json();

    let externals: Vec<&str> = expected
        .iter()
        .map(|r| r["managerExternalId"].as_str().expect("externalId"))
        .collect();
    assert_eq!(externals[0], "cto", "the manager first");
    assert_eq!(externals.len(), 3, "cto, em1 and em2: {externals:?}");
    assert_eq!(expected[2]["tacticalShare"], 0.5, "{expected:?}");
    assert_eq!(normalized(&json), normalized(&Value::Array(expected)));
    let rows = records(&csv.stdout);
    assert_eq!(rows[0].join(","), COVERAGE_HEADER);
    let as_csv: Vec<Vec<String>> = json
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            COVERAGE_HEADER
                .split(',')
                .map(|column| text_of(&row[column]))
                .collect()
        })
        .collect();
    assert_eq!(rows[1..], as_csv[..]);
    assert!(
        csv.stdout
            .contains(",em1,\"Erin \"\"Ace\"\" Manager, PhD\",em1@example.com,"),
        "{}",
        csv.stdout
    );
}

db_test!(http_exports_need_a_valid_token);
async fn http_exports_need_a_valid_token(backend: Backend) {
    let (org, _) = company(backend).await;
    let coverage = format!("/export/coverage.csv?managerId={}", org.id("cto"));
    for path in [meetings_path(), coverage] {
        get(&org.app, &path, None)
            .await
            .refused(401, "UNAUTHENTICATED");
        get(&org.app, &path, Some("not-a-token"))
            .await
            .refused(401, "UNAUTHENTICATED");
        // A well-signed token whose subject is nobody in the org.
        get(&org.app, &path, Some(&org.app.person_token("stranger")))
            .await
            .refused(401, "UNAUTHENTICATED");
    }
}

db_test!(http_meeting_exports_give_exactly_what_graphql_lists);
async fn http_meeting_exports_give_exactly_what_graphql_lists(backend: Backend) {
    let (org, ids) = company(backend).await;
    let labels = |labels: &[&str]| -> Vec<String> {
        sorted(
            labels
                .iter()
                .map(|l| ids[*l].as_str().expect("id").to_string())
                .collect(),
        )
    };
    let cli = export_meetings(&org, &[]).await;

    let hr = get(&org.app, &meetings_path(), Some(&org.token("hr")))
        .await
        .ok();
    let employee = get(&org.app, &meetings_path(), Some(&org.token("dev1")))
        .await
        .ok();
    let manager = get(&org.app, &meetings_path(), Some(&org.token("em1")))
        .await
        .ok();
    let reader = org.app.integration_token("meetings:read");
    let integration = get(&org.app, &meetings_path(), Some(&reader)).await.ok();
    let org_reader = org.app.integration_token("org:read");
    let no_scope = get(&org.app, &meetings_path(), Some(&org_reader)).await;

    assert_eq!(
        hr.text, cli.stdout,
        "hr_admin gets every row, as the CLI does"
    );
    assert_eq!(
        hr.disposition,
        "attachment; filename=\"meetings_2026-03-01_2026-04-01.csv\""
    );
    assert_eq!(integration.text, cli.stdout);
    // dev1 gets their own meetings, never their peer's 1:1 with their manager ("tie").
    assert_eq!(
        sorted(ids_in(&employee.text)),
        labels(&["first", "skip", "peer"])
    );
    assert_eq!(
        sorted(ids_in(&employee.text)),
        graphql_ids(&org.app, &org.token("dev1")).await
    );
    assert!(employee.text.starts_with(&format!("{HEADER}\r\n")));
    // em1 gets their subtree's meetings.
    assert_eq!(
        sorted(ids_in(&manager.text)),
        labels(&["first", "tie", "cto", "skip", "peer"])
    );
    assert_eq!(
        sorted(ids_in(&manager.text)),
        graphql_ids(&org.app, &org.token("em1")).await
    );
    // An integration without meetings:read is refused, as `meetings` refuses it.
    no_scope.refused(403, "FORBIDDEN");
    org.app
        .gql(
            Some(&org_reader),
            "{ meetings { nodes { id } } }",
            json!({}),
        )
        .await
        .assert_error_code("FORBIDDEN");
}

db_test!(http_coverage_exports_follow_coverage_reports_rule);
async fn http_coverage_exports_follow_coverage_reports_rule(backend: Backend) {
    let (org, _) = company(backend).await;
    let as_of = "2026-03-15T12:00:00Z";
    let path = |manager: &str| {
        format!(
            "/export/coverage.csv?managerId={}&asOf={as_of}",
            org.id(manager)
        )
    };
    let cli = cadence(
        &org.app,
        &["export", "coverage", "--manager", "cto", "--as-of", as_of],
        None,
    )
    .await
    .ok();

    let own = get(&org.app, &path("cto"), Some(&org.token("cto")))
        .await
        .ok();
    let by_external_id = get(
        &org.app,
        &format!("/export/coverage.csv?managerExternalId=cto&asOf={as_of}"),
        Some(&org.token("ceo")),
    )
    .await
    .ok();
    let hr = get(&org.app, &path("cto"), Some(&org.token("hr")))
        .await
        .ok();
    let peer = get(&org.app, &path("em2"), Some(&org.token("em1"))).await;
    let own_manager = get(&org.app, &path("em1"), Some(&org.token("dev1"))).await;
    let integration = get(&org.app, &path("cto"), Some(&org.app.admin_integration())).await;

    assert_eq!(own.text, cli.stdout);
    assert_eq!(by_external_id.text, cli.stdout);
    assert_eq!(hr.text, cli.stdout);
    assert_eq!(
        own.disposition,
        "attachment; filename=\"coverage_cto_2026-03-15T120000Z.csv\""
    );
    // A manager not above the subtree, a report and any integration: as coverageReport.
    for refused in [peer, own_manager, integration] {
        refused.refused(403, "FORBIDDEN");
        assert!(!refused.text.contains("example.com"), "{}", refused.text);
    }
}

db_test!(bad_parameters_are_refused_by_name);
async fn bad_parameters_are_refused_by_name(backend: Backend) {
    let (org, ids) = company(backend).await;
    let hr = org.token("hr");
    let cto = org.id("cto");
    let cases = [
        "/export/meetings.csv?from=2026-03-01".to_string(),
        "/export/meetings.csv?to=2026-03-01".to_string(),
        "/export/meetings.csv?from=03/01/2026&to=2026-04-01".to_string(),
        "/export/meetings.csv?from=2026-04-01&to=2026-03-01".to_string(),
        "/export/meetings.csv?from=2026-03-01&to=2026-03-01".to_string(),
        "/export/meetings.csv?from=2026-03-01&to=2026-04-01&format=xlsx".to_string(),
        "/export/coverage.csv".to_string(),
        "/export/coverage.csv?managerId=nonsense".to_string(),
        // A meeting's ID where a person's belongs.
        format!(
            "/export/coverage.csv?managerId={}",
            ids["first"].as_str().expect("id")
        ),
        format!("/export/coverage.csv?managerId={cto}&managerExternalId=cto"),
        format!("/export/coverage.csv?managerId={cto}&asOf=yesterday"),
        format!("/export/coverage.csv?managerID={cto}"),
    ];
    for path in cases {
        let got = get(&org.app, &path, Some(&hr)).await;
        assert_eq!(got.status, 400, "{path}: {}", got.text);
        assert_eq!(got.code(), "BAD_USER_INPUT", "{path}");
    }
    get(
        &org.app,
        "/export/coverage.csv?managerExternalId=nobody",
        Some(&hr),
    )
    .await
    .refused(404, "NOT_FOUND");
}

db_test!(an_export_is_charged_one_request_of_a_thousand_points);
async fn an_export_is_charged_one_request_of_a_thousand_points(backend: Backend) {
    let mut options = Options::default();
    options.limits.rate_limit_capacity = 1_500;
    options.limits.rate_limit_refill_per_second = 1;
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    let token = app.hr_admin_token("ceo");
    let path = "/export/meetings.csv?from=2026-01-01&to=2026-02-01";

    let first = get(&app, path, Some(&token)).await;
    let second = get(&app, path, Some(&token)).await;

    first.ok();
    second.refused(429, "RATE_LIMITED");
}
