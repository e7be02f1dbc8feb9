//! The org chart: hierarchy fields, `asOf`, paging, and flat statement counts.

use serde_json::json;

use crate::db_test;
use crate::helpers::{Backend, small_org, spawn_app};

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
