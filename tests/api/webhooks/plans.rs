//! The dispatcher's and the outbox's statements read indexes, never a whole table
//! (PostgreSQL's plans, with sequential scans priced out so that an unusable index shows).

use cadence::service::webhooks::dispatch;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait, Value};

use crate::support::{Backend, postgres_url, spawn_app};

/// `EXPLAIN` of `sql` bound to `values`, with sequential scans disabled, as one text.
async fn plan(db: &impl TransactionTrait, sql: &str, values: Vec<Value>) -> String {
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .unwrap();
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("EXPLAIN {sql}"),
            values,
        ))
        .await
        .unwrap();
    let text: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    text.join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_due_deliveries_and_the_subscriber_check_read_indexes() {
    if postgres_url().is_none() {
        eprintln!("skipped: CADENCE_TEST_POSTGRES_URL is not set");
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    // The dispatcher's own statements, as it runs them.
    let heads = plan(
        &app.db,
        &dispatch::heads_sql(),
        vec![chrono::Utc::now().into(), 32i64.into()],
    )
    .await;
    assert!(!heads.contains("Seq Scan on webhook_delivery"), "{heads}");
    assert!(heads.contains("idx_webhook_delivery_queue"), "{heads}");
    let queue = plan(
        &app.db,
        &dispatch::queue_sql(DbBackend::Postgres),
        vec![1i64.into(), 500i64.into()],
    )
    .await;
    assert!(!queue.contains("Seq Scan"), "{queue}");
    assert!(queue.contains("idx_webhook_delivery_queue"), "{queue}");
    let wanted = plan(
        &app.db,
        "SELECT DISTINCT event_type FROM webhook_subscription \
         WHERE event_type IN ('MEETING_CREATED')",
        vec![],
    )
    .await;
    assert!(!wanted.contains("Seq Scan"), "{wanted}");
}
