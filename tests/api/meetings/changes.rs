//! Meetings changed after the fact: a back-dated reorg reclassifies later meetings only,
//! `updateMeeting` reschedules and records what happened, rescheduling re-derives the kind.

use std::collections::HashMap;

use serde_json::json;

use crate::db_test;
use crate::support::{Backend, LOG_MEETING, Org, assert_bad_input, at, in_days, instants, person};

db_test!(a_back_dated_reorg_reclassifies_later_meetings_only);
async fn a_back_dated_reorg_reclassifies_later_meetings_only(backend: Backend) {
    let mut org = Org::spawn(backend).await;
    let meetings = [
        // (host, guest, day, kind before the reorg, kind after it)
        ("cto", "dev3", "2023-06-01", "SKIP_LEVEL", "SKIP_LEVEL"),
        ("cto", "em2", "2023-06-02", "DIRECT", "DIRECT"),
        ("cfo", "dev3", "2023-06-03", "PEER", "PEER"),
        ("cto", "dev3", "2024-06-01", "SKIP_LEVEL", "PEER"),
        ("cto", "em2", "2024-06-02", "DIRECT", "PEER"),
        ("cfo", "dev3", "2024-06-03", "PEER", "SKIP_LEVEL"),
        ("cfo", "em2", "2024-06-04", "PEER", "DIRECT"),
        ("ceo", "dev3", "2024-06-05", "OTHER", "OTHER"),
        ("em1", "dev3", "2024-06-06", "PEER", "PEER"),
        ("em1", "dev1", "2024-06-07", "DIRECT", "DIRECT"),
    ];
    let mut ids = Vec::new();
    for (host, guest, day, before, _) in meetings {
        let mut input = org.input(host, guest, &at(day), "HELD");
        input["externalId"] = json!(format!("{host}-{guest}-{day}"));
        let answer = org.admin(LOG_MEETING, json!({ "input": input })).await.ok();
        assert_eq!(answer.data("/logMeeting/meeting/kind"), before);
        ids.push(answer.data("/logMeeting/meeting/id").clone());
    }

    // em2 (and with them dev3) moved from the CTO to the CFO at the start of 2024.
    let mut em2 = person("em2", "Eli Manager", Some("cfo"));
    em2["startDate"] = json!("2020-01-01");
    em2["effectiveFrom"] = json!("2024-01-01T00:00:00Z");
    org.hire(json!([em2])).await;

    let answer = org
        .admin("{ meetings(first: 100) { nodes { id kind } } }", json!({}))
        .await
        .ok();
    let kinds: HashMap<&str, &str> = answer
        .data("/meetings/nodes")
        .as_array()
        .expect("nodes")
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m["kind"].as_str().unwrap()))
        .collect();
    for ((host, guest, day, _, after), id) in meetings.iter().zip(&ids) {
        assert_eq!(
            kinds[id.as_str().unwrap()],
            *after,
            "{host} with {guest} on {day}"
        );
    }
}

const UPDATE: &str = "mutation($input: UpdateMeetingInput!) {
  updateMeeting(input: $input) {
    meeting { id status scheduledAt durationMinutes kind sharedNotes agenda { text } }
  }
}";

db_test!(update_meeting_reschedules_and_records_what_happened);
async fn update_meeting_reschedules_and_records_what_happened(backend: Backend) {
    let org = Org::spawn(backend).await;
    let upcoming = org.meet("em1", "dev1", &in_days(7), "SCHEDULED").await;
    let past = org
        .meet("em1", "dev1", &at("2024-03-04"), "SCHEDULED")
        .await;
    let mut synced = org.input("em1", "dev1", &at("2024-03-11"), "SCHEDULED");
    synced["externalId"] = json!("cal-7");
    synced["agenda"] = json!([{ "text": "Offsite", "category": "STRATEGIC" }]);
    let synced = org.log(synced).await;
    let later = in_days(14);

    let moved = org
        .gql(
            "em1",
            UPDATE,
            json!({ "input": { "id": upcoming, "scheduledAt": later, "durationMinutes": 50 } }),
        )
        .await
        .ok();
    let held_in_future = org
        .gql(
            "em1",
            UPDATE,
            json!({ "input": { "id": upcoming, "status": "HELD" } }),
        )
        .await;
    let bad_length = org
        .gql(
            "em1",
            UPDATE,
            json!({ "input": { "id": upcoming, "durationMinutes": 0 } }),
        )
        .await;
    let held = org
        .gql(
            "dev1",
            UPDATE,
            json!({ "input": { "id": past, "status": "HELD" } }),
        )
        .await
        .ok();
    let synced_held = org
        .gql(
            "em1",
            UPDATE,
            json!({ "input": { "id": synced, "status": "HELD", "sharedNotes": "Booked." } }),
        )
        .await
        .ok();
    let cancelled = org
        .gql(
            "dev1",
            "mutation($id: ID!) { cancelMeeting(input: { id: $id }) { meeting { id status } } }",
            json!({ "id": upcoming }),
        )
        .await
        .ok();

    assert_eq!(
        instants(moved.data("/updateMeeting/meeting/scheduledAt")),
        json!(later)
    );
    assert_eq!(moved.data("/updateMeeting/meeting/durationMinutes"), 50);
    assert_eq!(moved.data("/updateMeeting/meeting/status"), "SCHEDULED");
    assert_bad_input(&held_in_future, "input.status");
    bad_length.assert_error_code("BAD_USER_INPUT");
    assert_eq!(held.data("/updateMeeting/meeting/status"), "HELD");
    assert_eq!(held.data("/updateMeeting/meeting/kind"), "DIRECT");
    assert_eq!(synced_held.data("/updateMeeting/meeting/status"), "HELD");
    assert_eq!(
        synced_held.data("/updateMeeting/meeting/sharedNotes"),
        "Booked."
    );
    assert_eq!(
        synced_held.data("/updateMeeting/meeting/agenda"),
        &json!([{ "text": "Offsite" }]),
        "an update without an agenda keeps it"
    );
    assert_eq!(
        cancelled.data("/cancelMeeting/meeting/id"),
        &json!(upcoming)
    );
    assert_eq!(cancelled.data("/cancelMeeting/meeting/status"), "CANCELLED");
    let stored = org
        .gql(
            "em1",
            "query($id: ID!) { meeting(id: $id) { status scheduledAt durationMinutes } }",
            json!({ "id": upcoming }),
        )
        .await
        .ok();
    assert_eq!(
        instants(stored.data("/meeting")),
        json!({ "status": "CANCELLED", "scheduledAt": later, "durationMinutes": 50 })
    );
}

db_test!(rescheduling_across_a_reorg_rederives_the_kind);
async fn rescheduling_across_a_reorg_rederives_the_kind(backend: Backend) {
    let mut org = Org::spawn(backend).await;
    let mut synced = org.input("cto", "dev3", &at("2023-06-01"), "HELD");
    synced["externalId"] = json!("cal-cto-dev3");
    let synced = org.log(synced).await;
    let plain = org.meet("cfo", "dev3", &at("2023-06-02"), "HELD").await;
    // em2 (and with them dev3) moved from the CTO to the CFO at the start of 2024.
    let mut em2 = person("em2", "Eli Manager", Some("cfo"));
    em2["startDate"] = json!("2020-01-01");
    em2["effectiveFrom"] = json!("2024-01-01T00:00:00Z");
    org.hire(json!([em2])).await;

    let moved_synced = org
        .gql(
            "cto",
            UPDATE,
            json!({ "input": { "id": synced, "scheduledAt": at("2024-07-01") } }),
        )
        .await
        .ok();
    let moved_plain = org
        .gql(
            "cfo",
            UPDATE,
            json!({ "input": { "id": plain, "scheduledAt": at("2024-07-02") } }),
        )
        .await
        .ok();

    assert_eq!(moved_synced.data("/updateMeeting/meeting/kind"), "PEER");
    assert_eq!(
        moved_plain.data("/updateMeeting/meeting/kind"),
        "SKIP_LEVEL"
    );
}
