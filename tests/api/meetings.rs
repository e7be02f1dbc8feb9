//! Meetings: `logMeeting` (kinds, idempotency by externalId, templates, rejections), kinds
//! after a back-dated reorg, `updateMeeting`, `cancelMeeting`, `importMeetings`, filters and
//! paging, `meetsWith`, ratings, and statement counts that do not grow with the rows.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{
    Answer, Backend, LOG_MEETING, Org, assert_bad_input, at, ext_ids, in_days, instants, person,
};

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

const RATE: &str = "mutation($id: ID!, $rating: Int!) {
  rateMeeting(input: { meetingId: $id, rating: $rating, comment: \"ok\" }) {
    meeting { id myRating averageRating }
  }
}";

db_test!(ratings_must_be_one_to_five_on_held_meetings);
async fn ratings_must_be_one_to_five_on_held_meetings(backend: Backend) {
    let org = Org::spawn(backend).await;
    let held = org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;
    let scheduled = org.meet("em1", "dev1", &in_days(7), "SCHEDULED").await;

    let zero = org
        .gql("dev1", RATE, json!({ "id": held, "rating": 0 }))
        .await;
    let six = org
        .gql("dev1", RATE, json!({ "id": held, "rating": 6 }))
        .await;
    let not_held = org
        .gql("dev1", RATE, json!({ "id": scheduled, "rating": 4 }))
        .await;

    assert_bad_input(&zero, "input.rating");
    assert_bad_input(&six, "input.rating");
    not_held.assert_error_code("BAD_USER_INPUT");
    let mine = org
        .gql(
            "dev1",
            "query($a: ID!, $b: ID!) { a: meeting(id: $a) { myRating } b: meeting(id: $b) { myRating } }",
            json!({ "a": held, "b": scheduled }),
        )
        .await
        .ok();
    assert_eq!(mine.data("/a/myRating"), &Value::Null, "nothing was stored");
    assert_eq!(mine.data("/b/myRating"), &Value::Null, "nothing was stored");
}

db_test!(rating_again_replaces_the_raters_earlier_rating);
async fn rating_again_replaces_the_raters_earlier_rating(backend: Backend) {
    let org = Org::spawn(backend).await;
    let held = org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;

    org.gql("dev1", RATE, json!({ "id": held, "rating": 2 }))
        .await
        .ok();
    let again = org
        .gql("dev1", RATE, json!({ "id": held, "rating": 5 }))
        .await
        .ok();
    let by_em1 = org
        .gql("em1", RATE, json!({ "id": held, "rating": 3 }))
        .await
        .ok();

    assert_eq!(again.data("/rateMeeting/meeting/myRating"), 5);
    assert_eq!(by_em1.data("/rateMeeting/meeting/myRating"), 3);
    // Two participants can never reach the three ratings an average needs.
    assert_eq!(
        by_em1.data("/rateMeeting/meeting/averageRating"),
        &Value::Null
    );
    let query = "query($id: ID!) { meeting(id: $id) { myRating averageRating } }";
    for (who, rating) in [
        ("dev1", json!(5)),
        ("em1", json!(3)),
        ("cto", Value::Null),
        ("hr", Value::Null),
    ] {
        let answer = org.gql(who, query, json!({ "id": held })).await.ok();
        assert_eq!(answer.data("/meeting/myRating"), &rating, "{who}");
        assert_eq!(answer.data("/meeting/averageRating"), &Value::Null, "{who}");
    }
}

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

const TEAM_QUERY: &str = "query($manager: ID!) {
  person(id: $manager) {
    directReports {
      nodes {
        meetsWith(first: 3) { nodes { person { name } count lastMetAt } }
        meetings(first: 5) { nodes { kind agenda { text } } }
      }
    }
  }
}";

/// Statements the team query runs for `manager`, and its answer.
async fn team_query_statements(org: &Org, manager: &str) -> (usize, Answer) {
    let before = org.app.statements();
    let answer = org
        .gql(manager, TEAM_QUERY, json!({ "manager": org.id(manager) }))
        .await
        .ok();
    (org.app.statements() - before, answer)
}

db_test!(team_meeting_reads_run_a_fixed_number_of_statements);
async fn team_meeting_reads_run_a_fixed_number_of_statements(backend: Backend) {
    let mut org = Org::spawn(backend).await;
    let mut rows = Vec::new();
    for (manager, reports) in [("small", 2), ("large", 6)] {
        let mut boss = person(manager, &format!("Boss {manager}"), Some("ceo"));
        boss["startDate"] = json!("2020-01-01");
        rows.push(boss);
        for i in 0..reports {
            let mut report = person(
                &format!("{manager}{i}"),
                &format!("Report {manager} {i}"),
                Some(manager),
            );
            report["startDate"] = json!("2020-01-01");
            rows.push(report);
        }
    }
    org.hire(Value::Array(rows)).await;
    // Few meetings for the small team; many for the large one, among its reports too.
    for (manager, reports, weeks) in [("small", 2, 1), ("large", 6, 4)] {
        for i in 0..reports {
            let report = format!("{manager}{i}");
            for week in 0..weeks {
                let mut input = org.input(
                    manager,
                    &report,
                    &at(&format!("2024-0{}-1{i}", week + 1)),
                    "HELD",
                );
                input["agenda"] = json!([
                    { "text": "Growth", "category": "CAREER" },
                    { "text": "Status", "category": "TACTICAL" },
                ]);
                org.log(input).await;
                if manager == "large" && i > 0 {
                    let peer = format!("{manager}{}", i - 1);
                    org.meet(
                        &report,
                        &peer,
                        &at(&format!("2024-0{}-2{i}", week + 1)),
                        "HELD",
                    )
                    .await;
                }
            }
        }
    }

    let (small, small_answer) = team_query_statements(&org, "small").await;
    let (large, large_answer) = team_query_statements(&org, "large").await;

    let reports = |answer: &Answer| {
        answer
            .data("/person/directReports/nodes")
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(reports(&small_answer), 2);
    assert_eq!(reports(&large_answer), 6);
    // The manager reads the agendas of their own meetings only (the content loader ran).
    for answer in [&small_answer, &large_answer] {
        let agendas: Vec<&Value> = answer
            .data("/person/directReports/nodes")
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["meetings"]["nodes"].as_array().unwrap())
            .map(|m| &m["agenda"])
            .filter(|a| !a.is_null())
            .collect();
        assert!(!agendas.is_empty(), "{}", answer.body);
        assert!(agendas.iter().all(|a| a[0]["text"] == "Growth"));
    }
    assert_eq!(
        small, large,
        "statements grow with the rows: {small} for 2 reports, {large} for 6"
    );
}

db_test!(carried_over_items_load_in_a_fixed_number_of_statements);
async fn carried_over_items_load_in_a_fixed_number_of_statements(backend: Backend) {
    let org = Org::spawn(backend).await;
    let query = "query($me: ID!) { meetings(first: 50, filter: { personId: $me }) {
        nodes { carriedOver { agendaItems { text } actionItems { text } } } } }";
    let statements_for = |count: usize| {
        let org = &org;
        async move {
            for day in 10..10 + count {
                let mut input = org.input("em1", "dev1", &at(&format!("2024-05-{day}")), "HELD");
                input["agenda"] = json!([{ "text": format!("Topic {day}"), "category": "CAREER" }]);
                org.log(input).await;
            }
            let before = org.app.statements();
            let answer = org
                .gql("em1", query, json!({ "me": org.id("em1") }))
                .await
                .ok();
            (org.app.statements() - before, answer)
        }
    };

    let (few, few_answer) = statements_for(2).await;
    let (many, many_answer) = statements_for(4).await;

    let carried = |answer: &Answer| {
        answer.data("/meetings/nodes").as_array().unwrap()[0]["carriedOver"]["agendaItems"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(
        carried(&few_answer),
        1,
        "the later meeting carries the earlier topic"
    );
    assert_eq!(
        carried(&many_answer),
        5,
        "the latest of six carries five topics"
    );
    assert_eq!(
        few, many,
        "statements grow with the meetings: {few} vs {many}"
    );
}
