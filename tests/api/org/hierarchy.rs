//! The reporting lines as the API shows them: hierarchy fields, `asOf` before and after a
//! reorg, and reports down `depth` levels.

use serde_json::json;

use super::{dated_small_org, ids};
use crate::db_test;
use crate::support::{Backend, person, small_org, spawn_app};

db_test!(hierarchy_fields_follow_the_reporting_lines);
async fn hierarchy_fields_follow_the_reporting_lines(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");

    let answer = app
        .gql(
            Some(&token),
            r#"{ cto: personByExternalId(externalId: "cto") {
                  manager { externalId }
                  directReports { totalCount nodes { externalId } }
                  reports { totalCount nodes { externalId } }
                  skipLevelReports { nodes { externalId } }
                  peers { nodes { externalId } }
                }
                dev1: personByExternalId(externalId: "dev1") {
                  managementChain { externalId }
                  peers { nodes { externalId } }
                } }"#,
            json!({}),
        )
        .await
        .ok();

    assert_eq!(answer.data("/cto/manager/externalId"), "ceo");
    assert_eq!(answer.data("/cto/directReports/totalCount"), 2);
    assert_eq!(
        answer.data("/cto/directReports/nodes"),
        &json!([{ "externalId": "em2" }, { "externalId": "em1" }]),
        "ordered by name: Eli before Erin"
    );
    assert_eq!(answer.data("/cto/reports/totalCount"), 5);
    assert_eq!(
        answer.data("/cto/skipLevelReports/nodes"),
        &json!([{ "externalId": "dev1" }, { "externalId": "dev3" }, { "externalId": "dev2" }])
    );
    assert_eq!(
        answer.data("/cto/peers/nodes"),
        &json!([{ "externalId": "cfo" }])
    );
    assert_eq!(
        answer.data("/dev1/managementChain"),
        &json!([{ "externalId": "em1" }, { "externalId": "cto" }, { "externalId": "ceo" }])
    );
    assert_eq!(
        answer.data("/dev1/peers/nodes"),
        &json!([{ "externalId": "dev2" }])
    );
}

db_test!(as_of_shows_the_org_before_and_after_a_reorg);
async fn as_of_shows_the_org_before_and_after_a_reorg(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(dated_small_org()).await;
    // em2 (and with them dev3) moves from the CTO to the CFO at the start of 2024.
    let mut em2 = person("em2", "Eli Manager", Some("cfo"));
    em2["startDate"] = json!("2020-01-01");
    em2["effectiveFrom"] = json!("2024-01-01T00:00:00Z");
    app.upsert_people(json!([em2])).await;
    let query = "query($at: DateTime) {
      em2: personByExternalId(externalId: \"em2\") {
        manager(asOf: $at) { externalId }
        managementChain(asOf: $at) { externalId }
        peers(asOf: $at) { nodes { externalId } }
      }
      dev3: personByExternalId(externalId: \"dev3\") { managementChain(asOf: $at) { externalId } }
      cto: personByExternalId(externalId: \"cto\") {
        reports(asOf: $at) { totalCount nodes { externalId } }
        skipLevelReports(asOf: $at) { nodes { externalId } }
      }
      cfo: personByExternalId(externalId: \"cfo\") {
        directReports(asOf: $at) { nodes { externalId } }
        reports(asOf: $at) { totalCount nodes { externalId } }
      }
    }";
    let token = app.person_token("dev1");

    let before = app
        .gql(Some(&token), query, json!({ "at": "2023-12-31T23:59:59Z" }))
        .await
        .ok();
    let at = app
        .gql(Some(&token), query, json!({ "at": "2024-01-01T00:00:00Z" }))
        .await
        .ok();
    let now = app.gql(Some(&token), query, json!({})).await.ok();

    assert_eq!(before.data("/em2/manager/externalId"), "cto");
    assert_eq!(ids(before.data("/em2/managementChain")), ["cto", "ceo"]);
    assert_eq!(ids(before.data("/em2/peers/nodes")), ["em1"]);
    assert_eq!(
        ids(before.data("/dev3/managementChain")),
        ["em2", "cto", "ceo"]
    );
    assert_eq!(before.data("/cto/reports/totalCount"), 5);
    assert_eq!(
        ids(before.data("/cto/reports/nodes")),
        ["em2", "em1", "dev1", "dev3", "dev2"]
    );
    assert_eq!(
        ids(before.data("/cto/skipLevelReports/nodes")),
        ["dev1", "dev3", "dev2"]
    );
    assert_eq!(ids(before.data("/cfo/directReports/nodes")), ["acct"]);
    assert_eq!(before.data("/cfo/reports/totalCount"), 1);

    for after in [&at, &now] {
        assert_eq!(after.data("/em2/manager/externalId"), "cfo");
        assert_eq!(ids(after.data("/em2/managementChain")), ["cfo", "ceo"]);
        assert_eq!(ids(after.data("/em2/peers/nodes")), ["acct"]);
        assert_eq!(
            ids(after.data("/dev3/managementChain")),
            ["em2", "cfo", "ceo"]
        );
        assert_eq!(after.data("/cto/reports/totalCount"), 3);
        assert_eq!(
            ids(after.data("/cto/reports/nodes")),
            ["em1", "dev1", "dev2"]
        );
        assert_eq!(
            ids(after.data("/cto/skipLevelReports/nodes")),
            ["dev1", "dev2"]
        );
        assert_eq!(ids(after.data("/cfo/directReports/nodes")), ["acct", "em2"]);
        assert_eq!(after.data("/cfo/reports/totalCount"), 3);
        assert_eq!(
            ids(after.data("/cfo/reports/nodes")),
            ["acct", "em2", "dev3"]
        );
    }
}

db_test!(reports_go_down_depth_levels);
async fn reports_go_down_depth_levels(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");

    let answer = app
        .gql(
            Some(&token),
            r#"{ ceo: personByExternalId(externalId: "ceo") {
                  directReports { totalCount nodes { externalId } }
                  one: reports(depth: 1) { totalCount nodes { externalId } }
                  two: reports(depth: 2) { totalCount nodes { externalId } }
                  all: reports { totalCount }
                  deep: reports(depth: 50) { totalCount }
                } }"#,
            json!({}),
        )
        .await
        .ok();
    let zero = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "ceo") { reports(depth: 0) { totalCount } } }"#,
            json!({}),
        )
        .await;
    let negative = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "ceo") { reports(depth: -1) { totalCount } } }"#,
            json!({}),
        )
        .await;

    assert_eq!(
        answer.data("/ceo/one"),
        answer.data("/ceo/directReports"),
        "depth 1 is the direct reports"
    );
    assert_eq!(answer.data("/ceo/two/totalCount"), 5);
    assert_eq!(
        ids(answer.data("/ceo/two/nodes")),
        ["cfo", "cto", "acct", "em2", "em1"],
        "level by level, by name within a level"
    );
    assert_eq!(answer.data("/ceo/all/totalCount"), 8);
    assert_eq!(answer.data("/ceo/deep/totalCount"), 8);
    zero.assert_error_code("BAD_USER_INPUT");
    negative.assert_error_code("BAD_USER_INPUT");
}
