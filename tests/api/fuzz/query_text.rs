//! (2) Raw query strings, token by token.

use proptest::prelude::*;

use super::*;

#[derive(Clone, Debug)]
pub(super) enum QueryText {
    Text(String),
    /// Bytes, not necessarily UTF-8, sent percent-encoded in a GET.
    Bytes(Vec<u8>),
}

pub(super) const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "...",
    "$",
    "@",
    "!",
    "=",
    "|",
    "&",
    ",",
    "query",
    "mutation",
    "subscription",
    "fragment",
    "on",
    "F",
    "Person",
    "viewer",
    "people",
    "person",
    "node",
    "id",
    "name",
    "first",
    "after",
    "reports",
    "directReports",
    "meetings",
    "__typename",
    "__schema",
    "skip",
    "include",
    "if",
    "true",
    "false",
    "null",
    "1",
    "-1",
    "2147483648",
    "1.5e308",
    "1e400",
    "\"s\"",
    "\"\"\"block\"\"\"",
    "\"unterminated",
    "\"\\u{110000}\"",
    "\"\\uD800\"",
    "#comment\n",
    "\u{FEFF}",
    "\t",
    "\n",
    "\0",
    "$v",
    "@skip(if: true)",
    "...F",
    "fragment F on Person { ...F }",
    "é",
];

pub(super) fn query_text() -> impl Strategy<Value = QueryText> {
    let soup = prop::collection::vec((prop::sample::select(TOKENS), any::<bool>()), 0..80)
        .prop_map(|tokens| {
            tokens
                .into_iter()
                .map(|(t, space)| {
                    if space {
                        format!("{t} ")
                    } else {
                        t.to_string()
                    }
                })
                .collect::<String>()
        });
    let deep = (1usize..400, 0..4usize).prop_map(|(n, kind)| match kind {
        0 => format!(
            "{{{}{}",
            "viewer { manager ".repeat(n),
            "}".repeat(2 * n + 1)
        ),
        1 => format!(
            "{{ people(filter: {}1{}) {{ totalCount }} }}",
            "[".repeat(n),
            "]".repeat(n)
        ),
        2 => format!(
            "{{{}__typename{}",
            " ... on Query {".repeat(n),
            "}".repeat(n + 1)
        ),
        _ => "{".repeat(n),
    });
    let edited = (
        prop::sample::select(DOCUMENTS),
        prop::collection::vec((any::<usize>(), 0..3u8, prop::sample::select(TOKENS)), 1..6),
    )
        .prop_map(|(document, edits)| {
            let mut chars: Vec<char> = document.chars().collect();
            for (at, kind, token) in edits {
                let at = at % (chars.len() + 1);
                match kind {
                    0 => {
                        chars.splice(at..at, token.chars());
                    }
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ => {
                        let end = (at + 8).min(chars.len());
                        let copy: Vec<char> = chars[at..end].to_vec();
                        chars.splice(at..at, copy);
                    }
                }
            }
            chars.into_iter().collect::<String>()
        });
    prop_oneof![
        3 => any::<String>().prop_map(QueryText::Text),
        4 => soup.prop_map(QueryText::Text),
        2 => deep.prop_map(QueryText::Text),
        4 => edited.prop_map(QueryText::Text),
        1 => prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| QueryText::Text(String::from_utf8_lossy(&b).into_owned())),
        2 => prop::collection::vec(any::<u8>(), 0..200).prop_map(QueryText::Bytes),
    ]
}
