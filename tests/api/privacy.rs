//! Who may see and change meetings, told from the side of those who must not: metadata for
//! the participants, everyone above them, hr_admin and reading integrations; content for the
//! two participants; private notes and ratings for their authors alone.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, LOG_MEETING, Org, at, instants, person};

/// The meetings every test here starts from, all HELD in March 2024:
/// `a` em1–dev1 (with an agenda, shared notes, an action item for dev1, em1's private note
/// and dev1's rating 4), `b` em1–dev2, `c` em2–dev3, `d` cfo–acct.
struct Fixture {
    org: Org,
    a: String,
    b: String,
    c: String,
    d: String,
    agenda_item: String,
    action_item: String,
}

impl Fixture {
    async fn new(backend: Backend) -> Fixture {
        let org = Org::spawn(backend).await;
        let mut input = org.input("em1", "dev1", &at("2024-03-04"), "HELD");
        input["agenda"] = json!([{ "text": "Career growth", "category": "CAREER" }]);
        input["sharedNotes"] = json!("Promotion case next quarter.");
        let logged = org
            .gql("em1", LOG_MEETING, json!({ "input": input }))
            .await
            .ok();
        let a = logged.data("/logMeeting/meeting/id").as_str().unwrap();
        let agenda = org
            .gql(
                "em1",
                "query($id: ID!) { meeting(id: $id) { agenda { id } } }",
                json!({ "id": a }),
            )
            .await
            .ok();
        let action = org
            .gql(
                "em1",
                "mutation($id: ID!, $owner: ID!) {
                  addActionItem(input: { meetingId: $id, text: \"Write the doc\", ownerId: $owner }) {
                    item { id }
                  }
                }",
                json!({ "id": a, "owner": org.id("dev1") }),
            )
            .await
            .ok();
        org.gql(
            "em1",
            SET_NOTE,
            json!({ "id": a, "text": "Ask about the move." }),
        )
        .await
        .ok();
        org.gql(
            "dev1",
            "mutation($id: ID!) { rateMeeting(input: { meetingId: $id, rating: 4 }) { meeting { id } } }",
            json!({ "id": a }),
        )
        .await
        .ok();
        Fixture {
            a: a.into(),
            b: org.meet("em1", "dev2", &at("2024-03-05"), "HELD").await,
            c: org.meet("em2", "dev3", &at("2024-03-06"), "HELD").await,
            d: org.meet("cfo", "acct", &at("2024-03-07"), "HELD").await,
            agenda_item: agenda.data("/meeting/agenda/0/id").as_str().unwrap().into(),
            action_item: action
                .data("/addActionItem/item/id")
                .as_str()
                .unwrap()
                .into(),
            org,
        }
    }
}

const SET_NOTE: &str = "mutation($id: ID!, $text: String!) {
  setPrivateNote(input: { meetingId: $id, text: $text }) { meeting { id privateNote } }
}";

const METADATA: &str = "query($a: ID!) {
  meetings { totalCount nodes { id } }
  meeting(id: $a) { id kind status scheduledAt durationMinutes host { externalId } guest { externalId } }
  node(id: $a) { id }
}";

/// The `id`s of a list of objects.
fn ids(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect()
}

db_test!(meeting_metadata_is_visible_to_participants_and_everyone_above_them);
async fn meeting_metadata_is_visible_to_participants_and_everyone_above_them(backend: Backend) {
    let f = Fixture::new(backend).await;
    let (a, b, c, d) = (&f.a, &f.b, &f.c, &f.d);
    let cases: [(&str, Vec<&String>); 10] = [
        ("dev1", vec![a]),
        ("dev2", vec![b]),
        ("dev3", vec![c]),
        ("acct", vec![d]),
        ("em1", vec![b, a]),
        ("em2", vec![c]),
        ("cfo", vec![d]),
        ("cto", vec![c, b, a]),
        ("ceo", vec![d, c, b, a]),
        ("hr", vec![d, c, b, a]),
    ];

    for (who, expected) in cases {
        let answer = f.org.gql(who, METADATA, json!({ "a": a })).await.ok();

        assert_eq!(ids(answer.data("/meetings/nodes")), expected, "{who}");
        assert_eq!(
            answer.data("/meetings/totalCount"),
            expected.len(),
            "{who}: invisible meetings are not counted"
        );
        if expected.contains(&a) {
            assert_eq!(answer.data("/meeting/kind"), "DIRECT", "{who}");
            assert_eq!(answer.data("/meeting/host/externalId"), "em1", "{who}");
            assert_eq!(answer.data("/node/id"), &json!(a), "{who}");
        } else {
            assert_eq!(answer.data("/meeting"), &Value::Null, "{who}");
            assert_eq!(answer.data("/node"), &Value::Null, "{who}");
        }
    }
}

db_test!(reading_integrations_see_meeting_metadata);
async fn reading_integrations_see_meeting_metadata(backend: Backend) {
    let f = Fixture::new(backend).await;
    // Only meetings:read: "who, when, kind, status, duration" of every meeting.
    let reader = f.org.app.integration_token("meetings:read");

    let answer = f
        .org
        .app
        .gql(Some(&reader), METADATA, json!({ "a": f.a }))
        .await
        .ok();

    assert_eq!(
        ids(answer.data("/meetings/nodes")),
        [&f.d, &f.c, &f.b, &f.a]
    );
    assert_eq!(answer.data("/meetings/totalCount"), 4);
    assert_eq!(answer.data("/meeting/status"), "HELD");
    assert_eq!(answer.data("/meeting/host/externalId"), "em1");
    assert_eq!(answer.data("/meeting/guest/externalId"), "dev1");
    assert_eq!(answer.data("/node/id"), &json!(f.a));
}

db_test!(person_meetings_and_meets_with_show_only_visible_meetings);
async fn person_meetings_and_meets_with_show_only_visible_meetings(backend: Backend) {
    let f = Fixture::new(backend).await;
    let query = "query($id: ID!) {
      person(id: $id) {
        meetings { totalCount nodes { id } }
        meetsWith { totalCount nodes { person { externalId } count } }
      }
    }";
    // What each viewer sees of em1's meetings and partners.
    let cases: [(&str, Vec<&String>, Value); 6] = [
        ("em1", vec![&f.b, &f.a], json!(["dev2", "dev1"])),
        ("cto", vec![&f.b, &f.a], json!(["dev2", "dev1"])),
        ("dev1", vec![&f.a], json!(["dev1"])),
        ("dev2", vec![&f.b], json!(["dev2"])),
        ("em2", vec![], json!([])),
        ("cfo", vec![], json!([])),
    ];

    for (who, meetings, partners) in cases {
        let answer = f
            .org
            .gql(who, query, json!({ "id": f.org.id("em1") }))
            .await
            .ok();

        assert_eq!(
            ids(answer.data("/person/meetings/nodes")),
            meetings,
            "{who}"
        );
        assert_eq!(
            answer.data("/person/meetings/totalCount"),
            meetings.len(),
            "{who}"
        );
        let seen: Vec<&Value> = answer
            .data("/person/meetsWith/nodes")
            .as_array()
            .unwrap()
            .iter()
            .map(|p| &p["person"]["externalId"])
            .collect();
        assert_eq!(json!(seen), partners, "{who}");
        assert_eq!(
            answer.data("/person/meetsWith/totalCount"),
            partners.as_array().unwrap().len(),
            "{who}"
        );
    }
}

db_test!(meetings_need_a_token_and_integrations_need_meetings_read);
async fn meetings_need_a_token_and_integrations_need_meetings_read(backend: Backend) {
    let f = Fixture::new(backend).await;
    let writer_everything = f
        .org
        .app
        .integration_token("org:read org:write meetings:write");
    let org_only = f.org.app.integration_token("org:read");
    let person_meetings = "query($id: ID!) { person(id: $id) { meetings { totalCount } } }";
    let partners = "query($id: ID!) { person(id: $id) { meetsWith { totalCount } } }";
    let one = "query($id: ID!) { meeting(id: $id) { id } }";
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let list = "{ meetings { totalCount } }";
    let em1 = f.org.id("em1");

    let lists_without_scope = [
        f.org.app.gql(Some(&org_only), list, json!({})).await,
        f.org
            .app
            .gql(Some(&org_only), person_meetings, json!({ "id": em1 }))
            .await,
        f.org
            .app
            .gql(Some(&org_only), partners, json!({ "id": em1 }))
            .await,
    ];
    let one_without_scope = f
        .org
        .app
        .gql(Some(&org_only), one, json!({ "id": f.a }))
        .await;
    let node_without_scope = f
        .org
        .app
        .gql(Some(&org_only), node, json!({ "id": f.a }))
        .await;
    let writer = f
        .org
        .app
        .gql(Some(&writer_everything), list, json!({}))
        .await
        .ok();
    let anonymous = [
        f.org.app.gql(None, list, json!({})).await,
        f.org.app.gql(None, one, json!({ "id": f.a })).await,
        f.org.app.gql(None, node, json!({ "id": f.a })).await,
    ];

    for answer in &lists_without_scope {
        answer.assert_error_code("FORBIDDEN");
    }
    for answer in [&one_without_scope, &node_without_scope] {
        let data = answer.body.pointer("/data").cloned().unwrap_or(Value::Null);
        assert!(
            data.is_null() || data.as_object().unwrap().values().all(Value::is_null),
            "{}",
            answer.body
        );
    }
    // meetings:write implies reading what one writes.
    assert_eq!(writer.data("/meetings/totalCount"), 4);
    for answer in &anonymous {
        answer.assert_error_code("UNAUTHENTICATED");
    }
}

const CONTENT: &str = "query($id: ID!) {
  meeting(id: $id) {
    id
    agenda { text }
    actionItems { text owner { externalId } }
    sharedNotes
    carriedOver { actionItems { text } agendaItems { text } }
  }
  meetings { nodes { agenda { text } actionItems { text } sharedNotes carriedOver { agendaItems { text } } } }
}";

db_test!(content_is_null_for_everyone_but_the_participants);
async fn content_is_null_for_everyone_but_the_participants(backend: Backend) {
    let f = Fixture::new(backend).await;
    // A later meeting of the pair carries over a's open agenda and action items.
    let later = f.org.meet("dev1", "em1", &at("2024-03-18"), "HELD").await;

    for who in ["em1", "dev1"] {
        let answer = f.org.gql(who, CONTENT, json!({ "id": f.a })).await.ok();
        let next = f.org.gql(who, CONTENT, json!({ "id": later })).await.ok();

        assert_eq!(
            answer.data("/meeting/agenda"),
            &json!([{ "text": "Career growth" }]),
            "{who}"
        );
        assert_eq!(
            answer.data("/meeting/actionItems"),
            &json!([{ "text": "Write the doc", "owner": { "externalId": "dev1" } }]),
            "{who}"
        );
        assert_eq!(
            answer.data("/meeting/sharedNotes"),
            "Promotion case next quarter.",
            "{who}"
        );
        assert_eq!(
            next.data("/meeting/carriedOver"),
            &json!({
                "actionItems": [{ "text": "Write the doc" }],
                "agendaItems": [{ "text": "Career growth" }],
            }),
            "{who}"
        );
    }
    let reader = f.org.app.integration_token("meetings:read");
    let mut outsiders = Vec::new();
    for who in ["cto", "ceo", "hr"] {
        for id in [&f.a, &later] {
            outsiders.push((who, f.org.gql(who, CONTENT, json!({ "id": id })).await.ok()));
        }
    }
    for id in [&f.a, &later] {
        outsiders.push((
            "integration",
            f.org
                .app
                .gql(Some(&reader), CONTENT, json!({ "id": id }))
                .await
                .ok(),
        ));
    }

    for (who, answer) in outsiders {
        let meeting = answer.data("/meeting");
        assert!(meeting["id"].is_string(), "{who} sees the meeting itself");
        for field in ["agenda", "actionItems", "sharedNotes", "carriedOver"] {
            assert_eq!(meeting[field], Value::Null, "{who}: {field}");
        }
        let listed = answer.data("/meetings/nodes").as_array().unwrap();
        assert!(!listed.is_empty(), "{who}");
        for m in listed {
            for field in ["agenda", "actionItems", "sharedNotes", "carriedOver"] {
                assert_eq!(m[field], Value::Null, "{who} reads {field} in a list: {m}");
            }
        }
    }
}

db_test!(private_notes_and_ratings_show_only_to_their_authors);
async fn private_notes_and_ratings_show_only_to_their_authors(backend: Backend) {
    let f = Fixture::new(backend).await;
    let query = "query($id: ID!) {
      meeting(id: $id) { privateNote myRating }
      meetings { nodes { privateNote myRating } }
    }";
    let before: Vec<(&str, Value)> = {
        let mut out = Vec::new();
        for who in ["em1", "dev1", "cto", "hr"] {
            let answer = f.org.gql(who, query, json!({ "id": f.a })).await.ok();
            out.push((who, answer.data("/meeting").clone()));
        }
        out
    };
    f.org
        .gql("dev1", SET_NOTE, json!({ "id": f.a, "text": "Nervous." }))
        .await
        .ok();
    let em1_after = f.org.gql("em1", query, json!({ "id": f.a })).await.ok();
    let dev1_after = f.org.gql("dev1", query, json!({ "id": f.a })).await.ok();
    let cto_after = f.org.gql("cto", query, json!({ "id": f.a })).await.ok();

    assert_eq!(
        before,
        vec![
            (
                "em1",
                json!({ "privateNote": "Ask about the move.", "myRating": null })
            ),
            ("dev1", json!({ "privateNote": null, "myRating": 4 })),
            ("cto", json!({ "privateNote": null, "myRating": null })),
            ("hr", json!({ "privateNote": null, "myRating": null })),
        ]
    );
    assert_eq!(
        em1_after.data("/meeting/privateNote"),
        "Ask about the move."
    );
    assert_eq!(dev1_after.data("/meeting/privateNote"), "Nervous.");
    assert_eq!(cto_after.data("/meeting/privateNote"), &Value::Null);
    for m in cto_after.data("/meetings/nodes").as_array().unwrap() {
        assert_eq!(m, &json!({ "privateNote": null, "myRating": null }));
    }
    // An empty note removes the author's own note, and only theirs.
    let cleared = f
        .org
        .gql("em1", SET_NOTE, json!({ "id": f.a, "text": "" }))
        .await
        .ok();
    let dev1_last = f.org.gql("dev1", query, json!({ "id": f.a })).await.ok();
    assert_eq!(
        cleared.data("/setPrivateNote/meeting/privateNote"),
        &Value::Null
    );
    assert_eq!(dev1_last.data("/meeting/privateNote"), "Nervous.");
}

/// `logMeeting` asking only for what a meetings-only integration may read back.
const LOGGED: &str = "mutation($input: LogMeetingInput!) {
  logMeeting(input: $input) { created meeting { id kind } }
}";

db_test!(only_participants_hr_and_writing_integrations_log_meetings);
async fn only_participants_hr_and_writing_integrations_log_meetings(backend: Backend) {
    let f = Fixture::new(backend).await;
    let input = |day: &str| json!({ "input": f.org.input("em1", "dev1", &at(day), "HELD") });
    let reader = f.org.app.integration_token("meetings:read org:read");
    let writer = f.org.app.integration_token("meetings:write");

    let peer = f.org.gql("dev2", LOG_MEETING, input("2024-04-01")).await;
    let above = f.org.gql("cto", LOG_MEETING, input("2024-04-02")).await;
    let read_only = f
        .org
        .app
        .gql(Some(&reader), LOG_MEETING, input("2024-04-03"))
        .await;
    let anonymous = f.org.app.gql(None, LOG_MEETING, input("2024-04-04")).await;
    let hr = f.org.gql("hr", LOG_MEETING, input("2024-04-05")).await.ok();
    let sync = f
        .org
        .app
        .gql(Some(&writer), LOGGED, input("2024-04-06"))
        .await
        .ok();

    peer.assert_error_code("FORBIDDEN");
    above.assert_error_code("FORBIDDEN");
    read_only.assert_error_code("FORBIDDEN");
    anonymous.assert_error_code("UNAUTHENTICATED");
    assert_eq!(hr.data("/logMeeting/created"), true);
    assert_eq!(sync.data("/logMeeting/created"), true);
    let count = f
        .org
        .gql("em1", "{ meetings { totalCount } }", json!({}))
        .await
        .ok();
    assert_eq!(
        count.data("/meetings/totalCount"),
        4,
        "a, b and the two allowed ones"
    );
}

db_test!(an_external_id_does_not_let_others_take_over_a_meeting);
async fn an_external_id_does_not_let_others_take_over_a_meeting(backend: Backend) {
    let f = Fixture::new(backend).await;
    let mut input = f.org.input("em1", "dev1", &at("2024-04-01"), "HELD");
    input["externalId"] = json!("cal-em1-dev1");
    f.org
        .gql("em1", LOG_MEETING, json!({ "input": input }))
        .await
        .ok();
    // dev2 re-sends that externalId for a meeting of their own.
    let mut hijack = f.org.input("em1", "dev2", &at("2024-04-02"), "HELD");
    hijack["externalId"] = json!("cal-em1-dev1");

    let answer = f
        .org
        .gql("dev2", LOG_MEETING, json!({ "input": hijack }))
        .await;

    answer.assert_error_code("FORBIDDEN");
    let stored = f
        .org
        .gql(
            "em1",
            "{ meetings(filter: { from: \"2024-04-01T00:00:00Z\" }) { nodes { externalId guest { externalId } scheduledAt } } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        instants(stored.data("/meetings/nodes")),
        json!([{
            "externalId": "cal-em1-dev1",
            "guest": { "externalId": "dev1" },
            "scheduledAt": at("2024-04-01"),
        }])
    );
}

/// Every content change a non-participant might try on meeting `a` and its items.
fn content_changes(f: &Fixture) -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "addAgendaItem",
            "mutation($id: ID!) { addAgendaItem(input: { meetingId: $id, text: \"Sneaky\", category: OTHER }) { item { id } } }",
            json!({ "id": f.a }),
        ),
        (
            "addActionItem",
            "mutation($id: ID!) { addActionItem(input: { meetingId: $id, text: \"Sneaky\" }) { item { id } } }",
            json!({ "id": f.a }),
        ),
        (
            "setPrivateNote",
            "mutation($id: ID!) { setPrivateNote(input: { meetingId: $id, text: \"Sneaky\" }) { meeting { id } } }",
            json!({ "id": f.a }),
        ),
        (
            "rateMeeting",
            "mutation($id: ID!) { rateMeeting(input: { meetingId: $id, rating: 1 }) { meeting { id } } }",
            json!({ "id": f.a }),
        ),
        (
            "updateMeeting sharedNotes",
            "mutation($id: ID!) { updateMeeting(input: { id: $id, sharedNotes: \"Sneaky\" }) { meeting { id } } }",
            json!({ "id": f.a }),
        ),
        (
            "reorderAgendaItems",
            "mutation($id: ID!, $item: ID!) { reorderAgendaItems(input: { meetingId: $id, itemIds: [$item] }) { meeting { id } } }",
            json!({ "id": f.a, "item": f.agenda_item }),
        ),
    ]
}

/// Changes to items by their own ID.
fn item_changes(agenda_item: &str, action_item: &str) -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "updateAgendaItem",
            "mutation($id: ID!) { updateAgendaItem(input: { id: $id, text: \"Sneaky\", discussed: true }) { item { id } } }",
            json!({ "id": agenda_item }),
        ),
        (
            "removeAgendaItem",
            "mutation($id: ID!) { removeAgendaItem(input: { id: $id }) { meeting { id } } }",
            json!({ "id": agenda_item }),
        ),
        (
            "completeActionItem",
            "mutation($id: ID!) { completeActionItem(input: { id: $id }) { item { id } } }",
            json!({ "id": action_item }),
        ),
        (
            "reopenActionItem",
            "mutation($id: ID!) { reopenActionItem(input: { id: $id }) { item { id } } }",
            json!({ "id": action_item }),
        ),
    ]
}

/// Meeting `a` as its host sees it.
async fn a_as_em1(f: &Fixture) -> Value {
    f.org
        .gql(
            "em1",
            "query($id: ID!) { meeting(id: $id) {
               status sharedNotes privateNote myRating
               agenda { text discussed } actionItems { text done }
             } }",
            json!({ "id": f.a }),
        )
        .await
        .ok()
        .data("/meeting")
        .clone()
}

db_test!(non_participants_cannot_change_a_meetings_content);
async fn non_participants_cannot_change_a_meetings_content(backend: Backend) {
    let f = Fixture::new(backend).await;
    let before = a_as_em1(&f).await;
    let writer = f.org.app.integration_token("meetings:read meetings:write");

    for who in ["cto", "ceo", "hr", "dev2", "em2", "integration"] {
        for (what, query, vars) in content_changes(&f) {
            let answer = if who == "integration" {
                f.org.app.gql(Some(&writer), query, vars).await
            } else {
                f.org.gql(who, query, vars).await
            };
            let codes = answer.error_codes();
            assert!(
                !codes.is_empty() && codes.iter().all(|c| c == "FORBIDDEN" || c == "NOT_FOUND"),
                "{who} {what}: {}",
                answer.body
            );
        }
    }
    // Those who cannot even see the meeting learn nothing more than that it is not found.
    for who in ["dev2", "em2", "cfo"] {
        for (what, query, vars) in content_changes(&f) {
            let answer = f.org.gql(who, query, vars).await;
            assert!(
                answer.error_codes().iter().all(|c| c == "NOT_FOUND"),
                "{who} {what}: {}",
                answer.body
            );
        }
    }
    assert_eq!(a_as_em1(&f).await, before, "nothing changed");
}

db_test!(non_participants_cannot_reschedule_or_cancel);
async fn non_participants_cannot_reschedule_or_cancel(backend: Backend) {
    let f = Fixture::new(backend).await;
    let update = "mutation($id: ID!) { updateMeeting(input: { id: $id, durationMinutes: 5 }) { meeting { id } } }";
    let cancel = "mutation($id: ID!) { cancelMeeting(input: { id: $id }) { meeting { id } } }";

    let above = [
        f.org.gql("cto", update, json!({ "id": f.a })).await,
        f.org.gql("cto", cancel, json!({ "id": f.a })).await,
    ];
    let unrelated = [
        f.org.gql("dev2", update, json!({ "id": f.a })).await,
        f.org.gql("em2", cancel, json!({ "id": f.a })).await,
    ];
    let hr = f.org.gql("hr", update, json!({ "id": f.b })).await.ok();

    for answer in &above {
        answer.assert_error_code("FORBIDDEN");
    }
    for answer in &unrelated {
        answer.assert_error_code("NOT_FOUND");
    }
    assert_eq!(hr.data("/updateMeeting/meeting/id"), &json!(f.b));
    let a = a_as_em1(&f).await;
    assert_eq!(a["status"], "HELD");
}

db_test!(item_changes_by_outsiders_look_like_missing_items);
async fn item_changes_by_outsiders_look_like_missing_items(backend: Backend) {
    let f = Fixture::new(backend).await;
    let before = a_as_em1(&f).await;
    let writer = f.org.app.integration_token("meetings:write");
    // IDs of items that do not exist answer exactly like those the viewer may not touch.
    let missing_agenda = global_id("AgendaItem", 999_999);
    let missing_action = global_id("ActionItem", 999_999);

    for who in ["cto", "ceo", "hr", "dev2", "em2", "integration"] {
        for (agenda, action) in [
            (f.agenda_item.as_str(), f.action_item.as_str()),
            (missing_agenda.as_str(), missing_action.as_str()),
        ] {
            for (what, query, vars) in item_changes(agenda, action) {
                let answer = if who == "integration" {
                    f.org.app.gql(Some(&writer), query, vars).await
                } else {
                    f.org.gql(who, query, vars).await
                };
                assert!(
                    answer.body["data"].is_null(),
                    "{who} {what}: {}",
                    answer.body
                );
                answer.assert_error_code("NOT_FOUND");
            }
        }
    }
    assert_eq!(a_as_em1(&f).await, before, "nothing changed");
}

db_test!(visibility_follows_the_current_chain);
async fn visibility_follows_the_current_chain(backend: Backend) {
    let mut f = Fixture::new(backend).await;
    // em2 (with dev3) moves from the CTO to the CFO today.
    let mut em2 = person("em2", "Eli Manager", Some("cfo"));
    em2["startDate"] = json!("2020-01-01");
    f.org.hire(json!([em2])).await;
    let query = "query($id: ID!) { meeting(id: $id) { id } }";

    let cto = f.org.gql("cto", query, json!({ "id": f.c })).await.ok();
    let cfo = f.org.gql("cfo", query, json!({ "id": f.c })).await.ok();

    assert_eq!(cto.data("/meeting"), &Value::Null);
    assert_eq!(cfo.data("/meeting/id"), &json!(f.c));
}

/// A global ID as the server encodes them (`base64url("Kind:id")`).
fn global_id(kind: &str, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{id}"))
}
