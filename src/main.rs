use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = cadence::config::Cli::parse();
    let logs = cadence::telemetry::init(cli.log_format);
    let outcome = cadence::cli::run(cli.command).await;
    // Every buffered log line is out before the error, if any, is printed.
    drop(logs);
    match outcome {
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
