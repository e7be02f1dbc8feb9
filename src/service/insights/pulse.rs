//! The coverage report's pulse figures: each manager's figures in the latest pulse round
//! frozen by the report's `asOf`, from 3 respondents on.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::CoverageReport;
use crate::error::AppResult;
use crate::service::pulse::latest_figures;

/// Fills `pulse` in `report` and every report of its `managers`, in two statements (the
/// latest frozen round, the managers' figures in it). The report itself was built under
/// `access::ensure_can_read_insights`, whose people are exactly those
/// `access::ensure_can_read_pulse_results` admits for the root and every manager below it.
pub async fn with_pulse(
    db: &impl ConnectionTrait,
    report: &mut CoverageReport,
    as_of: DateTime<Utc>,
) -> AppResult<()> {
    let mut shown: Vec<i64> = std::iter::once(report.manager)
        .chain(report.managers.iter().map(|m| m.manager))
        .collect();
    shown.sort_unstable();
    let Some((round, figures)) = latest_figures(db, &shown, as_of).await? else {
        return Ok(());
    };
    report.pulse = figures.get(&report.manager).map(|f| (round.clone(), *f));
    for r in &mut report.managers {
        r.pulse = figures.get(&r.manager).map(|f| (round.clone(), *f));
    }
    Ok(())
}
