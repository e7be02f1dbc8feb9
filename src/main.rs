use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = cadence::config::Cli::parse();
    cadence::telemetry::init(cli.log_format);
    match cadence::cli::run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match err.downcast_ref::<cadence::cli::Exit>() {
            Some(exit) => ExitCode::from(exit.status),
            None => {
                eprintln!("Error: {err:?}");
                ExitCode::FAILURE
            }
        },
    }
}
