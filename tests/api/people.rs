//! `upsertPeople`: the HRIS bulk upsert — counts, idempotency, effective-dated manager changes,
//! employment ending, and the rejections that write nothing.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, TestApp, UPSERT_PEOPLE, person, problem_fields, spawn_app};

/// `row` with `fields` set (or replaced).
fn with(mut row: Value, fields: Value) -> Value {
    let target = row.as_object_mut().expect("a person row is an object");
    for (key, value) in fields.as_object().expect("fields are an object") {
        target.insert(key.clone(), value.clone());
    }
    row
}

/// A person row employed since 2020-01-01: their first reporting line starts then.
fn hired(external_id: &str, name: &str, manager: Option<&str>) -> Value {
    with(
        person(external_id, name, manager),
        json!({ "startDate": "2020-01-01" }),
    )
}

/// Sends a batch that may fail.
async fn try_upsert(app: &TestApp, people: Value) -> Answer {
    app.gql(
        Some(&app.admin_integration()),
        UPSERT_PEOPLE,
        json!({ "people": people }),
    )
    .await
}

/// Asserts a BAD_USER_INPUT answer whose problems name exactly `fields`.
fn assert_rejected(answer: &Answer, fields: &[&str]) {
    answer.assert_error_code("BAD_USER_INPUT");
    let mut found = problem_fields(answer);
    found.sort();
    let mut expected: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected, "{}", answer.body);
}

/// Every person, as `{externalId, email, title, manager}` objects ordered by externalId.
async fn everyone(app: &TestApp) -> Vec<Value> {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            "{ people(first: 100) { nodes { externalId email title manager { externalId } } } }",
            json!({}),
        )
        .await
        .ok();
    let mut people = answer
        .data("/people/nodes")
        .as_array()
        .expect("nodes")
        .clone();
    people.sort_by_key(|p| p["externalId"].as_str().unwrap_or_default().to_string());
    people
}

/// The externalId of `external_id`'s manager at `at`.
async fn manager_at(app: &TestApp, external_id: &str, at: &str) -> Option<String> {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            "query($id: String!, $at: DateTime) {
               personByExternalId(externalId: $id) { manager(asOf: $at) { externalId } }
             }",
            json!({ "id": external_id, "at": at }),
        )
        .await
        .ok();
    answer
        .data("/personByExternalId/manager")
        .get("externalId")
        .and_then(Value::as_str)
        .map(String::from)
}

/// The externalIds of `external_id`'s direct reports (and all reports) at `at` (null: now).
async fn reports_at(
    app: &TestApp,
    external_id: &str,
    at: Option<&str>,
) -> (Vec<String>, Vec<String>) {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            "query($id: String!, $at: DateTime) {
               personByExternalId(externalId: $id) {
                 directReports(asOf: $at) { nodes { externalId } }
                 reports(asOf: $at) { nodes { externalId } }
               }
             }",
            json!({ "id": external_id, "at": at }),
        )
        .await
        .ok();
    let ids = |pointer: &str| -> Vec<String> {
        answer
            .data(pointer)
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["externalId"].as_str().expect("externalId").to_string())
            .collect()
    };
    (
        ids("/personByExternalId/directReports/nodes"),
        ids("/personByExternalId/reports/nodes"),
    )
}

db_test!(upsert_counts_created_updated_and_unchanged);
async fn upsert_counts_created_updated_and_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    let batch = json!([
        person("boss", "Bea Boss", None),
        with(
            person("ann", "Ann", Some("boss")),
            json!({ "title": "Engineer" })
        ),
        person("bob", "Bob", Some("boss")),
    ]);

    let first = app.upsert_people(batch.clone()).await;
    let again = app.upsert_people(batch.clone()).await;
    let mut retitled = batch.clone();
    retitled[1]["title"] = json!("Senior Engineer");
    let third = app.upsert_people(retitled).await;

    assert_eq!(
        (&first["created"], &first["updated"], &first["unchanged"]),
        (&json!(3), &json!(0), &json!(0))
    );
    assert_eq!(
        (&again["created"], &again["updated"], &again["unchanged"]),
        (&json!(0), &json!(0), &json!(3)),
        "re-sending the same batch changes nothing"
    );
    assert_eq!(
        (&third["created"], &third["updated"], &third["unchanged"]),
        (&json!(0), &json!(1), &json!(2))
    );
    assert_eq!(
        third["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["externalId"].clone())
            .collect::<Vec<_>>(),
        vec![json!("boss"), json!("ann"), json!("bob")],
        "the payload lists the batch in input order"
    );
    let people = everyone(&app).await;
    assert_eq!(people[0]["externalId"], "ann");
    assert_eq!(people[0]["title"], "Senior Engineer");
    assert_eq!(people[0]["manager"]["externalId"], "boss");
}

db_test!(resending_dated_rows_is_unchanged);
async fn resending_dated_rows_is_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    // Start dates in the past and in the future, and an explicit effectiveFrom: re-sending
    // any of them must not rewrite their reporting history.
    let batch = json!([
        hired("boss", "Bea Boss", None),
        hired("ann", "Ann", Some("boss")),
        with(
            person("newbie", "Nina Newbie", Some("boss")),
            json!({ "startDate": "2027-03-01" })
        ),
        with(
            hired("moved", "Mo Moved", Some("boss")),
            json!({ "effectiveFrom": "2024-05-01T00:00:00Z" })
        ),
    ]);
    app.upsert_people(batch.clone()).await;

    let again = app.upsert_people(batch).await;

    assert_eq!(
        (&again["created"], &again["updated"], &again["unchanged"]),
        (&json!(0), &json!(0), &json!(4)),
        "{again}"
    );
    assert_eq!(
        manager_at(&app, "newbie", "2027-03-02T00:00:00Z")
            .await
            .as_deref(),
        Some("boss")
    );
    assert_eq!(
        manager_at(&app, "moved", "2024-05-02T00:00:00Z")
            .await
            .as_deref(),
        Some("boss")
    );
}

db_test!(a_manager_may_come_later_in_the_batch);
async fn a_manager_may_come_later_in_the_batch(backend: Backend) {
    let app = spawn_app(backend).await;

    let outcome = app
        .upsert_people(json!([
            person("dev", "Dee Dev", Some("lead")),
            person("lead", "Lee Lead", Some("boss")),
            person("boss", "Bea Boss", None),
        ]))
        .await;

    assert_eq!(outcome["created"], 3);
    assert_eq!(outcome["people"][0]["manager"]["externalId"], "lead");
    assert_eq!(outcome["people"][1]["manager"]["externalId"], "boss");
    assert_eq!(outcome["people"][2]["manager"], Value::Null);
    let (direct, all) = reports_at(&app, "boss", None).await;
    assert_eq!(direct, vec!["lead"]);
    assert_eq!(all, vec!["lead", "dev"]);
}

db_test!(duplicate_external_ids_are_rejected_and_nothing_is_written);
async fn duplicate_external_ids_are_rejected_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;

    let answer = try_upsert(
        &app,
        json!([
            person("ann", "Ann", None),
            person("bob", "Bob", Some("ann")),
            with(
                person("ann", "Ann Again", None),
                json!({ "email": "other@example.com" })
            ),
        ]),
    )
    .await;

    assert_rejected(&answer, &["input.people[2].externalId"]);
    assert_eq!(everyone(&app).await, Vec::<Value>::new());
}

db_test!(duplicate_emails_are_rejected_and_nothing_is_written);
async fn duplicate_emails_are_rejected_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([person("ann", "Ann", None)])).await;
    let before = everyone(&app).await;

    let answer = try_upsert(
        &app,
        json!([
            with(person("ann", "Ann", None), json!({ "title": "Boss" })),
            person("bob", "Bob", Some("ann")),
            // Emails compare case-insensitively.
            with(
                person("cat", "Cat", Some("ann")),
                json!({ "email": "BOB@example.com" })
            ),
        ]),
    )
    .await;

    assert_rejected(&answer, &["input.people[2].email"]);
    assert_eq!(
        everyone(&app).await,
        before,
        "neither the valid new row nor the title change was written"
    );
}

db_test!(an_unknown_manager_is_rejected_and_nothing_is_written);
async fn an_unknown_manager_is_rejected_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([person("ann", "Ann", None)])).await;
    let before = everyone(&app).await;

    let answer = try_upsert(
        &app,
        json!([
            person("bob", "Bob", Some("ann")),
            with(person("ann", "Ann", None), json!({ "title": "Boss" })),
            person("cat", "Cat", Some("nobody")),
        ]),
    )
    .await;

    assert_rejected(&answer, &["input.people[2].managerExternalId"]);
    assert_eq!(everyone(&app).await, before);
}

db_test!(being_ones_own_manager_is_rejected_and_nothing_is_written);
async fn being_ones_own_manager_is_rejected_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;

    let answer = try_upsert(
        &app,
        json!([
            person("ann", "Ann", None),
            person("bob", "Bob", Some("bob")),
        ]),
    )
    .await;

    assert_rejected(&answer, &["input.people[1].managerExternalId"]);
    assert_eq!(everyone(&app).await, Vec::<Value>::new());
}

db_test!(a_cycle_with_existing_lines_is_rejected_and_nothing_is_written);
async fn a_cycle_with_existing_lines_is_rejected_and_nothing_is_written(backend: Backend) {
    let app = spawn_app(backend).await;
    // ann reports to bob.
    app.upsert_people(json!([
        person("bob", "Bob", None),
        person("ann", "Ann", Some("bob"))
    ]))
    .await;
    let before = everyone(&app).await;

    let answer = try_upsert(
        &app,
        json!([
            person("cat", "Cat", None),
            with(
                person("bob", "Bob", Some("ann")),
                json!({ "title": "Boss" })
            ),
        ]),
    )
    .await;

    assert_rejected(&answer, &["input.people[1].managerExternalId"]);
    assert_eq!(
        everyone(&app).await,
        before,
        "cat was not created, bob kept his title and his place at the top"
    );
}

db_test!(a_cycle_within_one_batch_is_rejected);
async fn a_cycle_within_one_batch_is_rejected(backend: Backend) {
    let app = spawn_app(backend).await;

    let answer = try_upsert(
        &app,
        json!([
            person("top", "Top", None),
            person("ann", "Ann", Some("bob")),
            person("bob", "Bob", Some("cat")),
            person("cat", "Cat", Some("ann")),
        ]),
    )
    .await;

    answer.assert_error_code("BAD_USER_INPUT");
    let mut fields = problem_fields(&answer);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "input.people[1].managerExternalId",
            "input.people[2].managerExternalId",
            "input.people[3].managerExternalId",
        ],
        "{}",
        answer.body
    );
    assert_eq!(everyone(&app).await, Vec::<Value>::new());
}

db_test!(a_cycle_that_only_existed_in_the_past_is_rejected);
async fn a_cycle_that_only_existed_in_the_past_is_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    // ann reports to bob from 2020, then to cat from 2024.
    app.upsert_people(json!([
        hired("bob", "Bob", None),
        hired("cat", "Cat", None),
        hired("ann", "Ann", Some("bob")),
    ]))
    .await;
    app.upsert_people(json!([with(
        hired("ann", "Ann", Some("cat")),
        json!({ "effectiveFrom": "2024-01-01T00:00:00Z" })
    )]))
    .await;

    // bob reporting to ann from 2022 is no cycle today, but was one during 2022–2023.
    let overlapping = try_upsert(
        &app,
        json!([with(
            hired("bob", "Bob", Some("ann")),
            json!({ "effectiveFrom": "2022-01-01T00:00:00Z" })
        )]),
    )
    .await;
    // From 2024 on, when ann no longer reports to bob, it is fine.
    let after = app
        .upsert_people(json!([with(
            hired("bob", "Bob", Some("ann")),
            json!({ "effectiveFrom": "2024-01-01T00:00:00Z" })
        )]))
        .await;

    assert_rejected(&overlapping, &["input.people[0].managerExternalId"]);
    assert_eq!(after["updated"], 1);
    assert_eq!(manager_at(&app, "bob", "2023-06-01T00:00:00Z").await, None);
    assert_eq!(
        manager_at(&app, "bob", "2024-06-01T00:00:00Z")
            .await
            .as_deref(),
        Some("ann")
    );
    assert_eq!(
        manager_at(&app, "ann", "2023-06-01T00:00:00Z")
            .await
            .as_deref(),
        Some("bob")
    );
}

db_test!(a_manager_change_takes_effect_at_effective_from);
async fn a_manager_change_takes_effect_at_effective_from(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([
        hired("old", "Olga Old", None),
        hired("new", "Ned New", None),
        hired("ann", "Ann", Some("old")),
    ]))
    .await;

    let outcome = app
        .upsert_people(json!([with(
            hired("ann", "Ann", Some("new")),
            json!({ "effectiveFrom": "2024-03-01T00:00:00Z" })
        )]))
        .await;

    assert_eq!(outcome["updated"], 1, "a manager change is an update");
    let before = "2024-02-29T23:59:59Z";
    let at = "2024-03-01T00:00:00Z";
    assert_eq!(
        manager_at(&app, "ann", before).await.as_deref(),
        Some("old")
    );
    assert_eq!(manager_at(&app, "ann", at).await.as_deref(), Some("new"));
    assert_eq!(reports_at(&app, "old", Some(before)).await.0, vec!["ann"]);
    assert_eq!(
        reports_at(&app, "old", Some(at)).await.0,
        Vec::<String>::new()
    );
    assert_eq!(
        reports_at(&app, "new", Some(before)).await.0,
        Vec::<String>::new()
    );
    assert_eq!(reports_at(&app, "new", Some(at)).await.0, vec!["ann"]);
    assert_eq!(
        reports_at(&app, "old", None).await.0,
        Vec::<String>::new(),
        "the old line is closed"
    );
}

db_test!(a_back_dated_change_keeps_one_manager_at_a_time);
async fn a_back_dated_change_keeps_one_manager_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let managers = ["m1", "m2", "m3"];
    app.upsert_people(json!([
        hired("m1", "Mia One", None),
        hired("m2", "Max Two", None),
        hired("m3", "Meg Three", None),
        hired("ann", "Ann", Some("m1")),
    ]))
    .await;
    // m1 from 2020, m2 from 2024 …
    app.upsert_people(json!([with(
        hired("ann", "Ann", Some("m2")),
        json!({ "effectiveFrom": "2024-01-01T00:00:00Z" })
    )]))
    .await;

    // … then, back-dated before that later change: m3 from 2022.
    let outcome = app
        .upsert_people(json!([with(
            hired("ann", "Ann", Some("m3")),
            json!({ "effectiveFrom": "2022-01-01T00:00:00Z" })
        )]))
        .await;

    assert_eq!(outcome["updated"], 1);
    let expected = [
        ("2021-06-01T00:00:00Z", Some("m1")),
        ("2021-12-31T23:59:59Z", Some("m1")),
        ("2022-01-01T00:00:00Z", Some("m3")),
        ("2023-06-01T00:00:00Z", Some("m3")),
        ("2024-01-01T00:00:00Z", Some("m3")),
        ("2025-06-01T00:00:00Z", Some("m3")),
    ];
    for (at, manager) in expected {
        assert_eq!(
            manager_at(&app, "ann", at).await.as_deref(),
            manager,
            "at {at}"
        );
        let mut holders = Vec::new();
        for m in managers {
            if reports_at(&app, m, Some(at)).await.0 == vec!["ann"] {
                holders.push(m);
            }
        }
        assert_eq!(holders, manager.into_iter().collect::<Vec<_>>(), "at {at}");
    }
    assert_eq!(manager_at(&app, "ann", "2019-12-31T00:00:00Z").await, None);
}

db_test!(a_back_dated_change_inside_an_earlier_line_supersedes_later_history);
async fn a_back_dated_change_inside_an_earlier_line_supersedes_later_history(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([
        hired("m1", "Mia One", None),
        hired("m2", "Max Two", None),
        hired("ann", "Ann", Some("m1")),
    ]))
    .await;
    for (manager, from) in [
        ("m2", "2023-01-01T00:00:00Z"),
        ("m1", "2024-01-01T00:00:00Z"),
    ] {
        app.upsert_people(json!([with(
            hired("ann", "Ann", Some(manager)),
            json!({ "effectiveFrom": from })
        )]))
        .await;
    }

    // Back to m2 from mid-2022: the m2 and m1 lines after it give way.
    app.upsert_people(json!([with(
        hired("ann", "Ann", Some("m2")),
        json!({ "effectiveFrom": "2022-06-01T00:00:00Z" })
    )]))
    .await;

    for (at, manager) in [
        ("2021-01-01T00:00:00Z", "m1"),
        ("2022-06-01T00:00:00Z", "m2"),
        ("2023-06-01T00:00:00Z", "m2"),
        ("2024-06-01T00:00:00Z", "m2"),
    ] {
        assert_eq!(
            manager_at(&app, "ann", at).await.as_deref(),
            Some(manager),
            "at {at}"
        );
        let (m1, _) = reports_at(&app, "m1", Some(at)).await;
        let (m2, _) = reports_at(&app, "m2", Some(at)).await;
        assert_eq!(
            (m1.len() + m2.len(), m1.is_empty()),
            (1, manager == "m2"),
            "at {at}"
        );
    }
    assert_eq!(reports_at(&app, "m2", None).await.0, vec!["ann"]);
}

db_test!(a_person_whose_end_date_passed_drops_out_of_the_org_chart);
async fn a_person_whose_end_date_passed_drops_out_of_the_org_chart(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([
        hired("boss", "Bea Boss", None),
        hired("lead", "Lee Lead", Some("boss")),
        hired("gone", "Gil Gone", Some("lead")),
        hired("stay", "Sam Stay", Some("lead")),
    ]))
    .await;

    // The last day was 2025-06-30.
    app.upsert_people(json!([with(
        hired("gone", "Gil Gone", Some("lead")),
        json!({ "endDate": "2025-06-30" })
    )]))
    .await;

    assert_eq!(
        reports_at(&app, "lead", None).await,
        (vec!["stay".to_string()], vec!["stay".to_string()])
    );
    assert_eq!(reports_at(&app, "boss", None).await.1, vec!["lead", "stay"]);
    let last_day = Some("2025-06-30T23:59:59Z");
    assert_eq!(
        reports_at(&app, "lead", last_day).await.0,
        vec!["gone", "stay"]
    );
    assert_eq!(
        reports_at(&app, "boss", last_day).await.1,
        vec!["lead", "gone", "stay"]
    );
    assert_eq!(
        reports_at(&app, "lead", Some("2025-07-01T00:00:00Z"))
            .await
            .0,
        vec!["stay"],
        "the line ends at midnight after the last day"
    );
    assert_eq!(
        manager_at(&app, "gone", "2025-06-30T12:00:00Z")
            .await
            .as_deref(),
        Some("lead")
    );

    let lists = app
        .gql(
            Some(&app.admin_integration()),
            "{ active: people(filter: { active: true }) { totalCount nodes { externalId } }
               former: people(filter: { active: false }) { totalCount nodes { externalId } }
               all: people { totalCount } }",
            json!({}),
        )
        .await
        .ok();
    assert_eq!(lists.data("/active/totalCount"), 3);
    assert_eq!(
        lists.data("/active/nodes"),
        &json!([{ "externalId": "boss" }, { "externalId": "lead" }, { "externalId": "stay" }])
    );
    assert_eq!(lists.data("/former/totalCount"), 1);
    assert_eq!(
        lists.data("/former/nodes"),
        &json!([{ "externalId": "gone" }])
    );
    assert_eq!(lists.data("/all/totalCount"), 4);
}

db_test!(an_email_of_another_person_is_rejected);
async fn an_email_of_another_person_is_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([
        person("ann", "Ann", None),
        person("bob", "Bob", None)
    ]))
    .await;
    let before = everyone(&app).await;

    let answer = try_upsert(
        &app,
        json!([
            person("cat", "Cat", None),
            with(
                person("bob", "Bob", None),
                json!({ "email": "ann@example.com" })
            ),
        ]),
    )
    .await;

    assert_rejected(&answer, &["input.people[1].email"]);
    assert_eq!(everyone(&app).await, before);
}

db_test!(two_people_may_swap_emails_in_one_batch);
async fn two_people_may_swap_emails_in_one_batch(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([
        person("ann", "Ann", None),
        person("bob", "Bob", None)
    ]))
    .await;

    let outcome = app
        .upsert_people(json!([
            with(
                person("ann", "Ann", None),
                json!({ "email": "bob@example.com" })
            ),
            with(
                person("bob", "Bob", None),
                json!({ "email": "ann@example.com" })
            ),
        ]))
        .await;

    assert_eq!(outcome["updated"], 2);
    let people = everyone(&app).await;
    assert_eq!(people[0]["email"], "bob@example.com");
    assert_eq!(people[1]["email"], "ann@example.com");
}

db_test!(a_later_end_date_extends_the_reporting_line);
async fn a_later_end_date_extends_the_reporting_line(backend: Backend) {
    let app = spawn_app(backend).await;
    app.upsert_people(json!([
        hired("lead", "Lee Lead", None),
        with(
            hired("gone", "Gil Gone", Some("lead")),
            json!({ "endDate": "2025-06-30" })
        ),
        with(
            hired("back", "Bo Back", Some("lead")),
            json!({ "endDate": "2025-06-30" })
        ),
    ]))
    .await;

    // The HRIS corrects one last day to a later (still past) date, and the other to a day
    // still ahead.
    let outcome = app
        .upsert_people(json!([
            with(
                hired("gone", "Gil Gone", Some("lead")),
                json!({ "endDate": "2025-12-31" })
            ),
            with(
                hired("back", "Bo Back", Some("lead")),
                json!({ "endDate": "2030-12-31" })
            ),
        ]))
        .await;
    let again = app
        .upsert_people(json!([with(
            hired("gone", "Gil Gone", Some("lead")),
            json!({ "endDate": "2025-12-31" })
        )]))
        .await;

    assert_eq!(outcome["updated"], 2);
    assert_eq!(again["unchanged"], 1);
    for at in [
        "2025-06-30T12:00:00Z",
        "2025-09-01T00:00:00Z",
        "2025-12-31T23:59:59Z",
    ] {
        assert_eq!(
            reports_at(&app, "lead", Some(at)).await.0,
            vec!["back", "gone"],
            "both still employed at {at}"
        );
        assert_eq!(
            manager_at(&app, "gone", at).await.as_deref(),
            Some("lead"),
            "at {at}"
        );
    }
    assert_eq!(
        reports_at(&app, "lead", Some("2026-01-01T00:00:00Z"))
            .await
            .0,
        vec!["back"]
    );
    assert_eq!(reports_at(&app, "lead", None).await.0, vec!["back"]);
}

db_test!(concurrent_upserts_take_turns);
async fn concurrent_upserts_take_turns(backend: Backend) {
    let app = spawn_app(backend).await;
    let pairs = 20;
    let everyone: Vec<Value> = (0..pairs)
        .flat_map(|i| {
            [
                person(&format!("a{i}"), "Ann", None),
                person(&format!("b{i}"), "Bob", None),
            ]
        })
        .collect();
    app.upsert_people(Value::Array(everyone)).await;

    // Each pair at once: a reports to b, and b reports to a. Either may win; never both.
    let token = app.admin_integration();
    let requests = (0..pairs).flat_map(|i| {
        let (a, b) = (format!("a{i}"), format!("b{i}"));
        [
            json!([person(&a, "Ann", Some(&b))]),
            json!([person(&b, "Bob", Some(&a))]),
        ]
    });
    let answers = futures_util::future::join_all(
        requests.map(|rows| app.gql(Some(&token), UPSERT_PEOPLE, json!({ "people": rows }))),
    )
    .await;

    for (i, pair) in answers.chunks(2).enumerate() {
        let applied = pair
            .iter()
            .filter(|a| a.body.get("errors").is_none())
            .count();
        for answer in pair.iter().filter(|a| a.body.get("errors").is_some()) {
            assert_rejected(answer, &["input.people[0].managerExternalId"]);
        }
        assert_eq!(applied, 1, "pair {i}: {} / {}", pair[0].body, pair[1].body);
    }
}
