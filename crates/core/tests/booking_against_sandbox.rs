//! The booking desk against ghl-sandbox over real HTTP, with a real SQLite
//! file: calls per booking, duplicate checks, overlap warnings and
//! overrides, offline bookings, status changes, moves, cancellations and
//! refusals, each checked in GHL (the sandbox's own state) and in the replica.

use std::path::Path;

use citadesk_core::ghl::Secret;
use citadesk_core::SyncState;
use citadesk_core::{
    BookingRequest, CitaAction, DemoConnection, Desk, DeskOptions, FreeSlot, LocationSettings,
    PatientChoice,
};
use ghl_sandbox::{RunningSandbox, SandboxConfig, Seed};

async fn sandbox_on(bind: std::net::SocketAddr) -> RunningSandbox {
    sandbox_with(bind, None).await
}

/// `state_file`: GHL's state survives a restart (an outage, not a reset).
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

/// The first calendar and a free slot of it from GHL, tomorrow or later.
async fn free_slot(desk: &Desk, nth: usize) -> (String, FreeSlot) {
    let week = desk.week_view(None).unwrap();
    let calendar = week.calendars[0].id.clone();
    let tomorrow = (chrono::NaiveDate::parse_from_str(&week.today, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1))
    .to_string();
    let slots = desk.free_slots(&calendar, Some(&tomorrow)).await.unwrap();
    assert!(slots.len() > nth, "the demo calendar has free slots");
    (calendar, slots[nth].clone())
}

fn request(calendar: &str, slot: &FreeSlot, patient: PatientChoice) -> BookingRequest {
    BookingRequest {
        calendar_id: calendar.to_string(),
        patient: Some(patient),
        date: slot.date.clone(),
        start: slot.start.clone(),
        duration_minutes: 30,
        title: "Control".into(),
        notes: Some("Traer exámenes".into()),
        override_reason: None,
    }
}

/// A patient added in GHL's UI (no citas yet), found through GHL's search.
async fn quiet_patient(desk: &Desk, sb: &RunningSandbox, name: &str) -> String {
    sb.edit_in_ghl_ui(
        reqwest::Method::POST,
        "/contacts",
        Some(serde_json::json!({"firstName": name, "lastName": "Prueba"})),
    )
    .await;
    let found = desk.search_patients_in_ghl(name).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].id.clone()
}

async fn ghl_citas_of(
    sb: &RunningSandbox,
    contact_id: &str,
) -> Vec<ghl_sandbox::model::Appointment> {
    sb.sandbox()
        .read()
        .await
        .appointments
        .values()
        .filter(|a| a.contact_id == contact_id)
        .cloned()
        .collect()
}

fn calls(sb: &RunningSandbox) -> Vec<String> {
    sb.sandbox()
        .requests()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.route.unwrap_or(r.path)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_patient_is_booked_with_two_calls_and_lands_once() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let desk = desk_on(dir.path(), &sb).await;
    let (calendar, slot) = free_slot(&desk, 0).await;
    let patient = quiet_patient(&desk, &sb, "Eulalia").await;

    sb.sandbox().clear_requests();
    let out = desk
        .book(request(
            &calendar,
            &slot,
            PatientChoice::Existing {
                contact_id: patient.clone(),
            },
        ))
        .await
        .expect("booked");
    assert!(out.confirmed, "{out:?}");
    assert_eq!(out.cita.sync_state, SyncState::Synced);
    assert_eq!(
        calls(&sb),
        [
            "GET /calendars/events",
            "POST /calendars/events/appointments"
        ],
        "look in the slot, then create"
    );
    let in_ghl = ghl_citas_of(&sb, &patient).await;
    assert_eq!(in_ghl.len(), 1);
    assert_eq!(in_ghl[0].id, out.cita.id, "the replica holds GHL's id");
    assert_eq!(in_ghl[0].calendar_id, calendar);
    assert!(out
        .cita
        .start_local
        .ends_with(&format!("{}:00", slot.start)));
    let audit = desk.cita_audit(&out.cita.id).unwrap();
    assert_eq!(
        audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        ["create"]
    );
    assert!(audit[0]
        .ghl_answer
        .as_deref()
        .unwrap()
        .contains(&out.cita.id));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_patient_takes_three_calls_and_is_never_created_twice() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let desk = desk_on(dir.path(), &sb).await;
    let (calendar, slot) = free_slot(&desk, 0).await;
    let new_patient = PatientChoice::New {
        first_name: "Rosa".into(),
        last_name: "Quispe Ñahui".into(),
        phone: Some("987 654 321".into()),
        email: None,
    };

    sb.sandbox().clear_requests();
    let out = desk
        .book(request(&calendar, &slot, new_patient.clone()))
        .await
        .unwrap();
    assert!(out.confirmed);
    assert_eq!(
        calls(&sb),
        [
            "GET /contacts/search/duplicate",
            "POST /contacts/",
            "POST /calendars/events/appointments"
        ]
    );
    let with_phone = |w: &ghl_sandbox::state::World| {
        w.contacts
            .values()
            .filter(|c| c.phone.as_deref() == Some("+51987654321"))
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    };
    let ids = with_phone(&*sb.sandbox().read().await);
    assert_eq!(ids.len(), 1, "phone normalised to E.164 (PE)");
    assert_eq!(out.cita.contact_id.as_deref(), Some(ids[0].as_str()));
    assert_eq!(out.cita.patient_name.as_deref(), Some("Rosa Quispe Ñahui"));
    // Searching finds her by the folded name, accents ignored.
    assert_eq!(desk.search_patients("nahui", 5).unwrap()[0].id, ids[0]);

    // The same person typed again as "new": GHL's duplicate check finds her.
    let (_, later) = free_slot(&desk, 3).await;
    let again = desk
        .book(request(&calendar, &later, new_patient))
        .await
        .unwrap();
    assert_eq!(
        with_phone(&*sb.sandbox().read().await),
        ids,
        "no second contact"
    );
    assert_eq!(again.cita.contact_id.as_deref(), Some(ids[0].as_str()));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overlap_warns_an_override_is_audited_and_strict_mode_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let desk = desk_on(dir.path(), &sb).await;
    let (calendar, slot) = free_slot(&desk, 0).await;
    let first = quiet_patient(&desk, &sb, "Primitiva").await;
    desk.book(request(
        &calendar,
        &slot,
        PatientChoice::Existing {
            contact_id: first.clone(),
        },
    ))
    .await
    .unwrap();

    let other = quiet_patient(&desk, &sb, "Segunda").await;
    let mut clash = request(
        &calendar,
        &slot,
        PatientChoice::Existing {
            contact_id: other.clone(),
        },
    );
    let check = desk.check_booking(&clash).unwrap();
    assert!(check.can_save && check.needs_override);
    assert!(check.findings.iter().any(|f| f.code == "booking.overlap"));

    let refused = desk.book(clash.clone()).await.unwrap_err();
    assert_eq!(refused.code(), "booking.override_required");
    assert!(refused
        .message(citadesk_core::Locale::EsPe)
        .contains("motivo"));

    clash.override_reason = Some("Paciente con dolor, el doctor acepta".into());
    let out = desk.book(clash.clone()).await.unwrap();
    assert!(out.confirmed);
    let audit = desk.cita_audit(&out.cita.id).unwrap();
    let ovr = audit
        .iter()
        .find(|a| a.action == "override")
        .expect("override audited");
    assert_eq!(
        ovr.reason.as_deref(),
        Some("Paciente con dolor, el doctor acepta")
    );
    assert!(ovr.after.as_deref().unwrap().contains("booking.overlap"));
    assert!(!ovr.actor.is_empty());

    desk.set_location_settings(LocationSettings {
        overlap_mode: citadesk_core::OverlapMode::Strict,
        ..desk.location_settings().unwrap()
    })
    .unwrap();
    let blocked = desk.book(clash).await.unwrap_err();
    assert_eq!(blocked.code(), "booking.overlap");
    assert_eq!(
        ghl_citas_of(&sb, &other).await.len(),
        1,
        "strict mode sent nothing"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_booking_waits_with_its_badge_then_lands_once() {
    let dir = tempfile::tempdir().unwrap();
    let ghl_state = dir.path().join("ghl-state.json");
    let sb = sandbox_with("127.0.0.1:0".parse().unwrap(), Some(&ghl_state)).await;
    let addr = sb.addr();
    let desk = desk_on(dir.path(), &sb).await;
    let (calendar, slot) = free_slot(&desk, 1).await;
    let patient = quiet_patient(&desk, &sb, "Eulalia").await;
    sb.shutdown().await;

    let out = desk
        .book(request(
            &calendar,
            &slot,
            PatientChoice::Existing {
                contact_id: patient.clone(),
            },
        ))
        .await
        .expect("accepted offline");
    assert!(!out.confirmed);
    assert_eq!(out.cita.sync_state, SyncState::PendingPush);
    assert!(out.cita.id.starts_with("local-"));
    assert_eq!(out.notice.as_ref().unwrap().code, "booking.pending_sync");
    let week = desk.week_view(Some(&slot.date)).unwrap();
    assert!(week
        .citas
        .iter()
        .any(|c| c.id == out.cita.id && c.sync_state == SyncState::PendingPush));
    // A pull while the write waits never drops it.
    let _ = desk.sync_now().await;
    assert_eq!(
        desk.store().pending_writes(sb_loc(&desk).as_str()).unwrap(),
        1
    );

    let sb = sandbox_with(addr, Some(&ghl_state)).await;
    let report = desk.push_outbox().await.unwrap();
    assert_eq!(report.sent, 1);
    let in_ghl = ghl_citas_of(&sb, &patient).await;
    assert_eq!(in_ghl.len(), 1);
    // A second push (a reconnect storm) sends nothing more.
    desk.push_outbox().await.unwrap();
    assert_eq!(ghl_citas_of(&sb, &patient).await.len(), 1);
    let audit = desk.cita_audit(&in_ghl[0].id).unwrap();
    assert_eq!(audit.last().unwrap().action, "offline_push");
    assert_eq!(
        desk.cita_audit(&out.cita.id).unwrap().len(),
        audit.len(),
        "the local id still finds its trail"
    );
    let week = desk.week_view(Some(&slot.date)).unwrap();
    assert!(week
        .citas
        .iter()
        .any(|c| c.id == in_ghl[0].id && c.sync_state == SyncState::Synced));
    assert!(!week.citas.iter().any(|c| c.id == out.cita.id));
    sb.shutdown().await;
}

fn sb_loc(desk: &Desk) -> String {
    desk.active_location().unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_changes_moves_and_cancellations_reach_ghl_and_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let desk = desk_on(dir.path(), &sb).await;
    let (calendar, slot) = free_slot(&desk, 0).await;
    let (_, later) = free_slot(&desk, 4).await;
    let patient = quiet_patient(&desk, &sb, "Eulalia").await;
    let cita = desk
        .book(request(
            &calendar,
            &slot,
            PatientChoice::Existing {
                contact_id: patient.clone(),
            },
        ))
        .await
        .unwrap()
        .cita;

    let showed = desk
        .change_cita(
            &cita.id,
            CitaAction::Status {
                status: "showed".into(),
            },
        )
        .await
        .unwrap();
    assert!(showed.confirmed);
    assert_eq!(showed.cita.status, "showed");
    assert_eq!(
        ghl_citas_of(&sb, &patient).await[0].appointment_status,
        "showed"
    );

    let moved = desk
        .change_cita(
            &cita.id,
            CitaAction::Move {
                date: later.date.clone(),
                start: later.start.clone(),
                duration_minutes: 45,
                calendar_id: None,
                override_reason: None,
            },
        )
        .await
        .unwrap();
    assert!(moved
        .cita
        .start_local
        .starts_with(&format!("{}T{}", later.date, later.start)));
    let g = &ghl_citas_of(&sb, &patient).await[0];
    assert_eq!((g.end_time - g.start_time).num_minutes(), 45);
    assert_eq!(
        g.start_time.to_rfc3339(),
        chrono::DateTime::parse_from_rfc3339(&moved.cita.start_utc)
            .unwrap()
            .to_rfc3339()
    );

    let no_reason = desk
        .change_cita(&cita.id, CitaAction::Cancel { reason: " ".into() })
        .await
        .unwrap_err();
    assert_eq!(no_reason.code(), "cita.cancel_reason_required");
    let cancelled = desk
        .change_cita(
            &cita.id,
            CitaAction::Cancel {
                reason: "Paciente viaja".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(cancelled.cita.status, "cancelled");
    assert_eq!(
        ghl_citas_of(&sb, &patient).await[0].appointment_status,
        "cancelled"
    );

    let trail: Vec<String> = desk
        .cita_audit(&cita.id)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        trail,
        ["create", "status", "move", "cancel_requested", "cancel"]
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_ghl_refuses_is_taken_back_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let desk = desk_on(dir.path(), &sb).await;
    let (calendar, slot) = free_slot(&desk, 0).await;
    let patient = quiet_patient(&desk, &sb, "Eulalia").await;
    // Someone deletes the patient in GHL's UI; the replica still lists them.
    sb.edit_in_ghl_ui(
        reqwest::Method::DELETE,
        &format!("/contacts/{patient}"),
        None,
    )
    .await;

    let err = desk
        .book(request(
            &calendar,
            &slot,
            PatientChoice::Existing {
                contact_id: patient.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert!(err.code().starts_with("ghl."), "{err:?}");
    let message = err.message(citadesk_core::Locale::EsPe);
    assert!(message.contains("GHL no aceptó la cita"), "{message}");
    assert!(
        message.contains("Eulalia Prueba"),
        "names the patient: {message}"
    );
    let week = desk.week_view(Some(&slot.date)).unwrap();
    assert!(!week
        .citas
        .iter()
        .any(|c| c.contact_id.as_deref() == Some(patient.as_str())));
    let refusals = desk.refused_writes().unwrap();
    assert_eq!(refusals.len(), 1);
    let loc = sb_loc(&desk);
    assert_eq!(
        desk.store().refused_cita_creates(&loc).unwrap().len(),
        1,
        "kept, never dropped"
    );
    desk.acknowledge_refusal(refusals[0].outbox_id).unwrap();
    assert!(desk.refused_writes().unwrap().is_empty());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patients_basic_fields_are_edited_in_ghl() {
    let dir = tempfile::tempdir().unwrap();
    let sb = sandbox_on("127.0.0.1:0".parse().unwrap()).await;
    let desk = desk_on(dir.path(), &sb).await;
    let patient = quiet_patient(&desk, &sb, "Herminia").await;
    let bad = desk
        .update_patient(
            &patient,
            citadesk_core::PatientEdit {
                first_name: None,
                last_name: None,
                phone: Some("12".into()),
                email: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "patient.invalid_phone");
    for email in [
        "herminia",
        "herminia@example",
        "her minia@example.pe",
        "@example.pe",
    ] {
        let bad = desk
            .update_patient(
                &patient,
                citadesk_core::PatientEdit {
                    first_name: None,
                    last_name: None,
                    phone: None,
                    email: Some(email.into()),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(bad.code(), "patient.invalid_email", "{email}");
    }
    let view = desk
        .update_patient(
            &patient,
            citadesk_core::PatientEdit {
                first_name: Some("Herminia".into()),
                last_name: Some("Condori".into()),
                phone: Some("912 345 678".into()),
                email: Some(" Herminia@Example.PE ".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(view.name.as_deref(), Some("Herminia Condori"));
    let world = sb.sandbox().read().await;
    let c = &world.contacts[&patient];
    assert_eq!(c.phone.as_deref(), Some("+51912345678"));
    assert_eq!(c.email.as_deref(), Some("herminia@example.pe"));
    assert_eq!(c.last_name, "Condori");
    drop(world);
    assert_eq!(
        desk.search_patients("herminia condori", 5).unwrap()[0].id,
        patient
    );
    // The edit form starts from the names apart, as GHL keeps them.
    assert_eq!(
        desk.patient(&patient).unwrap(),
        citadesk_core::PatientEdit {
            first_name: Some("Herminia".into()),
            last_name: Some("Condori".into()),
            phone: Some("+51912345678".into()),
            email: Some("herminia@example.pe".into()),
        }
    );
    assert_eq!(
        desk.patient("nadie").unwrap_err().code(),
        "patient.not_found"
    );
    sb.shutdown().await;
}
