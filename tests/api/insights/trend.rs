//! `coverageTrend` at its edges: points exactly at a meeting and exactly one cadence after
//! it; a subtree override, a pair override and an override above the root inside one trend;
//! a reorg, a leaver and a joiner in the middle of it; agreement with `coverageReport` at
//! every point (a manager whose line starts before their first day included); and a
//! statement count that does not grow with the number of points.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::TREND;
use crate::db_test;
use crate::support::{Backend, Org, normalized, row};

/// The trend of `root` read by hr: `(directCoverage, skipLevelCoverage)` per point, rounded.
async fn trend(company: &Org, root: &str, from: &str, to: &str, interval: &str) -> Vec<(f64, f64)> {
    let vars = json!({ "id": company.id(root), "from": from, "to": to, "interval": interval });
    let answer = company.gql("hr", TREND, vars).await.ok();
    normalized(answer.data("/coverageTrend"))
        .as_array()
        .expect("points")
        .iter()
        .map(|p| {
            (
                p["directCoverage"].as_f64().expect("direct"),
                p["skipLevelCoverage"].as_f64().expect("skip-level"),
            )
        })
        .collect()
}

/// Sets a policy as hr; `scope` is `{ managerId }` or `{ pair }`.
async fn set_policy(company: &Org, kind: &str, every_days: i64, scope: Value) {
    let mut input = json!({ "kind": kind, "everyDays": every_days });
    for (k, v) in scope.as_object().expect("scope") {
        input[k] = v.clone();
    }
    company
        .gql(
            "hr",
            "mutation($input: SetCadencePolicyInput!) {
              setCadencePolicy(input: $input) { policy { scope } }
            }",
            json!({ "input": input }),
        )
        .await
        .ok();
}

/// `boss ── mgr ── rep`, everyone since 2025-01-01; boss's skip-level 1:1s every 7 days;
/// mgr met rep, and boss met rep, on 2026-03-02 at 10:00 UTC and never otherwise.
async fn one_meeting(backend: Backend) -> Org {
    let mut company = Org::spawn_with(
        backend,
        json!([
            row("hr", "Hana HR", None, "2025-01-01"),
            row("boss", "Bo Boss", None, "2025-01-01"),
            row("mgr", "Mae Manager", Some("boss"), "2025-01-01"),
            row("rep", "Rey Report", Some("mgr"), "2025-01-01"),
        ]),
    )
    .await;
    set_policy(
        &company,
        "SKIP_LEVEL",
        7,
        json!({ "managerId": company.id("boss") }),
    )
    .await;
    company
        .meet_on("mgr", "rep", "2026-03-02", "HELD", &[])
        .await;
    company
        .meet_on("boss", "rep", "2026-03-02", "HELD", &[])
        .await;
    company
}

db_test!(a_meeting_covers_points_from_its_instant_until_one_cadence_later);
async fn a_meeting_covers_points_from_its_instant_until_one_cadence_later(backend: Backend) {
    let company = one_meeting(backend).await;
    let weeks = |from: &'static str, to: &'static str| {
        let company = &company;
        async move { trend(company, "boss", from, to, "WEEK").await }
    };

    // Points on 02-23, 03-02, 03-09, 03-16 and 03-23, at the meeting's time of day, a
    // second before it and a second after it.
    let at_the_instant = weeks("2026-02-23T10:00:00Z", "2026-03-23T10:00:00Z").await;
    let a_second_before = weeks("2026-02-23T09:59:59Z", "2026-03-23T09:59:59Z").await;
    let a_second_after = weeks("2026-02-23T10:00:01Z", "2026-03-23T10:00:01Z").await;

    // DIRECT: boss–mgr never met; mgr–rep is covered from the meeting's instant on, and no
    // longer 14 days later to the second. SKIP_LEVEL (boss–rep, every 7 days) likewise.
    assert_eq!(
        at_the_instant,
        [(0.0, 0.0), (0.5, 1.0), (0.5, 0.0), (0.0, 0.0), (0.0, 0.0)]
    );
    assert_eq!(
        a_second_before,
        [(0.0, 0.0), (0.0, 0.0), (0.5, 1.0), (0.5, 0.0), (0.0, 0.0)]
    );
    assert_eq!(
        a_second_after,
        [(0.0, 0.0), (0.5, 1.0), (0.5, 0.0), (0.0, 0.0), (0.0, 0.0)]
    );
}

/// Everyone employed since 2025-01-01 unless noted:
/// ```text
/// boss ─┬─ ann ─── a1 a2 a3     (a3 joins on 2026-03-10)
///       └─ kim ─── k1 k2        (k2 leaves on 2026-03-15; a1 moves here on 2026-03-12)
/// hr (hr_admin, outside the tree)
/// ```
/// Policies: DIRECT every 21 days below boss, every 7 days below ann, every 28 days for
/// ann–a2; SKIP_LEVEL every 10 days below boss. Meetings (HELD, 10:00 UTC): ann–a2 02-16,
/// boss–k1 (skip-level) 03-01, ann–a1 03-02, kim–k1 03-06, a1–kim (hosted by a1, after the
/// move) 03-20.
async fn reorg(backend: Backend) -> Org {
    let mut rows = vec![
        row("hr", "Hana HR", None, "2025-01-01"),
        row("boss", "Bo Boss", None, "2025-01-01"),
        row("ann", "Ann Lead", Some("boss"), "2025-01-01"),
        row("kim", "Kim Lead", Some("boss"), "2025-01-01"),
        row("a1", "Report a1", Some("ann"), "2025-01-01"),
        row("a2", "Report a2", Some("ann"), "2025-01-01"),
        row("a3", "Report a3", Some("ann"), "2026-03-10"),
        row("k1", "Report k1", Some("kim"), "2025-01-01"),
        row("k2", "Report k2", Some("kim"), "2025-01-01"),
    ];
    rows[8]["endDate"] = json!("2026-03-15");
    let mut company = Org::spawn_with(backend, Value::Array(rows)).await;
    let mut moved = row("a1", "Report a1", Some("kim"), "2025-01-01");
    moved["effectiveFrom"] = json!("2026-03-12T00:00:00Z");
    company.hire(json!([moved])).await;

    let boss = json!({ "managerId": company.id("boss") });
    set_policy(&company, "DIRECT", 21, boss.clone()).await;
    set_policy(&company, "SKIP_LEVEL", 10, boss).await;
    set_policy(
        &company,
        "DIRECT",
        7,
        json!({ "managerId": company.id("ann") }),
    )
    .await;
    set_policy(
        &company,
        "DIRECT",
        28,
        json!({ "pair": [company.id("ann"), company.id("a2")] }),
    )
    .await;
    for (host, guest, day) in [
        ("ann", "a2", "2026-02-16"),
        ("boss", "k1", "2026-03-01"),
        ("ann", "a1", "2026-03-02"),
        ("kim", "k1", "2026-03-06"),
        ("a1", "kim", "2026-03-20"),
    ] {
        company.meet_on(host, guest, day, "HELD", &[]).await;
    }
    company
}

db_test!(a_trend_follows_overrides_and_a_reorg_inside_the_period);
async fn a_trend_follows_overrides_and_a_reorg_inside_the_period(backend: Backend) {
    let company = reorg(backend).await;
    let (from, to) = ("2026-02-26T12:00:00Z", "2026-04-02T12:00:00Z");

    let boss = trend(&company, "boss", from, to, "WEEK").await;
    let ann = trend(&company, "ann", from, to, "WEEK").await;
    let kim = trend(&company, "kim", from, to, "WEEK").await;

    // Points 02-26, 03-05, 03-12, 03-19, 03-26, 04-02 (noon). DIRECT pairs under boss:
    // boss–ann and boss–kim never meet; kim–k1 (21 days, from boss) covered 03-12 to 03-26;
    // kim–k2 until the leaving day, never met; ann–a1 (7 days, ann's) covered 03-05, then
    // the move: kim–a1 (21 days) not yet due, then met; ann–a2 (28 days, their own)
    // covered to 03-12; ann–a3 (7 days) not yet due on 03-12 only.
    // SKIP_LEVEL (10 days): boss–a1 overdue, then not yet due on its new line until 03-22;
    // boss–a2 never; boss–k1 met 03-01; boss–k2 until leaving; boss–a3 not yet due to 03-20.
    assert_eq!(
        boss,
        [
            (0.1667, 0.0),
            (0.3333, 0.25),
            (0.5714, 0.4),
            (0.3333, 0.5),
            (0.3333, 0.0),
            (0.1667, 0.0),
        ]
    );
    // Below ann, ann's own override and the pair's; no skip-level pairs.
    assert_eq!(
        ann,
        [
            (0.5, 1.0),
            (1.0, 1.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 1.0),
            (0.0, 1.0)
        ]
    );
    // Below kim, boss's 21 days come from above the root: with the built-in 14, kim–k1
    // would be overdue on 03-26.
    assert_eq!(
        kim,
        [
            (0.0, 1.0),
            (0.0, 1.0),
            (0.6667, 1.0),
            (1.0, 1.0),
            (1.0, 1.0),
            (0.5, 1.0)
        ]
    );
}

const WHOLE_REPORT: &str = "query($id: ID!, $at: DateTime) {
  coverageReport(managerId: $id, asOf: $at) {
    ...counts
    managers { ...counts }
  }
}
fragment counts on CoverageReport {
  directReportCount directCoverage skipLevelReportCount skipLevelCoverage
}";

/// Whole-subtree coverage of `root` at `at` as `coverageReport` computes it, one instant
/// at a time: every manager's covered pairs over all pairs.
async fn report_coverage(company: &Org, root: &str, at: &str) -> (f64, f64) {
    let vars = json!({ "id": company.id(root), "at": at });
    let answer = company.gql("hr", WHOLE_REPORT, vars).await.ok();
    let report = answer.data("/coverageReport");
    let mut reports = vec![report.clone()];
    reports.extend(report["managers"].as_array().expect("managers").clone());
    let share = |count: &str, coverage: &str| {
        let (mut covered, mut total) = (0.0, 0.0);
        for r in &reports {
            let n = r[count].as_f64().expect("count");
            covered += (n * r[coverage].as_f64().expect("coverage")).round();
            total += n;
        }
        if total == 0.0 { 1.0 } else { covered / total }
    };
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    (
        round(share("directReportCount", "directCoverage")),
        round(share("skipLevelReportCount", "skipLevelCoverage")),
    )
}

db_test!(a_trend_agrees_with_the_coverage_report_at_every_point);
async fn a_trend_agrees_with_the_coverage_report_at_every_point(backend: Backend) {
    let mut company = reorg(backend).await;
    // pre's line under ann starts a month before pre does, with p1 below: until pre's first
    // day, p1's 1:1s with pre follow the policy above the root, not ann's.
    let mut early = vec![
        row("pre", "Pat Early", Some("ann"), "2026-03-01"),
        row("p1", "Report p1", Some("pre"), "2025-01-01"),
    ];
    for r in &mut early {
        r["effectiveFrom"] = json!("2026-02-01T00:00:00Z");
    }
    company.hire(Value::Array(early)).await;
    company
        .meet_on("pre", "p1", "2026-03-05", "HELD", &[])
        .await;
    // s1 reports to a1, whose own chain changes with the move: a trend of a1's subtree
    // inherits ann's 7 days, then boss's 21.
    company
        .hire(json!([row("s1", "Report s1", Some("a1"), "2025-01-01")]))
        .await;
    company.meet_on("a1", "s1", "2026-03-03", "HELD", &[]).await;
    let start: DateTime<Utc> = "2026-02-10T00:00:00Z".parse().unwrap();
    let rfc = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);

    // Weekly trends of boss's and a1's subtrees starting on each day of a week, at midnight
    // (when lines start and end) and at 10:00 (when meetings happen), and monthly ones;
    // every point is checked against the report of that instant.
    let mut starts = Vec::new();
    for day in 0..7 {
        for hours in [0, 10] {
            starts.push((start + Duration::days(day) + Duration::hours(hours), "WEEK"));
        }
    }
    starts.push((start, "MONTH"));
    for ((from, interval), root) in starts.into_iter().flat_map(|s| [(s, "boss"), (s, "a1")]) {
        let to = from + Duration::weeks(8);
        let points = trend(&company, root, &rfc(from), &rfc(to), interval).await;
        let mut at = from;
        for (i, point) in points.iter().enumerate() {
            let expected = report_coverage(&company, root, &rfc(at)).await;
            assert_eq!(
                *point,
                expected,
                "{root} {interval} point {i} at {}",
                rfc(at)
            );
            at = if interval == "WEEK" {
                at + Duration::weeks(1)
            } else {
                at.checked_add_months(chrono::Months::new(1)).unwrap()
            };
        }
    }
}

db_test!(a_trend_runs_the_same_statements_for_five_points_as_for_fifty);
async fn a_trend_runs_the_same_statements_for_five_points_as_for_fifty(backend: Backend) {
    let company = reorg(backend).await;
    let run = |to: &'static str| {
        let company = &company;
        async move {
            let before = company.app.statements();
            let points = trend(company, "boss", "2025-06-01T00:00:00Z", to, "WEEK").await;
            (company.app.statements() - before, points.len())
        }
    };

    let (five, five_points) = run("2025-06-29T00:00:00Z").await;
    let (fifty, fifty_points) = run("2026-05-10T00:00:00Z").await;

    assert_eq!((five_points, fifty_points), (5, 50));
    assert_eq!(five, fifty, "statements grow with the points");
    // The viewer, the manager's chain now, the policies, the root's chains, the trend.
    assert!(five <= 5, "{five} statements");
}
