//! (1) The document generator: clean documents that pass validation and noisy ones that
//! break every rule on purpose.

use std::collections::BTreeSet;

use async_graphql::parser::types::{BaseType, Type};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::*;

/// Deepest selection the generator nests (the server allows 15; deep nesting is the
/// query-string property's job).
pub(super) const MAX_DEPTH: usize = 5;

/// Most fragments one document defines.
pub(super) const MAX_FRAGMENTS: usize = 4;

/// Builds one request from a tape. Half the documents are *clean*: they should pass
/// validation, so that they execute and reach the resolvers, services and database with
/// odd but well-typed values. The other half are *noisy*: every rule may be broken on
/// purpose (unknown fields, types, fragments and directives, wrong value types,
/// undeclared and unused variables, circular fragments, conflicting aliases, several
/// operations without a name to pick).
pub(super) struct DocumentGenerator<'t> {
    pub(super) schema: &'static SchemaModel,
    pub(super) tape: Tape<'t>,
    pub(super) noisy: bool,
    /// Every variable declared, over all operations.
    pub(super) variables: Vec<(String, Type)>,
    pub(super) fragments: Vec<Fragment>,
    /// The variables used by each operation or fragment being generated, innermost last.
    pub(super) scopes: Vec<BTreeSet<usize>>,
    /// Fragments being generated: spreading one of them again would be a cycle.
    pub(super) open: Vec<usize>,
    /// Response names taken in each selection set being generated, innermost last.
    pub(super) levels: Vec<BTreeSet<String>>,
    pub(super) aliases: usize,
}

pub(super) struct Fragment {
    pub(super) on: String,
    pub(super) body: String,
    pub(super) variables: BTreeSet<usize>,
}

impl<'t> DocumentGenerator<'t> {
    pub(super) fn new(choices: &'t [u32]) -> Self {
        Self {
            schema: &SCHEMA,
            tape: Tape { choices, at: 0 },
            noisy: false,
            variables: Vec::new(),
            fragments: Vec::new(),
            scopes: Vec::new(),
            open: Vec::new(),
            levels: Vec::new(),
            aliases: 0,
        }
    }

    /// True `percent` times in a hundred in a noisy document, never in a clean one.
    pub(super) fn noise(&mut self, percent: usize) -> bool {
        self.noisy && self.tape.chance(percent)
    }

    pub(super) fn request(mut self) -> GraphqlRequest {
        self.noisy = self.tape.chance(50);
        let operation_count = if self.tape.chance(15) {
            2 + self.tape.below(2)
        } else {
            1
        };
        let mut names = Vec::new();
        let mut definitions = Vec::new();
        for i in 0..operation_count {
            let (keyword, root) = match self.tape.below(20) {
                0..=16 => ("query", self.schema.query.clone()),
                17 | 18 => ("mutation", self.schema.mutation.clone()),
                _ if self.noisy => ("subscription", self.schema.subscription.clone()),
                _ => ("query", self.schema.query.clone()),
            };
            let name = if operation_count == 1 && !self.tape.chance(30) {
                None
            } else if self.noise(10) {
                Some("Op".to_string())
            } else {
                Some(format!("Op{i}"))
            };
            self.scopes.push(BTreeSet::new());
            let directives = if self.noise(10) {
                self.directives()
            } else {
                String::new()
            };
            let selection = self.selection_set(&root, 1);
            let mut used = self.scopes.pop().unwrap_or_default();
            if self.noise(15) {
                // Declared but unused, of any type, perhaps a name declared twice.
                let name = format!("v{}", self.variables.len());
                let ty = self.variable_type();
                self.variables.push((name, ty));
                used.insert(self.variables.len() - 1);
                if self.tape.chance(30) {
                    used.insert(0);
                }
            }
            let variables = self.variable_definitions(&used);
            let shorthand = keyword == "query"
                && name.is_none()
                && variables.is_empty()
                && directives.is_empty()
                && !self.tape.chance(30);
            definitions.push(if shorthand {
                selection
            } else {
                format!(
                    "{keyword} {}{variables}{directives} {selection}",
                    name.as_deref().unwrap_or_default()
                )
            });
            names.extend(name);
        }
        for (i, fragment) in self.fragments.iter().enumerate() {
            definitions.push(format!(
                "fragment F{i} on {} {}",
                fragment.on, fragment.body
            ));
        }
        if self.noise(5) {
            definitions.push("fragment Unused on Person { id }".into());
        }
        if self.noise(5) && !self.fragments.is_empty() {
            definitions.push("fragment F0 on Query { __typename }".into());
        }
        if self.tape.chance(10) {
            let at = self.tape.below(definitions.len());
            definitions.swap(0, at);
        }
        let variables = self.variable_values();
        let operation_name = if self.noise(15) {
            match self.tape.below(3) {
                0 => None,
                1 => Some("Nope".to_string()),
                _ => Some(String::new()),
            }
        } else if operation_count > 1 || self.tape.chance(20) {
            names.get(self.tape.below(names.len().max(1))).cloned()
        } else {
            None
        };
        GraphqlRequest {
            query: definitions.join("\n"),
            variables,
            operation_name,
        }
    }

    /// `($v0: Int, …)` for the variables an operation uses.
    pub(super) fn variable_definitions(&mut self, used: &BTreeSet<usize>) -> String {
        if used.is_empty() {
            return String::new();
        }
        let mut definitions = Vec::new();
        for &index in used {
            let (name, ty) = self.variables[index].clone();
            let default = if self.tape.chance(10) {
                format!(" = {}", self.value(&ty, 0, true).graphql())
            } else {
                String::new()
            };
            let directives = if self.noise(3) {
                " @skip(if: true)"
            } else {
                ""
            };
            definitions.push(format!("${name}: {ty}{default}{directives}"));
        }
        format!("({})", definitions.join(", "))
    }

    /// Any type, for a noisy variable: mostly an input type, sometimes an output type or
    /// no type at all.
    pub(super) fn variable_type(&mut self) -> Type {
        let name = match self.tape.below(20) {
            0..=16 => self.tape.pick(&self.schema.inputs).clone(),
            17 => self.tape.pick(&self.schema.composite).clone(),
            18 => "Nope".to_string(),
            _ => "Int".to_string(),
        };
        let mut ty = ty(&name, !self.tape.chance(40));
        if self.tape.chance(15) {
            ty = Type {
                base: BaseType::List(Box::new(ty)),
                nullable: !self.tape.chance(40),
            };
        }
        ty
    }

    /// A use of a variable in a place of type `ty`: one declared with that type (a new one
    /// or one already declared), or in a noisy document any variable or an undeclared one.
    pub(super) fn variable(&mut self, ty: &Type) -> Lit {
        if self.noise(15) {
            if self.variables.is_empty() || self.tape.chance(40) {
                return Lit::Var("undeclared".into());
            }
            let index = self.tape.below(self.variables.len());
            self.use_variable(index);
            return Lit::Var(self.variables[index].0.clone());
        }
        let wanted = ty.to_string();
        let same: Vec<usize> = (0..self.variables.len())
            .filter(|&i| self.variables[i].1.to_string() == wanted)
            .collect();
        let index = if !same.is_empty() && self.tape.chance(50) {
            *self.tape.pick(&same)
        } else {
            self.variables
                .push((format!("v{}", self.variables.len()), ty.clone()));
            self.variables.len() - 1
        };
        self.use_variable(index);
        Lit::Var(self.variables[index].0.clone())
    }

    pub(super) fn use_variable(&mut self, index: usize) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(index);
        }
    }

    /// A type condition for a fragment inside a selection on `on`.
    pub(super) fn condition(&mut self, on: &str) -> String {
        if self.noise(30) {
            return match self.tape.below(4) {
                0 => self
                    .tape
                    .pick(&["Nope", "String", "PersonInput", "MeetingKind"])
                    .to_string(),
                _ => self.tape.pick(&self.schema.composite).clone(),
            };
        }
        let conditions = self.schema.conditions(on);
        self.tape.pick(&conditions).clone()
    }

    pub(super) fn selection_set(&mut self, on: &str, depth: usize) -> String {
        if self.noise(2) {
            return "{ }".into();
        }
        self.levels.push(BTreeSet::new());
        let items = self.selections(on, depth);
        self.levels.pop();
        format!("{{ {items} }}")
    }

    /// One to three selections, in the selection set on top of `levels`.
    pub(super) fn selections(&mut self, on: &str, depth: usize) -> String {
        let count = 1 + self.tape.below(3);
        let items: Vec<String> = (0..count).map(|_| self.selection(on, depth)).collect();
        items.join(" ")
    }

    pub(super) fn selection(&mut self, on: &str, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "__typename".into();
        }
        match self.tape.below(20) {
            0..=13 => self.field(on, depth),
            14 => format!("__typename{}", self.directives()),
            15 if self.noisy => self
                .tape
                .pick(&[
                    "nope",
                    "nope { id }",
                    "__typename(x: 1)",
                    "id { id }",
                    "__schema { queryType { name } }",
                    "__type(name: 1) { name }",
                ])
                .to_string(),
            15 if on == self.schema.query => self
                .tape
                .pick(&[
                    "__schema { queryType { name } types { name kind } }",
                    "__type(name: \"Person\") { name fields { name type { name kind } } }",
                    "__type(name: \"Nope\") { name }",
                ])
                .to_string(),
            15 => "__typename".into(),
            16 | 17 => {
                let condition = if self.tape.chance(30) {
                    None
                } else {
                    Some(self.condition(on))
                };
                let directives = self.directives();
                // An inline fragment's fields share the enclosing selection set.
                let body = self.selections(condition.as_deref().unwrap_or(on), depth + 1);
                match condition {
                    Some(c) => format!("... on {c}{directives} {{ {body} }}"),
                    None => format!("...{directives} {{ {body} }}"),
                }
            }
            _ => self.spread(on, depth),
        }
    }

    /// A fragment spread: of a fragment on `on` defined earlier, or of a new one; in a
    /// noisy document also of any fragment (circular spreads included) or an undefined one.
    pub(super) fn spread(&mut self, on: &str, depth: usize) -> String {
        let index = if self.noise(15) {
            None
        } else if self.noise(30) && !self.fragments.is_empty() {
            Some(self.tape.below(self.fragments.len()))
        } else {
            let reusable: Vec<usize> = (0..self.fragments.len())
                .filter(|i| self.fragments[*i].on == on && !self.open.contains(i))
                .collect();
            if !reusable.is_empty() && self.tape.chance(50) {
                Some(*self.tape.pick(&reusable))
            } else if self.fragments.len() < MAX_FRAGMENTS {
                Some(self.fragment(on, depth))
            } else {
                return self.field(on, depth);
            }
        };
        let Some(index) = index else {
            return format!("...Missing{}", self.directives());
        };
        let used = self.fragments[index].variables.clone();
        for variable in used {
            self.use_variable(variable);
        }
        format!("...F{index}{}", self.directives())
    }

    /// Defines a new fragment on `on`; its body is generated at once.
    pub(super) fn fragment(&mut self, on: &str, depth: usize) -> usize {
        let index = self.fragments.len();
        self.fragments.push(Fragment {
            on: on.to_string(),
            body: String::new(),
            variables: BTreeSet::new(),
        });
        self.open.push(index);
        self.scopes.push(BTreeSet::new());
        let body = self.selection_set(on, depth);
        let variables = self.scopes.pop().unwrap_or_default();
        self.open.pop();
        self.fragments[index].body = body;
        self.fragments[index].variables = variables;
        index
    }

    pub(super) fn field(&mut self, on: &str, depth: usize) -> String {
        let schema = self.schema;
        let fields = schema.fields(on);
        if fields.is_empty() {
            return "__typename".into();
        }
        let field = self.tape.pick(fields);
        let taken = self
            .levels
            .last()
            .is_some_and(|names| names.contains(&field.name));
        let alias = if self.noise(10) {
            // Perhaps a response name another field already has.
            Some(
                self.tape
                    .pick(&["a", "b", "id", "name", "__typename"])
                    .to_string(),
            )
        } else if taken || self.tape.chance(5) {
            self.aliases += 1;
            Some(format!("a{}", self.aliases))
        } else {
            None
        };
        if let Some(names) = self.levels.last_mut() {
            names.insert(alias.clone().unwrap_or_else(|| field.name.clone()));
        }
        let arguments = self.arguments(&field.args);
        let directives = self.directives();
        let inner = named(&field.ty);
        let selection = if schema.is_composite(inner) {
            if self.noise(5) {
                String::new()
            } else if depth >= MAX_DEPTH {
                " { __typename }".into()
            } else {
                format!(" {}", self.selection_set(inner, depth + 1))
            }
        } else if self.noise(5) {
            " { id }".into()
        } else {
            String::new()
        };
        let alias = alias.map(|a| format!("{a}: ")).unwrap_or_default();
        format!("{alias}{}{arguments}{directives}{selection}", field.name)
    }

    pub(super) fn arguments(&mut self, args: &[InputShape]) -> String {
        let mut parts = Vec::new();
        for arg in args {
            let include = if arg.required() {
                !self.noise(15)
            } else {
                self.tape.chance(35)
            };
            if include {
                let value = self.value(&arg.ty, 0, false).graphql();
                parts.push(format!("{}: {value}", arg.name));
            }
        }
        if self.noise(8) {
            parts.push(format!("nope: {}", self.wild(1).graphql()));
        }
        if !parts.is_empty() && self.noise(5) {
            parts.push(parts[0].clone());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("({})", parts.join(", "))
        }
    }

    pub(super) fn directives(&mut self) -> String {
        if !self.tape.chance(12) {
            return String::new();
        }
        let count = if self.noise(10) {
            6
        } else {
            1 + self.tape.below(2)
        };
        let first = self.tape.below(2);
        let mut out = String::new();
        for i in 0..count {
            let name = if self.noise(30) {
                *self
                    .tape
                    .pick(&["deprecated", "nope", "specifiedBy", "skip", "include"])
            } else {
                // Each at most once unless noisy: they are not repeatable.
                ["skip", "include"][(first + i) % 2]
            };
            let args = match self.tape.below(10) {
                8 if self.noisy => String::new(),
                9 if self.noisy => "(if: true, if: false)".into(),
                _ => format!(
                    "(if: {})",
                    self.value(&ty("Boolean", false), 0, false).graphql()
                ),
            };
            out.push_str(&format!(" @{name}{args}"));
        }
        out
    }

    /// A value for `ty`: of that type in a clean document, often not in a noisy one.
    /// `constant`: no variables (a default value, or the variables' own values).
    pub(super) fn value(&mut self, ty: &Type, depth: usize, constant: bool) -> Lit {
        if !constant && self.tape.chance(8) {
            return self.variable(ty);
        }
        if self.noise(8) {
            return self.wild(depth);
        }
        if ty.nullable && self.tape.chance(5) {
            return Lit::Null;
        }
        match &ty.base {
            BaseType::List(inner) => {
                if self.tape.chance(25) {
                    // A single value where a list is expected is coerced to a list of one.
                    self.value(inner, depth + 1, constant)
                } else {
                    let count = self.tape.below(4);
                    Lit::List(
                        (0..count)
                            .map(|_| self.value(inner, depth + 1, constant))
                            .collect(),
                    )
                }
            }
            BaseType::Named(name) => self.named_value(name, depth, constant),
        }
    }

    pub(super) fn named_value(&mut self, name: &str, depth: usize, constant: bool) -> Lit {
        match name {
            "Int" => self.int(),
            "Float" => Lit::raw(self.tape.pick(FLOATS)),
            "Boolean" => Lit::raw(self.tape.pick(&["true", "false"])),
            "String" => self.string(),
            "ID" => match self.tape.below(10) {
                0 => Lit::raw(self.tape.pick(&["1", "0", "-1"])),
                _ => Lit::Str(self.id()),
            },
            "DateTime" if self.noise(20) => Lit::Str(self.tape.pick(BAD_DATE_TIMES).to_string()),
            "DateTime" => Lit::Str(self.tape.pick(DATE_TIMES).to_string()),
            "Date" if self.noise(20) => Lit::Str(self.tape.pick(BAD_DATES).to_string()),
            "Date" => Lit::Str(self.tape.pick(DATES).to_string()),
            _ => {
                let schema = self.schema;
                match schema.types.get(name) {
                    Some(Shape::Enum(values)) => match self.tape.below(20) {
                        0 if self.noisy => Lit::Enum("NOPE".into()),
                        1 if self.noisy => Lit::Str(self.tape.pick(values).clone()),
                        _ => Lit::Enum(self.tape.pick(values).clone()),
                    },
                    Some(Shape::Input(fields)) => {
                        let mut members = Vec::new();
                        for field in fields {
                            let include = if field.required() {
                                !self.noise(10)
                            } else {
                                depth < 3 && self.tape.chance(40)
                            };
                            if include {
                                let value = self.value(&field.ty, depth + 1, constant);
                                members.push((field.name.clone(), value));
                            }
                        }
                        if self.noise(8) {
                            members.push(("nope".into(), self.wild(depth + 1)));
                        }
                        Lit::Object(members)
                    }
                    _ => self.string(),
                }
            }
        }
    }

    pub(super) fn int(&mut self) -> Lit {
        if self.noise(10) {
            return Lit::raw(self.tape.pick(&[
                "2147483648",
                "-2147483649",
                "9223372036854775807",
                "18446744073709551616",
                "99999999999999999999999999999999",
                "1.5",
                "1e3",
            ]));
        }
        if self.tape.chance(15) {
            return Lit::raw(self.tape.pick(&[
                "2147483647",
                "-2147483648",
                "-1",
                "101",
                "481",
                "1000000",
            ]));
        }
        Lit::raw(
            self.tape
                .pick(&["1", "2", "0", "3", "5", "20", "10", "100"]),
        )
    }

    /// A value of any type.
    pub(super) fn wild(&mut self, depth: usize) -> Lit {
        match self.tape.below(if depth > 3 { 6 } else { 8 }) {
            0 => Lit::Null,
            1 => self.int(),
            2 => Lit::raw(self.tape.pick(FLOATS)),
            3 => self.string(),
            4 => Lit::raw("true"),
            5 => Lit::Enum(
                self.tape
                    .pick(&["DIRECT", "HELD", "WEEK", "NOPE"])
                    .to_string(),
            ),
            6 => Lit::List(vec![self.wild(depth + 1), self.wild(depth + 1)]),
            _ => Lit::Object(vec![
                ("externalId".into(), self.wild(depth + 1)),
                ("nope".into(), self.wild(depth + 1)),
            ]),
        }
    }

    pub(super) fn string(&mut self) -> Lit {
        match self.tape.below(12) {
            0..=8 => Lit::Str(self.tape.pick(STRINGS).to_string()),
            9 => Lit::Str("x".repeat(1 + self.tape.below(20_000))),
            // Escapes that JSON and GraphQL read alike: lone surrogates, NUL, BOM.
            10 => Lit::raw(self.tape.pick(&[
                r#""\u0000""#,
                r#""\uFEFF""#,
                r#""\uD800""#,
                r#""\uDFFF\uD800""#,
            ])),
            // GraphQL-only forms (in variables they make the body invalid JSON).
            _ if self.noisy => Lit::raw(self.tape.pick(&[
                r#""""block string""""#,
                r#""\u{1F600}""#,
                r#""\u{110000}""#,
                r#""\u{D800}""#,
                r#""\q""#,
            ])),
            _ => Lit::Str(String::new()),
        }
    }

    pub(super) fn id(&mut self) -> String {
        const KINDS: &[&str] = &[
            "Person",
            "Person",
            "Team",
            "Meeting",
            "AgendaTemplate",
            "AgendaItem",
            "ActionItem",
        ];
        const NUMBERS: &[&str] = &[
            "1",
            "2",
            "3",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "0",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "1.5",
            "",
            "abc",
        ];
        if !self.noisy && self.tape.chance(60) {
            // Someone in the small org.
            return URL_SAFE_NO_PAD.encode(format!("Person:{}", 1 + self.tape.below(9)));
        }
        match self.tape.below(10) {
            0..=7 => {
                let kind = self.tape.pick(KINDS);
                let n = self.tape.pick(NUMBERS);
                URL_SAFE_NO_PAD.encode(format!("{kind}:{n}"))
            }
            8 => URL_SAFE_NO_PAD.encode(self.tape.pick(&["Nope:1", ":", "Person", "Person:1:2"])),
            _ => self
                .tape
                .pick(&["", "!!!", "UGVyc29uOjE=", "dev1", "Person:1", "=", "\u{0}"])
                .to_string(),
        }
    }

    /// Values for the declared variables (of their types in a clean document), sometimes
    /// with nullable ones left out; in a noisy one also missing, mistyped and undeclared.
    pub(super) fn variable_values(&mut self) -> Option<String> {
        if self.noise(3) {
            return Some("null".into());
        }
        if self.variables.is_empty() && !self.noise(10) {
            return None;
        }
        let mut members = Vec::new();
        let declared = self.variables.clone();
        for (name, ty) in &declared {
            let leave_out = if ty.nullable {
                self.tape.chance(10)
            } else {
                self.noise(10)
            };
            if !leave_out {
                members.push((name.clone(), self.value(ty, 0, true)));
            }
        }
        if self.noise(10) {
            members.push(("undeclared".into(), self.wild(0)));
        }
        Some(Lit::Object(members).json())
    }
}
