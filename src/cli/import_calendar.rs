//! `cadence import calendar FILE`.

use crate::config::ImportCalendarArgs;

pub async fn run(_args: ImportCalendarArgs) -> anyhow::Result<()> {
    anyhow::bail!("placeholder until the calendar import lands")
}
