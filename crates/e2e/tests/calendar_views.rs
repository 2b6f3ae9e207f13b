//! The month, the list and the printed day in the real window, on the demo
//! clinic: a day of the month opens in the day view; the list filtered by
//! status and exported, the CSV read back from disk; the printed day's sheet
//! holds the day's citas with their patients and a print stylesheet exists.

use std::time::Duration;

use citadesk_e2e::*;
use thirtyfour::prelude::*;

/// Sets an input's value as typed (Svelte's `bind:value` listens to `input`).
async fn type_into(app: &App, id: &str, value: &str) {
    let el = app.testid(id).await;
    app.driver
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![el.to_json().unwrap(), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

async fn attr(el: &WebElement, name: &str) -> String {
    el.attr(name).await.ok().flatten().unwrap_or_default()
}

#[tokio::test]
async fn month_to_day_list_filter_and_export_and_the_printed_day() {
    let Some((home, _sandbox)) = connected_demo() else {
        return;
    };
    let app = App::launch(&home, &[]).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;

    // With the views' switch the header still holds every button on screen.
    let fits = app
        .driver
        .execute(
            "const h = document.querySelector('.app-header'); return [h.scrollWidth, h.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    let fits = fits.json().clone();
    assert!(
        fits[0].as_f64() <= fits[1].as_f64(),
        "header [scrollWidth, clientWidth]: {fits}"
    );

    // The month: a day with citas opens in the day view.
    app.click_testid("view-month").await;
    app.wait_for(
        "[data-testid='month-page'][data-loaded='true']",
        Duration::from_secs(15),
    )
    .await;
    let days = app
        .driver
        .find_all(By::Css("[data-testid='month-day']"))
        .await
        .unwrap();
    assert!(days.len() >= 28 && days.len() % 7 == 0, "{}", days.len());
    let busy = app
        .wait_for(
            "[data-testid='month-day']:not([data-citas='0'])",
            Duration::from_secs(5),
        )
        .await;
    let date = attr(&busy, "data-date").await;
    let citas: usize = attr(&busy, "data-citas").await.parse().unwrap();
    assert!(citas > 0);
    app.screenshot("views-01-month").await;
    app.click_css(
        &format!("[data-testid='month-day'][data-date='{date}']"),
        Duration::from_secs(5),
    )
    .await;
    app.wait_for(
        &format!("[data-testid='app'][data-page='desk'][data-view='day'][data-day='{date}']"),
        Duration::from_secs(10),
    )
    .await;
    app.screenshot("views-02-day-from-month").await;

    // The list: a fortnight around that day, then only confirmed citas.
    app.click_testid("view-list").await;
    app.wait_for(
        "[data-testid='list-page'][data-loaded='true']",
        Duration::from_secs(15),
    )
    .await;
    let from = {
        let d = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
        (d - chrono::Duration::days(7)).to_string()
    };
    let to = {
        let d = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
        (d + chrono::Duration::days(7)).to_string()
    };
    type_into(&app, "list-from", &from).await;
    type_into(&app, "list-to", &to).await;
    app.wait_for(
        "[data-testid='list-page'][data-loaded='true']:not([data-total='0'])",
        Duration::from_secs(10),
    )
    .await;
    let all: usize = attr(&app.testid("list-page").await, "data-total")
        .await
        .parse()
        .unwrap();
    app.wait_for(
        "[data-testid='list-row'][data-id]:not([data-id=''])",
        Duration::from_secs(10),
    )
    .await;
    let status = app.testid("list-status").await;
    app.choose(&status, "confirmed").await;
    let page = app
        .wait_for(
            &format!("[data-testid='list-page'][data-loaded='true']:not([data-total='{all}'])"),
            Duration::from_secs(10),
        )
        .await;
    let confirmed: usize = attr(&page, "data-total").await.parse().unwrap();
    assert!(confirmed > 0 && confirmed < all, "{confirmed} of {all}");
    // Only the rows in view are drawn, each a confirmed cita.
    let chips = app
        .driver
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='list-row'] .chip\")].map((c) => c.textContent.trim().toLowerCase());",
            vec![],
        )
        .await
        .unwrap();
    let chips: Vec<String> = serde_json::from_value(chips.json().clone()).unwrap();
    assert!(!chips.is_empty() && chips.len() <= confirmed);
    assert!(
        chips.iter().all(|c| c == "confirmada" || c == "confirmed"),
        "{chips:?}"
    );
    app.screenshot("views-03-list-confirmed").await;

    // Its CSV, read back from disk: a line per confirmed cita.
    app.click_testid("list-export").await;
    let note = app
        .wait_for(
            "[data-testid='list-exported']:not([data-path=''])",
            Duration::from_secs(10),
        )
        .await;
    let path = attr(&note, "data-path").await;
    let csv = std::fs::read_to_string(&path).expect("the exported CSV");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "date,start,end,calendar,practitioner,patient,phone,status,title,notes,id"
    );
    assert_eq!(lines.len(), confirmed + 1, "{csv}");
    assert!(
        lines[1..].iter().all(|l| l.contains(",confirmed,")),
        "{csv}"
    );
    assert!(lines[1..]
        .iter()
        .all(|l| l[..10] >= *from && l[..10] <= *to));

    // The printed day: the day opened from the month, every practitioner.
    app.click_testid("view-print").await;
    let sheet = app
        .wait_for(
            &format!("[data-testid='print-sheet'][data-date='{date}']"),
            Duration::from_secs(10),
        )
        .await;
    let text = app.text_of(&sheet).await;
    assert!(text.contains("Clínica Demo"), "{text}");
    let rows = app
        .driver
        .find_all(By::Css("[data-testid='print-row']"))
        .await
        .unwrap();
    // The month counts citas not cancelled; the sheet lists them all.
    assert!(rows.len() >= citas, "{} rows, {citas} citas", rows.len());
    let first = app.text_of(&rows[0]).await;
    assert!(
        first.chars().filter(|c| *c == ':').count() >= 2,
        "a time range: {first}"
    );
    let groups = app
        .driver
        .find_all(By::Css("[data-testid='print-group']"))
        .await
        .unwrap();
    assert!(!groups.is_empty());
    // Only the sheet goes to paper: the print stylesheet is loaded.
    let has_print = app
        .driver
        .execute(
            "return [...document.styleSheets].some((s) => [...s.cssRules].some((r) => r.media && r.media.mediaText.includes('print')));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(has_print.json(), &serde_json::json!(true));
    app.screenshot("views-04-printed-day").await;

    // One practitioner's sheet: one group.
    let cal = attr(&groups[0], "data-calendar").await;
    let pick = app.testid("print-calendar").await;
    app.choose(&pick, &cal).await;
    app.wait_for(
        &format!("[data-testid='print-group'][data-calendar='{cal}']"),
        Duration::from_secs(10),
    )
    .await;
    let started = std::time::Instant::now();
    loop {
        let n = app
            .driver
            .find_all(By::Css("[data-testid='print-group']"))
            .await
            .unwrap()
            .len();
        if n == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{n} groups");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await;
}
