//! `cadence import people FILE` and `importPeopleCsv`: the sample HRIS export, re-imports
//! that change nothing, effective-dated manager changes, every kind of problem at its line
//! and column, real-file quirks, mapping files, dry runs, and who may import.

use entity::{person, reporting_line, team};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, Ran, TestApp, cadence, spawn_app};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/sample-hris.csv"
);
const HEADER: &str = "Employee ID,First Name,Last Name,Work Email,Job Title,Department,Manager ID,Hire Date,Termination Date";

/// Runs `cadence import people FILE ARGS` on `csv` written to a file (and `mapping`, when
/// given, to another, passed as `--mapping`).
async fn import(app: &TestApp, csv: &[u8], mapping: Option<&str>, args: &[&str]) -> Ran {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("people.csv");
    std::fs::write(&file, csv).expect("write csv");
    let file = file.display().to_string();
    let mut all = vec!["import", "people", file.as_str()];
    let mapping_file = dir.path().join("mapping.toml").display().to_string();
    if let Some(text) = mapping {
        std::fs::write(&mapping_file, text).expect("write mapping");
        all.extend(["--mapping", mapping_file.as_str()]);
    }
    all.extend(args);
    cadence(app, &all, None).await
}

async fn import_sample(app: &TestApp, args: &[&str]) -> Ran {
    let csv = std::fs::read(SAMPLE).expect("the sample HRIS export");
    import(app, &csv, None, args).await
}

/// Everything an import may write, as stored (timestamps included).
async fn snapshot(app: &TestApp) -> String {
    let people = person::Entity::find()
        .order_by_asc(person::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let teams = team::Entity::find()
        .order_by_asc(team::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let lines = reporting_line::Entity::find()
        .order_by_asc(reporting_line::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    format!("{people:?}\n{teams:?}\n{lines:?}")
}

async fn people_count(app: &TestApp) -> usize {
    person::Entity::find().all(&app.db).await.unwrap().len()
}

/// A person as the API shows them, with their manager at `at`.
async fn person_at(app: &TestApp, external_id: &str, at: &str) -> Value {
    let answer = app
        .gql(
            Some(&app.admin_integration()),
            "query($id: String!, $at: DateTime) {
               personByExternalId(externalId: $id) {
                 name email title startDate endDate team { name externalId }
                 manager(asOf: $at) { externalId }
               }
             }",
            json!({ "id": external_id, "at": at }),
        )
        .await
        .ok();
    answer.data("/personByExternalId").clone()
}

async fn manager_at(app: &TestApp, external_id: &str, at: &str) -> Option<String> {
    person_at(app, external_id, at).await["manager"]["externalId"]
        .as_str()
        .map(String::from)
}

/// The problems of a failed `--json` import as `(line, column)`, having checked that it
/// exited 2 and printed only them.
fn problems(ran: &Ran) -> Vec<(u64, Option<String>)> {
    assert_eq!(ran.status, 2, "{ran:?}");
    ran.json()["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems: {ran:?}"))
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().expect("line"),
                p["column"].as_str().map(String::from),
            )
        })
        .collect()
}

fn at(line: u64, column: &str) -> (u64, Option<String>) {
    (line, Some(column.to_string()))
}

db_test!(the_sample_export_imports_and_a_reimport_changes_nothing);
async fn the_sample_export_imports_and_a_reimport_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;

    let first = import_sample(&app, &["--json"]).await.ok();
    let stored = snapshot(&app).await;
    let again = import_sample(&app, &["--json"]).await.ok();

    assert_eq!(
        first.json(),
        json!({"people": {"created": 60, "updated": 0, "unchanged": 0},
               "teams": {"created": 4, "updated": 0, "unchanged": 0}, "dryRun": false})
    );
    assert_eq!(
        again.json(),
        json!({"people": {"created": 0, "updated": 0, "unchanged": 60},
               "teams": {"created": 0, "updated": 0, "unchanged": 4}, "dryRun": false})
    );
    assert_eq!(
        snapshot(&app).await,
        stored,
        "a re-import writes nothing: no row, no updated_at changes"
    );
    let umar = person_at(&app, "E0002", "2026-01-01T00:00:00Z").await;
    assert_eq!(umar["name"], "Umar Brown");
    assert_eq!(umar["email"], "umar.brown@example.com");
    assert_eq!(umar["title"], "VP");
    assert_eq!(umar["startDate"], "2019-05-01");
    assert_eq!(
        umar["team"],
        json!({"name": "Engineering", "externalId": "Engineering"})
    );
    assert_eq!(umar["manager"]["externalId"], "E0001");
}

db_test!(hire_and_termination_dates_bound_the_reporting_line);
async fn hire_and_termination_dates_bound_the_reporting_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let csv = format!(
        "{HEADER}\nB1,Bea,Boss,bea@example.com,CEO,Exec,,2020-01-01,\n\
         T1,Tom,Temp,tom@example.com,Intern,Exec,B1,2021-03-01,2024-12-31\n"
    );

    import(&app, csv.as_bytes(), None, &["--json"]).await.ok();

    assert_eq!(manager_at(&app, "T1", "2021-02-28T12:00:00Z").await, None);
    assert_eq!(
        manager_at(&app, "T1", "2021-03-01T12:00:00Z")
            .await
            .as_deref(),
        Some("B1")
    );
    assert_eq!(
        manager_at(&app, "T1", "2024-12-31T12:00:00Z")
            .await
            .as_deref(),
        Some("B1")
    );
    assert_eq!(manager_at(&app, "T1", "2025-01-01T12:00:00Z").await, None);
    assert_eq!(
        person_at(&app, "T1", "2024-01-01T00:00:00Z").await["endDate"],
        "2024-12-31"
    );
}

db_test!(a_changed_manager_moves_the_reporting_line_at_the_effective_date);
async fn a_changed_manager_moves_the_reporting_line_at_the_effective_date(backend: Backend) {
    let app = spawn_app(backend).await;
    let people = |pat_manager: &str| {
        format!(
            "{HEADER}\nB1,Bea,Boss,bea@example.com,CEO,Exec,,2020-01-01,\n\
             B2,Ben,Boss,ben@example.com,CTO,Exec,B1,2020-01-01,\n\
             P1,Pat,Person,pat@example.com,Engineer,Eng,{pat_manager},2021-03-01,\n"
        )
    };
    import(&app, people("B1").as_bytes(), None, &["--json"])
        .await
        .ok();

    let moved = import(
        &app,
        people("B2").as_bytes(),
        None,
        &["--json", "--effective", "2025-06-01"],
    )
    .await
    .ok();

    assert_eq!(
        moved.json()["people"],
        json!({"created": 0, "updated": 1, "unchanged": 2})
    );
    assert_eq!(
        manager_at(&app, "P1", "2025-05-31T23:59:00Z")
            .await
            .as_deref(),
        Some("B1"),
        "the old line runs up to the effective date"
    );
    assert_eq!(
        manager_at(&app, "P1", "2025-06-01T00:00:00Z")
            .await
            .as_deref(),
        Some("B2"),
        "the new line starts at it"
    );
    assert_eq!(
        manager_at(&app, "P1", "2021-06-01T00:00:00Z")
            .await
            .as_deref(),
        Some("B1"),
        "history before it stays"
    );
}

db_test!(every_problem_in_a_file_is_reported_at_its_line_and_column);
async fn every_problem_in_a_file_is_reported_at_its_line_and_column(backend: Backend) {
    let app = spawn_app(backend).await;
    // The quoted title spans lines 2 and 3: from then on lines and records differ.
    let csv = format!(
        "{HEADER}\n\
         A1,Ann,One,ann@example.com,\"Head of\nthings\",Eng,,2020-01-01,\n\
         A2,Bo,Two,bo@example.com,,Eng,A1,2020-13-45,\n\
         ,Cy,Three,cy@example.com,,Eng,A1,,\n\
         A4,Di,Four,,,Eng,A1,,\n\
         A5,Ed,Five,not-an-email,,Eng,A1,,\n\
         A2,Fi,Six,fi@example.com,,Eng,A1,,\n\
         A7,Gu,Seven,ANN@example.com,,Eng,A1,,\n\
         A8,Ha,Eight,ha@example.com,,Eng,NOPE,,\n\
         A9,Io,Nine,io@example.com,,Eng,A10,,\n\
         A10,Jo,Ten,jo@example.com,,Eng,A9,,\n"
    );

    let ran = import(&app, csv.as_bytes(), None, &["--json"]).await;

    assert_eq!(
        problems(&ran),
        vec![
            at(4, "Hire Date"),
            at(5, "Employee ID"),
            at(6, "Work Email"),
            at(7, "Work Email"),
            at(8, "Employee ID"),
            at(9, "Work Email"),
            at(10, "Manager ID"),
            at(11, "Manager ID"),
            at(12, "Manager ID"),
        ]
    );
    let messages: Vec<String> = ran.json()["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect();
    assert!(messages[0].contains("2020-13-45"), "{messages:?}");
    assert!(messages[4].contains("already on line 4"), "{messages:?}");
    assert!(messages[5].contains("already on line 2"), "{messages:?}");
    assert!(messages[6].contains("NOPE"), "{messages:?}");
    assert!(messages[7].contains("cycle"), "{messages:?}");
    assert_eq!(people_count(&app).await, 0, "a bad file writes nothing");
    assert!(snapshot(&app).await.ends_with("[]\n[]\n[]"));
}

db_test!(a_missing_required_column_is_named_on_line_one);
async fn a_missing_required_column_is_named_on_line_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let csv = "Employee ID,First Name,Last Name,Email\nE1,Ann,One,ann@example.com\n";

    let ran = import(&app, csv.as_bytes(), None, &["--json"]).await;

    assert_eq!(problems(&ran), vec![at(1, "Work Email")]);
    assert_eq!(people_count(&app).await, 0);
}

db_test!(problems_the_org_finds_are_reported_at_the_rows_line);
async fn problems_the_org_finds_are_reported_at_the_rows_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let org = format!(
        "{HEADER}\nX1,Xa,One,xa@example.com,,Ops,,2020-01-01,\n\
         X2,Xb,Two,xb@example.com,,Ops,X1,2020-01-01,\n"
    );
    import(&app, org.as_bytes(), None, &["--json"]).await.ok();
    let stored = snapshot(&app).await;
    // Clean files on their own: the unknown manager and the cycle (through X2, stored and
    // not in the file) show only against the org.
    let unknown = format!("{HEADER}\n\n\"Y1\",Yo,One,yo@example.com,,Ops,ZZZ,,\n");
    let cycle = format!("{HEADER}\nX1,Xa,One,xa@example.com,,Ops,X2,2020-01-01,\n");
    let taken = format!("{HEADER}\nX9,Xi,Nine,XB@example.com,,Ops,,,\n");

    let unknown = import(&app, unknown.as_bytes(), None, &["--json"]).await;
    let cycle = import(&app, cycle.as_bytes(), None, &["--json"]).await;
    let taken = import(&app, taken.as_bytes(), None, &["--json"]).await;

    assert_eq!(problems(&unknown), vec![at(3, "Manager ID")]);
    assert_eq!(problems(&cycle), vec![at(2, "Manager ID")]);
    assert!(
        cycle.json()["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cycle"),
        "{cycle:?}"
    );
    assert_eq!(problems(&taken), vec![at(2, "Work Email")]);
    assert_eq!(snapshot(&app).await, stored, "bad files write nothing");
}

db_test!(real_file_quirks_are_read);
async fn real_file_quirks_are_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let rows = [
        "\u{feff}Employee ID,First Name,Last Name,Work Email,Job Title,Department,Manager ID,Hire Date,Termination Date",
        "Q1,Zoë,Ångström,Zoe.Angstrom@Example.com,\"Head of \"\"R&D\"\", Europe\nand beyond\",Forschung & Entwicklung,,2020-01-01,",
        "Q2,Łukasz,Żółć,lukasz@example.com,,Forschung & Entwicklung,Q1,2021-01-01,",
    ];
    let good = format!("{}\r\n\r\n\r\n", rows.join("\r\n"));
    let bad = format!(
        "{}\r\nQ3,Bad,Date,bad@example.com,,,Q1,2021-02-30,\r\n\r\n",
        rows.join("\r\n")
    );

    let failed = import(&app, bad.as_bytes(), None, &["--json"]).await;
    let ran = import(&app, good.as_bytes(), None, &["--json"]).await.ok();

    assert_eq!(
        problems(&failed),
        vec![at(5, "Hire Date")],
        "CRLF and a quoted newline count as the lines they are"
    );
    assert_eq!(
        ran.json()["people"],
        json!({"created": 2, "updated": 0, "unchanged": 0})
    );
    let zoe = person_at(&app, "Q1", "2022-01-01T00:00:00Z").await;
    assert_eq!(zoe["name"], "Zoë Ångström");
    assert_eq!(zoe["email"], "zoe.angstrom@example.com");
    assert_eq!(zoe["title"], "Head of \"R&D\", Europe\nand beyond");
    assert_eq!(zoe["team"]["name"], "Forschung & Entwicklung");
    assert_eq!(
        manager_at(&app, "Q2", "2022-01-01T00:00:00Z")
            .await
            .as_deref(),
        Some("Q1")
    );
}

db_test!(a_mapping_file_reads_other_headers_dates_and_delimiters);
async fn a_mapping_file_reads_other_headers_dates_and_delimiters(backend: Backend) {
    let app = spawn_app(backend).await;
    let mapping = r#"
delimiter = ";"
date_format = "%m/%d/%Y"

[columns]
employee_id = "Personnel No"
first_name = "Given Name"
last_name = "Surname"
work_email = "E-mail"
job_title = "Position"
department = "Org Unit"
manager_id = "Supervisor"
hire_date = "Entry Date"
termination_date = "Exit Date"
"#;
    let csv = "Personnel No;Given Name;Surname;E-mail;Position;Org Unit;Supervisor;Entry Date;Exit Date\n\
               M1;Mia;Mapped;mia@example.com;Lead;Ops;;03/15/2021;\n\
               M2;Max;Mapped;max@example.com;Dev;Ops;M1;12/01/2022;06/30/2024\n\
               M3;Moe;Mapped;moe@example.com;Dev;Ops;M1;2022-12-01;\n";

    let failed = import(&app, csv.as_bytes(), Some(mapping), &["--json"]).await;
    let fixed = csv.replace("2022-12-01", "12/01/2022");
    let ran = import(&app, fixed.as_bytes(), Some(mapping), &["--json"])
        .await
        .ok();

    assert_eq!(problems(&failed), vec![at(4, "Entry Date")]);
    assert_eq!(
        ran.json()["people"],
        json!({"created": 3, "updated": 0, "unchanged": 0})
    );
    let max = person_at(&app, "M2", "2023-01-01T00:00:00Z").await;
    assert_eq!(max["startDate"], "2022-12-01");
    assert_eq!(max["endDate"], "2024-06-30");
    assert_eq!(max["title"], "Dev");
    assert_eq!(max["team"]["externalId"], "Ops");
    assert_eq!(max["manager"]["externalId"], "M1");
}

db_test!(a_dry_run_counts_and_writes_nothing);
async fn a_dry_run_counts_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;

    let dry = import_sample(&app, &["--json", "--dry-run"]).await.ok();
    let human = import_sample(&app, &["--dry-run"]).await.ok();

    assert_eq!(
        dry.json(),
        json!({"people": {"created": 60, "updated": 0, "unchanged": 0},
               "teams": {"created": 4, "updated": 0, "unchanged": 0}, "dryRun": true})
    );
    assert!(
        human.stdout.contains("60 created") && human.stdout.contains("nothing written"),
        "{human:?}"
    );
    assert_eq!(
        human.stdout.trim().lines().count(),
        1,
        "one line: {human:?}"
    );
    assert!(
        snapshot(&app).await.ends_with("[]\n[]\n[]"),
        "nothing written"
    );
}

db_test!(without_json_problems_go_to_stderr);
async fn without_json_problems_go_to_stderr(backend: Backend) {
    let app = spawn_app(backend).await;
    let csv = format!("{HEADER}\nE1,Ann,One,ann@example.com,,,,2020-02-30,\n");

    let ran = import(&app, csv.as_bytes(), None, &[]).await;

    assert_eq!(ran.status, 2, "{ran:?}");
    assert!(ran.stdout.is_empty(), "{ran:?}");
    assert!(
        ran.stderr.contains(":2: Hire Date: ") && ran.stderr.contains("nothing was imported"),
        "{}",
        ran.stderr
    );
}

const IMPORT_CSV: &str = "mutation($csv: String!, $mapping: String, $dry: Boolean, $at: DateTime) {
  importPeopleCsv(input: { csv: $csv, mapping: $mapping, dryRun: $dry, effectiveAt: $at }) {
    people { created updated unchanged } teams { created updated unchanged } dryRun
  }
}";

db_test!(the_mutation_imports_for_hr_admins_and_org_writers_only);
async fn the_mutation_imports_for_hr_admins_and_org_writers_only(backend: Backend) {
    let app = spawn_app(backend).await;
    import_sample(&app, &["--json"]).await.ok();
    let stored = snapshot(&app).await;
    let csv = format!("{HEADER}\nN1,Nia,New,nia@example.com,,Sales,E0001,2024-01-01,\n");
    let vars = |dry: bool| json!({ "csv": csv, "dry": dry });
    let refused = [
        app.person_token("E0010"),
        app.integration_token("org:read"),
        app.integration_token("meetings:read meetings:write"),
    ];

    for token in &refused {
        app.gql(Some(token), IMPORT_CSV, vars(false))
            .await
            .assert_error_code("FORBIDDEN");
    }
    assert_eq!(
        snapshot(&app).await,
        stored,
        "a refused import writes nothing"
    );
    let dry = app
        .gql(Some(&app.hr_admin_token("E0001")), IMPORT_CSV, vars(true))
        .await
        .ok();
    assert_eq!(snapshot(&app).await, stored, "a dry run writes nothing");
    let done = app
        .gql(
            Some(&app.integration_token("org:write")),
            IMPORT_CSV,
            vars(false),
        )
        .await
        .ok();

    let expected = |dry: bool| {
        json!({"people": {"created": 1, "updated": 0, "unchanged": 0},
               "teams": {"created": 1, "updated": 0, "unchanged": 0}, "dryRun": dry})
    };
    assert_eq!(dry.data("/importPeopleCsv"), &expected(true));
    assert_eq!(done.data("/importPeopleCsv"), &expected(false));
    assert_eq!(
        manager_at(&app, "N1", "2024-06-01T00:00:00Z")
            .await
            .as_deref(),
        Some("E0001")
    );
}

db_test!(the_mutation_reports_problems_as_bad_user_input);
async fn the_mutation_reports_problems_as_bad_user_input(backend: Backend) {
    let app = spawn_app(backend).await;
    let csv = format!("{HEADER}\nN1,Nia,New,nia@example.com,,Sales,NOPE,2024-01-01,\n");

    let bad = app
        .gql(
            Some(&app.admin_integration()),
            IMPORT_CSV,
            json!({ "csv": csv }),
        )
        .await;
    let bad_mapping = app
        .gql(
            Some(&app.admin_integration()),
            IMPORT_CSV,
            json!({ "csv": csv, "mapping": "delimiter = \"|\"" }),
        )
        .await;

    bad.assert_error_code("BAD_USER_INPUT");
    assert_eq!(
        bad.body.pointer("/errors/0/extensions/problems"),
        Some(&json!([{"line": 2, "column": "Manager ID",
                      "message": "no person has Employee ID NOPE"}]))
    );
    bad_mapping.assert_error_code("BAD_USER_INPUT");
    assert_eq!(
        bad_mapping
            .body
            .pointer("/errors/0/extensions/problems/0/line"),
        Some(&json!(1))
    );
    assert_eq!(people_count(&app).await, 0);
}
