//! (1) Input values, as literals or as JSON variables, and the odd values they are drawn
//! from.

use super::*;

/// A GraphQL input value that renders as a literal or, for variables, as JSON.
pub(super) enum Lit {
    Null,
    /// Text valid as is in both syntaxes (or meant to be invalid in one).
    Raw(String),
    Str(String),
    Enum(String),
    List(Vec<Lit>),
    Object(Vec<(String, Lit)>),
    Var(String),
}

impl Lit {
    pub(super) fn raw(text: impl AsRef<str>) -> Self {
        Lit::Raw(text.as_ref().to_string())
    }

    pub(super) fn graphql(&self) -> String {
        match self {
            Lit::Null => "null".into(),
            Lit::Raw(text) => text.clone(),
            // JSON's string escapes are valid GraphQL string escapes.
            Lit::Str(s) => json_string(s),
            Lit::Enum(e) => e.clone(),
            Lit::List(items) => {
                let items: Vec<String> = items.iter().map(Lit::graphql).collect();
                format!("[{}]", items.join(", "))
            }
            Lit::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.graphql()))
                    .collect();
                format!("{{{}}}", members.join(", "))
            }
            Lit::Var(name) => format!("${name}"),
        }
    }

    pub(super) fn json(&self) -> String {
        match self {
            Lit::Null | Lit::Var(_) => "null".into(),
            Lit::Raw(text) => text.clone(),
            Lit::Str(s) | Lit::Enum(s) => json_string(s),
            Lit::List(items) => {
                let items: Vec<String> = items.iter().map(Lit::json).collect();
                format!("[{}]", items.join(","))
            }
            Lit::Object(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), v.json()))
                    .collect();
                format!("{{{}}}", members.join(","))
            }
        }
    }
}

pub(super) const FLOATS: &[&str] = &[
    "0.5",
    "1",
    "-1.5",
    "0.0",
    "1e10",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "5e-324",
];

pub(super) const STRINGS: &[&str] = &[
    "dev1",
    "",
    "ceo",
    "Dana",
    "em1",
    "%",
    "_",
    "a%_\\",
    "\\",
    "\"",
    "é",
    "😀",
    "\u{202E}rtl",
    "\0",
    "' OR 1=1 --",
    "\r\n",
    "Europe/London",
    "Not/AZone",
    "dev1@example.com",
];

/// Instants that parse, ordinary ones and the edges of what chrono can hold.
pub(super) const DATE_TIMES: &[&str] = &[
    "2024-01-01T00:00:00Z",
    "2023-06-15T12:30:00+02:00",
    "2020-01-01T00:00:00Z",
    "2030-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "1900-01-01T00:00:00-14:00",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "+262142-12-31T23:59:59Z",
    "+262142-12-20T00:00:00Z",
    "-262143-01-01T00:00:00Z",
    "2024-02-29T23:59:60Z",
];

pub(super) const BAD_DATE_TIMES: &[&str] = &[
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "+262143-12-31T23:59:59.999999999Z",
    "-262144-01-01T00:00:00Z",
    "2024-01-01",
    "now",
    "",
];

pub(super) const DATES: &[&str] = &[
    "2024-01-01",
    "2020-02-29",
    "2019-06-30",
    "2030-12-31",
    "9999-12-31",
    "0000-01-01",
    "+262142-12-31",
    "-262143-01-01",
];

pub(super) const BAD_DATES: &[&str] = &[
    "2021-02-29",
    "2024-1-1",
    "+262143-12-31",
    "-262144-01-01",
    "",
];
