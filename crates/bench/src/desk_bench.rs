//! Figures of the booking desk and the reconciliation against ghl-sandbox's
//! large seed over loopback (debug or optimised, as built).

use std::path::Path;
use std::time::Instant;

use citadesk_core::ghl::Secret;
use citadesk_core::{BookingRequest, DemoConnection, Desk, DeskOptions, PatientChoice};
use ghl_sandbox::{RateLimits, RunningSandbox, SandboxConfig, Seed};
use serde_json::json;

async fn large_desk(dir: &Path) -> (RunningSandbox, std::sync::Arc<Desk>, u64) {
    // No rate limit while filling the replica: the figures below are about
    // the desk, not about waiting for GHL's quota.
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Large,
        rate_limits: RateLimits::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox starts");
    let mut o = DeskOptions::new(dir);
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    let desk = Desk::open(o).unwrap();
    let t = Instant::now();
    desk.sync_now().await.expect("first sync of the large seed");
    (sb, desk, t.elapsed().as_millis() as u64)
}

fn percentile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * q).round() as usize]
}

fn ghl_calls(sb: &RunningSandbox) -> usize {
    sb.sandbox().requests().len()
}

pub async fn booking(out: &Path, bookings: usize) {
    let dir = tempfile::tempdir().unwrap();
    let (sb, desk, first_sync_ms) = large_desk(dir.path()).await;
    let sync = desk.sync_now().await.unwrap();

    // Week view from the replica: what the window asks on every navigation.
    let week = desk.week_view(None).unwrap();
    let mut week_ms = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let w = desk.week_view(None).unwrap();
        week_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(w.citas.len(), week.citas.len());
    }

    let calendars: Vec<String> = week.calendars.iter().map(|c| c.id.clone()).collect();
    let date = (chrono::NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1))
    .to_string();
    let patients: Vec<String> = week
        .citas
        .iter()
        .filter_map(|c| c.contact_id.clone())
        .take(200)
        .collect();
    let mut existing_calls = Vec::new();
    let mut new_calls = Vec::new();
    let mut existing_ms = Vec::new();
    let mut new_ms = Vec::new();
    for i in 0..bookings {
        let new_patient = i % 2 == 1;
        let patient = if new_patient {
            PatientChoice::New {
                first_name: "Bench".into(),
                last_name: format!("Paciente {i}"),
                phone: Some(format!("9{:08}", 10_000_000 + i)),
                email: None,
            }
        } else {
            PatientChoice::Existing {
                contact_id: patients[i % patients.len()].clone(),
            }
        };
        let request = BookingRequest {
            calendar_id: calendars[i % calendars.len()].clone(),
            patient: Some(patient),
            date: date.clone(),
            start: format!("{:02}:{:02}", 21 + (i / 4) % 2, (i % 4) * 15),
            duration_minutes: 15,
            title: "Bench".into(),
            notes: None,
            // Evening slots may be outside hours or overlap: the desk goes ahead.
            override_reason: Some("benchmark".into()),
        };
        let before = ghl_calls(&sb);
        let t = Instant::now();
        let outcome = desk.book(request).await.expect("booked");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(outcome.confirmed);
        let calls = ghl_calls(&sb) - before;
        if new_patient {
            new_calls.push(calls);
            new_ms.push(ms);
        } else {
            existing_calls.push(calls);
            existing_ms.push(ms);
        }
    }
    let max = |v: &[usize]| v.iter().copied().max().unwrap_or(0);
    let report = json!({
        "benchmark": "booking",
        "when": chrono::Utc::now().to_rfc3339(),
        "build": if cfg!(debug_assertions) { "debug" } else { "optimised" },
        "seed": "large",
        "calendars": week.calendars.len(),
        "replica_citas": desk.store().count_citas(desk.active_location().unwrap().unwrap().as_str()).unwrap(),
        "first_sync_ms": first_sync_ms,
        "first_sync_note": "paged contact search (500 per call) instead of one call per patient",
        "resync": { "ghl_calls": sync.ghl_calls, "ms": sync.duration_ms, "contacts_fetched": sync.contacts_fetched },
        "week_view": {
            "citas": week.citas.len(),
            "ms_p50": percentile(week_ms.clone(), 0.5),
            "ms_p95": percentile(week_ms, 0.95),
            "target_ms": 5,
        },
        "ghl_calls_per_booking": {
            "existing_patient_max": max(&existing_calls),
            "new_patient_max": max(&new_calls),
            "targets": { "existing_patient": 2, "new_patient": 3 },
        },
        "guardar_to_confirmed_ms": {
            "existing_patient_p50": percentile(existing_ms.clone(), 0.5),
            "existing_patient_p95": percentile(existing_ms, 0.95),
            "new_patient_p50": percentile(new_ms.clone(), 0.5),
            "new_patient_p95": percentile(new_ms, 0.95),
            "bookings": bookings,
            "note": "desk.book(): checks, outbox record, GHL calls over loopback, replica update",
        },
    });
    crate::write(out, "booking.json", &report);
    sb.shutdown().await;
}

pub async fn reconciliation(out: &Path, runs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let (sb, desk, _) = large_desk(dir.path()).await;
    let mut wall = Vec::new();
    let mut diff = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let before = ghl_calls(&sb);
        let t = Instant::now();
        // A 31-day window: today and the next 30 days.
        let report = desk.reconcile(0, 30).await.unwrap();
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
        diff.push(report.diff_us as f64 / 1000.0);
        assert_eq!(report.ghl_calls as usize, ghl_calls(&sb) - before);
        last = Some(report);
    }
    let report = last.unwrap();
    let calendars = desk.week_view(None).unwrap().calendars.len();
    let json = json!({
        "benchmark": "reconciliation",
        "when": chrono::Utc::now().to_rfc3339(),
        "build": if cfg!(debug_assertions) { "debug" } else { "optimised" },
        "seed": "large",
        "calendars": calendars,
        "window_days": 31,
        "citas_compared": report.compared,
        "differences": report.counts.total,
        "ghl_calls": report.ghl_calls,
        "ghl_calls_note": "one events call per calendar per window (20) plus one calendar list",
        "wall_ms_p50": percentile(wall.clone(), 0.5),
        "wall_ms_max": percentile(wall, 1.0),
        "diff_ms_p50": percentile(diff.clone(), 0.5),
        "diff_ms_max": percentile(diff, 1.0),
        "runs": runs,
        "targets": { "ghl_calls": 20, "diff_ms": 100 },
    });
    crate::write(out, "reconciliation.json", &json);
    sb.shutdown().await;
}

/// 300 citas whose reminders are due at once, against ghl-sandbox with
/// GHL's default limits (100 per 10 s): GHL calls, wall time and 429s.
pub async fn reminders(out: &Path, citas: usize) {
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        ..Default::default()
    })
    .await
    .expect("sandbox starts");
    let (calendars, contacts) = {
        let w = sb.sandbox().read().await;
        let calendars: Vec<String> = w.calendars.keys().cloned().collect();
        let contacts: Vec<String> = w
            .contacts
            .values()
            .filter(|c| c.phone.is_some() && !c.dnd)
            .map(|c| c.id.clone())
            .collect();
        (calendars, contacts)
    };
    let zone: chrono_tz::Tz = sb.timezone().parse().unwrap();
    let tomorrow = chrono::Utc::now().with_timezone(&zone).date_naive() + chrono::Duration::days(1);
    for i in 0..citas {
        let minute = (i % 40) * 15;
        let start = format!(
            "{}T{:02}:{:02}:00-05:00",
            tomorrow.format("%Y-%m-%d"),
            8 + minute / 60,
            minute % 60
        );
        sb.edit_in_ghl_ui(
            reqwest::Method::POST,
            "/appointments",
            Some(json!({"calendarId": calendars[i % calendars.len()], "contactId": contacts[i % contacts.len()],
                "startTime": start, "title": "Bench", "appointmentStatus": "confirmed"})),
        )
        .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut o = DeskOptions::new(dir.path());
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    let desk = Desk::open(o).unwrap();
    desk.sync_now().await.expect("sync");
    desk.set_reminders_enabled(true).unwrap();
    sb.sandbox().clear_requests();
    let t = Instant::now();
    let lines = desk
        .send_reminders(Some(tomorrow.to_string()), false)
        .await
        .expect("reminders sent");
    let ms = t.elapsed().as_millis() as u64;
    let requests = sb.sandbox().requests();
    let sends = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/conversations/messages")
        .count();
    let too_many = requests.iter().filter(|r| r.status == 429).count();
    let messages = sb.sandbox().read().await.messages.len();
    let report = json!({
        "benchmark": "reminders",
        "when": chrono::Utc::now().to_rfc3339(),
        "build": if cfg!(debug_assertions) { "debug" } else { "optimised" },
        "citas_due": lines.len(),
        "added_citas": citas,
        "ghl_calls": requests.len(),
        "message_posts": sends,
        "messages_in_ghl": messages,
        "http_429": too_many,
        "ms": ms,
        "rate_limit": "GHL default: 100 per 10 s per location",
        "note": "desk.send_reminders for one day: plan, record in the outbox, send (or schedule) each once",
    });
    crate::write(out, "reminders.json", &report);
    sb.shutdown().await;
}

/// The Panel's figures for 90 days × 20 calendars: the large seed synced
/// (31 days from yesterday, every 15-minute slot booked), its citas copied
/// 31 and 62 days earlier so all 90 days are full (72,000 citas), then
/// `Desk::dashboard` timed from request to data.
pub async fn dashboard(out: &Path, runs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let (sb, desk, _) = large_desk(dir.path()).await;
    sb.shutdown().await;
    let location = desk.active_location().unwrap().expect("a location");
    let week = desk.week_view(None).unwrap();
    let today = chrono::NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap();
    let zone: chrono_tz::Tz = week.location.time_zone.parse().unwrap();
    let day = |d: chrono::NaiveDate| citadesk_core::testing::time::start_of_day(d, zone);
    let first = today - chrono::Duration::days(1);
    let seeded = desk
        .store()
        .cita_rows_starting_in(
            &location,
            day(first),
            day(first + chrono::Duration::days(31)),
        )
        .unwrap();
    let mut by_calendar: std::collections::BTreeMap<String, Vec<_>> = Default::default();
    for shift in [31i64, 62] {
        for row in &seeded {
            let mut copy = row.clone();
            copy.id = format!("{}-{shift}", row.id);
            copy.start -= chrono::Duration::days(shift);
            copy.end -= chrono::Duration::days(shift);
            by_calendar
                .entry(copy.calendar_id.clone())
                .or_default()
                .push(copy);
        }
    }
    let window = (day(first - chrono::Duration::days(62)), day(first));
    for (calendar, rows) in &by_calendar {
        desk.store()
            .apply_calendar_window(calendar, window, rows, false)
            .unwrap();
    }
    let (from, to) = (
        (first - chrono::Duration::days(59)).to_string(),
        (first + chrono::Duration::days(30)).to_string(),
    );
    // Each query alone (`BENCH_DASHBOARD_PARTS=1`), to see where the time goes.
    let mut parts = serde_json::Map::new();
    if std::env::var_os("BENCH_DASHBOARD_PARTS").is_some() {
        let days: Vec<(i64, i64)> = (0..90)
            .map(|i| {
                let d = first - chrono::Duration::days(59) + chrono::Duration::days(i);
                (
                    day(d).timestamp_millis(),
                    day(d + chrono::Duration::days(1)).timestamp_millis(),
                )
            })
            .collect();
        let (start, end) = (days[0].0, days[89].1);
        let mut part = |name: &str, f: &dyn Fn()| {
            f();
            let t = Instant::now();
            f();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            eprintln!("{name}: {ms:.1} ms");
            parts.insert(name.into(), json!(ms));
        };
        let store = desk.store();
        part("day_figures", &|| {
            store.day_figures(&location, &days).unwrap();
        });
        part("first_visits", &|| {
            store.first_visits_between(&location, start, end).unwrap();
        });
        part("booked_minutes", &|| {
            store
                .booked_minutes_by_calendar(&location, start, end)
                .unwrap();
        });
        part("confirmations", &|| {
            store.confirmations_per_day(&location, &days).unwrap();
        });
    }
    let mut wall = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let d = desk.dashboard(&from, &to, None).unwrap();
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(d);
    }
    let d = last.unwrap();
    let citas: u32 = d.citas_per_day.iter().map(|c| c.total).sum();
    assert_eq!(d.citas_per_day.len(), 90);
    let json = json!({
        "benchmark": "dashboard",
        "when": chrono::Utc::now().to_rfc3339(),
        "build": if cfg!(debug_assertions) { "debug" } else { "optimised" },
        "seed": "large, copied to fill 90 days",
        "days": 90,
        "calendars": d.occupancy.len(),
        "citas_in_range": citas,
        "request_to_data_ms_p50": percentile(wall.clone(), 0.5),
        "request_to_data_ms_max": percentile(wall, 1.0),
        "runs": runs,
        "parts_ms": parts,
        "targets": { "request_to_data_ms": 200 },
    });
    crate::write(out, "dashboard.json", &json);
}

/// The month view of 20 calendars and the list of the large seed (24,800
/// citas) from the core: request to data for the month, the list's first
/// page, a page in the middle, the first page sorted by patient, a patient
/// search, and the whole CSV.
pub async fn views(out: &Path, runs: usize) {
    use citadesk_core::{ListQuery, ListSort};
    let dir = tempfile::tempdir().unwrap();
    let (sb, desk, _) = large_desk(dir.path()).await;
    sb.shutdown().await;
    let week = desk.week_view(None).unwrap();
    let today = chrono::NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap();
    let all = ListQuery {
        from: (today - chrono::Duration::days(1)).to_string(),
        to: (today + chrono::Duration::days(29)).to_string(),
        ..Default::default()
    };
    let total = desk.cita_list(&all).unwrap().total;
    let timed = |f: &dyn Fn()| {
        let mut ms = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            f();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        json!({ "p50": percentile(ms.clone(), 0.5), "max": percentile(ms, 1.0) })
    };
    let month = timed(&|| {
        let m = desk.month_view(None).unwrap();
        assert_eq!(m.calendars.len(), 20);
    });
    let first = timed(&|| {
        desk.cita_list(&all).unwrap();
    });
    let middle = timed(&|| {
        let q = ListQuery {
            offset: total / 2,
            ..all.clone()
        };
        assert_eq!(desk.cita_list(&q).unwrap().rows.len(), 200);
    });
    let by_patient = timed(&|| {
        let q = ListQuery {
            sort: ListSort::Patient,
            ..all.clone()
        };
        desk.cita_list(&q).unwrap();
    });
    let search = timed(&|| {
        let q = ListQuery {
            patient: Some("maria".into()),
            ..all.clone()
        };
        desk.cita_list(&q).unwrap();
    });
    let csv = timed(&|| {
        assert!(desk.cita_list_csv(&all).unwrap().lines().count() > total as usize);
    });
    let json = json!({
        "benchmark": "calendar_views_core",
        "when": chrono::Utc::now().to_rfc3339(),
        "build": if cfg!(debug_assertions) { "debug" } else { "optimised" },
        "seed": "large",
        "calendars": week.calendars.len(),
        "list_rows": total,
        "runs": runs,
        "request_to_data_ms": {
            "month_view": month,
            "list_first_page": first,
            "list_middle_page": middle,
            "list_first_page_by_patient": by_patient,
            "list_patient_search": search,
            "list_csv_every_row": csv,
        },
        "note": "the core alone (Desk calls on the replica); the window's click-to-drawn figures are in calendar_views.json",
    });
    crate::write(out, "calendar_views_core.json", &json);
}
