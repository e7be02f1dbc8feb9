//! `meetsWith`: held meetings per partner, and every kind a pair met as.

use serde_json::json;

use crate::db_test;
use crate::support::{Backend, Org, at, instants, person};

const MEETS_WITH: &str = "query($id: ID!, $since: DateTime, $until: DateTime, $kind: MeetingKind) {
  person(id: $id) {
    meetsWith(since: $since, until: $until, kind: $kind) {
      totalCount
      nodes { person { externalId } count firstMetAt lastMetAt averageIntervalDays kinds }
    }
  }
}";

db_test!(meets_with_counts_held_meetings_per_partner);
async fn meets_with_counts_held_meetings_per_partner(backend: Backend) {
    let org = Org::spawn(backend).await;
    for (host, guest, day, status) in [
        ("em1", "dev1", "2024-01-01", "HELD"),
        ("dev1", "em1", "2024-01-08", "HELD"),
        ("em1", "dev1", "2024-01-15", "HELD"),
        ("em1", "dev2", "2024-01-03", "HELD"),
        ("em1", "dev2", "2024-02-01", "HELD"),
        ("em1", "dev2", "2024-01-20", "CANCELLED"),
        ("em1", "dev2", "2024-01-21", "NO_SHOW"),
        ("em1", "dev2", "2024-01-22", "SCHEDULED"),
        ("em2", "em1", "2024-01-05", "HELD"),
        ("em1", "em2", "2024-01-25", "HELD"),
        ("cto", "em1", "2024-01-10", "HELD"),
        ("cto", "dev1", "2024-01-11", "HELD"),
    ] {
        org.meet(host, guest, &at(day), status).await;
    }

    let all = org
        .gql("em1", MEETS_WITH, json!({ "id": org.id("em1") }))
        .await
        .ok();
    let window = org
        .gql(
            "em1",
            MEETS_WITH,
            json!({ "id": org.id("em1"), "since": at("2024-01-08"), "until": at("2024-01-15") }),
        )
        .await
        .ok();
    let peers = org
        .gql(
            "em1",
            MEETS_WITH,
            json!({ "id": org.id("em1"), "kind": "PEER" }),
        )
        .await
        .ok();

    assert_eq!(all.data("/person/meetsWith/totalCount"), 4);
    assert_eq!(
        instants(all.data("/person/meetsWith/nodes")),
        json!([
            {
                "person": { "externalId": "dev1" }, "count": 3,
                "firstMetAt": at("2024-01-01"), "lastMetAt": at("2024-01-15"),
                "averageIntervalDays": 7.0, "kinds": ["DIRECT"],
            },
            {
                "person": { "externalId": "dev2" }, "count": 2,
                "firstMetAt": at("2024-01-03"), "lastMetAt": at("2024-02-01"),
                "averageIntervalDays": 29.0, "kinds": ["DIRECT"],
            },
            {
                "person": { "externalId": "em2" }, "count": 2,
                "firstMetAt": at("2024-01-05"), "lastMetAt": at("2024-01-25"),
                "averageIntervalDays": 20.0, "kinds": ["PEER"],
            },
            {
                "person": { "externalId": "cto" }, "count": 1,
                "firstMetAt": at("2024-01-10"), "lastMetAt": at("2024-01-10"),
                "averageIntervalDays": null, "kinds": ["DIRECT"],
            },
        ]),
        "most meetings first, then the most recent"
    );
    assert_eq!(
        instants(window.data("/person/meetsWith/nodes")),
        json!([
            {
                "person": { "externalId": "cto" }, "count": 1,
                "firstMetAt": at("2024-01-10"), "lastMetAt": at("2024-01-10"),
                "averageIntervalDays": null, "kinds": ["DIRECT"],
            },
            {
                "person": { "externalId": "dev1" }, "count": 1,
                "firstMetAt": at("2024-01-08"), "lastMetAt": at("2024-01-08"),
                "averageIntervalDays": null, "kinds": ["DIRECT"],
            },
        ]),
        "since is inclusive, until exclusive; equal counts: the most recent first"
    );
    assert_eq!(peers.data("/person/meetsWith/totalCount"), 1);
    assert_eq!(
        peers.data("/person/meetsWith/nodes/0/person/externalId"),
        "em2"
    );
}

db_test!(meets_with_lists_every_kind_a_pair_met_as);
async fn meets_with_lists_every_kind_a_pair_met_as(backend: Backend) {
    let mut org = Org::spawn(backend).await;
    // dev3 met em1 as a peer, then em1 became dev3's manager.
    org.meet("em1", "dev3", &at("2023-06-01"), "HELD").await;
    let mut dev3 = person("dev3", "Dev Three", Some("em1"));
    dev3["startDate"] = json!("2020-01-01");
    dev3["effectiveFrom"] = json!("2024-01-01T00:00:00Z");
    org.hire(json!([dev3])).await;
    org.meet("em1", "dev3", &at("2024-06-01"), "HELD").await;

    let answer = org
        .gql("dev3", MEETS_WITH, json!({ "id": org.id("dev3") }))
        .await
        .ok();

    assert_eq!(
        answer.data("/person/meetsWith/nodes/0/kinds"),
        &json!(["DIRECT", "PEER"])
    );
}
