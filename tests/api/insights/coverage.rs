//! `coverageReport` over the hand-built fixture org, every figure worked out by hand, before
//! and after the reorg.

use serde_json::{Value, json};

use super::{AFTER, BEFORE, REPORT, ceo_report, figures, fixture};
use crate::db_test;
use crate::support::Backend;

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
