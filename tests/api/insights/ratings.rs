//! The average rating: it needs three ratings by reports, a frozen quarter's average never
//! moves, a quarter still running has none, and a quarter is frozen by the freezing job,
//! never by a report reading it.

use chrono::Utc;
use serde_json::{Value, json};

use super::{BEFORE, REPORT, figures};
use crate::db_test;
use crate::support::{Backend, Org, normalized, rated_team, row};

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
    company.app.freeze_ratings().await;
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

db_test!(a_frozen_quarter_average_never_moves_so_no_late_rating_shows);
async fn a_frozen_quarter_average_never_moves_so_no_late_rating_shows(backend: Backend) {
    let mut company = Org::spawn_with(backend, rated_team()).await;
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
    let frozen = company.app.freeze_ratings().await;
    let published = boss_reads_average(&company, "2026-07-02T12:00:00Z").await;

    // After the quarter: d2 changes their rating, d1 rates a 1:1 they had not rated, and a
    // forgotten June 1:1 is logged and rated. Each would move a live average by one rating.
    company.rate("d2", "em-d2-2026-05-05", 1).await;
    company.rate("d1", "em-d1-2026-06-15", 1).await;
    company.meet_on("d3", "em", "2026-06-29", "HELD", &[]).await;
    company.rate("d3", "d3-em-2026-06-29", 1).await;
    // The job runs again, as it does every interval: the quarter is frozen already.
    let again = company.app.freeze_ratings().await;

    assert!(frozen.contains(&"2026-04-01".to_string()), "{frozen:?}");
    assert_eq!(again, Vec::<String>::new());
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
    // The freezing job leaves a running quarter alone.
    let frozen = company.app.freeze_ratings().await;
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
    let running = format!("{year}-{:02}-01", (q - 1) * 3 + 1);
    assert!(!frozen.contains(&running), "{frozen:?}");
    assert_eq!(
        answer.data("/coverageReport/averageRating"),
        &Value::Null,
        "{rated} ratings of a running quarter"
    );
}

db_test!(an_ended_quarter_shows_figures_once_frozen_and_reading_it_freezes_nothing);
async fn an_ended_quarter_shows_figures_once_frozen_and_reading_it_freezes_nothing(
    backend: Backend,
) {
    let mut company = Org::spawn_with(backend, rated_team()).await;
    for (report, day, rating) in [
        ("d1", "2026-02-02", 5),
        ("d2", "2026-02-03", 4),
        ("d3", "2026-02-04", 3),
    ] {
        company.meet_on("em", report, day, "HELD", &[]).await;
        company
            .rate(report, &format!("em-{report}-{day}"), rating)
            .await;
    }
    let april = "2026-04-10T12:00:00Z";

    // The first quarter has ended, but the job has not run since these meetings: no
    // figures, and the reading stores none (it runs on a read-only connection).
    let before = boss_reads_average(&company, april).await;
    let read_again = boss_reads_average(&company, april).await;
    // A rating changed now still counts: nothing was frozen by reading.
    company.rate("d1", "em-d1-2026-02-02", 2).await;
    let frozen = company.app.freeze_ratings().await;
    let after = boss_reads_average(&company, april).await;

    assert_eq!(before, Value::Null);
    assert_eq!(read_again, Value::Null);
    assert!(frozen.contains(&"2026-01-01".to_string()), "{frozen:?}");
    // d1 2, d2 4, d3 3: 9 / 3.
    assert_eq!(after, json!(3.0));
}

/// (year, quarter 1–4) of a day.
fn quarter_of(day: chrono::NaiveDate) -> (i32, u32) {
    use chrono::Datelike;
    (day.year(), day.month0() / 3 + 1)
}
