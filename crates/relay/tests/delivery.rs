//! Delivery to app installs: catch-up from a cursor, location scoping,
//! acks and lag, revoked tokens.

mod common;

use std::time::Duration;

use common::*;

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn offline_install_catches_up_in_order_from_its_cursor() {
    let relay = TestRelay::start().await;
    let token = relay.token("Recepción 1", &["L1"]);
    for i in 0..30 {
        relay.send_appointment(&format!("a{i}"), "L1").await;
    }
    let mut sse = SseClient::connect(&relay.http, &relay.base, &token, None, None)
        .await
        .expect("stream");
    let first = sse.webhooks(30, WAIT).await;
    assert_eq!(first.len(), 30);
    let applied = first[19].cursor;
    let ack = relay
        .http
        .post(format!("{}/v1/ack", relay.base))
        .header("authorization", format!("Bearer {token}"))
        .body(format!("{{\"cursor\": {applied}}}"))
        .send()
        .await
        .expect("ack");
    assert_eq!(ack.status(), 204);
    drop(sse);

    // Offline: more events arrive.
    for i in 30..60 {
        relay.send_appointment(&format!("a{i}"), "L1").await;
    }
    let m = relay.metrics().await;
    assert!(
        m.contains("citadesk_relay_install_lag_events{install="),
        "{m}"
    );
    assert!(
        m.contains(",name=\"Recepción 1\"} 40"),
        "lag = 60 - 20 acked: {m}"
    );

    // Reconnect without a cursor: resumes after the acknowledged one.
    let mut sse = SseClient::connect(&relay.http, &relay.base, &token, None, None)
        .await
        .expect("stream");
    let caught_up = sse.webhooks(40, WAIT).await;
    let ids: Vec<String> = caught_up.iter().map(|d| d.webhook_id.clone()).collect();
    let want: Vec<String> = (20..60).map(|i| format!("a{i}")).collect();
    assert_eq!(ids, want, "in order, nothing missing, nothing repeated");
    assert!(caught_up.windows(2).all(|w| w[0].cursor < w[1].cursor));

    // Live after the replay.
    let c = relay.send_appointment("live-1", "L1").await;
    let live = sse.webhooks(1, WAIT).await;
    assert_eq!(live[0].cursor, c);

    // SSE's Last-Event-ID wins over ?after.
    let mut sse = SseClient::connect(&relay.http, &relay.base, &token, Some(0), Some(c - 1))
        .await
        .expect("stream");
    let resumed = sse.webhooks(1, WAIT).await;
    assert_eq!(resumed[0].webhook_id, "live-1");
    relay.shutdown().await;
}

#[tokio::test]
async fn every_install_of_a_location_gets_everything_and_no_other_location() {
    let relay = TestRelay::start().await;
    let a = relay.token("Recepción 1", &["L1"]);
    let b = relay.token("Recepción 2", &["L1"]);
    let other = relay.token("Otra clínica", &["L2"]);
    let both = relay.token("Agencia", &["L1", "L2"]);
    let mut sa = SseClient::connect(&relay.http, &relay.base, &a, Some(0), None)
        .await
        .expect("a");
    let mut sb = SseClient::connect(&relay.http, &relay.base, &b, Some(0), None)
        .await
        .expect("b");
    let mut so = SseClient::connect(&relay.http, &relay.base, &other, Some(0), None)
        .await
        .expect("other");

    for i in 0..20 {
        relay.send_appointment(&format!("l1-{i}"), "L1").await;
        if i % 5 == 0 {
            relay.send_appointment(&format!("l2-{i}"), "L2").await;
        }
    }
    let want: Vec<String> = (0..20).map(|i| format!("l1-{i}")).collect();
    for s in [&mut sa, &mut sb] {
        let got: Vec<String> = s
            .webhooks(21, Duration::from_secs(2))
            .await
            .into_iter()
            .map(|d| d.webhook_id)
            .collect();
        assert_eq!(got, want);
    }
    let got_other = so.webhooks(10, Duration::from_secs(2)).await;
    assert!(
        got_other.iter().all(|d| d.location_id == "L2"),
        "{got_other:?}"
    );
    assert_eq!(got_other.len(), 4);

    let mut sboth = SseClient::connect(&relay.http, &relay.base, &both, Some(0), None)
        .await
        .expect("both");
    assert_eq!(sboth.webhooks(30, Duration::from_secs(2)).await.len(), 24);
    relay.shutdown().await;
}

#[tokio::test]
async fn revoked_or_unknown_tokens_are_refused() {
    let relay = TestRelay::start().await;
    let token = relay.token("Recepción 1", &["L1"]);
    relay.send_appointment("r1", "L1").await;
    let mut open = SseClient::connect(&relay.http, &relay.base, &token, Some(0), None)
        .await
        .expect("valid token streams");
    assert_eq!(open.webhooks(1, WAIT).await.len(), 1);

    relay.revoke(&token);
    let refused = SseClient::connect(&relay.http, &relay.base, &token, Some(0), None).await;
    assert_eq!(refused.err(), Some(401));
    let ack = relay
        .http
        .post(format!("{}/v1/ack", relay.base))
        .header("authorization", format!("Bearer {token}"))
        .body("{\"cursor\": 1}")
        .send()
        .await
        .expect("ack");
    assert_eq!(ack.status(), 401);
    for bad in ["", "cdr_0000000000000000_nope", "Basic abc"] {
        let r = SseClient::connect(&relay.http, &relay.base, bad, None, None).await;
        assert_eq!(r.err(), Some(401), "{bad:?}");
    }

    // The stream that was already open closes within the revalidation period.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match open.next(Duration::from_secs(10)).await {
            None => break,
            Some(_) => assert!(tokio::time::Instant::now() < deadline, "stream still open"),
        }
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn acks_outside_the_stored_range_are_refused() {
    let relay = TestRelay::start().await;
    let token = relay.token("r", &["L1"]);
    let c = relay.send_appointment("x1", "L1").await;
    for (body, status) in [
        (format!("{{\"cursor\": {}}}", c + 1), 400),
        ("{\"cursor\": -1}".to_string(), 400),
        ("nonsense".to_string(), 400),
        (format!("{{\"cursor\": {c}}}"), 204),
    ] {
        let r = relay
            .http
            .post(format!("{}/v1/ack", relay.base))
            .header("authorization", format!("Bearer {token}"))
            .body(body.clone())
            .send()
            .await
            .expect("ack");
        assert_eq!(r.status().as_u16(), status, "{body}");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn graceful_shutdown_ends_open_streams() {
    let relay = TestRelay::start().await;
    let token = relay.token("r", &["L1"]);
    let _sse = SseClient::connect(&relay.http, &relay.base, &token, Some(0), None)
        .await
        .expect("stream");
    tokio::time::timeout(Duration::from_secs(5), relay.shutdown())
        .await
        .expect("shutdown does not wait for app streams");
}

#[tokio::test]
async fn retention_purges_old_events_and_tells_a_late_install_about_the_gap() {
    use citadesk_relay::sqlite::SqliteStore;
    use citadesk_relay::store::{NewEvent, Store};

    let dir = tempfile::tempdir().expect("tempdir");
    let now = chrono::Utc::now().timestamp_millis();
    {
        let store = SqliteStore::open(dir.path()).expect("store");
        let event = |id: &str, age_days: i64| NewEvent {
            webhook_id: id.into(),
            location_id: "L1".into(),
            event_type: "AppointmentUpdate".into(),
            received_at_ms: now - age_days * 86_400_000,
            ghl_signature: Some("sig".into()),
            wh_signature: None,
            body: b"{}".to_vec(),
        };
        store
            .append_batch(&[event("old-1", 20), event("old-2", 15), event("recent", 1)])
            .expect("seed");
    }
    // The purge runs when the relay starts (default retention: 14 days).
    let relay = citadesk_relay::start(test_config(dir.path()))
        .await
        .expect("relay");
    let base = format!("http://{}", relay.addr);
    let http = reqwest::Client::new();
    let token = {
        let store = SqliteStore::open(dir.path()).expect("store");
        citadesk_relay::tokens::issue(&store, "late", &["L1".into()], now)
            .expect("token")
            .token
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let mut sse = SseClient::connect(&http, &base, &token, Some(0), None)
            .await
            .expect("stream");
        let first = sse.next(WAIT).await.expect("a frame");
        if first.event == "gap" {
            let v: serde_json::Value = serde_json::from_str(&first.data).expect("json");
            assert_eq!(v["purgedThrough"], 2);
            let rest = sse.webhooks(3, Duration::from_secs(1)).await;
            let ids: Vec<_> = rest.iter().map(|d| d.webhook_id.as_str()).collect();
            assert_eq!(ids, ["recent"]);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no gap frame after the purge"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    relay.shutdown().await.expect("shutdown");
}
