//! What the week on screen must show, read from the sandbox itself.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::America::Lima;
use thirtyfour::prelude::*;

use crate::{App, Sandbox};

#[derive(Clone)]
pub struct Expected {
    pub title: String,
    pub calendar_id: String,
    pub start_hhmm: String,
    pub end_hhmm: String,
}

/// Today's citas as the sandbox serves them, keyed by id.
pub async fn todays_citas(sandbox: &Sandbox) -> BTreeMap<String, Expected> {
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
/// with its calendar and drawn inside that calendar's column; today's agenda
/// lists exactly today's citas.
pub async fn assert_week_shows(app: &App, expected: &BTreeMap<String, Expected>) {
    assert_citas_shown(app, expected).await;
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

/// A cita's box in the grid (today's agenda beside it has the same data
/// attributes).
pub const GRID_CITA: &str = ".cita-content";

/// Each expected cita is on screen with its title and Lima times, tagged
/// with its calendar and drawn inside that calendar's column (each is
/// scrolled into view first, as a person would). Every look is one fresh
/// query in the page: the grid may redraw its boxes between two looks.
pub async fn assert_citas_shown(app: &App, expected: &BTreeMap<String, Expected>) {
    for (id, exp) in expected {
        let deadline = Instant::now() + Duration::from_secs(20);
        let seen = loop {
            let found = app
                .driver
                .execute(
                    r#"const [id, cal, box] = arguments;
                       const el = document.querySelector(`${box}[data-cita-id="${id}"]`);
                       const col = document.querySelector(`[data-resource-id="${cal}"]`);
                       if (!el || !col) return null;
                       el.scrollIntoView({ block: "center", inline: "center" });
                       const a = el.getBoundingClientRect(), b = col.getBoundingClientRect();
                       return { text: el.textContent, detail: el.title, calendar: el.dataset.calendarId,
                                centre: a.left + a.width / 2, left: b.left, right: b.right };"#,
                    vec![
                        serde_json::json!(id),
                        serde_json::json!(exp.calendar_id),
                        serde_json::json!(GRID_CITA),
                    ],
                )
                .await
                .unwrap()
                .json()
                .clone();
            if !found.is_null() {
                break found;
            }
            assert!(
                Instant::now() < deadline,
                "cita {id} ({}) is not in the grid",
                exp.title
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        // The box shows the patient first and the title without the
        // patient's name again; its tooltip (and accessible name) holds the
        // title whole.
        let text = seen["text"].as_str().unwrap_or_default();
        let detail = seen["detail"].as_str().unwrap_or_default();
        for (what, want, shown) in [
            ("title", &exp.title, detail),
            ("start", &exp.start_hhmm, text),
            ("end", &exp.end_hhmm, text),
        ] {
            assert!(
                shown.contains(want.as_str()),
                "cita {id}: {shown:?} lacks {what} {want:?}"
            );
        }
        assert_eq!(seen["calendar"].as_str(), Some(exp.calendar_id.as_str()));
        let (centre, left, right) = (
            seen["centre"].as_f64().unwrap(),
            seen["left"].as_f64().unwrap(),
            seen["right"].as_f64().unwrap(),
        );
        assert!(
            centre >= left && centre <= right,
            "cita {id} (x {centre}) is not under its calendar's column ({left} .. {right})"
        );
    }
}
