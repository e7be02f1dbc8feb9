//! Request limits checked before anything runs: document size, token count, depth, cost,
//! requested nodes, aliases, root fields and directives, over the parsed document with
//! fragments expanded.
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

use std::collections::HashMap;

use async_graphql::Positioned;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Value as GqlValue, Variables};
use serde_json::{Value, json};

use crate::config::LimitSettings;
use crate::domain::paging::DEFAULT_PAGE_SIZE;

/// Brackets (`{`, `(`, `[`) may nest this deep at most, whatever the other limits say: a
/// guard for the parser's and the analysis' stacks, checked while counting tokens.
pub const MAX_NESTING: usize = 128;

/// What a root mutation field costs on top of its selection (Shopify's price).
pub const MUTATION_COST: u64 = 10;

/// Connection fields when the schema does not say (a field of an unknown type): these
/// names, or any field given a `first` or `last` argument.
const CONNECTION_NAMES: &[&str] = &[
    "people",
    "teams",
    "meetings",
    "agendaTemplates",
    "overdueOneOnOnes",
    "directReports",
    "reports",
    "skipLevelReports",
    "peers",
    "meetsWith",
];

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

    /// The GraphQL error object: message and `extensions { code limit maximum actual }`.
    pub fn to_error(&self) -> Value {
        let mut extensions = json!({
            "code": self.limit.code(),
            "limit": self.limit.name(),
        });
        if self.limit != Limit::FragmentCycle {
            extensions["maximum"] = json!(self.maximum);
        }
        if let Some(actual) = self.actual {
            extensions["actual"] = json!(actual);
        }
        json!({ "message": self.message, "extensions": extensions })
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

/// Checks the raw document before it is parsed: its size in bytes, its token count
/// (stopping as soon as the limit is passed) and how deep its brackets nest.
pub fn check_document(query: &str, limits: &LimitSettings) -> Result<(), Refusal> {
    if query.len() > limits.max_document_bytes {
        return Err(Refusal::new(
            Limit::DocumentBytes,
            limits.max_document_bytes,
            Some(query.len() as u64),
            format!(
                "the query document has {} bytes, more than the limit of {}",
                query.len(),
                limits.max_document_bytes
            ),
        ));
    }
    let mut lexer = Lexer::new(query);
    let mut tokens = 0usize;
    let mut nesting = 0usize;
    while let Some(token) = lexer.next_token() {
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(Refusal::new(
                Limit::Tokens,
                limits.max_tokens,
                None,
                format!(
                    "the query document has more than the limit of {} tokens",
                    limits.max_tokens
                ),
            ));
        }
        match token {
            Token::Open => {
                nesting += 1;
                if nesting > MAX_NESTING {
                    return Err(Refusal::new(
                        Limit::Nesting,
                        MAX_NESTING,
                        None,
                        format!("brackets in the query nest more than {MAX_NESTING} deep"),
                    ));
                }
            }
            Token::Close => nesting = nesting.saturating_sub(1),
            Token::Other => {}
        }
    }
    Ok(())
}

/// Counts the tokens of a document (names, numbers, strings, punctuators), for tests and
/// diagnostics.
pub fn count_tokens(query: &str) -> usize {
    let mut lexer = Lexer::new(query);
    let mut tokens = 0;
    while lexer.next_token().is_some() {
        tokens += 1;
    }
    tokens
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Other,
}

/// A GraphQL lexer that only tells tokens apart from what the grammar ignores (white space,
/// commas, comments, a byte order mark). Anything it does not know is one token: the
/// parser will refuse it anyway.
struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'a> {
    fn new(query: &'a str) -> Self {
        Self {
            bytes: query.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.at + offset).copied()
    }

    fn next_token(&mut self) -> Option<Token> {
        self.skip_ignored();
        let first = self.peek(0)?;
        let token = match first {
            b'{' | b'(' | b'[' => {
                self.at += 1;
                Token::Open
            }
            b'}' | b')' | b']' => {
                self.at += 1;
                Token::Close
            }
            b'.' if self.peek(1) == Some(b'.') && self.peek(2) == Some(b'.') => {
                self.at += 3;
                Token::Other
            }
            b'"' if self.peek(1) == Some(b'"') && self.peek(2) == Some(b'"') => {
                self.block_string();
                Token::Other
            }
            b'"' => {
                self.string();
                Token::Other
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                self.at += 1;
                while matches!(
                    self.peek(0),
                    Some(b'_' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
                ) {
                    self.at += 1;
                }
                Token::Other
            }
            b'-' | b'0'..=b'9' => {
                self.number();
                Token::Other
            }
            // Other punctuators (! $ & : = @ |) and anything unknown: one byte, one token
            // (a multi-byte character is skipped whole).
            _ => {
                self.at += 1;
                while self.peek(0).is_some_and(|b| b & 0xC0 == 0x80) {
                    self.at += 1;
                }
                Token::Other
            }
        };
        Some(token)
    }

    fn skip_ignored(&mut self) {
        while let Some(b) = self.peek(0) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => self.at += 1,
                b'#' => {
                    while !matches!(self.peek(0), None | Some(b'\n' | b'\r')) {
                        self.at += 1;
                    }
                }
                // U+FEFF, the byte order mark.
                0xEF if self.peek(1) == Some(0xBB) && self.peek(2) == Some(0xBF) => self.at += 3,
                _ => return,
            }
        }
    }

    /// `"…"` with backslash escapes; an unterminated string ends at the line's end.
    fn string(&mut self) {
        self.at += 1;
        while let Some(b) = self.peek(0) {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' | b'\n' | b'\r' => return,
                _ => {}
            }
        }
    }

    /// `"""…"""`, where `\"""` does not end the string.
    fn block_string(&mut self) {
        self.at += 3;
        while self.at < self.bytes.len() {
            if self.bytes[self.at..].starts_with(b"\\\"\"\"") {
                self.at += 4;
            } else if self.bytes[self.at..].starts_with(b"\"\"\"") {
                self.at += 3;
                return;
            } else {
                self.at += 1;
            }
        }
    }

    /// An int or float: sign, digits, fraction, exponent (with its own sign).
    fn number(&mut self) {
        self.at += 1;
        while let Some(b) = self.peek(0) {
            let exponent_sign = matches!(b, b'+' | b'-')
                && matches!(self.bytes.get(self.at - 1), Some(b'e' | b'E'));
            if b.is_ascii_alphanumeric() || b == b'.' || exponent_sign {
                self.at += 1;
            } else {
                return;
            }
        }
    }
}

/// The shape of the schema the analysis needs: each object's and interface's fields, the
/// type they return and whether they are connections (take `first`).
#[derive(Debug, Clone, Default)]
pub struct SchemaShape {
    query: String,
    mutation: String,
    subscription: String,
    types: HashMap<String, HashMap<String, FieldShape>>,
    /// Scalars, enums and input objects: the types a variable may have.
    input_types: std::collections::HashSet<String>,
}

#[derive(Debug, Clone)]
struct FieldShape {
    ty: String,
    connection: bool,
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

    fn root(&self, ty: OperationType) -> &str {
        match ty {
            OperationType::Query => &self.query,
            OperationType::Mutation => &self.mutation,
            OperationType::Subscription => &self.subscription,
        }
    }

    fn field(&self, parent: Option<&str>, name: &str) -> Option<&FieldShape> {
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

/// The operation a request runs: the one named `operation_name`, or without a name the
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

/// Prices the operation a request selects and checks every limit on it. Every operation
/// and fragment of the document is also walked for circular fragments and for directive
/// overloading (async-graphql checks those document-wide too). A document whose operation
/// cannot be selected is left for the executor to report (zero cost).
pub fn analyse(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    shape: &SchemaShape,
    limits: &LimitSettings,
) -> Result<QueryCost, Refusal> {
    let selected = selected_operation(doc, operation_name);
    let mut walker = Walker {
        doc,
        variables,
        defaults: HashMap::new(),
        shape,
        limits,
        fragments: HashMap::new(),
        nesting: 0,
    };
    let mut cost = QueryCost::default();
    if let Some(operation) = selected {
        let operation = &operation.node;
        walker.check_directives(operation.directives.len(), "the operation")?;
        walker.defaults = operation
            .variable_definitions
            .iter()
            .filter_map(|d| {
                let d = &d.node;
                Some((d.name.node.as_str(), d.default_value.as_ref()?.node.clone()))
            })
            .collect();
        let root = shape.root(operation.ty);
        let tally = walker.selection_set(&operation.selection_set.node, Some(root))?;
        cost = QueryCost {
            cost: tally.cost,
            nodes: tally.nodes,
            depth: tally.depth,
            aliases: tally.aliases,
            root_fields: tally.fields,
        };
    }
    // The rest of the document is not executed, but is validated: make sure it is safe
    // to walk.
    walker.defaults.clear();
    for (_, operation) in doc.operations.iter() {
        let operation = &operation.node;
        walker.check_directives(operation.directives.len(), "the operation")?;
        walker.selection_set(
            &operation.selection_set.node,
            Some(shape.root(operation.ty)),
        )?;
    }
    for name in doc.fragments.keys() {
        walker.fragment(name.as_str())?;
    }
    check_totals(&cost, limits)?;
    Ok(cost)
}

fn check_totals(cost: &QueryCost, limits: &LimitSettings) -> Result<(), Refusal> {
    let checks = [
        (
            Limit::Depth,
            cost.depth as u64,
            limits.max_depth,
            "nests fields",
            "levels deep",
        ),
        (
            Limit::RootFields,
            cost.root_fields,
            limits.max_root_fields,
            "selects",
            "root fields",
        ),
        (
            Limit::Aliases,
            cost.aliases,
            limits.max_aliases,
            "uses",
            "aliases",
        ),
        (
            Limit::Nodes,
            cost.nodes,
            limits.max_nodes,
            "requests",
            "nodes",
        ),
        (Limit::Cost, cost.cost, limits.max_cost, "costs", "points"),
    ];
    for (limit, actual, maximum, verb, unit) in checks {
        if actual > maximum as u64 {
            return Err(Refusal::new(
                limit,
                maximum,
                Some(actual),
                format!(
                    "the query {verb} {actual} {unit}, more than the limit of {maximum} \
                     ({} limit)",
                    limit.name()
                ),
            ));
        }
    }
    Ok(())
}

/// Totals of a selection set.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    cost: u64,
    nodes: u64,
    depth: usize,
    aliases: u64,
    /// Fields at this level (for the root field count).
    fields: u64,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.cost = self.cost.saturating_add(other.cost);
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.depth = self.depth.max(other.depth);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.fields = self.fields.saturating_add(other.fields);
    }
}

enum FragmentState {
    /// Being walked: meeting it again means it spreads itself.
    Visiting,
    Done(Tally),
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Default values of the selected operation's variables.
    defaults: HashMap<&'a str, GqlValue>,
    shape: &'a SchemaShape,
    limits: &'a LimitSettings,
    fragments: HashMap<&'a str, FragmentState>,
    /// Selection sets, fragments and inline fragments entered and not yet left.
    nesting: usize,
}

impl<'a> Walker<'a> {
    fn check_directives(&self, count: usize, what: &str) -> Result<(), Refusal> {
        let maximum = self.limits.max_directives;
        if count > maximum {
            return Err(Refusal::new(
                Limit::Directives,
                maximum,
                Some(count as u64),
                format!("{what} carries {count} directives, more than the limit of {maximum}"),
            ));
        }
        Ok(())
    }

    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        parent: Option<&'a str>,
    ) -> Result<Tally, Refusal> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(Refusal::new(
                Limit::Nesting,
                MAX_NESTING,
                None,
                format!("selections and fragments nest more than {MAX_NESTING} deep"),
            ));
        }
        let mut tally = Tally::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    self.check_directives(
                        field.directives.len(),
                        &format!("the field `{}`", field.name.node),
                    )?;
                    tally.merge(self.field(field, parent)?);
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    self.check_directives(
                        spread.directives.len(),
                        &format!("the spread of `{}`", spread.fragment_name.node),
                    )?;
                    tally.merge(self.fragment(spread.fragment_name.node.as_str())?);
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    self.check_directives(inline.directives.len(), "an inline fragment")?;
                    let ty = match &inline.type_condition {
                        Some(condition) => Some(condition.node.on.node.as_str()),
                        None => parent,
                    };
                    tally.merge(self.selection_set(&inline.selection_set.node, ty)?);
                }
            }
        }
        self.nesting -= 1;
        Ok(tally)
    }

    fn field(&mut self, field: &'a Field, parent: Option<&'a str>) -> Result<Tally, Refusal> {
        let name = field.name.node.as_str();
        let shape = self.shape.field(parent, name);
        let mut tally = Tally {
            fields: 1,
            aliases: u64::from(field.alias.is_some()),
            depth: 1,
            ..Tally::default()
        };
        let mutation_root = parent == Some(self.shape.mutation.as_str());
        if field.selection_set.node.items.is_empty() {
            if mutation_root {
                tally.cost = MUTATION_COST;
            }
            return Ok(tally);
        }
        let child_type = shape.map(|s| s.ty.as_str());
        let children = self.selection_set(&field.selection_set.node, child_type)?;
        let connection = match shape {
            Some(shape) => shape.connection,
            None => {
                CONNECTION_NAMES.contains(&name)
                    || field
                        .arguments
                        .iter()
                        .any(|(arg, _)| arg.node == "first" || arg.node == "last")
            }
        };
        tally.depth = 1 + children.depth;
        tally.aliases = tally.aliases.saturating_add(children.aliases);
        if connection {
            let page = self.page_size(field);
            tally.cost = 2u64.saturating_add(page.saturating_mul(children.cost));
            tally.nodes = page.saturating_add(page.saturating_mul(children.nodes));
        } else {
            let own = if mutation_root { MUTATION_COST } else { 1 };
            tally.cost = own.saturating_add(children.cost);
            tally.nodes = children.nodes;
        }
        Ok(tally)
    }

    /// A fragment's totals, walked once and remembered.
    fn fragment(&mut self, name: &'a str) -> Result<Tally, Refusal> {
        match self.fragments.get(name) {
            Some(FragmentState::Done(tally)) => return Ok(*tally),
            Some(FragmentState::Visiting) => {
                return Err(Refusal::new(
                    Limit::FragmentCycle,
                    0,
                    None,
                    format!("the fragment `{name}` spreads itself, directly or through others"),
                ));
            }
            None => {}
        }
        // An unknown fragment is the validator's to report.
        let Some((key, definition)) = self.doc.fragments.get_key_value(name) else {
            return Ok(Tally::default());
        };
        let definition = &definition.node;
        let key = key.as_str();
        self.check_directives(
            definition.directives.len(),
            &format!("the fragment `{name}`"),
        )?;
        self.fragments.insert(key, FragmentState::Visiting);
        let ty = definition.type_condition.node.on.node.as_str();
        let tally = self.selection_set(&definition.selection_set.node, Some(ty))?;
        self.fragments.insert(key, FragmentState::Done(tally));
        Ok(tally)
    }

    /// The page a connection field asks for: the larger of `first` and `last` from a
    /// literal, a variable or the variable's default; the server's default when absent.
    fn page_size(&self, field: &Field) -> u64 {
        let mut page = None;
        for (name, value) in &field.arguments {
            if name.node != "first" && name.node != "last" {
                continue;
            }
            let value = value.node.clone().into_const_with(|variable: Name| {
                let value = self
                    .variables
                    .get(variable.as_str())
                    .or_else(|| self.defaults.get(variable.as_str()));
                Ok::<_, std::convert::Infallible>(value.cloned().unwrap_or(GqlValue::Null))
            });
            if let Ok(GqlValue::Number(n)) = value {
                let n = n
                    .as_u64()
                    .unwrap_or_else(|| if n.as_i64().is_some() { 0 } else { u64::MAX });
                page = Some(page.map_or(n, |p: u64| p.max(n)));
            }
        }
        page.unwrap_or(DEFAULT_PAGE_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn shape() -> SchemaShape {
        let schema = crate::graphql::build_schema(&LimitSettings::default(), None);
        SchemaShape::from_sdl(&schema.sdl())
    }

    fn price(query: &str) -> Result<QueryCost, Refusal> {
        price_with(query, json!({}), &LimitSettings::default())
    }

    fn price_with(query: &str, vars: Value, limits: &LimitSettings) -> Result<QueryCost, Refusal> {
        let doc = parse_query(query).expect("parses");
        analyse(&doc, None, &Variables::from_json(vars), &shape(), limits)
    }

    #[test]
    fn scalars_cost_nothing_objects_one_connections_multiply() {
        let cost = price("{ viewer { name manager { name } } }").unwrap();
        assert_eq!((cost.cost, cost.nodes, cost.depth), (2, 0, 3));

        let nested = price(
            "{ people(first: 100) { nodes { directReports(first: 100) { nodes { name } } } } }",
        )
        .unwrap();
        // 2 + 100 × (1 + 2 + 100 × 1)
        assert_eq!(nested.cost, 10_302);
        assert_eq!(nested.nodes, 100 + 100 * 100);
        assert_eq!(nested.depth, 5);
    }

    #[test]
    fn first_comes_from_variables_defaults_or_the_page_size() {
        let query = "query($n: Int = 7) { people(first: $n) { nodes { id } } }";
        let limits = LimitSettings::default();
        assert_eq!(
            price_with(query, json!({ "n": 50 }), &limits).unwrap().cost,
            52
        );
        assert_eq!(price_with(query, json!({}), &limits).unwrap().cost, 9);
        assert_eq!(price("{ people { nodes { id } } }").unwrap().cost, 22);
        assert_eq!(
            price("{ people(first: -5) { nodes { id } } }")
                .unwrap()
                .cost,
            2
        );
    }

    #[test]
    fn fragments_and_inline_fragments_are_expanded_with_their_type() {
        let cost = price(
            "query { ...Q node(id: \"x\") { ... on Person { peers(first: 10) { nodes { id } } } } }
             fragment Q on Query { people(first: 5) { nodes { manager { id } } } }",
        )
        .unwrap();
        // people: 2 + 5 × (1 + 1); node: 1 + (2 + 10 × 1)
        assert_eq!(cost.cost, 12 + 13);
        assert_eq!(cost.root_fields, 2);
    }

    #[test]
    fn payload_lists_are_not_connections_and_mutations_cost_ten() {
        let cost = price(
            "mutation { upsertPeople(input: { people: [] }) { created people { id manager { id } } } }",
        )
        .unwrap();
        // upsertPeople 10 + people (a list) 1 + manager 1
        assert_eq!(cost.cost, 12);
    }

    #[test]
    fn circular_fragments_are_refused_without_following_them() {
        let refusal = price("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")
            .unwrap_err();
        assert_eq!(refusal.limit, Limit::FragmentCycle);
        let unused = price("{ __typename } fragment A on Query { ...A }").unwrap_err();
        assert_eq!(unused.limit, Limit::FragmentCycle);
    }

    #[test]
    fn a_fragment_bomb_is_priced_in_linear_time() {
        let mut query = String::from("{ ...F0 }\n");
        for i in 0..60 {
            let next = i + 1;
            query.push_str(&format!(
                "fragment F{i} on Query {{ ...F{next} ...F{next} }}\n"
            ));
        }
        query.push_str("fragment F60 on Query { viewer { id } }");
        let refusal = price(&query).unwrap_err();
        assert_eq!(refusal.limit, Limit::RootFields);
        assert_eq!(refusal.actual, Some(1 << 60));
    }

    #[test]
    fn limits_name_themselves() {
        let aliases: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
        let refusal = price(&format!("{{ viewer {{ {aliases} }} }}")).unwrap_err();
        assert_eq!(refusal.limit, Limit::Aliases);
        assert_eq!(
            refusal.to_error()["extensions"]["code"],
            "QUERY_TOO_COMPLEX"
        );
        assert_eq!(refusal.to_error()["extensions"]["limit"], "aliases");
        assert_eq!(refusal.to_error()["extensions"]["actual"], 31);

        let directives = " @include(if: true)".repeat(6);
        let refusal = price(&format!("{{ __typename{directives} }}")).unwrap_err();
        assert_eq!(refusal.limit, Limit::Directives);
    }

    #[test]
    fn the_lexer_counts_tokens_and_skips_what_the_grammar_ignores() {
        assert_eq!(count_tokens("{ a(b: 1.5e+3, c: \"x\\\"y\") }"), 11);
        assert_eq!(count_tokens("# a comment\n\u{feff}{ ...F }"), 4);
        assert_eq!(count_tokens("{ a(s: \"\"\"x \\\"\"\" \"y\"\"\") @d }"), 10);
        assert_eq!(count_tokens("query Q($v: [Int!]! = [-1]) { x }"), 19);
    }

    #[test]
    fn documents_over_the_token_size_or_nesting_limits_are_refused() {
        let limits = LimitSettings::default();
        let under = "{ __typename }".to_string() + &" a".repeat(limits.max_tokens - 3);
        assert!(check_document(&under, &limits).is_ok());
        let over = under.clone() + " a";
        assert_eq!(
            check_document(&over, &limits).unwrap_err().limit,
            Limit::Tokens
        );
        let big = " ".repeat(limits.max_document_bytes + 1);
        assert_eq!(
            check_document(&big, &limits).unwrap_err().limit,
            Limit::DocumentBytes
        );
        let deep = "{".repeat(MAX_NESTING + 1);
        assert_eq!(
            check_document(&deep, &limits).unwrap_err().limit,
            Limit::Nesting
        );
    }
}
