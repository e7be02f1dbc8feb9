//! Cadence policies: the org-wide setting, overrides for a manager's subtree and for one
//! pair, and the effective policy that applies to a pair.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TryIntoModel,
};

use super::org;
use crate::auth::{Viewer, access};
use crate::domain::cadence::{CadenceKind, Policies, Policy, PolicyScope, pair_key};
use crate::domain::employment::truncate;
use crate::error::{AppError, AppResult};
use entity::cadence_policy;

fn to_policy(row: &cadence_policy::Model) -> Option<Policy> {
    let kind = CadenceKind::parse(&row.kind)?;
    let scope = match (row.manager_id, row.pair_low, row.pair_high) {
        (None, None, None) => PolicyScope::Org,
        (Some(m), None, None) => PolicyScope::Subtree(m),
        (None, Some(a), Some(b)) => PolicyScope::Pair(a, b),
        _ => return None,
    };
    Some(Policy {
        kind,
        every_days: row.every_days,
        required: row.required,
        scope,
    })
}

/// Every stored policy; there are few (one per override), so one read serves a whole report.
pub(crate) async fn load_all(db: &impl ConnectionTrait) -> AppResult<Policies> {
    let mut policies = Policies::default();
    for row in cadence_policy::Entity::find().all(db).await? {
        if let Some(p) = to_policy(&row) {
            policies.insert(p);
        }
    }
    Ok(policies)
}

/// Stored policies: readable like the org chart, org-wide first.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn list(db: &impl ConnectionTrait, viewer: &Viewer) -> AppResult<Vec<Policy>> {
    access::ensure_can_read_org(viewer)?;
    let rows = cadence_policy::Entity::find()
        .order_by_asc(cadence_policy::Column::Id)
        .all(db)
        .await?;
    Ok(rows.iter().filter_map(to_policy).collect())
}

async fn chain_now(
    db: &impl ConnectionTrait,
    person: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    Ok(org::chains_at(db, &[(person, now)])
        .await?
        .remove(0)
        .unwrap_or_default())
}

async fn check_scope(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    scope: PolicyScope,
    now: DateTime<Utc>,
) -> AppResult<()> {
    match scope {
        PolicyScope::BuiltIn => Err(AppError::bad_input(
            "input",
            "built-in policies cannot change",
        )),
        PolicyScope::Org => access::ensure_can_set_org_cadence(viewer),
        PolicyScope::Subtree(m) => {
            let chain = chain_now(db, m, now).await?;
            access::ensure_can_set_subtree_cadence(viewer, m, &chain)
        }
        PolicyScope::Pair(a, b) => {
            let (ca, cb) = (chain_now(db, a, now).await?, chain_now(db, b, now).await?);
            access::ensure_can_set_pair_cadence(viewer, (&ca, &cb))
        }
    }
}

fn scope_columns(scope: PolicyScope) -> (Option<i64>, Option<i64>, Option<i64>) {
    match scope {
        PolicyScope::Subtree(m) => (Some(m), None, None),
        PolicyScope::Pair(a, b) => {
            let (low, high) = pair_key(a, b);
            (None, Some(low), Some(high))
        }
        PolicyScope::Org | PolicyScope::BuiltIn => (None, None, None),
    }
}

async fn find(
    db: &impl ConnectionTrait,
    kind: CadenceKind,
    scope: PolicyScope,
) -> AppResult<Option<cadence_policy::Model>> {
    let (manager, low, high) = scope_columns(scope);
    let eq_or_null = |col: cadence_policy::Column, v: Option<i64>| match v {
        Some(v) => col.eq(v),
        None => col.is_null(),
    };
    Ok(cadence_policy::Entity::find()
        .filter(cadence_policy::Column::Kind.eq(kind.as_str()))
        .filter(eq_or_null(cadence_policy::Column::ManagerId, manager))
        .filter(eq_or_null(cadence_policy::Column::PairLow, low))
        .filter(eq_or_null(cadence_policy::Column::PairHigh, high))
        .one(db)
        .await?)
}

/// Sets the policy for one kind in one scope, replacing what was there.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn set(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    policy_in: Policy,
    now: DateTime<Utc>,
) -> AppResult<Policy> {
    if let Some(days) = policy_in.every_days
        && !(1..=366).contains(&days)
    {
        return Err(AppError::bad_input(
            "input.everyDays",
            "must be between 1 and 366 days",
        ));
    }
    check_scope(db, viewer, policy_in.scope, now).await?;
    if policy_in.kind == CadenceKind::Direct
        && (!policy_in.required || policy_in.every_days.is_none())
    {
        access::ensure_can_relax_direct_cadence(viewer)?;
    }
    // Checked after who may: outsiders learn nothing. Without it, the foreign key fails.
    let (manager, low, high) = scope_columns(policy_in.scope);
    let named: Vec<i64> = [manager, low, high].into_iter().flatten().collect();
    if !super::people::people_exist(db, &named).await? {
        let field = match policy_in.scope {
            PolicyScope::Pair(..) => "input.pair",
            _ => "input.managerId",
        };
        return Err(AppError::bad_input(field, "no such person"));
    }
    let mut model = match find(db, policy_in.kind, policy_in.scope).await? {
        Some(existing) => existing.into(),
        None => cadence_policy::ActiveModel {
            kind: Set(policy_in.kind.as_str().into()),
            manager_id: Set(manager),
            pair_low: Set(low),
            pair_high: Set(high),
            ..Default::default()
        },
    };
    model.every_days = Set(policy_in.every_days);
    model.required = Set(policy_in.required);
    model.updated_at = Set(truncate(now));
    let saved = model.save(db).await.map_err(AppError::from_db)?;
    let saved: cadence_policy::Model = saved.try_into_model()?;
    to_policy(&saved).ok_or_else(|| AppError::Internal(anyhow::anyhow!("stored policy unreadable")))
}

/// Removes the policy for one kind in one scope, so the next wider scope applies again.
/// Returns whether there was one.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn remove(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    kind: CadenceKind,
    scope: PolicyScope,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    check_scope(db, viewer, scope, now).await?;
    match find(db, kind, scope).await? {
        Some(row) => {
            cadence_policy::Entity::delete_by_id(row.id)
                .exec(db)
                .await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The policy for `kind` meetings between `person` and `with` (or, without `with`, for
/// `person`'s meetings with their reports), as of `now`.
#[tracing::instrument(level = "debug", skip(db, viewer))]
pub async fn effective(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    kind: CadenceKind,
    person: i64,
    with: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<Policy> {
    access::ensure_can_read_org(viewer)?;
    let other = with.unwrap_or(person);
    if !super::people::people_exist(db, &[person, other]).await? {
        return Err(AppError::NotFound("no such person".into()));
    }
    let policies = load_all(db).await?;
    // The pair's manager is whichever of the two is above the other; for two people in
    // different chains, the subtree of the first one's manager applies.
    let chain_p = chain_now(db, person, now).await?;
    let chain_o = chain_now(db, other, now).await?;
    let chain: Vec<i64> = if chain_o.contains(&person) || with.is_none() {
        std::iter::once(person).chain(chain_p).collect()
    } else if chain_p.contains(&other) {
        std::iter::once(other).chain(chain_o).collect()
    } else {
        chain_p
    };
    Ok(policies.effective(kind, person, other, &chain))
}
