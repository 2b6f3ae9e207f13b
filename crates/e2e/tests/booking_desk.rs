//! The receptionist's job in the real window: book a new patient at a time
//! another cita already takes, see the overlap warning, override it with a
//! reason, mark the new cita as attended, and cancel the other one, each
//! checked in GHL (the sandbox's own state).

use std::time::Duration;

use citadesk_e2e::week::todays_citas;
use citadesk_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test]
async fn book_a_new_patient_over_a_warning_then_mark_showed_and_cancel_another() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    let today = todays_citas(&sandbox).await;
    let state = sandbox.state().await;
    // One of today's citas that is not cancelled: the new booking lands on it.
    let (other_id, other) = today
        .iter()
        .find(|(id, _)| state["appointments"][id.as_str()]["appointmentStatus"] != "cancelled")
        .expect("the demo seed has an active cita today");
    let date = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d")
        .to_string();

    let app = App::launch(&home, &[]).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;

    // "Nueva cita", a new patient, the other cita's calendar and time.
    app.click_testid("new-cita").await;
    app.testid("booking-dialog").await;
    app.click_testid("booking-new-patient").await;
    app.fill("booking-first-name", "Rosa").await;
    app.fill("booking-last-name", "Quispe Ñahui").await;
    app.fill("booking-phone", "987 650 111").await;
    let calendar = app.testid("booking-calendar").await;
    app.choose(&calendar, &other.calendar_id).await;
    app.fill("booking-date", &date).await;
    app.fill("booking-start", &other.start_hhmm).await;
    app.fill("booking-duration", "30").await;
    app.fill("booking-title", "Primera consulta").await;

    let warning = app
        .wait_for(
            "[data-testid='booking-finding'][data-code='booking.overlap'][data-severity='warning']",
            Duration::from_secs(10),
        )
        .await;
    let text = app.text_of(&warning).await;
    assert!(!text.trim().is_empty(), "the warning says what overlaps");
    app.screenshot("booking-01-overlap-warning").await;
    // Guardar waits for a reason; with one, the booking goes through.
    let save = app.testid("booking-save").await;
    assert!(
        !save.is_enabled().await.unwrap(),
        "no override without a reason"
    );
    app.fill("booking-override-reason", "El doctor atiende la urgencia")
        .await;
    app.click_testid("booking-save").await;
    let result = app
        .wait_for(
            "[data-testid='booking-result'][data-confirmed='true']",
            Duration::from_secs(20),
        )
        .await;
    let new_id = result.attr("data-cita-id").await.unwrap().unwrap();
    app.screenshot("booking-02-saved").await;
    let ghl = app
        .until_ghl(&sandbox, "the new cita", |s| {
            s["appointments"][new_id.as_str()].is_object()
        })
        .await;
    let contact = ghl["appointments"][new_id.as_str()]["contactId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(ghl["contacts"][contact.as_str()]["phone"], "+51987650111");
    assert_eq!(
        ghl["appointments"][new_id.as_str()]["calendarId"],
        other.calendar_id.as_str()
    );
    if let Ok(close) = app
        .driver
        .find(By::Css("[data-testid='booking-close']"))
        .await
    {
        app.click(&close).await;
    }

    // The new cita: "Asistió".
    app.open_cita(&new_id, Duration::from_secs(15)).await;
    app.click_testid("cita-status-showed").await;
    app.until_ghl(&sandbox, "the new cita marked showed", |s| {
        s["appointments"][new_id.as_str()]["appointmentStatus"] == "showed"
    })
    .await;
    app.wait_for(
        "[data-testid='cita-details'][data-status='showed']",
        Duration::from_secs(10),
    )
    .await;
    app.screenshot("booking-03-showed").await;
    app.click_testid("cita-history").await;
    app.wait_for(
        "[data-testid='audit-entry'][data-action='override']",
        Duration::from_secs(10),
    )
    .await;
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();

    // The other cita: cancelled, with a reason.
    app.open_cita(other_id, Duration::from_secs(10)).await;
    app.click_testid("cita-cancel").await;
    app.fill("cita-cancel-reason", "El paciente viaja").await;
    app.click_testid("cita-cancel-confirm").await;
    app.until_ghl(&sandbox, "the other cita cancelled", |s| {
        s["appointments"][other_id.as_str()]["appointmentStatus"] == "cancelled"
    })
    .await;
    app.wait_for(
        &format!("[data-cita-id='{other_id}'][data-status='cancelled']"),
        Duration::from_secs(10),
    )
    .await;
    app.screenshot("booking-04-cancelled").await;
    app.quit().await;
}
