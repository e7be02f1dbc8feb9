//! Meeting change events for subscriptions. Each instance keeps an in-process broadcast; on
//! PostgreSQL, events travel through `LISTEN/NOTIFY` so that every instance sharing the
//! database hears every change. On SQLite (one instance) the broadcast alone serves.

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use tokio::sync::broadcast;

const CHANNEL: &str = "cadence_meeting_changed";
const CAPACITY: usize = 1024;

/// Publishes and delivers "meeting N changed" events.
#[derive(Clone)]
pub struct MeetingEvents {
    tx: broadcast::Sender<i64>,
    via_postgres: bool,
    /// The PostgreSQL listening task, stopped by [`MeetingEvents::stop`].
    listener: Option<tokio::task::AbortHandle>,
}

impl MeetingEvents {
    /// Starts delivering events; on PostgreSQL this spawns the task that listens for them.
    pub async fn start(db: &DatabaseConnection, url: &str) -> anyhow::Result<Self> {
        let (tx, _) = broadcast::channel(CAPACITY);
        let via_postgres = db.get_database_backend() == DatabaseBackend::Postgres;
        let mut task = None;
        if via_postgres {
            let mut listener = PgListener::connect(url).await?;
            listener.listen(CHANNEL).await?;
            let sender = tx.clone();
            let listening = tokio::spawn(async move {
                loop {
                    match listener.recv().await {
                        Ok(note) => {
                            if let Ok(id) = note.payload().parse::<i64>() {
                                let _ = sender.send(id);
                            }
                        }
                        // The listener reconnects on its own; a failure here is logged and
                        // the loop goes on.
                        Err(err) => tracing::warn!(error = %err, "meeting event listener"),
                    }
                }
            });
            task = Some(listening.abort_handle());
        }
        Ok(Self {
            tx,
            via_postgres,
            listener: task,
        })
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
            let _ = self.tx.send(meeting_id);
        }
    }

    /// A receiver of every meeting id published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.tx.subscribe()
    }
}
