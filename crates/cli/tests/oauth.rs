//! `citadesk-cli connect --oauth` as IT runs it: the real binary, the real
//! keychain, a `BROWSER` that approves in the sandbox's page; then two
//! citadesk-cli processes syncing at once after GHL ended the access token
//! make exactly one refresh between them.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};

use ghl_sandbox::{OAuthClient, SandboxConfig, Seed};

const SECRET: &str = "cli-oauth-secret-51d0";

fn keychain_expected() -> bool {
    std::env::var("CITADESK_REQUIRE_KEYCHAIN").is_ok_and(|v| v == "1")
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

fn cli(data_dir: &std::path::Path, browser: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citadesk-cli"));
    cmd.args(args)
        .env("CITADESK_DATA_DIR", data_dir)
        .env_remove("CITADESK_GHL_TOKEN")
        .env("BROWSER", browser)
        .env("CITADESK_LOG", "warn")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "en_US.UTF-8")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_with_oauth_then_two_processes_refresh_once() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session (scripts/test.sh provides one)");
        return;
    }
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        oauth_clients: vec![OAuthClient::new("cli-app", SECRET)],
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The "browser": approve at once and follow the redirect home.
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        "#!/bin/sh\nexec curl -s -o /dev/null -L \"$1&auto=1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();

    let authorize = format!("{}/oauth/chooselocation", sb.base_url());
    let base = sb.base_url();
    let mut child = cli(
        &data,
        &browser,
        &[
            "connect",
            "--oauth",
            "--client-id",
            "cli-app",
            "--base-url",
            &base,
            "--authorize-url",
            &authorize,
        ],
    )
    .stdin(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SECRET.as_bytes())
        .unwrap();
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("connected: Clínica Demo") && text(&o).contains("OAuth"),
        "{}",
        text(&o)
    );

    // GHL ends the access token; two processes sync at the same time.
    let access: Vec<String> = sb
        .sandbox()
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .map(|r| r.status.to_string())
        .collect();
    assert_eq!(access, vec!["200"]);
    let token = stored_access_token(sb.location_id()).await;
    assert!(sb.sandbox().tokens().expire(&token));
    let runs: Vec<_> = (0..2)
        .map(|_| cli(&data, &browser, &["sync"]).spawn().unwrap())
        .collect();
    let outputs: Vec<Output> = tokio::task::spawn_blocking(move || {
        runs.into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect()
    })
    .await
    .unwrap();
    for o in &outputs {
        assert!(o.status.success(), "{}", text(o));
    }
    let token_calls: Vec<u16> = sb
        .sandbox()
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .map(|r| r.status)
        .collect();
    assert_eq!(
        token_calls,
        vec![200, 200],
        "code + one refresh, no invalid_grant"
    );

    let o = cli(
        &data,
        &browser,
        &["disconnect", "--location-id", sb.location_id()],
    )
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    sb.shutdown().await;
}

async fn stored_access_token(location_id: &str) -> String {
    let account = citadesk_core::ghl::auth::oauth_account(location_id);
    let raw = tokio::task::spawn_blocking(move || {
        citadesk_core::ghl::TokenStore::new()
            .load(&account)
            .unwrap()
    })
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(raw.expose()).unwrap();
    v["accessToken"].as_str().unwrap().to_string()
}
