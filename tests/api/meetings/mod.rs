//! Meetings: `logMeeting` (kinds, idempotency by externalId, templates, rejections), kinds
//! after a back-dated reorg, `updateMeeting`, `cancelMeeting`, `importMeetings`, filters and
//! paging, `meetsWith`, ratings, and statement counts that do not grow with the rows.

use serde_json::json;

use crate::support::Org;

mod changes;
mod import;
mod listing;
mod logging;
mod meets_with;
mod ratings;
mod statements;

const COUNT_MEETINGS: &str = "{ meetings { totalCount nodes { id externalId } } }";

/// How many meetings exist (as seen by a full-scope integration).
async fn meeting_count(org: &Org) -> i64 {
    org.admin(COUNT_MEETINGS, json!({}))
        .await
        .ok()
        .data("/meetings/totalCount")
        .as_i64()
        .expect("totalCount")
}
