//! The dispatcher's and the outbox's statements read indexes, never a whole table
//! (PostgreSQL's plans, with sequential scans priced out so that an unusable index shows).

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

use crate::support::{Backend, postgres_url, spawn_app};

/// `EXPLAIN` of `sql` with sequential scans disabled, as one text.
async fn plan(db: &impl TransactionTrait, sql: &str) -> String {
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .unwrap();
    let rows = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("EXPLAIN {sql}"),
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
    let due = plan(
        &app.db,
        "SELECT d.id FROM webhook_delivery d \
         WHERE d.status = 'pending' AND d.next_attempt_at <= now() \
         AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.webhook_id = d.webhook_id \
                         AND e.status = 'pending' AND e.id < d.id) \
         ORDER BY d.next_attempt_at, d.id LIMIT 32 FOR UPDATE OF d SKIP LOCKED",
    )
    .await;
    assert!(!due.contains("Seq Scan"), "{due}");
    assert!(due.contains("idx_webhook_delivery_due"), "{due}");
    assert!(due.contains("idx_webhook_delivery_queue"), "{due}");
    let wanted = plan(
        &app.db,
        "SELECT DISTINCT event_type FROM webhook_subscription \
         WHERE event_type IN ('MEETING_CREATED')",
    )
    .await;
    assert!(!wanted.contains("Seq Scan"), "{wanted}");
}
