//! Live updates end to end: with the app window open, a change made in GHL
//! (the sandbox's admin API, as the front desk would in GHL's own calendar)
//! travels sandbox → citadesk-relay → the app, and shows in the window
//! without a manual refresh or a pull sync.

use std::time::Duration;

use citadesk_e2e::relay::Relay;
use citadesk_e2e::week::todays_citas;
use citadesk_e2e::*;

#[tokio::test]
async fn a_change_in_ghl_shows_in_the_open_window_without_a_refresh() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    let relay = Relay::start(&sandbox).await;
    let token = relay.token(&sandbox.location_id);
    let today = todays_citas(&sandbox).await;
    let (cita, before) = today.iter().next().expect("the demo seed has citas today");

    // A pull sync every hour only: whatever shows up sooner came live.
    let mut env: Vec<(&str, String)> = relay.app_env(&token);
    env.push(("CITADESK_SYNC_INTERVAL_SECS", "3600".into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::launch(&home, &env_refs).await;
    app.wait_for(&format!("[data-cita-id='{cita}']"), Duration::from_secs(30))
        .await;
    app.wait_for(
        "[data-testid='relay-state'][data-state='connected']",
        Duration::from_secs(30),
    )
    .await;

    let title = "Control – cambiado en GHL";
    assert_ne!(before.title, title);
    let resp = reqwest::Client::new()
        .patch(format!("{}/_sandbox/appointments/{cita}", sandbox.url))
        .json(&serde_json::json!({ "title": title }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());

    let started = std::time::Instant::now();
    loop {
        let el = app
            .wait_for(&format!("[data-cita-id='{cita}']"), Duration::from_secs(5))
            .await;
        if app.text_of(&el).await.contains(title) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the new title never showed in the window"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "shown {} ms after the change",
        started.elapsed().as_millis()
    );
    let relay_state = app
        .wait_for("[data-testid='relay-state']", Duration::from_secs(5))
        .await;
    let text = app.text_of(&relay_state).await;
    assert!(
        text.contains("conectado") && text.contains("último cambio"),
        "status bar: {text:?}"
    );
    app.screenshot("live-01-change-shown").await;
    app.quit().await;
    drop(relay);
    drop(sandbox);
}
