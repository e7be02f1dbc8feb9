//! Logging: `RUST_LOG`-style filtering (default `info`) on stderr, as human-readable lines
//! (coloured only on a terminal) or, with `--log-format json`, one JSON object per line.
//! And [`metrics`], what `/metrics` reports.

pub mod metrics;

use std::io::IsTerminal;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Lines that may wait for stderr before a logging request blocks on it.
const BUFFERED_LINES: usize = 64 * 1024;

/// Installs the log subscriber; call it before anything logs, and keep what it returns
/// until the process ends: dropping it writes out the lines still buffered.
///
/// Lines go to stderr from a thread of their own, so a request never waits for the
/// terminal or the log collector to take its line; when the buffer is full, logging
/// waits rather than drops lines.
#[must_use = "dropping the guard stops logging"]
pub fn init(format: LogFormat) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .lossy(false)
        .finish(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
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
    guard
}
