//! `cadence import people FILE`.

use crate::config::ImportPeopleArgs;

pub async fn run(_args: ImportPeopleArgs) -> anyhow::Result<()> {
    anyhow::bail!("placeholder until the HRIS import lands")
}
