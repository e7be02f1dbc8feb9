//! Fuzzing the GraphQL endpoint: random documents built from the real schema, raw query
//! strings and bytes, random JSON variables, request bodies of every shape and random
//! `Accept`/`Content-Type`/`Authorization` values, each sent to a running server (SQLite,
//! seeded with the small org) with a valid token half the time. Every answer must come (a
//! panic drops the connection), carry an expected status (200, 400, 405, 406, 413, 415 or
//! 429, never 500) and be a well-formed GraphQL response: a JSON object with `data` or a
//! non-empty `errors` array of objects with a string `message`, none of them `INTERNAL`.
//! Afterwards the server must still answer `/healthz` and a real query.
//!
//! Each property runs `PROPTEST_CASES` cases (256 unless set) and shrinks a failure at most
//! `PROPTEST_MAX_SHRINK_ITERS` steps (256 unless set); the failure names the smallest
//! failing request, its status and its body (a panic's message is in the test's output).
//! What the fuzzing found is replayed on every run by `known_edge_requests_…`. Run with
//! `--nocapture` to see how each property's answers were spread over statuses.

use cadence::config::LimitSettings;
use proptest::prelude::*;
use proptest::test_runner::Config;
use reqwest::Method;

mod bodies;
mod documents;
mod harness;
mod headers;
mod literals;
mod query_text;
mod requests;
mod schema_model;
mod variables;

use bodies::*;
use documents::*;
use harness::*;
use headers::*;
use literals::*;
use query_text::*;
use requests::*;
use schema_model::*;
use variables::*;

// ---------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------

/// (1) Documents from a grammar of the real schema: root fields with arguments of the right
/// and wrong types, nested selections of real and bogus fields, aliases, inline fragments,
/// fragment spreads (undefined and circular ones too), `@skip`/`@include` with any
/// argument, declared and undeclared variables, several operations.
#[test]
fn random_schema_documents_get_well_formed_answers() {
    let fuzz = Fuzz::start("schema documents", fuzz_limits());
    let strategy = (tape(), auth(), prop::bool::weighted(0.15))
        .prop_map(|(tape, auth, get)| DocumentGenerator::new(&tape).request().probe(auth, get));
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// (2) Raw strings as `query`: arbitrary Unicode, GraphQL token soup, deep nesting, edits of
/// valid documents, and bytes that are not UTF-8 (percent-encoded in a GET).
#[test]
fn random_query_strings_get_well_formed_answers() {
    let fuzz = Fuzz::start("query strings", fuzz_limits());
    let strategy = (query_text(), auth(), prop::bool::weighted(0.2)).prop_map(
        |(query, auth, get)| match query {
            QueryText::Text(query) => GraphqlRequest::new(query).probe(auth, get),
            QueryText::Bytes(bytes) => {
                Probe::get(auth, format!("query={}", percent_encode(&bytes)))
            }
        },
    );
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// (3) Random JSON as `variables` for documents that declare variables of every kind:
/// deep nesting, huge and odd numbers, wrong types, long strings, unknown keys.
#[test]
fn random_variables_get_well_formed_answers() {
    let fuzz = Fuzz::start("variables", fuzz_limits());
    let strategy = (
        prop::sample::select(DOCUMENTS),
        variables(),
        auth(),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(query, variables, auth, get)| {
            GraphqlRequest {
                query: query.to_string(),
                variables: Some(variables.render()),
                operation_name: None,
            }
            .probe(auth, get)
        });
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// (4) Random `application/json` bodies: JSON of the wrong shape (arrays, so batches,
/// nulls, scalars, objects with wrong member types), invalid JSON, random bytes, bodies
/// over the size limit.
#[test]
fn random_request_bodies_get_well_formed_answers() {
    let limits = LimitSettings {
        max_batch: 3,
        ..fuzz_limits()
    };
    let fuzz = Fuzz::start("request bodies", limits);
    let strategy =
        (request_body(), auth(), accept_choice()).prop_map(|(body, auth, accept)| Probe {
            method: Method::POST,
            query_string: None,
            accept: accept.map(|a| Bytes(a.as_bytes().to_vec())),
            content_type: Some(Bytes(b"application/json".to_vec())),
            authorization: auth,
            cost_report: false,
            body: Some(body),
        });
    fuzz.run(strategy, true);
    fuzz.finish();
}

/// (5) Random methods and `Accept`, `Content-Type`, `Authorization` and `GraphQL-Cost`
/// header values around valid requests.
#[test]
fn random_headers_get_well_formed_answers() {
    let fuzz = Fuzz::start("headers", fuzz_limits());
    let strategy = (
        prop::sample::select(
            &[
                Method::POST,
                Method::POST,
                Method::POST,
                Method::POST,
                Method::POST,
                Method::POST,
                Method::GET,
                Method::GET,
                Method::GET,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
                Method::OPTIONS,
            ][..],
        ),
        prop::option::weighted(0.8, media_header()),
        prop::option::weighted(0.8, media_header()),
        authorization(),
        any::<bool>(),
        prop::sample::select(DOCUMENTS),
    )
        .prop_map(
            |(method, accept, content_type, authorization, cost_report, query)| {
                let request = GraphqlRequest::new(query.to_string());
                let get = method == Method::GET;
                Probe {
                    query_string: get.then(|| Bytes(request.query_string().into_bytes())),
                    body: (!get).then(|| Bytes(request.body())),
                    method,
                    accept,
                    content_type,
                    authorization,
                    cost_report,
                }
            },
        );
    fuzz.run(strategy, false);
    fuzz.finish();
}

/// Requests the fuzzing found to break the server, and edges next to them, sent on every
/// run so that what was fixed stays fixed; all are tried before the test fails.
#[test]
fn known_edge_requests_get_well_formed_answers() {
    let fuzz = Fuzz::start("known edges", fuzz_limits());
    let em1 = fuzz.id_of("em1");
    let (anonymous, manager, hr_admin) = (
        Authorization::None,
        Authorization::Token(MANAGER),
        Authorization::Token(HR_ADMIN),
    );
    let post =
        |query: String, auth: &Authorization| GraphqlRequest::new(query).probe(auth.clone(), false);
    let trend = |from: &str, interval: &str| {
        format!(
            r#"{{ coverageTrend(managerId: "{em1}", from: "{from}", to: "+262142-12-31T23:59:59Z", interval: {interval}) {{ at }} }}"#
        )
    };
    let at_min = |field: &str| {
        format!(
            r#"{{ {field}(managerId: "{em1}", asOf: "-262143-01-01T00:00:00Z") {{ __typename }} }}"#
        )
    };
    let over_limit = LimitSettings::default().body_limit + 1;
    let cases = vec![
        // async-graphql's default-value validation panics on a list of an unknown type.
        (
            "unknown list variable type with a default",
            post("query ($v: [Nope] = 1) { __typename }".into(), &anonymous),
        ),
        (
            "unknown non-null list variable type with a default",
            post(
                r#"query ($v: [Nope!] = ["x"]) { __typename }"#.into(),
                &anonymous,
            ),
        ),
        // A week past the last representable instant.
        (
            "trend by week at the end of time",
            post(trend("+262142-12-31T00:00:00Z", "WEEK"), &anonymous),
        ),
        (
            "trend by week at the end of time, hr_admin",
            post(trend("+262142-12-31T00:00:00Z", "WEEK"), &hr_admin),
        ),
        (
            "trend by month at the end of time",
            post(trend("+262142-12-31T00:00:00Z", "MONTH"), &hr_admin),
        ),
        // 90 days (and a cadence) before the first representable instant.
        (
            "coverage report at the start of time",
            post(at_min("coverageReport"), &manager),
        ),
        (
            "overdue 1:1s at the start of time",
            post(at_min("overdueOneOnOnes"), &manager),
        ),
        // Every root field skipped: `data` must be `{}`, not null without errors.
        (
            "every root field skipped",
            post("{ __typename @skip(if: true) }".into(), &anonymous),
        ),
        (
            "every root field left out",
            post(
                "query { viewer @include(if: false) { name } }".into(),
                &manager,
            ),
        ),
        // A NUL in a string that reaches SQL (PostgreSQL refuses it in text).
        (
            "NUL in an externalId",
            post(
                r#"{ personByExternalId(externalId: "\u0000") { id } }"#.into(),
                &hr_admin,
            ),
        ),
        (
            "NUL in a filter",
            post(
                r#"{ people(filter: {nameContains: "\u0000"}) { totalCount } }"#.into(),
                &hr_admin,
            ),
        ),
        (
            "a body one byte over the limit",
            Probe {
                body: Some(Bytes(padded_request(over_limit))),
                ..GraphqlRequest::new(String::new()).probe(Authorization::None, false)
            },
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, probe)| {
            fuzz.check(probe, false)
                .err()
                .map(|reason| format!("{name}: {reason}\nrequest: {probe:#?}"))
        })
        .collect();
    fuzz.finish();
    assert!(
        failures.is_empty(),
        "{} of {} known edge requests were answered badly:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// A valid `{ __typename }` request padded with spaces to `size` bytes.
fn padded_request(size: usize) -> Vec<u8> {
    let padding = size - r#"{"query":"{ __typename }"}"#.len();
    format!(r#"{{"query":"{{ __typename }}{}"}}"#, " ".repeat(padding)).into_bytes()
}

/// The default limits, but a rate-limit budget no run exhausts, so that the executor
/// rather than the limiter answers (`rate_limit.rs` tests the limiter's 429s).
fn fuzz_limits() -> LimitSettings {
    LimitSettings {
        rate_limit_capacity: 1_000_000_000,
        rate_limit_refill_per_second: 1_000_000,
        ..LimitSettings::default()
    }
}

/// `PROPTEST_CASES` cases (256 unless set), shrinking bounded by `PROPTEST_MAX_SHRINK_ITERS`
/// (256 unless set) and 30 seconds, and no regression files written into the source tree.
fn config() -> Config {
    let set = |name: &str| std::env::var_os(name).is_some();
    let defaults = Config::default();
    Config {
        cases: if set("PROPTEST_CASES") {
            defaults.cases
        } else {
            256
        },
        max_shrink_iters: if set("PROPTEST_MAX_SHRINK_ITERS") {
            defaults.max_shrink_iters
        } else {
            256
        },
        max_shrink_time: if set("PROPTEST_MAX_SHRINK_TIME") {
            defaults.max_shrink_time
        } else {
            30_000
        },
        failure_persistence: None,
        ..defaults
    }
}
