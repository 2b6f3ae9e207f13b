//! The whole team's week without a picker: on the large seed (20 calendars)
//! "Equipo" (E) draws a row per calendar and, in today's cell of each row,
//! exactly that calendar's citas of today, patient first; a cita opens its
//! panel, a block made there is listed in its cell, a day's heading opens
//! that day with every calendar, and the view is remembered across a
//! restart (drawn from the last run's columns).

use std::collections::BTreeSet;
use std::time::Duration;

use citadesk_e2e::week::todays_citas;
use citadesk_e2e::*;
use thirtyfour::prelude::*;

async fn ids_of(app: &App, script: &str, arg: serde_json::Value) -> Vec<String> {
    serde_json::from_value(
        app.driver
            .execute(script, vec![arg])
            .await
            .unwrap()
            .json()
            .clone(),
    )
    .expect("a list of ids")
}

#[tokio::test]
async fn the_team_week_shows_every_calendar_and_todays_citas_in_their_rows() {
    if !enabled() {
        eprintln!("skipped: set CITADESK_E2E=1 (scripts/test.sh does) to drive the real window");
        return;
    }
    let home = TestHome::new();
    let sandbox = Sandbox::start_seeded(free_port(), "large");
    connect(&home, &sandbox);
    let today = todays_citas(&sandbox).await;
    let calendars: BTreeSet<String> = sandbox
        .calendars()
        .await
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();

    let app = App::launch_online(&home).await;
    app.wait_for(
        "[data-testid='app'][data-ready='true']",
        Duration::from_secs(30),
    )
    .await;
    // 20 calendars: the day of every calendar is the first screen; E is the team's week.
    app.driver
        .find(By::Css("body"))
        .await
        .unwrap()
        .send_keys("e")
        .await
        .unwrap();
    app.wait_for(
        "[data-testid='app'][data-view='team'] [data-testid='team-week']",
        Duration::from_secs(10),
    )
    .await;

    let rows = ids_of(
        &app,
        r#"return Array.from(document.querySelectorAll("[data-testid='team-row']")).map((r) => r.dataset.calendarId);"#,
        serde_json::json!(null),
    )
    .await;
    assert_eq!(
        rows.iter().cloned().collect::<BTreeSet<_>>(),
        calendars,
        "a row per calendar, every calendar, no picker"
    );
    assert_eq!(rows.len(), calendars.len(), "each calendar once: {rows:?}");
    assert!(
        app.driver
            .find_all(By::Css("[data-testid='calendar-picker']"))
            .await
            .unwrap()
            .is_empty(),
        "no picker over the team's week"
    );

    // Today's cell of each row holds exactly that calendar's citas of today.
    let lima_today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Lima)
        .date_naive()
        .to_string();
    for calendar in &calendars {
        let shown: BTreeSet<String> = ids_of(
            &app,
            r#"const [cal, day] = arguments[0];
               return Array.from(document.querySelectorAll(
                 `[data-testid='team-row'][data-calendar-id='${cal}'] td[data-date='${day}'] [data-testid='team-cita']`
               )).map((b) => b.dataset.citaId);"#,
            serde_json::json!([calendar, lima_today]),
        )
        .await
        .into_iter()
        .collect();
        let expected: BTreeSet<String> = today
            .iter()
            .filter(|(_, e)| &e.calendar_id == calendar)
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(shown, expected, "today's citas of calendar {calendar}");
    }

    // A box reads the time and the patient first; its tooltip has the rest.
    let (first_id, first) = today.iter().next().expect("the large seed books today");
    let cita_box = app
        .wait_for(
            &format!("[data-testid='team-cita'][data-cita-id='{first_id}']"),
            Duration::from_secs(5),
        )
        .await;
    let text = app.text_of(&cita_box).await;
    assert!(
        text.starts_with(&first.start_hhmm),
        "the box starts with its time: {text:?}"
    );
    let tooltip = cita_box.attr("title").await.unwrap().unwrap_or_default();
    assert!(
        tooltip.contains(&first.start_hhmm) && tooltip.contains(&first.end_hhmm),
        "the tooltip spells out the time: {tooltip:?}"
    );
    app.screenshot("team-01-week").await;

    // A cita opens its panel.
    app.open_cita(first_id, Duration::from_secs(5)).await;
    app.screenshot("team-02-cita").await;
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();
    app.wait_gone("[data-testid='cita-details']", Duration::from_secs(5))
        .await;

    // A block made from the team's week ("Bloquear horario") is listed in its
    // calendar's cell of that day, among the citas.
    let blocked = rows[0].clone();
    let block_id = app
        .block_time(
            &sandbox,
            &blocked,
            &lima_today,
            "10:00",
            "Reunión de equipo",
        )
        .await;
    let block = app
        .wait_for(
            &format!(
                "[data-testid='team-row'][data-calendar-id='{blocked}'] td[data-date='{lima_today}'] [data-testid='team-block'][data-block-id='{block_id}']"
            ),
            Duration::from_secs(20),
        )
        .await;
    let text = app.text_of(&block).await;
    assert!(
        text.contains("10:00") && text.contains("Reunión de equipo"),
        "the block reads its time and reason: {text:?}"
    );
    app.screenshot("team-03-block").await;

    // The view is remembered: after a restart the team's week is drawn again.
    app.quit().await;
    let app = App::launch(&home, &[]).await;
    app.wait_for(
        "[data-testid='app'][data-ready='true'][data-view='team'] [data-testid='team-cita']",
        Duration::from_secs(30),
    )
    .await;

    // A day's heading opens that day with every calendar.
    app.click_css(
        &format!("[data-testid='team-day'][data-date='{lima_today}']"),
        Duration::from_secs(5),
    )
    .await;
    app.wait_for(
        &format!("[data-testid='app'][data-view='day'][data-day='{lima_today}']"),
        Duration::from_secs(10),
    )
    .await;
    app.quit().await;
}
