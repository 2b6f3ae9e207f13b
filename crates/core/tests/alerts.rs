//! The manager's alerts against ghl-sandbox's faults, over real HTTP with a
//! real replica: each raised once while its condition holds, cleared when it
//! ends, and kept across a restart without being raised again.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use citadesk_core::ghl::Secret;
use citadesk_core::{
    AlertKind, AlertThresholds, BookingRequest, DemoConnection, Desk, DeskOptions, FixAction,
    FixRequest, PatientChoice,
};
use ghl_sandbox::{FaultKind, FaultRule, RateLimits, RunningSandbox, SandboxConfig, Seed};

async fn sandbox() -> RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        // GHL's burst limit, with a short window so a 429 storm waits little.
        rate_limits: RateLimits {
            burst: 100,
            interval: Duration::from_millis(100),
            daily: 200_000,
        },
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

fn open(dir: &Path, sb: &RunningSandbox) -> Arc<Desk> {
    let mut o = DeskOptions::new(dir);
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    Desk::open(o).expect("desk")
}

fn fault(sb: &RunningSandbox, kind: FaultKind, count: u32, path: Option<&str>) {
    sb.sandbox().faults().add(FaultRule {
        kind,
        remaining: count,
        ms: 0,
        path: path.map(String::from),
    });
}

fn open_kinds(desk: &Desk) -> Vec<AlertKind> {
    desk.alerts()
        .expect("alerts")
        .into_iter()
        .map(|a| a.kind)
        .collect()
}

async fn raised(desk: &Desk) -> Vec<AlertKind> {
    desk.check_alerts()
        .await
        .expect("check")
        .into_iter()
        .map(|a| a.kind)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_raises_the_rate_limit_alert_once_across_a_restart_and_a_good_sync_clears_it() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = open(dir.path(), &sb);
    desk.sync_now().await.expect("first sync");
    assert_eq!(raised(&desk).await, [], "a healthy desk has no alerts");

    fault(&sb, FaultKind::RateLimited, 1000, None);
    let err = desk
        .sync_now()
        .await
        .expect_err("the storm outlasts the waits");
    assert_eq!(err.code(), "ghl.rate_limited");
    assert_eq!(raised(&desk).await, [AlertKind::RateLimitLow]);
    let alert = &desk.alerts().unwrap()[0];
    assert_eq!(alert.figure, 0, "no calls left");
    assert!(
        alert.message.contains("quedan 0 llamadas"),
        "{}",
        alert.message
    );
    assert_eq!(raised(&desk).await, [], "raised once while it holds");
    let health = desk.health().await.unwrap();
    assert_eq!(health.alerts.len(), 1);
    assert!(health.ghl_health < 100.0, "{}", health.ghl_health);

    // A restart keeps it and does not raise it again.
    drop(desk);
    let desk = open(dir.path(), &sb);
    assert_eq!(open_kinds(&desk), [AlertKind::RateLimitLow]);
    assert_eq!(raised(&desk).await, []);
    assert_eq!(open_kinds(&desk), [AlertKind::RateLimitLow]);

    sb.sandbox().faults().clear();
    desk.sync_now().await.expect("the storm is over");
    assert_eq!(raised(&desk).await, []);
    assert_eq!(open_kinds(&desk), [], "cleared");
    let history = desk.alert_history(10).unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0].cleared_at.is_some());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_raises_the_reconnect_alert_until_ghl_takes_the_token_again() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = open(dir.path(), &sb);
    desk.sync_now().await.expect("first sync");
    fault(&sb, FaultKind::RevokedToken, 1000, None);
    let err = desk.sync_now().await.expect_err("GHL refuses the token");
    assert!(err.code().starts_with("auth."), "{}", err.code());
    assert_eq!(raised(&desk).await, [AlertKind::TokenRefreshFailed]);
    let en = {
        desk.set_locale(citadesk_core::Locale::En).unwrap();
        desk.alerts().unwrap()[0].message.clone()
    };
    assert!(en.contains("Connect the location again"), "{en}");
    assert_eq!(raised(&desk).await, []);

    sb.sandbox().faults().clear();
    desk.sync_now().await.expect("GHL takes the token again");
    raised(&desk).await;
    assert_eq!(open_kinds(&desk), []);
    sb.shutdown().await;
}

/// Books at the `nth` free slot of the first calendar tomorrow.
async fn book(desk: &Desk, nth: usize, patient: &str) -> citadesk_core::BookingOutcome {
    desk.book(request_for(desk, patient, nth).await)
        .await
        .expect("booked (or kept pending)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_writes_over_the_threshold_alert_until_the_window_passes() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = open(dir.path(), &sb);
    desk.sync_now().await.expect("first sync");
    desk.set_alert_thresholds(AlertThresholds {
        refused_writes_per_hour: 1,
        refused_window: Duration::from_secs(3),
        ..Default::default()
    });
    // A patient deleted in GHL's UI: GHL refuses every cita for them.
    sb.edit_in_ghl_ui(
        reqwest::Method::POST,
        "/contacts",
        Some(serde_json::json!({"firstName": "Eulalia", "lastName": "Prueba"})),
    )
    .await;
    let patient = desk.search_patients_in_ghl("Eulalia").await.unwrap()[0]
        .id
        .clone();
    sb.edit_in_ghl_ui(
        reqwest::Method::DELETE,
        &format!("/contacts/{patient}"),
        None,
    )
    .await;

    let first = desk.book(request_for(&desk, &patient, 0).await).await;
    assert!(first.is_err(), "{first:?}");
    assert_eq!(raised(&desk).await, [], "one refusal is not more than one");
    let _ = desk.book(request_for(&desk, &patient, 1).await).await;
    assert_eq!(desk.refused_writes().unwrap().len(), 2, "GHL refused both");
    assert_eq!(raised(&desk).await, [AlertKind::WritesRefused]);
    assert_eq!(desk.alerts().unwrap()[0].figure, 2);
    assert_eq!(raised(&desk).await, []);

    tokio::time::sleep(Duration::from_millis(3200)).await;
    raised(&desk).await;
    assert_eq!(open_kinds(&desk), [], "no refusal in the window: cleared");
    sb.shutdown().await;
}

async fn request_for(desk: &Desk, patient: &str, nth: usize) -> BookingRequest {
    let week = desk.week_view(None).unwrap();
    let calendar = week.calendars[0].id.clone();
    let tomorrow = (chrono::NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1))
    .to_string();
    let slot = desk.free_slots(&calendar, Some(&tomorrow)).await.unwrap()[nth].clone();
    BookingRequest {
        calendar_id: calendar,
        patient: Some(PatientChoice::Existing {
            contact_id: patient.to_string(),
        }),
        date: slot.date,
        start: slot.start,
        duration_minutes: 30,
        title: "Control".into(),
        notes: None,
        override_reason: Some("prueba".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_waiting_while_online_alert_until_they_reach_ghl() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = open(dir.path(), &sb);
    desk.sync_now().await.expect("first sync");
    desk.set_alert_thresholds(AlertThresholds {
        outbox_wait: Duration::ZERO,
        ..Default::default()
    });
    let patient = desk.week_view(None).unwrap().citas[0]
        .contact_id
        .clone()
        .expect("a patient");
    // GHL answers 500 to every create: the cita waits in the outbox.
    fault(
        &sb,
        FaultKind::ServerError,
        1000,
        Some("/calendars/events/appointments"),
    );
    let outcome = book(&desk, 0, &patient).await;
    assert!(outcome.notice.is_some(), "kept pending: {outcome:?}");
    assert_eq!(raised(&desk).await, [AlertKind::OutboxWaiting]);
    assert_eq!(desk.alerts().unwrap()[0].figure, 1);

    sb.sandbox().faults().clear();
    desk.push_outbox().await.expect("pushed");
    raised(&desk).await;
    assert_eq!(open_kinds(&desk), []);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconciliation_with_differences_alerts_until_every_line_is_fixed() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = open(dir.path(), &sb);
    desk.sync_now().await.expect("first sync");
    let cita = desk.week_view(None).unwrap().citas[0].id.clone();
    // Changed in GHL's UI, its webhook lost.
    sb.edit_in_ghl_ui(
        reqwest::Method::PATCH,
        &format!("/appointments/{cita}?webhooks=false"),
        Some(serde_json::json!({"title": "Cambiada en GHL"})),
    )
    .await;
    let report = desk.reconcile(7, 7).await.expect("reconcile");
    assert!(report.counts.total >= 1);
    assert_eq!(raised(&desk).await, [AlertKind::ReconcileDifferences]);

    let ids = report
        .faltantes_local
        .iter()
        .chain(&report.canceladas_no_actualizadas)
        .chain(&report.faltantes_remoto)
        .map(|l| l.id.clone())
        .chain(report.desincronizadas.iter().map(|l| l.id.clone()));
    let fixes = ids
        .map(|cita_id| FixRequest {
            cita_id,
            action: FixAction::TakeGhl,
        })
        .collect();
    desk.apply_fixes(report.id.expect("stored"), fixes)
        .await
        .expect("fixed");
    raised(&desk).await;
    assert_eq!(open_kinds(&desk), [], "every line fixed: cleared");
    sb.shutdown().await;
}
