//! Batches refused whole, writing nothing: duplicate externalIds or emails, an unknown
//! manager, being one's own manager, and cycles (with existing lines, within the batch, or
//! only in the past).

use serde_json::{Value, json};

use super::{assert_rejected, everyone, hired, manager_at, try_upsert, with};
use crate::db_test;
use crate::support::{Backend, person, problem_fields, spawn_app};

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
