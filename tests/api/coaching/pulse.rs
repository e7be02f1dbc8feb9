//! The anonymous pulse from reports: hr_admin opens and closes rounds, people answer about
//! the manager they have when they answer, figures are frozen at the close and shown only
//! from 3 respondents on, rollups leave out managers below 3 (the subtraction attack), and
//! nobody — hr_admin included — reads another person's answer.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, Org, assert_bad_input, row};

const OPEN: &str = "mutation($input: OpenPulseRoundInput!) {
  openPulseRound(input: $input) { round { id name status closedAt } }
}";

const CLOSE: &str = "mutation($id: ID!) {
  closePulseRound(input: { roundId: $id }) { round { id status closedAt closesAt } }
}";

const ANSWER: &str = "mutation($input: AnswerPulseInput!) {
  answerPulse(input: $input) {
    round { id }
    answer { useful beyondTactical feedback manager { externalId } }
  }
}";

const FIGURES: &str = "query($round: ID!, $manager: ID!) {
  pulseRound(id: $round) {
    results(managerId: $manager) {
      useful beyondTactical feedback respondentCount managerCount
      average(question: BEYOND_TACTICAL)
    }
    rollup(managerId: $manager) {
      useful beyondTactical feedback respondentCount managerCount
      average(question: BEYOND_TACTICAL)
    }
  }
}";

const MINE: &str = "query($round: ID!) {
  pulseRound(id: $round) {
    name
    myAnswer { useful beyondTactical feedback manager { externalId } answeredAt updatedAt }
  }
}";

/// hr over director `dir`, who has manager `am` (reports a1, a2) and manager `bm`
/// (reports b1–b5); `solo` reports to nobody.
async fn company(backend: Backend) -> Org {
    Org::spawn_with(
        backend,
        json!([
            row("hr", "Hana HR", None, "2025-01-01"),
            row("solo", "Sol Alone", None, "2025-01-01"),
            row("dir", "Dana Director", None, "2025-01-01"),
            row("am", "Ash Manager", Some("dir"), "2025-01-01"),
            row("a1", "Abe One", Some("am"), "2025-01-01"),
            row("a2", "Abe Two", Some("am"), "2025-01-01"),
            row("bm", "Bea Manager", Some("dir"), "2025-01-01"),
            row("b1", "Bo One", Some("bm"), "2025-01-01"),
            row("b2", "Bo Two", Some("bm"), "2025-01-01"),
            row("b3", "Bo Three", Some("bm"), "2025-01-01"),
            row("b4", "Bo Four", Some("bm"), "2025-01-01"),
            row("b5", "Bo Five", Some("bm"), "2025-01-01"),
        ]),
    )
    .await
}

/// Opens a round from an hour ago to `closes_in_hours` from now; returns its ID.
async fn open(org: &Org, name: &str, closes_in_hours: i64) -> String {
    let now = Utc::now();
    let answer = org
        .gql(
            "hr",
            OPEN,
            json!({ "input": {
                "name": name,
                "opensAt": (now - Duration::hours(1)).to_rfc3339(),
                "closesAt": (now + Duration::hours(closes_in_hours)).to_rfc3339(),
            }}),
        )
        .await
        .ok();
    assert_eq!(answer.data("/openPulseRound/round/status"), "OPEN");
    answer
        .data("/openPulseRound/round/id")
        .as_str()
        .unwrap()
        .into()
}

fn scores(round: &str, useful: i32, beyond: i32, feedback: i32) -> Value {
    json!({ "input": {
        "roundId": round, "useful": useful, "beyondTactical": beyond, "feedback": feedback,
    }})
}

async fn answer(org: &Org, who: &str, round: &str, s: (i32, i32, i32)) -> Value {
    org.gql(who, ANSWER, scores(round, s.0, s.1, s.2))
        .await
        .ok()
        .data("/answerPulse/answer")
        .clone()
}

async fn close(org: &Org, round: &str) -> Value {
    org.gql("hr", CLOSE, json!({ "id": round }))
        .await
        .ok()
        .data("/closePulseRound/round")
        .clone()
}

/// `(results, rollup)` of `manager` in `round`, read by `who`.
async fn figures(org: &Org, who: &str, round: &str, manager: &str) -> (Value, Value) {
    let answer = org
        .gql(
            who,
            FIGURES,
            json!({ "round": round, "manager": org.id(manager) }),
        )
        .await
        .ok();
    (
        answer.data("/pulseRound/results").clone(),
        answer.data("/pulseRound/rollup").clone(),
    )
}

/// Everyone in the director's subtree answers: am's reports 1/1/1 and 2/2/2, bm's five
/// reports 5,4,4,3,4 / 4,4,3,3,2 / 3,3,3,3,3, and the two managers about the director.
async fn everyone_answers(org: &Org, round: &str) {
    answer(org, "a1", round, (1, 1, 1)).await;
    answer(org, "a2", round, (2, 2, 2)).await;
    for (who, s) in [
        ("b1", (5, 4, 3)),
        ("b2", (4, 4, 3)),
        ("b3", (4, 3, 3)),
        ("b4", (3, 3, 3)),
        ("b5", (4, 2, 3)),
    ] {
        answer(org, who, round, s).await;
    }
    answer(org, "am", round, (5, 5, 5)).await;
    answer(org, "bm", round, (4, 4, 4)).await;
}

/// bm's figures: useful 20/5, beyond tactical 16/5, feedback 15/5, five respondents.
fn bea() -> Value {
    json!({
        "useful": 4.0, "beyondTactical": 3.2, "feedback": 3.0,
        "respondentCount": 5, "managerCount": 1, "average": 3.2,
    })
}

db_test!(only_hr_admin_opens_and_closes_rounds);
async fn only_hr_admin_opens_and_closes_rounds(backend: Backend) {
    let org = company(backend).await;
    let now = Utc::now();
    let input = json!({ "input": {
        "name": "2026 Q4",
        "opensAt": now.to_rfc3339(),
        "closesAt": (now + Duration::days(14)).to_rfc3339(),
    }});
    for who in ["dir", "bm", "b1"] {
        org.gql(who, OPEN, input.clone())
            .await
            .assert_error_code("FORBIDDEN");
    }
    let hris = org.app.admin_integration();
    org.app
        .gql(Some(&hris), OPEN, input.clone())
        .await
        .assert_error_code("FORBIDDEN");
    let backwards = json!({ "input": {
        "name": "Backwards",
        "opensAt": now.to_rfc3339(),
        "closesAt": (now - Duration::days(1)).to_rfc3339(),
    }});
    assert_bad_input(&org.gql("hr", OPEN, backwards).await, "input.closesAt");
    let blank = json!({ "input": {
        "name": "  ",
        "opensAt": now.to_rfc3339(),
        "closesAt": (now + Duration::days(1)).to_rfc3339(),
    }});
    assert_bad_input(&org.gql("hr", OPEN, blank).await, "input.name");

    let round = open(&org, "2026 Q4", 24).await;
    for who in ["dir", "b1"] {
        org.gql(who, CLOSE, json!({ "id": round }))
            .await
            .assert_error_code("FORBIDDEN");
    }
    org.app
        .gql(Some(&hris), CLOSE, json!({ "id": round }))
        .await
        .assert_error_code("FORBIDDEN");

    // Any person lists the rounds, latest first; an integration may not.
    open(&org, "2027 Q1", 48).await;
    let list = "{ pulseRounds(first: 1) { totalCount nodes { name status }
                  pageInfo { hasNextPage endCursor } } }";
    let page = org.gql("b1", list, json!({})).await.ok();
    assert_eq!(page.data("/pulseRounds/totalCount"), 2);
    assert_eq!(page.data("/pulseRounds/pageInfo/hasNextPage"), true);
    let after = page.data("/pulseRounds/pageInfo/endCursor").clone();
    let next = org
        .gql(
            "b1",
            "query($after: String) { pulseRounds(first: 5, after: $after) { nodes { name } } }",
            json!({ "after": after }),
        )
        .await
        .ok();
    let names: Vec<&Value> = [page.data("/pulseRounds/nodes/0/name")]
        .into_iter()
        .chain(
            next.data("/pulseRounds/nodes")
                .as_array()
                .unwrap()
                .iter()
                .map(|n| &n["name"]),
        )
        .collect();
    assert_eq!(names.len(), 2);
    assert_ne!(names[0], names[1]);
    org.app
        .gql(Some(&hris), list, json!({}))
        .await
        .assert_error_code("FORBIDDEN");

    let closed = close(&org, &round).await;
    assert_eq!(closed["status"], "CLOSED");
    assert!(closed["closedAt"].is_string());
    // Closing again changes nothing.
    let again = close(&org, &round).await;
    assert_eq!(again["closedAt"], closed["closedAt"]);
}

db_test!(answers_are_once_per_round_changeable_while_open_refused_after_close);
async fn answers_are_once_per_round_changeable_while_open_refused_after_close(backend: Backend) {
    let org = company(backend).await;
    let round = open(&org, "2026 Q4", 24).await;

    let first = answer(&org, "b1", &round, (2, 3, 4)).await;
    assert_eq!(
        first,
        json!({ "useful": 2, "beyondTactical": 3, "feedback": 4,
                "manager": { "externalId": "bm" } })
    );
    let changed = answer(&org, "b1", &round, (5, 5, 1)).await;
    assert_eq!(changed["useful"], 5);
    let mine = org.gql("b1", MINE, json!({ "round": round })).await.ok();
    let my = mine.data("/pulseRound/myAnswer");
    assert_eq!(
        (&my["useful"], &my["beyondTactical"], &my["feedback"]),
        (&json!(5), &json!(5), &json!(1))
    );

    // Scores outside 1..5, no manager, a round not open yet, an integration.
    assert_bad_input(
        &org.gql("b2", ANSWER, scores(&round, 0, 3, 3)).await,
        "input.useful",
    );
    assert_bad_input(
        &org.gql("b2", ANSWER, scores(&round, 3, 6, 3)).await,
        "input.beyondTactical",
    );
    assert_bad_input(
        &org.gql("solo", ANSWER, scores(&round, 3, 3, 3)).await,
        "input.roundId",
    );
    let now = Utc::now();
    let later = org
        .gql(
            "hr",
            OPEN,
            json!({ "input": {
                "name": "Later",
                "opensAt": (now + Duration::days(1)).to_rfc3339(),
                "closesAt": (now + Duration::days(8)).to_rfc3339(),
            }}),
        )
        .await
        .ok();
    assert_eq!(later.data("/openPulseRound/round/status"), "UPCOMING");
    let later = later.data("/openPulseRound/round/id").as_str().unwrap();
    assert_bad_input(
        &org.gql("b2", ANSWER, scores(later, 3, 3, 3)).await,
        "input.roundId",
    );
    let hris = org.app.admin_integration();
    org.app
        .gql(Some(&hris), ANSWER, scores(&round, 3, 3, 3))
        .await
        .assert_error_code("FORBIDDEN");

    close(&org, &round).await;
    assert_bad_input(
        &org.gql("b1", ANSWER, scores(&round, 1, 1, 1)).await,
        "input.roundId",
    );
    assert_bad_input(
        &org.gql("b2", ANSWER, scores(&round, 1, 1, 1)).await,
        "input.roundId",
    );
    // The refused change left the answer as it was.
    let mine = org.gql("b1", MINE, json!({ "round": round })).await.ok();
    assert_eq!(mine.data("/pulseRound/myAnswer/useful"), 5);
}

db_test!(results_need_three_respondents_and_a_frozen_round);
async fn results_need_three_respondents_and_a_frozen_round(backend: Backend) {
    let org = company(backend).await;
    let round = open(&org, "2026 Q4", 24).await;
    everyone_answers(&org, &round).await;

    // Open: no figures for anyone, not even hr_admin.
    assert_eq!(
        figures(&org, "hr", &round, "bm").await,
        (Value::Null, Value::Null)
    );

    close(&org, &round).await;
    let (bm, bm_rollup) = figures(&org, "bm", &round, "bm").await;
    assert_eq!(bm, bea());
    assert_eq!(bm_rollup, bea());
    // Two respondents each: am (a1, a2) and the director (am, bm).
    assert_eq!(
        figures(&org, "hr", &round, "am").await,
        (Value::Null, Value::Null)
    );
    assert_eq!(figures(&org, "dir", &round, "dir").await.0, Value::Null);
}

db_test!(the_rollup_cannot_be_subtracted_to_reveal_a_manager_below_three);
async fn the_rollup_cannot_be_subtracted_to_reveal_a_manager_below_three(backend: Backend) {
    let org = company(backend).await;
    let round = open(&org, "2026 Q4", 24).await;
    everyone_answers(&org, &round).await;
    close(&org, &round).await;

    // The director, above both managers, reads all there is to read.
    let (dir_own, dir_rollup) = figures(&org, "dir", &round, "dir").await;
    let (am_own, am_rollup) = figures(&org, "dir", &round, "am").await;
    let (bm_own, _) = figures(&org, "dir", &round, "bm").await;
    // The rollup is exactly the 5-respondent manager's figure: am's two answers (and the
    // director's own two) are in no published figure, so no subtraction recovers them.
    assert_eq!(dir_rollup, bea());
    assert_eq!(dir_rollup, bm_own);
    assert_eq!(am_own, Value::Null);
    assert_eq!(am_rollup, Value::Null);
    assert_eq!(dir_own, Value::Null);
}

db_test!(pulse_figures_are_refused_to_peers_reports_and_integrations);
async fn pulse_figures_are_refused_to_peers_reports_and_integrations(backend: Backend) {
    let org = company(backend).await;
    let round = open(&org, "2026 Q4", 24).await;
    everyone_answers(&org, &round).await;
    close(&org, &round).await;
    let vars = |manager: &str| json!({ "round": round, "manager": org.id(manager) });
    for field in ["results", "rollup"] {
        let q = format!(
            "query($round: ID!, $manager: ID!) {{
               pulseRound(id: $round) {{ {field}(managerId: $manager) {{ useful respondentCount }} }}
             }}"
        );
        // A peer manager, the manager's own report, a report of another manager.
        for (who, manager) in [("am", "bm"), ("b1", "bm"), ("a1", "bm"), ("bm", "dir")] {
            org.gql(who, &q, vars(manager))
                .await
                .assert_error_code("FORBIDDEN");
        }
        // An integration, whatever its scopes: no hr_admin role.
        let hris = org.app.admin_integration();
        org.app
            .gql(Some(&hris), &q, vars("bm"))
            .await
            .assert_error_code("FORBIDDEN");
        // The manager, the director above and hr_admin do see them.
        for who in ["bm", "dir", "hr"] {
            let seen = org.gql(who, &q, vars("bm")).await.ok();
            assert_eq!(
                seen.data(&format!("/pulseRound/{field}/respondentCount")),
                5
            );
        }
    }
}

db_test!(nobody_reads_another_persons_answer_not_even_hr_admin);
async fn nobody_reads_another_persons_answer_not_even_hr_admin(backend: Backend) {
    let org = company(backend).await;
    let round = open(&org, "2026 Q4", 24).await;
    everyone_answers(&org, &round).await;
    // hr_admin, the manager the answers are about and the director: `myAnswer` is the only
    // answer a query can reach, and it is the viewer's own (none for them).
    for who in ["hr", "dir"] {
        let seen = org.gql(who, MINE, json!({ "round": round })).await.ok();
        assert_eq!(seen.data("/pulseRound/myAnswer"), &Value::Null, "{who}");
    }
    let bm = org.gql("bm", MINE, json!({ "round": round })).await.ok();
    assert_eq!(
        bm.data("/pulseRound/myAnswer/manager/externalId"),
        "dir",
        "bm's own answer, about the director"
    );
    // An integration has no answer of its own either.
    let hris = org.app.admin_integration();
    org.app
        .gql(Some(&hris), MINE, json!({ "round": round }))
        .await
        .assert_error_code("FORBIDDEN");
    // And the schema has no other way to an answer: `PulseAnswer` is reached only through
    // the viewer's `myAnswer` and the answering mutation's own payload.
    let schema = include_str!("../../../schema.graphql");
    let uses: Vec<&str> = schema
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("PulseAnswer") && !l.starts_with("type ") && !l.starts_with('"'))
        .collect();
    assert_eq!(
        uses,
        vec!["answer: PulseAnswer!", "myAnswer: PulseAnswer"],
        "{uses:?}"
    );
}

db_test!(closing_figures_are_frozen_against_late_corrections);
async fn closing_figures_are_frozen_against_late_corrections(backend: Backend) {
    let mut org = company(backend).await;
    let round = open(&org, "2026 Q4", 24).await;
    everyone_answers(&org, &round).await;
    close(&org, &round).await;
    let before = (
        figures(&org, "hr", &round, "bm").await,
        figures(&org, "hr", &round, "dir").await,
    );
    assert_eq!(before.0.0, bea());

    // A late correction is refused, and a reorg after the close (b1 and b2 move to am,
    // bm moves away from the director) moves nothing.
    assert_bad_input(
        &org.gql("b1", ANSWER, scores(&round, 1, 1, 1)).await,
        "input.roundId",
    );
    org.hire(json!([
        row("b1", "Bo One", Some("am"), "2025-01-01"),
        row("b2", "Bo Two", Some("am"), "2025-01-01"),
        row("bm", "Bea Manager", Some("hr"), "2025-01-01"),
    ]))
    .await;
    // The scheduled freezer finds nothing left to freeze.
    let froze =
        cadence::service::pulse::freeze_ended_rounds(&org.app.db, Utc::now() + Duration::days(2))
            .await
            .expect("freeze");
    assert!(froze.is_empty(), "{froze:?}");
    let after = (
        figures(&org, "hr", &round, "bm").await,
        figures(&org, "hr", &round, "dir").await,
    );
    assert_eq!(after, before);
    assert_eq!(figures(&org, "hr", &round, "am").await.0, Value::Null);
}

db_test!(an_answer_goes_to_the_manager_at_the_moment_of_answering);
async fn an_answer_goes_to_the_manager_at_the_moment_of_answering(backend: Backend) {
    let mut org = company(backend).await;
    let round = open(&org, "2026 Q4", 24).await;
    // b1 answers about bm, then moves to am and changes the answer: it moves with them.
    let first = answer(&org, "b1", &round, (5, 5, 5)).await;
    assert_eq!(first["manager"]["externalId"], "bm");
    answer(&org, "a1", &round, (1, 1, 1)).await;
    answer(&org, "b2", &round, (2, 2, 2)).await;
    answer(&org, "b3", &round, (3, 3, 3)).await;
    org.hire(json!([row("b1", "Bo One", Some("am"), "2025-01-01")]))
        .await;
    let second = answer(&org, "b1", &round, (4, 4, 4)).await;
    assert_eq!(second["manager"]["externalId"], "am");
    answer(&org, "a2", &round, (2, 2, 2)).await;
    close(&org, &round).await;

    // am: a1 1, a2 2, b1 4 → 7 / 3. bm: b2 and b3 only → below 3.
    let (am, _) = figures(&org, "hr", &round, "am").await;
    assert_eq!(am["respondentCount"], 3);
    assert_eq!(am["useful"], json!(7.0 / 3.0));
    assert_eq!(figures(&org, "hr", &round, "bm").await.0, Value::Null);
}

db_test!(rounds_past_their_closing_time_are_frozen_by_the_job_not_by_reads);
async fn rounds_past_their_closing_time_are_frozen_by_the_job_not_by_reads(backend: Backend) {
    let org = company(backend).await;
    let round = open(&org, "2026 Q4", 1).await;
    everyone_answers(&org, &round).await;
    // Read before the job ran: nothing, and nothing written.
    assert_eq!(
        figures(&org, "hr", &round, "bm").await,
        (Value::Null, Value::Null)
    );
    let status = "query($id: ID!) { pulseRound(id: $id) { closedAt closesAt } }";
    let seen = org.gql("hr", status, json!({ "id": round })).await.ok();
    assert_eq!(seen.data("/pulseRound/closedAt"), &Value::Null);

    // The freezer, run after the closing time, freezes the round as of `closesAt`.
    let froze =
        cadence::service::pulse::freeze_ended_rounds(&org.app.db, Utc::now() + Duration::hours(2))
            .await
            .expect("freeze");
    assert_eq!(froze.len(), 1);
    let seen = org.gql("hr", status, json!({ "id": round })).await.ok();
    assert_eq!(
        seen.data("/pulseRound/closedAt"),
        seen.data("/pulseRound/closesAt")
    );
    assert_eq!(figures(&org, "dir", &round, "bm").await.0, bea());
}

db_test!(coverage_reports_and_exports_show_the_latest_closed_round);
async fn coverage_reports_and_exports_show_the_latest_closed_round(backend: Backend) {
    let org = company(backend).await;
    let q = "query($id: ID!) { coverageReport(managerId: $id) {
        pulse { respondents }
        managers { manager { externalId }
          pulse { round { name } useful beyondTactical feedback respondents } } } }";
    let report = |who: &'static str| {
        let org = &org;
        async move {
            org.gql(who, q, json!({ "id": org.id("dir") }))
                .await
                .ok()
                .data("/coverageReport")
                .clone()
        }
    };
    // No round closed yet: null.
    let round = open(&org, "2026 Q4", 24).await;
    everyone_answers(&org, &round).await;
    let before = report("dir").await;
    assert!(
        before["managers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["pulse"].is_null())
    );

    close(&org, &round).await;
    // An open round after it does not hide the closed one.
    open(&org, "2027 Q1", 24).await;
    let after = report("dir").await;
    assert_eq!(after["pulse"], Value::Null);
    let row_of = |who: &str| {
        after["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["manager"]["externalId"] == who)
            .unwrap_or_else(|| panic!("no row for {who}"))["pulse"]
            .clone()
    };
    assert_eq!(
        row_of("bm"),
        json!({ "round": { "name": "2026 Q4" }, "useful": 4.0, "beyondTactical": 3.2,
                "feedback": 3.0, "respondents": 5 })
    );
    assert_eq!(row_of("am"), Value::Null);

    // The CSV export gains the same figures, in columns at the end.
    let csv = org
        .app
        .client
        .get(
            org.app
                .url(&format!("/export/coverage.csv?managerId={}", org.id("dir"))),
        )
        .bearer_auth(org.token("dir"))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.ends_with(
            ",lastTrainedAt,pulseRound,pulseUseful,pulseBeyondTactical,pulseFeedback,pulseRespondents"
        ),
        "{header}"
    );
    let bm_line = lines
        .find(|l| l.contains("Bea Manager"))
        .unwrap_or_else(|| panic!("no bm line in {csv}"));
    assert!(bm_line.ends_with(",2026 Q4,4.0,3.2,3.0,5"), "{bm_line}");
    let am_line = csv.lines().find(|l| l.contains("Ash Manager")).unwrap();
    assert!(am_line.ends_with(",,,,,"), "{am_line}");
}

db_test!(a_page_of_rounds_costs_the_same_statements_however_many_rounds_it_holds);
async fn a_page_of_rounds_costs_the_same_statements_however_many_rounds_it_holds(backend: Backend) {
    let org = company(backend).await;
    // bm reads their own answer (about the director), figures and rollup.
    let page = "query($bm: ID!) { pulseRounds(first: 10) { nodes {
        name status myAnswer { useful manager { name } }
        results(managerId: $bm) { useful respondentCount }
        rollup(managerId: $bm) { useful managerCount } } } }";
    let vars = json!({ "bm": org.id("bm") });
    // The second of two identical requests, so that both readings find the same caches.
    let measure = || {
        let (org, vars) = (&org, vars.clone());
        async move {
            org.gql("bm", page, vars.clone()).await.ok();
            let before = org.app.statements();
            let answer = org.gql("bm", page, vars).await.ok();
            (org.app.statements() - before, answer)
        }
    };
    let first = open(&org, "Round 1", 24).await;
    everyone_answers(&org, &first).await;
    close(&org, &first).await;
    let (one, answer) = measure().await;
    assert_eq!(
        answer.data("/pulseRounds/nodes/0/results/respondentCount"),
        5
    );
    assert_eq!(answer.data("/pulseRounds/nodes/0/myAnswer/useful"), 4);
    // b1 is bm's report: the figures are not theirs to read.
    assert_eq!(
        org.gql("b1", page, vars.clone()).await.error_codes(),
        vec!["FORBIDDEN", "FORBIDDEN"]
    );

    for name in ["Round 2", "Round 3", "Round 4"] {
        let round = open(&org, name, 24).await;
        everyone_answers(&org, &round).await;
        close(&org, &round).await;
    }
    let (four, answer) = measure().await;
    assert_eq!(
        answer.data("/pulseRounds/nodes").as_array().unwrap().len(),
        4
    );
    assert_eq!(
        one, four,
        "statements grow with the rounds: {one} for 1, {four} for 4"
    );
}
