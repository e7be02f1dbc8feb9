//! Training sessions and practice 1:1s: who may create a session and record attendance;
//! who sees a person's sessions (and who must not: a peer, the person's report, an
//! integration); practice 1:1s refused unless both people attended; and a practice 1:1
//! that moves no coverage, overdue, trend, `meetsWith` or reminder figure, while the same
//! meeting as a real one does.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, Org, normalized, row};

/// `dir` over managers `ma` and `mb` (peers), each with one report; `coach` (an individual
/// contributor under `hr`) facilitates.
fn team() -> Value {
    json!([
        row("hr", "Hana HR", None, "2025-01-01"),
        row("coach", "Cole Coach", Some("hr"), "2025-01-01"),
        row("dir", "Dina Director", None, "2025-01-01"),
        row("ma", "Max A", Some("dir"), "2025-01-01"),
        row("mb", "Mia B", Some("dir"), "2025-01-01"),
        row("ra", "Rae A", Some("ma"), "2025-01-01"),
        row("rb", "Rob B", Some("mb"), "2025-01-01"),
    ])
}

const SESSION_AT: &str = "2026-11-02T09:00:00Z";

const CREATE: &str = "mutation($input: CreateTrainingSessionInput!) {
  createTrainingSession(input: $input) {
    session { id title at facilitator { externalId } createdBy { externalId }
              attendees { person { externalId } attended } }
  }
}";

const RECORD: &str = "mutation($input: RecordTrainingAttendanceInput!) {
  recordTrainingAttendance(input: $input) {
    session { id attendees { person { externalId } attended } }
  }
}";

const SESSIONS_OF: &str = "query($id: ID!) {
  person(id: $id) {
    trainingSessions(first: 10) { totalCount nodes { title attendees { person { externalId } } } }
  }
}";

/// A session led by `coach`, created by `dir`, with `invited` invited and `attended`
/// recorded as attending; returns its ID.
async fn session(org: &Org, invited: &[&str], attended: &[&str]) -> String {
    let ids: Vec<String> = invited.iter().map(|p| org.id(p)).collect();
    let answer = org
        .gql(
            "dir",
            CREATE,
            json!({ "input": {
                "title": "Keeping 1:1s off the tactical",
                "at": SESSION_AT,
                "facilitatorId": org.id("coach"),
                "attendeeIds": ids,
            }}),
        )
        .await
        .ok();
    let id = answer
        .data("/createTrainingSession/session/id")
        .as_str()
        .expect("id")
        .to_string();
    let people: Vec<String> = attended.iter().map(|p| org.id(p)).collect();
    org.gql(
        "coach",
        RECORD,
        json!({ "input": { "sessionId": id, "personIds": people } }),
    )
    .await
    .ok();
    id
}

/// The externalIds of the attendees the answer lists at `pointer`.
fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("attendees")
        .iter()
        .map(|a| {
            a["person"]["externalId"]
                .as_str()
                .expect("name")
                .to_string()
        })
        .collect()
}

db_test!(a_persons_sessions_are_seen_by_them_their_managers_the_facilitator_and_hr_only);
async fn a_persons_sessions_are_seen_by_them_their_managers_the_facilitator_and_hr_only(
    backend: Backend,
) {
    let org = Org::spawn_with(backend, team()).await;
    session(&org, &["ma", "mb"], &["ma", "mb"]).await;
    let of_ma = json!({ "id": org.id("ma") });

    for who in ["ma", "dir", "coach", "hr"] {
        let answer = org.gql(who, SESSIONS_OF, of_ma.clone()).await.ok();
        assert_eq!(
            answer.data("/person/trainingSessions/totalCount"),
            &json!(1),
            "{who} sees ma's session"
        );
    }
    // ma's own view of the session lists ma alone: not the peer who attended with them.
    let own = org.gql("ma", SESSIONS_OF, of_ma.clone()).await.ok();
    assert_eq!(
        names(own.data("/person/trainingSessions/nodes/0/attendees")),
        ["ma"]
    );
    let led = org.gql("coach", SESSIONS_OF, of_ma.clone()).await.ok();
    assert_eq!(
        names(led.data("/person/trainingSessions/nodes/0/attendees")),
        ["ma", "mb"]
    );

    // A peer (even one who attended the same session) and ma's own report see nothing.
    for who in ["mb", "ra"] {
        let answer = org.gql(who, SESSIONS_OF, of_ma.clone()).await.ok();
        assert_eq!(
            answer.data("/person/trainingSessions"),
            &json!({ "totalCount": 0, "nodes": [] }),
            "{who} must not see ma's sessions"
        );
    }
    // An integration, whatever its scopes (org:read reaches the person), is refused.
    org.admin(SESSIONS_OF, of_ma)
        .await
        .assert_error_code("FORBIDDEN");
}

db_test!(only_hr_and_managers_create_sessions_and_only_their_leaders_record_attendance);
async fn only_hr_and_managers_create_sessions_and_only_their_leaders_record_attendance(
    backend: Backend,
) {
    let org = Org::spawn_with(backend, team()).await;
    let input = json!({ "input": {
        "title": "Feedback that lands",
        "at": SESSION_AT,
        "facilitatorId": org.id("coach"),
        "attendeeIds": [org.id("ma")],
    }});
    // A report without reports of their own, and an integration: FORBIDDEN.
    org.gql("ra", CREATE, input.clone())
        .await
        .assert_error_code("FORBIDDEN");
    org.admin(CREATE, input.clone())
        .await
        .assert_error_code("FORBIDDEN");
    let created = org.gql("hr", CREATE, input).await.ok();
    assert_eq!(
        created.data("/createTrainingSession/session/createdBy/externalId"),
        "hr"
    );
    let id = created.data("/createTrainingSession/session/id").clone();

    let mark_ma = json!({ "input": { "sessionId": id, "personIds": [org.id("ma")] } });
    // Neither the attendee nor their manager records attendance.
    for who in ["ma", "dir"] {
        org.gql(who, RECORD, mark_ma.clone())
            .await
            .assert_error_code("FORBIDDEN");
    }
    // Someone who was not invited cannot be marked.
    org.gql(
        "coach",
        RECORD,
        json!({ "input": { "sessionId": id, "personIds": [org.id("mb")] } }),
    )
    .await
    .assert_error_code("BAD_USER_INPUT");
    let recorded = org.gql("coach", RECORD, mark_ma).await.ok();
    assert_eq!(
        recorded.data("/recordTrainingAttendance/session/attendees"),
        &json!([{ "person": { "externalId": "ma" }, "attended": true }])
    );
}

const LOG: &str = "mutation($input: LogMeetingInput!) {
  logMeeting(input: $input) { meeting { id kind practice trainingSession { title } } }
}";

db_test!(a_practice_1on1_needs_a_session_both_people_attended);
async fn a_practice_1on1_needs_a_session_both_people_attended(backend: Backend) {
    let org = Org::spawn_with(backend, team()).await;
    // mb was invited but did not come; ra was never invited.
    let id = session(&org, &["ma", "mb", "dir"], &["ma", "dir"]).await;
    let practice = |host: &str, guest: &str, session: Option<&str>, practice: bool| {
        let mut input = org.input(host, guest, "2026-11-03T10:00:00Z", "HELD");
        input["practice"] = json!(practice);
        if let Some(s) = session {
            input["trainingSessionId"] = json!(s);
        }
        json!({ "input": input })
    };
    for (host, guest) in [("ma", "mb"), ("ma", "ra")] {
        let refused = org
            .gql(host, LOG, practice(host, guest, Some(&id), true))
            .await;
        refused.assert_error_code("BAD_USER_INPUT");
        assert!(
            refused.body.to_string().contains("input.trainingSessionId"),
            "{}",
            refused.body
        );
    }
    // practice without its session, a session without practice.
    org.gql("ma", LOG, practice("ma", "dir", None, true))
        .await
        .assert_error_code("BAD_USER_INPUT");
    org.gql("ma", LOG, practice("ma", "dir", Some(&id), false))
        .await
        .assert_error_code("BAD_USER_INPUT");

    // An integration may log meetings, but whether a practice 1:1 is accepted would tell
    // it who attended: refused whoever the people, and nothing is written.
    let integration = org.app.admin_integration();
    for (host, guest) in [("ma", "dir"), ("ma", "mb")] {
        org.app
            .gql(
                Some(&integration),
                LOG,
                practice(host, guest, Some(&id), true),
            )
            .await
            .assert_error_code("FORBIDDEN");
    }
    let listed = org
        .gql(
            "dir",
            "query($ma: ID!) { meetings(filter: { personId: $ma }) { nodes { id } } }",
            json!({ "ma": org.id("ma") }),
        )
        .await
        .ok();
    assert_eq!(listed.data("/meetings/nodes"), &json!([]));

    let logged = org
        .gql("ma", LOG, practice("ma", "dir", Some(&id), true))
        .await
        .ok();
    assert_eq!(
        logged.data("/logMeeting/meeting"),
        &json!({
            "id": logged.data("/logMeeting/meeting/id"),
            "kind": "DIRECT",
            "practice": true,
            "trainingSession": { "title": "Keeping 1:1s off the tactical" },
        })
    );
}

const AS_OF: &str = "2026-11-25T12:00:00Z";

const FIGURES: &str = "query($dir: ID!, $ma: ID!, $at: DateTime!) {
  coverageReport(managerId: $dir, asOf: $at) {
    directCoverage
    overdue { report { externalId } daysOverdue }
    managers { manager { externalId } peerMeetingCount directCoverage }
  }
  overdueOneOnOnes(managerId: $dir, asOf: $at) { totalCount }
  coverageTrend(managerId: $dir, from: \"2026-11-18T12:00:00Z\", to: $at, interval: WEEK) {
    directCoverage
  }
  person(id: $ma) { meetsWith(first: 10) { nodes { person { externalId } count } } }
}";

/// The figures of dir's subtree at [`AS_OF`], and the pairs the overdue reminders would
/// announce then.
async fn figures(org: &Org) -> Value {
    let vars = json!({ "dir": org.id("dir"), "ma": org.id("ma"), "at": AS_OF });
    let mut out = org.gql("dir", FIGURES, vars).await.ok().body["data"].clone();
    let at = AS_OF.parse().expect("instant");
    let reminders = cadence::service::insights::overdue_in_org(&org.app.db, at)
        .await
        .expect("overdue pairs");
    out["reminders"] = json!(reminders.len());
    out
}

db_test!(a_practice_1on1_moves_no_figure_and_the_same_meeting_as_a_real_one_does);
async fn a_practice_1on1_moves_no_figure_and_the_same_meeting_as_a_real_one_does(backend: Backend) {
    let org = Org::spawn_with(backend, team()).await;
    // Real 1:1s of the managers with their reports, so that only dir's pairs and the peer
    // figures are in question.
    for (m, r) in [("ma", "ra"), ("mb", "rb")] {
        org.meet(m, r, "2026-11-20T10:00:00Z", "HELD").await;
    }
    let id = session(&org, &["dir", "ma", "mb"], &["dir", "ma", "mb"]).await;
    let before = figures(&org).await;
    assert_eq!(before["coverageReport"]["directCoverage"], json!(0.0));

    let mut practice_ids = Vec::new();
    for (host, guest) in [("dir", "ma"), ("dir", "mb"), ("ma", "mb")] {
        let mut input = org.input(host, guest, "2026-11-20T15:00:00Z", "HELD");
        input["practice"] = json!(true);
        input["trainingSessionId"] = json!(id);
        let logged = org.gql(host, LOG, json!({ "input": input })).await.ok();
        practice_ids.push(logged.data("/logMeeting/meeting/id").clone());
    }
    assert_eq!(figures(&org).await, before, "practice 1:1s count nowhere");

    // They are listed, with their kind and `practice: true`, and `meetsWith` counts them
    // when asked.
    let listed = org
        .gql(
            "dir",
            "query($ma: ID!) {
              meetings(filter: { personId: $ma, practice: true }) { nodes { kind practice } }
              person(id: $ma) { meetsWith(includePractice: true) { totalCount } }
            }",
            json!({ "ma": org.id("ma") }),
        )
        .await
        .ok();
    assert_eq!(
        listed.data("/meetings/nodes"),
        &json!([{ "kind": "PEER", "practice": true }, { "kind": "DIRECT", "practice": true }])
    );
    assert_eq!(listed.data("/person/meetsWith/totalCount"), &json!(3));

    // The same meetings as real ones.
    for id in &practice_ids {
        org.gql(
            "hr",
            "mutation($id: ID!) { updateMeeting(input: { id: $id, practice: false }) { meeting { practice trainingSession { title } } } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    }
    let after = figures(&org).await;
    assert_eq!(after["coverageReport"]["directCoverage"], json!(1.0));
    assert_eq!(after["coverageReport"]["overdue"], json!([]));
    assert_eq!(after["overdueOneOnOnes"]["totalCount"], json!(0));
    // hr–coach never met; dir–ma and dir–mb met only in practice, then for real.
    assert_eq!(before["reminders"], json!(3));
    assert_eq!(after["reminders"], json!(1));
    assert_ne!(after["coverageTrend"], before["coverageTrend"]);
    assert_ne!(after["person"]["meetsWith"], before["person"]["meetsWith"]);
    let peers: Vec<&Value> = after["coverageReport"]["managers"]
        .as_array()
        .expect("managers")
        .iter()
        .map(|m| &m["peerMeetingCount"])
        .collect();
    assert_eq!(peers, [&json!(1), &json!(1)]);
}

db_test!(coverage_reports_say_when_each_manager_last_trained);
async fn coverage_reports_say_when_each_manager_last_trained(backend: Backend) {
    let org = Org::spawn_with(backend, team()).await;
    session(&org, &["ma", "mb"], &["ma"]).await;
    let answer = org
        .gql(
            "dir",
            "query($dir: ID!) {
              coverageReport(managerId: $dir) {
                lastTrainedAt managers { manager { externalId } lastTrainedAt }
              }
            }",
            json!({ "dir": org.id("dir") }),
        )
        .await
        .ok();
    let mut managers: Vec<(String, Value)> = answer
        .data("/coverageReport/managers")
        .as_array()
        .expect("managers")
        .iter()
        .map(|m| {
            (
                m["manager"]["externalId"]
                    .as_str()
                    .expect("name")
                    .to_string(),
                normalized(&m["lastTrainedAt"]),
            )
        })
        .collect();
    managers.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(answer.data("/coverageReport/lastTrainedAt"), &Value::Null);
    // mb was invited but did not attend.
    assert_eq!(
        managers,
        [
            ("ma".to_string(), json!(SESSION_AT)),
            ("mb".to_string(), Value::Null)
        ]
    );
}
