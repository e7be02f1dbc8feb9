//! Statement counts of team meeting reads and carried-over items, which do not grow with
//! the rows.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, Org, at, person};

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
