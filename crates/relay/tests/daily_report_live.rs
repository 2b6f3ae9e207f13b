//! The daily report with live updates on: GHL (ghl-sandbox) → citadesk-relay
//! → the app's core over loopback. A cita cancelled in GHL whose webhook
//! arrives is listed as arrived live; one whose webhook GHL dropped is
//! found by the next pull and counted as a lost webhook; restoring the
//! desk's version puts it back in GHL.

mod common;

use std::time::Duration;

use citadesk_core::{FixAction, FixRequest, RunTrigger, Via};
use common::app::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_webhook_is_counted_lost_and_the_desks_version_can_be_restored() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;

    let now = chrono::Utc::now();
    let mut future: Vec<_> = citas(&desk, &loc)
        .into_values()
        .filter(|c| c.start > now && c.status != "cancelled")
        .collect();
    future.sort_by(|a, b| a.start.cmp(&b.start).then(a.id.cmp(&b.id)));
    let (live, lost) = (future[0].id.clone(), future[1].id.clone());
    let lost_status = future[1].status.clone();

    // Cancelled in GHL, its webhook delivered: applied live.
    admin(
        &sb,
        reqwest::Method::POST,
        &format!("appointments/{live}/cancel"),
        serde_json::Value::Null,
    )
    .await;
    wait_until("the live cancellation", Duration::from_secs(10), || {
        citas(&desk, &loc)[&live].status == "cancelled"
    })
    .await;

    // Cancelled in GHL, its webhook dropped by GHL: only the pull finds it.
    admin(
        &sb,
        reqwest::Method::POST,
        "webhooks/faults",
        serde_json::json!({ "kind": "drop", "count": 1 }),
    )
    .await;
    admin(
        &sb,
        reqwest::Method::POST,
        &format!("appointments/{lost}/cancel"),
        serde_json::Value::Null,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_ne!(
        citas(&desk, &loc)[&lost].status,
        "cancelled",
        "no webhook came"
    );
    desk.sync_now().await.expect("sync");
    assert_eq!(citas(&desk, &loc)[&lost].status, "cancelled");

    let report = desk
        .reconcile_with(1, 29, RunTrigger::Scheduled)
        .await
        .expect("daily report");
    let line = |id: &str| {
        report
            .canceladas_no_actualizadas
            .iter()
            .find(|l| l.id == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not listed: {report:#?}"))
    };
    assert_eq!(line(&live).notes.via, Some(Via::Webhook));
    assert!(!line(&live).notes.lost_webhook);
    assert_eq!(line(&lost).notes.via, Some(Via::Pull));
    assert!(line(&lost).notes.lost_webhook);
    // The line shows the cita as the desk had it.
    assert_eq!(line(&lost).status, lost_status);
    assert_eq!(report.counts.total, 2, "{report:#?}");
    assert_eq!(
        (report.healed, report.live_changes, report.lost_webhooks),
        (2, 1, 1)
    );

    // "Restore the desk's version": GHL gets the cita back as it was.
    let outcome = desk
        .apply_fixes(
            report.id.expect("stored"),
            vec![FixRequest {
                cita_id: lost.clone(),
                action: FixAction::PushLocal,
            }],
        )
        .await
        .expect("fix");
    assert_eq!(outcome.applied, 1, "{outcome:?}");
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    let in_ghl = sb.sandbox().read().await.appointments[&lost]
        .appointment_status
        .clone();
    assert_eq!(in_ghl, lost_status);
    assert_eq!(citas(&desk, &loc)[&lost].status, lost_status);

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}
