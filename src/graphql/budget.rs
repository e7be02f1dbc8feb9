//! The caller's rate-limit budget in GraphQL: `rateLimit { cost limit remaining resetAt }`,
//! as GitHub's API offers it. The HTTP layer (`http::rate_limit`) charges each request and
//! hands the outcome to the resolvers as request data ([`RateLimit`]).

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

/// The caller's rate-limit budget, charged in cost points (a scalar 0, an object 1, a
/// connection 2 + `first` × its children; at least 1 per request).
#[derive(Debug, Clone, SimpleObject)]
pub struct RateLimit {
    /// Points this request was charged.
    pub cost: i64,
    /// Points the budget holds when full.
    pub limit: i64,
    /// Points left after this request.
    pub remaining: i64,
    /// When the budget is full again.
    pub reset_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct RateLimitQuery;

#[Object]
impl RateLimitQuery {
    /// The caller's rate-limit budget after this request; null when rate limiting is off.
    async fn rate_limit(&self, ctx: &Context<'_>) -> Option<RateLimit> {
        ctx.data_opt::<RateLimit>().cloned()
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Request, Schema};
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn rate_limit_answers_from_the_request_data() {
        let schema = Schema::new(RateLimitQuery, EmptyMutation, EmptySubscription);
        let status = RateLimit {
            cost: 3,
            limit: 100,
            remaining: 97,
            reset_at: Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap(),
        };
        let query = "{ rateLimit { cost limit remaining resetAt } }";

        let charged = schema.execute(Request::new(query).data(status)).await;
        let off = schema.execute(Request::new(query)).await;

        assert_eq!(
            charged.data.into_json().unwrap(),
            json!({ "rateLimit": {
                "cost": 3, "limit": 100, "remaining": 97, "resetAt": "2030-01-02T03:04:05+00:00"
            } })
        );
        assert_eq!(off.data.into_json().unwrap(), json!({ "rateLimit": null }));
    }
}
