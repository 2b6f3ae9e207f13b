//! The admin API under `/_sandbox/`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn request_log_counts_ghl_calls_per_endpoint() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    for _ in 0..3 {
        ghl.calendars(&loc).await;
    }
    ghl.get(&format!("/locations/{loc}"), None, &[]).await;
    ghl.admin("/_sandbox/state").await;

    let log = ghl.admin("/_sandbox/requests").await;
    assert_eq!(log["count"], 4, "admin calls are not logged: {log}");
    let first = &log["requests"][0];
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], "/calendars/");
    assert_eq!(first["query"], format!("locationId={loc}"));
    assert_eq!(first["status"], 200);
    assert!(first["time"].as_str().is_some());
    assert_eq!(log["requests"][3]["status"], 400);

    let only = ghl.admin("/_sandbox/requests?path=/calendars/").await;
    assert_eq!(only["count"], 3);

    let http = reqwest::Client::new();
    let resp = http
        .delete(format!("{}/_sandbox/requests", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(ghl.admin("/_sandbox/requests").await["count"], 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn reset_switches_seed_and_today() {
    let sandbox = start_demo().await;
    let ghl = Ghl::new(&sandbox);
    let loc = sandbox.location_id().to_string();
    let http = reqwest::Client::new();
    let reset = |body: Value| {
        let http = http.clone();
        let url = format!("{}/_sandbox/reset", sandbox.base_url());
        async move { http.post(url).json(&body).send().await.unwrap() }
    };

    let resp = reset(json!({"seed": "empty"})).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, body) = ghl.calendars(&loc).await;
    assert_eq!(body["calendars"], json!([]));

    let resp = reset(json!({"seed": "demo", "today": "2026-12-01"})).await;
    let summary: Value = resp.json().await.unwrap();
    assert_eq!(summary["locationId"], loc.as_str());
    assert_eq!(summary["today"], "2026-12-01");
    assert_eq!(summary["calendars"], 3);
    assert_eq!(ghl.admin("/_sandbox/state").await["today"], "2026-12-01");

    let resp = reset(json!({"seed": "galaxy"})).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    sandbox.shutdown().await;
}
