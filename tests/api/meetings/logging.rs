//! `logMeeting`: the kind derived from the org chart, idempotency by externalId,
//! templates, and the impossible meetings it refuses.

use serde_json::{Value, json};

use super::meeting_count;
use crate::db_test;
use crate::support::{Backend, LOG_MEETING, Org, assert_bad_input, at, in_days, person};

db_test!(log_meeting_derives_the_kind_from_the_org_chart);
async fn log_meeting_derives_the_kind_from_the_org_chart(backend: Backend) {
    let org = Org::spawn(backend).await;
    let cases = [
        ("em1", "dev1", "DIRECT"),
        ("dev1", "em1", "DIRECT"),
        ("cto", "dev1", "SKIP_LEVEL"),
        ("dev1", "cto", "SKIP_LEVEL"),
        ("em1", "em2", "PEER"),
        ("dev1", "acct", "PEER"),
        ("ceo", "dev1", "OTHER"),
    ];

    for (host, guest, kind) in cases {
        // Logged by the host: a participant may log their own meetings.
        let answer = org
            .gql(
                host,
                LOG_MEETING,
                json!({ "input": org.input(host, guest, &at("2024-03-04"), "HELD") }),
            )
            .await
            .ok();

        assert_eq!(answer.data("/logMeeting/created"), true);
        assert_eq!(
            answer.data("/logMeeting/meeting/kind"),
            kind,
            "{host} with {guest}"
        );
        assert_eq!(answer.data("/logMeeting/meeting/host/externalId"), host);
        assert_eq!(answer.data("/logMeeting/meeting/guest/externalId"), guest);
        assert_eq!(answer.data("/logMeeting/meeting/status"), "HELD");
    }
    assert_eq!(meeting_count(&org).await, cases.len() as i64);
}

db_test!(logging_the_same_external_id_again_updates_the_meeting);
async fn logging_the_same_external_id_again_updates_the_meeting(backend: Backend) {
    let org = Org::spawn(backend).await;
    let mut input = org.input("em1", "dev1", &at("2024-03-04"), "SCHEDULED");
    input["externalId"] = json!("cal-1");
    input["agenda"] = json!([{ "text": "Roadmap", "category": "STRATEGIC" }]);
    let first = org
        .gql("em1", LOG_MEETING, json!({ "input": input }))
        .await
        .ok();
    let id = first.data("/logMeeting/meeting/id").clone();
    assert_eq!(first.data("/logMeeting/created"), true);

    input["durationMinutes"] = json!(45);
    input["status"] = json!("HELD");
    input["sharedNotes"] = json!("We talked.");
    input["agenda"] = json!([
        { "text": "Growth", "category": "CAREER" },
        { "text": "Sleep", "category": "WELLBEING" },
    ]);
    let again = org
        .gql("em1", LOG_MEETING, json!({ "input": input }))
        .await
        .ok();
    let resent = org
        .gql("dev1", LOG_MEETING, json!({ "input": input }))
        .await
        .ok();

    assert_eq!(again.data("/logMeeting/created"), false);
    assert_eq!(again.data("/logMeeting/meeting/id"), &id);
    assert_eq!(again.data("/logMeeting/meeting/durationMinutes"), 45);
    assert_eq!(again.data("/logMeeting/meeting/status"), "HELD");
    assert_eq!(again.data("/logMeeting/meeting/sharedNotes"), "We talked.");
    assert_eq!(
        again.data("/logMeeting/meeting/agenda"),
        &json!([
            { "text": "Growth", "category": "CAREER", "position": 0 },
            { "text": "Sleep", "category": "WELLBEING", "position": 1 },
        ])
    );
    assert_eq!(resent.data("/logMeeting/created"), false);
    assert_eq!(resent.data("/logMeeting/meeting/id"), &id);
    assert_eq!(meeting_count(&org).await, 1, "no duplicate");
}

db_test!(a_template_starts_the_agenda_before_the_given_items);
async fn a_template_starts_the_agenda_before_the_given_items(backend: Backend) {
    let org = Org::spawn(backend).await;
    let template = org
        .gql(
            "em1",
            "mutation { createAgendaTemplate(input: { name: \"Weekly\", kind: DIRECT, items: [
                { text: \"How are you?\", category: WELLBEING },
                { text: \"Career goals\", category: CAREER }
             ] }) { template { id } } }",
            json!({}),
        )
        .await
        .ok();
    let mut input = org.input("em1", "dev1", &at("2024-03-04"), "HELD");
    input["templateId"] = template.data("/createAgendaTemplate/template/id").clone();
    input["agenda"] = json!([{ "text": "Release", "category": "TACTICAL" }]);

    let answer = org
        .gql("em1", LOG_MEETING, json!({ "input": input }))
        .await
        .ok();

    assert_eq!(answer.data("/logMeeting/meeting/template/name"), "Weekly");
    assert_eq!(
        answer.data("/logMeeting/meeting/agenda"),
        &json!([
            { "text": "How are you?", "category": "WELLBEING", "position": 0 },
            { "text": "Career goals", "category": "CAREER", "position": 1 },
            { "text": "Release", "category": "TACTICAL", "position": 2 },
        ])
    );
}

db_test!(log_meeting_rejects_impossible_meetings_and_writes_nothing);
async fn log_meeting_rejects_impossible_meetings_and_writes_nothing(backend: Backend) {
    let mut org = Org::spawn(backend).await;
    let mut newbie = person("newbie", "New Hire", Some("em1"));
    newbie["startDate"] = json!("2024-06-01");
    let mut leaver = person("leaver", "Left Already", Some("em1"));
    leaver["startDate"] = json!("2020-01-01");
    leaver["endDate"] = json!("2023-12-31");
    org.hire(json!([newbie, leaver])).await;
    let past = at("2024-03-04");
    let future = in_days(30);
    let with = |mut input: Value, key: &str, value: Value| {
        input[key] = value;
        input
    };
    let cases = [
        (
            org.input("em1", "em1", &past, "HELD"),
            "input.guestId",
            "host = guest",
        ),
        (
            org.input("em1", "newbie", &past, "HELD"),
            "input.guestId",
            "guest not yet employed",
        ),
        (
            org.input("leaver", "em1", &past, "HELD"),
            "input.hostId",
            "host no longer employed",
        ),
        (
            org.input("em1", "dev1", &future, "HELD"),
            "input.status",
            "HELD in the future",
        ),
        (
            org.input("em1", "dev1", &future, "NO_SHOW"),
            "input.status",
            "NO_SHOW in the future",
        ),
        (
            with(
                org.input("em1", "dev1", &past, "HELD"),
                "durationMinutes",
                json!(0),
            ),
            "input.durationMinutes",
            "0 minutes",
        ),
        (
            with(
                org.input("em1", "dev1", &past, "HELD"),
                "durationMinutes",
                json!(481),
            ),
            "input.durationMinutes",
            "481 minutes",
        ),
    ];

    for (input, field, why) in cases {
        let answer = org.gql("hr", LOG_MEETING, json!({ "input": input })).await;
        assert!(answer.body["data"].is_null(), "{why}: {}", answer.body);
        assert_bad_input(&answer, field);
    }
    assert_eq!(meeting_count(&org).await, 0);
    // The boundaries themselves are fine, as is a meeting on the leaver's last day.
    org.meet("leaver", "em1", &at("2023-12-31"), "HELD").await;
    org.log(with(
        org.input("em1", "dev1", &future, "SCHEDULED"),
        "durationMinutes",
        json!(480),
    ))
    .await;
    assert_eq!(meeting_count(&org).await, 2);
}
