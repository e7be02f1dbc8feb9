//! `importMeetings`: idempotent and all or nothing.

use serde_json::json;

use crate::db_test;
use crate::support::{Backend, Org, assert_bad_input, at, ext_ids};

const IMPORT: &str = "mutation($meetings: [LogMeetingInput!]!) {
  importMeetings(input: { meetings: $meetings }) {
    created updated unchanged meetings { externalId durationMinutes kind }
  }
}";

db_test!(import_meetings_is_idempotent_and_all_or_nothing);
async fn import_meetings_is_idempotent_and_all_or_nothing(backend: Backend) {
    let org = Org::spawn(backend).await;
    let row = |ext: &str, host: &str, guest: &str, day: &str, minutes: i64| {
        let mut input = org.input(host, guest, &at(day), "HELD");
        input["externalId"] = json!(ext);
        input["durationMinutes"] = json!(minutes);
        input
    };
    let token = org.app.integration_token("meetings:write");

    let first = org
        .app
        .gql(
            Some(&token),
            IMPORT,
            json!({ "meetings": [
                row("a", "em1", "dev1", "2024-03-04", 30),
                row("b", "cto", "dev1", "2024-03-05", 30),
            ] }),
        )
        .await
        .ok();
    let second = org
        .app
        .gql(
            Some(&token),
            IMPORT,
            json!({ "meetings": [
                row("a", "em1", "dev1", "2024-03-04", 30),
                row("b", "cto", "dev1", "2024-03-05", 60),
                row("c", "em1", "em2", "2024-03-06", 30),
            ] }),
        )
        .await
        .ok();
    let with_bad_row = org
        .app
        .gql(
            Some(&token),
            IMPORT,
            json!({ "meetings": [
                row("a", "em1", "dev1", "2024-03-04", 90),
                row("d", "em2", "dev3", "2024-03-07", 30),
                row("e", "em2", "em2", "2024-03-08", 30),
            ] }),
        )
        .await;
    let without_external_id = org
        .app
        .gql(
            Some(&token),
            IMPORT,
            json!({ "meetings": [
                row("f", "em2", "dev3", "2024-03-09", 30),
                org.input("em2", "dev3", &at("2024-03-10"), "HELD"),
            ] }),
        )
        .await;

    assert_eq!(first.data("/importMeetings/created"), 2);
    assert_eq!(first.data("/importMeetings/updated"), 0);
    assert_eq!(first.data("/importMeetings/unchanged"), 0);
    assert_eq!(ext_ids(first.data("/importMeetings/meetings")), ["a", "b"]);
    assert_eq!(first.data("/importMeetings/meetings/1/kind"), "SKIP_LEVEL");
    assert_eq!(second.data("/importMeetings/created"), 1);
    assert_eq!(second.data("/importMeetings/updated"), 1);
    assert_eq!(second.data("/importMeetings/unchanged"), 1);
    assert_eq!(
        second.data("/importMeetings/meetings/1/durationMinutes"),
        60
    );
    assert_bad_input(&with_bad_row, "input.meetings[2].guestId");
    assert_bad_input(&without_external_id, "input.meetings[1].externalId");
    let stored = org
        .admin(
            "{ meetings { totalCount nodes { externalId durationMinutes } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(stored.data("/meetings/totalCount"), 3, "nothing of d, e, f");
    assert_eq!(
        stored.data("/meetings/nodes"),
        &json!([
            { "externalId": "c", "durationMinutes": 30 },
            { "externalId": "b", "durationMinutes": 60 },
            { "externalId": "a", "durationMinutes": 30 },
        ]),
        "a keeps its length: the failed batch wrote nothing"
    );
}
