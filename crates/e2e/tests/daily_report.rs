//! The manager's report in the real window with live updates on: a cita
//! cancelled in GHL whose webhook GHL dropped is healed by the next pull,
//! shows in the report as `canceladas_no_actualizadas` marked "webhook
//! perdido", and "restore the desk's version" puts it back in GHL.

use std::time::Duration;

use citadesk_e2e::relay::Relay;
use citadesk_e2e::week::todays_citas;
use citadesk_e2e::*;
use thirtyfour::prelude::*;

#[tokio::test]
async fn a_lost_webhook_shows_in_the_report_and_the_desks_version_is_restored() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    let relay = Relay::start(&sandbox).await;
    let token = relay.token(&sandbox.location_id);
    let state = sandbox.state().await;
    let victim = todays_citas(&sandbox)
        .await
        .into_keys()
        .find(|id| state["appointments"][id.as_str()]["appointmentStatus"] != "cancelled")
        .expect("an active cita today");
    let status_before = state["appointments"][victim.as_str()]["appointmentStatus"]
        .as_str()
        .unwrap()
        .to_string();

    // Pulls only when asked: what the report shows came by the one we ask for.
    let mut env: Vec<(&str, String)> = relay.app_env(&token);
    env.push(("CITADESK_SYNC_INTERVAL_SECS", "3600".into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::launch(&home, &env_refs).await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;
    app.wait_for(
        "[data-testid='relay-state'][data-state='connected']",
        Duration::from_secs(30),
    )
    .await;

    // GHL drops the next webhook, then someone cancels the cita in GHL.
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/_sandbox/webhooks/faults", sandbox.url))
        .json(&serde_json::json!({ "kind": "drop", "count": 1 }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let resp = http
        .post(format!(
            "{}/_sandbox/appointments/{victim}/cancel",
            sandbox.url
        ))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());

    // The next pull finds it.
    app.click_testid("sync-now").await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
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
    let lost = line
        .find(By::Css("[data-testid='lost-webhook']"))
        .await
        .expect("the line is marked as a lost webhook");
    assert_eq!(app.text_of(&lost).await.trim(), "webhook perdido");
    app.wait_for(
        "[data-testid='report-healed'][data-lost='1']",
        Duration::from_secs(5),
    )
    .await;
    app.screenshot("daily-01-lost-webhook").await;

    // Restore the desk's version: GHL has the cita active again.
    app.apply_fix(&line, "push_local").await;
    app.until_ghl(&sandbox, "the cita restored in GHL", |s| {
        s["appointments"][victim.as_str()]["appointmentStatus"] == status_before.as_str()
    })
    .await;
    app.screenshot("daily-02-restored").await;
    app.quit().await;
    drop(relay);
    drop(sandbox);
}
