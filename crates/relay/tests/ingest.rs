//! Signature vectors and ingest rules, over real HTTP on loopback.

mod common;

use std::time::Duration;

use common::*;

#[tokio::test]
async fn valid_ed25519_is_stored_and_delivered_byte_exact() {
    let relay = TestRelay::start().await;
    let token = relay.token("Recepción 1", &["L1"]);
    let body = appointment_body("wh-ed-1", "L1", &now_iso());
    let sig = sign_ed25519("ed25519-test.pem", &body);
    let (status, json) = relay
        .post(body.clone(), &[("x-ghl-signature", sig.clone())])
        .await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["status"], "stored");

    let mut sse = SseClient::connect(&relay.http, &relay.base, &token, Some(0), None)
        .await
        .expect("stream");
    let got = sse.webhooks(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, body, "raw bytes come back untouched");
    assert_eq!(got[0].ghl_signature.as_deref(), Some(sig.as_str()));
    assert_eq!(got[0].webhook_id, "wh-ed-1");
    assert_eq!(got[0].location_id, "L1");
    relay.shutdown().await;
}

#[tokio::test]
async fn valid_legacy_rsa_is_stored() {
    let relay = TestRelay::start().await;
    let body = appointment_body("wh-rsa-1", "L1", &now_iso());
    let sig = sign_rsa("rsa-test.pem", &body);
    let (status, json) = relay.post(body, &[("x-wh-signature", sig)]).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["status"], "stored");
    relay.shutdown().await;
}

#[tokio::test]
async fn one_tampered_byte_is_401() {
    let relay = TestRelay::start().await;
    let body = appointment_body("wh-tamper", "L1", &now_iso());
    let ed = sign_ed25519("ed25519-test.pem", &body);
    let rsa = sign_rsa("rsa-test.pem", &body);
    let mut tampered = body.clone();
    let i = tampered.len() / 2;
    tampered[i] ^= 0x01;
    let (status, json) = relay
        .post(tampered.clone(), &[("x-ghl-signature", ed)])
        .await;
    assert_eq!(
        (status, json["error"].as_str()),
        (401, Some("relay.bad_signature"))
    );
    let (status, json) = relay.post(tampered, &[("x-wh-signature", rsa)]).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (401, Some("relay.bad_signature"))
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn wrong_key_is_401() {
    let relay = TestRelay::start().await;
    let body = appointment_body("wh-wrong-key", "L1", &now_iso());
    let sig = sign_ed25519("ed25519-other.pem", &body);
    let (status, json) = relay.post(body, &[("x-ghl-signature", sig)]).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (401, Some("relay.bad_signature"))
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn missing_signature_is_401() {
    let relay = TestRelay::start().await;
    let body = appointment_body("wh-unsigned", "L1", &now_iso());
    let (status, json) = relay.post(body, &[]).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (401, Some("relay.missing_signature"))
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn stale_or_future_timestamp_is_400() {
    let relay = TestRelay::start().await;
    for offset in [-6 * 60, 6 * 60] {
        let ts = (chrono::Utc::now() + chrono::Duration::seconds(offset))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let (status, json) = relay
            .post_signed(appointment_body(&format!("wh-stale{offset}"), "L1", &ts))
            .await;
        assert_eq!(
            (status, json["error"].as_str()),
            (400, Some("relay.stale")),
            "{offset}"
        );
    }
    // Inside the window is fine.
    let ts = (chrono::Utc::now() - chrono::Duration::seconds(4 * 60))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (status, _) = relay
        .post_signed(appointment_body("wh-fresh", "L1", &ts))
        .await;
    assert_eq!(status, 200);
    relay.shutdown().await;
}

#[tokio::test]
async fn replayed_webhook_id_is_200_and_stored_once() {
    let relay = TestRelay::start().await;
    let token = relay.token("r", &["L1"]);
    let body = appointment_body("wh-replay", "L1", &now_iso());
    let (s1, j1) = relay.post_signed(body.clone()).await;
    let (s2, j2) = relay.post_signed(body).await;
    assert_eq!((s1, j1["status"].as_str()), (200, Some("stored")));
    assert_eq!((s2, j2["status"].as_str()), (200, Some("duplicate")));
    // Same id in a new body (GHL's retry with a fresh timestamp): still once.
    let (s3, j3) = relay
        .post_signed(appointment_body("wh-replay", "L1", &now_iso()))
        .await;
    assert_eq!((s3, j3["status"].as_str()), (200, Some("duplicate")));
    relay.send_appointment("wh-after", "L1").await;

    let mut sse = SseClient::connect(&relay.http, &relay.base, &token, Some(0), None)
        .await
        .expect("stream");
    let got = sse.webhooks(3, Duration::from_secs(2)).await;
    let ids: Vec<_> = got.iter().map(|d| d.webhook_id.as_str()).collect();
    assert_eq!(ids, ["wh-replay", "wh-after"]);
    assert!(relay
        .metrics()
        .await
        .contains("citadesk_relay_webhooks_duplicate_total 2"));
    relay.shutdown().await;
}

#[tokio::test]
async fn oversized_body_is_413() {
    let relay = TestRelay::start().await;
    let pad = "x".repeat(1024 * 1024);
    let body = format!(
        "{{\"type\":\"ContactUpdate\",\"locationId\":\"L1\",\"webhookId\":\"big\",\"timestamp\":\"{}\",\"notes\":\"{pad}\"}}",
        now_iso()
    )
    .into_bytes();
    let (status, json) = relay.post_signed(body).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (413, Some("relay.too_large"))
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn malformed_json_is_400() {
    let relay = TestRelay::start().await;
    for body in [
        &b"{\"type\": \"AppointmentCreate\","[..],
        b"[1,2,3]",
        b"not json",
    ] {
        let (status, json) = relay.post_signed(body.to_vec()).await;
        assert_eq!(
            (status, json["error"].as_str()),
            (400, Some("relay.malformed"))
        );
    }
    // Valid JSON without a timestamp cannot be checked for replay: refused.
    let body = br#"{"type":"AppointmentCreate","locationId":"L1","webhookId":"no-ts"}"#;
    let (status, json) = relay.post_signed(body.to_vec()).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (400, Some("relay.malformed"))
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn health_and_metrics_report_rejections_by_reason() {
    let relay = TestRelay::start().await;
    let health = relay
        .http
        .get(format!("{}/healthz", relay.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    relay.send_appointment("m1", "L1").await;
    relay
        .post(appointment_body("m2", "L1", &now_iso()), &[])
        .await;
    let m = relay.metrics().await;
    assert!(
        m.contains("citadesk_relay_webhooks_received_total 2"),
        "{m}"
    );
    assert!(m.contains("citadesk_relay_webhooks_stored_total 1"), "{m}");
    assert!(
        m.contains("citadesk_relay_webhooks_rejected_total{reason=\"relay.missing_signature\"} 1"),
        "{m}"
    );
    assert!(m.contains("citadesk_relay_head_cursor 1"), "{m}");
    relay.shutdown().await;
}

#[tokio::test]
async fn signatures_made_by_openssl_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = citadesk_relay::Config {
        // The vector's timestamp is fixed; only its signatures are under test.
        max_skew_secs: 100 * 365 * 86_400,
        ..test_config(dir.path())
    };
    let relay = citadesk_relay::start(cfg).await.expect("relay");
    let base = format!("http://{}", relay.addr);
    let http = reqwest::Client::new();
    let body = fixture("openssl-vector.json").into_bytes();
    let ed = fixture("openssl-vector.ed25519.sig");
    let rsa = fixture("openssl-vector.rsa.sig");
    let (status, json) = post(
        &http,
        &base,
        body.clone(),
        &[("x-ghl-signature", ed.clone())],
    )
    .await;
    assert_eq!(
        (status, json["status"].as_str()),
        (200, Some("stored")),
        "{json}"
    );
    let (status, json) = post(&http, &base, body.clone(), &[("x-wh-signature", rsa)]).await;
    assert_eq!(
        (status, json["status"].as_str()),
        (200, Some("duplicate")),
        "{json}"
    );
    // Each signature checked against the other algorithm's header fails.
    let (status, _) = post(&http, &base, body, &[("x-wh-signature", ed)]).await;
    assert_eq!(status, 401);
    relay.shutdown().await.expect("shutdown");
}
