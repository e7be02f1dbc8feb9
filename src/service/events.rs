//! Meeting change events for subscriptions. Each instance keeps an in-process broadcast; on
//! PostgreSQL, events travel through `LISTEN/NOTIFY` so that every instance sharing the
//! database hears every change. On SQLite (one instance) the broadcast alone serves.
//!
//! No event is lost silently. `NOTIFY` reaches only the connections listening when it is
//! sent, so while an instance's LISTEN connection is down every change made elsewhere
//! passes it by. The listening task notices the loss (the connection ends, or stays silent
//! past [`Timing::idle_probe`] and then fails a probe), reconnects with a bounded backoff,
//! and only
//! once `LISTEN` holds again announces [`MeetingEvent::Missed`] to every receiver: a
//! subscriber that re-queries on that announcement sees everything written during the gap,
//! and hears every change after it. A receiver that falls more than [`CAPACITY`] events
//! behind gets the same announcement in place of the events it lost.

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::telemetry::metrics;

const CHANNEL: &str = "cadence_meeting_changed";
/// Events a receiver may fall behind by before it misses some.
const CAPACITY: usize = 1024;

/// How the listening task judges and replaces its LISTEN connection.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Longest the LISTEN connection stays silent before the task checks that it still
    /// answers: a connection whose peer vanished without closing it (a lost network) tells
    /// nothing otherwise.
    pub idle_probe: Duration,
    /// Longest a probe, or one attempt to connect and `LISTEN`, may take.
    pub attempt_timeout: Duration,
    /// The first wait between failed reconnection attempts; it doubles up to `max_backoff`.
    pub first_backoff: Duration,
    /// The longest wait between failed reconnection attempts.
    pub max_backoff: Duration,
}

impl Default for Timing {
    /// A probe after 30 s of silence, 5 s for a probe or an attempt, waits from 100 ms
    /// doubling to 5 s.
    fn default() -> Self {
        Self {
            idle_probe: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(5),
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// What a receiver hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingEvent {
    /// The meeting with this id was written.
    Changed(i64),
    /// Events may have been lost before this one (the LISTEN connection was down and is
    /// back, or this receiver fell behind): what a receiver knows may be stale, so it
    /// should read the current state again.
    Missed(Gap),
}

/// Why events may have been missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The instance's LISTEN connection was lost and has been re-established.
    Reconnected,
    /// This receiver fell more than [`CAPACITY`] events behind.
    Lagged,
    /// An event reached the receiver, but the database could not be reached to check what
    /// it may show of it, so it was withheld.
    Unavailable,
}

impl Gap {
    /// The name clients read (`extensions.reason` of the gap error).
    pub fn as_str(self) -> &'static str {
        match self {
            Gap::Reconnected => "RECONNECTED",
            Gap::Lagged => "LAGGED",
            Gap::Unavailable => "UNAVAILABLE",
        }
    }
}

/// Publishes and delivers "meeting N changed" events.
#[derive(Clone)]
pub struct MeetingEvents {
    tx: broadcast::Sender<MeetingEvent>,
    via_postgres: bool,
    /// The PostgreSQL listening task, stopped by [`MeetingEvents::stop`].
    listener: Option<tokio::task::AbortHandle>,
}

impl MeetingEvents {
    /// Starts delivering events; on PostgreSQL this connects, `LISTEN`s (an error if the
    /// database cannot be reached now) and spawns the task that listens from then on.
    pub async fn start(db: &DatabaseConnection, url: &str) -> anyhow::Result<Self> {
        Self::start_with(db, url, Timing::default()).await
    }

    /// [`MeetingEvents::start`] with the listening task's `timing`.
    pub async fn start_with(
        db: &DatabaseConnection,
        url: &str,
        timing: Timing,
    ) -> anyhow::Result<Self> {
        let (tx, _) = broadcast::channel(CAPACITY);
        let via_postgres = db.get_database_backend() == DatabaseBackend::Postgres;
        let mut task = None;
        if via_postgres {
            let limit = timing.attempt_timeout;
            let listener = tokio::time::timeout(limit, listen(url))
                .await
                .map_err(|_| anyhow::anyhow!("LISTEN timed out after {limit:?}"))??;
            let listening = tokio::spawn(relay(listener, url.to_owned(), tx.clone(), timing));
            task = Some(listening.abort_handle());
        }
        Ok(Self {
            tx,
            via_postgres,
            listener: task,
        })
    }

    /// Events that exist only in this process (no LISTEN task), as on SQLite.
    #[cfg(test)]
    fn in_process() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
            via_postgres: false,
            listener: None,
        }
    }

    /// Stops listening (at shutdown): the LISTEN connection closes.
    pub fn stop(&self) {
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }

    /// Announces that a meeting changed. Failures only cost a live update, never the write.
    pub async fn publish(&self, db: &impl ConnectionTrait, meeting_id: i64) {
        if self.via_postgres {
            let stmt = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), meeting_id.to_string().into()],
            );
            if let Err(err) = db.execute_raw(stmt).await {
                tracing::warn!(error = %err, "publishing a meeting event");
            }
        } else {
            let _ = self.tx.send(MeetingEvent::Changed(meeting_id));
        }
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> MeetingReceiver {
        MeetingReceiver(self.tx.subscribe())
    }
}

/// One subscriber's end of the events.
pub struct MeetingReceiver(broadcast::Receiver<MeetingEvent>);

impl MeetingReceiver {
    /// The next event; `None` once events stop for good. Falling behind yields one
    /// [`Gap::Lagged`] in place of the events that were dropped, then the events after them.
    pub async fn recv(&mut self) -> Option<MeetingEvent> {
        match self.0.recv().await {
            Ok(event) => Some(event),
            Err(RecvError::Lagged(lost)) => {
                tracing::warn!(lost, "a subscriber fell behind and missed meeting events");
                metrics::events_lagged(lost);
                Some(MeetingEvent::Missed(Gap::Lagged))
            }
            Err(RecvError::Closed) => None,
        }
    }
}

/// A fresh LISTEN connection.
async fn listen(url: &str) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    // A lost connection is re-established here, by `reconnect`, not inside `try_recv`.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// The listening task: relays notifications to the broadcast until the connection is lost,
/// then reconnects and announces the gap; forever (until aborted).
async fn relay(
    mut listener: PgListener,
    url: String,
    tx: broadcast::Sender<MeetingEvent>,
    timing: Timing,
) {
    loop {
        let lost = receive(&mut listener, &tx, timing).await;
        tracing::warn!(reason = %lost, "meeting event listener lost its connection; reconnecting");
        metrics::events_listener_disconnected();
        // Dropped first: a broken connection is never used again. (A connection that went
        // silent is still held by the listener, whose drop sends it `UNLISTEN` from a task
        // of its own; that task ends when the operating system gives the socket up.)
        drop(listener);
        listener = reconnect(&url, timing).await;
        tracing::info!(
            "meeting event listener reconnected; subscribers are told they may have missed events"
        );
        metrics::events_listener_reconnected();
        let _ = tx.send(MeetingEvent::Missed(Gap::Reconnected));
    }
}

/// Relays notifications until the connection is lost; why it was judged lost.
async fn receive(
    listener: &mut PgListener,
    tx: &broadcast::Sender<MeetingEvent>,
    timing: Timing,
) -> String {
    loop {
        // `try_recv` is cancel-safe while it waits: a timeout loses no notification.
        match tokio::time::timeout(timing.idle_probe, listener.try_recv()).await {
            Ok(Ok(Some(note))) => match note.payload().parse::<i64>() {
                Ok(id) => {
                    let _ = tx.send(MeetingEvent::Changed(id));
                }
                Err(_) => tracing::warn!(payload = note.payload(), "unreadable meeting event"),
            },
            Ok(Ok(None)) => return "the connection ended".into(),
            // Any other failure leaves the connection in doubt: it is replaced, and the
            // replacement announces a gap, which costs subscribers one re-query at most.
            Ok(Err(err)) => return err.to_string(),
            Err(_) => {
                let probe = sea_orm::sqlx::query("SELECT 1").execute(&mut *listener);
                match tokio::time::timeout(timing.attempt_timeout, probe).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(err)) => return format!("probe failed: {err}"),
                    Err(_) => {
                        return format!("probe got no answer in {:?}", timing.attempt_timeout);
                    }
                }
            }
        }
    }
}

/// A new LISTEN connection, attempted until one holds: each attempt bounded by
/// `timing.attempt_timeout`, the waits between them doubling from `timing.first_backoff`
/// to `timing.max_backoff`.
async fn reconnect(url: &str, timing: Timing) -> PgListener {
    let mut wait = timing.first_backoff;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        match tokio::time::timeout(timing.attempt_timeout, listen(url)).await {
            Ok(Ok(listener)) => return listener,
            Ok(Err(err)) => {
                tracing::debug!(error = %err, attempts, "meeting event listener: reconnecting")
            }
            Err(_) => tracing::debug!(attempts, "meeting event listener: reconnection timed out"),
        }
        if attempts.is_power_of_two() {
            tracing::warn!(
                attempts,
                "meeting event listener still cannot reach the database"
            );
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(timing.max_backoff);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_receiver_that_falls_behind_hears_one_gap_then_the_later_events() {
        let events = MeetingEvents::in_process();
        let mut slow = events.subscribe();
        let mut prompt = events.subscribe();
        for id in 0..(CAPACITY as i64 + 10) {
            let _ = events.tx.send(MeetingEvent::Changed(id));
            assert_eq!(prompt.recv().await, Some(MeetingEvent::Changed(id)));
        }
        assert_eq!(slow.recv().await, Some(MeetingEvent::Missed(Gap::Lagged)));
        // The oldest event still held comes next, then the rest in order.
        assert_eq!(slow.recv().await, Some(MeetingEvent::Changed(10)));
        assert_eq!(slow.recv().await, Some(MeetingEvent::Changed(11)));
    }

    #[tokio::test]
    async fn a_receiver_hears_none_once_events_stop() {
        let events = MeetingEvents::in_process();
        let mut receiver = events.subscribe();
        drop(events);
        assert_eq!(receiver.recv().await, None);
    }
}
