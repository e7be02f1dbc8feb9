//! Insights for managers of managers: `coverageReport` over a hand-built org whose every
//! expected figure is worked out by hand, before and after a reorg; who may read a
//! report; what a report never reveals; ratings below and at three; `overdueOneOnOnes`
//! paging; `coverageTrend`; and a whole-org report whose statement count does not grow with
//! the org.

use serde_json::{Value, json};

use crate::support::{Answer, Backend, Org, normalized, row};

mod access;
mod coverage;
mod overdue;
mod ratings;
mod reminders;
mod statements;
mod tactical;
mod trend;
mod trend_points;

const REPORT: &str = "query($id: ID!, $at: DateTime) {
  coverageReport(managerId: $id, asOf: $at) {
    asOf
    ...figures
    managers { ...figures managers { manager { externalId } } }
  }
}
fragment figures on CoverageReport {
  manager { externalId }
  directReportCount
  directCoverage
  overdue { manager { externalId } report { externalId } lastHeldAt daysOverdue }
  skipLevelReportCount
  skipLevelCoverage
  peerMeetingCount
  tacticalShare
  averageRating
}";

/// Before the reorg: June 30th 2026, noon.
const BEFORE: &str = "2026-06-30T12:00:00Z";
/// After the reorg (July 15th), the leaver's exit and the new joiner's start: September 1st,
/// noon.
const AFTER: &str = "2026-09-01T12:00:00Z";

const T: &str = "TACTICAL";
const C: &str = "CAREER";
const S: &str = "STRATEGIC";

/// A meeting to log: host, guest, day (10:00 UTC), status, agenda items (category, text).
type Meeting<'a> = (&'a str, &'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);

/// The fixture's meetings (see [`fixture`]), DIRECT unless noted.
#[rustfmt::skip]
const FIXTURE_MEETINGS: &[Meeting] = &[
    // m1's team; the first three in the first quarter, rated for the report of June 30th.
    ("m1", "r1", "2026-01-15", "HELD", &[]),
    ("r2", "m1", "2026-03-04", "HELD", &[]),
    ("m1", "r4", "2026-03-31", "HELD", &[]),
    ("m1", "r1", "2026-06-20", "HELD", &[(T, "Sprint status"), (C, "Promotion path")]),
    ("m1", "r2", "2026-06-10", "HELD", &[(T, "Release blockers")]),
    ("m1", "r3", "2026-06-05", "HELD", &[("WELLBEING", "Workload")]),
    ("m1", "r4", "2026-06-25", "HELD", &[]),
    ("m1", "r2", "2026-07-20", "HELD", &[(T, "Incident review")]),
    ("m1", "r3", "2026-08-01", "HELD", &[(C, "Conference talk")]),
    ("m1", "r1", "2026-08-20", "HELD", &[(T, "Sprint planning")]),
    // m2's team; the last one was never held.
    ("m2", "r5", "2026-06-25", "HELD", &[]),
    ("m2", "r6", "2026-06-12", "HELD", &[]),
    ("m2", "r7", "2026-06-16", "HELD", &[]),
    ("r5", "m2", "2026-08-25", "HELD", &[]),
    ("m2", "r6", "2026-08-30", "HELD", &[]),
    ("m2", "r7", "2026-08-28", "SCHEDULED", &[]),
    // m3's team, the leaver r10 included.
    ("m3", "r8", "2026-06-28", "HELD", &[(S, "Quarter goals")]),
    ("m3", "r9", "2026-06-22", "HELD", &[(T, "On-call")]),
    ("m3", "r10", "2026-05-30", "HELD", &[("FEEDBACK", "360 review")]),
    ("m3", "r8", "2026-08-28", "HELD", &[(T, "Oncall rota")]),
    ("m3", "r10", "2026-08-10", "HELD", &[(T, "Handover")]),
    ("m3", "r9", "2026-08-25", "CANCELLED", &[]),
    // m4's team; the new joiner r12 has had no 1:1 yet.
    ("m4", "r11", "2026-06-29", "HELD", &[]),
    ("m4", "r11", "2026-08-31", "HELD", &[]),
    // dira: DIRECT with m1 and m2 (before the move), SKIP_LEVEL with r1, r5, r6, r2.
    ("dira", "m1", "2026-06-24", "HELD", &[(C, "Growth plan")]),
    ("dira", "m2", "2026-06-01", "HELD", &[]),
    ("dira", "r1", "2026-05-10", "HELD", &[]),
    ("dira", "r5", "2026-04-15", "HELD", &[]),
    ("dira", "r6", "2026-03-01", "HELD", &[]),
    ("dira", "r2", "2026-07-01", "HELD", &[]),
    // dirb: DIRECT with m3 and (after the move) m2, SKIP_LEVEL with r8.
    ("dirb", "m3", "2026-05-20", "HELD", &[]),
    ("r8", "dirb", "2026-06-01", "HELD", &[]),
    ("dirb", "m2", "2026-08-20", "HELD", &[]),
    ("dirb", "m3", "2026-08-29", "NO_SHOW", &[]),
    // PEER: the directors; dirb and m2 before the move; m1 and m2.
    ("dira", "dirb", "2026-06-05", "HELD", &[]),
    ("dira", "dirb", "2026-08-01", "CANCELLED", &[]),
    ("dirb", "m2", "2026-06-08", "HELD", &[]),
    ("m1", "m2", "2026-05-20", "HELD", &[]),
    // ceo: DIRECT with the directors, SKIP_LEVEL with m3 and m4.
    ("ceo", "dira", "2026-06-29", "HELD", &[(S, "Strategy offsite"), (T, "Budget")]),
    ("ceo", "dirb", "2026-06-02", "HELD", &[]),
    ("ceo", "m3", "2026-05-05", "HELD", &[]),
    ("ceo", "dira", "2026-08-27", "HELD", &[(T, "Hiring plan")]),
    ("ceo", "dirb", "2026-08-21", "HELD", &[]),
    ("ceo", "m4", "2026-07-10", "HELD", &[]),
];

/// The fixture org, everyone employed since 2025-01-01 unless noted:
/// ```text
/// ceo ─┬─ dira ─┬─ m1 ─── r1 r2 r3 r4        (m1–r3: a pair override, DIRECT every 30 days)
///      │        └─ m2 ─── r5 r6 r7           (m2 moves to dirb on 2026-07-15)
///      └─ dirb ─┬─ m3 ─── r8 r9 r10          (r10 leaves on 2026-08-14)
///               └─ m4 ─── r11 r12            (r12 joins on 2026-08-25)
/// hr (hr_admin, outside the tree)
/// ```
/// Meetings are HELD at 10:00 UTC unless noted; DIRECT unless noted.
async fn fixture(backend: Backend) -> Org {
    let mut rows = vec![
        row("ceo", "Cleo Chief", None, "2025-01-01"),
        row("hr", "Hana HR", None, "2025-01-01"),
        row("dira", "Ada Director", Some("ceo"), "2025-01-01"),
        row("dirb", "Ben Director", Some("ceo"), "2025-01-01"),
        row("m1", "Mia Manager", Some("dira"), "2025-01-01"),
        row("m2", "Max Manager", Some("dira"), "2025-01-01"),
        row("m3", "Mo Manager", Some("dirb"), "2025-01-01"),
        row("m4", "Meg Manager", Some("dirb"), "2025-01-01"),
    ];
    for (report, manager) in [
        ("r1", "m1"),
        ("r2", "m1"),
        ("r3", "m1"),
        ("r4", "m1"),
        ("r5", "m2"),
        ("r6", "m2"),
        ("r7", "m2"),
        ("r8", "m3"),
        ("r9", "m3"),
        ("r10", "m3"),
        ("r11", "m4"),
    ] {
        let mut report_row = row(
            report,
            &format!("Report {report}"),
            Some(manager),
            "2025-01-01",
        );
        if report == "r10" {
            report_row["endDate"] = json!("2026-08-14");
        }
        rows.push(report_row);
    }
    rows.push(row("r12", "Report r12", Some("m4"), "2026-08-25"));
    let mut company = Org::spawn_with(backend, Value::Array(rows)).await;
    let mut reorg = row("m2", "Max Manager", Some("dirb"), "2025-01-01");
    reorg["effectiveFrom"] = json!("2026-07-15T00:00:00Z");
    company.hire(json!([reorg])).await;

    for (host, guest, day, status, agenda) in FIXTURE_MEETINGS {
        company.meet_on(host, guest, day, status, agenda).await;
    }
    // Ratings: only a report's rating of a DIRECT 1:1 counts for their manager, in the
    // report of any instant of the next calendar quarter (once the quarter is frozen).
    for (who, key, rating) in [
        ("r1", "m1-r1-2026-01-15", 4),
        ("r2", "r2-m1-2026-03-04", 3),
        ("r4", "m1-r4-2026-03-31", 5),
        ("r1", "m1-r1-2026-06-20", 5),
        ("m1", "m1-r1-2026-06-20", 1), // the manager's own: not counted
        ("r2", "m1-r2-2026-06-10", 4),
        ("r3", "m1-r3-2026-06-05", 3),
        ("r4", "m1-r4-2026-06-25", 2),
        ("r1", "m1-r1-2026-08-20", 5),
        ("r5", "m2-r5-2026-06-25", 2),
        ("r6", "m2-r6-2026-06-12", 4),
        ("r5", "r5-m2-2026-08-25", 5),
        ("r1", "dira-r1-2026-05-10", 1), // SKIP_LEVEL: not counted
        ("dira", "ceo-dira-2026-06-29", 5),
        ("dirb", "ceo-dirb-2026-06-02", 3),
        ("dira", "ceo-dira-2026-08-27", 4),
        ("dirb", "ceo-dirb-2026-08-21", 3),
    ] {
        company.rate(who, key, rating).await;
    }
    // The pair override, set by the manager: m1 and r3 meet every 30 days.
    company
        .gql(
            "m1",
            "mutation($m: ID!, $r: ID!) {
              setCadencePolicy(input: { kind: DIRECT, everyDays: 30, pair: [$m, $r] }) {
                policy { scope everyDays }
              }
            }",
            json!({ "m": company.id("m1"), "r": company.id("r3") }),
        )
        .await
        .ok();
    // Every quarter of these meetings but the running one has ended: their figures are
    // frozen, as `serve` does on a schedule (at its start there were no meetings yet).
    company.app.freeze_ratings().await;
    company
}

/// The figures of a report (without `asOf` and `managers`), normalized.
fn figures(report: &Value) -> Value {
    let mut out = normalized(report);
    let fields = out.as_object_mut().expect("report");
    fields.remove("asOf");
    fields.remove("managers");
    out
}

/// The CEO's report at `as_of`, read by hr: its own figures and those of every manager.
async fn ceo_report(company: &Org, as_of: &str) -> (Value, Vec<Value>) {
    let answer = company
        .gql(
            "hr",
            REPORT,
            json!({ "id": company.id("ceo"), "at": as_of }),
        )
        .await
        .ok();
    let report = answer.data("/coverageReport");
    assert_eq!(normalized(&report["asOf"]), json!(as_of));
    let managers = report["managers"].as_array().expect("managers");
    for m in managers {
        assert_eq!(m["managers"], json!([]), "nested lists stay empty");
    }
    (figures(report), managers.iter().map(figures).collect())
}

const OVERDUE: &str = "query($id: ID!, $at: DateTime, $first: Int, $after: String) {
  overdueOneOnOnes(managerId: $id, asOf: $at, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { manager { externalId } report { externalId } daysOverdue lastHeldAt }
  }
}";

/// `manager→report days` for each node of an overdue page.
fn overdue_pairs(answer: &Answer) -> Vec<String> {
    answer
        .data("/overdueOneOnOnes/nodes")
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{}→{} {}",
                n["manager"]["externalId"].as_str().unwrap(),
                n["report"]["externalId"].as_str().unwrap(),
                n["daysOverdue"]
            )
        })
        .collect()
}

const TREND: &str = "query($id: ID!, $from: DateTime!, $to: DateTime!, $interval: TrendInterval!) {
  coverageTrend(managerId: $id, from: $from, to: $to, interval: $interval) {
    at directCoverage skipLevelCoverage
  }
}";
