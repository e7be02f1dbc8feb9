//! Who a verified token says its bearer is, in types: the subject, the roles and scopes
//! Cadence knows, and until when the token is accepted. The service layer reads this, never
//! the raw claims.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::jwt::Claims;
use super::viewer::Scope;

/// Roles a token may carry (`roles` claim) that Cadence acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// HR administrators see and change the whole org.
    HrAdmin,
    /// A system integration, acting with its scopes rather than as a person.
    Integration,
}

impl Role {
    /// The role a `roles` entry names; `None` for roles Cadence does not know.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "hr_admin" => Some(Role::HrAdmin),
            "integration" => Some(Role::Integration),
            _ => None,
        }
    }
}

/// The bearer of a verified token, as the service layer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The token's `sub`: a person's external id, or an integration's client id.
    pub subject: String,
    /// The known roles among the token's `roles`.
    pub roles: BTreeSet<Role>,
    /// The known scopes in the token's space-separated `scope`.
    pub scopes: BTreeSet<Scope>,
    /// The last instant the token is accepted ([`Claims::accepted_until`]).
    pub expires: DateTime<Utc>,
}

impl Identity {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

impl From<&Claims> for Identity {
    /// Reads verified claims; roles and scopes Cadence does not know are left out.
    fn from(claims: &Claims) -> Self {
        Self {
            subject: claims.sub.clone(),
            roles: claims.roles.iter().filter_map(|r| Role::parse(r)).collect(),
            scopes: Scope::parse_list(claims.scope.as_deref().unwrap_or_default()),
            expires: claims.accepted_until(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_roles_and_scopes_are_left_out() {
        let mut claims = Claims::new("hris", Utc::now(), std::time::Duration::from_secs(60));
        claims.roles = vec!["integration".into(), "admin".into()];
        claims.scope = Some("org:read  teams:write meetings:write".into());
        let identity = Identity::from(&claims);
        assert_eq!(identity.subject, "hris");
        assert_eq!(identity.roles, BTreeSet::from([Role::Integration]));
        assert_eq!(
            identity.scopes,
            BTreeSet::from([Scope::OrgRead, Scope::MeetingsWrite])
        );
        assert_eq!(identity.expires, claims.accepted_until());
    }
}
