//! A patient's answer in the open window (issue #16): reminders go out for
//! two citas of tomorrow; the patient's "1" (ghl-sandbox plays the patient:
//! a signed InboundMessage through citadesk-relay) shows the cita confirmed
//! without a refresh, and a "2" waits in "Respuestas" with its count.

use std::process::Stdio;
use std::time::Duration;

use citadesk_e2e::relay::Relay;
use citadesk_e2e::*;

fn cli(home: &TestHome, args: &[&str]) -> String {
    let out = home
        .command(bin_dir().join("citadesk-cli"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "citadesk-cli {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn patient_says(sandbox: &Sandbox, contact: &str, body: &str) {
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/conversations/inbound", sandbox.url))
        .json(&serde_json::json!({ "contactId": contact, "body": body }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
}

#[tokio::test]
async fn a_patients_1_shows_confirmed_and_a_2_waits_in_the_answers() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    // Two patients who can be written to, each with a cita early tomorrow
    // (their first, so it is the one the answer is for).
    let state = sandbox.state().await;
    let reachable: Vec<String> = state["contacts"]
        .as_object()
        .unwrap()
        .values()
        .filter(|c| c["phone"].is_string() && c["dnd"] == false)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .take(2)
        .collect();
    assert_eq!(reachable.len(), 2, "the demo has patients with phones");
    let calendar = sandbox.calendars().await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let zone: chrono_tz::Tz = "America/Lima".parse().unwrap();
    let tomorrow = chrono::Utc::now().with_timezone(&zone).date_naive() + chrono::Duration::days(1);
    let mut citas = Vec::new();
    for (contact, hhmm) in reachable.iter().zip(["06:00", "06:30"]) {
        let made = sandbox
            .edit_in_ghl_ui(
                reqwest::Method::POST,
                "/appointments",
                Some(serde_json::json!({
                    "calendarId": calendar, "contactId": contact,
                    "startTime": format!("{tomorrow}T{hhmm}:00-05:00"),
                    "title": "Control", "appointmentStatus": "new",
                })),
            )
            .await;
        citas.push(made["id"].as_str().expect("the new cita's id").to_string());
    }
    cli(&home, &["sync"]);
    cli(&home, &["reminders", "on"]);
    let sent = cli(
        &home,
        &[
            "reminders",
            "send",
            "--date",
            &tomorrow.to_string(),
            "--json",
        ],
    );
    for cita in &citas {
        assert!(sent.contains(cita.as_str()), "{cita} reminded: {sent}");
    }

    let relay = Relay::start(&sandbox).await;
    let token = relay.token(&sandbox.location_id);
    let mut env: Vec<(&str, String)> = relay.app_env(&token);
    env.push(("CITADESK_SYNC_INTERVAL_SECS", "3600".into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::launch(&home, &env_refs).await;
    app.wait_for(
        "[data-testid='relay-state'][data-state='connected']",
        Duration::from_secs(30),
    )
    .await;
    // Tomorrow on screen: the day view of tomorrow.
    app.click_testid("view-day").await;
    app.click_testid("next-week").await;
    app.wait_for(
        &format!("[data-cita-id='{}']", citas[0]),
        Duration::from_secs(20),
    )
    .await;

    // "1": confirmed in GHL and in the window, without a refresh.
    patient_says(&sandbox, &reachable[0], "1").await;
    app.wait_for(
        &format!("[data-cita-id='{}'][data-status='confirmed']", citas[0]),
        Duration::from_secs(30),
    )
    .await;
    app.screenshot("answers-01-confirmed").await;

    // "2": a person must move it; the answers' count says so.
    patient_says(&sandbox, &reachable[1], "2, otro día por favor").await;
    let count = app
        .wait_for("[data-testid='answers-count']", Duration::from_secs(30))
        .await;
    assert_eq!(app.text_of(&count).await.trim(), "1");
    app.click_testid("answers-button").await;
    app.screenshot("answers-02-inbox").await;
    app.quit().await;
    drop(relay);
}
