//! `cadence export meetings` and `cadence export coverage`.

use crate::config::{ExportCoverageArgs, ExportMeetingsArgs};

pub async fn meetings(_args: ExportMeetingsArgs) -> anyhow::Result<()> {
    anyhow::bail!("placeholder until the exports land")
}

pub async fn coverage(_args: ExportCoverageArgs) -> anyhow::Result<()> {
    anyhow::bail!("placeholder until the exports land")
}
