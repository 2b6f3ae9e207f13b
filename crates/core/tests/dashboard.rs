//! The Panel's figures against values worked out by hand: two days three
//! weeks ahead (past the demo seed's citas) filled through GHL's UI with
//! known citas, synced into a real replica, then counted in SQL.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use citadesk_core::ghl::Secret;
use citadesk_core::{DashboardChart, DemoConnection, Desk, DeskOptions, RunTrigger};
use ghl_sandbox::{RunningSandbox, SandboxConfig, Seed};

/// Calendars of the demo seed, by name.
const FISIO: &str = "Fisioterapia";
const MEDICINA: &str = "Medicina General";
const NUTRICION: &str = "Nutrición";

async fn setup() -> (RunningSandbox, tempfile::TempDir, Arc<Desk>) {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        rate_limits: ghl_sandbox::RateLimits::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let dir = tempfile::tempdir().unwrap();
    let mut o = DeskOptions::new(dir.path());
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    let desk = Desk::open(o).unwrap();
    desk.sync_now().await.expect("first sync");
    (sb, dir, desk)
}

/// A cita booked in GHL's UI, webhooks off (the sync brings it).
async fn ghl_cita(
    sb: &RunningSandbox,
    calendar: &str,
    contact: &str,
    day: NaiveDate,
    hhmm: &str,
    minutes: i64,
    status: &str,
) -> String {
    let start =
        chrono::NaiveDateTime::parse_from_str(&format!("{day} {hhmm}"), "%Y-%m-%d %H:%M").unwrap();
    let iso = |t: chrono::NaiveDateTime| format!("{}-05:00", t.format("%Y-%m-%dT%H:%M:%S"));
    let v = sb
        .edit_in_ghl_ui(
            reqwest::Method::POST,
            "/appointments?webhooks=false",
            Some(serde_json::json!({
                "calendarId": calendar,
                "contactId": contact,
                "startTime": iso(start),
                "endTime": iso(start + Duration::minutes(minutes)),
                "title": "Cita de prueba",
                "appointmentStatus": status,
            })),
        )
        .await;
    v["id"]
        .as_str()
        .or(v["event"]["id"].as_str())
        .expect("event id")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_counts_match_figures_worked_out_by_hand() {
    let (sb, _dir, desk) = setup().await;
    let week = desk.week_view(None).unwrap();
    let cal = |name: &str| {
        week.calendars
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .id
            .clone()
    };
    let (fisio, medicina, nutricion) = (cal(FISIO), cal(MEDICINA), cal(NUTRICION));
    // A Monday at least 16 days ahead: past the seed's citas, inside the sync window.
    let today = NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap();
    let mut monday = today + Duration::days(16);
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    let tuesday = monday + Duration::days(1);
    // Patients who had citas before (returning), and one new to the clinic.
    let mut regulars: Vec<String> = week
        .citas
        .iter()
        .filter(|c| c.status == "showed")
        .filter_map(|c| c.contact_id.clone())
        .collect();
    regulars.sort();
    regulars.dedup();
    assert!(regulars.len() >= 3, "the seed's past week has patients");
    let (p1, p2, p3) = (&regulars[0], &regulars[1], &regulars[2]);
    let made = sb
        .edit_in_ghl_ui(
            reqwest::Method::POST,
            "/contacts",
            Some(serde_json::json!({"firstName": "Nueva", "lastName": "Paciente"})),
        )
        .await;
    let nueva = made["contact"]["id"]
        .as_str()
        .or(made["id"].as_str())
        .expect("contact id")
        .to_string();

    // Monday: 4 citas (showed, noshow, cancelled on Fisioterapia, confirmed on Medicina).
    ghl_cita(&sb, &fisio, &nueva, monday, "09:00", 45, "showed").await;
    ghl_cita(&sb, &fisio, p1, monday, "10:00", 45, "noshow").await;
    ghl_cita(&sb, &fisio, p2, monday, "11:00", 45, "cancelled").await;
    ghl_cita(&sb, &medicina, p3, monday, "09:00", 30, "confirmed").await;
    // Tuesday: 2 showed on Fisioterapia, the new patient back.
    ghl_cita(&sb, &fisio, &nueva, tuesday, "09:00", 45, "showed").await;
    ghl_cita(&sb, &fisio, p1, tuesday, "10:00", 45, "showed").await;
    desk.sync_now().await.expect("sync brings them");

    // Monday's reconciliation lists the six citas made in GHL's UI (the
    // sync healed them: the report still names them).
    let report = desk
        .reconcile_around(Some(monday), 0, 0, RunTrigger::Manual)
        .await
        .expect("reconcile");
    assert_eq!(report.counts.faltantes_local, 6, "{:?}", report.counts);

    let d = desk
        .dashboard(&monday.to_string(), &tuesday.to_string(), None)
        .expect("dashboard");
    let (mon, tue) = (&d.citas_per_day[0], &d.citas_per_day[1]);
    assert_eq!(
        (
            mon.total,
            mon.showed,
            mon.noshow,
            mon.cancelled,
            mon.confirmed
        ),
        (4, 1, 1, 1, 1)
    );
    assert_eq!((tue.total, tue.showed), (2, 2));
    // No-show: 1 of (1 showed + 1 noshow); cancelled: 1 of 4.
    assert_eq!(d.rates[0].no_show_rate, Some(0.5));
    assert_eq!(d.rates[0].cancellation_rate, Some(0.25));
    assert_eq!(
        (d.rates[1].no_show_rate, d.rates[1].cancellation_rate),
        (Some(0.0), Some(0.0))
    );
    // Fisioterapia: open 08-19 Mon and Tue (2 × 660 min), booked 4 × 45
    // (the cancelled one does not count). Medicina: 2 × (5 h + 5 h), 30
    // booked. Nutrición: Mon 09-17 + Tue 11-19, nothing booked.
    let occ = |id: &str| d.occupancy.iter().find(|o| o.calendar_id == id).unwrap();
    assert_eq!(
        (occ(&fisio).booked_minutes, occ(&fisio).open_minutes),
        (180, 1320)
    );
    assert_eq!(
        (occ(&medicina).booked_minutes, occ(&medicina).open_minutes),
        (30, 1200)
    );
    assert_eq!(
        (occ(&nutricion).booked_minutes, occ(&nutricion).open_minutes),
        (0, 960)
    );
    assert_eq!(occ(&medicina).occupancy, Some(30.0 / 1200.0));
    assert_eq!(occ(&fisio).open_hours_from, "ghl");
    assert!(occ(&fisio).practitioner.is_some());
    // Monday: the new patient, and two regulars (the cancelled one not
    // counted); Tuesday: both back.
    assert_eq!((d.patients[0].new, d.patients[0].returning), (1, 2));
    assert_eq!((d.patients[1].new, d.patients[1].returning), (0, 2));
    assert_eq!(d.differences[0].differences, Some(6));
    assert_eq!(d.differences[1].differences, None);
    assert!(!d.confirmations.available, "no reminders yet");

    let csv = desk
        .dashboard_csv(
            &monday.to_string(),
            &tuesday.to_string(),
            None,
            DashboardChart::Rates,
        )
        .unwrap();
    assert_eq!(
        csv,
        format!(
            "day,no_show_rate,cancellation_rate\n{monday},0.5000,0.2500\n{tuesday},0.0000,0.0000\n"
        )
    );
    let err = desk
        .dashboard(&tuesday.to_string(), &monday.to_string(), None)
        .unwrap_err();
    assert_eq!(err.code(), "input.invalid_range");
    sb.shutdown().await;
}
