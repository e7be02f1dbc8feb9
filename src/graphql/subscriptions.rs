//! Subscriptions (graphql-transport-ws on `/graphql`).

use async_graphql::{Context, ErrorExtensions, ID, ResultExt, Subscription};
use chrono::Utc;
use futures_util::{Stream, stream};
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::{self, error::RecvError};

use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::meetings::Meeting;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::service::events::MeetingEvents;
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
                Ok(m) => Some((Ok(Meeting(m)), Some(watch))),
                // The error is the last item: the subscription ends after it.
                Err(err) => Some((Err(err.extend()), None)),
            }
        }))
    }
}

/// One subscriber's view of the meeting events.
struct Watch {
    receiver: broadcast::Receiver<i64>,
    db: DatabaseConnection,
    viewer: Viewer,
    person: Option<i64>,
}

impl Watch {
    /// The next changed meeting this subscriber may see; `None` when events stop, an error
    /// when the subscriber no longer may watch.
    async fn next(&mut self) -> Option<AppResult<meeting::Model>> {
        loop {
            let id = match self.receiver.recv().await {
                Ok(id) => id,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            // Visibility is checked per event, as of the event.
            match watch::change_seen_by(&self.db, &self.viewer, id, Utc::now()).await {
                Ok(Some(m)) if self.wants(&m) => return Some(Ok(m)),
                Ok(_) => continue,
                Err(err) => return Some(Err(err)),
            }
        }
    }

    fn wants(&self, m: &meeting::Model) -> bool {
        self.person
            .is_none_or(|p| m.host_id == p || m.guest_id == p)
    }
}
