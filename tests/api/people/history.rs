//! Effective-dated reporting lines: a manager change takes effect at `effectiveFrom`,
//! back-dated changes keep one manager at a time, and an end date ends (or, later, extends)
//! the line.

use serde_json::json;

use super::{hired, manager_at, reports_at, with};
use crate::db_test;
use crate::support::{Backend, spawn_app};

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
