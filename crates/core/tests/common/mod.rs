//! The fixed seed of the figure tests (the Panel, the month and the list):
//! the demo clinic in ghl-sandbox, synced into a real replica, plus two days
//! three weeks ahead (past the seed's own citas) filled through GHL's UI
//! with citas whose figures are worked out by hand.

#![allow(dead_code)] // each test file uses its part

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use citadesk_core::ghl::Secret;
use citadesk_core::{DemoConnection, Desk, DeskOptions};
use ghl_sandbox::{RunningSandbox, SandboxConfig, Seed};

/// Calendars of the demo seed, by name.
pub const FISIO: &str = "Fisioterapia";
pub const MEDICINA: &str = "Medicina General";
pub const NUTRICION: &str = "Nutrición";

pub async fn setup() -> (RunningSandbox, tempfile::TempDir, Arc<Desk>) {
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

/// A cita booked in GHL's UI (Lima time), webhooks off (the sync brings
/// it); `extra` adds fields to the body (notes, title).
#[allow(clippy::too_many_arguments)]
pub async fn ghl_cita_with(
    sb: &RunningSandbox,
    calendar: &str,
    contact: &str,
    day: NaiveDate,
    hhmm: &str,
    minutes: i64,
    status: &str,
    extra: serde_json::Value,
) -> String {
    let start =
        chrono::NaiveDateTime::parse_from_str(&format!("{day} {hhmm}"), "%Y-%m-%d %H:%M").unwrap();
    let iso = |t: chrono::NaiveDateTime| format!("{}-05:00", t.format("%Y-%m-%dT%H:%M:%S"));
    let mut body = serde_json::json!({
        "calendarId": calendar,
        "contactId": contact,
        "startTime": iso(start),
        "endTime": iso(start + Duration::minutes(minutes)),
        "title": "Cita de prueba",
        "appointmentStatus": status,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let v = sb
        .edit_in_ghl_ui(
            reqwest::Method::POST,
            "/appointments?webhooks=false",
            Some(body),
        )
        .await;
    v["id"]
        .as_str()
        .or(v["event"]["id"].as_str())
        .expect("event id")
        .to_string()
}

pub async fn ghl_cita(
    sb: &RunningSandbox,
    calendar: &str,
    contact: &str,
    day: NaiveDate,
    hhmm: &str,
    minutes: i64,
    status: &str,
) -> String {
    let extra = serde_json::json!({});
    ghl_cita_with(sb, calendar, contact, day, hhmm, minutes, status, extra).await
}

/// The two filled days and who is in them.
pub struct TwoDays {
    pub monday: NaiveDate,
    pub tuesday: NaiveDate,
    pub fisio: String,
    pub medicina: String,
    pub nutricion: String,
    /// A patient new to the clinic ("Nueva Paciente").
    pub nueva: String,
    /// Patients who had citas before.
    pub regulars: Vec<String>,
}

/// Monday (at least 16 days ahead, inside the sync window): on
/// Fisioterapia 09:00 showed (Nueva), 10:00 noshow, 11:00 cancelled, each
/// 45 min; on Medicina 09:00 confirmed, 30 min. Tuesday: on Fisioterapia
/// 09:00 showed (Nueva), 10:00 showed. Synced before it returns.
pub async fn two_days(sb: &RunningSandbox, desk: &Desk) -> TwoDays {
    let week = desk.week_view(None).unwrap();
    let cal = |name: &str| {
        week.calendars
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name}"))
            .id
            .clone()
    };
    let today = NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap();
    let mut monday = today + Duration::days(16);
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    let tuesday = monday + Duration::days(1);
    let mut regulars: Vec<String> = week
        .citas
        .iter()
        .filter(|c| c.status == "showed")
        .filter_map(|c| c.contact_id.clone())
        .collect();
    regulars.sort();
    regulars.dedup();
    assert!(regulars.len() >= 3, "the seed's past week has patients");
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
    let d = TwoDays {
        monday,
        tuesday,
        fisio: cal(FISIO),
        medicina: cal(MEDICINA),
        nutricion: cal(NUTRICION),
        nueva,
        regulars,
    };
    let (p1, p2, p3) = (&d.regulars[0], &d.regulars[1], &d.regulars[2]);
    ghl_cita(sb, &d.fisio, &d.nueva, monday, "09:00", 45, "showed").await;
    ghl_cita(sb, &d.fisio, p1, monday, "10:00", 45, "noshow").await;
    ghl_cita(sb, &d.fisio, p2, monday, "11:00", 45, "cancelled").await;
    ghl_cita(sb, &d.medicina, p3, monday, "09:00", 30, "confirmed").await;
    ghl_cita(sb, &d.fisio, &d.nueva, tuesday, "09:00", 45, "showed").await;
    ghl_cita(sb, &d.fisio, p1, tuesday, "10:00", 45, "showed").await;
    desk.sync_now().await.expect("sync brings them");
    d
}

/// The citas still ahead (not cancelled) in this week and the next: this
/// week alone has none left on a Sunday afternoon (the demo's Sunday is a
/// morning shift).
pub fn citas_ahead(desk: &Desk) -> Vec<citadesk_core::CitaView> {
    let week = desk.week_view(None).unwrap();
    let next_monday = (NaiveDate::parse_from_str(&week.week_start, "%Y-%m-%d").unwrap()
        + Duration::days(7))
    .to_string();
    let next_week = desk.week_view(Some(&next_monday)).unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    week.citas
        .into_iter()
        .chain(next_week.citas)
        .filter(|c| c.start_utc > now && c.status != "cancelled")
        .collect()
}
