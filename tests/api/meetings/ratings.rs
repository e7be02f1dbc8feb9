//! `rateMeeting`: one to five, held meetings only, and a rater's later rating replaces the
//! earlier one.

use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Backend, Org, assert_bad_input, at, in_days};

const RATE: &str = "mutation($id: ID!, $rating: Int!) {
  rateMeeting(input: { meetingId: $id, rating: $rating, comment: \"ok\" }) {
    meeting { id myRating averageRating }
  }
}";

db_test!(ratings_must_be_one_to_five_on_held_meetings);
async fn ratings_must_be_one_to_five_on_held_meetings(backend: Backend) {
    let org = Org::spawn(backend).await;
    let held = org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;
    let scheduled = org.meet("em1", "dev1", &in_days(7), "SCHEDULED").await;

    let zero = org
        .gql("dev1", RATE, json!({ "id": held, "rating": 0 }))
        .await;
    let six = org
        .gql("dev1", RATE, json!({ "id": held, "rating": 6 }))
        .await;
    let not_held = org
        .gql("dev1", RATE, json!({ "id": scheduled, "rating": 4 }))
        .await;

    assert_bad_input(&zero, "input.rating");
    assert_bad_input(&six, "input.rating");
    not_held.assert_error_code("BAD_USER_INPUT");
    let mine = org
        .gql(
            "dev1",
            "query($a: ID!, $b: ID!) { a: meeting(id: $a) { myRating } b: meeting(id: $b) { myRating } }",
            json!({ "a": held, "b": scheduled }),
        )
        .await
        .ok();
    assert_eq!(mine.data("/a/myRating"), &Value::Null, "nothing was stored");
    assert_eq!(mine.data("/b/myRating"), &Value::Null, "nothing was stored");
}

db_test!(rating_again_replaces_the_raters_earlier_rating);
async fn rating_again_replaces_the_raters_earlier_rating(backend: Backend) {
    let org = Org::spawn(backend).await;
    let held = org.meet("em1", "dev1", &at("2024-03-04"), "HELD").await;

    org.gql("dev1", RATE, json!({ "id": held, "rating": 2 }))
        .await
        .ok();
    let again = org
        .gql("dev1", RATE, json!({ "id": held, "rating": 5 }))
        .await
        .ok();
    let by_em1 = org
        .gql("em1", RATE, json!({ "id": held, "rating": 3 }))
        .await
        .ok();

    assert_eq!(again.data("/rateMeeting/meeting/myRating"), 5);
    assert_eq!(by_em1.data("/rateMeeting/meeting/myRating"), 3);
    // Two participants can never reach the three ratings an average needs.
    assert_eq!(
        by_em1.data("/rateMeeting/meeting/averageRating"),
        &Value::Null
    );
    let query = "query($id: ID!) { meeting(id: $id) { myRating averageRating } }";
    for (who, rating) in [
        ("dev1", json!(5)),
        ("em1", json!(3)),
        ("cto", Value::Null),
        ("hr", Value::Null),
    ] {
        let answer = org.gql(who, query, json!({ "id": held })).await.ok();
        assert_eq!(answer.data("/meeting/myRating"), &rating, "{who}");
        assert_eq!(answer.data("/meeting/averageRating"), &Value::Null, "{who}");
    }
}
