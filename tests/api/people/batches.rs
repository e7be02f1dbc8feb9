//! What a batch does: counts of created, updated and unchanged people, resent rows changing
//! nothing, a manager later in the same batch, and concurrent upserts taking turns.

use serde_json::{Value, json};

use super::{assert_rejected, everyone, hired, manager_at, reports_at, with};
use crate::db_test;
use crate::support::{Backend, UPSERT_PEOPLE, person, spawn_app};

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
