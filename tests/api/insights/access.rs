//! Who may read a report (a manager for their own subtree, and HR administrators), and what
//! a report never reveals: agendas, notes and ratings.

use serde_json::{Value, json};

use super::{AFTER, BEFORE, FIXTURE_MEETINGS, OVERDUE, REPORT, TREND, fixture};
use crate::db_test;
use crate::support::{Backend, NO_ONE, normalized};

db_test!(reports_are_for_the_managers_own_subtree_and_hr_admin);
async fn reports_are_for_the_managers_own_subtree_and_hr_admin(backend: Backend) {
    let company = fixture(backend).await;
    let ask = |token: Option<String>, manager: &str| {
        let company = &company;
        let vars = json!({ "id": company.id(manager), "at": AFTER });
        async move {
            company
                .app
                .gql(
                    token.as_deref(),
                    "query($id: ID!, $at: DateTime) { coverageReport(managerId: $id, asOf: $at) { directReportCount } }",
                    vars,
                )
                .await
        }
    };
    let as_person = |who: &str| Some(company.token(who));

    let own = ask(as_person("m1"), "m1").await;
    let director_below = ask(as_person("dirb"), "m2").await;
    let ceo_anyone = ask(as_person("ceo"), "m4").await;
    let hr_anyone = ask(as_person("hr"), "m3").await;
    let peers_subtree = ask(as_person("m1"), "m3").await;
    let own_manager = ask(as_person("m1"), "dira").await;
    let other_director = ask(as_person("dira"), "m4").await;
    // dira managed m2 before the reorg; reports follow the chain as it is now.
    let former_manager = ask(as_person("dira"), "m2").await;
    let report = ask(as_person("r1"), "m1").await;
    let integration = ask(Some(company.app.admin_integration()), "m1").await;
    let anonymous = ask(None, "m1").await;

    assert_eq!(own.ok().data("/coverageReport/directReportCount"), 4);
    assert_eq!(
        director_below
            .ok()
            .data("/coverageReport/directReportCount"),
        3
    );
    assert_eq!(ceo_anyone.ok().data("/coverageReport/directReportCount"), 2);
    assert_eq!(hr_anyone.ok().data("/coverageReport/directReportCount"), 2);
    for forbidden in [
        peers_subtree,
        own_manager,
        other_director,
        former_manager,
        report,
        integration,
    ] {
        forbidden.assert_error_code("FORBIDDEN");
        assert_eq!(forbidden.body["data"], Value::Null, "{}", forbidden.body);
    }
    anonymous.assert_error_code("UNAUTHENTICATED");

    // A manager who is no one: NOT_FOUND for hr, FORBIDDEN for anyone else.
    let no_one = json!({ "id": NO_ONE, "at": AFTER });
    for query in [REPORT, OVERDUE] {
        company
            .gql("hr", query, no_one.clone())
            .await
            .assert_error_code("NOT_FOUND");
        company
            .gql("ceo", query, no_one.clone())
            .await
            .assert_error_code("FORBIDDEN");
    }
    company
        .gql(
            "hr",
            TREND,
            json!({ "id": NO_ONE, "from": BEFORE, "to": AFTER, "interval": "MONTH" }),
        )
        .await
        .assert_error_code("NOT_FOUND");

    // The other insight fields follow the same rule.
    let trend_vars = json!({
        "id": company.id("m3"), "from": BEFORE, "to": AFTER, "interval": "MONTH"
    });
    company
        .gql("m1", TREND, trend_vars.clone())
        .await
        .assert_error_code("FORBIDDEN");
    company.gql("dirb", TREND, trend_vars).await.ok();
    company
        .gql("m1", OVERDUE, json!({ "id": company.id("m3") }))
        .await
        .assert_error_code("FORBIDDEN");
    company
        .app
        .gql(None, OVERDUE, json!({ "id": company.id("m3") }))
        .await
        .assert_error_code("UNAUTHENTICATED");
}

db_test!(a_report_never_reveals_agendas_notes_or_ratings);
async fn a_report_never_reveals_agendas_notes_or_ratings(backend: Backend) {
    let mut company = fixture(backend).await;
    let secret = company
        .meet_on(
            "m1",
            "r2",
            "2026-08-31",
            "HELD",
            &[("WELLBEING", "Burnout worries")],
        )
        .await;
    company
        .gql(
            "m1",
            "mutation($id: ID!) {
              updateMeeting(input: { id: $id, sharedNotes: \"Salary band talk\" }) { meeting { id } }
            }",
            json!({ "id": secret }),
        )
        .await
        .ok();
    company
        .gql(
            "m1",
            "mutation($id: ID!) { setPrivateNote(input: { meetingId: $id, text: \"Flight risk\" }) { meeting { id } } }",
            json!({ "id": secret }),
        )
        .await
        .ok();
    company.rate("r2", "m1-r2-2026-08-31", 1).await;

    let mut answers = Vec::new();
    for (who, manager) in [("hr", "ceo"), ("dira", "dira"), ("m1", "m1")] {
        for as_of in [BEFORE, AFTER] {
            let report = company
                .gql(
                    who,
                    REPORT,
                    json!({ "id": company.id(manager), "at": as_of }),
                )
                .await
                .ok();
            let overdue = company
                .gql(
                    who,
                    OVERDUE,
                    json!({ "id": company.id(manager), "at": as_of }),
                )
                .await
                .ok();
            answers.push(report.body.to_string());
            answers.push(overdue.body.to_string());
        }
    }

    let agenda_texts = FIXTURE_MEETINGS
        .iter()
        .flat_map(|(.., agenda)| agenda.iter().map(|(_, text)| *text));
    let secrets = [
        "Burnout worries",
        "Salary band talk",
        "Flight risk",
        "Felt heard",
    ];
    for text in agenda_texts.chain(secrets) {
        for answer in &answers {
            assert!(!answer.contains(text), "{text:?} leaked: {answer}");
        }
    }
    // r2's 1 of August 31st is in the third quarter, still running on September 1st: m1's
    // average is the second quarter's (r1 5, r2 4, r3 3, r4 2: 3.5), as without it. The
    // third quarter was frozen (by the fixture) before this 1 was logged: r1's 5 of August
    // 20th alone, no average, and the late 1 never joins it.
    let m1_average = |as_of: &'static str| {
        let company = &company;
        async move {
            let answer = company
                .gql("m1", REPORT, json!({ "id": company.id("m1"), "at": as_of }))
                .await
                .ok();
            normalized(answer.data("/coverageReport/averageRating"))
        }
    };
    assert_eq!(m1_average(AFTER).await, json!(3.5));
    assert_eq!(m1_average("2026-10-01T12:00:00Z").await, Value::Null);
}
