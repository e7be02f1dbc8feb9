//! The outbox: a committed write records its events in its own transaction, with ids and
//! metadata only; a rolled-back one, or one nobody subscribes to, records nothing.

use entity::outbox_event;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

use super::CREATE_WEBHOOK;
use crate::db_test;
use crate::support::{Backend, Org, at, in_days, person, row};

/// Every recorded event's JSON body, oldest first.
pub async fn recorded(org: &Org) -> Vec<Value> {
    outbox_event::Entity::find()
        .order_by_asc(outbox_event::Column::Seq)
        .all(&org.app.db)
        .await
        .expect("outbox")
        .into_iter()
        .map(|e| {
            let body: Value = serde_json::from_str(&e.payload).expect("JSON");
            assert_eq!(body["id"], json!(e.event_id));
            assert_eq!(body["type"], json!(e.event_type));
            body
        })
        .collect()
}

/// Subscribes a receiver to `events` as hr_admin.
pub async fn subscribe(org: &Org, events: Value) {
    org.gql(
        "hr",
        CREATE_WEBHOOK,
        json!({ "input": { "url": "https://93.184.216.34/hooks", "events": events } }),
    )
    .await
    .ok();
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

db_test!(committed_writes_record_their_events_with_ids_and_metadata_only);
async fn committed_writes_record_their_events_with_ids_and_metadata_only(backend: Backend) {
    let mut org = Org::spawn(backend).await;
    subscribe(
        &org,
        json!([
            "MEETING_CREATED",
            "MEETING_UPDATED",
            "MEETING_CANCELLED",
            "PERSON_CREATED",
            "PERSON_UPDATED",
            "REPORTING_LINE_CHANGED"
        ]),
    )
    .await;

    let mut input = org.input("em1", "dev1", &at("2024-03-04"), "HELD");
    input["agenda"] = json!([{ "text": "SECRET-AGENDA career worries", "category": "CAREER" }]);
    input["sharedNotes"] = "SECRET-NOTES promotion talk".into();
    let meeting = org.log(input).await;
    org.gql(
        "dev1",
        "mutation($input: SetPrivateNoteInput!) { setPrivateNote(input: $input) { meeting { id } } }",
        json!({ "input": { "meetingId": meeting, "text": "SECRET-PRIVATE" } }),
    )
    .await
    .ok();
    org.gql(
        "dev1",
        "mutation($input: RateMeetingInput!) { rateMeeting(input: $input) { __typename } }",
        json!({ "input": { "meetingId": meeting, "rating": 2, "comment": "SECRET-RATING" } }),
    )
    .await
    .ok();
    org.gql(
        "em1",
        "mutation($input: UpdateMeetingInput!) { updateMeeting(input: $input) { meeting { id } } }",
        json!({ "input": { "id": meeting, "durationMinutes": 45, "sharedNotes": "SECRET-NOTES 2" } }),
    )
    .await
    .ok();
    org.admin(
        "mutation($id: ID!) { cancelMeeting(input: { id: $id }) { meeting { id } } }",
        json!({ "id": meeting }),
    )
    .await
    .ok();
    org.hire(json!([
        person("new", "Nia New", Some("em1")),
        // dev1 moves from em1 to em2, nothing else about her changes.
        row("dev1", "Dana Dev", Some("em2"), "2020-01-01"),
    ]))
    .await;

    let events = recorded(&org).await;
    assert_eq!(
        types(&events),
        [
            "MEETING_CREATED",
            "MEETING_UPDATED",
            "MEETING_CANCELLED",
            "PERSON_CREATED",
            "REPORTING_LINE_CHANGED"
        ]
    );
    let created = &events[0]["data"];
    assert_eq!(created["id"], json!(meeting));
    assert_eq!(created["hostId"], json!(org.id("em1")));
    assert_eq!(created["guestId"], json!(org.id("dev1")));
    assert_eq!(created["hostExternalId"], "em1");
    assert_eq!(created["guestExternalId"], "dev1");
    assert_eq!(created["status"], "HELD");
    assert_eq!(events[1]["data"]["durationMinutes"], 45);
    assert_eq!(events[2]["data"]["status"], "CANCELLED");
    assert_eq!(events[3]["data"]["externalId"], "new");
    assert_eq!(events[4]["data"]["id"], json!(org.id("dev1")));
    assert_eq!(events[4]["data"]["externalId"], "dev1");
    let ids: std::collections::HashSet<&str> =
        events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
    for e in &events {
        assert!(e["occurredAt"].as_str().unwrap().ends_with('Z'));
        let text = e.to_string();
        assert!(!text.contains("SECRET"), "{text}");
        for key in ["agenda", "sharedNotes", "privateNote", "rating", "comment"] {
            assert!(e["data"].get(key).is_none(), "{key} in {text}");
        }
    }
}

db_test!(rolled_back_or_unsubscribed_writes_record_nothing);
async fn rolled_back_or_unsubscribed_writes_record_nothing(backend: Backend) {
    let org = Org::spawn(backend).await;
    // Nobody listens yet: a committed write records nothing.
    org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;
    assert_eq!(recorded(&org).await, Vec::<Value>::new());

    subscribe(&org, json!(["MEETING_CREATED", "PERSON_CREATED"])).await;
    // The first meeting is fine, the second is invalid: the import writes neither.
    let good = {
        let mut i = org.input("em1", "dev2", &at("2024-03-05"), "HELD");
        i["externalId"] = "cal-1".into();
        i
    };
    let bad = {
        // Held, but in the future.
        let mut i = org.input("em1", "dev2", &in_days(7), "HELD");
        i["externalId"] = "cal-2".into();
        i
    };
    org.admin(
        "mutation($input: ImportMeetingsInput!) { importMeetings(input: $input) { created } }",
        json!({ "input": { "meetings": [good, bad] } }),
    )
    .await
    .assert_error_code("BAD_USER_INPUT");
    // A new person whose manager would close a reporting cycle: nobody is created.
    org.admin(
        crate::support::UPSERT_PEOPLE,
        json!({ "people": [person("x1", "Xavi One", Some("dev3")), person("dev3", "Dee Three", Some("x1"))] }),
    )
    .await
    .assert_error_code("BAD_USER_INPUT");
    assert_eq!(recorded(&org).await, Vec::<Value>::new());

    // The same import without the bad row commits, and records its event.
    org.admin(
        "mutation($input: ImportMeetingsInput!) { importMeetings(input: $input) { created } }",
        json!({ "input": { "meetings": [
            { "externalId": "cal-1", "hostId": org.id("em1"), "guestId": org.id("dev2"),
              "scheduledAt": at("2024-03-05"), "durationMinutes": 30, "status": "HELD" }
        ] } }),
    )
    .await
    .ok();
    assert_eq!(types(&recorded(&org).await), ["MEETING_CREATED"]);
}

db_test!(an_import_records_its_people_and_then_import_completed);
async fn an_import_records_its_people_and_then_import_completed(backend: Backend) {
    let org = Org::spawn(backend).await;
    subscribe(&org, json!(["PERSON_CREATED", "IMPORT_COMPLETED"])).await;
    let csv = "Employee ID,First Name,Last Name,Work Email,Department,Manager ID\n\
               csvnew,Cy,Sv,cy.sv@example.com,Finance,cfo\n";
    let import = |dry_run: bool| {
        org.admin(
            "mutation($csv: String!, $dry: Boolean!) {
               importPeopleCsv(input: { csv: $csv, dryRun: $dry }) { people { created } } }",
            json!({ "csv": csv, "dry": dry_run }),
        )
    };
    import(true).await.ok();
    assert_eq!(
        recorded(&org).await,
        Vec::<Value>::new(),
        "a dry run records nothing"
    );
    import(false).await.ok();
    let events = recorded(&org).await;
    assert_eq!(types(&events), ["PERSON_CREATED", "IMPORT_COMPLETED"]);
    assert_eq!(events[0]["data"]["externalId"], "csvnew");
    assert_eq!(
        events[1]["data"],
        json!({ "source": "people", "created": 1, "updated": 0, "unchanged": 0, "teamsCreated": 1 })
    );
}

db_test!(a_calendar_import_records_its_meetings_and_then_import_completed);
async fn a_calendar_import_records_its_meetings_and_then_import_completed(backend: Backend) {
    let org = Org::spawn(backend).await;
    subscribe(
        &org,
        json!(["MEETING_CREATED", "MEETING_CANCELLED", "IMPORT_COMPLETED"]),
    )
    .await;
    // A weekly series of `count` 1:1s.
    let calendar = |count: u32| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
             BEGIN:VEVENT\r\nUID:series@test\r\nSUMMARY:SECRET-TITLE\r\n\
             DTSTART:20240304T100000Z\r\nDTEND:20240304T103000Z\r\n\
             RRULE:FREQ=WEEKLY;COUNT={count}\r\n\
             ORGANIZER;CN=Host:mailto:em1@example.com\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:dev1@example.com\r\nEND:VEVENT\r\n\
             END:VCALENDAR\r\n"
        )
    };
    let import = |ics: String| {
        org.admin(
            "mutation($input: ImportCalendarInput!) { importCalendar(input: $input) { meetings { created } } }",
            json!({ "input": { "ics": ics, "until": "2028-01-01T00:00:00Z" } }),
        )
    };
    import(calendar(2)).await.ok();
    // The series now ends after its first occurrence: the second is cancelled.
    import(calendar(1)).await.ok();

    let events = recorded(&org).await;
    assert_eq!(
        types(&events),
        [
            "MEETING_CREATED",
            "MEETING_CREATED",
            "IMPORT_COMPLETED",
            "MEETING_CANCELLED",
            "IMPORT_COMPLETED"
        ]
    );
    assert_eq!(events[0]["data"]["hostId"], json!(org.id("em1")));
    assert_eq!(events[0]["data"]["hostExternalId"], "em1");
    assert_eq!(events[2]["data"]["created"], 2);
    assert_eq!(events[4]["data"]["cancelled"], 1);
    assert_eq!(events[3]["data"]["status"], "CANCELLED");
    for e in &events {
        assert!(!e.to_string().contains("SECRET"), "{e}");
    }
}
