//! Request limits: every limit refuses a request just over it before anything runs, and
//! lets one just under it through: depth, cost, requested nodes, aliases, root fields,
//! directives, tokens, document size, circular fragments and batches.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::request::{GRAPHQL_RESPONSE_JSON, Send, get, post, query};
use crate::support::{Backend, Options, TestApp, small_org, spawn_app, spawn_app_with};

fn with_limits(change: impl FnOnce(&mut cadence::config::LimitSettings)) -> Options {
    let mut options = Options::default();
    change(&mut options.limits);
    options
}

/// An app with the small org and a token of someone in it.
async fn app_with_org(backend: Backend, options: Options) -> (TestApp, String) {
    let app = spawn_app_with(backend, options).await;
    app.upsert_people(small_org()).await;
    let token = app.person_token("dev1");
    (app, token)
}

/// `{ viewer { name manager { … { name } } } }` with fields nested `depth` deep.
fn nested(depth: usize) -> String {
    assert!(depth >= 2);
    let managers = depth - 2;
    format!(
        "{{ viewer {{ name {} name {} }} }}",
        "manager { ".repeat(managers),
        "} ".repeat(managers)
    )
}

db_test!(depth_just_over_the_limit_is_refused_and_just_under_runs);
async fn depth_just_over_the_limit_is_refused_and_just_under_runs(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;

    let at_limit = query(&app, Some(&token), &nested(15)).await;
    let over = query(&app, Some(&token), &nested(16)).await;
    let over_as_json = post(
        &app,
        Send {
            token: Some(&token),
            ..Send::default()
        },
        &json!({ "query": nested(16) }),
    )
    .await;
    // Far deeper than any limit: refused by the bracket guard, never a stack overflow.
    let abyss = query(&app, Some(&token), &nested(1_000)).await;
    let brackets = query(&app, Some(&token), &"{".repeat(5_000)).await;

    at_limit.assert_ok();
    assert_eq!(at_limit.body["data"]["viewer"]["name"], "Dana Dev");
    over.assert_refused(400, "depth");
    assert_eq!(over.error_extensions()["maximum"], 15);
    assert_eq!(over.error_extensions()["actual"], 16);
    assert!(
        over.header("content-type")
            .unwrap()
            .starts_with(GRAPHQL_RESPONSE_JSON)
    );
    over_as_json.assert_refused(200, "depth");
    abyss.assert_refused(400, "nesting");
    brackets.assert_refused(400, "nesting");
}

/// Costs 2 + 99 × (1 + 2 + 100 × 5) = 49,799 + teams 2 + 99 × 2 = 200 + viewer 1 = 50,000.
const COSTS_50_000: &str = "{
  people(first: 99) { nodes { directReports(first: 100) { nodes {
    manager { manager { manager { manager { id } } } } } } } }
  teams(first: 99) { nodes { parent { id } } }
  viewer { id }
}";

db_test!(cost_just_over_the_limit_is_refused_and_just_under_runs);
async fn cost_just_over_the_limit_is_refused_and_just_under_runs(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;
    let one_more = COSTS_50_000.replace("viewer { id }", "viewer { manager { id } }");
    let statements_before = app.statements();

    let over = query(&app, Some(&token), &one_more).await;
    let statements_after = app.statements();
    let at_limit = post(
        &app,
        Send {
            token: Some(&token),
            report: true,
            ..Send::default()
        },
        &json!({ "query": COSTS_50_000 }),
    )
    .await;

    over.assert_refused(400, "cost");
    assert_eq!(over.error_extensions()["actual"], 50_001);
    assert_eq!(over.error_extensions()["maximum"], 50_000);
    assert_eq!(
        statements_after, statements_before,
        "a refused query runs no SQL, not even the viewer lookup"
    );
    at_limit.assert_ok();
    assert_eq!(
        at_limit.body["data"]["people"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
    let cost = &at_limit.body["extensions"]["cost"];
    assert_eq!(cost["requested"], 50_000, "{}", at_limit.body);
    assert_eq!(cost["maximum"], 50_000);
    assert_eq!(cost["nodes"], 99 + 99 * 100 + 99);
}

db_test!(a_page_of_100_managers_with_100_reports_each_is_priced_per_node);
async fn a_page_of_100_managers_with_100_reports_each_is_priced_per_node(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;
    let two_levels =
        "{ people(first: 100) { nodes { directReports(first: 100) { nodes { name } } } } }";
    let by_variable = "query($n: Int) { people(first: $n) { nodes { name } } }";
    let report = Send {
        token: Some(&token),
        report: true,
        ..Send::default()
    };

    let nested = post(&app, report, &json!({ "query": two_levels })).await;
    let variable = post(
        &app,
        report,
        &json!({ "query": by_variable, "variables": { "n": 7 } }),
    )
    .await;
    let default_page = post(&app, report, &json!({ "query": by_variable })).await;
    let plain = query(&app, Some(&token), two_levels).await;

    nested.assert_ok();
    // 2 + 100 × (1 + 2 + 100 × 1)
    assert_eq!(nested.body["extensions"]["cost"]["requested"], 10_302);
    assert_eq!(nested.body["extensions"]["cost"]["nodes"], 10_100);
    assert_eq!(variable.body["extensions"]["cost"]["requested"], 2 + 7);
    assert_eq!(default_page.body["extensions"]["cost"]["requested"], 2 + 20);
    plain.assert_ok();
    assert!(
        plain.body.get("extensions").is_none(),
        "cost is reported on request only: {}",
        plain.body
    );
}

/// Requests 100 × (1 + 99 × (1 + 49)) = 495,100 + 70 × (1 + 69) = 4,900 = 500,000 nodes.
const REQUESTS_500_000_NODES: &str = "{
  people(first: 100) { nodes { directReports(first: 99) { nodes { reports(first: 49) { totalCount } } } } }
  more: people(first: 70) { nodes { directReports(first: 69) { totalCount } } }
  viewer { id }
}";

db_test!(requested_nodes_just_over_the_limit_are_refused_and_just_under_run);
async fn requested_nodes_just_over_the_limit_are_refused_and_just_under_run(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;
    let one_more = REQUESTS_500_000_NODES.replace(
        "viewer { id }",
        "viewer { directReports(first: 1) { totalCount } }",
    );

    let at_limit = post(
        &app,
        Send {
            token: Some(&token),
            report: true,
            ..Send::default()
        },
        &json!({ "query": REQUESTS_500_000_NODES }),
    )
    .await;
    let over = query(&app, Some(&token), &one_more).await;

    at_limit.assert_ok();
    assert_eq!(at_limit.body["extensions"]["cost"]["nodes"], 500_000);
    over.assert_refused(400, "nodes");
    assert_eq!(over.error_extensions()["actual"], 500_001);
}

/// `{ viewer { a0: name a1: name … } }` with `count` aliases.
fn aliased(count: usize) -> String {
    let aliases: String = (0..count).map(|i| format!("a{i}: name ")).collect();
    format!("{{ viewer {{ {aliases}}} }}")
}

db_test!(aliases_just_over_the_limit_are_refused_and_just_under_run);
async fn aliases_just_over_the_limit_are_refused_and_just_under_run(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;
    let in_fragments = "{ viewer { ...Names ...Names } }
        fragment Names on Person { a: name b: name c: name d: name e: name f: name g: name
          h: name i: name j: name k: name l: name m: name n: name o: name p: name }";

    let at_limit = query(&app, Some(&token), &aliased(30)).await;
    let over = query(&app, Some(&token), &aliased(31)).await;
    let a_thousand = query(&app, Some(&token), &aliased(1_000)).await;
    let spread_twice = query(&app, Some(&token), in_fragments).await;
    let over_by_get = get(&app, &aliased(31)).await;

    at_limit.assert_ok();
    assert_eq!(at_limit.body["data"]["viewer"]["a29"], "Dana Dev");
    over.assert_refused(400, "aliases");
    assert_eq!(over.error_extensions()["actual"], 31);
    a_thousand.assert_refused(400, "aliases");
    spread_twice.assert_refused(400, "aliases");
    assert_eq!(spread_twice.error_extensions()["actual"], 32);
    over_by_get.assert_refused(400, "aliases");
}

db_test!(root_fields_just_over_the_limit_are_refused_and_just_under_run);
async fn root_fields_just_over_the_limit_are_refused_and_just_under_run(backend: Backend) {
    let app = spawn_app(backend).await;
    let typenames = |n: usize| format!("{{ {} }}", "__typename ".repeat(n));

    let at_limit = query(&app, None, &typenames(20)).await;
    let over = query(&app, None, &typenames(21)).await;
    let duplicated_500 = query(&app, None, &typenames(500)).await;

    at_limit.assert_ok();
    assert_eq!(at_limit.body["data"]["__typename"], "Query");
    over.assert_refused(400, "rootFields");
    duplicated_500.assert_refused(400, "rootFields");
    assert_eq!(duplicated_500.error_extensions()["actual"], 500);
}

db_test!(duplicated_object_fields_are_each_priced);
async fn duplicated_object_fields_are_each_priced(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;
    // 2 + 100 × (1 + 500 × 1): duplicates merge in the answer but each is priced.
    let duplicated_500 = format!(
        "{{ people(first: 100) {{ nodes {{ {} }} }} }}",
        "manager { id } ".repeat(500)
    );
    let duplicated_400 = format!(
        "{{ people(first: 100) {{ nodes {{ {} }} }} }}",
        "manager { id } ".repeat(400)
    );

    let over = query(&app, Some(&token), &duplicated_500).await;
    let under = query(&app, Some(&token), &duplicated_400).await;

    over.assert_refused(400, "cost");
    assert_eq!(over.error_extensions()["actual"], 2 + 100 * 501);
    under.assert_ok();
}

db_test!(directives_just_over_the_limit_are_refused_and_just_under_run);
async fn directives_just_over_the_limit_are_refused_and_just_under_run(backend: Backend) {
    let default_app = spawn_app(backend).await;
    // The built-in directives cannot repeat on one field, so "just under" is shown with a
    // limit of 2 (`@include @skip`); the default limit of 5 refuses 6 and 1,000.
    let two_app = spawn_app_with(backend, with_limits(|l| l.max_directives = 2)).await;
    let repeated = |n: usize| format!("{{ __typename{} }}", " @include(if: true)".repeat(n));
    let two = "{ __typename @include(if: true) @skip(if: false) }";
    let three = "{ __typename @include(if: true) @skip(if: false) @include(if: true) }";
    let on_a_spread = format!(
        "{{ ...F{} }} fragment F on Query {{ __typename }}",
        " @include(if: true)".repeat(6)
    );

    let six = query(&default_app, None, &repeated(6)).await;
    let thousand = query(&default_app, None, &repeated(1_000)).await;
    let spread = query(&default_app, None, &on_a_spread).await;
    let at_limit = query(&two_app, None, two).await;
    let over = query(&two_app, None, three).await;

    six.assert_refused(400, "directives");
    assert_eq!(six.error_extensions()["maximum"], 5);
    thousand.assert_refused(400, "directives");
    spread.assert_refused(400, "directives");
    at_limit.assert_ok();
    assert_eq!(at_limit.body["data"]["__typename"], "Query");
    over.assert_refused(400, "directives");
}

db_test!(tokens_just_over_the_limit_are_refused_and_just_under_run);
async fn tokens_just_over_the_limit_are_refused_and_just_under_run(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;
    // `{ viewer { ` and `} }` are 5 tokens; each `name` one more. Commas and comments are
    // not tokens.
    let with_names = |n: usize| format!("# names\n{{ viewer {{ {} }} }}", "name, ".repeat(n));

    let at_limit = query(&app, Some(&token), &with_names(9_995)).await;
    let over = query(&app, Some(&token), &with_names(9_996)).await;

    at_limit.assert_ok();
    assert_eq!(at_limit.body["data"]["viewer"]["name"], "Dana Dev");
    over.assert_refused(400, "tokens");
    assert_eq!(over.error_extensions()["maximum"], 10_000);
}

db_test!(documents_just_over_the_size_limit_are_refused_and_just_under_run);
async fn documents_just_over_the_size_limit_are_refused_and_just_under_run(backend: Backend) {
    const LIMIT: usize = 128 * 1024;
    let app = spawn_app(backend).await;
    let padded = |size: usize| {
        let query = "{ __typename }";
        format!("{query}{}", " ".repeat(size - query.len()))
    };

    let at_limit = query(&app, None, &padded(LIMIT)).await;
    let over = query(&app, None, &padded(LIMIT + 1)).await;
    let small = spawn_app_with(backend, with_limits(|l| l.max_document_bytes = 1024)).await;
    let over_by_get = get(&small, &padded(1025)).await;
    let under_by_get = get(&small, &padded(1024)).await;

    at_limit.assert_ok();
    over.assert_refused(400, "documentBytes");
    assert_eq!(over.error_extensions()["actual"], LIMIT + 1);
    over_by_get.assert_refused(400, "documentBytes");
    under_by_get.assert_ok();
}

db_test!(circular_fragments_are_refused_cleanly);
async fn circular_fragments_are_refused_cleanly(backend: Backend) {
    let (app, token) = app_with_org(backend, Options::default()).await;
    let itself = "{ ...Me } fragment Me on Query { viewer { id } ...Me }";
    let through_others = "{ viewer { ...A } }
        fragment A on Person { manager { ...B } }
        fragment B on Person { directReports { nodes { ...C } } }
        fragment C on Person { peers { nodes { ...A } } }";
    let unused = "{ __typename } fragment X on Query { ...Y } fragment Y on Query { ...X }";
    let chain = "{ viewer { ...A } }
        fragment A on Person { manager { ...B } }
        fragment B on Person { name }";

    let answers = [
        query(&app, Some(&token), itself).await,
        query(&app, Some(&token), through_others).await,
        query(&app, Some(&token), unused).await,
    ];
    let acyclic = query(&app, Some(&token), chain).await;

    for answer in &answers {
        assert_eq!(answer.status, 400, "{}", answer.body);
        assert!(answer.body.get("data").is_none(), "{}", answer.body);
        assert_eq!(
            answer.error_extensions()["code"],
            "GRAPHQL_VALIDATION_FAILED",
            "{}",
            answer.body
        );
        assert_eq!(answer.error_extensions()["limit"], "fragmentCycle");
    }
    acyclic.assert_ok();
    assert_eq!(
        acyclic.body["data"]["viewer"]["manager"]["name"],
        "Erin Manager"
    );
}

db_test!(a_fragment_bomb_is_refused_without_expanding_it);
async fn a_fragment_bomb_is_refused_without_expanding_it(backend: Backend) {
    let app = spawn_app(backend).await;
    // 2^40 `__typename`s once expanded.
    let mut bomb = String::from("{ ...F0 }\n");
    for i in 0..40 {
        bomb.push_str(&format!(
            "fragment F{i} on Query {{ ...F{n} ...F{n} }}\n",
            n = i + 1
        ));
    }
    bomb.push_str("fragment F40 on Query { __typename }");

    let refused = query(&app, None, &bomb).await;

    refused.assert_refused(400, "rootFields");
    assert_eq!(refused.error_extensions()["actual"], 1u64 << 40);
}

db_test!(a_100_operation_batch_is_refused_and_one_within_max_batch_runs);
async fn a_100_operation_batch_is_refused_and_one_within_max_batch_runs(backend: Backend) {
    let default_app = spawn_app(backend).await;
    let app = spawn_app_with(backend, with_limits(|l| l.max_batch = 10)).await;
    let batch = |n: usize| Value::Array(vec![json!({ "query": "{ __typename }" }); n]);
    let send = Send {
        accept: Some(GRAPHQL_RESPONSE_JSON),
        ..Send::default()
    };

    let off = post(&default_app, send, &batch(100)).await;
    let hundred = post(&app, send, &batch(100)).await;
    let eleven = post(&app, send, &batch(11)).await;
    let ten = post(&app, send, &batch(10)).await;

    off.assert_refused(400, "batch");
    assert_eq!(off.error_extensions()["maximum"], 0);
    hundred.assert_refused(400, "batch");
    assert_eq!(hundred.error_extensions()["maximum"], 10);
    eleven.assert_refused(400, "batch");
    assert_eq!(ten.status, 200, "{}", ten.body);
    let results = ten.body.as_array().expect("an array");
    assert_eq!(results.len(), 10);
    assert!(results.iter().all(|r| r["data"]["__typename"] == "Query"));
}

db_test!(operations_in_a_batch_are_each_held_to_the_limits);
async fn operations_in_a_batch_are_each_held_to_the_limits(backend: Backend) {
    let app = spawn_app_with(backend, with_limits(|l| l.max_batch = 10)).await;
    let too_many_fields = format!("{{ {} }}", "__typename ".repeat(21));

    let answer = post(
        &app,
        Send::default(),
        &json!([{ "query": "{ __typename }" }, { "query": too_many_fields }]),
    )
    .await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body[0], json!({ "data": { "__typename": "Query" } }));
    assert!(answer.body[1].get("data").is_none(), "{}", answer.body);
    assert_eq!(
        answer.body[1]["errors"][0]["extensions"]["limit"],
        "rootFields"
    );
}

db_test!(the_engines_own_complexity_backstop_answers_with_the_same_code);
async fn the_engines_own_complexity_backstop_answers_with_the_same_code(backend: Backend) {
    let app = spawn_app_with(backend, with_limits(|l| l.max_complexity = 10)).await;
    // Our price: 2 + 10 × 1 = 12 (under 50,000); async-graphql's: 2 + 10 × (1 + 2) = 32.
    let scalars = "{ people(first: 10) { nodes { name title } } }";

    let answer = query(&app, None, scalars).await;

    answer.assert_refused(400, "complexity");
    assert_eq!(answer.error_extensions()["maximum"], 10);
}
