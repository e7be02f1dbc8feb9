//! Statements per request do not grow with the org.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, person, spawn_app, team, upsert_teams};

/// `n` people in a tree (everyone's manager is person `(i - 1) / 3`), spread over 3 teams.
fn tree_of(n: usize) -> Value {
    let rows: Vec<Value> = (0..n)
        .map(|i| {
            let manager = (i > 0).then(|| format!("p{}", (i - 1) / 3));
            let mut row = person(
                &format!("p{i}"),
                &format!("Person {i:03}"),
                manager.as_deref(),
            );
            row["teamExternalId"] = json!(format!("t{}", i % 3));
            row
        })
        .collect();
    Value::Array(rows)
}

db_test!(statements_per_request_do_not_grow_with_the_org);
async fn statements_per_request_do_not_grow_with_the_org(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(
        &app,
        json!([
            team("t0", "Team Zero", None),
            team("t1", "Team One", Some("t0")),
            team("t2", "Team Two", Some("t0")),
        ]),
    )
    .await;
    let query = "{ people(first: 100) { nodes {
        manager { name team { name } }
        directReports(first: 5) { totalCount }
    } } }";
    let token = app.person_token("p0");
    let mut counts = Vec::new();

    for n in [10, 60] {
        app.upsert_people(tree_of(n)).await;
        let before = app.statements();
        let answer = app.gql(Some(&token), query, json!({})).await.ok();
        counts.push(app.statements() - before);

        let nodes = answer.data("/people/nodes").as_array().unwrap();
        assert_eq!(nodes.len(), n);
        // Everyone but p0 has a manager with a team; p0 has 3 reports.
        assert_eq!(
            nodes
                .iter()
                .filter(|p| !p["manager"]["team"]["name"].is_null())
                .count(),
            n - 1
        );
        assert_eq!(nodes[0]["directReports"]["totalCount"], 3);
    }

    assert_eq!(
        counts[0], counts[1],
        "statements for 10 people vs 60 people: {counts:?}"
    );
}
