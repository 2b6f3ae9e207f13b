//! The `large` seed (benchmarks), `--state-file` persistence and the
//! binary's options.

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::{Datelike, Duration, Timelike};
use ghl_sandbox::{RateLimits, SandboxConfig, Seed};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

#[test]
fn large_seed_is_deterministic_consistent_and_fast() {
    let started = Instant::now();
    let world = ghl_sandbox::seed::build(Seed::Large, today());
    let took = started.elapsed();
    // Debug build; release is well under a second.
    assert!(took.as_secs_f64() < 10.0, "large seed took {took:?}");
    assert_eq!(world.calendars.len(), 20);
    assert_eq!(world.contacts.len(), 10_000);
    assert_eq!(world.appointments.len(), 20 * 31 * 40);
    assert_eq!(world.primary_location_id, ghl_sandbox::DEMO_LOCATION_ID);

    let lima = chrono_tz::America::Lima;
    let mut per_calendar: HashMap<&str, HashSet<i64>> = HashMap::new();
    let mut per_patient: HashSet<(&str, i64)> = HashSet::new();
    for a in world.appointments.values() {
        let start = a.start_time.with_timezone(&lima);
        let offset = (start.date_naive() - today()).num_days();
        assert!((-1..30).contains(&offset), "{start}");
        assert!((8..18).contains(&start.hour()) && start.minute() % 15 == 0);
        assert_eq!(a.end_time - a.start_time, Duration::minutes(15));
        let ms = a.start_time.timestamp_millis();
        assert!(
            per_calendar.entry(&a.calendar_id).or_default().insert(ms),
            "calendar overlap"
        );
        assert!(
            per_patient.insert((&a.contact_id, ms)),
            "patient in two places"
        );
        assert!(world.contacts.contains_key(&a.contact_id));
    }
    let again = ghl_sandbox::seed::build(Seed::Large, today());
    assert_eq!(world, again);
    // Every day of the week is open.
    assert!(world
        .appointments
        .values()
        .any(|a| a.start_time.with_timezone(&lima).weekday() == chrono::Weekday::Sun));
}

/// The reconciliation benchmark's shape: one call per calendar over a
/// 31-day window from yesterday gets everything.
#[tokio::test]
async fn twenty_calls_list_the_whole_large_seed() {
    let sandbox = start_config(SandboxConfig {
        seed: Seed::Large,
        today: Some(today()),
        rate_limits: RateLimits::unlimited(),
        ..Default::default()
    })
    .await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let (_, body) = ghl.calendars(&loc).await;
    let calendars = body["calendars"].as_array().unwrap().clone();
    assert_eq!(calendars.len(), 20);
    let from = lima_midnight(today() - Duration::days(1));
    let to = from + Duration::days(31);
    let mut total = 0;
    for c in &calendars {
        let (status, body) = ghl
            .get(
                "/calendars/events",
                Some(CALENDARS_VERSION),
                &[
                    ("locationId", &loc),
                    ("calendarId", c["id"].as_str().unwrap()),
                    ("startTime", &ms(from)),
                    ("endTime", &ms(to)),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        total += body["events"].as_array().unwrap().len();
    }
    assert_eq!(total, 24_800);
    let counts = ghl.admin("/_sandbox/requests/counts").await;
    assert_eq!(counts["counts"]["GET /calendars/events"], 20);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ghl.json");
    let config = SandboxConfig {
        today: Some(today()),
        state_file: Some(file.clone()),
        ..Default::default()
    };
    let sandbox = start_config(config.clone()).await;
    let ghl = Ghl::new(&sandbox);
    let made = ghl
        .post(
            "/contacts/",
            CONTACTS_VERSION,
            json!({"locationId": sandbox.location_id(), "firstName": "Persistente", "phone": "+51900000001"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let id = made.body["contact"]["id"].as_str().unwrap().to_string();
    let before = ghl.admin("/_sandbox/state").await;
    sandbox.shutdown().await;
    assert!(file.exists());

    // Seed and today are ignored when the file exists.
    let sandbox = start_config(SandboxConfig {
        seed: Seed::Empty,
        ..config
    })
    .await;
    let ghl = Ghl::new(&sandbox);
    assert_eq!(ghl.admin("/_sandbox/state").await, before);
    let (status, _) = ghl
        .get(&format!("/contacts/{id}"), Some(CONTACTS_VERSION), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    // The id stream goes on where it stopped.
    let next = ghl
        .post(
            "/contacts/",
            CONTACTS_VERSION,
            json!({"locationId": sandbox.location_id(), "firstName": "Otra", "phone": "+51900000002"}),
        )
        .await;
    assert_eq!(next.status, StatusCode::CREATED);
    assert_ne!(next.body["contact"]["id"], id.as_str());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn binary_takes_the_new_options() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let key =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhook-ed25519.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ghl-sandbox"))
        .args([
            "--port",
            "0",
            "--seed",
            "large",
            "--today",
            "2026-11-23",
            "--no-rate-limit",
        ])
        .args([
            "--webhook-url",
            "http://127.0.0.1:9/hooks",
            "--webhook-retry-ms",
            "10,20",
        ])
        .arg("--webhook-ed25519-key")
        .arg(&key)
        .args([
            "--oauth-client",
            "app:secret:http://127.0.0.1:9/cb",
            "--token-lifetime-secs",
            "60",
        ])
        .arg("--state-file")
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let (first, second, third) = banner(&mut child);
    let url = banner_url(&first);
    assert_eq!(
        second,
        format!(
            "location: {} (Clínica Demo, America/Lima)",
            ghl_sandbox::DEMO_LOCATION_ID
        )
    );
    assert_eq!(third, format!("pit: {}", ghl_sandbox::DEMO_PIT));
    let resp = reqwest::Client::new()
        .get(format!("{url}/calendars/"))
        .query(&[("locationId", ghl_sandbox::DEMO_LOCATION_ID)])
        .bearer_auth(ghl_sandbox::DEMO_PIT)
        .header("Version", CALENDARS_VERSION)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["x-ratelimit-max"],
        u32::MAX.to_string().as_str()
    );
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["calendars"].as_array().unwrap().len(), 20);
    let hooks: serde_json::Value = reqwest::get(format!("{url}/_sandbox/webhooks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(hooks["urls"], json!(["http://127.0.0.1:9/hooks"]));
    let page = reqwest::get(format!(
        "{url}/oauth/chooselocation?response_type=code&client_id=app&redirect_uri=http://127.0.0.1:9/cb"
    ))
    .await
    .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    #[cfg(unix)]
    {
        assert!(sigterm(&mut child).success());
        assert!(state.exists(), "state written at shutdown");
    }
    #[cfg(not(unix))]
    {
        let _ = child.kill();
        let _ = child.wait();
    }
}
