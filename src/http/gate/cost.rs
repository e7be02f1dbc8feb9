//! Pricing the selected operation and checking its totals: one walk over the document
//! with each fragment analysed once.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Name, Value as GqlValue, Variables};

use crate::config::LimitSettings;
use crate::domain::paging::DEFAULT_PAGE_SIZE;

use super::shape::SchemaShape;
use super::{Limit, MAX_NESTING, MUTATION_COST, QueryCost, Refusal, selected_operation};

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
    "learningResources",
];

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
        introspects: false,
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
            introspects: false,
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
    cost.introspects = walker.introspects;
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
    /// Whether any operation or fragment selects `__schema` or `__type`.
    introspects: bool,
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
        self.introspects |= name == "__schema" || name == "__type";
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
    use async_graphql::parser::parse_query;
    use serde_json::{Value, json};

    use super::*;

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
            refusal.to_failure().to_error()["extensions"]["code"],
            "QUERY_TOO_COMPLEX"
        );
        assert_eq!(
            refusal.to_failure().to_error()["extensions"]["limit"],
            "aliases"
        );
        assert_eq!(refusal.to_failure().to_error()["extensions"]["actual"], 31);

        let directives = " @include(if: true)".repeat(6);
        let refusal = price(&format!("{{ __typename{directives} }}")).unwrap_err();
        assert_eq!(refusal.limit, Limit::Directives);
    }
}
