//! Cadence policies: who may set and remove them at each scope, how the effective policy of a
//! pair is found (pair, nearest subtree up the chain, org-wide, built-in), what is refused,
//! and how a policy changes coverage.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, NO_ONE, Org, normalized, person, small_org};

/// `small_org()` with everyone employed since 2020-01-01, plus `hr` (hr_admin) outside it:
/// ```text
/// ceo ─┬─ cto ─┬─ em1 ─┬─ dev1
///      │       │       └─ dev2
///      │       └─ em2 ─── dev3
///      └─ cfo ─── acct
/// ```
async fn company(backend: Backend) -> Org {
    let mut rows = small_org();
    let list = rows.as_array_mut().expect("rows");
    list.push(person("hr", "Hana HR", None));
    for row in list {
        row["startDate"] = json!("2020-01-01");
    }
    Org::spawn_with(backend, rows).await
}

const SET: &str = "mutation($input: SetCadencePolicyInput!) {
  setCadencePolicy(input: $input) {
    policy { kind everyDays required scope manager { externalId } pair { externalId } }
  }
}";

const REMOVE: &str = "mutation($input: RemoveCadencePolicyInput!) {
  removeCadencePolicy(input: $input) { removed }
}";

const EFFECTIVE: &str = "query($kind: CadenceKind!, $person: ID!, $with: ID) {
  effectiveCadencePolicy(kind: $kind, personId: $person, withPersonId: $with) {
    kind everyDays required scope manager { externalId } pair { externalId }
  }
}";

impl Org {
    /// `setCadencePolicy` as `who`: `scope` is `{}` (org-wide), `{ "managerId": … }` or
    /// `{ "pair": [...] }`.
    async fn set_policy(
        &self,
        who: Option<&str>,
        kind: &str,
        every: Value,
        scope: Value,
    ) -> Answer {
        let mut input = json!({ "kind": kind, "everyDays": every });
        input
            .as_object_mut()
            .unwrap()
            .extend(scope.as_object().unwrap().clone());
        let token = who.map(|w| self.token(w));
        self.app
            .gql(token.as_deref(), SET, json!({ "input": input }))
            .await
    }

    async fn remove_policy(&self, who: &str, kind: &str, scope: Value) -> Answer {
        let mut input = json!({ "kind": kind });
        input
            .as_object_mut()
            .unwrap()
            .extend(scope.as_object().unwrap().clone());
        self.gql(who, REMOVE, json!({ "input": input })).await
    }

    /// The effective policy for `kind` between two people, as `everyDays scope [manager]`,
    /// e.g. `"7 SUBTREE em1"`, `"30 PAIR"`, `"14 BUILT_IN"`.
    async fn effective(&self, kind: &str, person: &str, with: &str) -> String {
        let answer = self
            .gql(
                "dev3",
                EFFECTIVE,
                json!({ "kind": kind, "person": self.id(person), "with": self.id(with) }),
            )
            .await
            .ok();
        let p = normalized(answer.data("/effectiveCadencePolicy"));
        let mut out = format!("{} {}", p["everyDays"], p["scope"].as_str().unwrap());
        if let Some(manager) = p["manager"].as_str() {
            out = format!("{out} {manager}");
        }
        out
    }

    fn manager(&self, external_id: &str) -> Value {
        json!({ "managerId": self.id(external_id) })
    }

    fn pair(&self, a: &str, b: &str) -> Value {
        json!({ "pair": [self.id(a), self.id(b)] })
    }
}

db_test!(org_wide_policies_are_set_by_hr_admin_only);
async fn org_wide_policies_are_set_by_hr_admin_only(backend: Backend) {
    let company = company(backend).await;

    let by_hr = company
        .set_policy(Some("hr"), "DIRECT", json!(21), json!({}))
        .await
        .ok();
    let by_employee = company
        .set_policy(Some("dev1"), "DIRECT", json!(7), json!({}))
        .await;
    let by_ceo = company
        .set_policy(Some("ceo"), "DIRECT", json!(7), json!({}))
        .await;
    let by_integration = company
        .app
        .gql(
            Some(&company.app.admin_integration()),
            SET,
            json!({ "input": { "kind": "DIRECT", "everyDays": 7 } }),
        )
        .await;
    let anonymous = company
        .set_policy(None, "DIRECT", json!(7), json!({}))
        .await;
    let remove_by_employee = company.remove_policy("dev1", "DIRECT", json!({})).await;

    assert_eq!(
        normalized(by_hr.data("/setCadencePolicy/policy")),
        json!({
            "kind": "DIRECT", "everyDays": 21, "required": true, "scope": "ORG",
            "manager": null, "pair": null,
        })
    );
    by_employee.assert_error_code("FORBIDDEN");
    by_ceo.assert_error_code("FORBIDDEN");
    by_integration.assert_error_code("FORBIDDEN");
    anonymous.assert_error_code("UNAUTHENTICATED");
    remove_by_employee.assert_error_code("FORBIDDEN");
    let stored = company
        .gql(
            "dev1",
            "{ cadencePolicies { kind everyDays scope } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(
        stored.data("/cadencePolicies"),
        &json!([{ "kind": "DIRECT", "everyDays": 21, "scope": "ORG" }]),
        "only hr's policy was stored"
    );
    assert_eq!(company.effective("DIRECT", "em1", "dev1").await, "21 ORG");
}

db_test!(subtree_policies_are_set_by_the_manager_or_above);
async fn subtree_policies_are_set_by_the_manager_or_above(backend: Backend) {
    let company = company(backend).await;
    let em1 = company.manager("em1");

    let own = company
        .set_policy(Some("em1"), "DIRECT", json!(7), em1.clone())
        .await
        .ok();
    let from_above = company
        .set_policy(Some("cto"), "SKIP_LEVEL", json!(60), em1.clone())
        .await;
    let by_hr = company
        .set_policy(Some("hr"), "PEER", json!(30), em1.clone())
        .await;
    let by_peer = company
        .set_policy(Some("em2"), "DIRECT", json!(21), em1.clone())
        .await;
    let by_report = company
        .set_policy(Some("dev1"), "DIRECT", json!(21), em1.clone())
        .await;
    let by_other_branch = company
        .set_policy(Some("cfo"), "DIRECT", json!(21), em1.clone())
        .await;
    let for_own_manager = company
        .set_policy(Some("em1"), "DIRECT", json!(21), company.manager("cto"))
        .await;
    let removed_by_peer = company.remove_policy("em2", "DIRECT", em1.clone()).await;

    assert_eq!(
        normalized(own.data("/setCadencePolicy/policy")),
        json!({
            "kind": "DIRECT", "everyDays": 7, "required": true, "scope": "SUBTREE",
            "manager": "em1", "pair": null,
        })
    );
    from_above.ok();
    by_hr.ok();
    for forbidden in [
        by_peer,
        by_report,
        by_other_branch,
        for_own_manager,
        removed_by_peer,
    ] {
        forbidden.assert_error_code("FORBIDDEN");
    }
    assert_eq!(
        company.effective("DIRECT", "em1", "dev1").await,
        "7 SUBTREE em1"
    );
    assert_eq!(
        company.effective("SKIP_LEVEL", "cto", "dev1").await,
        "90 BUILT_IN"
    );
    assert_eq!(
        company.effective("PEER", "em1", "em2").await,
        "null BUILT_IN"
    );

    // Setting again replaces the policy of that kind and scope.
    company
        .set_policy(Some("em1"), "DIRECT", json!(10), em1.clone())
        .await
        .ok();
    assert_eq!(
        company.effective("DIRECT", "em1", "dev2").await,
        "10 SUBTREE em1"
    );
    let stored = company
        .gql("dev1", "{ cadencePolicies { kind everyDays } }", json!({}))
        .await
        .ok();
    assert_eq!(
        stored.data("/cadencePolicies"),
        &json!([
            { "kind": "DIRECT", "everyDays": 10 },
            { "kind": "SKIP_LEVEL", "everyDays": 60 },
            { "kind": "PEER", "everyDays": 30 },
        ])
    );
}

db_test!(the_nearest_policy_wins_and_removing_it_restores_the_wider_one);
async fn the_nearest_policy_wins_and_removing_it_restores_the_wider_one(backend: Backend) {
    let company = company(backend).await;
    let (em1, cto) = (company.manager("em1"), company.manager("cto"));
    let pair = company.pair("em1", "dev1");

    let built_in = company.effective("DIRECT", "em1", "dev1").await;
    company
        .set_policy(Some("hr"), "DIRECT", json!(21), json!({}))
        .await
        .ok();
    let org = company.effective("DIRECT", "em1", "dev1").await;
    company
        .set_policy(Some("cto"), "DIRECT", json!(10), cto.clone())
        .await
        .ok();
    let cto_subtree = company.effective("DIRECT", "em1", "dev1").await;
    company
        .set_policy(Some("em1"), "DIRECT", json!(7), em1.clone())
        .await
        .ok();
    let em1_subtree = company.effective("DIRECT", "em1", "dev1").await;
    let paired = company
        .set_policy(Some("em1"), "DIRECT", json!(30), pair.clone())
        .await
        .ok();
    let pair_policy = company.effective("DIRECT", "em1", "dev1").await;
    let pair_reversed = company.effective("DIRECT", "dev1", "em1").await;

    assert_eq!(built_in, "14 BUILT_IN");
    assert_eq!(org, "21 ORG");
    assert_eq!(cto_subtree, "10 SUBTREE cto");
    assert_eq!(em1_subtree, "7 SUBTREE em1");
    assert_eq!(pair_policy, "30 PAIR");
    assert_eq!(
        pair_reversed, "30 PAIR",
        "a pair is the same either way round"
    );
    let mut members: Vec<Value> = normalized(paired.data("/setCadencePolicy/policy/pair"))
        .as_array()
        .unwrap()
        .clone();
    members.sort_by_key(|m| m.as_str().unwrap().to_string());
    assert_eq!(members, [json!("dev1"), json!("em1")]);
    // Each scope reaches only its own pairs, whichever way round they are named.
    assert_eq!(
        company.effective("DIRECT", "dev2", "em1").await,
        "7 SUBTREE em1"
    );
    assert_eq!(
        company.effective("DIRECT", "em1", "dev2").await,
        "7 SUBTREE em1"
    );
    assert_eq!(
        company.effective("DIRECT", "em2", "dev3").await,
        "10 SUBTREE cto"
    );
    assert_eq!(
        company.effective("DIRECT", "cto", "em1").await,
        "10 SUBTREE cto"
    );
    assert_eq!(company.effective("DIRECT", "cfo", "acct").await, "21 ORG");
    assert_eq!(company.effective("DIRECT", "ceo", "cto").await, "21 ORG");
    assert_eq!(
        company.effective("SKIP_LEVEL", "cto", "dev1").await,
        "90 BUILT_IN"
    );

    let removed = |a: Answer| a.ok().data("/removeCadencePolicy/removed").clone();
    assert_eq!(
        removed(company.remove_policy("em1", "DIRECT", pair.clone()).await),
        true
    );
    assert_eq!(
        company.effective("DIRECT", "em1", "dev1").await,
        "7 SUBTREE em1"
    );
    assert_eq!(
        removed(company.remove_policy("em1", "DIRECT", pair).await),
        false
    );
    assert_eq!(
        removed(company.remove_policy("em1", "DIRECT", em1).await),
        true
    );
    assert_eq!(
        company.effective("DIRECT", "em1", "dev1").await,
        "10 SUBTREE cto"
    );
    company
        .remove_policy("em1", "DIRECT", cto.clone())
        .await
        .assert_error_code("FORBIDDEN");
    assert_eq!(
        removed(company.remove_policy("cto", "DIRECT", cto).await),
        true
    );
    assert_eq!(company.effective("DIRECT", "em1", "dev1").await, "21 ORG");
    assert_eq!(
        removed(company.remove_policy("hr", "DIRECT", json!({})).await),
        true
    );
    assert_eq!(
        company.effective("DIRECT", "em1", "dev1").await,
        "14 BUILT_IN"
    );
}

db_test!(pair_policies_are_set_by_the_pair_their_managers_or_hr_admin);
async fn pair_policies_are_set_by_the_pair_their_managers_or_hr_admin(backend: Backend) {
    let company = company(backend).await;
    let pair = company.pair("em1", "dev1");

    let by_manager = company
        .set_policy(Some("em1"), "DIRECT", json!(21), pair.clone())
        .await;
    let from_above = company
        .set_policy(Some("ceo"), "DIRECT", json!(21), pair.clone())
        .await;
    let by_hr = company
        .set_policy(Some("hr"), "DIRECT", json!(21), pair.clone())
        .await;
    let by_peer = company
        .set_policy(Some("em2"), "DIRECT", json!(60), pair.clone())
        .await;
    let by_teammate = company
        .set_policy(Some("dev2"), "DIRECT", json!(60), pair.clone())
        .await;
    let by_other_branch = company
        .set_policy(Some("cfo"), "DIRECT", json!(60), pair)
        .await;

    by_manager.ok();
    from_above.ok();
    by_hr.ok();
    for forbidden in [by_peer, by_teammate, by_other_branch] {
        forbidden.assert_error_code("FORBIDDEN");
    }
    assert_eq!(company.effective("DIRECT", "em1", "dev1").await, "21 PAIR");
}

db_test!(invalid_policies_are_bad_input);
async fn invalid_policies_are_bad_input(backend: Backend) {
    let company = company(backend).await;
    let em1 = company.manager("em1");
    let both =
        json!({ "managerId": company.id("em1"), "pair": [company.id("em1"), company.id("dev1")] });

    for (every, scope) in [
        (json!(0), json!({})),
        (json!(-7), em1.clone()),
        (json!(367), em1.clone()),
        (json!(14), json!({ "pair": [company.id("em1")] })),
        (json!(14), company.pair("em1", "em1")),
        (json!(14), both),
        (json!(14), json!({ "managerId": "not-an-id" })),
        (json!(14), json!({ "managerId": NO_ONE })),
        (json!(14), json!({ "pair": [company.id("em1"), NO_ONE] })),
    ] {
        company
            .set_policy(Some("hr"), "DIRECT", every.clone(), scope.clone())
            .await
            .assert_error_code("BAD_USER_INPUT");
    }
    let stored = company
        .gql("dev1", "{ cadencePolicies { kind } }", json!({}))
        .await
        .ok();
    assert_eq!(stored.data("/cadencePolicies"), &json!([]));
    company
        .gql(
            "dev1",
            EFFECTIVE,
            json!({ "kind": "DIRECT", "person": NO_ONE, "with": company.id("em1") }),
        )
        .await
        .assert_error_code("NOT_FOUND");
    // The edges of the range are fine, and so is no cadence at all.
    for every in [json!(1), json!(366), Value::Null] {
        company
            .set_policy(Some("hr"), "PEER", every, json!({}))
            .await
            .ok();
    }
}

const REPORT: &str = "query($id: ID!) {
  coverageReport(managerId: $id, asOf: \"2026-06-30T12:00:00Z\") {
    directCoverage
    skipLevelCoverage
    overdue { manager { externalId } report { externalId } lastHeldAt daysOverdue }
    managers { manager { externalId } directCoverage }
  }
}";

db_test!(policies_change_coverage);
async fn policies_change_coverage(backend: Backend) {
    let mut company = company(backend).await;
    // As of June 30th, noon: em1 met dev1 10 days ago and dev2 3 days ago; cto met both
    // managers and, skip-level, dev1 on May 1st and dev2 on June 10th; em2 and cfo met
    // their reports.
    for (host, guest, day) in [
        ("em1", "dev1", "2026-06-20"),
        ("em1", "dev2", "2026-06-27"),
        ("cto", "em1", "2026-06-25"),
        ("cto", "em2", "2026-06-26"),
        ("cto", "dev1", "2026-05-01"),
        ("cto", "dev2", "2026-06-10"),
        ("em2", "dev3", "2026-06-29"),
        ("ceo", "cto", "2026-06-29"),
        ("ceo", "cfo", "2026-06-29"),
        ("cfo", "acct", "2026-06-29"),
    ] {
        company.meet_on(host, guest, day, "HELD", &[]).await;
    }
    let report = |who: &'static str| {
        let company = &company;
        async move {
            let answer = company
                .gql(who, REPORT, json!({ "id": company.id(who) }))
                .await
                .ok();
            normalized(answer.data("/coverageReport"))
        }
    };
    let em1_in = |cto: &Value| {
        cto["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["manager"] == "em1")
            .expect("em1")["directCoverage"]
            .clone()
    };

    let default = report("em1").await;
    company
        .set_policy(Some("em1"), "DIRECT", json!(7), company.manager("em1"))
        .await
        .ok();
    let weekly = report("em1").await;
    let weekly_from_cto = report("cto").await;
    company
        .remove_policy("em1", "DIRECT", company.manager("em1"))
        .await
        .ok();
    let restored = report("em1").await;

    assert_eq!(default["directCoverage"], json!(1.0));
    assert_eq!(default["overdue"], json!([]));
    // Every 7 days: dev1 was due June 27th, 10:00: 3 whole days ago.
    assert_eq!(weekly["directCoverage"], json!(0.5));
    assert_eq!(
        weekly["overdue"],
        json!([{ "manager": "em1", "report": "dev1", "lastHeldAt": "2026-06-20T10:00:00Z", "daysOverdue": 3 }])
    );
    assert_eq!(em1_in(&weekly_from_cto), json!(0.5));
    assert_eq!(
        weekly_from_cto["directCoverage"],
        json!(1.0),
        "cto's own 1:1s keep 14 days"
    );
    assert_eq!(restored["directCoverage"], json!(1.0));

    // cto's weekly cadence reaches em1's 1:1s, until em1 sets their own again.
    company
        .set_policy(Some("cto"), "DIRECT", json!(7), company.manager("cto"))
        .await
        .ok();
    let from_above = report("em1").await;
    company
        .set_policy(Some("em1"), "DIRECT", json!(14), company.manager("em1"))
        .await
        .ok();
    let nearest = report("em1").await;
    // A pair override for em1–dev2: every 2 days; met June 27th, due 29th: 1 day.
    company
        .set_policy(Some("em1"), "DIRECT", json!(2), company.pair("dev2", "em1"))
        .await
        .ok();
    let paired = report("em1").await;

    assert_eq!(from_above["directCoverage"], json!(0.5));
    assert_eq!(nearest["directCoverage"], json!(1.0));
    assert_eq!(paired["directCoverage"], json!(0.5));
    assert_eq!(
        paired["overdue"],
        json!([{ "manager": "em1", "report": "dev2", "lastHeldAt": "2026-06-27T10:00:00Z", "daysOverdue": 1 }])
    );

    // SKIP_LEVEL is encouraged by default: uncovered skip-level pairs count against coverage
    // but are not listed as overdue. Required every 30 days, they are.
    let encouraged = report("cto").await;
    company
        .set_policy(Some("hr"), "SKIP_LEVEL", json!(30), json!({}))
        .await
        .ok();
    let required = report("cto").await;

    // 90 days: dev1 (May 1st) and dev2 (June 10th) met, dev3 never.
    assert_eq!(encouraged["skipLevelCoverage"], json!(0.6667));
    assert_eq!(encouraged["overdue"], json!([]));
    // 30 days: dev1 due May 31st, 30 days ago; dev3 never met since 2020-01-01, due
    // 2020-01-31, 2342 days ago.
    assert_eq!(required["skipLevelCoverage"], json!(0.3333));
    assert_eq!(
        required["overdue"],
        json!([
            { "manager": "cto", "report": "dev3", "lastHeldAt": null, "daysOverdue": 2342 },
            { "manager": "cto", "report": "dev1", "lastHeldAt": "2026-05-01T10:00:00Z", "daysOverdue": 30 },
        ])
    );
}

db_test!(a_report_cannot_relax_their_managers_obligation);
async fn a_report_cannot_relax_their_managers_obligation(backend: Backend) {
    let company = company(backend).await;
    let pair = json!({ "pair": [company.id("em1"), company.id("dev1")] });

    let by_report = company
        .set_policy(Some("dev1"), "DIRECT", json!(30), pair.clone())
        .await;
    let waived_by_manager = company
        .set_policy(Some("em1"), "DIRECT", Value::Null, pair.clone())
        .await;
    let by_manager = company
        .set_policy(Some("em1"), "DIRECT", json!(7), pair.clone())
        .await;
    let waived_by_hr = company
        .set_policy(
            Some("hr"),
            "DIRECT",
            Value::Null,
            json!({ "managerId": company.id("cto") }),
        )
        .await;

    by_report.assert_error_code("FORBIDDEN");
    waived_by_manager.assert_error_code("FORBIDDEN");
    by_manager.ok();
    waived_by_hr.ok();
    assert_eq!(company.effective("DIRECT", "em1", "dev1").await, "7 PAIR");
}
