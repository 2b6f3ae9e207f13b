//! The practice in the real window: "Bloquear horario" draws a block that
//! reaches GHL, a booking over it is warned, and a booking in a room another
//! calendar's cita already fills is warned, with the room named.

use std::time::Duration;

use chrono::{Datelike, Weekday};
use citadesk_e2e::*;

#[tokio::test]
async fn a_block_drawn_and_a_booking_over_it_warned_and_a_room_conflict_warned() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    let state = sandbox.state().await;
    let calendar = |name: &str| {
        state["calendars"]
            .as_object()
            .unwrap()
            .values()
            .find(|c| c["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (fisio, medicina) = (calendar("Fisioterapia"), calendar("Medicina General"));
    // Consultorio 1 is shared: Fisioterapia and Medicina General (as set in GHL).
    let room = state["resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["name"] == "Consultorio 1")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    sandbox
        .edit_in_ghl_ui(
            reqwest::Method::PATCH,
            &format!("/resources/{room}"),
            Some(serde_json::json!({"calendarIds": [fisio, medicina]})),
        )
        .await;

    let lima = chrono_tz::America::Lima;
    let today = chrono::Utc::now().with_timezone(&lima).date_naive();
    // A day ahead when Medicina General is open all day or its Saturday
    // morning (not Sunday, a short shift), in the week on screen when there
    // is one left.
    let ahead: Vec<_> = (1..=7)
        .map(|n| today + chrono::Duration::days(n))
        .filter(|d| d.weekday() != Weekday::Sun)
        .collect();
    let day = ahead
        .iter()
        .find(|d| d.iso_week() == today.iso_week())
        .copied()
        .unwrap_or(ahead[0]);
    let date = day.format("%Y-%m-%d").to_string();

    let app = App::launch(&home, &[]).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;

    // "Bloquear horario": Medicina General, 10:00 for an hour.
    let block_id = app
        .block_time(&sandbox, &medicina, &date, "10:00", "Reunión de equipo")
        .await;
    if day.iso_week() == today.iso_week() {
        // Drawn in the grid, in its calendar's column.
        app.wait_for(
            &format!("[data-block-id='{block_id}']"),
            Duration::from_secs(20),
        )
        .await;
    }
    app.screenshot("practice-01-block-drawn").await;

    // A booking over the block: warned.
    app.click_testid("new-cita").await;
    app.testid("booking-dialog").await;
    let select = app.testid("booking-calendar").await;
    app.choose(&select, &medicina).await;
    app.fill("booking-date", &date).await;
    app.fill("booking-start", "10:15").await;
    app.fill("booking-duration", "30").await;
    let warning = app
        .wait_for(
            "[data-testid='booking-finding'][data-code='booking.blocked_time'][data-severity='warning']",
            Duration::from_secs(10),
        )
        .await;
    assert!(app.text_of(&warning).await.contains("Reunión de equipo"));
    let room_line = app.testid("booking-room").await;
    assert!(app.text_of(&room_line).await.contains("Consultorio 1"));
    app.screenshot("practice-02-booking-over-block").await;

    // A Medicina General booking while a Fisioterapia cita holds the room.
    let state = sandbox.state().await;
    let now = chrono::Utc::now();
    let taken = state["appointments"]
        .as_object()
        .unwrap()
        .values()
        .filter(|a| a["calendarId"] == fisio.as_str() && a["appointmentStatus"] != "cancelled")
        .filter_map(|a| {
            let start = chrono::DateTime::parse_from_rfc3339(a["startTime"].as_str()?).ok()?;
            (start > now).then_some(start.with_timezone(&lima))
        })
        .min()
        .expect("an upcoming Fisioterapia cita");
    app.fill("booking-date", &taken.format("%Y-%m-%d").to_string())
        .await;
    app.fill("booking-start", &taken.format("%H:%M").to_string())
        .await;
    let conflict = app
        .wait_for(
            "[data-testid='booking-finding'][data-code='booking.room_full']",
            Duration::from_secs(10),
        )
        .await;
    assert!(app.text_of(&conflict).await.contains("Consultorio 1"));
    app.screenshot("practice-03-room-conflict").await;

    // The day by room: Consultorio 1 gets a column of its own.
    app.click_css("[data-testid='booking-dialog'] .dialog-head button, [data-testid='booking-dialog'] h2 + button", Duration::from_secs(5))
        .await;
    app.wait_gone("[data-testid='booking-dialog']", Duration::from_secs(10))
        .await;
    app.click_testid("view-day").await;
    app.click_testid("filter-by-room").await;
    app.wait_for(
        &format!("[data-resource-id='{room}']"),
        Duration::from_secs(10),
    )
    .await;
    app.screenshot("practice-04-day-by-room").await;
    app.quit().await;
}
