use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = cadence::config::Cli::parse();
    cadence::telemetry::init();
    cadence::cli::run(cli.command).await
}
