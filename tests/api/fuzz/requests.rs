//! A GraphQL request as the properties send it, over POST or GET, with any authorization.

use std::fmt;

use proptest::prelude::*;
use reqwest::Method;

use super::*;

/// A GraphQL request; `variables` is raw JSON text, so it may hold numbers no JSON library
/// would write.
#[derive(Clone)]
pub(super) struct GraphqlRequest {
    pub(super) query: String,
    pub(super) variables: Option<String>,
    pub(super) operation_name: Option<String>,
}

impl fmt::Debug for GraphqlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "query: {}", truncated(&self.query, 4000))?;
        writeln!(
            f,
            "variables: {:?}",
            self.variables.as_deref().map(|v| truncated(v, 2000))
        )?;
        write!(f, "operationName: {:?}", self.operation_name)
    }
}

impl GraphqlRequest {
    pub(super) fn new(query: String) -> Self {
        Self {
            query,
            variables: None,
            operation_name: None,
        }
    }

    /// The JSON body of a POST.
    pub(super) fn body(&self) -> Vec<u8> {
        let mut body = format!("{{\"query\":{}", json_string(&self.query));
        if let Some(variables) = &self.variables {
            body.push_str(&format!(",\"variables\":{variables}"));
        }
        if let Some(name) = &self.operation_name {
            body.push_str(&format!(",\"operationName\":{}", json_string(name)));
        }
        body.push('}');
        body.into_bytes()
    }

    /// The URL query string of a GET.
    pub(super) fn query_string(&self) -> String {
        let mut pairs = vec![format!("query={}", percent_encode(self.query.as_bytes()))];
        if let Some(variables) = &self.variables {
            pairs.push(format!(
                "variables={}",
                percent_encode(variables.as_bytes())
            ));
        }
        if let Some(name) = &self.operation_name {
            pairs.push(format!("operationName={}", percent_encode(name.as_bytes())));
        }
        pairs.join("&")
    }

    /// This request as a POST with a JSON body, or as a GET when it fits in a URL.
    pub(super) fn probe(self, authorization: Authorization, get: bool) -> Probe {
        if get && self.query_string().len() <= MAX_URL_QUERY {
            return Probe::get(authorization, self.query_string());
        }
        Probe {
            method: Method::POST,
            query_string: None,
            accept: None,
            content_type: Some(Bytes(b"application/json".to_vec())),
            authorization,
            cost_report: false,
            body: Some(Bytes(self.body())),
        }
    }
}

/// Longest query string sent in a GET (URLs are not meant to carry large documents).
pub(super) const MAX_URL_QUERY: usize = 8 * 1024;

pub(super) fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

pub(super) fn percent_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Half the cases carry a valid token, the other half none.
pub(super) fn auth() -> impl Strategy<Value = Authorization> {
    prop::option::of(TEAM_MEMBER..=INTEGRATION)
        .prop_map(|i| i.map_or(Authorization::None, Authorization::Token))
}
