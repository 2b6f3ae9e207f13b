//! The walking skeleton, end to end: the week shows what GHL (the sandbox)
//! has, in the right columns and in Lima time; with GHL gone, the app still
//! opens on the cached week with the offline banner, which leaves when GHL
//! comes back.

use std::time::Duration;

use citadesk_e2e::week::{assert_week_shows, todays_citas};
use citadesk_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test]
async fn week_from_ghl_then_from_cache_when_offline() {
    if !enabled() {
        eprintln!("skipped: set CITADESK_E2E=1 (scripts/test.sh does) to drive the real window");
        return;
    }
    let home = TestHome::new();
    let port = free_port();
    let sandbox = Sandbox::start(port);
    connect(&home, &sandbox);
    let expected = todays_citas(&sandbox).await;
    assert!(!expected.is_empty(), "the demo seed has citas today");

    // Online: the first sync fills the empty replica and the week appears.
    let env = [("CITADESK_RETRY_SECS", "1")];
    let app = App::launch(&home, &env).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;
    assert_week_shows(&app, &expected).await;
    let status = app
        .text_of(
            &app.wait_for("[data-testid='status-bar']", Duration::from_secs(5))
                .await,
        )
        .await;
    assert!(status.contains("Clínica Demo"), "status bar: {status:?}");
    assert!(app
        .driver
        .find_all(By::Css("[data-testid='offline-banner']"))
        .await
        .unwrap()
        .is_empty());
    app.screenshot("01-week-online").await;
    app.quit().await;

    // GHL gone: the app still opens, on the cached week, with the banner.
    sandbox.stop();
    let app = App::launch(&home, &env).await;
    let banner = app
        .wait_for("[data-testid='offline-banner']", Duration::from_secs(20))
        .await;
    let banner_text = app.text_of(&banner).await;
    assert!(
        banner_text.contains("Sin conexión") && banner_text.contains("última sincronización"),
        "banner: {banner_text:?}"
    );
    assert_week_shows(&app, &expected).await;
    app.screenshot("02-week-offline").await;

    // GHL back on the same address: the banner goes without a restart.
    let sandbox = Sandbox::start(port);
    app.wait_gone("[data-testid='offline-banner']", Duration::from_secs(20))
        .await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(20),
    )
    .await;
    app.screenshot("03-week-back-online").await;
    app.quit().await;
    drop(sandbox);
}
