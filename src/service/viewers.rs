//! Who a request is for: the identity of a verified token resolved to a viewer (an
//! integration, or an employed person), with the people behind tokens remembered for a
//! moment.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use lru::LruCache;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::{Identity, Role, Viewer};
use crate::domain::employment::is_employed;
use crate::error::{AppError, AppResult};
use entity::person;

fn integration_viewer(identity: &Identity) -> Option<Viewer> {
    identity
        .has_role(Role::Integration)
        .then(|| Viewer::Integration {
            client: identity.subject.clone(),
            scopes: identity.scopes.clone(),
        })
}

/// The person a token's subject names, as far as a viewer needs it.
#[derive(Debug, Clone)]
struct Subject {
    id: i64,
    external_id: String,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
}

async fn subject(db: &impl ConnectionTrait, external_id: &str) -> AppResult<Option<Subject>> {
    Ok(person::Entity::find()
        .filter(person::Column::ExternalId.eq(external_id))
        .one(db)
        .await?
        .map(|p| Subject {
            id: p.id,
            external_id: p.external_id,
            start_date: p.start_date,
            end_date: p.end_date,
        }))
}

fn person_viewer(
    identity: &Identity,
    person: Option<&Subject>,
    now: DateTime<Utc>,
) -> AppResult<Viewer> {
    match person {
        Some(p) if is_employed(p.start_date, p.end_date, now) => Ok(Viewer::Person {
            id: p.id,
            external_id: p.external_id.clone(),
            hr_admin: identity.has_role(Role::HrAdmin),
        }),
        _ => Err(AppError::unauthenticated()),
    }
}

/// Counts writes to people, so that subjects remembered before one are looked up again.
static PEOPLE_WRITES: AtomicU64 = AtomicU64::new(0);

/// Called once a write to people has committed: every remembered subject is read again.
pub(crate) fn people_written() {
    PEOPLE_WRITES.fetch_add(1, Ordering::Release);
}

/// Token subjects recently looked up, so that a client's requests in quick succession do
/// not each read its person row. Employment is still judged on every request, from the
/// remembered start and end dates; what a remembered row can miss is a change to them.
/// A write to people through this process forgets every entry at once; a write through
/// another instance sharing the database shows here within the time to live.
pub struct SubjectCache {
    entries: Mutex<LruCache<String, Remembered>>,
    ttl: std::time::Duration,
}

struct Remembered {
    subject: Option<Subject>,
    looked_up: Instant,
    writes_then: u64,
}

impl SubjectCache {
    const CAPACITY: NonZeroUsize = NonZeroUsize::new(10_000).unwrap();

    /// Trusts a subject read up to `ttl` ago (zero: remembers nothing).
    pub fn new(ttl: std::time::Duration) -> Self {
        Self {
            entries: Mutex::new(LruCache::new(Self::CAPACITY)),
            ttl,
        }
    }

    /// Resolves a verified token's identity to a viewer: an integration, or an employed
    /// person. The subject's person row is read only when it is not remembered.
    #[tracing::instrument(level = "debug", skip(self, db, identity), fields(sub = %identity.subject))]
    pub async fn viewer_for(
        &self,
        db: &impl ConnectionTrait,
        identity: &Identity,
        now: DateTime<Utc>,
    ) -> AppResult<Viewer> {
        if let Some(viewer) = integration_viewer(identity) {
            return Ok(viewer);
        }
        let writes_then = PEOPLE_WRITES.load(Ordering::Acquire);
        if let Some(subject) = self.remembered(&identity.subject, writes_then) {
            return person_viewer(identity, subject.as_ref(), now);
        }
        let subject = subject(db, &identity.subject).await?;
        let viewer = person_viewer(identity, subject.as_ref(), now);
        if self.ttl.is_zero() {
            return viewer;
        }
        self.lock().put(
            identity.subject.clone(),
            Remembered {
                subject,
                looked_up: Instant::now(),
                writes_then,
            },
        );
        viewer
    }

    fn remembered(&self, sub: &str, writes_now: u64) -> Option<Option<Subject>> {
        let mut entries = self.lock();
        let entry = entries.get(sub)?;
        if entry.writes_then == writes_now && entry.looked_up.elapsed() < self.ttl {
            return Some(entry.subject.clone());
        }
        entries.pop(sub);
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Remembered>> {
        // Every entry is whole; a panic elsewhere while holding the lock spoils none.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
