//! (1) Documents from the schema's grammar: the model of the real schema the generator draws
//! from, and the tape of random choices it reads.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    BaseType, FieldDefinition, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Positioned};
use proptest::prelude::*;

/// The schema as the generator sees it, read from `schema.graphql`.
pub(super) struct SchemaModel {
    pub(super) types: BTreeMap<String, Shape>,
    pub(super) query: String,
    pub(super) mutation: String,
    pub(super) subscription: String,
    /// Objects, interfaces and unions (`Person` first): what a fragment may apply to.
    pub(super) composite: Vec<String>,
    /// Scalars, enums and input objects: what a variable may be.
    pub(super) inputs: Vec<String>,
    /// Each interface's implementations and each object's interfaces: the type conditions
    /// a selection on a type may use besides the type itself.
    pub(super) related: BTreeMap<String, Vec<String>>,
}

pub(super) enum Shape {
    Scalar,
    Enum(Vec<String>),
    /// An object or interface type's fields.
    Fields(Vec<FieldShape>),
    Union,
    Input(Vec<InputShape>),
}

pub(super) struct FieldShape {
    pub(super) name: String,
    pub(super) args: Vec<InputShape>,
    pub(super) ty: Type,
}

pub(super) struct InputShape {
    pub(super) name: String,
    pub(super) ty: Type,
    pub(super) has_default: bool,
}

impl InputShape {
    pub(super) fn required(&self) -> bool {
        !self.ty.nullable && !self.has_default
    }
}

pub(super) static SCHEMA: LazyLock<SchemaModel> =
    LazyLock::new(|| SchemaModel::parse(include_str!("../../../schema.graphql")));

impl SchemaModel {
    pub(super) fn parse(sdl: &str) -> Self {
        let document = parse_schema(sdl).expect("schema.graphql parses");
        let inputs_of = |values: &[Positioned<InputValueDefinition>]| {
            values
                .iter()
                .map(|v| InputShape {
                    name: v.node.name.node.to_string(),
                    ty: v.node.ty.node.clone(),
                    has_default: v.node.default_value.is_some(),
                })
                .collect::<Vec<_>>()
        };
        let fields_of = |fields: &[Positioned<FieldDefinition>]| {
            fields
                .iter()
                .map(|f| FieldShape {
                    name: f.node.name.node.to_string(),
                    args: inputs_of(&f.node.arguments),
                    ty: f.node.ty.node.clone(),
                })
                .collect()
        };
        let mut types: BTreeMap<String, Shape> = ["Int", "Float", "String", "Boolean", "ID"]
            .into_iter()
            .map(|s| (s.to_string(), Shape::Scalar))
            .collect();
        let mut related: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let (mut query, mut mutation, mut subscription) = (None, None, None);
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let name = |n: Option<Positioned<Name>>| n.map(|n| n.node.to_string());
                    query = name(schema.node.query);
                    mutation = name(schema.node.mutation);
                    subscription = name(schema.node.subscription);
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    let shape = match ty.node.kind {
                        TypeKind::Scalar => Shape::Scalar,
                        TypeKind::Object(object) => {
                            for interface in &object.implements {
                                let interface = interface.node.to_string();
                                related
                                    .entry(name.clone())
                                    .or_default()
                                    .push(interface.clone());
                                related.entry(interface).or_default().push(name.clone());
                            }
                            Shape::Fields(fields_of(&object.fields))
                        }
                        TypeKind::Interface(interface) => {
                            Shape::Fields(fields_of(&interface.fields))
                        }
                        TypeKind::Union(_) => Shape::Union,
                        TypeKind::Enum(e) => Shape::Enum(
                            e.values
                                .iter()
                                .map(|v| v.node.value.node.to_string())
                                .collect(),
                        ),
                        TypeKind::InputObject(input) => Shape::Input(inputs_of(&input.fields)),
                    };
                    types.insert(name, shape);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        let mut composite: Vec<String> = types
            .iter()
            .filter(|(_, s)| matches!(s, Shape::Fields(_) | Shape::Union))
            .map(|(n, _)| n.clone())
            .collect();
        composite.sort_by_key(|n| n != "Person");
        let inputs = types
            .iter()
            .filter(|(_, s)| matches!(s, Shape::Scalar | Shape::Enum(_) | Shape::Input(_)))
            .map(|(n, _)| n.clone())
            .collect();
        Self {
            types,
            query: query.unwrap_or_else(|| "Query".into()),
            mutation: mutation.unwrap_or_else(|| "Mutation".into()),
            subscription: subscription.unwrap_or_else(|| "Subscription".into()),
            composite,
            inputs,
            related,
        }
    }

    pub(super) fn fields(&self, ty: &str) -> &[FieldShape] {
        match self.types.get(ty) {
            Some(Shape::Fields(fields)) => fields,
            _ => &[],
        }
    }

    pub(super) fn is_composite(&self, ty: &str) -> bool {
        matches!(self.types.get(ty), Some(Shape::Fields(_) | Shape::Union))
    }

    /// Type conditions valid inside a selection on `ty`.
    pub(super) fn conditions(&self, ty: &str) -> Vec<String> {
        let mut conditions = vec![ty.to_string()];
        conditions.extend(self.related.get(ty).into_iter().flatten().cloned());
        conditions
    }
}

/// The named type at the bottom of list and non-null wrappers.
pub(super) fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

pub(super) fn ty(name: &str, nullable: bool) -> Type {
    Type {
        base: BaseType::Named(Name::new(name)),
        nullable,
    }
}

/// The generator's decisions: proptest generates and shrinks the numbers, the generator
/// reads them in turn. A used-up tape reads as zeros, the simplest choice everywhere, so a
/// shorter or smaller tape gives a smaller document.
pub(super) fn tape() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..600)
}

pub(super) struct Tape<'t> {
    pub(super) choices: &'t [u32],
    pub(super) at: usize,
}

impl Tape<'_> {
    /// A number below `n`.
    pub(super) fn below(&mut self, n: usize) -> usize {
        let choice = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        choice as usize % n.max(1)
    }

    /// True `percent` times in a hundred; false on a used-up tape.
    pub(super) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) >= 100 - percent
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
