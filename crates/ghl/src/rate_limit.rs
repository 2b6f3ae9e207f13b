//! Client-side throttling to GHL's limits, per location (GHL counts per app
//! per resource): a burst of `max` requests per `interval` (100 per 10 s by
//! default) and a daily quota. The limiter keeps the send times of the last
//! `max` requests, so it stays under the limit whether GHL counts in fixed or
//! sliding windows, and it adopts the figures GHL reports in its
//! X-RateLimit-* headers, including requests other processes made.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

pub const DEFAULT_BURST: u32 = 100;
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);
/// A send leaves the window this much after `interval`: GHL's window opens
/// when the first request *arrives*, a little after we sent it, so a send
/// exactly one interval later can still land in the old window (the GHL
/// client benchmark met one 429 that way).
const WINDOW_SLACK: Duration = Duration::from_millis(100);

/// The last figures GHL reported for a location (for the health panel).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateFigures {
    pub max: Option<u32>,
    pub interval_ms: Option<u64>,
    pub remaining: Option<u32>,
    pub daily_limit: Option<u64>,
    pub daily_remaining: Option<u64>,
}

impl RateFigures {
    pub fn from_headers(h: &HeaderMap) -> Self {
        fn num<T: std::str::FromStr>(h: &HeaderMap, name: &str) -> Option<T> {
            h.get(name)?.to_str().ok()?.trim().parse().ok()
        }
        Self {
            max: num(h, "x-ratelimit-max"),
            interval_ms: num(h, "x-ratelimit-interval-milliseconds"),
            remaining: num(h, "x-ratelimit-remaining"),
            daily_limit: num(h, "x-ratelimit-limit-daily"),
            daily_remaining: num(h, "x-ratelimit-daily-remaining"),
        }
    }
}

#[derive(Debug)]
struct Bucket {
    max: u32,
    interval: Duration,
    sent: VecDeque<Instant>,
    daily_blocked_until: Option<Instant>,
    figures: RateFigures,
    /// Until GHL has told us its limits, one request at a time: a burst of
    /// guesses could overrun a tighter limit than the documented one.
    learned: bool,
    probing: bool,
}

impl Bucket {
    fn new() -> Self {
        Self {
            max: DEFAULT_BURST,
            interval: DEFAULT_INTERVAL,
            sent: VecDeque::new(),
            daily_blocked_until: None,
            figures: RateFigures::default(),
            learned: false,
            probing: false,
        }
    }

    fn forget_old(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.interval + WINDOW_SLACK)
        {
            self.sent.pop_front();
        }
    }
}

/// What the caller must do before sending.
#[derive(Debug, PartialEq, Eq)]
pub enum Permit {
    Go,
    /// The daily quota is spent until then.
    DailyExhausted,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits until one more request for `key` stays within the burst limit,
    /// and counts it as sent.
    pub async fn acquire(&self, key: &str) -> Permit {
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().unwrap();
                let b = buckets.entry(key.to_string()).or_insert_with(Bucket::new);
                let now = Instant::now();
                if let Some(until) = b.daily_blocked_until {
                    if now < until {
                        return Permit::DailyExhausted;
                    }
                    b.daily_blocked_until = None;
                }
                b.forget_old(now);
                if !b.learned {
                    if b.probing {
                        Duration::from_millis(5)
                    } else {
                        b.probing = true;
                        b.sent.push_back(now);
                        return Permit::Go;
                    }
                } else if (b.sent.len() as u32) < b.max {
                    b.sent.push_back(now);
                    return Permit::Go;
                } else {
                    // The oldest send leaves the window first.
                    (b.interval + WINDOW_SLACK)
                        .saturating_sub(now.duration_since(*b.sent.front().expect("full window")))
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Adopts what GHL says about the limits and about what is left.
    pub fn observe(&self, key: &str, figures: RateFigures) {
        let mut buckets = self.buckets.lock().unwrap();
        let b = buckets.entry(key.to_string()).or_insert_with(Bucket::new);
        if let Some(max) = figures.max.filter(|m| *m > 0) {
            b.max = max;
        }
        if let Some(ms) = figures.interval_ms.filter(|m| *m > 0) {
            b.interval = Duration::from_millis(ms);
        }
        if figures.max.is_some() {
            b.learned = true;
        }
        b.probing = false;
        let now = Instant::now();
        b.forget_old(now);
        if let Some(remaining) = figures.remaining {
            // Others (the CLI, another desk) spend the same quota: when GHL
            // counts more than we did, record the difference as sent now.
            let used_by_ghl = b.max.saturating_sub(remaining) as usize;
            while b.sent.len() < used_by_ghl {
                b.sent.push_back(now);
            }
        }
        if figures.daily_remaining == Some(0) {
            b.daily_blocked_until = Some(now + until_next_utc_day());
        }
        b.figures = figures;
    }

    /// GHL answered 429. Returns `DailyExhausted` when the daily quota is
    /// spent; otherwise the window is treated as full, so the next request
    /// waits a whole interval.
    pub fn on_too_many(&self, key: &str, figures: RateFigures) -> Permit {
        self.observe(key, figures);
        let mut buckets = self.buckets.lock().unwrap();
        let b = buckets.entry(key.to_string()).or_insert_with(Bucket::new);
        if b.daily_blocked_until.is_some() {
            return Permit::DailyExhausted;
        }
        let now = Instant::now();
        b.sent.clear();
        for _ in 0..b.max {
            b.sent.push_back(now);
        }
        Permit::Go
    }

    /// A request ended without an answer (network error): let the next one probe.
    pub fn release(&self, key: &str) {
        if let Some(b) = self.buckets.lock().unwrap().get_mut(key) {
            b.probing = false;
        }
    }

    pub fn figures(&self, key: &str) -> Option<RateFigures> {
        self.buckets.lock().unwrap().get(key).map(|b| b.figures)
    }

    pub fn interval(&self, key: &str) -> Duration {
        self.buckets
            .lock()
            .unwrap()
            .get(key)
            .map(|b| b.interval)
            .unwrap_or(DEFAULT_INTERVAL)
    }
}

/// GHL documents no reset time for the daily quota; the next UTC midnight
/// is the earliest it can come back.
fn until_next_utc_day() -> Duration {
    let now = chrono::Utc::now();
    let tomorrow = (now.date_naive() + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    (tomorrow - now)
        .to_std()
        .unwrap_or(Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_max_in_any_interval() {
        let rl = std::sync::Arc::new(RateLimiter::new());
        rl.observe(
            "L",
            RateFigures {
                max: Some(5),
                interval_ms: Some(1000),
                ..Default::default()
            },
        );
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..23 {
            let rl = rl.clone();
            tasks.push(tokio::spawn(async move {
                assert_eq!(rl.acquire("L").await, Permit::Go);
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap().duration_since(start));
        }
        times.sort();
        // Any 6 consecutive sends span at least one interval.
        for w in times.windows(6) {
            assert!(w[5] - w[0] >= Duration::from_millis(1000), "{times:?}");
        }
        // And the limiter does not wait more than it must: 23 sends need 4
        // full intervals (each with its slack).
        assert!(
            *times.last().unwrap() < Duration::from_millis(4100) + WINDOW_SLACK * 4,
            "{times:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn what_ghl_counts_for_others_is_respected() {
        let rl = RateLimiter::new();
        rl.observe(
            "L",
            RateFigures {
                max: Some(10),
                interval_ms: Some(10_000),
                remaining: Some(1),
                ..Default::default()
            },
        );
        let t0 = Instant::now();
        assert_eq!(rl.acquire("L").await, Permit::Go);
        assert_eq!(t0.elapsed(), Duration::ZERO);
        rl.acquire("L").await;
        assert!(t0.elapsed() >= Duration::from_secs(10));
        // Another location has its own quota, probed one request at a time
        // until GHL's headers give its limits.
        let t1 = Instant::now();
        rl.acquire("M").await;
        assert_eq!(t1.elapsed(), Duration::ZERO);
        let second = tokio::time::timeout(Duration::from_secs(1), rl.acquire("M")).await;
        assert!(
            second.is_err(),
            "a second request waits for the probe's answer"
        );
        rl.release("M");
        rl.acquire("M").await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_waits_an_interval_and_a_spent_day_stops() {
        let rl = RateLimiter::new();
        let figures = RateFigures {
            max: Some(100),
            interval_ms: Some(10_000),
            remaining: Some(0),
            daily_remaining: Some(5000),
            ..Default::default()
        };
        assert_eq!(rl.on_too_many("L", figures), Permit::Go);
        let t0 = Instant::now();
        rl.acquire("L").await;
        assert!(t0.elapsed() >= Duration::from_secs(10));

        let spent = RateFigures {
            daily_remaining: Some(0),
            ..figures
        };
        assert_eq!(rl.on_too_many("L", spent), Permit::DailyExhausted);
        assert_eq!(rl.acquire("L").await, Permit::DailyExhausted);
        assert_eq!(rl.figures("L").unwrap().daily_remaining, Some(0));
    }

    #[test]
    fn headers_are_read_case_insensitively() {
        let mut h = HeaderMap::new();
        h.insert("X-RateLimit-Max", "100".parse().unwrap());
        h.insert(
            "X-RateLimit-Interval-Milliseconds",
            "10000".parse().unwrap(),
        );
        h.insert("X-RateLimit-Remaining", "97".parse().unwrap());
        h.insert("X-RateLimit-Limit-Daily", "200000".parse().unwrap());
        h.insert("X-RateLimit-Daily-Remaining", "199990".parse().unwrap());
        let f = RateFigures::from_headers(&h);
        assert_eq!(f.max, Some(100));
        assert_eq!(f.remaining, Some(97));
        assert_eq!(f.daily_remaining, Some(199_990));
    }
}
