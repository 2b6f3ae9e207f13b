//! First run: no location connected. IT connects one from the window with a
//! Private Integration Token; a wrong token is refused with a clear message
//! and nothing stored; the right one lands in the Secret Service keychain
//! (not on disk) and the week fills in.

use std::time::Duration;

use citadesk_e2e::week::{assert_week_shows, todays_citas};
use citadesk_e2e::*;
use thirtyfour::prelude::*;

async fn submit(app: &App) {
    let button = app
        .driver
        .find(By::Css("[data-testid='connect-submit']"))
        .await
        .unwrap();
    button.click().await.unwrap();
}

async fn fill(app: &App, testid: &str, value: &str) {
    let input = app
        .wait_for(&format!("[data-testid='{testid}']"), Duration::from_secs(5))
        .await;
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

#[tokio::test]
async fn connect_a_location_from_the_window() {
    if !enabled() {
        eprintln!("skipped: set CITADESK_E2E=1 (scripts/test.sh does) to drive the real window");
        return;
    }
    let home = TestHome::new();
    let sandbox = Sandbox::start(free_port());
    let expected = todays_citas(&sandbox).await;

    let app = App::launch(&home, &[]).await;
    app.wait_for("[data-testid='connect-screen']", Duration::from_secs(10))
        .await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='not_connected']",
        Duration::from_secs(5),
    )
    .await;
    fill(&app, "connect-base-url", &sandbox.url).await;
    fill(&app, "connect-location-id", &sandbox.location_id).await;

    // A wrong token: GHL refuses it, the message says so, nothing is kept.
    fill(&app, "connect-token", "pit-not-valid").await;
    submit(&app).await;
    let error = app
        .wait_for("[data-testid='connect-error']", Duration::from_secs(15))
        .await;
    let text = app.text_of(&error).await;
    assert!(
        text.contains("GHL") && text.contains("token"),
        "error shown: {text:?}"
    );
    app.screenshot("10-connect-refused").await;

    // The right one: connected, synced, the week shows GHL's citas.
    fill(&app, "connect-token", &sandbox.pit).await;
    submit(&app).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;
    assert_week_shows(&app, &expected).await;
    app.screenshot("11-connected-week").await;
    app.quit().await;

    // The token is in the Secret Service, filed under the location...
    let lookup = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "pe.citadesk.app", "username"])
        .arg(format!("ghl-pit:{}", sandbox.location_id))
        .output()
        .expect("secret-tool (libsecret-tools)");
    assert_eq!(
        String::from_utf8_lossy(&lookup.stdout).trim(),
        sandbox.pit,
        "keychain entry"
    );
    // ...and nowhere in the app's files.
    let leaks = files_containing(&home.data_dir(), sandbox.pit.as_bytes());
    assert!(leaks.is_empty(), "token on disk in {leaks:?}");
}
