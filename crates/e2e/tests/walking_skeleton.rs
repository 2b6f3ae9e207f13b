//! The walking skeleton, end to end: the week shows what GHL (the sandbox)
//! has, in the right columns and in Lima time; with GHL gone, the app still
//! opens on the cached week with the offline banner, which leaves when GHL
//! comes back.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::America::Lima;
use citadesk_e2e::*;
use thirtyfour::prelude::*;

struct Expected {
    title: String,
    calendar_id: String,
    start_hhmm: String,
    end_hhmm: String,
}

/// Today's citas as the sandbox serves them, keyed by id.
async fn todays_citas(sandbox: &Sandbox) -> BTreeMap<String, Expected> {
    let today: NaiveDate = Utc::now().with_timezone(&Lima).date_naive();
    let start = Lima
        .from_local_datetime(&today.and_hms_opt(0, 0, 0).unwrap())
        .unwrap();
    let end = start + chrono::Duration::days(1);
    let mut out = BTreeMap::new();
    for cal in sandbox.calendars().await {
        let cal_id = cal["id"].as_str().unwrap().to_string();
        for ev in sandbox
            .events(&cal_id, start.timestamp_millis(), end.timestamp_millis())
            .await
        {
            let s =
                chrono::DateTime::parse_from_rfc3339(ev["startTime"].as_str().unwrap()).unwrap();
            let e = chrono::DateTime::parse_from_rfc3339(ev["endTime"].as_str().unwrap()).unwrap();
            if s.with_timezone(&Lima).date_naive() != today {
                continue;
            }
            out.insert(
                ev["id"].as_str().unwrap().to_string(),
                Expected {
                    title: ev["title"].as_str().unwrap_or_default().to_string(),
                    calendar_id: cal_id.clone(),
                    start_hhmm: s.with_timezone(&Lima).format("%H:%M").to_string(),
                    end_hhmm: e.with_timezone(&Lima).format("%H:%M").to_string(),
                },
            );
        }
    }
    out
}

/// Every expected cita is on screen with its title and Lima times, tagged
/// with its calendar and drawn inside that calendar's column.
async fn assert_week_shows(app: &App, expected: &BTreeMap<String, Expected>) {
    for (id, exp) in expected {
        let el = app
            .wait_for(&format!("[data-cita-id='{id}']"), Duration::from_secs(20))
            .await;
        let text = app.text_of(&el).await;
        assert!(
            text.contains(&exp.title),
            "cita {id}: {text:?} lacks title {:?}",
            exp.title
        );
        assert!(
            text.contains(&exp.start_hhmm),
            "cita {id}: {text:?} lacks start {}",
            exp.start_hhmm
        );
        assert!(
            text.contains(&exp.end_hhmm),
            "cita {id}: {text:?} lacks end {}",
            exp.end_hhmm
        );
        assert_eq!(
            el.attr("data-calendar-id").await.unwrap().as_deref(),
            Some(exp.calendar_id.as_str())
        );

        // Both boxes measured in the same scroll state, after bringing the cita into view.
        let geometry = app
            .driver
            .execute(
                r#"const [id, cal] = arguments;
                   const el = document.querySelector(`[data-cita-id="${id}"]`);
                   const col = document.querySelector(`[data-resource-id="${cal}"]`);
                   if (!el || !col) return null;
                   el.scrollIntoView({ block: "center", inline: "center" });
                   const a = el.getBoundingClientRect(), b = col.getBoundingClientRect();
                   return [a.left + a.width / 2, b.left, b.right];"#,
                vec![serde_json::json!(id), serde_json::json!(exp.calendar_id)],
            )
            .await
            .unwrap()
            .json()
            .clone();
        let g: Vec<f64> =
            serde_json::from_value(geometry).expect("cita and its column header are in the page");
        let (centre, left, right) = (g[0], g[1], g[2]);
        assert!(
            centre >= left && centre <= right,
            "cita {id} (x {centre}) is not under its calendar's column ({left} .. {right})"
        );
    }
    // Today's agenda lists exactly today's citas.
    let items = app
        .driver
        .find_all(By::Css("[data-testid='agenda-item']"))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for item in items {
        ids.push(item.attr("data-cita-id").await.unwrap().unwrap_or_default());
    }
    ids.sort();
    let want: Vec<String> = expected.keys().cloned().collect();
    assert_eq!(ids, want, "today's agenda");
}

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
