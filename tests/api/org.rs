//! The org chart: hierarchy fields, `asOf`, paging, and flat statement counts.

use base64::Engine;
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, TestApp, person, small_org, spawn_app, team, upsert_teams};

db_test!(hierarchy_fields_follow_the_reporting_lines);
async fn hierarchy_fields_follow_the_reporting_lines(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");

    let answer = app
        .gql(
            Some(&token),
            r#"{ cto: personByExternalId(externalId: "cto") {
                  manager { externalId }
                  directReports { totalCount nodes { externalId } }
                  reports { totalCount nodes { externalId } }
                  skipLevelReports { nodes { externalId } }
                  peers { nodes { externalId } }
                }
                dev1: personByExternalId(externalId: "dev1") {
                  managementChain { externalId }
                  peers { nodes { externalId } }
                } }"#,
            json!({}),
        )
        .await
        .ok();

    assert_eq!(answer.data("/cto/manager/externalId"), "ceo");
    assert_eq!(answer.data("/cto/directReports/totalCount"), 2);
    assert_eq!(
        answer.data("/cto/directReports/nodes"),
        &json!([{ "externalId": "em2" }, { "externalId": "em1" }]),
        "ordered by name: Eli before Erin"
    );
    assert_eq!(answer.data("/cto/reports/totalCount"), 5);
    assert_eq!(
        answer.data("/cto/skipLevelReports/nodes"),
        &json!([{ "externalId": "dev1" }, { "externalId": "dev3" }, { "externalId": "dev2" }])
    );
    assert_eq!(
        answer.data("/cto/peers/nodes"),
        &json!([{ "externalId": "cfo" }])
    );
    assert_eq!(
        answer.data("/dev1/managementChain"),
        &json!([{ "externalId": "em1" }, { "externalId": "cto" }, { "externalId": "ceo" }])
    );
    assert_eq!(
        answer.data("/dev1/peers/nodes"),
        &json!([{ "externalId": "dev2" }])
    );
}

/// `small_org()` with everyone employed since 2020-01-01, so that history reaches back.
fn dated_small_org() -> Value {
    let mut org = small_org();
    for row in org.as_array_mut().expect("rows") {
        row["startDate"] = json!("2020-01-01");
    }
    org
}

/// The externalIds of a list of people, or of a connection's `nodes`.
fn ids(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|p| p["externalId"].as_str().expect("externalId"))
        .collect()
}

/// The global ID of a person.
async fn id_of(app: &TestApp, external_id: &str) -> String {
    app.gql(
        Some(&app.admin_integration()),
        "query($x: String!) { personByExternalId(externalId: $x) { id } }",
        json!({ "x": external_id }),
    )
    .await
    .ok()
    .data("/personByExternalId/id")
    .as_str()
    .expect("id")
    .to_string()
}

db_test!(as_of_shows_the_org_before_and_after_a_reorg);
async fn as_of_shows_the_org_before_and_after_a_reorg(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(dated_small_org()).await;
    // em2 (and with them dev3) moves from the CTO to the CFO at the start of 2024.
    let mut em2 = person("em2", "Eli Manager", Some("cfo"));
    em2["startDate"] = json!("2020-01-01");
    em2["effectiveFrom"] = json!("2024-01-01T00:00:00Z");
    app.upsert_people(json!([em2])).await;
    let query = "query($at: DateTime) {
      em2: personByExternalId(externalId: \"em2\") {
        manager(asOf: $at) { externalId }
        managementChain(asOf: $at) { externalId }
        peers(asOf: $at) { nodes { externalId } }
      }
      dev3: personByExternalId(externalId: \"dev3\") { managementChain(asOf: $at) { externalId } }
      cto: personByExternalId(externalId: \"cto\") {
        reports(asOf: $at) { totalCount nodes { externalId } }
        skipLevelReports(asOf: $at) { nodes { externalId } }
      }
      cfo: personByExternalId(externalId: \"cfo\") {
        directReports(asOf: $at) { nodes { externalId } }
        reports(asOf: $at) { totalCount nodes { externalId } }
      }
    }";
    let token = app.person_token("dev1");

    let before = app
        .gql(Some(&token), query, json!({ "at": "2023-12-31T23:59:59Z" }))
        .await
        .ok();
    let at = app
        .gql(Some(&token), query, json!({ "at": "2024-01-01T00:00:00Z" }))
        .await
        .ok();
    let now = app.gql(Some(&token), query, json!({})).await.ok();

    assert_eq!(before.data("/em2/manager/externalId"), "cto");
    assert_eq!(ids(before.data("/em2/managementChain")), ["cto", "ceo"]);
    assert_eq!(ids(before.data("/em2/peers/nodes")), ["em1"]);
    assert_eq!(
        ids(before.data("/dev3/managementChain")),
        ["em2", "cto", "ceo"]
    );
    assert_eq!(before.data("/cto/reports/totalCount"), 5);
    assert_eq!(
        ids(before.data("/cto/reports/nodes")),
        ["em2", "em1", "dev1", "dev3", "dev2"]
    );
    assert_eq!(
        ids(before.data("/cto/skipLevelReports/nodes")),
        ["dev1", "dev3", "dev2"]
    );
    assert_eq!(ids(before.data("/cfo/directReports/nodes")), ["acct"]);
    assert_eq!(before.data("/cfo/reports/totalCount"), 1);

    for after in [&at, &now] {
        assert_eq!(after.data("/em2/manager/externalId"), "cfo");
        assert_eq!(ids(after.data("/em2/managementChain")), ["cfo", "ceo"]);
        assert_eq!(ids(after.data("/em2/peers/nodes")), ["acct"]);
        assert_eq!(
            ids(after.data("/dev3/managementChain")),
            ["em2", "cfo", "ceo"]
        );
        assert_eq!(after.data("/cto/reports/totalCount"), 3);
        assert_eq!(
            ids(after.data("/cto/reports/nodes")),
            ["em1", "dev1", "dev2"]
        );
        assert_eq!(
            ids(after.data("/cto/skipLevelReports/nodes")),
            ["dev1", "dev2"]
        );
        assert_eq!(ids(after.data("/cfo/directReports/nodes")), ["acct", "em2"]);
        assert_eq!(after.data("/cfo/reports/totalCount"), 3);
        assert_eq!(
            ids(after.data("/cfo/reports/nodes")),
            ["acct", "em2", "dev3"]
        );
    }
}

db_test!(reports_go_down_depth_levels);
async fn reports_go_down_depth_levels(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");

    let answer = app
        .gql(
            Some(&token),
            r#"{ ceo: personByExternalId(externalId: "ceo") {
                  directReports { totalCount nodes { externalId } }
                  one: reports(depth: 1) { totalCount nodes { externalId } }
                  two: reports(depth: 2) { totalCount nodes { externalId } }
                  all: reports { totalCount }
                  deep: reports(depth: 50) { totalCount }
                } }"#,
            json!({}),
        )
        .await
        .ok();
    let zero = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "ceo") { reports(depth: 0) { totalCount } } }"#,
            json!({}),
        )
        .await;
    let negative = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "ceo") { reports(depth: -1) { totalCount } } }"#,
            json!({}),
        )
        .await;

    assert_eq!(
        answer.data("/ceo/one"),
        answer.data("/ceo/directReports"),
        "depth 1 is the direct reports"
    );
    assert_eq!(answer.data("/ceo/two/totalCount"), 5);
    assert_eq!(
        ids(answer.data("/ceo/two/nodes")),
        ["cfo", "cto", "acct", "em2", "em1"],
        "level by level, by name within a level"
    );
    assert_eq!(answer.data("/ceo/all/totalCount"), 8);
    assert_eq!(answer.data("/ceo/deep/totalCount"), 8);
    zero.assert_error_code("BAD_USER_INPUT");
    negative.assert_error_code("BAD_USER_INPUT");
}

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

db_test!(node_finds_people_and_teams_by_global_id);
async fn node_finds_people_and_teams_by_global_id(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(&app, json!([team("eng", "Engineering", None)])).await;
    let mut org = small_org();
    org[1]["teamExternalId"] = json!("eng");
    app.upsert_people(org).await;
    let token = app.person_token("dev1");
    let cto = id_of(&app, "cto").await;
    let eng = app
        .gql(Some(&token), "{ teams { nodes { id } } }", json!({}))
        .await
        .ok()
        .data("/teams/nodes/0/id")
        .as_str()
        .unwrap()
        .to_string();
    let unknown_person = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("Person:999999");
    let query = "query($id: ID!) {
      node(id: $id) { __typename id ... on Person { name } ... on Team { name } }
      person(id: $id) { externalId }
    }";

    let person = app
        .gql(Some(&token), query, json!({ "id": cto }))
        .await
        .ok();
    let team = app
        .gql(Some(&token), query, json!({ "id": eng }))
        .await
        .ok();
    let unknown = app
        .gql(Some(&token), query, json!({ "id": unknown_person }))
        .await
        .ok();
    let malformed_node = app
        .gql(Some(&token), "{ node(id: \"Person:1\") { id } }", json!({}))
        .await;
    let malformed_person = app
        .gql(Some(&token), "{ person(id: \"!!\") { id } }", json!({}))
        .await;
    let by_external_id = app
        .gql(
            Some(&token),
            r#"{ personByExternalId(externalId: "nobody") { id } }"#,
            json!({}),
        )
        .await
        .ok();

    assert_eq!(
        person.data("/node"),
        &json!({ "__typename": "Person", "id": cto, "name": "Tom CTO" })
    );
    assert_eq!(person.data("/person/externalId"), "cto");
    assert_eq!(
        team.data("/node"),
        &json!({ "__typename": "Team", "id": eng, "name": "Engineering" })
    );
    assert_eq!(
        team.data("/person"),
        &Value::Null,
        "a Team's ID is no person"
    );
    assert_eq!(unknown.data("/node"), &Value::Null);
    assert_eq!(unknown.data("/person"), &Value::Null);
    malformed_node.assert_error_code("BAD_USER_INPUT");
    malformed_person.assert_error_code("BAD_USER_INPUT");
    assert_eq!(by_external_id.data("/personByExternalId"), &Value::Null);
}

db_test!(people_filters_by_name_team_and_manager);
async fn people_filters_by_name_team_and_manager(backend: Backend) {
    let app = spawn_app(backend).await;
    upsert_teams(
        &app,
        json!([
            team("eng", "Engineering", None),
            team("fin", "Finance", None)
        ]),
    )
    .await;
    let mut org = small_org();
    for row in org.as_array_mut().unwrap() {
        let team = match row["externalId"].as_str().unwrap() {
            "cfo" | "acct" => Some("fin"),
            "ceo" => None,
            _ => Some("eng"),
        };
        row["teamExternalId"] = json!(team);
    }
    app.upsert_people(org).await;
    let token = app.person_token("dev1");
    let teams = app
        .gql(
            Some(&token),
            "{ teams { nodes { id externalId } } }",
            json!({}),
        )
        .await
        .ok();
    let fin = teams.data("/teams/nodes/1/id").clone();
    assert_eq!(teams.data("/teams/nodes/1/externalId"), "fin");
    let cto = id_of(&app, "cto").await;
    let query = "query($filter: PersonFilter) {
      people(filter: $filter) { totalCount nodes { externalId } }
    }";
    let list = |filter: Value| {
        let app = &app;
        let token = &token;
        async move {
            app.gql(Some(token), query, json!({ "filter": filter }))
                .await
                .ok()
                .data("/people")
                .clone()
        }
    };

    let dev = list(json!({ "nameContains": "DEV" })).await;
    let wildcard = list(json!({ "nameContains": "%" })).await;
    let underscore = list(json!({ "nameContains": "_" })).await;
    let finance = list(json!({ "teamId": fin })).await;
    let under_cto = list(json!({ "managerId": cto })).await;
    let combined = list(json!({ "managerId": cto, "nameContains": "erin" })).await;
    let wrong_kind = app
        .gql(Some(&token), query, json!({ "filter": { "teamId": cto } }))
        .await;

    assert_eq!(ids(&dev["nodes"]), ["dev1", "dev3", "dev2"]);
    assert_eq!(dev["totalCount"], 3);
    assert_eq!(wildcard["totalCount"], 0, "% is no wildcard");
    assert_eq!(underscore["totalCount"], 0, "_ is no wildcard");
    assert_eq!(ids(&finance["nodes"]), ["acct", "cfo"]);
    assert_eq!(ids(&under_cto["nodes"]), ["em2", "em1"]);
    assert_eq!(ids(&combined["nodes"]), ["em1"]);
    wrong_kind.assert_error_code("BAD_USER_INPUT");
}

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
