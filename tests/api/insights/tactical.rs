//! The tactical share follows every change to an agenda.

use chrono::Utc;
use serde_json::{Value, json};

use super::REPORT;
use crate::db_test;
use crate::support::{Backend, Org, normalized, row};

db_test!(the_tactical_share_follows_every_change_to_an_agenda);
async fn the_tactical_share_follows_every_change_to_an_agenda(backend: Backend) {
    let mut company = Org::spawn_with(
        backend,
        json!([
            row("hr", "Hana HR", None, "2025-01-01"),
            row("em", "Em Manager", None, "2025-01-01"),
            row("d1", "Dee One", Some("em"), "2025-01-01"),
        ]),
    )
    .await;
    let day = (Utc::now() - chrono::Duration::days(3))
        .date_naive()
        .to_string();
    let meeting = company
        .meet_on(
            "em",
            "d1",
            &day,
            "HELD",
            &[("TACTICAL", "Release"), ("CAREER", "Growth")],
        )
        .await;
    let logged = tactical_share(&company).await;

    let added = company
        .gql(
            "d1",
            "mutation($id: ID!) {
              addAgendaItem(input: { meetingId: $id, text: \"Sprint\", category: TACTICAL }) { item { id } }
            }",
            json!({ "id": meeting }),
        )
        .await
        .ok();
    let item = added.data("/addAgendaItem/item/id").clone();
    let after_add = tactical_share(&company).await;
    company
        .gql(
            "em",
            "mutation($id: ID!) { updateAgendaItem(input: { id: $id, category: FEEDBACK }) { item { id } } }",
            json!({ "id": item }),
        )
        .await
        .ok();
    let after_update = tactical_share(&company).await;
    company
        .gql(
            "em",
            "mutation($id: ID!) { removeAgendaItem(input: { id: $id }) { meeting { id } } }",
            json!({ "id": item }),
        )
        .await
        .ok();
    let after_remove = tactical_share(&company).await;

    // 1 of 2; 2 of 3; 1 of 3; 1 of 2 again.
    assert_eq!(logged, json!(0.5));
    assert_eq!(after_add, normalized(&json!(2.0 / 3.0)));
    assert_eq!(after_update, normalized(&json!(1.0 / 3.0)));
    assert_eq!(after_remove, json!(0.5));
}

/// Em's tactical share now, as Em reads it.
async fn tactical_share(company: &Org) -> Value {
    let answer = company
        .gql("em", REPORT, json!({ "id": company.id("em") }))
        .await
        .ok();
    normalized(answer.data("/coverageReport/tacticalShare"))
}
