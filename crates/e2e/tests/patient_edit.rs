//! A patient's name, phone and email edited from the cita panel in the real
//! window: a field the UI refuses says why next to it, one the core refuses
//! shows the core's message, and a valid edit reaches GHL (the sandbox's own
//! state) with the phone in E.164.

use std::time::Duration;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use chrono_tz::America::Lima;
use citadesk_e2e::*;

#[tokio::test]
async fn a_patient_is_edited_from_the_cita_panel_and_ghl_has_it() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };

    // A cita of this week (the week view shows every demo calendar) with a patient.
    let today = Utc::now().with_timezone(&Lima).date_naive();
    let monday = today - chrono::Duration::days(today.weekday().num_days_from_monday() as i64);
    let week_start = Lima
        .from_local_datetime(&monday.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let week_end = week_start + chrono::Duration::days(7);
    let state = sandbox.state().await;
    let (cita_id, contact_id) = state["appointments"]
        .as_object()
        .unwrap()
        .iter()
        .find_map(|(id, a)| {
            let start: DateTime<Utc> = a["startTime"].as_str()?.parse().ok()?;
            let contact = a["contactId"].as_str().filter(|c| !c.is_empty())?;
            (start >= week_start && start < week_end && state["contacts"][contact].is_object())
                .then(|| (id.clone(), contact.to_string()))
        })
        .expect("the demo seed has citas with patients this week");
    let first_name = state["contacts"][contact_id.as_str()]["firstName"]
        .as_str()
        .unwrap()
        .to_string();

    let app = App::launch(&home, &[]).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;
    app.open_cita(&cita_id, Duration::from_secs(20)).await;
    app.click_testid("cita-patient-edit").await;
    let first = app
        .wait_for(
            "[data-testid='cita-patient-first-name']",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(
        first.prop("value").await.unwrap().as_deref(),
        Some(first_name.as_str()),
        "the form opens with the patient's names apart"
    );

    // The UI's own check, next to the field, and no save.
    app.fill("cita-patient-email", "rosa@clinica").await;
    let field_error = app
        .wait_for(
            "[data-testid='cita-patient-field-error'][data-field='email']",
            Duration::from_secs(5),
        )
        .await;
    assert!(!app.text_of(&field_error).await.trim().is_empty());
    assert!(!app
        .testid("cita-patient-save")
        .await
        .is_enabled()
        .await
        .unwrap());
    app.screenshot("patient-01-email-refused").await;

    // The core's check (a number that is not a Peruvian mobile nor has a
    // country code), shown with its code.
    app.fill("cita-patient-email", "rosa.quispe@clinica.pe")
        .await;
    app.fill("cita-patient-phone", "123 456 789").await;
    app.click_testid("cita-patient-save").await;
    let core_error = app
        .wait_for(
            "[data-testid='cita-patient-error'][data-code='patient.invalid_phone']",
            Duration::from_secs(10),
        )
        .await;
    assert!(app.text_of(&core_error).await.contains("123 456 789"));

    // A valid edit: in GHL, the phone as E.164, the email lower-cased.
    app.fill("cita-patient-last-name", "Quispe Ñahui").await;
    app.fill("cita-patient-phone", "987 650 333").await;
    app.fill("cita-patient-email", "Rosa.Quispe@Clinica.pe")
        .await;
    app.click_testid("cita-patient-save").await;
    app.wait_for(
        "[data-testid='cita-patient-saved']",
        Duration::from_secs(15),
    )
    .await;
    app.until_ghl(&sandbox, "the patient's new fields", |s| {
        let c = &s["contacts"][contact_id.as_str()];
        c["lastName"] == "Quispe Ñahui"
            && c["phone"] == "+51987650333"
            && c["email"] == "rosa.quispe@clinica.pe"
            && c["firstName"] == first_name.as_str()
    })
    .await;
    // The panel shows the new name, and the form what the core keeps.
    let name = app.testid("cita-patient-name").await;
    assert!(app.text_of(&name).await.contains("Quispe Ñahui"));
    let phone = app.testid("cita-patient-phone").await;
    assert_eq!(
        phone.prop("value").await.unwrap().as_deref(),
        Some("+51987650333")
    );
    app.screenshot("patient-02-saved").await;
    app.quit().await;
}
