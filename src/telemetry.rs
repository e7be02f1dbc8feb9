//! Logging: `RUST_LOG`-style filtering (default `info`) on stderr, as human-readable lines
//! (coloured only on a terminal) or, with `--log-format json`, one JSON object per line.
//! And [`metrics`], what `/metrics` reports.

pub mod metrics;

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the log subscriber; call it before anything logs.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        // Span fields are left out: a service span records its arguments, which may hold
        // meeting content; each request's own line carries its request id.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
}
