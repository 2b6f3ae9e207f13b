//! Rate limits per app per location, and their five headers.

use std::time::Duration;

use ghl_sandbox::{RateLimits, SandboxConfig};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

const HEADERS: [&str; 5] = [
    "x-ratelimit-max",
    "x-ratelimit-interval-milliseconds",
    "x-ratelimit-remaining",
    "x-ratelimit-limit-daily",
    "x-ratelimit-daily-remaining",
];

fn header(answer: &Answer, name: &str) -> u64 {
    answer
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn location(ghl: &Ghl, loc: &str) -> Answer {
    ghl.send(
        Method::GET,
        &format!("/locations/{loc}"),
        Some(CONTACTS_VERSION),
        None,
    )
    .await
}

#[tokio::test]
async fn every_answer_carries_ghls_headers() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let first = location(&ghl, &loc).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(header(&first, "x-ratelimit-max"), 100);
    assert_eq!(header(&first, "x-ratelimit-interval-milliseconds"), 10_000);
    assert_eq!(header(&first, "x-ratelimit-remaining"), 99);
    assert_eq!(header(&first, "x-ratelimit-limit-daily"), 200_000);
    assert_eq!(header(&first, "x-ratelimit-daily-remaining"), 199_999);
    // Errors past the token check carry them too.
    let bad = ghl
        .send(Method::GET, &format!("/locations/{loc}"), None, None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(header(&bad, "x-ratelimit-remaining"), 98);
    for name in HEADERS {
        assert!(bad.headers.contains_key(name), "{name}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn burst_and_daily_limits_answer_429() {
    let sandbox = start_config(SandboxConfig {
        today: Some(today()),
        rate_limits: RateLimits {
            burst: 3,
            interval: Duration::from_millis(1_500),
            daily: 5,
        },
        ..Default::default()
    })
    .await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    for expected_remaining in [2, 1, 0] {
        let ok = location(&ghl, &loc).await;
        assert_eq!(ok.status, StatusCode::OK);
        assert_eq!(header(&ok, "x-ratelimit-remaining"), expected_remaining);
    }
    let limited = location(&ghl, &loc).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&limited, "x-ratelimit-remaining"), 0);
    assert_eq!(header(&limited, "x-ratelimit-daily-remaining"), 2);

    // Another app (another PIT) on another location has its own budget;
    // the admin API has none.
    let other = ghl.with_token(Some(OTHER_PIT));
    let (status, _) = other.calendars(OTHER_LOCATION).await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..10 {
        assert_eq!(
            ghl.admin_send(Method::GET, "/_sandbox/health", None)
                .await
                .0,
            StatusCode::OK
        );
    }

    tokio::time::sleep(Duration::from_millis(1_600)).await;
    for _ in 0..2 {
        assert_eq!(location(&ghl, &loc).await.status, StatusCode::OK);
    }
    // Five today: the daily limit holds whatever the window.
    let limited = location(&ghl, &loc).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&limited, "x-ratelimit-daily-remaining"), 0);
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    assert_eq!(
        location(&ghl, &loc).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The admin API can lift them.
    let (status, limits) = ghl
        .admin_send(
            Method::PUT,
            "/_sandbox/rate-limits",
            Some(json!({"daily": 1000, "burst": 1000, "reset": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(limits["daily"], 1000);
    assert_eq!(location(&ghl, &loc).await.status, StatusCode::OK);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn two_apps_on_one_location_count_apart() {
    let second = "pit-second-integration-0002";
    let sandbox = start_config(SandboxConfig {
        today: Some(today()),
        pits: vec![
            (
                ghl_sandbox::DEMO_PIT.into(),
                ghl_sandbox::DEMO_LOCATION_ID.into(),
            ),
            (second.into(), ghl_sandbox::DEMO_LOCATION_ID.into()),
        ],
        rate_limits: RateLimits {
            burst: 2,
            interval: Duration::from_secs(60),
            daily: 100,
        },
        ..Default::default()
    })
    .await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    location(&ghl, &loc).await;
    location(&ghl, &loc).await;
    assert_eq!(
        location(&ghl, &loc).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let other_app = ghl.with_token(Some(second));
    assert_eq!(location(&other_app, &loc).await.status, StatusCode::OK);
    sandbox.shutdown().await;
}
