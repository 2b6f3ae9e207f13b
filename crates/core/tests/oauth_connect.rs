//! Connecting a location with OAuth through the desk, against ghl-sandbox
//! with the real keychain: the code flow, sync, a refresh after GHL ends
//! the access token, disconnect, and no token or client secret anywhere in
//! the data folder (SQLite replica, lock files, logs).

use std::path::Path;
use std::time::Duration;

use citadesk_core::ghl::auth::{oauth_account, oauth_client_account};
use citadesk_core::ghl::{Browser, OAuthTokens, TokenStore};
use citadesk_core::{Desk, DeskOptions, OAuthConnectRequest};
use ghl_sandbox::{OAuthClient, SandboxConfig, Seed};

const CLIENT_SECRET: &str = "desk-test-secret-77c1";

fn keychain_expected() -> bool {
    std::env::var("CITADESK_REQUIRE_KEYCHAIN").is_ok_and(|v| v == "1")
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// The person in the browser approves at once (the sandbox's `auto=1`).
struct AutoApprove;

impl Browser for AutoApprove {
    fn open(&self, url: &str) -> std::io::Result<()> {
        let url = format!("{url}&auto=1");
        tokio::spawn(async move {
            let _ = reqwest::get(url).await;
        });
        Ok(())
    }
}

async fn keychain(account: String) -> Option<String> {
    tokio::task::spawn_blocking(move || TokenStore::new().load(&account).ok())
        .await
        .unwrap()
        .map(|s| s.expose().to_string())
}

/// Every file under `dir` that contains `needle` (bytes).
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_connection_syncs_refreshes_and_keeps_tokens_out_of_the_data_dir() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session (scripts/test.sh provides one)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Debug logs to the data folder, so the search below covers them too.
    std::env::set_var("CITADESK_LOG", "debug");
    let guard = citadesk_core::telemetry::init(dir.path(), "test");
    let sb = ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        oauth_clients: vec![OAuthClient::new("desk-app", CLIENT_SECRET)],
        ..Default::default()
    })
    .await
    .unwrap();
    let loc = sb.location_id().to_string();
    let desk = Desk::open(DeskOptions::new(dir.path())).unwrap();

    let request = OAuthConnectRequest {
        base_url: sb.base_url(),
        authorize_url: Some(format!("{}/oauth/chooselocation", sb.base_url())),
        client_id: "desk-app".into(),
        client_secret: CLIENT_SECRET.into(),
        port: None,
    };
    let info = desk.connect_oauth(&request, &AutoApprove).await.unwrap();
    assert_eq!(info.id, loc);
    let conns = desk.connections().unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].auth_kind, "oauth");
    let summary = desk.sync_now().await.unwrap();
    assert!(summary.citas_upserted > 0);

    // GHL ends the access token: the next sync refreshes once and goes on.
    let first: OAuthTokens =
        serde_json::from_str(&keychain(oauth_account(&loc)).await.unwrap()).unwrap();
    assert!(sb.sandbox().tokens().expire(&first.access_token));
    desk.sync_now().await.expect("sync after a refresh");
    let second: OAuthTokens =
        serde_json::from_str(&keychain(oauth_account(&loc)).await.unwrap()).unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    let token_calls = sb
        .sandbox()
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .count();
    assert_eq!(token_calls, 2, "code + one refresh");

    // The health panel's figures: calls per operation, GHL's limits, and
    // the token's expiry (a fresh 24 h token).
    let health = desk.health().await.unwrap();
    assert_eq!(health.location_id.as_deref(), Some(loc.as_str()));
    let events = health
        .operations
        .iter()
        .find(|o| o.operation == "GET /calendars/events")
        .expect("event listing figures");
    assert!(
        events.calls >= 6 && events.success_rate > 0.99,
        "{events:?}"
    );
    let failures: u64 = health.operations.iter().map(|o| o.failures).sum();
    assert_eq!(failures, 1, "the call that met the 401: {health:?}");
    assert_eq!(health.rate_limit.as_ref().unwrap().max, Some(100));
    let t = &health.tokens[0];
    assert_eq!(t.auth_kind, "oauth");
    assert!(!t.reconnect_required);
    assert!(t.expires_in_secs.unwrap() > 86_000, "{t:?}");

    // Nothing secret in the data folder: replica, WAL, lock files, logs.
    drop(guard);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(std::fs::read_dir(dir.path().join("logs")).unwrap().count() > 0);
    // The search does find what is meant to be there.
    assert!(!files_containing(dir.path(), &loc).is_empty());
    for secret in [
        first.access_token.as_str(),
        first.refresh_token.as_str(),
        second.access_token.as_str(),
        second.refresh_token.as_str(),
        CLIENT_SECRET,
    ] {
        let found = files_containing(dir.path(), secret);
        assert!(found.is_empty(), "a secret was written to {found:?}");
    }

    // Disconnecting takes both keychain entries away.
    desk.disconnect(&loc).await.unwrap();
    assert!(keychain(oauth_account(&loc)).await.is_none());
    assert!(keychain(oauth_client_account(&loc)).await.is_none());
    assert!(desk.connections().unwrap().is_empty());
    sb.shutdown().await;
}
