//! Rate limits per app per location, with GHL's five `X-RateLimit-*` headers.
//!
//! Burst: a fixed window of `interval` opened by the first request; daily:
//! the UTC day. A refused request (429) does not count.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};
use chrono::{NaiveDate, Utc};

use crate::config::RateLimits;

#[derive(Debug)]
struct Bucket {
    window_start: Instant,
    in_window: u32,
    day: NaiveDate,
    today: u32,
}

/// What one request left of the limits, for the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub burst: u32,
    pub interval: Duration,
    pub burst_remaining: u32,
    pub daily: u32,
    pub daily_remaining: u32,
    /// False: over a limit, answer 429.
    pub allowed: bool,
}

impl Quota {
    /// A quota with nothing left, for injected 429s.
    pub fn exhausted(limits: &RateLimits) -> Self {
        Self {
            burst: limits.burst,
            interval: limits.interval,
            burst_remaining: 0,
            daily: limits.daily,
            daily_remaining: limits.daily,
            allowed: false,
        }
    }

    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let mut put = |name: &'static str, value: u64| {
            headers.insert(name, HeaderValue::from(value));
        };
        put("x-ratelimit-max", self.burst.into());
        put(
            "x-ratelimit-interval-milliseconds",
            self.interval.as_millis() as u64,
        );
        put("x-ratelimit-remaining", self.burst_remaining.into());
        put("x-ratelimit-limit-daily", self.daily.into());
        put("x-ratelimit-daily-remaining", self.daily_remaining.into());
    }
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    limits: RwLock<RateLimits>,
    buckets: Mutex<HashMap<(String, String), Bucket>>,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits: RwLock::new(limits),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn limits(&self) -> RateLimits {
        self.limits
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Change the limits (admin API); counts so far are kept.
    pub fn set_limits(&self, limits: RateLimits) {
        *self.limits.write().unwrap_or_else(|e| e.into_inner()) = limits;
    }

    /// Forget every count (admin reset).
    pub fn clear(&self) {
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Count one request of `app` on `location`, unless it is over a limit.
    pub fn take(&self, app: &str, location: &str) -> Quota {
        let limits = self.limits();
        let now = Instant::now();
        let today = Utc::now().date_naive();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets
            .entry((app.to_string(), location.to_string()))
            .or_insert(Bucket {
                window_start: now,
                in_window: 0,
                day: today,
                today: 0,
            });
        if now.duration_since(bucket.window_start) >= limits.interval {
            bucket.window_start = now;
            bucket.in_window = 0;
        }
        if bucket.day != today {
            bucket.day = today;
            bucket.today = 0;
        }
        let allowed = bucket.in_window < limits.burst && bucket.today < limits.daily;
        if allowed {
            bucket.in_window += 1;
            bucket.today += 1;
        }
        Quota {
            burst: limits.burst,
            interval: limits.interval,
            burst_remaining: limits.burst.saturating_sub(bucket.in_window),
            daily: limits.daily,
            daily_remaining: limits.daily.saturating_sub(bucket.today),
            allowed,
        }
    }
}
