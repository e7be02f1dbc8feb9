//! The shape of the schema that pricing needs.

use std::collections::HashMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{BaseType, OperationType, TypeKind, TypeSystemDefinition};

/// The shape of the schema the analysis needs: each object's and interface's fields, the
/// type they return and whether they are connections (take `first`).
#[derive(Debug, Clone, Default)]
pub struct SchemaShape {
    query: String,
    pub(super) mutation: String,
    subscription: String,
    types: HashMap<String, HashMap<String, FieldShape>>,
    /// Scalars, enums and input objects: the types a variable may have.
    input_types: std::collections::HashSet<String>,
}

/// A field's return type, and whether it is a connection (takes `first`).
#[derive(Debug, Clone)]
pub(super) struct FieldShape {
    pub(super) ty: String,
    pub(super) connection: bool,
}

impl SchemaShape {
    /// Reads the shape from the schema's SDL (`CadenceSchema::sdl()`). SDL that does not
    /// parse gives an empty shape: connections are then recognised by name.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut shape = SchemaShape {
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
            types: HashMap::new(),
            input_types: ["Int", "Float", "String", "Boolean", "ID"]
                .into_iter()
                .map(String::from)
                .collect(),
        };
        let document = match parse_schema(sdl) {
            Ok(document) => document,
            Err(err) => {
                tracing::warn!(error = %err, "the schema SDL did not parse; pricing by name");
                return shape;
            }
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    if let Some(name) = schema.query {
                        shape.query = name.node.to_string();
                    }
                    if let Some(name) = schema.mutation {
                        shape.mutation = name.node.to_string();
                    }
                    if let Some(name) = schema.subscription {
                        shape.subscription = name.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    let fields = match ty.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        TypeKind::Scalar | TypeKind::Enum(_) | TypeKind::InputObject(_) => {
                            shape.input_types.insert(ty.name.node.to_string());
                            continue;
                        }
                        _ => continue,
                    };
                    let fields: Vec<(String, FieldShape)> = fields
                        .into_iter()
                        .map(|field| {
                            let field = field.node;
                            let named = named_type(&field.ty.node.base);
                            let connection =
                                field.arguments.iter().any(|a| a.node.name.node == "first");
                            (
                                field.name.node.to_string(),
                                FieldShape {
                                    ty: named.to_string(),
                                    connection,
                                },
                            )
                        })
                        .collect();
                    shape
                        .types
                        .entry(ty.name.node.to_string())
                        .or_default()
                        .extend(fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        shape
    }

    /// Whether a variable may be declared with this named type. With an empty shape (SDL
    /// that did not parse) every name passes and async-graphql's validation decides.
    pub fn is_input_type(&self, name: &str) -> bool {
        self.types.is_empty() || self.input_types.contains(name)
    }

    pub(super) fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.query,
            OperationType::Mutation => &self.mutation,
            OperationType::Subscription => &self.subscription,
        }
    }

    pub(super) fn field(&self, parent: Option<&str>, name: &str) -> Option<&FieldShape> {
        self.types.get(parent?)?.get(name)
    }
}

/// The named type inside any list wrappers: `Person` for `[Person!]!`.
fn named_type(mut base: &BaseType) -> &str {
    loop {
        match base {
            BaseType::Named(name) => return name.as_str(),
            BaseType::List(inner) => base = &inner.base,
        }
    }
}
