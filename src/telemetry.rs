//! Logging: `RUST_LOG`-style filtering (default `info`) on stderr, as human-readable lines
//! (coloured only on a terminal) or, with `--log-format json`, one JSON object per line.
//! And [`metrics`], what `/metrics` reports.

pub mod metrics;

use std::io::{BufWriter, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Lines that may wait for stderr before a logging request blocks on it.
const BUFFERED_LINES: usize = 64 * 1024;
/// Bytes the log thread gathers before it writes them out; it also writes whenever no
/// line is waiting, so a line is never held back.
const WRITE_BUFFER: usize = 64 * 1024;

/// Installs the log subscriber; call it before anything logs, and keep what it returns
/// until the process ends: dropping it writes out the lines still buffered.
///
/// Lines go to stderr from a thread of their own, so a request never waits for the
/// terminal or the log collector to take its line; when the buffer is full, logging
/// waits rather than drops lines. The thread writes every line waiting in one call, and
/// flushes as soon as none is left.
#[must_use = "dropping the guard stops logging"]
pub fn init(format: LogFormat) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    REQUEST_SPANS.store(format == LogFormat::Text, Ordering::Relaxed);
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(BUFFERED_LINES)
        .lossy(false)
        .finish(BufWriter::with_capacity(WRITE_BUFFER, std::io::stderr()));
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

/// Whether requests run in a [`RequestSpan`]: for text lines only, which show it.
static REQUEST_SPANS: AtomicBool = AtomicBool::new(true);

/// The span a request runs in: its request id, nothing more. Events logged while serving
/// it carry the id in text lines. JSON lines leave spans out (a span may hold what must
/// not be logged), so with `--log-format json` there is no span at all: each request's
/// own line names its id ([`crate::http::observe`]). tracing-actix-web's default span
/// records a dozen fields (client address, user agent, route, OpenTelemetry fields) on
/// every request, which nothing here reads.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        if !REQUEST_SPANS.load(Ordering::Relaxed) {
            return Span::none();
        }
        match request.extensions().get::<RequestId>() {
            Some(id) => tracing::info_span!("request", request_id = %id),
            None => tracing::info_span!("request"),
        }
    }

    fn on_request_end<B: MessageBody>(
        _span: Span,
        _outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
    }
}
