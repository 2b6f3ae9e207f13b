//! The daily report against ghl-sandbox: what the pull sync healed while the
//! desk worked (edits made in GHL's screens) is listed once, in the seed's
//! categories, with how it arrived; the desk's own writes never are; the
//! first sync is a baseline; restoring the desk's version of a cita deleted
//! in GHL brings it back once; the default window takes one GHL call per
//! calendar.

mod common;

use citadesk_core::ghl::Secret;
use citadesk_core::{
    BookingRequest, CitaAction, DemoConnection, Desk, DeskOptions, FixAction, FixRequest,
    PatientChoice, ReconciliationReport, RunTrigger, Via, RECONCILE_DAYS_AHEAD,
    RECONCILE_DAYS_BACK,
};
use ghl_sandbox::{SandboxConfig, Seed};
use reqwest::Method;

fn ids(lines: &[citadesk_core::ReportLine]) -> Vec<&str> {
    let mut v: Vec<&str> = lines.iter().map(|l| l.id.as_str()).collect();
    v.sort();
    v
}

async fn daily(desk: &Desk) -> ReconciliationReport {
    desk.reconcile_with(
        RECONCILE_DAYS_BACK,
        RECONCILE_DAYS_AHEAD,
        RunTrigger::Scheduled,
    )
    .await
    .unwrap()
}

/// The demo clinic in a sandbox, and a desk on it (not yet synced).
async fn demo_desk() -> (
    ghl_sandbox::RunningSandbox,
    tempfile::TempDir,
    std::sync::Arc<Desk>,
) {
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
    (sb, dir, desk)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_sync_healed_is_in_the_next_daily_report_once() {
    let (sb, _dir, desk) = demo_desk().await;

    // Nothing is scheduled before this start-up's sync has finished (it
    // would list what the sync is still fetching).
    assert!(desk.scheduled_reconcile_if_due().await.unwrap().is_none());
    // The first sync is a baseline: nothing healed, nothing reported.
    desk.sync_now().await.unwrap();
    let first = daily(&desk).await;
    assert!(first.is_clean(), "{first:#?}");
    assert_eq!(first.healed, 0);
    // The default window is 31 days: one listing per calendar, plus the
    // calendar list.
    let calendars = desk.week_view(None).unwrap().calendars.len() as u32;
    assert_eq!(first.ghl_calls, calendars + 1, "{first:#?}");

    let week = desk.week_view(None).unwrap();
    let mut future = common::citas_ahead(&desk).into_iter();
    let cancelled = future.next().unwrap();
    let deleted = future.next().unwrap();
    let moved = future.next().unwrap();
    let ours = future.next().unwrap();
    let other_cal = week
        .calendars
        .iter()
        .find(|c| c.id != moved.calendar_id)
        .unwrap()
        .id
        .clone();
    let day = moved.start_local[..10].to_string();

    // The desk's own writes: a move and a booking, echoed back by the pull.
    desk.change_cita(
        &ours.id,
        CitaAction::Status {
            status: "showed".into(),
        },
    )
    .await
    .unwrap();
    let booked = desk
        .book(BookingRequest {
            calendar_id: moved.calendar_id.clone(),
            patient: Some(PatientChoice::Existing {
                contact_id: moved.contact_id.clone().unwrap(),
            }),
            date: day.clone(),
            start: "20:00".into(),
            duration_minutes: 30,
            title: "Reservada en el escritorio".into(),
            notes: None,
            override_reason: Some("prueba".into()),
        })
        .await
        .unwrap();
    assert!(booked.confirmed);

    // Edits in GHL's screens, no webhooks: the next pull heals them.
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
    sb.edit_in_ghl_ui(
        Method::PATCH,
        &format!("/appointments/{}", moved.id),
        Some(serde_json::json!({ "calendarId": other_cal })),
    )
    .await;
    let created = sb.edit_in_ghl_ui(Method::POST,
        "/appointments",
        Some(serde_json::json!({ "calendarId": moved.calendar_id, "contactId": moved.contact_id, "startTime": format!("{day}T21:00:00-05:00"), "endTime": format!("{day}T21:30:00-05:00"), "title": "Creada en GHL" })),
    )
    .await;
    let created_id = created["id"].as_str().unwrap().to_string();
    desk.sync_now().await.unwrap();
    // The replica already equals GHL: a bare comparison finds nothing.
    let manual = desk
        .reconcile(RECONCILE_DAYS_BACK, RECONCILE_DAYS_AHEAD)
        .await
        .unwrap();
    assert_eq!(
        manual.healed, 4,
        "a manual run shows the day's healed lines too"
    );

    let report = daily(&desk).await;
    assert_eq!(ids(&report.faltantes_local), [created_id.as_str()]);
    assert_eq!(
        ids(&report.canceladas_no_actualizadas),
        [cancelled.id.as_str()]
    );
    assert_eq!(ids(&report.faltantes_remoto), [deleted.id.as_str()]);
    assert_eq!(report.desincronizadas.len(), 1, "{report:#?}");
    let drift = &report.desincronizadas[0];
    assert_eq!(drift.id, moved.id);
    assert_eq!(drift.calendar_id, other_cal);
    // Another calendar (and GHL gives it that calendar's practitioner).
    let calendar = drift
        .diferencias
        .iter()
        .find(|f| f.campo == citadesk_core::Campo::Calendar)
        .unwrap();
    assert_eq!(calendar.local.as_deref(), Some(moved.calendar_id.as_str()));
    assert_eq!(calendar.ghl.as_deref(), Some(other_cal.as_str()));
    assert_eq!(
        report.counts.total, 4,
        "the desk's own writes are not differences: {report:#?}"
    );
    assert_eq!(report.healed, 4);
    assert_eq!(report.live_changes, 0);
    // No relay connected: a pull is how changes arrive, not a lost webhook.
    assert_eq!(report.lost_webhooks, 0);
    assert!(report
        .faltantes_remoto
        .iter()
        .all(|l| l.notes.via == Some(Via::Pull) && !l.notes.lost_webhook));

    // Listed once: the next daily report has none of them.
    let next = daily(&desk).await;
    assert!(next.is_clean(), "{next:#?}");

    // Restore the desk's version of the cita deleted in GHL: it comes back once.
    let before = sb.sandbox().read().await.appointments.len();
    let outcome = desk
        .apply_fixes(
            report.id.unwrap(),
            vec![FixRequest {
                cita_id: deleted.id.clone(),
                action: FixAction::Recreate,
            }],
        )
        .await
        .unwrap();
    assert_eq!(outcome.applied, 1, "{outcome:?}");
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    let world = sb.sandbox().read().await;
    assert_eq!(world.appointments.len(), before + 1);
    let back: Vec<_> = world
        .appointments
        .values()
        .filter(|a| {
            Some(&a.contact_id) == deleted.contact_id.as_ref()
                && a.start_time == chrono::DateTime::parse_from_rfc3339(&deleted.start_utc).unwrap()
        })
        .collect();
    assert_eq!(back.len(), 1, "recreated once");
    drop(world);
    // The stored report keeps the fix in its history: how, and by whom.
    let stored = desk
        .reconciliation_reports(10)
        .unwrap()
        .into_iter()
        .find(|r| r.id == report.id)
        .unwrap();
    let line = stored
        .faltantes_remoto
        .iter()
        .find(|l| l.id == deleted.id)
        .unwrap();
    let fix = line
        .notes
        .fixed
        .as_ref()
        .expect("the fix is in the history");
    assert_eq!(fix.action, "recreate");
    assert!(!fix.by.is_empty());
    assert!(stored.canceladas_no_actualizadas[0].notes.fixed.is_none());
    sb.shutdown().await;
}

/// Collects what the desk tells the UI about a sync.
#[derive(Default)]
struct Progress(std::sync::Mutex<Vec<citadesk_core::SyncProgress>>);

impl citadesk_core::Notifier for Progress {
    fn status_changed(&self, _: &citadesk_core::AppStatus) {}
    fn replica_changed(&self, _: &str) {}
    fn sync_progress(&self, p: &citadesk_core::SyncProgress) {
        self.0.lock().unwrap().push(p.clone());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_sync_says_how_far_it_is() {
    let (sb, _dir, desk) = demo_desk().await;
    let seen = std::sync::Arc::new(Progress::default());
    desk.set_notifier(seen.clone());
    let summary = desk.sync_now().await.unwrap();
    let steps = seen.0.lock().unwrap().clone();
    let total = summary.calendars;
    assert_eq!(
        steps.first().map(|p| (p.calendars_done, p.calendars_total)),
        Some((0, total))
    );
    let done: Vec<u32> = steps.iter().map(|p| p.calendars_done).collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
    let last = steps.last().unwrap();
    assert_eq!(
        (last.calendars_done, last.citas),
        (total, summary.citas_upserted)
    );
    assert_eq!(last.patients, summary.contacts_fetched);
    sb.shutdown().await;
}
