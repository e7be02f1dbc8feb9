//! The `meetings` filters and a person's meetings, paged latest first.

use serde_json::json;

use crate::db_test;
use crate::support::{Backend, Org, at, ext_ids};

/// Five meetings `m1`..`m5` one week apart, from 2024-01-01:
/// m1 em1–dev1 HELD, m2 em1–dev1 CANCELLED, m3 dev2–em1 HELD, m4 cto–dev1 HELD (SKIP_LEVEL),
/// m5 em1–em2 HELD (PEER).
async fn five_meetings(org: &Org) {
    let rows = [
        ("m1", "em1", "dev1", "2024-01-01", "HELD"),
        ("m2", "em1", "dev1", "2024-01-08", "CANCELLED"),
        ("m3", "dev2", "em1", "2024-01-15", "HELD"),
        ("m4", "cto", "dev1", "2024-01-22", "HELD"),
        ("m5", "em1", "em2", "2024-01-29", "HELD"),
    ];
    for (ext, host, guest, day, status) in rows {
        let mut input = org.input(host, guest, &at(day), status);
        input["externalId"] = json!(ext);
        org.log(input).await;
    }
}

db_test!(meetings_filters_combine);
async fn meetings_filters_combine(backend: Backend) {
    let org = Org::spawn(backend).await;
    five_meetings(&org).await;
    let query = "query($filter: MeetingFilter) {
      meetings(filter: $filter) { totalCount nodes { externalId } }
    }";
    let cases = [
        (json!({}), vec!["m5", "m4", "m3", "m2", "m1"]),
        (
            json!({ "personId": org.id("em1") }),
            vec!["m5", "m3", "m2", "m1"],
        ),
        (
            json!({ "withPersonId": org.id("dev1") }),
            vec!["m4", "m2", "m1"],
        ),
        (
            json!({ "personId": org.id("em1"), "withPersonId": org.id("dev1") }),
            vec!["m2", "m1"],
        ),
        (json!({ "kind": "DIRECT" }), vec!["m3", "m2", "m1"]),
        (json!({ "kind": "PEER" }), vec!["m5"]),
        (json!({ "status": "HELD" }), vec!["m5", "m4", "m3", "m1"]),
        (json!({ "status": "CANCELLED" }), vec!["m2"]),
        (
            json!({ "from": at("2024-01-08"), "to": at("2024-01-22") }),
            vec!["m3", "m2"],
        ),
        (
            json!({ "personId": org.id("dev1"), "status": "HELD", "kind": "SKIP_LEVEL" }),
            vec!["m4"],
        ),
        (json!({ "personId": org.id("acct") }), vec![]),
    ];

    for (filter, expected) in cases {
        let answer = org.gql("hr", query, json!({ "filter": filter })).await.ok();
        assert_eq!(
            ext_ids(answer.data("/meetings/nodes")),
            expected,
            "{filter}"
        );
        assert_eq!(
            answer.data("/meetings/totalCount"),
            expected.len(),
            "{filter}"
        );
    }
}

db_test!(person_meetings_pages_latest_first);
async fn person_meetings_pages_latest_first(backend: Backend) {
    let org = Org::spawn(backend).await;
    five_meetings(&org).await;
    let query = "query($id: ID!, $after: String, $filter: MeetingFilter) {
      person(id: $id) {
        meetings(first: 2, after: $after, filter: $filter) {
          totalCount nodes { externalId }
          pageInfo { hasNextPage hasPreviousPage endCursor }
        }
      }
    }";

    let first = org
        .gql("em1", query, json!({ "id": org.id("em1") }))
        .await
        .ok();
    let cursor = first.data("/person/meetings/pageInfo/endCursor").clone();
    let second = org
        .gql(
            "em1",
            query,
            json!({ "id": org.id("em1"), "after": cursor }),
        )
        .await
        .ok();
    let held = org
        .gql(
            "em1",
            query,
            json!({ "id": org.id("dev1"), "filter": { "status": "HELD" } }),
        )
        .await
        .ok();

    assert_eq!(first.data("/person/meetings/totalCount"), 4);
    assert_eq!(ext_ids(first.data("/person/meetings/nodes")), ["m5", "m3"]);
    assert_eq!(first.data("/person/meetings/pageInfo/hasNextPage"), true);
    assert_eq!(second.data("/person/meetings/totalCount"), 4);
    assert_eq!(ext_ids(second.data("/person/meetings/nodes")), ["m2", "m1"]);
    assert_eq!(second.data("/person/meetings/pageInfo/hasNextPage"), false);
    assert_eq!(
        second.data("/person/meetings/pageInfo/hasPreviousPage"),
        true
    );
    // em1 sees dev1's HELD meetings below them, including dev1's skip-level with the CTO.
    assert_eq!(held.data("/person/meetings/totalCount"), 2);
    assert_eq!(ext_ids(held.data("/person/meetings/nodes")), ["m4", "m1"]);
}
