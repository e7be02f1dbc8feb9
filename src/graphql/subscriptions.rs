//! Subscriptions (graphql-transport-ws on `/graphql`).

use async_graphql::{Context, ErrorExtensions, ID, ResultExt, Subscription};
use chrono::Utc;
use futures_util::{Stream, stream};
use sea_orm::DatabaseConnection;

use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::meetings::Meeting;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::service::events::{Gap, MeetingEvent, MeetingEvents, MeetingReceiver};
use crate::service::watch;
use entity::meeting;

#[derive(Default)]
pub struct MeetingsSubscription;

#[Subscription]
impl MeetingsSubscription {
    /// Meetings as they are logged, imported, rescheduled or cancelled: only those the
    /// viewer may see, and with `personId` only that person's. The viewer is checked again
    /// before each event: once they are no longer an employed person, the subscription
    /// ends with an UNAUTHENTICATED error. The socket closes (4403) when the token expires.
    ///
    /// When events may have been missed, the subscription sends an error event instead of
    /// a meeting (`errors[0].extensions.code` `EVENTS_MISSED`) and stays open. Its
    /// `extensions.reason` says why: `RECONNECTED` on PostgreSQL, once the server's event
    /// feed is back after losing its database connection (so a query sent on receiving it
    /// sees every change made meanwhile); `LAGGED` when this subscriber fell too far
    /// behind; `UNAVAILABLE` when the database could not be reached to check an event.
    /// Query again for the current state on receiving it.
    async fn meeting_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only meetings this person takes part in.")] person_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Meeting>> + use<>> {
        let rc = RequestContext::of(ctx);
        // The viewer is the token's as of `subscribe` (`http::socket`);
        // `Watch` checks it again at each event.
        watch::ensure_can_watch(&rc.viewer).extend()?;
        let person = person_id
            .map(|id| ids::expect(&id, NodeKind::Person, "personId"))
            .transpose()
            .extend()?;
        let watch = Watch {
            receiver: ctx.data::<MeetingEvents>()?.subscribe(),
            db: rc.db.clone(),
            viewer: rc.viewer.clone(),
            person,
        };
        Ok(stream::unfold(Some(watch), |watch| async move {
            let mut watch = watch?;
            match watch.next().await? {
                Ok(Seen::Meeting(m)) => Some((Ok(Meeting(*m)), Some(watch))),
                // A gap is told and the subscription goes on.
                Ok(Seen::Missed(gap)) => Some((Err(events_missed(gap)), Some(watch))),
                // The error is the last item: the subscription ends after it.
                Err(err) => Some((Err(err.extend()), None)),
            }
        }))
    }
}

/// The error event that tells a subscriber it may have missed events.
fn events_missed(gap: Gap) -> async_graphql::Error {
    async_graphql::Error::new(
        "Meeting events may have been missed; query again for the current state. \
         This subscription stays open.",
    )
    .extend_with(|_, e| {
        e.set("code", "EVENTS_MISSED");
        e.set("reason", gap.as_str());
    })
}

/// What a subscriber is shown.
enum Seen {
    Meeting(Box<meeting::Model>),
    Missed(Gap),
}

/// One subscriber's view of the meeting events.
struct Watch {
    receiver: MeetingReceiver,
    db: DatabaseConnection,
    viewer: Viewer,
    person: Option<i64>,
}

impl Watch {
    /// The next changed meeting this subscriber may see, or a gap (which carries no data,
    /// so it is told unchecked); `None` when events stop, an error when the subscriber no
    /// longer may watch.
    async fn next(&mut self) -> Option<AppResult<Seen>> {
        loop {
            let id = match self.receiver.recv().await? {
                MeetingEvent::Changed(id) => id,
                MeetingEvent::Missed(gap) => return Some(Ok(Seen::Missed(gap))),
            };
            match self.check(id).await {
                Ok(Some(m)) if self.wants(&m) => return Some(Ok(Seen::Meeting(Box::new(m)))),
                Ok(_) => continue,
                Err(err) if err.is_unavailable() => {
                    return Some(Ok(Seen::Missed(Gap::Unavailable)));
                }
                Err(err) => return Some(Err(err)),
            }
        }
    }

    /// Visibility is checked per event, as of the event. A check the database could not
    /// answer is tried once more: the first may have met a pooled connection that broke
    /// while idle (the pool then drops it), and a gap costs every such subscriber a
    /// re-query.
    async fn check(&self, id: i64) -> AppResult<Option<meeting::Model>> {
        match watch::change_seen_by(&self.db, &self.viewer, id, Utc::now()).await {
            Err(err) if err.is_unavailable() => {
                watch::change_seen_by(&self.db, &self.viewer, id, Utc::now()).await
            }
            seen => seen,
        }
    }

    fn wants(&self, m: &meeting::Model) -> bool {
        self.person
            .is_none_or(|p| m.host_id == p || m.guest_id == p)
    }
}
