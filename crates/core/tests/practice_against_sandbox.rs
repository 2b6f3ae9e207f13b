//! The practice against ghl-sandbox over real HTTP on loopback, with a real
//! SQLite file: the sync keeps rooms, schedules, specialties and blocks and
//! removes what GHL deleted; a booking over a block, outside a schedule or
//! in a full room is a finding; blocks made at the desk reach GHL once,
//! offline ones on reconnect.

use std::path::Path;

use chrono::{Datelike, Duration, Weekday};
use citadesk_core::ghl::Secret;
use citadesk_core::{
    BlockMove, BlockRequest, BookingRequest, DemoConnection, Desk, DeskOptions, OverlapMode,
    PatientChoice, Severity,
};
use ghl_sandbox::{RunningSandbox, SandboxConfig, Seed};
use serde_json::{json, Value};

async fn sandbox_with(bind: std::net::SocketAddr, state_file: Option<&Path>) -> RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        bind,
        seed: Seed::Demo,
        state_file: state_file.map(Path::to_path_buf),
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

async fn desk_on(dir: &Path, sb: &RunningSandbox) -> std::sync::Arc<Desk> {
    let mut o = DeskOptions::new(dir);
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    let desk = Desk::open(o).unwrap();
    desk.sync_now().await.expect("first sync");
    desk
}

async fn admin(
    sb: &RunningSandbox,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", sb.base_url()));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap_or(Value::Null)
}

/// Calendar ids by name.
async fn calendar_id(sb: &RunningSandbox, name: &str) -> String {
    let w = sb.sandbox().read().await;
    w.calendars
        .values()
        .find(|c| c.name == name)
        .unwrap()
        .id
        .clone()
}

fn tomorrow(sb_today: chrono::NaiveDate) -> String {
    (sb_today + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string()
}

async fn today(sb: &RunningSandbox) -> chrono::NaiveDate {
    sb.sandbox().read().await.today
}

fn draft(calendar: &str, date: &str, start: &str, minutes: i64) -> BookingRequest {
    BookingRequest {
        calendar_id: calendar.into(),
        patient: None,
        date: date.into(),
        start: start.into(),
        duration_minutes: minutes,
        title: String::new(),
        notes: None,
        override_reason: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_keeps_the_practice_and_removes_what_ghl_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_with("127.0.0.1:0".parse().unwrap(), None).await;
    let desk = desk_on(dir.path(), &sb).await;
    let fisio = calendar_id(&sb, "Fisioterapia").await;

    let view = desk.practice_view().unwrap();
    assert_eq!(view.groups.len(), 1);
    assert_eq!(view.groups[0].name, "Consultorios");
    assert_eq!(view.rooms.len(), 4, "{:?}", view.rooms);
    let fisio_view = view.calendars.iter().find(|c| c.id == fisio).unwrap();
    assert_eq!(fisio_view.group_name.as_deref(), Some("Consultorios"));
    assert_eq!(fisio_view.room_ids.len(), 1);
    assert!(fisio_view.practitioner.is_some());
    assert!(
        fisio_view.open_hours[0].starts_with("lun 08:00–19:00"),
        "{:?}",
        fisio_view.open_hours
    );
    assert_eq!(fisio_view.schedule, fisio_view.open_hours);
    let room_id = fisio_view.room_ids[0].clone();

    let day = tomorrow(today(&sb).await);
    let days = desk.practice_days(&day, 1).unwrap();
    let lunch = days
        .blocks
        .iter()
        .find(|b| b.title == "Almuerzo")
        .expect("the seeded block");
    assert_eq!(lunch.calendar_id.as_deref(), Some(fisio.as_str()));
    assert_eq!(lunch.start, format!("{day}T13:00:00"));
    assert!(!lunch.pending);
    // Fisioterapia's closed time that day: before 08:00 (or 09:00 on Saturday) and after closing.
    let closed: Vec<_> = days
        .closed
        .iter()
        .filter(|s| s.calendar_id == fisio)
        .collect();
    assert!(
        closed.first().unwrap().start.ends_with("T00:00:00"),
        "{closed:?}"
    );

    // Deleted in GHL: gone after the next (full) sync.
    let lunch_id = lunch.id.clone();
    admin(
        &sb,
        reqwest::Method::DELETE,
        &format!("/_sandbox/blocks/{lunch_id}"),
        None,
    )
    .await;
    admin(
        &sb,
        reqwest::Method::DELETE,
        &format!("/_sandbox/resources/{room_id}"),
        None,
    )
    .await;
    let schedule_id = {
        let w = sb.sandbox().read().await;
        w.schedules
            .values()
            .find(|s| s.calendar_ids.contains(&fisio))
            .unwrap()
            .id
            .clone()
    };
    admin(
        &sb,
        reqwest::Method::DELETE,
        &format!("/_sandbox/schedules/{schedule_id}"),
        None,
    )
    .await;
    desk.sync_now().await.unwrap();
    let view = desk.practice_view().unwrap();
    assert_eq!(view.rooms.len(), 3);
    let fisio_view = view.calendars.iter().find(|c| c.id == fisio).unwrap();
    assert!(fisio_view.room_ids.is_empty() && fisio_view.schedule.is_empty());
    assert!(!desk
        .practice_days(&day, 1)
        .unwrap()
        .blocks
        .iter()
        .any(|b| b.id == lunch_id));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_schedules_and_rooms_are_findings_beside_the_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_with("127.0.0.1:0".parse().unwrap(), None).await;
    let fisio = calendar_id(&sb, "Fisioterapia").await;
    let medicina = calendar_id(&sb, "Medicina General").await;
    // Consultorio 1 now also serves Medicina General (a shared room).
    let room = {
        let w = sb.sandbox().read().await;
        w.resources
            .values()
            .find(|r| r.name == "Consultorio 1")
            .unwrap()
            .id
            .clone()
    };
    admin(
        &sb,
        reqwest::Method::PATCH,
        &format!("/_sandbox/resources/{room}"),
        Some(json!({"calendarIds": [fisio, medicina]})),
    )
    .await;
    let desk = desk_on(dir.path(), &sb).await;
    let today = today(&sb).await;
    let day = tomorrow(today);

    // Over tomorrow's lunch block on Fisioterapia: a warning, and its room.
    let check = desk
        .check_booking(&draft(&fisio, &day, "12:45", 45))
        .unwrap();
    let codes: Vec<_> = check.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"booking.blocked_time"), "{codes:?}");
    assert!(check.needs_override && check.can_save);
    assert_eq!(check.rooms, ["Consultorio 1"]);

    // A Medicina General booking while a Fisioterapia cita holds the room.
    let fisio_cita = {
        let w = sb.sandbox().read().await;
        w.appointments
            .values()
            .filter(|a| a.calendar_id == fisio && a.appointment_status != "cancelled")
            .filter(|a| a.start_time > chrono::Utc::now())
            .min_by_key(|a| a.start_time)
            .cloned()
            .unwrap()
    };
    let lima = chrono_tz::America::Lima;
    let local = fisio_cita.start_time.with_timezone(&lima);
    let check = desk
        .check_booking(&draft(
            &medicina,
            &local.format("%Y-%m-%d").to_string(),
            &local.format("%H:%M").to_string(),
            30,
        ))
        .unwrap();
    let room_full = check
        .findings
        .iter()
        .find(|f| f.code.as_str() == "booking.room_full")
        .expect("the room is taken");
    assert_eq!(
        room_full.conflicting_cita_id.as_deref(),
        Some(fisio_cita.id.as_str())
    );
    assert!(room_full.message.contains("Consultorio 1"));

    // Outside the practitioner's schedule: Lucía works only mornings next Monday.
    let mut monday = today + Duration::days(7);
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    let lucia_schedule = {
        let w = sb.sandbox().read().await;
        w.schedules
            .values()
            .find(|s| s.calendar_ids.contains(&fisio))
            .unwrap()
            .id
            .clone()
    };
    admin(
        &sb,
        reqwest::Method::PATCH,
        &format!("/_sandbox/schedules/{lucia_schedule}"),
        Some(
            json!({"rules": [{"type": "date", "date": monday.format("%Y-%m-%d").to_string(),
                               "intervals": [{"from": "08:00", "to": "12:00"}]}]}),
        ),
    )
    .await;
    desk.sync_now().await.unwrap();
    let monday = monday.format("%Y-%m-%d").to_string();
    let check = desk
        .check_booking(&draft(&fisio, &monday, "15:00", 45))
        .unwrap();
    assert!(check
        .findings
        .iter()
        .any(|f| f.code.as_str() == "booking.outside_schedule"));
    assert!(desk
        .check_booking(&draft(&fisio, &monday, "09:00", 45))
        .unwrap()
        .findings
        .iter()
        .all(|f| f.code.as_str() != "booking.outside_schedule"));
    // Free slots from GHL follow the schedule.
    let slots = desk.free_slots(&fisio, Some(&monday)).await.unwrap();
    assert!(
        slots
            .iter()
            .filter(|s| s.date == monday)
            .all(|s| s.start.as_str() < "12:00"),
        "{slots:?}"
    );

    // Strict mode refuses a booking over the block.
    let mut settings = desk.location_settings().unwrap();
    settings.overlap_mode = OverlapMode::Strict;
    desk.set_location_settings(settings).unwrap();
    let mut req = draft(&fisio, &day, "12:45", 45);
    let check = desk.check_booking(&req).unwrap();
    assert!(!check.can_save);
    assert!(check
        .findings
        .iter()
        .any(|f| f.code.as_str() == "booking.blocked_time" && f.severity == Severity::Blocking));
    let patient = sb
        .sandbox()
        .read()
        .await
        .contacts
        .keys()
        .next()
        .cloned()
        .unwrap();
    req.patient = Some(PatientChoice::Existing {
        contact_id: patient,
    });
    req.override_reason = Some("urgente".into());
    let refused = desk.book(req).await.unwrap_err();
    // The first blocking finding is said (tomorrow may also be a closed day).
    assert!(
        ["booking.blocked_time", "booking.outside_hours"].contains(&refused.code()),
        "{}",
        refused.code()
    );
    assert!(sb
        .sandbox()
        .read()
        .await
        .appointments
        .values()
        .all(|a| a.title != "Cita"));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_made_offline_goes_out_on_reconnect_once_then_moves_and_goes() {
    let dir = tempfile::tempdir().unwrap();
    let ghl_state = dir.path().join("ghl-state.json");
    let sb = sandbox_with("127.0.0.1:0".parse().unwrap(), Some(&ghl_state)).await;
    let addr = sb.addr();
    let desk = desk_on(dir.path(), &sb).await;
    let medicina = calendar_id(&sb, "Medicina General").await;
    let day = (today(&sb).await + Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    sb.shutdown().await;

    let out = desk
        .block_time(BlockRequest {
            calendar_id: medicina.clone(),
            whole_practitioner: false,
            date: day.clone(),
            start: "10:00".into(),
            duration_minutes: 60,
            reason: "Reunión de equipo".into(),
        })
        .await
        .expect("accepted offline");
    assert!(!out.confirmed);
    assert_eq!(out.notice.as_ref().unwrap().code, "booking.pending_sync");
    let shown = out.block.unwrap();
    assert!(shown.pending && shown.id.starts_with("local-"));
    assert!(desk
        .practice_days(&day, 1)
        .unwrap()
        .blocks
        .iter()
        .any(|b| b.id == shown.id));
    // Booking over it already warns, offline.
    let check = desk
        .check_booking(&draft(&medicina, &day, "10:30", 30))
        .unwrap();
    assert!(check
        .findings
        .iter()
        .any(|f| f.code.as_str() == "booking.blocked_time"));
    // A pull while it waits keeps it.
    let _ = desk.sync_now().await;

    let sb = sandbox_with(addr, Some(&ghl_state)).await;
    let report = desk.push_outbox().await.unwrap();
    assert_eq!(report.sent, 1);
    assert_eq!(in_ghl(&sb).await.len(), 1);
    desk.push_outbox().await.unwrap();
    desk.sync_now().await.unwrap();
    assert_eq!(in_ghl(&sb).await.len(), 1, "sent once");
    let ghl_id = in_ghl(&sb).await[0].id.clone();
    let shown: Vec<_> = desk.practice_days(&day, 1).unwrap().blocks;
    let mine = shown
        .iter()
        .find(|b| b.title == "Reunión de equipo")
        .unwrap();
    assert_eq!(mine.id, ghl_id);
    assert!(!mine.pending);

    // Moved and removed, online.
    let moved = desk
        .move_block(
            &ghl_id,
            BlockMove {
                date: day.clone(),
                start: "11:00".into(),
                duration_minutes: 30,
                reason: None,
            },
        )
        .await
        .unwrap();
    assert!(moved.confirmed);
    assert_eq!(moved.block.unwrap().start, format!("{day}T11:00:00"));
    let lima = chrono_tz::America::Lima;
    assert_eq!(
        in_ghl(&sb).await[0]
            .start_time
            .with_timezone(&lima)
            .format("%H:%M")
            .to_string(),
        "11:00"
    );
    let gone = desk.unblock(&ghl_id).await.unwrap();
    assert!(gone.confirmed && gone.block.is_none());
    assert!(in_ghl(&sb).await.is_empty());
    let actions: Vec<String> = desk
        .block_audit()
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions, ["block_create", "block_move", "block_remove"]);
    sb.shutdown().await;
}

async fn in_ghl(sb: &RunningSandbox) -> Vec<ghl_sandbox::model::BlockSlot> {
    let w = sb.sandbox().read().await;
    w.blocks
        .values()
        .filter(|b| b.title == "Reunión de equipo")
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_create_that_reached_ghl_before_a_crash_is_found_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let ghl_state = dir.path().join("ghl-state.json");
    let sb = sandbox_with("127.0.0.1:0".parse().unwrap(), Some(&ghl_state)).await;
    let addr = sb.addr();
    let desk = desk_on(dir.path(), &sb).await;
    let nutricion = calendar_id(&sb, "Nutrición").await;
    let day = (today(&sb).await + Duration::days(4))
        .format("%Y-%m-%d")
        .to_string();
    sb.shutdown().await;
    let out = desk
        .block_time(BlockRequest {
            calendar_id: nutricion.clone(),
            whole_practitioner: true,
            date: day.clone(),
            start: "09:00".into(),
            duration_minutes: 120,
            reason: "Congreso".into(),
        })
        .await
        .unwrap();
    assert!(!out.confirmed);
    let user = out
        .block
        .unwrap()
        .user_id
        .expect("the practitioner's block");

    // As if the earlier attempt had reached GHL and the desk died before
    // recording GHL's answer: GHL has the block, the outbox row one attempt.
    let sb = sandbox_with(addr, Some(&ghl_state)).await;
    let start = desk.practice_days(&day, 1).unwrap().blocks[0].start.clone();
    let start = chrono::NaiveDateTime::parse_from_str(&start, "%Y-%m-%dT%H:%M:%S").unwrap();
    let lima = chrono_tz::America::Lima;
    use chrono::TimeZone;
    let start = lima.from_local_datetime(&start).unwrap();
    admin(
        &sb,
        reqwest::Method::POST,
        "/_sandbox/blocks",
        Some(json!({"assignedUserId": user, "title": "Congreso",
                    "startTime": start.to_rfc3339(), "endTime": (start + Duration::hours(2)).to_rfc3339()})),
    )
    .await;
    let loc = desk.active_location().unwrap().unwrap();
    let pending = desk.store().pending_ids(&loc).unwrap();
    desk.store().force_attempts(pending[0], 1).unwrap();
    let report = desk.push_outbox().await.unwrap();
    assert_eq!(report.sent, 1);
    let count = sb
        .sandbox()
        .read()
        .await
        .blocks
        .values()
        .filter(|b| b.title == "Congreso")
        .count();
    assert_eq!(count, 1, "found, not sent again");
    let audit = desk.block_audit().unwrap();
    assert!(audit
        .last()
        .unwrap()
        .ghl_answer
        .as_deref()
        .unwrap()
        .starts_with("found "));
    sb.shutdown().await;
}

/// The background's full pulls list the practice at most every 30 minutes
/// (it has no webhooks and costs a call per practitioner and per group);
/// a person's "Sincronizar" always lists it, so a block made in GHL shows.
#[tokio::test]
async fn background_full_pulls_list_the_practice_seldom_a_person_always() {
    let sb = sandbox_with("127.0.0.1:0".parse().unwrap(), None).await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk_on(dir.path(), &sb).await;
    let manual = desk.sync_now().await.unwrap();
    let background = desk.pull(citadesk_core::PullKind::Full).await.unwrap();
    assert!(
        background.ghl_calls < manual.ghl_calls,
        "background {} calls, manual {}",
        background.ghl_calls,
        manual.ghl_calls
    );
    // A block made in GHL meanwhile: the next background pull does not see
    // it, "Sincronizar" does.
    let calendar = calendar_id(&sb, "Fisioterapia").await;
    let day = chrono::Utc::now().date_naive() + Duration::days(3);
    admin(
        &sb,
        reqwest::Method::POST,
        "/_sandbox/blocks",
        Some(json!({
            "calendarId": calendar,
            "startTime": format!("{day}T15:00:00-05:00"),
            "endTime": format!("{day}T16:00:00-05:00"),
            "title": "Reunión"
        })),
    )
    .await;
    let loc = desk.active_location().unwrap().unwrap();
    let blocks = || {
        desk.store()
            .blocks_between(&loc, 0, i64::MAX)
            .unwrap()
            .len()
    };
    let before = blocks();
    desk.pull(citadesk_core::PullKind::Full).await.unwrap();
    assert_eq!(blocks(), before, "a background pull within 30 minutes");
    desk.sync_now().await.unwrap();
    assert_eq!(blocks(), before + 1, "Sincronizar lists the practice");
}
