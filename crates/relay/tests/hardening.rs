//! Issue #14: bodies that are not a UTF-8 JSON object, out-of-range numbers,
//! write health in /healthz, /metrics off the public listener, and limits
//! on concurrent webhooks and streams, over real HTTP on loopback.

mod common;

use std::time::Duration;

use common::*;
use tokio::io::AsyncWriteExt;

async fn head(relay: &TestRelay) -> (u16, serde_json::Value) {
    let resp = relay
        .http
        .get(format!("{}/healthz", relay.base))
        .send()
        .await
        .expect("healthz");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or_default())
}

/// A signed body the relay must answer 400 `relay.malformed`, storing nothing.
async fn refused_as_malformed(body: Vec<u8>) {
    let relay = TestRelay::start().await;
    let (status, json) = relay.post_signed(body).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (400, Some("relay.malformed"))
    );
    assert_eq!(head(&relay).await.1["head"], 0, "nothing stored");
    relay.shutdown().await;
}

#[tokio::test]
async fn invalid_utf8_inside_a_field_is_400_and_not_stored() {
    let mut body = appointment_body("u1", "L1", &now_iso());
    // Inside the title, a field the relay itself never reads.
    let at = body.windows(5).position(|w| w == b"Revis").expect("title");
    body[at + 2] = 0xff;
    refused_as_malformed(body).await;
}

#[tokio::test]
async fn a_json_array_is_400_and_not_stored() {
    let ts = chrono::Utc::now().timestamp();
    refused_as_malformed(format!("[\"a1\", {ts}, \"AppointmentCreate\", \"L1\"]").into_bytes())
        .await;
}

#[tokio::test]
async fn extreme_numbers_are_refused_not_a_panic() {
    let relay = TestRelay::start().await;
    for ts in [
        "-9223372036854775808",
        "9223372036854775807",
        "-9223372036854775",
        "18446744073709551615",
        "1e300",
    ] {
        let body =
            format!("{{\"type\":\"ContactUpdate\",\"locationId\":\"L1\",\"timestamp\":{ts}}}");
        let (status, json) = relay.post_signed(body.into_bytes()).await;
        assert_eq!(status, 400, "{ts}: {json}");
    }
    let token = relay.token("Recepción 1", &["L1"]);
    for (after, last_event_id) in [
        (Some(i64::MIN), None),
        (Some(i64::MAX), None),
        (None, Some(i64::MIN)),
        (None, Some(i64::MAX)),
    ] {
        let sse = SseClient::connect(&relay.http, &relay.base, &token, after, last_event_id).await;
        assert!(sse.is_ok(), "{after:?} {last_event_id:?}");
    }
    for cursor in ["-9223372036854775808", "9223372036854775807", "1e400"] {
        let ack = relay
            .http
            .post(format!("{}/v1/ack", relay.base))
            .header("authorization", format!("Bearer {token}"))
            .body(format!("{{\"cursor\": {cursor}}}"))
            .send()
            .await
            .expect("ack");
        assert_eq!(ack.status(), 400, "{cursor}");
    }
    assert_eq!(head(&relay).await.0, 200);
    relay.shutdown().await;
}

#[tokio::test]
async fn healthz_is_503_while_commits_fail() {
    let relay = TestRelay::start().await;
    relay.send_appointment("h1", "L1").await;
    assert_eq!(head(&relay).await.0, 200);
    // The real SQLite file refuses every insert (as a full disk would)
    // while reads, and so the store's ping, still work.
    let db = rusqlite::Connection::open(relay.data_dir().join("relay.sqlite3")).expect("db");
    let full = |table: &str, op: &str| {
        format!(
            "CREATE TRIGGER full_{table}_{op} BEFORE {op} ON {table} \
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
        )
    };
    for (table, op) in [("events", "INSERT"), ("meta", "INSERT"), ("meta", "UPDATE")] {
        db.execute_batch(&full(table, op)).expect("trigger");
    }
    let (status, json) = relay
        .post_signed(appointment_body("h2", "L1", &now_iso()))
        .await;
    assert_eq!(
        (status, json["error"].as_str()),
        (429, Some("relay.not_persisted"))
    );
    let (status, json) = head(&relay).await;
    assert_eq!(status, 503, "{json}");
    assert_eq!(json["status"], "failing");
    assert_eq!(json["error"], "relay.not_persisted");
    assert_eq!(head(&relay).await.0, 503, "its own write probe fails too");

    // Writable again: health comes back without a webhook (a balancer may
    // have stopped sending them here), and GHL's retry is stored.
    for (table, op) in [("events", "INSERT"), ("meta", "INSERT"), ("meta", "UPDATE")] {
        db.execute_batch(&format!("DROP TRIGGER full_{table}_{op};"))
            .expect("drop");
    }
    let (status, json) = head(&relay).await;
    assert_eq!((status, json["head"].as_i64()), (200, Some(1)), "{json}");
    relay.send_appointment("h2", "L1").await;
    assert_eq!(head(&relay).await.1["head"], 2);
    relay.shutdown().await;
}

#[tokio::test]
async fn metrics_are_only_on_the_private_listener() {
    let relay = TestRelay::start().await;
    let public = relay
        .http
        .get(format!("{}/metrics", relay.base))
        .send()
        .await
        .expect("public");
    assert_eq!(public.status(), 404);
    let metrics_addr = relay.relay.as_ref().expect("relay").metrics_addr;
    assert_ne!(metrics_addr, relay.relay.as_ref().expect("relay").addr);
    assert!(relay
        .metrics()
        .await
        .contains("citadesk_relay_head_cursor 0"));
    relay.shutdown().await;
}

/// Starts a webhook request that sends its headers and half its body, then
/// holds the connection: in flight until dropped.
async fn held_ingest(base: &str) -> tokio::net::TcpStream {
    let addr = base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(
        format!(
            "POST /webhooks/ghl HTTP/1.1\r\nHost: {addr}\r\nx-ghl-signature: AAAA\r\n\
             Content-Length: 100\r\n\r\n{{\"type\":"
        )
        .as_bytes(),
    )
    .await
    .expect("write");
    tcp
}

async fn until_status(what: &str, want: u16, mut probe: impl AsyncFnMut() -> u16) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if probe().await == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: never {want}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn webhooks_beyond_max_ingest_in_flight_are_429() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = citadesk_relay::Config {
        max_ingest_in_flight: 2,
        ..test_config(dir.path())
    };
    let relay = citadesk_relay::start(cfg).await.expect("relay");
    let base = format!("http://{}", relay.addr);
    let http = reqwest::Client::new();
    let held = vec![held_ingest(&base).await, held_ingest(&base).await];
    // An unsigned probe: 401 when it gets a slot, 429 when none is free.
    let probe = || async {
        http.post(format!("{base}/webhooks/ghl"))
            .body("{}")
            .send()
            .await
            .expect("probe")
    };
    until_status("both held", 429, async || probe().await.status().as_u16()).await;
    let refused = probe().await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let json: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(json["error"], "relay.overloaded");

    drop(held);
    until_status("slots freed", 401, async || probe().await.status().as_u16()).await;
    relay.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn streams_beyond_max_streams_are_503() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = citadesk_relay::Config {
        max_streams: 2,
        ..test_config(dir.path())
    };
    let relay = citadesk_relay::start(cfg).await.expect("relay");
    let base = format!("http://{}", relay.addr);
    let token = {
        let store = citadesk_relay::sqlite::SqliteStore::open(dir.path()).expect("store");
        citadesk_relay::tokens::issue(&store, "Recepción 1", &["L1".to_string()], 0)
            .expect("issue")
            .token
    };
    let http = reqwest::Client::new();
    let first = SseClient::connect(&http, &base, &token, None, None)
        .await
        .expect("first");
    let _second = SseClient::connect(&http, &base, &token, None, None)
        .await
        .expect("second");
    let third = http
        .get(format!("{base}/v1/events"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("third");
    assert_eq!(third.status(), 503);
    assert!(third.headers().contains_key("retry-after"));
    let json: serde_json::Value = third.json().await.expect("json");
    assert_eq!(json["error"], "relay.too_many_streams");

    drop(first);
    until_status("a stream closed", 200, async || {
        match SseClient::connect(&http, &base, &token, None, None).await {
            Ok(_) => 200,
            Err(s) => s,
        }
    })
    .await;
    relay.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_cursor_out_of_range_is_the_relays_400() {
    let relay = TestRelay::start().await;
    let token = relay.token("Recepción 1", &["L1"]);
    for (query, last_event_id) in [
        ("?after=9223372036854775808", None),
        ("", Some("-9223372036854775809")),
    ] {
        let mut req = relay
            .http
            .get(format!("{}/v1/events{query}", relay.base))
            .header("authorization", format!("Bearer {token}"));
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let resp = req.send().await.expect("events");
        assert_eq!(resp.status(), 400);
        let json: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(
            json["error"], "relay.bad_request",
            "{query} {last_event_id:?}"
        );
    }
    relay.shutdown().await;
}
