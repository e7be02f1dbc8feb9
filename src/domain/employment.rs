//! Instants and employment periods. Every stored instant is whole seconds in UTC, so that
//! instants compare the same way on every database.

use chrono::{DateTime, Days, NaiveDate, SubsecRound, Utc};

/// Drops sub-second precision: stored instants are whole seconds.
pub fn truncate(instant: DateTime<Utc>) -> DateTime<Utc> {
    instant.trunc_subsecs(0)
}

/// Midnight UTC at the start of `date`.
pub fn start_of(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
}

/// The first instant after employment: midnight UTC after the last day (`end_date`).
pub fn end_instant(end_date: NaiveDate) -> DateTime<Utc> {
    start_of(end_date.checked_add_days(Days::new(1)).unwrap_or(end_date))
}

/// Whether someone with these dates is employed at `at` (start and end days inclusive).
pub fn is_employed(
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> bool {
    let day = at.date_naive();
    start_date.is_none_or(|s| s <= day) && end_date.is_none_or(|e| day <= e)
}
