//! The schema-coverage checks: every schema field is in the table, every field that is not
//! public names a probe that exists.

use std::collections::BTreeSet;

use super::*;

/// `(type, field)` of every field of every object type and interface of an SDL document.
/// Input objects, enums, scalars, directives and descriptions are skipped; argument lists
/// (which may span lines) are not fields.
pub(super) fn schema_fields(sdl: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut current: Option<String> = None;
    let mut in_description = false;
    let mut parens = 0i32;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            let one_line = trimmed.len() >= 6 && trimmed.ends_with("\"\"\"");
            if !one_line {
                in_description = !in_description;
            }
            continue;
        }
        if in_description {
            continue;
        }
        let Some(ty) = &current else {
            let mut words = trimmed.split_whitespace();
            if let (Some("type" | "interface"), Some(name)) = (words.next(), words.next())
                && trimmed.ends_with('{')
            {
                current = Some(name.trim_end_matches('{').to_string());
                parens = 0;
            }
            continue;
        };
        if trimmed == "}" && parens == 0 {
            current = None;
            continue;
        }
        if parens == 0 {
            let name: String = trimmed
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let rest = &trimmed[name.len()..];
            if !name.is_empty() && (rest.starts_with(':') || rest.starts_with('(')) {
                out.insert((ty.clone(), name));
            }
        }
        parens += trimmed.matches('(').count() as i32 - trimmed.matches(')').count() as i32;
    }
    out
}

pub(super) fn table_fields() -> BTreeSet<(String, String)> {
    FIELDS
        .iter()
        .map(|r| (r.ty.to_string(), r.field.to_string()))
        .collect()
}

#[test]
pub(super) fn every_schema_field_is_in_the_matrix() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");
    let table = table_fields();
    assert_eq!(
        table.len(),
        FIELDS.len(),
        "a (type, field) is in the table twice"
    );
    let mut problems = Vec::new();
    for (source, sdl) in [
        ("schema.graphql", on_disk),
        ("the schema the code builds", cadence::cli::schema_sdl()),
    ] {
        let schema = schema_fields(&sdl);
        assert!(
            schema.contains(&("Query".into(), "meeting".into()))
                && schema.contains(&("Meeting".into(), "agenda".into())),
            "the SDL parser found no fields in {source}"
        );
        for (ty, field) in schema.difference(&table) {
            problems.push(format!(
                "{ty}.{field} (in {source}) is missing from the matrix in tests/api/matrix.rs"
            ));
        }
        for (ty, field) in table.difference(&schema) {
            problems.push(format!("{ty}.{field} is in the matrix but not in {source}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
pub(super) fn every_sensitive_field_has_a_probe() {
    let names: BTreeSet<&str> = probes().map(|p| p.name).collect();
    assert_eq!(names.len(), probes().count(), "two probes share a name");
    let mut problems = Vec::new();
    for row in FIELDS {
        if row.class != Class::Public && row.probes.is_empty() {
            problems.push(format!(
                "{}.{} ({:?}) has no probe",
                row.ty, row.field, row.class
            ));
        }
        for probe in row.probes {
            if !names.contains(probe) {
                problems.push(format!(
                    "{}.{} names an unknown probe {probe}",
                    row.ty, row.field
                ));
            }
        }
    }
    for probe in probes() {
        if !FIELDS.iter().any(|r| r.probes.contains(&probe.name)) {
            problems.push(format!("probe {} covers no field", probe.name));
        }
        if probe.allow.is_empty() {
            problems.push(format!(
                "probe {} names no viewer who must get through",
                probe.name
            ));
        }
        let needs_ghost = probe
            .deny
            .iter()
            .chain(probe.allow)
            .any(|(_, e)| matches!(inner(e), LikeMissing));
        if needs_ghost && probe.ghost.is_none() {
            problems.push(format!(
                "probe {} compares with a missing ID but names no ghost kind",
                probe.name
            ));
        }
        if probe.doc.trim_start().starts_with("subscription") != probe.trigger.is_some() {
            problems.push(format!(
                "probe {}: subscriptions, and only they, need a trigger",
                probe.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The expectation a [`Expect::KnownBug`] stands for.
pub(super) fn inner(expect: &Expect) -> &Expect {
    match expect {
        KnownBug(_, e) => inner(e),
        e => e,
    }
}
