//! Check-ins ("how are your 1:1s going?"): who may log them, who sees them (and their
//! notes), paging, and the CHECK_IN cadence over a reorg, each checked against figures
//! worked out by hand.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, Org, assert_bad_input, at, in_days, instants, row};

/// ```text
/// ceo ─┬─ dira ─┬─ m1 ─── r1
///      │        └─ m2 ─── r2      (m2 moves to dirb on 2026-07-15)
///      └─ dirb ─── m3 ─── r3
/// hr (hr_admin, outside the tree)
/// ```
/// Everyone employed since 2025-01-01.
async fn company(backend: Backend) -> Org {
    let rows = json!([
        row("ceo", "Cleo Chief", None, "2025-01-01"),
        row("hr", "Hana HR", None, "2025-01-01"),
        row("dira", "Ada Director", Some("ceo"), "2025-01-01"),
        row("dirb", "Ben Director", Some("ceo"), "2025-01-01"),
        row("m1", "Mia Manager", Some("dira"), "2025-01-01"),
        row("m2", "Max Manager", Some("dira"), "2025-01-01"),
        row("m3", "Mo Manager", Some("dirb"), "2025-01-01"),
        row("r1", "Report One", Some("m1"), "2025-01-01"),
        row("r2", "Report Two", Some("m2"), "2025-01-01"),
        row("r3", "Report Three", Some("m3"), "2025-01-01"),
    ]);
    let mut org = Org::spawn_with(backend, rows).await;
    let mut reorg = row("m2", "Max Manager", Some("dirb"), "2025-01-01");
    reorg["effectiveFrom"] = json!("2026-07-15T00:00:00Z");
    org.hire(json!([reorg])).await;
    org
}

const LOG: &str = "mutation($input: LogCheckInInput!) {
  logCheckIn(input: $input) {
    checkIn { id asker { externalId } manager { externalId } at rating struggles notes }
  }
}";

const CHECK_INS: &str = "query($id: ID!, $first: Int, $after: String) {
  person(id: $id) {
    checkIns(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id asker { externalId } at rating struggles notes }
    }
  }
}";

const NODE: &str = "query($id: ID!) {
  node(id: $id) { ... on CheckIn { id rating struggles notes manager { externalId } } }
}";

/// `who` logs a check-in with `manager` at 10:00 UTC on `day`.
async fn log(org: &Org, who: &str, manager: &str, day: &str, rating: i32, notes: &str) -> Answer {
    org.gql(
        who,
        LOG,
        json!({ "input": {
            "managerId": org.id(manager),
            "at": at(day),
            "rating": rating,
            "struggles": ["TACTICAL_DRIFT", "NO_TIME"],
            "notes": notes,
        } }),
    )
    .await
}

/// Logs a check-in that must succeed; returns its global ID.
async fn logged(
    org: &Org,
    who: &str,
    manager: &str,
    day: &str,
    rating: i32,
    notes: &str,
) -> String {
    let answer = log(org, who, manager, day, rating, notes).await.ok();
    answer
        .data("/logCheckIn/checkIn/id")
        .as_str()
        .expect("id")
        .into()
}

/// The check-ins of `manager` that `viewer` (a person, or an integration's token) sees.
async fn seen(org: &Org, token: &str, manager: &str) -> Vec<Value> {
    let answer = org
        .app
        .gql(Some(token), CHECK_INS, json!({ "id": org.id(manager) }))
        .await
        .ok();
    assert_eq!(
        answer.data("/person/checkIns/totalCount"),
        &json!(
            answer
                .data("/person/checkIns/nodes")
                .as_array()
                .unwrap()
                .len()
        ),
    );
    answer
        .data("/person/checkIns/nodes")
        .as_array()
        .unwrap()
        .clone()
}

db_test!(a_check_in_is_seen_in_full_by_its_pair_without_notes_above_and_by_no_one_else);
async fn a_check_in_is_seen_in_full_by_its_pair_without_notes_above_and_by_no_one_else(
    backend: Backend,
) {
    let org = company(backend).await;
    let id = logged(&org, "dira", "m1", "2026-05-01", 4, "Struggles with r1").await;

    // The asker and the manager: everything, notes included.
    for who in ["dira", "m1"] {
        let found = seen(&org, &org.token(who), "m1").await;
        assert_eq!(found.len(), 1, "{who}");
        assert_eq!(found[0]["notes"], "Struggles with r1", "{who}");
        assert_eq!(found[0]["struggles"], json!(["NO_TIME", "TACTICAL_DRIFT"]));
        let node = org.gql(who, NODE, json!({ "id": id })).await.ok();
        assert_eq!(node.data("/node/notes"), "Struggles with r1", "{who}");
    }
    // Above the asker, and hr_admin: who, when, rating, struggles; notes null.
    for who in ["ceo", "hr"] {
        let found = seen(&org, &org.token(who), "m1").await;
        assert_eq!(found.len(), 1, "{who}");
        assert_eq!(found[0]["notes"], Value::Null, "{who}");
        assert_eq!(found[0]["rating"], 4, "{who}");
        assert_eq!(found[0]["asker"]["externalId"], "dira", "{who}");
        assert_eq!(
            instants(&found[0]["at"]),
            json!("2026-05-01T10:00:00Z"),
            "{who}"
        );
        let node = org.gql(who, NODE, json!({ "id": id })).await.ok();
        assert_eq!(node.data("/node/rating"), 4, "{who}");
        assert_eq!(node.data("/node/notes"), &Value::Null, "{who}");
    }
    // Nobody else: a peer director, a peer manager, the manager's own report, and an
    // integration holding every scope (none has hr_admin).
    let outsiders = [
        ("dirb", org.token("dirb")),
        ("m2", org.token("m2")),
        ("r1", org.token("r1")),
        ("integration", org.app.admin_integration()),
    ];
    for (who, token) in outsiders {
        assert_eq!(seen(&org, &token, "m1").await, Vec::<Value>::new(), "{who}");
        let node = org
            .app
            .gql(Some(&token), NODE, json!({ "id": id }))
            .await
            .ok();
        assert_eq!(node.data("/node"), &Value::Null, "{who}");
    }
}

db_test!(only_someone_above_the_manager_then_or_hr_admin_may_log_a_check_in);
async fn only_someone_above_the_manager_then_or_hr_admin_may_log_a_check_in(backend: Backend) {
    let org = company(backend).await;
    // Not above m1: a peer manager, m1's own report, another director, m1 about their own
    // director (upwards).
    for (who, manager) in [("m2", "m1"), ("r1", "m1"), ("dirb", "m1"), ("m1", "dira")] {
        log(&org, who, manager, "2026-05-01", 3, "")
            .await
            .assert_error_code("FORBIDDEN");
    }
    // The chain at the check-in's time decides: dirb manages m2 from July 15th only, dira
    // until then.
    log(&org, "dirb", "m2", "2026-07-01", 3, "")
        .await
        .assert_error_code("FORBIDDEN");
    log(&org, "dira", "m2", "2026-08-01", 3, "")
        .await
        .assert_error_code("FORBIDDEN");
    logged(&org, "dirb", "m2", "2026-08-01", 3, "").await;
    logged(&org, "dira", "m2", "2026-07-01", 3, "").await;
    // A skip-level manager and hr_admin may.
    logged(&org, "ceo", "m1", "2026-05-01", 5, "").await;
    logged(&org, "hr", "m1", "2026-05-02", 2, "").await;
    // An integration is no person to ask.
    org.admin(
        LOG,
        json!({ "input": { "managerId": org.id("m1"), "at": at("2026-05-01"), "rating": 3 } }),
    )
    .await
    .assert_error_code("FORBIDDEN");

    // Refused input writes nothing.
    let future = org
        .gql(
            "dira",
            LOG,
            json!({ "input": { "managerId": org.id("m1"), "at": in_days(1), "rating": 3 } }),
        )
        .await;
    assert_bad_input(&future, "input.at");
    for rating in [0, 6] {
        assert_bad_input(
            &log(&org, "dira", "m1", "2026-05-01", rating, "").await,
            "input.rating",
        );
    }
    let by_m1 = seen(&org, &org.token("m1"), "m1").await;
    let askers: Vec<&str> = by_m1
        .iter()
        .map(|c| c["asker"]["externalId"].as_str().unwrap())
        .collect();
    assert_eq!(
        askers,
        ["hr", "ceo"],
        "newest first, nothing refused stored"
    );
}

const UPDATE: &str = "mutation($input: UpdateCheckInInput!) {
  updateCheckIn(input: $input) { checkIn { rating struggles notes } }
}";
const DELETE: &str = "mutation($id: ID!) { deleteCheckIn(input: { id: $id }) { deletedId } }";

db_test!(only_the_asker_changes_or_deletes_a_check_in);
async fn only_the_asker_changes_or_deletes_a_check_in(backend: Backend) {
    let org = company(backend).await;
    let id = logged(&org, "dira", "m1", "2026-05-01", 4, "Notes").await;
    let change = json!({ "input": { "id": id, "rating": 1 } });
    // Those who see it but did not ask: FORBIDDEN; those who do not see it: NOT_FOUND.
    for who in ["m1", "ceo", "hr"] {
        org.gql(who, UPDATE, change.clone())
            .await
            .assert_error_code("FORBIDDEN");
        org.gql(who, DELETE, json!({ "id": id }))
            .await
            .assert_error_code("FORBIDDEN");
    }
    for who in ["r1", "dirb"] {
        org.gql(who, UPDATE, change.clone())
            .await
            .assert_error_code("NOT_FOUND");
    }
    let future = json!({ "input": { "id": id, "at": in_days(2) } });
    assert_bad_input(&org.gql("dira", UPDATE, future).await, "input.at");

    let updated = org
        .gql(
            "dira",
            UPDATE,
            json!({ "input": { "id": id, "rating": 2, "struggles": ["OTHER"], "notes": null } }),
        )
        .await
        .ok();
    assert_eq!(
        updated.data("/updateCheckIn/checkIn"),
        &json!({ "rating": 2, "struggles": ["OTHER"], "notes": null })
    );
    org.gql("dira", DELETE, json!({ "id": id })).await.ok();
    let gone = org.gql("m1", NODE, json!({ "id": id })).await.ok();
    assert_eq!(gone.data("/node"), &Value::Null);
}

db_test!(a_managers_check_ins_page_newest_first);
async fn a_managers_check_ins_page_newest_first(backend: Backend) {
    let org = company(backend).await;
    for (day, rating) in [("2026-03-01", 1), ("2026-05-01", 2), ("2026-04-01", 3)] {
        logged(&org, "dira", "m1", day, rating, "").await;
    }
    let first = org
        .gql("m1", CHECK_INS, json!({ "id": org.id("m1"), "first": 2 }))
        .await
        .ok();
    let ratings = |a: &Answer| -> Vec<i64> {
        a.data("/person/checkIns/nodes")
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["rating"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ratings(&first), [2, 3]);
    assert_eq!(first.data("/person/checkIns/totalCount"), 3);
    assert_eq!(first.data("/person/checkIns/pageInfo/hasNextPage"), true);
    let after = first.data("/person/checkIns/pageInfo/endCursor").clone();
    let second = org
        .gql(
            "m1",
            CHECK_INS,
            json!({ "id": org.id("m1"), "first": 2, "after": after }),
        )
        .await
        .ok();
    assert_eq!(ratings(&second), [1]);
    assert_eq!(second.data("/person/checkIns/pageInfo/hasNextPage"), false);
}

const REPORT: &str = "query($id: ID!, $at: DateTime) {
  coverageReport(managerId: $id, asOf: $at) {
    manager { externalId } lastCheckInAt checkInOverdue
    managers { manager { externalId } lastCheckInAt checkInOverdue }
  }
}";

const OVERDUE: &str = "query($id: ID!, $at: DateTime) {
  overdueOneOnOnes(managerId: $id, asOf: $at, first: 100) {
    nodes { kind manager { externalId } report { externalId } lastHeldAt daysOverdue }
  }
}";

/// `manager→report` with the last check-in and whether it is overdue, for every row of the
/// CEO's coverage report at `as_of`, sorted.
async fn check_in_rows(org: &Org, as_of: &str) -> Vec<String> {
    let answer = org
        .gql("hr", REPORT, json!({ "id": org.id("ceo"), "at": as_of }))
        .await
        .ok();
    let report = instants(answer.data("/coverageReport"));
    let mut rows: Vec<Value> = vec![report.clone()];
    rows.extend(report["managers"].as_array().unwrap().iter().cloned());
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} last={} overdue={}",
                r["manager"]["externalId"].as_str().unwrap(),
                r["lastCheckInAt"].as_str().unwrap_or("-"),
                r["checkInOverdue"]
            )
        })
        .collect();
    out.sort();
    out
}

/// The CHECK_IN entries of `overdueOneOnOnes` for the CEO's subtree at `as_of`.
async fn overdue_check_ins(org: &Org, as_of: &str) -> Vec<String> {
    let answer = org
        .gql("hr", OVERDUE, json!({ "id": org.id("ceo"), "at": as_of }))
        .await
        .ok();
    let nodes = instants(answer.data("/overdueOneOnOnes/nodes"));
    nodes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "CHECK_IN")
        .map(|n| {
            format!(
                "{}→{} last={} days={}",
                n["manager"]["externalId"].as_str().unwrap(),
                n["report"]["externalId"].as_str().unwrap(),
                n["lastHeldAt"].as_str().unwrap_or("-"),
                n["daysOverdue"]
            )
        })
        .collect()
}

const SET_POLICY: &str = "mutation($input: SetCadencePolicyInput!) {
  setCadencePolicy(input: $input) { policy { kind everyDays required scope } }
}";

db_test!(the_check_in_cadence_follows_each_director_manager_pair_across_a_reorg);
async fn the_check_in_cadence_follows_each_director_manager_pair_across_a_reorg(backend: Backend) {
    let org = company(backend).await;
    logged(&org, "dira", "m1", "2026-05-01", 3, "").await;
    // A skip-level check-in: not the pair (dira, m1)'s.
    logged(&org, "ceo", "m1", "2026-06-15", 4, "").await;
    // dira's last check-in with m2 before m2 moved to dirb: the new pair starts afresh.
    logged(&org, "dira", "m2", "2026-07-10", 2, "").await;
    logged(&org, "dirb", "m3", "2026-08-20", 5, "").await;
    logged(&org, "ceo", "dirb", "2026-07-01", 4, "").await;

    // Before the move (July 12th): (dira, m2) checked in two days ago.
    let before = check_in_rows(&org, "2026-07-12T12:00:00Z").await;
    assert!(
        before.contains(&"m2 last=2026-07-10T10:00:00Z overdue=false".to_string()),
        "{before:?}"
    );

    // September 1st, the default policy (every 90 days, encouraged): window from June 3rd.
    // ceo has no director; dira never checked in by ceo since 2025-01-01; dirb on July 1st;
    // m1 last by dira on May 1st (ceo's does not count); m2's line to dirb began July 15th
    // (dira's check-in does not count, and nothing is due yet); m3 on August 20th.
    let as_of = "2026-09-01T12:00:00Z";
    assert_eq!(
        check_in_rows(&org, as_of).await,
        [
            "ceo last=- overdue=false",
            "dira last=- overdue=true",
            "dirb last=2026-07-01T10:00:00Z overdue=false",
            "m1 last=2026-05-01T10:00:00Z overdue=true",
            "m2 last=- overdue=false",
            "m3 last=2026-08-20T10:00:00Z overdue=false",
        ]
    );
    // Encouraged: shown as overdue, but not listed among the overdue 1:1s.
    assert_eq!(overdue_check_ins(&org, as_of).await, Vec::<String>::new());

    // Required org-wide: listed. ceo→dira due 2025-04-01 (90 days after the line began),
    // 518 days before September 1st noon; dira→m1 due July 30th 10:00, 33 days.
    org.gql(
        "hr",
        SET_POLICY,
        json!({ "input": { "kind": "CHECK_IN", "everyDays": 90, "required": true } }),
    )
    .await
    .ok();
    assert_eq!(
        overdue_check_ins(&org, as_of).await,
        [
            "ceo→dira last=- days=518",
            "dira→m1 last=2026-05-01T10:00:00Z days=33",
        ]
    );
    // October 20th: dirb→m2 fell due 90 days after July 15th (October 13th), 7 days ago,
    // though dira had checked in with m2 on July 10th.
    let later = overdue_check_ins(&org, "2026-10-20T12:00:00Z").await;
    assert!(
        later.contains(&"dirb→m2 last=- days=7".to_string()),
        "{later:?}"
    );

    // A subtree override: dira's managers every 200 days, so m1 is not yet due.
    let policy = org
        .gql(
            "dira",
            SET_POLICY,
            json!({ "input": {
                "kind": "CHECK_IN", "everyDays": 200, "required": true,
                "managerId": org.id("dira"),
            } }),
        )
        .await
        .ok();
    assert_eq!(
        policy.data("/setCadencePolicy/policy"),
        &json!({ "kind": "CHECK_IN", "everyDays": 200, "required": true, "scope": "SUBTREE" })
    );
    assert_eq!(
        overdue_check_ins(&org, as_of).await,
        ["ceo→dira last=- days=518"]
    );
}

db_test!(check_ins_of_many_managers_cost_the_statements_of_one);
async fn check_ins_of_many_managers_cost_the_statements_of_one(backend: Backend) {
    let org = company(backend).await;
    let everyone = "{ people(first: 100) { nodes { externalId
      checkIns(first: 5) { totalCount nodes { rating asker { name } manager { name } } }
    } } }";
    let run = || async {
        let before = org.app.statements();
        let answer = org.gql("hr", everyone, json!({})).await.ok();
        (org.app.statements() - before, answer)
    };
    logged(&org, "dira", "m1", "2026-05-01", 3, "").await;
    let (one, answer) = run().await;
    for (who, manager, day) in [
        ("dira", "m2", "2026-06-01"),
        ("dirb", "m3", "2026-06-02"),
        ("ceo", "dira", "2026-06-03"),
        ("ceo", "dirb", "2026-06-04"),
        ("m1", "r1", "2026-06-05"),
    ] {
        logged(&org, who, manager, day, 4, "").await;
    }
    let (many, later) = run().await;
    let with_check_ins = |a: &Answer| {
        a.data("/people/nodes")
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["checkIns"]["totalCount"] != 0)
            .count()
    };
    assert_eq!((with_check_ins(&answer), with_check_ins(&later)), (1, 6));
    assert_eq!(one, many, "statements grow with the check-ins");
}
