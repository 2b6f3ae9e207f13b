//! The manager's alerts on the live path (ghl-sandbox → citadesk-relay → the
//! app's core, real HTTP on loopback): a stopped relay and a signed but bad
//! webhook each raise their alert once and clear it when things are well.

mod common;

use std::time::Duration;

use citadesk_core::{AlertKind, AlertThresholds, RelayState};
use common::app::*;
use common::now_iso;

fn open_kinds(desk: &citadesk_core::Desk) -> Vec<AlertKind> {
    desk.alerts()
        .expect("alerts")
        .into_iter()
        .map(|a| a.kind)
        .collect()
}

async fn raised(desk: &citadesk_core::Desk) -> Vec<AlertKind> {
    desk.check_alerts()
        .await
        .expect("check")
        .into_iter()
        .map(|a| a.kind)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_relay_alerts_after_the_wait_and_clears_on_reconnect() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let listen: std::net::SocketAddr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        l.local_addr().expect("addr")
    };
    let start = |dir: std::path::PathBuf| async move {
        let mut cfg = common::test_config(&dir);
        cfg.rsa_public_keys = Vec::new();
        cfg.listen = listen;
        citadesk_relay::start(cfg).await.expect("relay")
    };
    let relay = start(relay_dir.path().to_path_buf()).await;
    let base = format!("http://{listen}");
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    desk.set_alert_thresholds(AlertThresholds {
        relay_down: Duration::from_millis(600),
        ..Default::default()
    });
    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;
    assert_eq!(raised(&desk).await, []);

    relay.shutdown().await.expect("relay stops");
    wait_until("disconnected", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::Disconnected
    })
    .await;
    assert_eq!(raised(&desk).await, [], "not down for long enough yet");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(raised(&desk).await, [AlertKind::RelayDisconnected]);
    assert!(desk.alerts().unwrap()[0].message.contains("relay"));
    assert_eq!(raised(&desk).await, [], "once");

    let relay = start(relay_dir.path().to_path_buf()).await;
    wait_until("connected again", Duration::from_secs(10), || {
        desk.relay_state() == RelayState::Connected
    })
    .await;
    raised(&desk).await;
    assert_eq!(open_kinds(&desk), []);

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_but_bad_webhook_alerts_until_a_good_one_is_applied() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;

    // Signed with GHL's key, but not a webhook GHL would send.
    post_as_ghl(
        &base,
        serde_json::json!({
            "type": "AppointmentUpdate",
            "locationId": loc,
            "webhookId": "malo-1",
            "timestamp": now_iso(),
            "appointment": "no es una cita",
        }),
    )
    .await;
    wait_until("the bad one handled", Duration::from_secs(10), || {
        desk.store()
            .processed_webhooks(&loc)
            .expect("log")
            .iter()
            .any(|p| p.outcome == "rejected")
    })
    .await;
    assert_eq!(raised(&desk).await, [AlertKind::WebhooksFailing]);
    let health = desk.health().await.expect("health");
    let unverified = health
        .webhooks
        .iter()
        .find(|w| w.event_type == "unverified")
        .expect("the rejected one counted");
    assert_eq!(unverified.rejected.len(), 1);
    assert_eq!(
        (
            unverified.rejected[0].reason.as_str(),
            unverified.rejected[0].count
        ),
        ("payload", 1)
    );
    assert_eq!(health.webhook_health, Some(0.0));

    // GHL changes a cita: its genuine webhook is applied.
    let id = citas(&desk, &loc).into_keys().next().expect("a cita");
    retitle(&sb, &id, "Control – cambiada en GHL").await;
    wait_until("the good one applied", Duration::from_secs(10), || {
        desk.store()
            .processed_webhooks(&loc)
            .expect("log")
            .iter()
            .any(|p| p.outcome == "applied")
    })
    .await;
    raised(&desk).await;
    assert_eq!(open_kinds(&desk), []);
    let health = desk.health().await.expect("health");
    assert_eq!(health.webhook_health, Some(50.0));
    assert!(health
        .webhooks
        .iter()
        .any(|w| w.event_type == "AppointmentUpdate" && w.applied == 1 && w.success_rate == 1.0));

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}
