//! The manager's morning in the real window: a cita cancelled in GHL's own
//! UI without a webhook shows up in "Reconciliar ahora"; taking GHL's version
//! from the report fixes it, a new run is clean, and the report exports.

use std::time::Duration;

use citadesk_e2e::week::todays_citas;
use citadesk_e2e::*;

#[tokio::test]
async fn open_the_report_and_apply_a_fix() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    let state = sandbox.state().await;
    let victim = todays_citas(&sandbox)
        .await
        .into_keys()
        .find(|id| state["appointments"][id.as_str()]["appointmentStatus"] != "cancelled")
        .expect("an active cita today");

    let app = App::launch(&home, &[]).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;
    // Someone cancels it in GHL's UI; no webhook reaches the desk.
    sandbox
        .edit_in_ghl_ui(
            reqwest::Method::POST,
            &format!("/appointments/{victim}/cancel"),
            None,
        )
        .await;

    app.click_testid("view-reconcile").await;
    app.testid("reconcile-page").await;
    app.click_testid("reconcile-now").await;
    let line = app
        .wait_for(
            &format!(
                "[data-testid='report-line'][data-cita-id='{victim}'][data-category='canceladas_no_actualizadas']"
            ),
            Duration::from_secs(30),
        )
        .await;
    app.screenshot("reconcile-01-report").await;
    app.apply_fix(&line, "take_ghl").await;
    app.screenshot("reconcile-02-fixed").await;

    // Export, then run again: nothing left.
    app.click_testid("export-csv").await;
    let path = app
        .testid("export-path")
        .await
        .attr("data-path")
        .await
        .unwrap()
        .expect("the saved file's path");
    let csv = std::fs::read_to_string(&path).expect("exported file exists");
    assert!(csv.contains(&victim), "{csv}");
    app.click_testid("reconcile-again").await;
    app.wait_for("[data-testid='report-empty']", Duration::from_secs(30))
        .await;
    app.screenshot("reconcile-03-clean").await;

    // The agenda shows it cancelled, as GHL has it.
    app.click_testid("view-desk").await;
    app.wait_for(
        &format!("[data-cita-id='{victim}'][data-status='cancelled']"),
        Duration::from_secs(15),
    )
    .await;
    app.quit().await;
}
