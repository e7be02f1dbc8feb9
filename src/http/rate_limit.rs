//! Per-client cost budgets: a token bucket per client, refilled continuously at a fixed
//! rate up to its capacity and charged each request's computed cost up front (at least 1
//! point), as Shopify and GitHub meter their GraphQL APIs.
//!
//! A client is the `sub` of a valid token, else the IP address the connection comes from
//! (forwarded-for headers are not trusted: a client could pick its own bucket with them).
//!
//! The buckets live in this process's memory: each instance behind a load balancer keeps
//! its own, so a client's effective budget grows with the number of instances it reaches.
//! Full buckets are forgotten (a missing bucket is a full one), which keeps the map's size
//! bounded by the clients active within one refill period.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use serde_json::{Value, json};

use crate::graphql::budget::RateLimit;

/// A request's charge against its client's budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimitStatus {
    /// Points this request was charged (its cost, at least 1).
    pub cost: u64,
    /// The budget's capacity.
    pub limit: u64,
    /// Points left after this request.
    pub remaining: u64,
    /// When the budget is full again at the current refill rate.
    pub reset_at: DateTime<Utc>,
}

impl RateLimitStatus {
    /// The `extensions.rateLimit` object of a response.
    pub fn to_extension(&self) -> Value {
        json!({
            "cost": self.cost,
            "limit": self.limit,
            "remaining": self.remaining,
            "resetAt": self.reset_at.to_rfc3339(),
        })
    }
}

/// Whose budget a request is charged to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// A valid token's `sub`.
    Subject(String),
    /// An anonymous client's IP address.
    Address(IpAddr),
    /// An anonymous client whose address is unknown; they share one budget.
    Unknown,
}

impl RateKey {
    /// The key of a request: its token's `sub`, else the address it comes from.
    pub fn of(subject: Option<&str>, peer: Option<std::net::SocketAddr>) -> RateKey {
        match (subject, peer) {
            (Some(sub), _) => RateKey::Subject(sub.to_string()),
            (None, Some(addr)) => RateKey::Address(addr.ip()),
            (None, None) => RateKey::Unknown,
        }
    }
}

/// The outcome of charging a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Charge {
    Allowed(RateLimitStatus),
    /// Not enough budget left; nothing was charged. `retry_after` is `None` when the cost
    /// exceeds the whole capacity (it will never fit).
    Limited {
        status: RateLimitStatus,
        retry_after: Option<Duration>,
    },
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: f64,
    at: Instant,
}

struct Buckets {
    map: HashMap<RateKey, Bucket>,
    /// Sweep full buckets out when the map grows past this size.
    sweep_at: usize,
}

const MIN_SWEEP: usize = 1024;

/// The in-process rate limiter.
pub struct RateLimiter {
    capacity: u64,
    refill_per_second: u64,
    buckets: Mutex<Buckets>,
}

impl RateLimiter {
    /// A limiter with buckets of `capacity` points refilled at `refill_per_second`;
    /// capacity 0 turns rate limiting off.
    pub fn new(capacity: u64, refill_per_second: u64) -> Self {
        Self {
            capacity,
            refill_per_second: refill_per_second.max(1),
            buckets: Mutex::new(Buckets {
                map: HashMap::new(),
                sweep_at: MIN_SWEEP,
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Charges `cost` points (at least 1) to `key`'s budget; `None` when rate limiting is
    /// off. `now` drives the refill, `wall_now` dates `resetAt`.
    pub fn charge(
        &self,
        key: &RateKey,
        cost: u64,
        now: Instant,
        wall_now: DateTime<Utc>,
    ) -> Option<Charge> {
        if !self.enabled() {
            return None;
        }
        let cost = cost.max(1);
        let capacity = self.capacity as f64;
        let rate = self.refill_per_second as f64;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let level = buckets.map.get(key).map_or(capacity, |bucket| {
            let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
            (bucket.level + elapsed * rate).min(capacity)
        });
        let status = |level: f64| RateLimitStatus {
            cost,
            limit: self.capacity,
            remaining: level.max(0.0).floor() as u64,
            reset_at: wall_now + seconds((capacity - level) / rate),
        };
        let charge = if level >= cost as f64 {
            let level = level - cost as f64;
            buckets.map.insert(key.clone(), Bucket { level, at: now });
            Charge::Allowed(status(level))
        } else {
            buckets.map.insert(key.clone(), Bucket { level, at: now });
            let retry_after = (cost <= self.capacity).then(|| {
                seconds((cost as f64 - level) / rate)
                    .to_std()
                    .unwrap_or_default()
            });
            Charge::Limited {
                status: status(level),
                retry_after,
            }
        };
        if buckets.map.len() > buckets.sweep_at {
            buckets.map.retain(|_, bucket| {
                let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
                bucket.level + elapsed * rate < capacity
            });
            buckets.sweep_at = (buckets.map.len() * 2).max(MIN_SWEEP);
        }
        Some(charge)
    }
}

/// Whole seconds, rounded up.
impl RateLimitStatus {
    /// The `rateLimit` object the GraphQL schema answers with.
    pub fn to_graphql(self) -> RateLimit {
        let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        RateLimit {
            cost: int(self.cost),
            limit: int(self.limit),
            remaining: int(self.remaining),
            reset_at: self.reset_at,
        }
    }
}

impl RateLimiter {
    /// Charges a request now; `Ok(None)`: rate limiting is off.
    pub fn charge_now(&self, key: &RateKey, cost: u64) -> Result<Option<RateLimitStatus>, Limited> {
        match self.charge(key, cost, Instant::now(), Utc::now()) {
            None => Ok(None),
            Some(Charge::Allowed(status)) => Ok(Some(status)),
            Some(Charge::Limited {
                status,
                retry_after,
            }) => Err(Limited {
                status,
                retry_after,
            }),
        }
    }
}

/// A request its budget does not cover.
pub struct Limited {
    pub status: RateLimitStatus,
    /// When the request would fit; `None` when its cost exceeds the whole capacity.
    pub retry_after: Option<Duration>,
}

fn seconds(secs: f64) -> chrono::Duration {
    chrono::Duration::seconds(secs.max(0.0).ceil().min(i64::MAX as f64 / 1000.0) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sub: &str) -> RateKey {
        RateKey::Subject(sub.into())
    }

    fn allowed(charge: Option<Charge>) -> RateLimitStatus {
        match charge {
            Some(Charge::Allowed(status)) => status,
            other => panic!("expected Allowed, got {other:?}"),
        }
    }

    #[test]
    fn a_budget_is_charged_up_front_and_refills_over_time() {
        let limiter = RateLimiter::new(10, 2);
        let t0 = Instant::now();
        let wall = Utc::now();

        let first = allowed(limiter.charge(&key("a"), 6, t0, wall));
        let refused = limiter.charge(&key("a"), 6, t0, wall);
        let other_client = allowed(limiter.charge(&key("b"), 6, t0, wall));
        let later = allowed(limiter.charge(&key("a"), 6, t0 + Duration::from_secs(1), wall));

        assert_eq!((first.cost, first.remaining, first.limit), (6, 4, 10));
        assert_eq!(first.reset_at, wall + chrono::Duration::seconds(3));
        match refused {
            Some(Charge::Limited {
                status,
                retry_after,
            }) => {
                assert_eq!(status.remaining, 4);
                assert_eq!(retry_after, Some(Duration::from_secs(1)));
            }
            other => panic!("expected Limited, got {other:?}"),
        }
        assert_eq!(other_client.remaining, 4);
        assert_eq!(later.remaining, 0, "4 + 2 refilled - 6");
    }

    #[test]
    fn every_request_costs_at_least_one_and_off_means_off() {
        let limiter = RateLimiter::new(2, 1);
        let now = Instant::now();
        let wall = Utc::now();

        assert_eq!(
            allowed(limiter.charge(&key("a"), 0, now, wall)).remaining,
            1
        );
        assert_eq!(
            allowed(limiter.charge(&key("a"), 0, now, wall)).remaining,
            0
        );
        assert!(matches!(
            limiter.charge(&key("a"), 0, now, wall),
            Some(Charge::Limited { .. })
        ));
        assert!(matches!(
            limiter.charge(&key("b"), 3, now, wall),
            Some(Charge::Limited {
                retry_after: None,
                ..
            })
        ));
        assert_eq!(RateLimiter::new(0, 1).charge(&key("a"), 5, now, wall), None);
    }

    #[test]
    fn full_buckets_are_forgotten() {
        let limiter = RateLimiter::new(10, 1000);
        let t0 = Instant::now();
        let wall = Utc::now();
        for i in 0..MIN_SWEEP {
            allowed(limiter.charge(&key(&i.to_string()), 1, t0, wall));
        }
        let later = t0 + Duration::from_secs(1);
        allowed(limiter.charge(&key("last"), 1, later, wall));

        let buckets = limiter.buckets.lock().unwrap();
        assert_eq!(
            buckets.map.len(),
            1,
            "only the bucket charged just now remains"
        );
    }
}
