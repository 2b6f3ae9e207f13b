//! A patient's answer through the real path: ghl-sandbox plays the patient
//! (a signed InboundMessage), citadesk-relay stores and streams it, the
//! app's core reads it and confirms the cita in GHL through its outbox; an
//! answer that needs a person lands in the desk's inbox.

mod common;

use std::time::{Duration, Instant};

use citadesk_core::ReminderState;
use common::app::*;

async fn status_in_ghl(sb: &ghl_sandbox::RunningSandbox, cita: &str) -> String {
    sb.sandbox().read().await.appointments[cita]
        .appointment_status
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patients_1_confirms_the_cita_in_ghl_and_a_2_waits_in_the_inbox() {
    let sb = sandbox().await;
    let loc = sb.location_id().to_string();
    let (relay_dir, relay, base) = relay_for(&sb).await;
    let app_dir = tempfile::tempdir().expect("tempdir");
    let desk = desk(&sb, app_dir.path()).await;
    desk.set_reminders_enabled(true).expect("reminders on");

    // A cita two days ahead whose patient has a phone, made "new" in GHL.
    let (cita, contact) = {
        let w = sb.sandbox().read().await;
        let soon = chrono::Utc::now() + chrono::Duration::days(2);
        w.appointments
            .values()
            .filter(|a| a.start_time > soon && a.appointment_status != "cancelled")
            .find(|a| {
                w.contacts
                    .get(&a.contact_id)
                    .is_some_and(|c| c.phone.is_some() && !c.dnd)
            })
            .map(|a| (a.id.clone(), a.contact_id.clone()))
            .expect("a future cita with a reachable patient")
    };
    sb.edit_in_ghl_ui(
        reqwest::Method::PATCH,
        &format!("/appointments/{cita}"),
        Some(serde_json::json!({"appointmentStatus": "new"})),
    )
    .await;
    desk.sync_now().await.expect("sync");
    let lines = desk.send_reminder_now(&cita).await.expect("reminder sent");
    assert_eq!(lines[0].state, ReminderState::Sent, "{lines:?}");

    let task = follow_connected(&desk, relay_dir.path(), &base, &loc).await;
    admin(
        &sb,
        reqwest::Method::POST,
        "conversations/inbound",
        serde_json::json!({"contactId": contact, "body": "1"}),
    )
    .await;
    let started = Instant::now();
    while status_in_ghl(&sb, &cita).await != "confirmed" {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the answer did not confirm the cita in GHL"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        citas(&desk, &loc)[&cita].status,
        "confirmed",
        "the replica shows it too"
    );
    assert_eq!(
        desk.cita_reminders(&cita).expect("reminders")[0].state,
        ReminderState::ConfirmedByPatient
    );

    admin(
        &sb,
        reqwest::Method::POST,
        "conversations/inbound",
        serde_json::json!({"contactId": contact, "body": "2 por favor, otro día"}),
    )
    .await;
    wait_until("the answer in the inbox", Duration::from_secs(15), || {
        desk.inbox().map(|i| i.len()).unwrap_or(0) == 1
    })
    .await;
    let inbox = desk.inbox().expect("inbox");
    assert_eq!(inbox[0].cita_id.as_deref(), Some(cita.as_str()));
    assert_eq!(inbox[0].channel, "WhatsApp");
    assert_eq!(
        status_in_ghl(&sb, &cita).await,
        "confirmed",
        "it keeps its place"
    );
    let log = desk.store().processed_webhooks(&loc).expect("log");
    assert!(
        log.iter()
            .any(|p| p.event_type == "InboundMessage" && p.outcome == "applied"),
        "{log:?}"
    );

    task.abort();
    relay.shutdown().await.expect("relay stops");
    sb.shutdown().await;
}
