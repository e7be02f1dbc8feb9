//! `coverageTrend` gives one point per week or per month.

use serde_json::json;

use super::{AFTER, BEFORE, TREND, fixture};
use crate::db_test;
use crate::support::{Backend, normalized};

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
