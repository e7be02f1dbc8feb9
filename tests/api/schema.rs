//! `schema.graphql` is exactly what `cadence schema` prints, and the schema documents itself:
//! every type, field, argument, enum value and input field has a description.

use async_graphql::Positioned;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    FieldDefinition, InputValueDefinition, TypeKind, TypeSystemDefinition,
};

/// Directives the GraphQL specification defines; their text is async-graphql's, not ours.
const SPEC_DIRECTIVES: [&str; 5] = ["include", "skip", "deprecated", "specifiedBy", "oneOf"];

#[test]
fn schema_file_matches_the_code() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");
    let generated = cadence::cli::schema_sdl();
    assert!(
        on_disk == generated,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn schema_describes_every_type_field_argument_and_value() {
    let missing = undescribed(&cadence::cli::schema_sdl());
    assert!(
        missing.is_empty(),
        "these have no description (add `///` or `#[graphql(desc = \"…\")]`):\n  {}",
        missing.join("\n  ")
    );
}

/// Coordinates (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`) of everything in
/// `sdl` without a description. Built-in scalars and introspection types are not printed
/// in the SDL, so they never show up here.
fn undescribed(sdl: &str) -> Vec<String> {
    let document = parse_schema(sdl).expect("the generated SDL parses");
    let mut missing = Vec::new();
    for definition in &document.definitions {
        match definition {
            TypeSystemDefinition::Type(ty) => {
                let ty = &ty.node;
                let name = ty.name.node.as_str();
                check(&mut missing, &ty.description, || name.to_string());
                match &ty.kind {
                    TypeKind::Object(o) => fields(&mut missing, name, &o.fields),
                    TypeKind::Interface(i) => fields(&mut missing, name, &i.fields),
                    TypeKind::InputObject(i) => inputs(&mut missing, name, &i.fields),
                    TypeKind::Enum(e) => {
                        for value in &e.values {
                            let value = &value.node;
                            check(&mut missing, &value.description, || {
                                format!("{name}.{}", value.value.node)
                            });
                        }
                    }
                    TypeKind::Scalar | TypeKind::Union(_) => {}
                }
            }
            TypeSystemDefinition::Directive(d) => {
                let d = &d.node;
                let name = d.name.node.as_str();
                if !SPEC_DIRECTIVES.contains(&name) {
                    check(&mut missing, &d.description, || format!("@{name}"));
                    args(&mut missing, &format!("@{name}"), &d.arguments);
                }
            }
            TypeSystemDefinition::Schema(_) => {}
        }
    }
    missing
}

fn fields(missing: &mut Vec<String>, ty: &str, fields: &[Positioned<FieldDefinition>]) {
    for field in fields {
        let field = &field.node;
        let at = format!("{ty}.{}", field.name.node);
        check(missing, &field.description, || at.clone());
        args(missing, &at, &field.arguments);
    }
}

fn args(missing: &mut Vec<String>, at: &str, args: &[Positioned<InputValueDefinition>]) {
    for arg in args {
        let arg = &arg.node;
        check(missing, &arg.description, || {
            format!("{at}({}:)", arg.name.node)
        });
    }
}

fn inputs(missing: &mut Vec<String>, ty: &str, fields: &[Positioned<InputValueDefinition>]) {
    for field in fields {
        let field = &field.node;
        check(missing, &field.description, || {
            format!("{ty}.{}", field.name.node)
        });
    }
}

/// Records `at()` when `description` is absent or blank.
fn check(
    missing: &mut Vec<String>,
    description: &Option<Positioned<String>>,
    at: impl FnOnce() -> String,
) {
    if description
        .as_ref()
        .is_none_or(|d| d.node.trim().is_empty())
    {
        missing.push(at());
    }
}
