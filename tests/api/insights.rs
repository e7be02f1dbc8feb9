//! Insights for managers of managers: `coverageReport` over a hand-built org whose every
//! expected figure is worked out below by hand, before and after a reorg; who may read a
//! report; what a report never reveals; ratings below and at three; `overdueOneOnOnes`
//! paging; `coverageTrend`; and a whole-org report whose statement count does not grow with
//! the org.

use chrono::Utc;
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, Org, normalized, row};

mod trend;

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
    // report of any instant of the next calendar quarter.
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

db_test!(coverage_of_the_fixture_org_before_the_reorg);
async fn coverage_of_the_fixture_org_before_the_reorg(backend: Backend) {
    let company = fixture(backend).await;

    let (ceo, managers) = ceo_report(&company, BEFORE).await;

    // June 30th, noon. DIRECT 1:1s cover a pair when held after June 16th, noon (14 days;
    // m1–r3: 30 days, after May 31st); SKIP_LEVEL ones after April 1st, noon (90 days), the
    // window of the peer and tactical figures too. A pair met last on day D at 10:00 is
    // overdue by (June 30th − D − 14) whole days; never met, since its line began on
    // 2025-01-01: due 2025-01-15, 531 days ago. r12 has not joined yet; r10 has not left.
    // Ratings: reports' ratings of DIRECT 1:1s of the last complete quarter, January 1st to
    // April 1st (the second quarter is not over); only m1's team rated any then.
    assert_eq!(
        ceo,
        json!({
            "manager": "ceo",
            // dira met June 29th; dirb June 2nd: due June 16th, 14 days ago.
            "directReportCount": 2,
            "directCoverage": 0.5,
            "overdue": [
                { "manager": "ceo", "report": "dirb", "lastHeldAt": "2026-06-02T10:00:00Z", "daysOverdue": 14 },
            ],
            // m1..m4; only m3 (May 5th).
            "skipLevelReportCount": 4,
            "skipLevelCoverage": 0.25,
            "peerMeetingCount": 0,
            // June 29th: Strategy offsite, Budget (TACTICAL); June 2nd: no agenda.
            "tacticalShare": 0.5,
            // No DIRECT 1:1 of the ceo in the first quarter (dira's 5 and dirb's 3 are of
            // June).
            "averageRating": null,
        })
    );
    assert_eq!(
        managers,
        [
            json!({
                "manager": "dirb",
                // m3 met May 20th (due June 3rd, 27 days); m4 never (531 days).
                "directReportCount": 2,
                "directCoverage": 0.0,
                "overdue": [
                    { "manager": "dirb", "report": "m4", "lastHeldAt": null, "daysOverdue": 531 },
                    { "manager": "dirb", "report": "m3", "lastHeldAt": "2026-05-20T10:00:00Z", "daysOverdue": 27 },
                ],
                // r8 r9 r10 r11; r8 met June 1st (hosted by r8).
                "skipLevelReportCount": 4,
                "skipLevelCoverage": 0.25,
                // dira June 5th, m2 June 8th (m2 was not below dirb then).
                "peerMeetingCount": 2,
                "tacticalShare": null,
                "averageRating": null,
            }),
            json!({
                "manager": "m2",
                // r5 June 25th; r6 June 12th (due 26th: 4 days); r7 June 16th at 10:00,
                // two hours too early (due June 30th 10:00: 0 whole days).
                "directReportCount": 3,
                "directCoverage": 0.3333,
                "overdue": [
                    { "manager": "m2", "report": "r6", "lastHeldAt": "2026-06-12T10:00:00Z", "daysOverdue": 4 },
                    { "manager": "m2", "report": "r7", "lastHeldAt": "2026-06-16T10:00:00Z", "daysOverdue": 0 },
                ],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                // dirb June 8th, m1 May 20th.
                "peerMeetingCount": 2,
                "tacticalShare": null,
                // r5's 2 and r6's 4 are of June: nothing in the first quarter.
                "averageRating": null,
            }),
            json!({
                "manager": "dira",
                // m1 June 24th; m2 June 1st (due 15th: 15 days).
                "directReportCount": 2,
                "directCoverage": 0.5,
                "overdue": [
                    { "manager": "dira", "report": "m2", "lastHeldAt": "2026-06-01T10:00:00Z", "daysOverdue": 15 },
                ],
                // r1..r7; r1 (May 10th) and r5 (April 15th); r6's March 1st is too old.
                // SKIP_LEVEL is not required: no overdue entries.
                "skipLevelReportCount": 7,
                "skipLevelCoverage": 0.2857,
                // dirb June 5th (the August 1st one was cancelled).
                "peerMeetingCount": 1,
                // m1 June 24th: Growth plan (CAREER).
                "tacticalShare": 0.0,
                // Only a rating of a SKIP_LEVEL 1:1 (r1, May 10th).
                "averageRating": null,
            }),
            json!({
                "manager": "m3",
                // r8 June 28th, r9 June 22nd; r10 May 30th (due June 13th: 17 days).
                "directReportCount": 3,
                "directCoverage": 0.6667,
                "overdue": [
                    { "manager": "m3", "report": "r10", "lastHeldAt": "2026-05-30T10:00:00Z", "daysOverdue": 17 },
                ],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                "peerMeetingCount": 0,
                // Quarter goals (STRATEGIC), On-call (TACTICAL), 360 review (FEEDBACK).
                "tacticalShare": 0.3333,
                "averageRating": null,
            }),
            json!({
                "manager": "m1",
                // r1 June 20th, r4 June 25th, r3 June 5th (within its 30 days); r2 June
                // 10th (due 24th: 6 days).
                "directReportCount": 4,
                "directCoverage": 0.75,
                "overdue": [
                    { "manager": "m1", "report": "r2", "lastHeldAt": "2026-06-10T10:00:00Z", "daysOverdue": 6 },
                ],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                // m2 May 20th.
                "peerMeetingCount": 1,
                // Sprint status, Promotion path, Release blockers, Workload: 2 of 4 (the
                // first-quarter 1:1s are older than 90 days, and have no agenda).
                "tacticalShare": 0.5,
                // First quarter: r1 4 (January 15th), r2 3 (March 4th, hosted by r2), r4 5
                // (March 31st): 12 / 3. June's 5, 4, 3, 2 wait for the quarter's end.
                "averageRating": 4.0,
            }),
            json!({
                "manager": "m4",
                // r11 June 29th.
                "directReportCount": 1,
                "directCoverage": 1.0,
                "overdue": [],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                "peerMeetingCount": 0,
                "tacticalShare": null,
                "averageRating": null,
            }),
        ]
    );
}

db_test!(coverage_of_the_fixture_org_after_the_reorg);
async fn coverage_of_the_fixture_org_after_the_reorg(backend: Backend) {
    let company = fixture(backend).await;

    let (ceo, managers) = ceo_report(&company, AFTER).await;

    // September 1st, noon. DIRECT 1:1s cover a pair when held after August 18th, noon
    // (m1–r3: after August 2nd); SKIP_LEVEL ones, and the 90-day figures, after June 3rd,
    // noon. Ratings: those of the second quarter, April 1st to July 1st; August's wait for
    // the third quarter to end. m2 reports to dirb since July 15th: dirb–m2 counts from then, and so do the
    // skip-level pairs through m2 (dirb–r5..r7, ceo–m2), not yet due. r10 left on August
    // 14th; r12 joined on August 25th, 7 days ago: not yet due. Never met since 2025-01-01:
    // due 2025-01-15, 594 days ago.
    assert_eq!(
        ceo,
        json!({
            "manager": "ceo",
            // dira August 27th, dirb August 21st.
            "directReportCount": 2,
            "directCoverage": 1.0,
            "overdue": [],
            // m1 (never), m2 (not yet due), m3 (May 5th: too old), m4 (July 10th).
            "skipLevelReportCount": 4,
            "skipLevelCoverage": 0.5,
            "peerMeetingCount": 0,
            // June 29th: Strategy offsite, Budget; August 27th: Hiring plan (TACTICAL).
            "tacticalShare": 0.6667,
            // Second quarter: dira 5 (June 29th), dirb 3 (June 2nd): two ratings. Their 4
            // and 3 of August are in the third.
            "averageRating": null,
        })
    );
    assert_eq!(
        managers,
        [
            json!({
                "manager": "dira",
                // m1 June 24th (due July 8th: 55 days).
                "directReportCount": 1,
                "directCoverage": 0.0,
                "overdue": [
                    { "manager": "dira", "report": "m1", "lastHeldAt": "2026-06-24T10:00:00Z", "daysOverdue": 55 },
                ],
                // r1..r4; r2 (July 1st); r1's May 10th is too old.
                "skipLevelReportCount": 4,
                "skipLevelCoverage": 0.25,
                // dirb June 5th.
                "peerMeetingCount": 1,
                "tacticalShare": 0.0,
                "averageRating": null,
            }),
            json!({
                "manager": "m1",
                // r1 August 20th; r4 June 25th (due July 9th: 54 days), r2 July 20th (due
                // August 3rd: 29 days), r3 August 1st (30 days: due August 31st, 1 day).
                "directReportCount": 4,
                "directCoverage": 0.25,
                "overdue": [
                    { "manager": "m1", "report": "r4", "lastHeldAt": "2026-06-25T10:00:00Z", "daysOverdue": 54 },
                    { "manager": "m1", "report": "r2", "lastHeldAt": "2026-07-20T10:00:00Z", "daysOverdue": 29 },
                    { "manager": "m1", "report": "r3", "lastHeldAt": "2026-08-01T10:00:00Z", "daysOverdue": 1 },
                ],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                // m2 on May 20th is outside the window.
                "peerMeetingCount": 0,
                // Workload, Release blockers, Sprint status, Promotion path, Incident review,
                // Conference talk, Sprint planning: 4 TACTICAL of 7.
                "tacticalShare": 0.5714,
                // Second quarter: r1 5 (June 20th), r2 4, r3 3, r4 2 (m1's own 1 does not
                // count): 14 / 4. r1's 5 of August 20th is in the third quarter, the first
                // quarter's 4, 3, 5 in the one before.
                "averageRating": 3.5,
            }),
            json!({
                "manager": "dirb",
                // m2 August 20th; m3 May 20th (due June 3rd: 90 days; the August 29th
                // no-show does not count); m4 never (594 days).
                "directReportCount": 3,
                "directCoverage": 0.3333,
                "overdue": [
                    { "manager": "dirb", "report": "m4", "lastHeldAt": null, "daysOverdue": 594 },
                    { "manager": "dirb", "report": "m3", "lastHeldAt": "2026-05-20T10:00:00Z", "daysOverdue": 90 },
                ],
                // r5 r6 r7 (not yet due), r8 (June 1st: too old), r9, r11, r12 (not yet due).
                "skipLevelReportCount": 7,
                "skipLevelCoverage": 0.5714,
                // dira June 5th, m2 June 8th (PEER when held).
                "peerMeetingCount": 2,
                "tacticalShare": null,
                "averageRating": null,
            }),
            json!({
                "manager": "m3",
                // r8 August 28th; r9 June 22nd (due July 6th: 57 days; August 25th was
                // cancelled); r10 has left.
                "directReportCount": 2,
                "directCoverage": 0.5,
                "overdue": [
                    { "manager": "m3", "report": "r9", "lastHeldAt": "2026-06-22T10:00:00Z", "daysOverdue": 57 },
                ],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                "peerMeetingCount": 0,
                // Quarter goals, On-call, Oncall rota; r10's Handover no longer counts.
                "tacticalShare": 0.6667,
                "averageRating": null,
            }),
            json!({
                "manager": "m2",
                // r5 August 25th (hosted by r5), r6 August 30th; r7 June 16th (due June
                // 30th: 63 days; August 28th was only scheduled).
                "directReportCount": 3,
                "directCoverage": 0.6667,
                "overdue": [
                    { "manager": "m2", "report": "r7", "lastHeldAt": "2026-06-16T10:00:00Z", "daysOverdue": 63 },
                ],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                // dirb June 8th; m1 on May 20th is outside the window.
                "peerMeetingCount": 1,
                "tacticalShare": null,
                // Second quarter: r5 2 (June 25th), r6 4 (June 12th): two ratings. r5's 5 of
                // August 25th is in the third.
                "averageRating": null,
            }),
            json!({
                "manager": "m4",
                // r11 August 31st; r12 joined 7 days ago.
                "directReportCount": 2,
                "directCoverage": 1.0,
                "overdue": [],
                "skipLevelReportCount": 0,
                "skipLevelCoverage": 1.0,
                "peerMeetingCount": 0,
                "tacticalShare": null,
                "averageRating": null,
            }),
        ]
    );

    // A manager's own report matches their entry in the CEO's.
    let dirb = company
        .gql(
            "dirb",
            REPORT,
            json!({ "id": company.id("dirb"), "at": AFTER }),
        )
        .await
        .ok();
    assert_eq!(figures(dirb.data("/coverageReport")), managers[2]);
    let below_dirb: Vec<Value> = dirb
        .data("/coverageReport/managers")
        .as_array()
        .unwrap()
        .iter()
        .map(figures)
        .collect();
    assert_eq!(
        below_dirb,
        [
            managers[3].clone(),
            managers[4].clone(),
            managers[5].clone()
        ]
    );
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

db_test!(overdue_one_on_ones_page_through_the_whole_subtree);
async fn overdue_one_on_ones_page_through_the_whole_subtree(backend: Backend) {
    let company = fixture(backend).await;
    let page = |first: i64, after: Option<String>| {
        let company = &company;
        async move {
            company
                .gql(
                    "hr",
                    OVERDUE,
                    json!({ "id": company.id("ceo"), "at": BEFORE, "first": first, "after": after }),
                )
                .await
                .ok()
        }
    };

    let one = page(3, None).await;
    let cursor = one
        .data("/overdueOneOnOnes/pageInfo/endCursor")
        .as_str()
        .map(String::from);
    let two = page(3, cursor).await;
    let cursor = two
        .data("/overdueOneOnOnes/pageInfo/endCursor")
        .as_str()
        .map(String::from);
    let three = page(3, cursor).await;

    // Every required pair overdue before the reorg (see the report test), most overdue first.
    assert_eq!(one.data("/overdueOneOnOnes/totalCount"), 8);
    assert_eq!(
        overdue_pairs(&one),
        ["dirb→m4 531", "dirb→m3 27", "m3→r10 17"]
    );
    assert_eq!(one.data("/overdueOneOnOnes/pageInfo/hasNextPage"), true);
    assert_eq!(
        overdue_pairs(&two),
        ["dira→m2 15", "ceo→dirb 14", "m1→r2 6"]
    );
    assert_eq!(two.data("/overdueOneOnOnes/pageInfo/hasNextPage"), true);
    assert_eq!(overdue_pairs(&three), ["m2→r6 4", "m2→r7 0"]);
    assert_eq!(three.data("/overdueOneOnOnes/pageInfo/hasNextPage"), false);
    assert_eq!(three.data("/overdueOneOnOnes/totalCount"), 8);
    assert_eq!(
        normalized(one.data("/overdueOneOnOnes/nodes/0/lastHeldAt")),
        Value::Null
    );
    assert_eq!(
        normalized(one.data("/overdueOneOnOnes/nodes/1/lastHeldAt")),
        json!("2026-05-20T10:00:00Z")
    );

    // m1's own subtree after the reorg, read by m1; too large a page is refused.
    let mine = company
        .gql(
            "m1",
            OVERDUE,
            json!({ "id": company.id("m1"), "at": AFTER }),
        )
        .await
        .ok();
    assert_eq!(overdue_pairs(&mine), ["m1→r4 54", "m1→r2 29", "m1→r3 1"]);
    assert_eq!(mine.data("/overdueOneOnOnes/totalCount"), 3);
    company
        .gql(
            "m1",
            OVERDUE,
            json!({ "id": company.id("m1"), "at": AFTER, "first": 101 }),
        )
        .await
        .assert_error_code("BAD_USER_INPUT");
}

const TREND: &str = "query($id: ID!, $from: DateTime!, $to: DateTime!, $interval: TrendInterval!) {
  coverageTrend(managerId: $id, from: $from, to: $to, interval: $interval) {
    at directCoverage skipLevelCoverage
  }
}";

db_test!(coverage_trend_gives_one_point_per_week_or_month);
async fn coverage_trend_gives_one_point_per_week_or_month(backend: Backend) {
    let company = fixture(backend).await;
    let trend = |from: &str, to: &str, interval: &str| {
        let company = &company;
        let vars = json!({ "id": company.id("ceo"), "from": from, "to": to, "interval": interval });
        async move { company.gql("hr", TREND, vars).await }
    };

    let weeks = trend(BEFORE, "2026-07-28T12:00:00Z", "WEEK").await.ok();
    let months = trend("2026-07-01T12:00:00Z", AFTER, "MONTH").await.ok();
    let too_many = trend("2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "WEEK").await;
    let backwards = trend(AFTER, BEFORE, "MONTH").await;

    let weeks = normalized(weeks.data("/coverageTrend"));
    let at: Vec<&str> = weeks
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["at"].as_str().unwrap())
        .collect();
    assert_eq!(
        at,
        [
            BEFORE,
            "2026-07-07T12:00:00Z",
            "2026-07-14T12:00:00Z",
            "2026-07-21T12:00:00Z",
            "2026-07-28T12:00:00Z"
        ]
    );
    // Over every pair of the subtree before the reorg: DIRECT 9 of 17 (ceo 1/2, dira 1/2,
    // dirb 0/2, m1 3/4, m2 1/3, m3 2/3, m4 1/1), SKIP_LEVEL 4 of 15 (ceo 1/4, dira 2/7,
    // dirb 1/4).
    assert_eq!(
        weeks[0],
        json!({ "at": BEFORE, "directCoverage": 0.5294, "skipLevelCoverage": 0.2667 })
    );
    let months = normalized(months.data("/coverageTrend"));
    assert_eq!(months.as_array().unwrap().len(), 3);
    assert_eq!(months[1]["at"], json!("2026-08-01T12:00:00Z"));
    // After it: DIRECT 9 of 17 (ceo 2/2, dira 0/1, dirb 1/3, m1 1/4, m2 2/3, m3 1/2, m4
    // 2/2), SKIP_LEVEL 7 of 15 (ceo 2/4, dira 1/4, dirb 4/7).
    assert_eq!(
        months[2],
        json!({ "at": AFTER, "directCoverage": 0.5294, "skipLevelCoverage": 0.4667 })
    );
    too_many.assert_error_code("BAD_USER_INPUT");
    backwards.assert_error_code("BAD_USER_INPUT");
}

db_test!(reports_are_for_the_managers_own_subtree_and_hr_admin);
async fn reports_are_for_the_managers_own_subtree_and_hr_admin(backend: Backend) {
    let company = fixture(backend).await;
    let ask = |token: Option<String>, manager: &str| {
        let company = &company;
        let vars = json!({ "id": company.id(manager), "at": AFTER });
        async move {
            company
                .app
                .gql(
                    token.as_deref(),
                    "query($id: ID!, $at: DateTime) { coverageReport(managerId: $id, asOf: $at) { directReportCount } }",
                    vars,
                )
                .await
        }
    };
    let as_person = |who: &str| Some(company.token(who));

    let own = ask(as_person("m1"), "m1").await;
    let director_below = ask(as_person("dirb"), "m2").await;
    let ceo_anyone = ask(as_person("ceo"), "m4").await;
    let hr_anyone = ask(as_person("hr"), "m3").await;
    let peers_subtree = ask(as_person("m1"), "m3").await;
    let own_manager = ask(as_person("m1"), "dira").await;
    let other_director = ask(as_person("dira"), "m4").await;
    // dira managed m2 before the reorg; reports follow the chain as it is now.
    let former_manager = ask(as_person("dira"), "m2").await;
    let report = ask(as_person("r1"), "m1").await;
    let integration = ask(Some(company.app.admin_integration()), "m1").await;
    let anonymous = ask(None, "m1").await;

    assert_eq!(own.ok().data("/coverageReport/directReportCount"), 4);
    assert_eq!(
        director_below
            .ok()
            .data("/coverageReport/directReportCount"),
        3
    );
    assert_eq!(ceo_anyone.ok().data("/coverageReport/directReportCount"), 2);
    assert_eq!(hr_anyone.ok().data("/coverageReport/directReportCount"), 2);
    for forbidden in [
        peers_subtree,
        own_manager,
        other_director,
        former_manager,
        report,
        integration,
    ] {
        forbidden.assert_error_code("FORBIDDEN");
        assert_eq!(forbidden.body["data"], Value::Null, "{}", forbidden.body);
    }
    anonymous.assert_error_code("UNAUTHENTICATED");

    // A manager who is no one: NOT_FOUND for hr, FORBIDDEN for anyone else.
    let no_one = json!({ "id": crate::policies::NO_ONE, "at": AFTER });
    for query in [REPORT, OVERDUE] {
        company
            .gql("hr", query, no_one.clone())
            .await
            .assert_error_code("NOT_FOUND");
        company
            .gql("ceo", query, no_one.clone())
            .await
            .assert_error_code("FORBIDDEN");
    }
    company
        .gql(
            "hr",
            TREND,
            json!({ "id": crate::policies::NO_ONE, "from": BEFORE, "to": AFTER, "interval": "MONTH" }),
        )
        .await
        .assert_error_code("NOT_FOUND");

    // The other insight fields follow the same rule.
    let trend_vars = json!({
        "id": company.id("m3"), "from": BEFORE, "to": AFTER, "interval": "MONTH"
    });
    company
        .gql("m1", TREND, trend_vars.clone())
        .await
        .assert_error_code("FORBIDDEN");
    company.gql("dirb", TREND, trend_vars).await.ok();
    company
        .gql("m1", OVERDUE, json!({ "id": company.id("m3") }))
        .await
        .assert_error_code("FORBIDDEN");
    company
        .app
        .gql(None, OVERDUE, json!({ "id": company.id("m3") }))
        .await
        .assert_error_code("UNAUTHENTICATED");
}

db_test!(a_report_never_reveals_agendas_notes_or_ratings);
async fn a_report_never_reveals_agendas_notes_or_ratings(backend: Backend) {
    let mut company = fixture(backend).await;
    let secret = company
        .meet_on(
            "m1",
            "r2",
            "2026-08-31",
            "HELD",
            &[("WELLBEING", "Burnout worries")],
        )
        .await;
    company
        .gql(
            "m1",
            "mutation($id: ID!) {
              updateMeeting(input: { id: $id, sharedNotes: \"Salary band talk\" }) { meeting { id } }
            }",
            json!({ "id": secret }),
        )
        .await
        .ok();
    company
        .gql(
            "m1",
            "mutation($id: ID!) { setPrivateNote(input: { meetingId: $id, text: \"Flight risk\" }) { meeting { id } } }",
            json!({ "id": secret }),
        )
        .await
        .ok();
    company.rate("r2", "m1-r2-2026-08-31", 1).await;

    let mut answers = Vec::new();
    for (who, manager) in [("hr", "ceo"), ("dira", "dira"), ("m1", "m1")] {
        for as_of in [BEFORE, AFTER] {
            let report = company
                .gql(
                    who,
                    REPORT,
                    json!({ "id": company.id(manager), "at": as_of }),
                )
                .await
                .ok();
            let overdue = company
                .gql(
                    who,
                    OVERDUE,
                    json!({ "id": company.id(manager), "at": as_of }),
                )
                .await
                .ok();
            answers.push(report.body.to_string());
            answers.push(overdue.body.to_string());
        }
    }

    let agenda_texts = FIXTURE_MEETINGS
        .iter()
        .flat_map(|(.., agenda)| agenda.iter().map(|(_, text)| *text));
    let secrets = [
        "Burnout worries",
        "Salary band talk",
        "Flight risk",
        "Felt heard",
    ];
    for text in agenda_texts.chain(secrets) {
        for answer in &answers {
            assert!(!answer.contains(text), "{text:?} leaked: {answer}");
        }
    }
    // r2's 1 of August 31st is in the third quarter, still running on September 1st: m1's
    // average is the second quarter's (r1 5, r2 4, r3 3, r4 2: 3.5), as without it. Once
    // the quarter is over, it holds r1's 5 of August 20th and this 1: two ratings, no
    // average, so no single rating shows.
    let m1_average = |as_of: &'static str| {
        let company = &company;
        async move {
            let answer = company
                .gql("m1", REPORT, json!({ "id": company.id("m1"), "at": as_of }))
                .await
                .ok();
            normalized(answer.data("/coverageReport/averageRating"))
        }
    };
    assert_eq!(m1_average(AFTER).await, json!(3.5));
    assert_eq!(m1_average("2026-10-01T12:00:00Z").await, Value::Null);
}

db_test!(an_average_rating_needs_three_ratings_by_reports);
async fn an_average_rating_needs_three_ratings_by_reports(backend: Backend) {
    let mut company = Org::spawn_with(
        backend,
        json!([
            row("hr", "Hana HR", None, "2025-01-01"),
            row("boss", "Bo Boss", None, "2025-01-01"),
            row("em", "Em Manager", Some("boss"), "2025-01-01"),
            row("d1", "Dee One", Some("em"), "2025-01-01"),
            row("d2", "Dee Two", Some("em"), "2025-01-01"),
            // Joined four days before the report: not overdue yet.
            row("d3", "Dee Three", Some("em"), "2026-06-27"),
            row("fm", "Fay Manager", Some("boss"), "2025-01-01"),
            row("f1", "Fin One", Some("fm"), "2025-01-01"),
            row("f2", "Fin Two", Some("fm"), "2025-01-01"),
        ]),
    )
    .await;
    company.meet_on("em", "d1", "2026-06-10", "HELD", &[]).await;
    company.meet_on("d2", "em", "2026-06-20", "HELD", &[]).await;
    company.meet_on("em", "d1", "2026-06-25", "HELD", &[]).await;
    company
        .meet_on("boss", "em", "2026-06-26", "HELD", &[])
        .await;
    company.meet_on("fm", "f1", "2026-06-11", "HELD", &[]).await;
    company.meet_on("f2", "fm", "2026-06-12", "HELD", &[]).await;
    company.meet_on("fm", "f1", "2026-06-24", "HELD", &[]).await;
    // Every 1:1 is of June, in the second quarter: the report of July 1st averages it.
    let next_quarter = "2026-07-01T12:00:00Z";
    let report = |manager: &'static str, as_of: &'static str| {
        let company = &company;
        async move {
            let answer = company
                .gql(
                    "boss",
                    REPORT,
                    json!({ "id": company.id(manager), "at": as_of }),
                )
                .await
                .ok();
            figures(answer.data("/coverageReport"))
        }
    };

    company.rate("d1", "em-d1-2026-06-10", 4).await;
    company.rate("d2", "d2-em-2026-06-20", 2).await;
    company.rate("d1", "em-d1-2026-06-25", 3).await;
    // The manager's own rating and their manager's rating of another 1:1 do not count.
    company.rate("em", "em-d1-2026-06-25", 5).await;
    company.rate("em", "boss-em-2026-06-26", 5).await;
    company.rate("fm", "fm-f1-2026-06-11", 5).await;
    company.rate("f1", "fm-f1-2026-06-11", 4).await;
    company.rate("f2", "f2-fm-2026-06-12", 2).await;
    let three = report("em", next_quarter).await;
    let two = report("fm", next_quarter).await;
    let before_the_quarter_ends = report("em", BEFORE).await;

    // d1 4 and 3, d2 2: 9 / 3. Fay has two ratings by reports (and her own): no average.
    assert_eq!(three["averageRating"], json!(3.0));
    assert_eq!(two["averageRating"], Value::Null);
    // On June 30th the last complete quarter is the first, without any rating.
    assert_eq!(before_the_quarter_ends["averageRating"], Value::Null);
    // July 1st, noon: d1 met June 25th, d2 June 20th, d3 joined June 27th (due July 11th):
    // everyone is covered.
    assert_eq!(three["directReportCount"], 3);
    assert_eq!(three["directCoverage"], json!(1.0));
    assert_eq!(three["overdue"], json!([]));
}

db_test!(a_reported_quarter_average_never_moves_so_no_late_rating_shows);
async fn a_reported_quarter_average_never_moves_so_no_late_rating_shows(backend: Backend) {
    let mut company = Org::spawn_with(
        backend,
        json!([
            row("hr", "Hana HR", None, "2025-01-01"),
            row("boss", "Bo Boss", None, "2025-01-01"),
            row("em", "Em Manager", Some("boss"), "2025-01-01"),
            row("d1", "Dee One", Some("em"), "2025-01-01"),
            row("d2", "Dee Two", Some("em"), "2025-01-01"),
            row("d3", "Dee Three", Some("em"), "2025-01-01"),
        ]),
    )
    .await;
    for (host, guest, day) in [
        ("em", "d1", "2026-05-04"),
        ("em", "d2", "2026-05-05"),
        ("em", "d3", "2026-05-06"),
        ("em", "d1", "2026-06-15"),
    ] {
        company.meet_on(host, guest, day, "HELD", &[]).await;
    }
    company.rate("d1", "em-d1-2026-05-04", 4).await;
    company.rate("d2", "em-d2-2026-05-05", 4).await;
    company.rate("d3", "em-d3-2026-05-06", 4).await;
    let published = boss_reads_average(&company, "2026-07-02T12:00:00Z").await;

    // After the quarter: d2 changes their rating, d1 rates a 1:1 they had not rated, and a
    // forgotten June 1:1 is logged and rated. Each would move a live average by one rating.
    company.rate("d2", "em-d2-2026-05-05", 1).await;
    company.rate("d1", "em-d1-2026-06-15", 1).await;
    company.meet_on("d3", "em", "2026-06-29", "HELD", &[]).await;
    company.rate("d3", "d3-em-2026-06-29", 1).await;

    assert_eq!(published, json!(4.0));
    assert_eq!(
        boss_reads_average(&company, "2026-07-02T12:00:00Z").await,
        json!(4.0)
    );
    assert_eq!(
        boss_reads_average(&company, "2026-09-30T12:00:00Z").await,
        json!(4.0)
    );
}

/// Em's average rating as their manager, who must never learn one report's rating, reads it.
async fn boss_reads_average(company: &Org, as_of: &str) -> Value {
    let vars = json!({ "id": company.id("em"), "at": as_of });
    let answer = company.gql("boss", REPORT, vars).await.ok();
    normalized(answer.data("/coverageReport/averageRating"))
}

db_test!(a_quarter_still_running_has_no_average_rating);
async fn a_quarter_still_running_has_no_average_rating(backend: Backend) {
    let mut company = Org::spawn_with(
        backend,
        json!([
            row("hr", "Hana HR", None, "2025-01-01"),
            row("em", "Em Manager", None, "2025-01-01"),
            row("d1", "Dee One", Some("em"), "2025-01-01"),
            row("d2", "Dee Two", Some("em"), "2025-01-01"),
            row("d3", "Dee Three", Some("em"), "2025-01-01"),
        ]),
    )
    .await;
    // Three rated 1:1s in the running quarter (on its first days, as many as fit).
    let today = Utc::now().date_naive();
    let quarter = quarter_of(today);
    let mut rated = 0;
    for (k, report) in ["d1", "d2", "d3"].into_iter().enumerate() {
        let day = today - chrono::Days::new(k as u64 + 1);
        if quarter_of(day) != quarter {
            continue;
        }
        let day = day.to_string();
        company.meet_on("em", report, &day, "HELD", &[]).await;
        company.rate(report, &format!("em-{report}-{day}"), 5).await;
        rated += 1;
    }
    // A report dated after the quarter's end, read while it still runs.
    let (year, q) = quarter;
    let after = if q == 4 {
        format!("{}-01-15T00:00:00Z", year + 1)
    } else {
        format!("{year}-{:02}-15T00:00:00Z", q * 3 + 1)
    };
    let answer = company
        .gql("hr", REPORT, json!({ "id": company.id("em"), "at": after }))
        .await
        .ok();

    assert!(rated <= 3);
    assert_eq!(
        answer.data("/coverageReport/averageRating"),
        &Value::Null,
        "{rated} ratings of a running quarter"
    );
}

/// (year, quarter 1–4) of a day.
fn quarter_of(day: chrono::NaiveDate) -> (i32, u32) {
    use chrono::Datelike;
    (day.year(), day.month0() / 3 + 1)
}

db_test!(the_tactical_share_follows_every_change_to_an_agenda);
async fn the_tactical_share_follows_every_change_to_an_agenda(backend: Backend) {
    let mut company = Org::spawn_with(
        backend,
        json!([
            row("hr", "Hana HR", None, "2025-01-01"),
            row("em", "Em Manager", None, "2025-01-01"),
            row("d1", "Dee One", Some("em"), "2025-01-01"),
        ]),
    )
    .await;
    let day = (Utc::now() - chrono::Duration::days(3))
        .date_naive()
        .to_string();
    let meeting = company
        .meet_on(
            "em",
            "d1",
            &day,
            "HELD",
            &[("TACTICAL", "Release"), ("CAREER", "Growth")],
        )
        .await;
    let logged = tactical_share(&company).await;

    let added = company
        .gql(
            "d1",
            "mutation($id: ID!) {
              addAgendaItem(input: { meetingId: $id, text: \"Sprint\", category: TACTICAL }) { item { id } }
            }",
            json!({ "id": meeting }),
        )
        .await
        .ok();
    let item = added.data("/addAgendaItem/item/id").clone();
    let after_add = tactical_share(&company).await;
    company
        .gql(
            "em",
            "mutation($id: ID!) { updateAgendaItem(input: { id: $id, category: FEEDBACK }) { item { id } } }",
            json!({ "id": item }),
        )
        .await
        .ok();
    let after_update = tactical_share(&company).await;
    company
        .gql(
            "em",
            "mutation($id: ID!) { removeAgendaItem(input: { id: $id }) { meeting { id } } }",
            json!({ "id": item }),
        )
        .await
        .ok();
    let after_remove = tactical_share(&company).await;

    // 1 of 2; 2 of 3; 1 of 3; 1 of 2 again.
    assert_eq!(logged, json!(0.5));
    assert_eq!(after_add, normalized(&json!(2.0 / 3.0)));
    assert_eq!(after_update, normalized(&json!(1.0 / 3.0)));
    assert_eq!(after_remove, json!(0.5));
}

/// Em's tactical share now, as Em reads it.
async fn tactical_share(company: &Org) -> Value {
    let answer = company
        .gql("em", REPORT, json!({ "id": company.id("em") }))
        .await
        .ok();
    normalized(answer.data("/coverageReport/tacticalShare"))
}

const WHOLE_ORG: &str = "query($ceo: ID!) {
  coverageReport(managerId: $ceo) {
    directCoverage
    overdue { manager { name } report { name } daysOverdue }
    managers { manager { name } directCoverage overdue { report { name } } }
  }
}";

/// An org under `ceo`: `directors` directors with `managers` managers each with `reports`
/// reports; every manager met their first report last week, nobody else ever.
async fn grow_org(company: &mut Org, ceo: &str, directors: usize, managers: usize, reports: usize) {
    let mut rows = vec![row(ceo, &format!("Chief {ceo}"), None, "2025-01-01")];
    let mut first_reports = Vec::new();
    for d in 0..directors {
        let director = format!("{ceo}-d{d}");
        rows.push(row(
            &director,
            &format!("Director {director}"),
            Some(ceo),
            "2025-01-01",
        ));
        for m in 0..managers {
            let manager = format!("{director}-m{m}");
            rows.push(row(
                &manager,
                &format!("Manager {manager}"),
                Some(&director),
                "2025-01-01",
            ));
            for r in 0..reports {
                let report = format!("{manager}-r{r}");
                rows.push(row(
                    &report,
                    &format!("Report {report}"),
                    Some(&manager),
                    "2025-01-01",
                ));
                if r == 0 {
                    first_reports.push((manager.clone(), report));
                }
            }
        }
    }
    company.hire(Value::Array(rows)).await;
    let last_week = (Utc::now() - chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    for (manager, report) in first_reports {
        company
            .meet_on(
                &manager,
                &report,
                &last_week,
                "HELD",
                &[("TACTICAL", "Status")],
            )
            .await;
    }
}

db_test!(a_whole_org_report_runs_a_fixed_number_of_statements);
async fn a_whole_org_report_runs_a_fixed_number_of_statements(backend: Backend) {
    let mut company =
        Org::spawn_with(backend, json!([row("hr", "Hana HR", None, "2025-01-01")])).await;
    grow_org(&mut company, "small", 1, 1, 2).await;
    grow_org(&mut company, "large", 3, 3, 4).await;
    let run = |ceo: &str| {
        let company = &company;
        let vars = json!({ "ceo": company.id(ceo) });
        async move {
            let before = company.app.statements();
            let answer = company.gql("hr", WHOLE_ORG, vars).await.ok();
            (company.app.statements() - before, answer)
        }
    };

    let (small, small_answer) = run("small").await;
    let (large, large_answer) = run("large").await;

    let managers = |a: &Answer| a.data("/coverageReport/managers").as_array().unwrap().len();
    assert_eq!(managers(&small_answer), 2);
    assert_eq!(managers(&large_answer), 12);
    // 1 director + 9 managers overdue below the large CEO, each shown with names.
    let overdue_below = |a: &Answer| -> usize {
        a.data("/coverageReport/managers")
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["overdue"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(overdue_below(&small_answer), 2);
    assert_eq!(overdue_below(&large_answer), 3 * 3 + 9 * 3);
    assert_eq!(
        small, large,
        "statements grow with the org: {small} for 5 people, {large} for 49"
    );
    // The viewer, the chains, the pairs, the 90-day figures, the older 1:1s of the pairs
    // without a recent one, the policies, the names.
    assert!(small <= 7, "{small} statements");
}
