//! Emails stay unique: another person's email is refused, two people may swap theirs in one
//! batch.

use serde_json::json;

use super::{assert_rejected, everyone, try_upsert, with};
use crate::db_test;
use crate::support::{Backend, person, spawn_app};

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
