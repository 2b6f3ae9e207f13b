//! The `ghl-sandbox` binary: its banner and a clean stop on SIGTERM.

use std::process::{Command, Stdio};

use reqwest::StatusCode;

use crate::common::*;

#[tokio::test]
async fn banner_names_url_location_and_pit() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ghl-sandbox"))
        .args(["--port", "0", "--seed", "demo", "--today", "2026-11-23"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let (first, second, third) = banner(&mut child);

    let url = banner_url(&first);
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{first}"
    );
    let expected_location =
        ghl_sandbox::seed::build(ghl_sandbox::Seed::Demo, today()).primary_location_id;
    assert_eq!(
        second,
        format!("location: {expected_location} (Clínica Demo, America/Lima)")
    );
    assert_eq!(third, format!("pit: {}", ghl_sandbox::DEMO_PIT));

    let resp = reqwest::Client::new()
        .get(format!("{url}/locations/{expected_location}"))
        .bearer_auth(ghl_sandbox::DEMO_PIT)
        .header("Version", CONTACTS_VERSION)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    #[cfg(unix)]
    {
        let status = sigterm(&mut child);
        assert!(status.success(), "SIGTERM stops it cleanly: {status}");
    }
    #[cfg(not(unix))]
    {
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[test]
fn bad_pit_flag_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_ghl-sandbox"))
        .args(["--port", "0", "--pit", "no-location-given"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("TOKEN:LOCATION_ID"));
}
