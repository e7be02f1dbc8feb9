//! `overdueOneOnOnes` pages through the whole subtree.

use serde_json::{Value, json};

use super::{AFTER, BEFORE, OVERDUE, fixture, overdue_pairs};
use crate::db_test;
use crate::support::{Backend, normalized};

db_test!(overdue_one_on_ones_page_through_the_whole_subtree);
async fn overdue_one_on_ones_page_through_the_whole_subtree(backend: Backend) {
    let company = fixture(backend).await;
    let page = |first: i64, after: Option<String>| {
        let company = &company;
        async move {
            company
                .gql(
                    "hr",
                    OVERDUE,
                    json!({ "id": company.id("ceo"), "at": BEFORE, "first": first, "after": after }),
                )
                .await
                .ok()
        }
    };

    let one = page(3, None).await;
    let cursor = one
        .data("/overdueOneOnOnes/pageInfo/endCursor")
        .as_str()
        .map(String::from);
    let two = page(3, cursor).await;
    let cursor = two
        .data("/overdueOneOnOnes/pageInfo/endCursor")
        .as_str()
        .map(String::from);
    let three = page(3, cursor).await;

    // Every required pair overdue before the reorg (see the report test), most overdue first.
    assert_eq!(one.data("/overdueOneOnOnes/totalCount"), 8);
    assert_eq!(
        overdue_pairs(&one),
        ["dirb→m4 531", "dirb→m3 27", "m3→r10 17"]
    );
    assert_eq!(one.data("/overdueOneOnOnes/pageInfo/hasNextPage"), true);
    assert_eq!(
        overdue_pairs(&two),
        ["dira→m2 15", "ceo→dirb 14", "m1→r2 6"]
    );
    assert_eq!(two.data("/overdueOneOnOnes/pageInfo/hasNextPage"), true);
    assert_eq!(overdue_pairs(&three), ["m2→r6 4", "m2→r7 0"]);
    assert_eq!(three.data("/overdueOneOnOnes/pageInfo/hasNextPage"), false);
    assert_eq!(three.data("/overdueOneOnOnes/totalCount"), 8);
    assert_eq!(
        normalized(one.data("/overdueOneOnOnes/nodes/0/lastHeldAt")),
        Value::Null
    );
    assert_eq!(
        normalized(one.data("/overdueOneOnOnes/nodes/1/lastHeldAt")),
        json!("2026-05-20T10:00:00Z")
    );

    // m1's own subtree after the reorg, read by m1; too large a page is refused.
    let mine = company
        .gql(
            "m1",
            OVERDUE,
            json!({ "id": company.id("m1"), "at": AFTER }),
        )
        .await
        .ok();
    assert_eq!(overdue_pairs(&mine), ["m1→r4 54", "m1→r2 29", "m1→r3 1"]);
    assert_eq!(mine.data("/overdueOneOnOnes/totalCount"), 3);
    company
        .gql(
            "m1",
            OVERDUE,
            json!({ "id": company.id("m1"), "at": AFTER, "first": 101 }),
        )
        .await
        .assert_error_code("BAD_USER_INPUT");
}
