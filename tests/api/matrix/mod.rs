//! The authorization matrix as data (issue "Security and privacy hardening"; DESIGN.md, "Who
//! may see what").
//!
//! [`FIELDS`] has one row per field of every object type of the schema (Query, Mutation and
//! Subscription roots included), each with its access class and the probes that cover it.
//! [`probes`] holds, for each probe, a GraphQL document, its variables (with `"$name"`
//! placeholders for fixture IDs), the JSON pointer under `data` to look at, the viewers that
//! must be refused (and how: an error code, null, an exact value, or "answers exactly as for
//! an ID that does not exist") and the viewers that must be served. Every probe is also
//! tried with no token, an expired token, a forged token and the token of a person whose
//! employment ended, all of which must be UNAUTHENTICATED.
//!
//! `every_schema_field_is_in_the_matrix` fails when `schema.graphql` (or the schema the code
//! builds) has a field the table lacks, or the table a field the schema lacks;
//! `every_sensitive_field_has_a_probe` when a row that is not `Public` names no probe or a
//! probe that does not exist. `every_role_gets_what_the_matrix_says` runs every probe against
//! one fixture, on SQLite and PostgreSQL.
//!
//! A check that fails because of a known, reported bug is wrapped in [`Expect::KnownBug`]:
//! it is printed on every run and does not fail the test while the bug is there, and fails
//! the test as soon as the bug is fixed, so that the marker gets removed.

use std::collections::BTreeMap;

use crate::db_test;
use crate::support::Backend;

mod coverage;
mod expect;
mod fixture;
mod judge;
mod read_probes;
mod subscriptions;
mod table;
mod write_probes;

use coverage::*;
use expect::*;
use fixture::*;
use judge::*;
use read_probes::*;
use subscriptions::*;
use table::*;
use write_probes::*;

/// Every probe: the reads, then the changes.
fn probes() -> impl Iterator<Item = &'static Probe> {
    READ_PROBES.iter().chain(WRITE_PROBES)
}

// ---------------------------------------------------------------------------------------
// The matrix run.
// ---------------------------------------------------------------------------------------

db_test!(every_role_gets_what_the_matrix_says);
async fn every_role_gets_what_the_matrix_says(backend: Backend) {
    let f = Fixture::new(backend).await;
    let mut failures = Vec::new();
    let mut known: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut fixed = Vec::new();
    let mut checks = 0;
    for p in probes() {
        let cases: Vec<(Who, Expect)> = INVALID
            .iter()
            .map(|w| (*w, UNAUTHENTICATED))
            .chain(p.deny.iter().copied())
            .chain(p.allow.iter().copied())
            .collect();
        // A probe's own lists override the default for an invalid viewer.
        let cases: Vec<(Who, Expect)> = cases
            .iter()
            .enumerate()
            .filter(|(i, (who, _))| {
                *i >= INVALID.len() || !p.deny.iter().chain(p.allow).any(|(w, _)| w == who)
            })
            .map(|(_, c)| *c)
            .collect();
        let results = if p.trigger.is_some() {
            run_ws(&f, p, &cases).await
        } else {
            let mut results = Vec::new();
            for (who, expect) in &cases {
                let result = check_http(&f, p, *who, inner(expect)).await;
                results.push((*who, *expect, result));
            }
            results
        };
        for (who, expect, result) in results {
            checks += 1;
            let line = |r: &str| format!("{} as {who:?}: {r}", p.name);
            match (expect, result) {
                (KnownBug(bug, _), Err(e)) => known.entry(bug).or_default().push(line(&e)),
                (KnownBug(bug, _), Ok(())) => fixed.push(line(&format!(
                    "passes now — remove its KnownBug marker ({bug})"
                ))),
                (_, Err(e)) => failures.push(line(&e)),
                (_, Ok(())) => {}
            }
        }
    }
    eprintln!(
        "authorization matrix: {} fields, {} probes, {checks} checks, {} failing because of {} known bugs",
        FIELDS.len(),
        probes().count(),
        known.values().map(Vec::len).sum::<usize>(),
        known.len()
    );
    for (bug, seen) in &known {
        eprintln!("  KNOWN BUG {bug}\n    {}", seen.join("\n    "));
    }
    let problems: Vec<String> = failures.into_iter().chain(fixed).collect();
    assert!(
        problems.is_empty(),
        "{} matrix check(s) failed:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
