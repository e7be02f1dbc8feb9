//! The request checks, before anything runs ([`check`]): document size, token count and
//! nesting on the raw text; then one walk over the parsed document (fragments expanded)
//! for depth, cost, requested nodes, aliases, root fields, directives and introspection;
//! then the variables' types and the required variables.
//!
//! Cost is priced as Shopify and GitHub price it: a scalar (or enum) field costs 0, an object
//! field 1 plus its children, a connection (any field taking `first`) 2 + `first` × its
//! children's cost, and a root mutation field 10 plus its children. Requested nodes are
//! GitHub's: the product of `first` down each path, summed over every connection. `first`
//! comes from a literal, a variable or the variable's default, else the server's page size
//! (20). A page of 100 managers with 100 reports each is thereby priced as 10,000 nodes,
//! which async-graphql's own complexity (no list multiplier unless asked, every scalar 1)
//! does not do; that one stays configured as a backstop on resolved fields.
//!
//! Fragments are analysed once each and their totals reused at every spread, so a
//! "fragment bomb" costs linear time to price; a fragment that spreads itself, directly or
//! through others, is refused rather than followed.
//!
//! Refusals carry `extensions.code` `QUERY_TOO_COMPLEX` (every limit; `extensions.limit`
//! names which) or `GRAPHQL_VALIDATION_FAILED` (circular fragments).

mod cost;
mod document;
mod shape;

use async_graphql::Positioned;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationDefinition, OperationType, Selection,
};
use serde_json::{Value, json};

use super::reply::Failure;
use crate::config::LimitSettings;

pub use cost::analyse;
pub use document::{check_document, count_tokens};
pub use shape::SchemaShape;

/// Brackets (`{`, `(`, `[`) may nest this deep at most, whatever the other limits say: a
/// guard for the parser's and the analysis' stacks, checked while counting tokens.
pub const MAX_NESTING: usize = 128;

/// What a root mutation field costs on top of its selection (Shopify's price).
pub const MUTATION_COST: u64 = 10;

/// Which limit a request broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    DocumentBytes,
    Tokens,
    Nesting,
    Depth,
    Cost,
    Nodes,
    Aliases,
    RootFields,
    Directives,
    Batch,
    /// async-graphql's own complexity backstop.
    Complexity,
    /// Not a size limit: a fragment that spreads itself.
    FragmentCycle,
}

impl Limit {
    /// The name in `extensions.limit`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::DocumentBytes => "documentBytes",
            Limit::Tokens => "tokens",
            Limit::Nesting => "nesting",
            Limit::Depth => "depth",
            Limit::Cost => "cost",
            Limit::Nodes => "nodes",
            Limit::Aliases => "aliases",
            Limit::RootFields => "rootFields",
            Limit::Directives => "directives",
            Limit::Batch => "batch",
            Limit::Complexity => "complexity",
            Limit::FragmentCycle => "fragmentCycle",
        }
    }

    /// The `extensions.code`.
    pub fn code(self) -> &'static str {
        match self {
            Limit::FragmentCycle => "GRAPHQL_VALIDATION_FAILED",
            _ => "QUERY_TOO_COMPLEX",
        }
    }
}

/// A request refused before execution, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub limit: Limit,
    /// The configured maximum (0 for a fragment cycle).
    pub maximum: u64,
    /// What the request asked for, when it was counted to the end.
    pub actual: Option<u64>,
    pub message: String,
}

impl Refusal {
    fn new(limit: Limit, maximum: usize, actual: Option<u64>, message: String) -> Self {
        Self {
            limit,
            maximum: maximum as u64,
            actual,
            message,
        }
    }

    /// The error answered: message and `extensions { code limit maximum actual }`.
    pub fn to_failure(&self) -> Failure {
        let failure = Failure::coded(self.message.clone(), self.limit.code())
            .with("limit", self.limit.name());
        let failure = if self.limit != Limit::FragmentCycle {
            failure.with("maximum", self.maximum)
        } else {
            failure
        };
        match self.actual {
            Some(actual) => failure.with("actual", actual),
            None => failure,
        }
    }
}

/// What a query asks for, as priced before execution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryCost {
    /// Shopify/GitHub cost (see the module documentation).
    pub cost: u64,
    /// Requested nodes: the product of `first` down each path, summed.
    pub nodes: u64,
    /// Deepest field nesting (a root field is 1).
    pub depth: usize,
    /// Aliased fields, counting a fragment at each spread.
    pub aliases: u64,
    /// Fields selected at the root, counting a fragment at each spread.
    pub root_fields: u64,
    /// Whether any operation or fragment of the document selects `__schema` or `__type`.
    pub introspects: bool,
}

impl QueryCost {
    /// The `extensions.cost` object of a response.
    pub fn to_extension(&self, limits: &LimitSettings) -> Value {
        json!({
            "requested": self.cost,
            "maximum": limits.max_cost,
            "nodes": self.nodes,
            "maximumNodes": limits.max_nodes,
            "depth": self.depth,
        })
    }
}

/// document's only operation. `None` when there is no such operation (the executor then
/// reports the error).
pub fn selected_operation<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    let mut operations = doc.operations.iter();
    let (_, operation) = match operation_name {
        Some(wanted) => operations.find(|(name, _)| name.map(|n| n.as_str()) == Some(wanted)),
        None => operations
            .next()
            .filter(|_| doc.operations.iter().count() == 1),
    }?;
    Some(operation)
}

/// Everything checked before a request runs: the document's size and tokens, the request
/// limits and the introspection switch in one walk over the selected operation (and the
/// rest of the document), then the variables. `Ok` gives the request's price; the parsed
/// document is handed on to the executor. A document that does not parse costs nothing
/// here: the executor reports it.
pub fn check(
    request: &mut async_graphql::Request,
    parsed: Option<ExecutableDocument>,
    shape: &SchemaShape,
    limits: &LimitSettings,
) -> Result<QueryCost, Failure> {
    let doc = match parsed {
        Some(doc) => doc,
        None => {
            check_document(&request.query, limits).map_err(|r| r.to_failure())?;
            match parse_query(&request.query) {
                Ok(doc) => doc,
                Err(_) => return Ok(QueryCost::default()),
            }
        }
    };
    let operation_name = request.operation_name.as_deref();
    let cost = analyse(&doc, operation_name, &request.variables, shape, limits)
        .map_err(|r| r.to_failure())?;
    check_variable_types(&doc, shape)?;
    if cost.introspects && !limits.introspection {
        return Err(Failure::new("introspection is disabled on this server"));
    }
    check_required_variables(&doc, request)?;
    request.set_parsed_query(doc);
    Ok(cost)
}

/// Refuses variables of types the schema does not have: async-graphql panics on some of
/// them (a list of an unknown type with a default value).
fn check_variable_types(doc: &ExecutableDocument, shape: &SchemaShape) -> Result<(), Failure> {
    for (_, op) in doc.operations.iter() {
        for definition in &op.node.variable_definitions {
            let mut ty = &definition.node.var_type.node.base;
            while let BaseType::List(inner) = ty {
                ty = &inner.base;
            }
            if let BaseType::Named(name) = ty
                && !shape.is_input_type(name.as_str())
            {
                return Err(Failure::new(format!(
                    "variable ${} has unknown type {name}",
                    definition.node.name.node
                )));
            }
        }
    }
    Ok(())
}

/// A required variable that was not provided is a request error: async-graphql would
/// report it as a field error with a path, i.e. as 200 with `data`.
fn check_required_variables(
    doc: &ExecutableDocument,
    request: &async_graphql::Request,
) -> Result<(), Failure> {
    let Some(op) = selected_operation(doc, request.operation_name.as_deref()) else {
        return Ok(());
    };
    for definition in &op.node.variable_definitions {
        let definition = &definition.node;
        let provided = request
            .variables
            .get(&definition.name.node)
            .is_some_and(|v| *v != async_graphql::Value::Null);
        if !definition.var_type.node.nullable && definition.default_value.is_none() && !provided {
            return Err(Failure::new(format!(
                "variable ${} of required type {} was not provided",
                definition.name.node, definition.var_type.node
            )));
        }
    }
    Ok(())
}

/// Whether the selected operation is a query whose root selects nothing but the schema's
/// own fields (`__typename`, `__schema`, `__type`), which answer the same for every viewer.
pub fn reads_only_the_schema(request: &mut async_graphql::Request) -> bool {
    on_selected(request, |op| {
        op.ty == OperationType::Query
            && op.selection_set.node.items.iter().all(|item| {
                matches!(&item.node, Selection::Field(f) if f.node.name.node.starts_with("__"))
            })
    })
    .unwrap_or(false)
}

/// Whether the operation the request selects is a subscription. A document that does not
/// parse is no subscription (it fails where it runs).
pub fn is_subscription(request: &mut async_graphql::Request) -> bool {
    on_selected(request, |op| op.ty == OperationType::Subscription).unwrap_or(false)
}

/// Whether the operation the request selects only reads: a query or a subscription. It
/// then runs on the read pool; a mutation, or a document that does not parse or select an
/// operation (it fails where it runs), on the primary.
pub fn reads_only(request: &mut async_graphql::Request) -> bool {
    on_selected(request, |op| op.ty != OperationType::Mutation).unwrap_or(false)
}

/// Looks at the operation a request selects, parsing the document if [`check`] has not.
fn on_selected<T>(
    request: &mut async_graphql::Request,
    look: impl FnOnce(&OperationDefinition) -> T,
) -> Option<T> {
    let operation_name = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    selected_operation(doc, operation_name.as_deref()).map(|op| look(&op.node))
}

/// Gives async-graphql's own limit errors (the walk here runs first, so these are the
/// backstops) the same `extensions` as ours.
pub fn label_engine_limit(error: &mut Value, limits: &LimitSettings) {
    if error.pointer("/extensions/code").is_some() {
        return;
    }
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let (limit, maximum) = if message == "Query is too complex." {
        (Limit::Complexity, limits.max_complexity)
    } else if message == "Query is nested too deep." {
        (Limit::Depth, limits.max_depth)
    } else if message.starts_with("The recursion depth of the query") {
        (Limit::Nesting, limits.max_depth.max(32))
    } else if message.starts_with("The number of directives on the field") {
        (Limit::Directives, limits.max_directives)
    } else {
        return;
    };
    if let Some(object) = error.as_object_mut() {
        object.insert(
            "extensions".into(),
            json!({ "code": limit.code(), "limit": limit.name(), "maximum": maximum }),
        );
    }
}
