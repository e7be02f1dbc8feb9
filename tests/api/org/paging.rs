//! Connections: paging through everyone and through direct reports, cursors that keep their
//! place, reading only what the query selects, and page arguments out of range.

use base64::Engine;
use serde_json::{Value, json};

use super::ids;
use crate::db_test;
use crate::support::{Backend, person, small_org, spawn_app};

db_test!(people_pages_through_everyone);
async fn people_pages_through_everyone(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let query = "query($after: String) {
      people(first: 4, after: $after) {
        totalCount
        nodes { externalId }
        edges { cursor }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }";

    let mut pages = Vec::new();
    let mut after = Value::Null;
    for _ in 0..4 {
        let page = app
            .gql(Some(&token), query, json!({ "after": after }))
            .await
            .ok();
        after = page.data("/people/pageInfo/endCursor").clone();
        pages.push(page);
        if after.is_null() {
            break;
        }
    }

    assert_eq!(
        pages.len(),
        4,
        "three pages of 4, 4 and 1, then an empty one"
    );
    let seen: Vec<&str> = pages
        .iter()
        .flat_map(|p| ids(p.data("/people/nodes")))
        .collect();
    assert_eq!(
        seen,
        [
            "acct", "ceo", "dev1", "dev3", "dev2", "em2", "em1", "cfo", "cto"
        ],
        "everyone once, by name"
    );
    let flags: Vec<(bool, bool)> = pages
        .iter()
        .map(|p| {
            (
                p.data("/people/pageInfo/hasNextPage").as_bool().unwrap(),
                p.data("/people/pageInfo/hasPreviousPage")
                    .as_bool()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [(true, false), (true, true), (false, true), (false, true)]
    );
    for page in &pages {
        assert_eq!(page.data("/people/totalCount"), 9, "{}", page.body);
    }
    assert_eq!(
        pages[0].data("/people/pageInfo/endCursor"),
        &pages[0].data("/people/edges").as_array().unwrap()[3]["cursor"]
    );
    assert_eq!(
        pages[1].data("/people/pageInfo/startCursor"),
        &pages[1].data("/people/edges").as_array().unwrap()[0]["cursor"]
    );
    assert_eq!(pages[3].data("/people/nodes"), &json!([]));
}

db_test!(direct_reports_page_and_count_past_the_end);
async fn direct_reports_page_and_count_past_the_end(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let query = "query($after: String) {
      people(first: 100) { nodes {
        externalId
        directReports(first: 1, after: $after) {
          totalCount nodes { externalId }
          pageInfo { hasNextPage hasPreviousPage endCursor }
        }
      } }
    }";

    let first = app.gql(Some(&token), query, json!({})).await.ok();
    assert_eq!(first.data("/people/nodes/8/externalId"), "cto");

    // For each person: (externalId, totalCount, nodes, hasNextPage, hasPreviousPage).
    let summary = |answer: &crate::support::Answer| -> Vec<(String, i64, Vec<String>, bool, bool)> {
        answer
            .data("/people/nodes")
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let c = &p["directReports"];
                (
                    p["externalId"].as_str().unwrap().to_string(),
                    c["totalCount"].as_i64().unwrap(),
                    ids(&c["nodes"]).into_iter().map(String::from).collect(),
                    c["pageInfo"]["hasNextPage"].as_bool().unwrap(),
                    c["pageInfo"]["hasPreviousPage"].as_bool().unwrap(),
                )
            })
            .filter(|(_, total, ..)| *total > 0)
            .collect()
    };
    let row = |who: &str, total: i64, nodes: &[&str], next: bool, prev: bool| {
        (
            who.to_string(),
            total,
            nodes.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            next,
            prev,
        )
    };
    assert_eq!(
        summary(&first),
        [
            row("ceo", 2, &["cfo"], true, false),
            row("em2", 1, &["dev3"], false, false),
            row("em1", 2, &["dev1"], true, false),
            row("cfo", 1, &["acct"], false, false),
            row("cto", 2, &["em2"], true, false),
        ],
        "the first page of everyone's reports, from one batch"
    );

    // Then the CTO's list alone, page by page, and past its end.
    let cto_query = r#"query($after: String) {
      personByExternalId(externalId: "cto") {
        directReports(first: 1, after: $after) {
          totalCount nodes { externalId }
          pageInfo { hasNextPage hasPreviousPage endCursor }
        }
      }
    }"#;
    let mut after = first
        .data("/people/nodes/8/directReports/pageInfo/endCursor")
        .clone();
    let mut pages = Vec::new();
    for _ in 0..2 {
        let page = app
            .gql(Some(&token), cto_query, json!({ "after": after }))
            .await
            .ok();
        let c = page.data("/personByExternalId/directReports").clone();
        if !c["pageInfo"]["endCursor"].is_null() {
            after = c["pageInfo"]["endCursor"].clone();
        }
        pages.push((
            c["totalCount"].as_i64().unwrap(),
            ids(&c["nodes"])
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>(),
            c["pageInfo"]["hasNextPage"].as_bool().unwrap(),
            c["pageInfo"]["hasPreviousPage"].as_bool().unwrap(),
        ));
    }
    assert_eq!(
        pages,
        [
            (2, vec!["em1".to_string()], false, true),
            (2, vec![], false, true),
        ],
        "a page past the end still counts the whole list"
    );
}

db_test!(a_cursor_keeps_its_place_when_people_arrive_before_it);
async fn a_cursor_keeps_its_place_when_people_arrive_before_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let query = "query($after: String) {
      people(first: 4, after: $after) { nodes { externalId } pageInfo { endCursor } }
    }";
    let first = app.gql(Some(&token), query, json!({})).await.ok();
    assert_eq!(
        ids(first.data("/people/nodes")),
        ["acct", "ceo", "dev1", "dev3"]
    );

    // Two people whose names sort before the page just read, one after it.
    app.upsert_people(json!([
        person("new1", "Aaron Early", Some("ceo")),
        person("new2", "Abby Early", Some("ceo")),
        person("new3", "Zoe Late", Some("ceo")),
    ]))
    .await;
    let second = app
        .gql(
            Some(&token),
            query,
            json!({ "after": first.data("/people/pageInfo/endCursor") }),
        )
        .await
        .ok();

    assert_eq!(
        ids(second.data("/people/nodes")),
        ["dev2", "em2", "em1", "cfo"],
        "the next page starts right after the last person seen: nobody twice, nobody skipped"
    );
}

db_test!(a_connection_reads_only_what_the_query_selects);
async fn a_connection_reads_only_what_the_query_selects(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let statements = |query: &'static str| {
        let app = &app;
        let token = &token;
        async move {
            let before = app.statements();
            let answer = app.gql(Some(token), query, json!({})).await.ok();
            (app.statements() - before, answer)
        }
    };

    let (count_only, counted) = statements("{ people(first: 2) { totalCount } }").await;
    let (page_only, paged) = statements("{ people(first: 2) { nodes { externalId } } }").await;
    let (both, _) = statements("{ people(first: 2) { totalCount nodes { externalId } } }").await;
    let (reports_counted, reports) =
        statements(r#"{ personByExternalId(externalId: "cto") { directReports { totalCount } } }"#)
            .await;
    let (reports_paged, _) = statements(
        r#"{ personByExternalId(externalId: "cto") { directReports { totalCount nodes { name } } } }"#,
    )
    .await;

    assert_eq!(counted.data("/people/totalCount"), 9);
    assert_eq!(ids(paged.data("/people/nodes")), ["acct", "ceo"]);
    assert_eq!(
        reports.data("/personByExternalId/directReports/totalCount"),
        2
    );
    assert_eq!(
        count_only, page_only,
        "a count or a page: one statement each"
    );
    assert_eq!(both, count_only + 1, "both: one statement more");
    assert_eq!(reports_paged, reports_counted + 1);
}

db_test!(page_arguments_out_of_range_are_bad_input);
async fn page_arguments_out_of_range_are_bad_input(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let not_a_cursor = encode("person:3");
    // Well-formed cursors of other lists: a key of another shape is refused, not misread.
    let a_number = encode(&format!("[{}]", u64::MAX));
    let people_cursor = encode(r#"["Tom CTO",2]"#);
    let meetings_cursor = encode(r#"["2026-01-01T00:00:00Z",2,3]"#);

    let mut answers = Vec::new();
    for query in [
        "{ people(first: 101) { totalCount } }".to_string(),
        "{ people(first: 0) { totalCount } }".to_string(),
        "{ people(first: -1) { totalCount } }".to_string(),
        r#"{ people(after: "%%%") { totalCount } }"#.to_string(),
        format!(r#"{{ people(after: "{not_a_cursor}") {{ totalCount }} }}"#),
        format!(r#"{{ people(after: "{a_number}") {{ totalCount }} }}"#),
        format!(r#"{{ people(after: "{meetings_cursor}") {{ nodes {{ name }} }} }}"#),
        format!(
            r#"{{ personByExternalId(externalId: "cto") {{ directReports(after: "{people_cursor}") {{ nodes {{ name }} }} }} }}"#
        ),
        r#"{ personByExternalId(externalId: "cto") { directReports(first: 101) { totalCount } } }"#
            .to_string(),
        r#"{ personByExternalId(externalId: "cto") { directReports(first: 0) { totalCount } } }"#
            .to_string(),
        r#"{ personByExternalId(externalId: "cto") { directReports(after: "nope") { totalCount } } }"#
            .to_string(),
    ] {
        answers.push((query.clone(), app.gql(Some(&token), &query, json!({})).await));
    }
    let at_most = app
        .gql(
            Some(&token),
            "{ people(first: 100) { totalCount } }",
            json!({}),
        )
        .await
        .ok();
    // Past everyone, with the largest id there is: an empty page, no overflow.
    let beyond = encode(&format!(r#"["zzz",{}]"#, i64::MAX));
    let past_the_end = app
        .gql(
            Some(&token),
            &format!(r#"{{ people(after: "{beyond}") {{ totalCount nodes {{ name }} }} }}"#),
            json!({}),
        )
        .await
        .ok();
    assert_eq!(past_the_end.data("/people/nodes"), &json!([]));
    assert_eq!(past_the_end.data("/people/totalCount"), 9);

    for (query, answer) in &answers {
        assert_eq!(
            answer.error_codes(),
            ["BAD_USER_INPUT"],
            "{query}: {}",
            answer.body
        );
    }
    assert_eq!(at_most.data("/people/totalCount"), 9);
}
