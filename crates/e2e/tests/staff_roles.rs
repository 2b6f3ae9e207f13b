//! A shared front-desk PC with two people (issue #18), in the real window:
//! the lock screen shows nothing of the agenda; the receptionist's
//! reconciliation page has no fix controls and the core refuses a fix sent
//! anyway; after "Cambiar de usuario" the manager applies it; the audit and
//! the report name each person.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use citadesk_e2e::week::todays_citas;
use citadesk_e2e::*;
use thirtyfour::prelude::*;

/// `citadesk-cli staff add NAME --role ROLE`, as `acting` (name, PIN) when given.
fn staff_add(home: &TestHome, acting: Option<(&str, &str)>, name: &str, role: &str, pin: &str) {
    let mut cmd = home.command(bin_dir().join("citadesk-cli"));
    cmd.args(["staff", "add", name, "--role", role])
        .env_remove("CITADESK_STAFF")
        .env_remove("CITADESK_PIN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some((who, their_pin)) = acting {
        cmd.env("CITADESK_STAFF", who)
            .env("CITADESK_PIN", their_pin);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "staff add {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Clicks what `css` finds when it is clicked (the lock screen redraws its
/// list when the session is read again, so a found element can go stale).
async fn press(app: &App, css: &str) {
    app.wait_for(css, Duration::from_secs(10)).await;
    app.driver
        .execute(
            "document.querySelector(arguments[0]).click();",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
}

async fn sign_in(app: &App, name: &str, pin: &str) {
    press(
        app,
        &format!("[data-testid='sign-in-person'][data-name='{name}']"),
    )
    .await;
    app.wait_for("[data-testid='sign-in-pin']", Duration::from_secs(5))
        .await;
    app.fill("sign-in-pin", pin).await;
    press(app, "[data-testid='sign-in-submit']").await;
    app.wait_for(
        &format!("[data-testid='app'][data-locked='false'][data-person='{name}']"),
        Duration::from_secs(15),
    )
    .await;
}

#[tokio::test]
async fn the_receptionist_reads_the_report_the_manager_fixes_it() {
    let Some((home, sandbox)) = connected_demo() else {
        return;
    };
    staff_add(&home, None, "Gabriela", "gerencia", "9753");
    staff_add(
        &home,
        Some(("Gabriela", "9753")),
        "Rosa",
        "recepcion",
        "2468",
    );
    let state = sandbox.state().await;
    let mut today: Vec<String> = todays_citas(&sandbox)
        .await
        .into_keys()
        .filter(|id| state["appointments"][id.as_str()]["appointmentStatus"] != "cancelled")
        .collect();
    let victim = today.pop().expect("an active cita today");
    let confirmed_by_rosa = today.pop().expect("another active cita today");

    let app = App::launch(&home, &[]).await;
    // Locked: names to choose from, nothing of the agenda.
    app.wait_for("[data-testid='sign-in']", Duration::from_secs(10))
        .await;
    for hidden in [
        "[data-cita-id]",
        "[data-testid='agenda']",
        "[data-testid='new-cita']",
    ] {
        let found = app.driver.find_all(By::Css(hidden)).await.unwrap();
        assert!(found.is_empty(), "{hidden} shows on the lock screen");
    }
    app.screenshot("staff-01-locked").await;

    // A wrong PIN says so and keeps the desk locked.
    press(&app, "[data-testid='sign-in-person'][data-name='Rosa']").await;
    app.wait_for("[data-testid='sign-in-pin']", Duration::from_secs(5))
        .await;
    app.fill("sign-in-pin", "0000").await;
    press(&app, "[data-testid='sign-in-submit']").await;
    app.wait_for("[data-testid='sign-in-error']", Duration::from_secs(10))
        .await;

    sign_in(&app, "Rosa", "2468").await;
    app.wait_for(
        "[data-testid='connection-state'][data-state='online']",
        Duration::from_secs(30),
    )
    .await;
    // No staff or settings buttons for recepción.
    assert!(app
        .driver
        .find_all(By::Css(
            "[data-testid='settings-open'], [data-testid='staff-open']"
        ))
        .await
        .unwrap()
        .is_empty());

    // Rosa changes a cita's status (to one it does not have yet).
    let panel = app
        .open_cita(&confirmed_by_rosa, Duration::from_secs(20))
        .await;
    let now = panel.attr("data-status").await.unwrap().unwrap_or_default();
    let status = if now == "confirmed" {
        "showed"
    } else {
        "confirmed"
    };
    app.click_testid(&format!("cita-status-{status}")).await;
    app.wait_for(
        &format!("[data-testid='cita-details'][data-status='{status}']"),
        Duration::from_secs(15),
    )
    .await;
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();

    // Someone cancels a cita in GHL's UI; no webhook reaches the desk.
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
    let line_css = format!(
        "[data-testid='report-line'][data-cita-id='{victim}'][data-category='canceladas_no_actualizadas']"
    );
    let line = app.wait_for(&line_css, Duration::from_secs(30)).await;
    let controls = line
        .find_all(By::Css("[data-testid='fix-apply'], [data-testid='fix-action'], [data-testid='report-line-select']"))
        .await
        .unwrap();
    assert!(controls.is_empty(), "recepción sees no fix controls");
    app.screenshot("staff-02-reception-report").await;

    // A fix sent anyway, straight through IPC: the core refuses it.
    let report_id = app
        .testid("report-view")
        .await
        .attr("data-report-id")
        .await
        .unwrap()
        .unwrap();
    let answer = app
        .driver
        .execute_async(
            "const [id, cita, done] = arguments;
             window.__TAURI_INTERNALS__.invoke('apply_fixes', { reportId: Number(id), fixes: [{ citaId: cita, action: 'take_ghl' }] })
               .then(() => done('applied'), (e) => done(e && e.code ? e.code : String(e)));",
            vec![serde_json::json!(report_id), serde_json::json!(victim)],
        )
        .await
        .unwrap();
    assert_eq!(answer.json(), &serde_json::json!("auth.role_required"));

    // "Cambiar de usuario": the lock screen, then the manager.
    press(&app, "[data-testid='switch-user']").await;
    app.wait_for("[data-testid='sign-in']", Duration::from_secs(10))
        .await;
    sign_in(&app, "Gabriela", "9753").await;
    app.click_testid("view-reconcile").await;
    app.testid("reconcile-page").await;
    app.click_testid("reconcile-now").await;
    let line = app.wait_for(&line_css, Duration::from_secs(30)).await;
    app.apply_fix(&line, "take_ghl").await;
    app.screenshot("staff-03-manager-fixed").await;

    // The audit names each person: the manager's fix, the receptionist's status.
    app.click_testid("view-desk").await;
    for (cita, who) in [
        (&victim, "Gabriela (st-"),
        (&confirmed_by_rosa, "Rosa (st-"),
    ] {
        app.open_cita(cita, Duration::from_secs(20)).await;
        app.click_testid("cita-history").await;
        let history = app
            .wait_for("[data-testid='cita-history-list']", Duration::from_secs(10))
            .await;
        let text = app.text_of(&history).await;
        assert!(text.contains(who), "{who}: {text}");
        app.driver
            .action_chain()
            .send_keys(Key::Escape)
            .perform()
            .await
            .unwrap();
        app.wait_gone("[data-testid='cita-details']", Duration::from_secs(5))
            .await;
    }
    app.screenshot("staff-04-audit").await;
    app.quit().await;
}
