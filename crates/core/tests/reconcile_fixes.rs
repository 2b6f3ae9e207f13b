//! Reconciliation fixes against ghl-sandbox: drift made "in GHL's UI"
//! (admin API, no webhooks) while the desk looked away, an outbox item GHL
//! refused, and a write still pending; each category fixed, and the next run
//! reports nothing.

mod common;

use citadesk_core::ghl::Secret;
use citadesk_core::{
    BookingRequest, CitaAction, DemoConnection, Desk, DeskOptions, FixAction, FixRequest,
    PatientChoice,
};
use ghl_sandbox::faults::{FaultKind, FaultRule};
use ghl_sandbox::{SandboxConfig, Seed};
use reqwest::Method;

fn ids(lines: &[citadesk_core::ReportLine]) -> Vec<String> {
    let mut v: Vec<String> = lines.iter().map(|l| l.id.clone()).collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_category_is_fixed_through_the_outbox_and_the_next_run_is_clean() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = DeskOptions::new(dir.path());
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    let desk = Desk::open(o).unwrap();
    desk.sync_now().await.unwrap();
    assert!(desk.reconcile(1, 30).await.unwrap().is_clean());

    let week = desk.week_view(None).unwrap();
    let mut future = common::citas_ahead(&desk).into_iter();
    let moved = future.next().unwrap();
    let cancelled = future.next().unwrap();
    let deleted = future.next().unwrap();
    let retimed = future.next().unwrap();
    let status_only = future.next().unwrap();
    let waiting = future.next().unwrap();
    let other_cal = week
        .calendars
        .iter()
        .find(|c| c.id != moved.calendar_id)
        .unwrap()
        .id
        .clone();
    let day = retimed.start_local[..10].to_string();

    // Edits in GHL's UI while the desk is not listening.
    sb.edit_in_ghl_ui(
        Method::PATCH,
        &format!("/appointments/{}", moved.id),
        Some(serde_json::json!({ "calendarId": other_cal })),
    )
    .await;
    sb.edit_in_ghl_ui(
        Method::POST,
        &format!("/appointments/{}/cancel", cancelled.id),
        None,
    )
    .await;
    sb.edit_in_ghl_ui(
        Method::DELETE,
        &format!("/appointments/{}", deleted.id),
        None,
    )
    .await;
    sb.edit_in_ghl_ui(Method::PATCH,
        &format!("/appointments/{}", retimed.id),
        Some(serde_json::json!({ "startTime": format!("{day}T23:30:00-05:00"), "endTime": format!("{day}T23:59:00-05:00") })),
    )
    .await;
    sb.edit_in_ghl_ui(
        Method::PATCH,
        &format!("/appointments/{}", status_only.id),
        Some(serde_json::json!({ "appointmentStatus": "showed" })),
    )
    .await;
    let created = sb.edit_in_ghl_ui(Method::POST,
        "/appointments",
        Some(serde_json::json!({ "calendarId": moved.calendar_id, "contactId": moved.contact_id, "startTime": format!("{day}T21:00:00-05:00"), "endTime": format!("{day}T21:30:00-05:00"), "title": "Creada en GHL" })),
    )
    .await;
    let created_id = created["id"].as_str().unwrap().to_string();

    // An outbox item GHL refuses: its patient was deleted in GHL meanwhile.
    let gone = sb
        .edit_in_ghl_ui(
            Method::POST,
            "/contacts",
            Some(serde_json::json!({"firstName": "Teodora", "lastName": "Ida"})),
        )
        .await;
    let gone_id = desk.search_patients_in_ghl("Teodora").await.unwrap()[0]
        .id
        .clone();
    assert_eq!(gone["id"].as_str(), Some(gone_id.as_str()));
    sb.edit_in_ghl_ui(Method::DELETE, &format!("/contacts/{gone_id}"), None)
        .await;
    let refused = desk
        .book(BookingRequest {
            calendar_id: moved.calendar_id.clone(),
            patient: Some(PatientChoice::Existing {
                contact_id: gone_id,
            }),
            date: day.clone(),
            start: "19:00".into(),
            duration_minutes: 30,
            title: "Rechazada".into(),
            notes: None,
            override_reason: Some("prueba".into()),
        })
        .await
        .unwrap_err();
    assert!(refused.code().starts_with("ghl."), "{refused:?}");
    let refused_local = desk.store().refused_cita_creates(sb.location_id()).unwrap()[0]
        .local_id
        .clone();

    // A write still waiting in the outbox (GHL failing) is never drift.
    sb.sandbox().faults().add(FaultRule {
        kind: FaultKind::ServerError,
        remaining: 50,
        ms: 0,
        path: Some(format!("/calendars/events/appointments/{}", waiting.id)),
    });
    let pending = desk
        .change_cita(
            &waiting.id,
            CitaAction::Status {
                status: "noshow".into(),
            },
        )
        .await
        .unwrap();
    assert!(!pending.confirmed);

    let report = desk.reconcile(1, 30).await.unwrap();
    assert_eq!(
        ids(&report.faltantes_local),
        std::slice::from_ref(&created_id)
    );
    assert_eq!(
        ids(&report.canceladas_no_actualizadas),
        std::slice::from_ref(&cancelled.id)
    );
    let mut remoto = vec![deleted.id.clone(), refused_local.clone()];
    remoto.sort();
    assert_eq!(ids(&report.faltantes_remoto), remoto);
    let mut drift: Vec<String> = report
        .desincronizadas
        .iter()
        .map(|d| d.id.clone())
        .collect();
    drift.sort();
    let mut expected = vec![moved.id.clone(), retimed.id.clone(), status_only.id.clone()];
    expected.sort();
    assert_eq!(drift, expected, "the pending write is not reported");
    let status_line = report
        .desincronizadas
        .iter()
        .find(|d| d.id == status_only.id)
        .unwrap();
    assert_eq!(
        status_line.diferencias.len(),
        1,
        "a status-only change is one field"
    );

    let fix = |id: &str, action| FixRequest {
        cita_id: id.to_string(),
        action,
    };
    let outcome = desk
        .apply_fixes(
            report.id.expect("stored reports have an id"),
            vec![
                fix(&created_id, FixAction::TakeGhl),
                fix(&cancelled.id, FixAction::TakeGhl),
                fix(&moved.id, FixAction::TakeGhl),
                fix(&status_only.id, FixAction::TakeGhl),
                // The desk's time was right: GHL gets it back.
                fix(&retimed.id, FixAction::PushLocal),
                fix(&deleted.id, FixAction::Recreate),
                fix(&refused_local, FixAction::TakeGhl),
                // Not a line of this report: refused with a reason, nothing done.
                fix("no-such-cita", FixAction::TakeGhl),
            ],
        )
        .await
        .unwrap();
    assert_eq!(outcome.applied, 7, "{outcome:?}");
    assert_eq!(outcome.failed.len(), 1);
    assert_eq!(outcome.failed[0].code, "reconcile.fix_not_applicable");

    {
        let world = sb.sandbox().read().await;
        let back = &world.appointments[&retimed.id];
        assert_eq!(
            back.start_time.to_rfc3339(),
            chrono::DateTime::parse_from_rfc3339(&retimed.start_utc)
                .unwrap()
                .to_rfc3339()
        );
        let recreated: Vec<_> = world
            .appointments
            .values()
            .filter(|a| {
                a.contact_id == deleted.contact_id.clone().unwrap()
                    && a.start_time.to_rfc3339()
                        == chrono::DateTime::parse_from_rfc3339(&deleted.start_utc)
                            .unwrap()
                            .to_rfc3339()
            })
            .collect();
        assert_eq!(recreated.len(), 1, "re-created once");
    }
    let trail = desk.cita_audit(&retimed.id).unwrap();
    assert!(trail
        .iter()
        .any(|a| a.action == "reconciliation_fix" && a.reason.as_deref() == Some("push_local")));

    // The pending write goes through once GHL recovers; then nothing is left.
    sb.sandbox().faults().clear();
    desk.push_outbox().await.unwrap();
    let after = desk.reconcile(1, 30).await.unwrap();
    assert!(after.is_clean(), "{after:#?}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_run_happens_once_and_catches_up_at_start() {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let options = || {
        let mut o = DeskOptions::new(dir.path());
        o.demo = Some(DemoConnection {
            base_url: sb.base_url(),
            location_id: sb.location_id().to_string(),
            token: Secret::new(sb.pit()),
        });
        o
    };
    let desk = Desk::open(options()).unwrap();
    desk.sync_now().await.unwrap();
    // Due at 00:00 local: already past, so the start-up check runs it.
    let mut settings = desk.location_settings().unwrap();
    settings.reconcile_at = "00:00".into();
    settings.reconcile_days_ahead = 7;
    desk.set_location_settings(settings).unwrap();
    let first = desk.scheduled_reconcile_if_due().await.unwrap();
    assert!(first.is_some(), "a missed run catches up");
    assert!(
        desk.scheduled_reconcile_if_due().await.unwrap().is_none(),
        "once a day"
    );
    drop(desk);
    // A restart the same day does not run it again.
    let desk = Desk::open(options()).unwrap();
    assert!(desk.scheduled_reconcile_if_due().await.unwrap().is_none());
    assert_eq!(desk.reconciliation_reports(10).unwrap().len(), 1);
    // Not yet due (23:59): nothing runs.
    let mut settings = desk.location_settings().unwrap();
    settings.reconcile_at = "23:59".into();
    desk.set_location_settings(settings).unwrap();
    desk.store()
        .set_last_scheduled_run(sb.location_id(), "2000-01-01")
        .unwrap();
    let local_now = chrono::Utc::now().with_timezone(&chrono_tz::America::Lima);
    let ran = desk.scheduled_reconcile_if_due().await.unwrap();
    use chrono::Timelike;
    if local_now.hour() < 23 || local_now.minute() < 59 {
        assert!(ran.is_none());
    }
    sb.shutdown().await;
}
