//! The client against ghl-sandbox's limits and faults, over real HTTP on
//! loopback: it stays under the rate limit under concurrency, waits out
//! 429s, retries 5xx and timeouts on reads, and says clearly when to stop.

use std::sync::Arc;
use std::time::{Duration, Instant};

use citadesk_ghl::{ClientConfig, GhlClient, RetryPolicy, Secret};
use ghl_sandbox::{FaultKind, FaultRule, RateLimits, SandboxConfig, Seed};

async fn sandbox(limits: RateLimits) -> ghl_sandbox::RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        rate_limits: limits,
        ..Default::default()
    })
    .await
    .unwrap()
}

fn client(sb: &ghl_sandbox::RunningSandbox) -> GhlClient {
    let mut cfg =
        ClientConfig::new(sb.base_url(), Secret::new(sb.pit())).for_location(sb.location_id());
    cfg.timeout = Duration::from_millis(800);
    cfg.retry = RetryPolicy {
        base_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    GhlClient::new(cfg).unwrap()
}

fn count_status(sb: &ghl_sandbox::RunningSandbox, status: u16) -> usize {
    sb.sandbox()
        .requests()
        .iter()
        .filter(|r| r.status == status)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_stay_under_the_limit() {
    // 10 per second: 45 concurrent calls need at least 4 more windows.
    let sb = sandbox(RateLimits {
        burst: 10,
        interval: Duration::from_secs(1),
        daily: 200_000,
    })
    .await;
    let c = Arc::new(client(&sb));
    let loc = sb.location_id().to_string();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..45 {
        let (c, loc) = (c.clone(), loc.clone());
        tasks.push(tokio::spawn(async move { c.list_calendars(&loc).await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().len(), 3);
    }
    // Throttled ahead: GHL never had to say 429.
    assert_eq!(count_status(&sb, 429), 0);
    assert_eq!(count_status(&sb, 200), 45);
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let figures = c.rate_figures(&loc).unwrap();
    assert_eq!(figures.max, Some(10));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out() {
    let sb = sandbox(RateLimits {
        burst: 100,
        interval: Duration::from_millis(300),
        daily: 200_000,
    })
    .await;
    sb.sandbox().faults().add(FaultRule {
        kind: FaultKind::RateLimited,
        remaining: 4,
        ms: 0,
        path: None,
    });
    let c = client(&sb);
    let cals = c
        .list_calendars(sb.location_id())
        .await
        .expect("completes after the storm");
    assert_eq!(cals.len(), 3);
    assert_eq!(count_status(&sb, 429), 4);
    let m = c.metrics();
    assert_eq!(m[0].retries, 4);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_day_stops_with_its_own_code() {
    let sb = sandbox(RateLimits {
        burst: 100,
        interval: Duration::from_secs(10),
        daily: 3,
    })
    .await;
    let c = client(&sb);
    for _ in 0..3 {
        c.list_calendars(sb.location_id()).await.unwrap();
    }
    let e = c.list_calendars(sb.location_id()).await.unwrap_err();
    assert_eq!(e.code(), "ghl.rate_limited_daily");
    // And it does not keep knocking: no request is sent while the day is spent.
    let sent = sb.sandbox().requests().len();
    assert_eq!(
        c.list_calendars(sb.location_id()).await.unwrap_err().code(),
        "ghl.rate_limited_daily"
    );
    assert_eq!(sb.sandbox().requests().len(), sent);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_timeouts_on_reads_are_retried() {
    let sb = sandbox(RateLimits::unlimited()).await;
    for kind in [FaultKind::ServerError, FaultKind::BadGateway] {
        sb.sandbox().faults().add(FaultRule {
            kind,
            remaining: 1,
            ms: 0,
            path: None,
        });
    }
    sb.sandbox().faults().add(FaultRule {
        kind: FaultKind::Timeout,
        remaining: 1,
        ms: 5_000,
        path: None,
    });
    let c = client(&sb);
    let loc = c.get_location(sb.location_id()).await.expect("recovers");
    assert_eq!(loc.timezone.as_deref(), Some("America/Lima"));
    assert_eq!(c.metrics()[0].retries, 3);

    // More failures than attempts: the last error comes back, typed.
    sb.sandbox().faults().add(FaultRule {
        kind: FaultKind::ServerError,
        remaining: 10,
        ms: 0,
        path: None,
    });
    let e = c.get_location(sb.location_id()).await.unwrap_err();
    assert_eq!(e.code(), "ghl.server");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_not_retried() {
    let sb = sandbox(RateLimits::unlimited()).await;
    sb.sandbox().faults().add(FaultRule {
        kind: FaultKind::RevokedToken,
        remaining: 1,
        ms: 0,
        path: None,
    });
    let c = client(&sb);
    let e = c.get_location(sb.location_id()).await.unwrap_err();
    assert_eq!(e.code(), "auth.expired");
    assert_eq!(sb.sandbox().requests().len(), 1);
    sb.shutdown().await;
}
