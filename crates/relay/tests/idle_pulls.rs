//! What an idle desk asks GHL (issue #15, part 5), with real parts on
//! loopback: while the relay is live the sync loop lists only the days
//! around today, and still finds a change whose webhook GHL never sent;
//! once the relay is gone, the full pull every polling interval returns.

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use citadesk_core::{Desk, PullIntervals, RelayState};
use common::app::*;
use ghl_sandbox::{RunningSandbox, WebhookFault, WebhookFaultKind};

/// The sandbox's GHL calls since the last clear: (location reads, the
/// events listings' widths in days).
fn calls_since_clear(sb: &RunningSandbox) -> (usize, Vec<f64>) {
    let requests = sb.sandbox().requests();
    let locations = requests
        .iter()
        .filter(|r| r.path.starts_with("/locations/"))
        .count();
    let widths = requests
        .iter()
        .filter(|r| r.path == "/calendars/events")
        .map(|r| {
            let q = r.query.as_deref().unwrap_or("");
            let ms = |k: &str| -> f64 {
                q.split('&')
                    .find_map(|p| p.strip_prefix(&format!("{k}=")))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("{k} in {q}"))
            };
            (ms("endTime") - ms("startTime")) / 86_400_000.0
        })
        .collect();
    (locations, widths)
}

/// A desk following a live relay, with its sync loop running on short
/// intervals: the whole window every `poll` without the relay, the days
/// around today every 300 ms with it.
async fn live_desk(
    sb: &RunningSandbox,
    app_dir: &std::path::Path,
    relay_dir: &std::path::Path,
    base: &str,
    poll: Duration,
) -> (Arc<Desk>, Vec<tokio::task::JoinHandle<()>>) {
    let desk = desk_with(
        sb,
        app_dir,
        PullIntervals {
            poll,
            near_today: Duration::from_millis(300),
            full_relayed: Duration::from_secs(3600),
        },
    )
    .await;
    let relay_task = follow_connected(&desk, relay_dir, base, sb.location_id()).await;
    let loop_task = tokio::spawn(desk.clone().run_sync_loop());
    // The loop's start-up pull (a full one, after the helper's first sync)
    // has begun; a small seed's pull is over well within a second.
    wait_until("the start-up pull", Duration::from_secs(10), || {
        calls_since_clear(sb).0 >= 2
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    (desk, vec![relay_task, loop_task])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_relay_live_the_loop_pulls_near_today_and_still_finds_a_lost_webhook() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let (desk, tasks) = live_desk(
        &sb,
        app_dir.path(),
        relay_dir.path(),
        &base,
        Duration::from_secs(3),
    )
    .await;

    // A cita today (Lima), brought by its webhook.
    let any = citas(&desk, &loc).into_values().next().expect("a cita");
    let start = Utc::now().format("%Y-%m-%dT10:00:00-05:00").to_string();
    let created = admin(
        &sb,
        reqwest::Method::POST,
        "appointments",
        serde_json::json!({"calendarId": any.calendar_id, "contactId": any.contact_id, "startTime": start, "title": "Control de hoy"}),
    )
    .await;
    let id = created["id"].as_str().expect("id").to_string();
    wait_until("the webhook's cita", Duration::from_secs(10), || {
        citas(&desk, &loc).contains_key(&id)
    })
    .await;

    // Two polling intervals with the relay live: no full pull, only
    // listings of three days.
    sb.sandbox().clear_requests();
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (locations, widths) = calls_since_clear(&sb);
    assert_eq!(locations, 0, "a full pull ran while the relay was live");
    assert!(widths.len() >= 20, "{} listings", widths.len());
    assert!(widths.iter().all(|w| (2.9..=3.1).contains(w)), "{widths:?}");

    // GHL changes the cita and its webhook is lost: the near-today pull
    // brings the change while the relay stays connected.
    sb.sandbox().webhooks().add_fault(WebhookFault {
        kind: WebhookFaultKind::Drop,
        remaining: 1,
        ms: 0,
    });
    retitle(&sb, &id, "Control de hoy – cambiado sin webhook").await;
    wait_until("the lost change pulled", Duration::from_secs(10), || {
        citas(&desk, &loc)[&id].title == "Control de hoy – cambiado sin webhook"
    })
    .await;
    assert_eq!(desk.relay_state(), RelayState::Connected);
    assert_eq!(sb.sandbox().webhooks().stats().dropped_by_fault, 1);
    assert_eq!(
        sb.sandbox()
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/locations/"))
            .count(),
        0
    );

    for t in tasks {
        t.abort();
    }
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_relay_down_the_full_pull_returns() {
    let sb = sandbox().await;
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let (desk, tasks) = live_desk(
        &sb,
        app_dir.path(),
        relay_dir.path(),
        &base,
        Duration::from_secs(2),
    )
    .await;

    sb.sandbox().clear_requests();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(calls_since_clear(&sb).0, 0, "full pull while live");

    relay.shutdown().await.expect("relay stops");
    wait_until("the relay seen down", Duration::from_secs(10), || {
        desk.relay_state() != RelayState::Connected
    })
    .await;
    sb.sandbox().clear_requests();
    // Two polling intervals (after a grace of a fifth of one).
    wait_until("two full pulls", Duration::from_secs(10), || {
        calls_since_clear(&sb).0 >= 2
    })
    .await;
    let (_, widths) = calls_since_clear(&sb);
    // The whole window again: 74 days in listings of at most 31.
    assert!(widths.iter().any(|w| *w > 30.0), "{widths:?}");

    for t in tasks {
        t.abort();
    }
    sb.shutdown().await;
}
