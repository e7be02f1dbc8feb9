//! The org chart: hierarchy fields, `asOf`, paging, and flat statement counts.

use serde_json::{Value, json};

use crate::support::{TestApp, small_org};

mod hierarchy;
mod lookup;
mod paging;
mod statements;

/// `small_org()` with everyone employed since 2020-01-01, so that history reaches back.
fn dated_small_org() -> Value {
    let mut org = small_org();
    for row in org.as_array_mut().expect("rows") {
        row["startDate"] = json!("2020-01-01");
    }
    org
}

/// The externalIds of a list of people, or of a connection's `nodes`.
fn ids(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|p| p["externalId"].as_str().expect("externalId"))
        .collect()
}

/// The global ID of a person.
async fn id_of(app: &TestApp, external_id: &str) -> String {
    app.gql(
        Some(&app.admin_integration()),
        "query($x: String!) { personByExternalId(externalId: $x) { id } }",
        json!({ "x": external_id }),
    )
    .await
    .ok()
    .data("/personByExternalId/id")
    .as_str()
    .expect("id")
    .to_string()
}
