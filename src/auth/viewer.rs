//! The viewer: who a request acts for, resolved once per request from its token.

use std::collections::BTreeSet;

/// Integration scopes (`scope` claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    OrgRead,
    OrgWrite,
    MeetingsRead,
    MeetingsWrite,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "org:read" => Some(Scope::OrgRead),
            "org:write" => Some(Scope::OrgWrite),
            "meetings:read" => Some(Scope::MeetingsRead),
            "meetings:write" => Some(Scope::MeetingsWrite),
            _ => None,
        }
    }

    /// Parses a space-separated `scope` claim, ignoring scopes Cadence does not know.
    pub fn parse_list(s: &str) -> BTreeSet<Scope> {
        s.split_whitespace().filter_map(Scope::parse).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// No token, or a token that failed verification (the reason is logged, not shown).
    Anonymous,
    /// An employed person.
    Person {
        id: i64,
        external_id: String,
        hr_admin: bool,
    },
    /// A system integration acting with its scopes; there is no person behind it.
    Integration {
        client: String,
        scopes: BTreeSet<Scope>,
    },
}

impl Viewer {
    pub fn person_id(&self) -> Option<i64> {
        match self {
            Viewer::Person { id, .. } => Some(*id),
            _ => None,
        }
    }

    pub fn is_hr_admin(&self) -> bool {
        matches!(self, Viewer::Person { hr_admin: true, .. })
    }

    pub fn has_scope(&self, scope: Scope) -> bool {
        matches!(self, Viewer::Integration { scopes, .. } if scopes.contains(&scope))
    }
}
