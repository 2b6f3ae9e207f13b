//! Reminders against ghl-sandbox over real HTTP with a real SQLite file:
//! booking, moving and cancelling a cita schedule and withdraw exactly the
//! right messages in GHL; two desks sending at once give one message per
//! cita and rule; skips say why; a patient's answer confirms, cancels or
//! lands in the inbox.

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use citadesk_core::ghl::Secret;
use citadesk_core::{
    BookingRequest, CitaAction, DemoConnection, Desk, DeskOptions, PatientChoice, ReminderState,
    SkipReason,
};
use ghl_sandbox::model::Message;
use ghl_sandbox::{RateLimits, RunningSandbox, SandboxConfig, Seed};

async fn sandbox() -> RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        rate_limits: RateLimits::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

fn options(dir: &Path, sb: &RunningSandbox) -> DeskOptions {
    let mut o = DeskOptions::new(dir);
    o.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: sb.location_id().to_string(),
        token: Secret::new(sb.pit()),
    });
    o
}

async fn desk_on(dir: &Path, sb: &RunningSandbox) -> Arc<Desk> {
    let desk = Desk::open(options(dir, sb)).unwrap();
    desk.sync_now().await.expect("first sync");
    desk.set_reminders_enabled(true).unwrap();
    desk
}

fn today(desk: &Desk) -> NaiveDate {
    NaiveDate::parse_from_str(&desk.week_view(None).unwrap().today, "%Y-%m-%d").unwrap()
}

/// A free slot of the first calendar `days` or more days ahead.
async fn slot_ahead(desk: &Desk, days: i64) -> (String, String, String) {
    let calendar = desk.week_view(None).unwrap().calendars[0].id.clone();
    let from = (today(desk) + Duration::days(days)).to_string();
    let slots = desk.free_slots(&calendar, Some(&from)).await.unwrap();
    let s = slots.first().expect("free slots ahead");
    (calendar, s.date.clone(), s.start.clone())
}

async fn book_new(desk: &Desk, days: i64, name: &str, phone: Option<&str>) -> String {
    book_new_on(desk, days, name, phone).await.0
}

/// Books a new patient at the first free slot `days` or more days ahead:
/// the cita's id and date.
async fn book_new_on(
    desk: &Desk,
    days: i64,
    name: &str,
    phone: Option<&str>,
) -> (String, NaiveDate) {
    let (calendar, date, start) = slot_ahead(desk, days).await;
    let day = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    let out = desk
        .book(BookingRequest {
            calendar_id: calendar,
            patient: Some(PatientChoice::New {
                first_name: name.into(),
                last_name: "Recordada".into(),
                phone: phone.map(str::to_string),
                email: Some(format!("{}@example.pe", name.to_lowercase())),
            }),
            date,
            start,
            duration_minutes: 30,
            title: "Control".into(),
            notes: None,
            override_reason: Some("prueba".into()),
        })
        .await
        .expect("booked");
    assert!(out.confirmed, "reached GHL");
    (out.cita.id, day)
}

async fn messages_for(sb: &RunningSandbox, cita: &str) -> Vec<Message> {
    let now = chrono::Utc::now();
    let mut world = sb.sandbox().write().await;
    let mut out: Vec<Message> = world
        .messages
        .values_mut()
        .filter(|m| m.appointment_id.as_deref() == Some(cita))
        .map(|m| {
            m.settle(now);
            m.clone()
        })
        .collect();
    out.sort_by(|a, b| (a.date_added, &a.id).cmp(&(b.date_added, &b.id)));
    out
}

fn lima_ts(date: NaiveDate, hh: u32) -> i64 {
    let zone: chrono_tz::Tz = "America/Lima".parse().unwrap();
    date.and_hms_opt(hh, 0, 0)
        .unwrap()
        .and_local_timezone(zone)
        .unwrap()
        .timestamp()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_move_and_cancel_schedule_and_withdraw_exactly_the_right_messages() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk_on(dir.path(), &sb).await;

    let cita = book_new(&desk, 4, "Rosa", Some("+51911000111")).await;
    let sent = messages_for(&sb, &cita).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let first = &sent[0];
    assert_eq!(first.status, "scheduled");
    assert_eq!(first.message_type, "WhatsApp");
    let start = desk.cita_reminders(&cita).unwrap()[0].cita_start.clone();
    let day = NaiveDate::parse_from_str(&start[..10], "%Y-%m-%d").unwrap();
    assert_eq!(
        first.scheduled_at.unwrap().timestamp(),
        lima_ts(day - Duration::days(2), 10),
        "two days before at 10:00 Lima"
    );
    let text = first.message.as_deref().unwrap();
    assert!(
        text.starts_with("Hola Rosa, le recordamos su cita"),
        "{text}"
    );
    assert!(text.contains("1 Confirmar, 2 Reprogramar, 3 Cancelar"));
    let lines = desk.cita_reminders(&cita).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].state, ReminderState::Scheduled);

    // Planning again (the scheduler, the CLI) adds nothing.
    desk.send_reminders(None, false).await.unwrap();
    desk.send_reminders(Some(day.to_string()), false)
        .await
        .unwrap();
    assert_eq!(messages_for(&sb, &cita).await.len(), 1);

    // A move withdraws the old one and schedules one for the new time.
    let (_, date, start) = slot_ahead(&desk, 6).await;
    desk.change_cita(
        &cita,
        CitaAction::Move {
            date: date.clone(),
            start,
            duration_minutes: 30,
            calendar_id: None,
            override_reason: Some("prueba".into()),
        },
    )
    .await
    .unwrap();
    let after_move = messages_for(&sb, &cita).await;
    assert_eq!(after_move.len(), 2, "{after_move:?}");
    assert_eq!(after_move[0].status, "cancelled");
    assert_eq!(after_move[1].status, "scheduled");
    let moved_day = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    assert_eq!(
        after_move[1].scheduled_at.unwrap().timestamp(),
        lima_ts(moved_day - Duration::days(2), 10)
    );

    // A cancel withdraws it; nothing is left to go out.
    desk.change_cita(
        &cita,
        CitaAction::Cancel {
            reason: "el paciente llamó".into(),
        },
    )
    .await
    .unwrap();
    let after_cancel = messages_for(&sb, &cita).await;
    assert_eq!(after_cancel.len(), 2);
    assert!(
        after_cancel.iter().all(|m| m.status == "cancelled"),
        "{after_cancel:?}"
    );
    let lines = desk.cita_reminders(&cita).unwrap();
    assert_eq!(lines[0].state, ReminderState::Withdrawn, "{lines:?}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_sending_at_once_give_one_message_per_cita_and_rule() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk_on(dir.path(), &sb).await;
    desk.set_reminders_enabled(false).unwrap();
    let citas = [
        book_new(&desk, 1, "Uno", Some("+51911000201")).await,
        book_new(&desk, 2, "Dos", Some("+51911000202")).await,
        book_new(&desk, 3, "Tres", Some("+51911000203")).await,
    ];
    desk.set_reminders_enabled(true).unwrap();
    // A second desk on the same replica: as the app and the CLI in two processes.
    let other = Desk::open(options(dir.path(), &sb)).unwrap();
    let day_of = |i: usize| (today(&desk) + Duration::days(i as i64 + 1)).to_string();
    for (i, _) in citas.iter().enumerate() {
        let (a, b) = tokio::join!(
            desk.send_reminders(Some(day_of(i)), false),
            other.send_reminders(Some(day_of(i)), false)
        );
        a.unwrap();
        b.unwrap();
    }
    let (a, b) = tokio::join!(
        desk.send_reminders(None, false),
        other.send_reminders(None, false)
    );
    a.unwrap();
    b.unwrap();
    for cita in &citas {
        let got = messages_for(&sb, cita).await;
        assert_eq!(got.len(), 1, "one message for {cita}: {got:?}");
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skips_say_why_and_a_refusal_for_dnd_is_a_skip() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk_on(dir.path(), &sb).await;
    // No phone.
    let no_phone = book_new(&desk, 4, "Sinfono", None).await;
    let lines = desk.cita_reminders(&no_phone).unwrap();
    assert_eq!(lines[0].state, ReminderState::Skipped);
    assert_eq!(lines[0].skip_reason, Some(SkipReason::NoPhone));
    assert!(messages_for(&sb, &no_phone).await.is_empty());

    // DND on every channel, set in GHL's UI without a webhook: the replica
    // does not know, GHL refuses, the reminder is skipped for DND.
    let dnd = book_new(&desk, 5, "Nomolestar", Some("+51911000301")).await;
    let contact = desk.cita_reminders(&dnd).unwrap();
    assert_eq!(contact[0].state, ReminderState::Scheduled);
    let contact_id = {
        let w = sb.sandbox().read().await;
        w.appointments[&dnd].contact_id.clone()
    };
    sb.edit_in_ghl_ui(
        reqwest::Method::PATCH,
        &format!("/contacts/{contact_id}"),
        Some(serde_json::json!({"dnd": true})),
    )
    .await;
    let moved = book_new(&desk, 6, "Otro", Some("+51911000302")).await;
    assert_eq!(messages_for(&sb, &moved).await.len(), 1);
    // Moving the DND patient's cita plans again: GHL refuses the send.
    let (_, date, start) = slot_ahead(&desk, 6).await;
    desk.change_cita(
        &dnd,
        CitaAction::Move {
            date,
            start,
            duration_minutes: 30,
            calendar_id: None,
            override_reason: Some("prueba".into()),
        },
    )
    .await
    .unwrap();
    let lines = desk.cita_reminders(&dnd).unwrap();
    assert_eq!(lines[0].state, ReminderState::Skipped, "{lines:?}");
    assert_eq!(lines[0].skip_reason, Some(SkipReason::Dnd));

    // Cancelled: a dry run says so without recording anything.
    desk.change_cita(
        &moved,
        CitaAction::Cancel {
            reason: "prueba".into(),
        },
    )
    .await
    .unwrap();
    assert!(messages_for(&sb, &moved)
        .await
        .iter()
        .all(|m| m.status == "cancelled"));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_confirm_cancel_or_wait_for_a_person() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk_on(dir.path(), &sb).await;
    let loc = sb.location_id().to_string();
    let confirm = book_new(&desk, 4, "Confirma", Some("+51911000401")).await;
    let cancel = book_new(&desk, 5, "Cancela", Some("+51911000402")).await;
    let contact_of = |cita: &str| {
        let cita = cita.to_string();
        let sb = &sb;
        async move {
            let w = sb.sandbox().read().await;
            w.appointments[&cita].contact_id.clone()
        }
    };
    // Citas booked here are confirmed; the patient confirms a "new" one.
    sb.edit_in_ghl_ui(
        reqwest::Method::PATCH,
        &format!("/appointments/{confirm}"),
        Some(serde_json::json!({"appointmentStatus": "new"})),
    )
    .await;
    desk.sync_now().await.unwrap();
    let answer = |contact: String, body: &'static str, id: &'static str| {
        serde_json::json!({"type": "InboundMessage", "locationId": loc, "contactId": contact,
            "conversationId": "c1", "messageId": id, "body": body, "messageType": "WhatsApp",
            "direction": "inbound", "status": "delivered"})
    };
    let c1 = contact_of(&confirm).await;
    desk.apply_answer_for_test(&answer(c1.clone(), "Sí, confirmo 👍", "m1"))
        .await
        .unwrap();
    // The same message again (a webhook delivered twice) does nothing more.
    desk.apply_answer_for_test(&answer(c1.clone(), "Sí, confirmo 👍", "m1"))
        .await
        .unwrap();
    assert_eq!(
        sb.sandbox().read().await.appointments[&confirm]
            .appointment_status
            .as_str(),
        "confirmed"
    );
    assert_eq!(
        desk.cita_reminders(&confirm).unwrap()[0].state,
        ReminderState::ConfirmedByPatient
    );
    let audit = desk.cita_audit(&confirm).unwrap();
    let answer_line = audit
        .iter()
        .find(|a| a.action == "patient_answer")
        .expect("audited");
    assert_eq!(answer_line.actor, "paciente (WhatsApp)");
    assert_eq!(answer_line.after.as_deref(), Some("Sí, confirmo 👍"));

    let c2 = contact_of(&cancel).await;
    desk.apply_answer_for_test(&answer(c2.clone(), "3", "m2"))
        .await
        .unwrap();
    assert_eq!(
        sb.sandbox().read().await.appointments[&cancel]
            .appointment_status
            .as_str(),
        "cancelled"
    );
    let audit = desk.cita_audit(&cancel).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.reason.as_deref() == Some("cancelada por el paciente (WhatsApp)")));

    // Reschedule, something unclear, and a stranger: the inbox.
    desk.apply_answer_for_test(&answer(c1.clone(), "¿puedo cambiar a otro día?", "m3"))
        .await
        .unwrap();
    desk.apply_answer_for_test(&answer(c1.clone(), "hola", "m4"))
        .await
        .unwrap();
    desk.apply_answer_for_test(&answer("NoSuchContact".into(), "1", "m5"))
        .await
        .unwrap();
    let inbox = desk.inbox().unwrap();
    assert_eq!(inbox.len(), 3, "{inbox:?}");
    assert_eq!(desk.confirmation_rate().unwrap().open_answers, 3);
    assert_eq!(inbox[0].text, "¿puedo cambiar a otro día?");
    assert_eq!(inbox[0].cita_id.as_deref(), Some(confirm.as_str()));
    desk.mark_answer_handled(inbox[0].id).unwrap();
    assert_eq!(desk.inbox().unwrap().len(), 2);
    assert!(desk.mark_answer_handled(inbox[0].id).is_err());

    // "Reprogramar" from an answer: one call moves the cita to a free slot
    // of its calendar through the move path and marks the answer handled.
    let item = desk
        .inbox()
        .unwrap()
        .into_iter()
        .find(|i| i.cita_id.as_deref() == Some(confirm.as_str()))
        .expect("the unclear answer about the cita");
    let calendar = item.calendar_id.clone().expect("the cita's calendar");
    let from = (today(&desk) + Duration::days(9)).to_string();
    let slot = desk.free_slots(&calendar, Some(&from)).await.unwrap()[0].clone();
    let moved = desk
        .reschedule_answer(item.id, &slot.date, &slot.start)
        .await
        .unwrap();
    assert!(moved.confirmed, "GHL took the move");
    assert!(
        moved
            .cita
            .start_local
            .starts_with(&format!("{}T{}", slot.date, slot.start)),
        "{moved:?}"
    );
    let ghl_start = sb.sandbox().read().await.appointments[&confirm].start_time;
    assert_eq!(
        ghl_start.timestamp_millis(),
        chrono::DateTime::parse_from_rfc3339(&moved.cita.start_utc)
            .unwrap()
            .timestamp_millis()
    );
    assert!(desk
        .cita_audit(&confirm)
        .unwrap()
        .iter()
        .any(|a| a.action == "move"));
    // The old reminder withdrawn, one for the new start scheduled.
    let reminders = desk.cita_reminders(&confirm).unwrap();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert_eq!(reminders[0].state, ReminderState::Scheduled);
    assert_eq!(desk.inbox().unwrap().len(), 1, "the answer is handled");
    let again = desk
        .reschedule_answer(item.id, &slot.date, &slot.start)
        .await
        .unwrap_err();
    assert_eq!(again.code(), "inbox.item_gone");
    sb.shutdown().await;
}

/// The Panel's confirmation rate worked out by hand: three reminded citas
/// on two days; the patients answer "1" (confirmed), nothing, and "3"
/// (cancelled: still reminded, not confirmed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_confirmation_rate_counts_reminded_and_confirmed_citas_per_day() {
    let sb = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = desk_on(dir.path(), &sb).await;
    let loc = sb.location_id().to_string();
    let (a, first) = book_new_on(&desk, 4, "Primera", Some("+51911000501")).await;
    let (b, same) = book_new_on(&desk, 4, "Segunda", Some("+51911000502")).await;
    assert_eq!(same, first, "the next free slot of that day");
    let later = (first - today(&desk)).num_days() + 1;
    let (c, second) = book_new_on(&desk, later, "Tercera", Some("+51911000503")).await;
    assert!(second > first);
    // Booked here, they are confirmed already: the patients confirm "new" ones.
    for id in [&a, &b, &c] {
        sb.edit_in_ghl_ui(
            reqwest::Method::PATCH,
            &format!("/appointments/{id}"),
            Some(serde_json::json!({"appointmentStatus": "new"})),
        )
        .await;
    }
    desk.sync_now().await.unwrap();
    let contact = |cita: &str| {
        let cita = cita.to_string();
        let sb = &sb;
        async move {
            sb.sandbox().read().await.appointments[&cita]
                .contact_id
                .clone()
        }
    };
    for (cita, body, id) in [(&a, "1", "ma"), (&c, "3", "mc")] {
        let answer = serde_json::json!({"type": "InboundMessage", "locationId": loc,
            "contactId": contact(cita).await, "conversationId": format!("conv-{id}"),
            "messageId": id, "body": body, "messageType": "WhatsApp", "direction": "inbound"});
        desk.apply_answer_for_test(&answer).await.unwrap();
    }

    // The week view brings each cita's reminder state along (the grid's mark).
    let state = |id: &str, day: NaiveDate| {
        desk.week_view(Some(&day.to_string()))
            .unwrap()
            .citas
            .into_iter()
            .find(|x| x.id == id)
            .and_then(|x| x.reminder)
    };
    assert_eq!(state(&a, first), Some(ReminderState::ConfirmedByPatient));
    assert_eq!(state(&b, first), Some(ReminderState::Scheduled));
    assert_eq!(state(&c, second), Some(ReminderState::CancelledByPatient));
    let seed = desk.week_view(None).unwrap().citas;
    assert!(
        seed.iter()
            .filter(|x| ![&a, &b, &c].contains(&&x.id))
            .all(|x| x.reminder.is_none()),
        "the seed's citas were never reminded"
    );

    let (from, to) = (first - Duration::days(1), second);
    let d = desk
        .dashboard(&from.to_string(), &to.to_string(), None)
        .unwrap();
    assert!(d.confirmations.available);
    let on = |day: NaiveDate| {
        let c = d
            .confirmations
            .days
            .iter()
            .find(|c| c.day == day.to_string())
            .unwrap();
        (c.reminded, c.confirmed, c.rate)
    };
    // First day: 2 reminded, 1 confirmed; second: 1 reminded, cancelled.
    assert_eq!(on(first), (2, 1, Some(0.5)));
    assert_eq!(on(second), (1, 0, Some(0.0)));
    assert_eq!(on(from), (0, 0, None), "no cita reminded that day");
    assert_eq!(d.confirmations.days.len(), d.citas_per_day.len());
    // The status bar's week figure counts the same way over any span.
    let zone: chrono_tz::Tz = "America/Lima".parse().unwrap();
    let ms = |d: NaiveDate| citadesk_core::testing::time::start_of_day(d, zone).timestamp_millis();
    assert_eq!(
        desk.store()
            .confirmation_counts(&loc, ms(first), ms(second + Duration::days(1)))
            .unwrap(),
        (3, 1)
    );
    let csv = d.csv(citadesk_core::DashboardChart::Confirmations);
    assert!(csv.starts_with("day,reminded,confirmed,confirmation_rate\n"));
    assert!(csv.contains(&format!("\n{first},2,1,0.5000\n")), "{csv}");
    assert!(csv.contains(&format!("\n{second},1,0,0.0000\n")), "{csv}");
    assert!(csv.contains(&format!("\n{from},0,0,\n")), "{csv}");
    sb.shutdown().await;
}
