//! Cadence policies in GraphQL: how often each kind of 1:1 should happen, org-wide, for a
//! manager's subtree or for one pair, and the mutations that set and remove them.

use async_graphql::{Context, Description, Enum, ID, InputObject, Object, ResultExt, SimpleObject};

use super::context::RequestContext;
use super::ids;
use super::people::Person;
use crate::domain::cadence::{self as domain, Policy, PolicyScope};
use crate::error::AppError;
use crate::service::cadence;

/// What a cadence policy is about: a kind of meeting (the values of `MeetingKind`), or
/// CHECK_IN, which is no meeting kind.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CadenceKind {
    /// 1:1s where one manages the other.
    Direct,
    /// 1:1s where one is the other's manager's manager.
    SkipLevel,
    /// 1:1s where neither is in the other's management chain.
    Peer,
    /// Meetings in the same chain three or more levels apart, or with someone not in the
    /// org then.
    Other,
    /// Check-ins of a manager of managers with each manager directly below them who has
    /// reports (`logCheckIn`); default every 90 days, encouraged.
    CheckIn,
}

impl From<domain::CadenceKind> for CadenceKind {
    fn from(k: domain::CadenceKind) -> Self {
        match k {
            domain::CadenceKind::Direct => CadenceKind::Direct,
            domain::CadenceKind::SkipLevel => CadenceKind::SkipLevel,
            domain::CadenceKind::Peer => CadenceKind::Peer,
            domain::CadenceKind::Other => CadenceKind::Other,
            domain::CadenceKind::CheckIn => CadenceKind::CheckIn,
        }
    }
}

impl From<CadenceKind> for domain::CadenceKind {
    fn from(k: CadenceKind) -> Self {
        match k {
            CadenceKind::Direct => domain::CadenceKind::Direct,
            CadenceKind::SkipLevel => domain::CadenceKind::SkipLevel,
            CadenceKind::Peer => domain::CadenceKind::Peer,
            CadenceKind::Other => domain::CadenceKind::Other,
            CadenceKind::CheckIn => domain::CadenceKind::CheckIn,
        }
    }
}

/// Which pairs a cadence policy covers.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CadenceScope {
    /// Cadence's default, when nothing is set.
    BuiltIn,
    /// Everyone.
    Org,
    /// A manager's subtree.
    Subtree,
    /// One pair of people.
    Pair,
}

/// How often meetings of one kind should happen, and for whom. A narrower scope overrides a
/// wider one: PAIR over SUBTREE (the nearest manager up the chain) over ORG over BUILT_IN.
#[derive(Description)]
pub struct CadencePolicy(pub Policy);

#[Object(use_type_description)]
impl CadencePolicy {
    /// The kind of meeting the policy is about, or CHECK_IN.
    async fn kind(&self) -> CadenceKind {
        self.0.kind.into()
    }

    /// Expected days between meetings; null: no expected cadence.
    async fn every_days(&self) -> Option<i32> {
        self.0.every_days
    }

    /// Whether missing it makes a 1:1 overdue (else it is encouraged).
    async fn required(&self) -> bool {
        self.0.required
    }

    /// Which pairs the policy covers.
    async fn scope(&self) -> CadenceScope {
        match self.0.scope {
            PolicyScope::BuiltIn => CadenceScope::BuiltIn,
            PolicyScope::Org => CadenceScope::Org,
            PolicyScope::Subtree(_) => CadenceScope::Subtree,
            PolicyScope::Pair(..) => CadenceScope::Pair,
        }
    }

    /// The manager whose subtree it covers (SUBTREE scope).
    async fn manager(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        match self.0.scope {
            PolicyScope::Subtree(m) => Ok(Some(Person::load(ctx, m).await?)),
            _ => Ok(None),
        }
    }

    /// The two people it covers (PAIR scope).
    async fn pair(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Person>>> {
        match self.0.scope {
            PolicyScope::Pair(a, b) => Ok(Some(vec![
                Person::load(ctx, a).await?,
                Person::load(ctx, b).await?,
            ])),
            _ => Ok(None),
        }
    }
}

#[derive(Default)]
pub struct CadenceQuery;

#[Object]
impl CadenceQuery {
    /// Every stored cadence policy (org-wide, subtree and pair overrides).
    async fn cadence_policies(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<CadencePolicy>> {
        let rc = RequestContext::of(ctx);
        let found = cadence::list(&rc.db, &rc.viewer).await.extend()?;
        Ok(found.into_iter().map(CadencePolicy).collect())
    }

    /// The policy that applies to `kind` meetings of `personId` with `withPersonId` (or,
    /// without it, with `personId`'s own reports): the pair's own, else the nearest
    /// subtree override up the chain, else the org-wide one, else the built-in default.
    async fn effective_cadence_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The kind of meeting, or CHECK_IN.")] kind: CadenceKind,
        #[graphql(desc = "Global ID of one person of the pair.")] person_id: ID,
        #[graphql(desc = "Global ID of the other person; null: `personId`'s own reports.")]
        with_person_id: Option<ID>,
    ) -> async_graphql::Result<CadencePolicy> {
        let rc = RequestContext::of(ctx);
        let person = ids::person(&person_id, "personId")?;
        let with = with_person_id
            .map(|id| ids::person(&id, "withPersonId"))
            .transpose()?;
        let p = cadence::effective(&rc.db, &rc.viewer, kind.into(), person, with, rc.now)
            .await
            .extend()?;
        Ok(CadencePolicy(p))
    }
}

/// A cadence to set. Give `managerId` for a subtree override, `pair` for one pair, neither
/// for the org-wide policy.
#[derive(InputObject)]
pub struct SetCadencePolicyInput {
    /// The kind of meeting the policy is about, or CHECK_IN.
    pub kind: CadenceKind,
    /// Expected days between meetings (1 to 366); null for none.
    pub every_days: Option<i32>,
    /// Whether missing it makes a 1:1 overdue (default); false: it is only encouraged.
    #[graphql(default = true)]
    pub required: bool,
    /// Global ID of the manager whose subtree the policy covers.
    pub manager_id: Option<ID>,
    /// Exactly two people.
    pub pair: Option<Vec<ID>>,
}

/// The policy to remove, named by kind and scope as in `setCadencePolicy`.
#[derive(InputObject)]
pub struct RemoveCadencePolicyInput {
    /// The kind of meeting the policy is about, or CHECK_IN.
    pub kind: CadenceKind,
    /// Global ID of the manager, for a subtree policy.
    pub manager_id: Option<ID>,
    /// Global IDs of the two people, for a pair policy.
    pub pair: Option<Vec<ID>>,
}

fn scope_of(manager_id: Option<&ID>, pair: Option<&Vec<ID>>) -> async_graphql::Result<PolicyScope> {
    match (manager_id, pair) {
        (None, None) => Ok(PolicyScope::Org),
        (Some(m), None) => Ok(PolicyScope::Subtree(ids::person(m, "input.managerId")?)),
        (None, Some(p)) if p.len() == 2 => {
            let a = ids::person(&p[0], "input.pair[0]")?;
            let b = ids::person(&p[1], "input.pair[1]")?;
            if a == b {
                return Err(AppError::bad_input(
                    "input.pair",
                    "needs two different people",
                ))
                .extend();
            }
            Ok(PolicyScope::Pair(a, b))
        }
        (None, Some(_)) => Err(AppError::bad_input(
            "input.pair",
            "needs exactly two people",
        ))
        .extend(),
        (Some(_), Some(_)) => Err(AppError::bad_input(
            "input",
            "give managerId or pair, not both",
        ))
        .extend(),
    }
}

/// What `setCadencePolicy` stored.
#[derive(SimpleObject)]
pub struct SetCadencePolicyPayload {
    /// The policy as stored now.
    pub policy: CadencePolicy,
}

/// What `removeCadencePolicy` did.
#[derive(SimpleObject)]
pub struct RemoveCadencePolicyPayload {
    /// Whether a policy was there to remove.
    pub removed: bool,
}

#[derive(Default)]
pub struct CadenceMutation;

#[Object]
impl CadenceMutation {
    /// Sets a cadence policy: org-wide (hr_admin), for a manager's subtree (that manager,
    /// anyone above them, hr_admin) or for one pair (the pair, their managers, hr_admin).
    async fn set_cadence_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy to set.")] input: SetCadencePolicyInput,
    ) -> async_graphql::Result<SetCadencePolicyPayload> {
        let rc = RequestContext::of(ctx);
        let scope = scope_of(input.manager_id.as_ref(), input.pair.as_ref())?;
        let p = Policy {
            kind: input.kind.into(),
            every_days: input.every_days,
            required: input.required,
            scope,
        };
        let saved = cadence::set(&rc.db, &rc.viewer, p, rc.now).await.extend()?;
        Ok(SetCadencePolicyPayload {
            policy: CadencePolicy(saved),
        })
    }

    /// Removes a cadence policy so that the next wider scope applies again.
    async fn remove_cadence_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy to remove.")] input: RemoveCadencePolicyInput,
    ) -> async_graphql::Result<RemoveCadencePolicyPayload> {
        let rc = RequestContext::of(ctx);
        let scope = scope_of(input.manager_id.as_ref(), input.pair.as_ref())?;
        let removed = cadence::remove(&rc.db, &rc.viewer, input.kind.into(), scope, rc.now)
            .await
            .extend()?;
        Ok(RemoveCadencePolicyPayload { removed })
    }
}
