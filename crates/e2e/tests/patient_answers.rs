//! A patient's answer in the open window (issue #16): reminders go out for
//! two citas of the day after tomorrow; the patient's "1" (ghl-sandbox plays the patient:
//! a signed InboundMessage through citadesk-relay) shows the cita confirmed
//! without a refresh, with the grid's reminder mark saying so, and a "2"
//! waits in "Respuestas" with its count; "Reprogramar…" there moves the
//! cita to a free slot in GHL with one click and empties the answers.

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
    // Two patients who can be written to, each with a cita early in the
    // day after tomorrow and none before it: the cita the answer is for.
    // Not tomorrow: from 21:00 to 08:00 (the default quiet hours) a
    // reminder waits until 08:00, too late for a cita early tomorrow, and
    // the answer would find no reminded cita.
    let zone: chrono_tz::Tz = "America/Lima".parse().unwrap();
    let now = chrono::Utc::now();
    let day = now.with_timezone(&zone).date_naive() + chrono::Duration::days(2);
    let state = sandbox.state().await;
    let busy: std::collections::HashSet<String> = state["appointments"]
        .as_object()
        .unwrap()
        .values()
        .filter(|a| {
            a["startTime"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t > now && t < now + chrono::Duration::days(4))
        })
        .filter_map(|a| a["contactId"].as_str().map(str::to_string))
        .collect();
    let reachable: Vec<String> = state["contacts"]
        .as_object()
        .unwrap()
        .values()
        .filter(|c| c["phone"].is_string() && c["dnd"] == false)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .filter(|id| !busy.contains(id))
        .take(2)
        .collect();
    assert_eq!(reachable.len(), 2, "the demo has patients with phones");
    let calendar = sandbox.calendars().await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut citas = Vec::new();
    for (contact, hhmm) in reachable.iter().zip(["06:00", "06:30"]) {
        let made = sandbox
            .edit_in_ghl_ui(
                reqwest::Method::POST,
                "/appointments",
                Some(serde_json::json!({
                    "calendarId": calendar, "contactId": contact,
                    "startTime": format!("{day}T{hhmm}:00-05:00"),
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
        &["reminders", "send", "--date", &day.to_string(), "--json"],
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
    // That day on screen: the day view, two days on, by two quick presses
    // of "next" (in one script, faster than the first one's week can load).
    // On a Sunday the first press reads the next week; the second press used
    // to step from the day still on screen, and Monday was shown, not Tuesday.
    app.click_testid("view-day").await;
    app.driver
        .execute(
            "const next = document.querySelector(\"[data-testid='next-week']\"); next.click(); next.click();",
            vec![],
        )
        .await
        .unwrap();
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
    // The box's reminder mark: confirmed by the patient, named in words.
    let mark_css = format!(
        "[data-cita-id='{}'] [data-testid='reminder-mark'][data-reminder='confirmed_by_patient']",
        citas[0]
    );
    app.wait_for(&mark_css, Duration::from_secs(30)).await;
    // Read in one script: a live update may draw the box again in between
    // (a found element would then be stale), the label stays the same.
    let label = app
        .driver
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute('aria-label') : '';",
            vec![serde_json::json!(mark_css)],
        )
        .await
        .unwrap()
        .json()
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        !label.is_empty() && !label.starts_with("reminderState."),
        "{label}"
    );
    app.screenshot("answers-01-confirmed").await;

    // "2": a person must move it; the answers' count says so.
    patient_says(&sandbox, &reachable[1], "2, otro día por favor").await;
    let count = app
        .wait_for("[data-testid='answers-count']", Duration::from_secs(30))
        .await;
    assert_eq!(app.text_of(&count).await.trim(), "1");
    app.click_testid("answers-button").await;
    app.screenshot("answers-02-inbox").await;

    // "Reprogramar…": GHL's free slots of the cita's calendar; one click
    // moves the cita there (in GHL) and the answer is handled.
    let before = sandbox.state().await["appointments"][citas[1].as_str()]["startTime"].clone();
    app.click_css("[data-testid='inbox-reschedule']", Duration::from_secs(10))
        .await;
    let slot = app
        .wait_for("[data-testid='inbox-slot']", Duration::from_secs(30))
        .await;
    let date = slot.attr("data-date").await.unwrap().unwrap_or_default();
    let start = slot.attr("data-start").await.unwrap().unwrap_or_default();
    app.screenshot("answers-03-free-slots").await;
    app.click_css("[data-testid='inbox-slot']", Duration::from_secs(10))
        .await;
    app.wait_for("[data-testid='inbox-empty']", Duration::from_secs(30))
        .await;
    app.wait_for("[data-testid='inbox-notice']", Duration::from_secs(5))
        .await;
    let moved = citas[1].clone();
    app.until_ghl(&sandbox, "the cita at the chosen free slot", |s| {
        let at = &s["appointments"][moved.as_str()]["startTime"];
        let local = at
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string());
        *at != before && local == Some(format!("{date} {start}"))
    })
    .await;
    app.screenshot("answers-04-rescheduled").await;
    app.quit().await;
    drop(relay);
}
