//! Subscriptions (graphql-transport-ws on `/graphql`).

use async_graphql::{Context, ID, ResultExt, Subscription};
use chrono::Utc;
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::broadcast::error::RecvError;

use super::context::RequestContext;
use super::ids::{self, NodeKind};
use super::meetings::Meeting;
use crate::service::events::MeetingEvents;
use crate::service::meetings;

#[derive(Default)]
pub struct MeetingsSubscription;

#[Subscription]
impl MeetingsSubscription {
    /// Meetings as they are logged, imported, rescheduled or cancelled: only those the
    /// viewer may see, and with `personId` only that person's.
    async fn meeting_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only meetings this person takes part in.")] person_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = Meeting> + use<>> {
        let rc = RequestContext::of(ctx);
        meetings::ensure_can_watch(&rc.viewer).extend()?;
        let person = person_id
            .map(|id| ids::expect(&id, NodeKind::Person, "personId"))
            .transpose()
            .extend()?;
        let receiver = ctx.data::<MeetingEvents>()?.subscribe();
        let (db, viewer) = (rc.db.clone(), rc.viewer.clone());
        let ids = stream::unfold(receiver, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(id) => return Some((id, rx)),
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        Ok(ids.filter_map(move |id| {
            let (db, viewer) = (db.clone(), viewer.clone());
            async move {
                // Visibility is checked per event, as of the event.
                let m = meetings::get(&db, &viewer, id, Utc::now()).await.ok()??;
                let wanted = person.is_none_or(|p| m.host_id == p || m.guest_id == p);
                wanted.then_some(Meeting(m))
            }
        }))
    }
}
