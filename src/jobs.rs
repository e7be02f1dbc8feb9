//! The background work `serve` runs beside the HTTP server: the rating freezer, the
//! overdue-1:1 check and the webhook dispatcher. Each reads the clock itself (when a
//! quarter ended, what is overdue, what is due is the question it answers), logs a failure
//! and tries again at its next round: none ever stops the server. [`Jobs::stop`] ends them
//! at shutdown, before the pools close.

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use crate::config::{DatabaseSettings, WebhookSettings};
use crate::service::webhooks::{deliver, dispatch};

/// How often delivered webhook events older than the retention are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The jobs that run, each `None` when its setting turns it off.
pub struct Jobs {
    freezer: Option<JoinHandle<()>>,
    overdue: Option<JoinHandle<()>>,
    dispatcher: Option<Dispatcher>,
}

impl Jobs {
    /// Starts the jobs on the primary pool `db`. Ended quarters' rating figures are frozen
    /// before this returns, so that no report finds one unfrozen for long after a start.
    pub async fn start(
        db: &DatabaseConnection,
        database: &DatabaseSettings,
        webhooks: &WebhookSettings,
    ) -> anyhow::Result<Self> {
        let dispatcher = Dispatcher::start(db, webhooks)?;
        let freeze_every = database.ratings_freeze_interval;
        let freezer = if freeze_every.is_zero() {
            None
        } else {
            freeze_ratings(db.clone()).await;
            let db = db.clone();
            let first = Instant::now() + freeze_every;
            Some(every(first, freeze_every, move || {
                freeze_ratings(db.clone())
            }))
        };
        let check_every = webhooks.overdue_check_interval;
        let overdue = (!check_every.is_zero()).then(|| {
            let db = db.clone();
            // At once: pairs already overdue are announced at start-up.
            every(Instant::now(), check_every, move || {
                check_overdue(db.clone())
            })
        });
        Ok(Jobs {
            freezer,
            overdue,
            dispatcher,
        })
    }

    /// Stops every job. A freeze or an overdue check cut short rolls back whole (the next
    /// start does it again); the dispatcher's round in flight may finish first.
    pub async fn stop(self) {
        for job in [self.freezer, self.overdue].into_iter().flatten() {
            job.abort();
        }
        if let Some(dispatcher) = self.dispatcher {
            dispatcher.stop().await;
        }
    }
}

/// Runs `job` at `first` and then every `interval`, a round never overlapping the last.
fn every<F, Fut>(first: Instant, interval: Duration, job: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(first, interval);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            job().await;
        }
    })
}

/// Freezes the rating figures of every quarter that has ended
/// ([`crate::service::insights::freeze_ended_quarters`]) and the figures of every pulse
/// round whose closing time has passed ([`crate::service::pulse::freeze_ended_rounds`]).
async fn freeze_ratings(db: DatabaseConnection) {
    if let Err(err) = crate::service::insights::freeze_ended_quarters(&db, Utc::now()).await {
        tracing::error!(error = %err, "freezing rating figures failed");
    }
    // Pulse rounds past their closing time get their figures frozen on the same schedule.
    if let Err(err) = crate::service::pulse::freeze_ended_rounds(&db, Utc::now()).await {
        tracing::error!(error = %err, "freezing pulse rounds failed");
    }
}

/// Announces the 1:1s that have newly fallen overdue ([`crate::service::reminders`]).
async fn check_overdue(db: DatabaseConnection) {
    match crate::service::reminders::check_overdue(&db, Utc::now()).await {
        Ok(checked) if checked.skipped => {
            tracing::info!("overdue 1:1s: another instance is checking, skipped")
        }
        Ok(checked) => tracing::info!(
            overdue = checked.overdue,
            announced = checked.announced.len(),
            "checked for overdue 1:1s"
        ),
        Err(err) => tracing::error!(error = %err, "checking for overdue 1:1s failed"),
    }
}

/// The webhook dispatcher's task and the signal that stops it between two rounds.
struct Dispatcher {
    task: JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Dispatcher {
    /// Starts delivering webhook events (unless `--webhook-dispatcher false`): a round as
    /// soon as the last one found work, else every poll interval; prunes delivered rows
    /// hourly.
    fn start(db: &DatabaseConnection, settings: &WebhookSettings) -> anyhow::Result<Option<Self>> {
        if !settings.webhook_dispatcher {
            return Ok(None);
        }
        let sender = deliver::Sender::new()?;
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let (db, settings) = (db.clone(), settings.clone());
        let task = tokio::spawn(async move {
            let mut pruned: Option<Instant> = None;
            while !*stopped.borrow() {
                let now = Utc::now();
                if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                    if let Err(err) = dispatch::prune(&db, settings.webhook_retention, now).await {
                        tracing::error!(error = %err, "pruning delivered webhook events failed");
                    }
                    pruned = Some(Instant::now());
                }
                let busy = match dispatch::deliver_due(&db, &sender, &settings, now).await {
                    Ok(tried) => tried > 0,
                    Err(err) => {
                        tracing::error!(error = %err, "delivering webhook events failed");
                        false
                    }
                };
                if !busy {
                    tokio::select! {
                        _ = stopped.changed() => {}
                        _ = tokio::time::sleep(settings.webhook_poll_interval) => {}
                    }
                }
            }
        });
        Ok(Some(Dispatcher { task, stop }))
    }

    /// Lets the round in flight finish (its answers recorded), for at most a little more
    /// than one delivery's timeout; then cuts it short, which leaves its deliveries pending
    /// for the next start or another instance.
    async fn stop(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        let grace = deliver::TIMEOUT + Duration::from_secs(5);
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            task.abort();
        }
    }
}
