//! The manager's Panel in the real window: its charts draw with the demo
//! clinic's figures, and a 429 storm from GHL shows the rate-limit alert in
//! the alerts list.

use std::time::Duration;

use citadesk_e2e::*;

#[tokio::test]
async fn the_panel_draws_its_charts_and_a_429_storm_shows_the_rate_limit_alert() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    let app = App::launch(&home, &[("CITADESK_ALERT_CHECK_SECS", "1")]).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;

    app.click_testid("view-panel").await;
    app.wait_for(
        "[data-testid='panel-page'][data-loaded='true']",
        Duration::from_secs(15),
    )
    .await;
    // uPlot drew each day chart on a canvas, 30 days each.
    for chart in ["citas_per_day", "rates", "patients", "differences"] {
        app.wait_for(
            &format!("[data-testid='chart-{chart}'][data-points='30'] canvas"),
            Duration::from_secs(10),
        )
        .await;
    }
    let table = app.testid("chart-table-citas_per_day").await;
    let text = app.text_of(&table).await;
    // A row per day of the 30 shown (each date has two dashes).
    assert!(text.matches('-').count() >= 60, "{text}");
    app.testid("alerts").await;
    app.screenshot("panel-01-charts").await;

    // GHL answers every call with 429 (rate-limit headers at zero).
    let resp = reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", sandbox.url))
        .json(&serde_json::json!({ "kind": "429", "count": 100000 }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    app.click_testid("sync-now").await;
    let alert = app
        .wait_for(
            "[data-testid='alert-rate_limit_low']",
            Duration::from_secs(30),
        )
        .await;
    let message = app.text_of(&alert).await;
    assert!(message.contains("0"), "{message}");
    app.screenshot("panel-02-rate-limit-alert").await;
    let _ = reqwest::Client::new()
        .delete(format!("{}/_sandbox/faults", sandbox.url))
        .send()
        .await;
    app.quit().await;
}
