//! The `cadence` command's shared behaviour: how DATE options read.

use crate::support::{Backend, cadence, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_option_that_is_neither_a_day_nor_an_instant_is_refused_by_name() {
    let app = spawn_app(Backend::Sqlite).await;
    let ran = cadence(
        &app,
        &[
            "export",
            "meetings",
            "--from",
            "01/05/2026",
            "--to",
            "2026-02-01",
        ],
        None,
    )
    .await;
    assert_eq!(ran.status, 2, "clap's usage error: {ran:?}");
    assert!(
        ran.stderr.contains("--from") && ran.stderr.contains("neither a date (YYYY-MM-DD)"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_and_export_commands_describe_themselves() {
    let app = spawn_app(Backend::Sqlite).await;
    let import = cadence(&app, &["import", "--help"], None).await.ok();
    assert!(import.stdout.contains("people") && import.stdout.contains("calendar"));
    let export = cadence(&app, &["export", "--help"], None).await.ok();
    assert!(export.stdout.contains("meetings") && export.stdout.contains("coverage"));
}
