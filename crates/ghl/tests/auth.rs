//! OAuth against ghl-sandbox over real HTTP, with the real keychain (a
//! headless gnome-keyring; scripts/test.sh starts one): the code flow
//! through the sandbox's chooselocation redirect, state checking, refresh
//! before expiry and after a 401 exactly once, two processes refreshing at
//! once, and a revoked refresh token ending in auth.reconnect_required.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use citadesk_ghl::auth::{self, oauth_account};
use citadesk_ghl::oauth::{authorize, AuthorizeRequest, Browser, OAuthApp};
use citadesk_ghl::{ClientConfig, GhlClient, OAuthSession, OAuthTokens, Secret, TokenStore};
use ghl_sandbox::{OAuthClient, RunningSandbox, SandboxConfig};

const CLIENT_ID: &str = "citadesk-test-app";
const CLIENT_SECRET: &str = "citadesk-test-secret-9f2c";
const CHILD_ENV: &str = "CITADESK_AUTH_TEST_CHILD";

/// Every test here uses the sandbox's one location, so one keychain entry:
/// they take turns.
static KEYCHAIN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn keychain_expected() -> bool {
    std::env::var("CITADESK_REQUIRE_KEYCHAIN").is_ok_and(|v| v == "1")
        || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// Plays the person in the browser: asks the sandbox to approve at once
/// (`auto=1`) and follows its redirect to our listener, as a browser would.
struct AutoApprove {
    opened: Arc<Mutex<Option<String>>>,
    /// Replaces the `state` in the redirect (a forged answer).
    forge_state: Option<String>,
}

impl AutoApprove {
    fn new() -> Self {
        Self {
            opened: Arc::default(),
            forge_state: None,
        }
    }
}

impl Browser for AutoApprove {
    fn open(&self, url: &str) -> std::io::Result<()> {
        *self.opened.lock().unwrap() = Some(url.to_string());
        let url = format!("{url}&auto=1");
        let forge = self.forge_state.clone();
        tokio::spawn(async move {
            let no_follow = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let answer = no_follow.get(&url).send().await.unwrap();
            assert_eq!(answer.status(), 302, "{:?}", answer.text().await);
            let mut back = url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
            if let Some(forged) = forge {
                let pairs: Vec<(String, String)> = back
                    .query_pairs()
                    .map(|(k, v)| {
                        let v = if k == "state" {
                            forged.clone()
                        } else {
                            v.into()
                        };
                        (k.into(), v)
                    })
                    .collect();
                back.query_pairs_mut().clear().extend_pairs(pairs);
            }
            let _ = reqwest::get(back).await;
        });
        Ok(())
    }
}

async fn sandbox(lifetime: Duration) -> RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        oauth_clients: vec![OAuthClient::new(CLIENT_ID, CLIENT_SECRET)],
        access_token_lifetime: lifetime,
        ..Default::default()
    })
    .await
    .unwrap()
}

fn app() -> OAuthApp {
    OAuthApp {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
    }
}

fn request(sb: &RunningSandbox) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(
        app(),
        &format!("{}/oauth/chooselocation", sb.base_url()),
        &sb.base_url(),
    );
    r.timeout = Duration::from_secs(20);
    r
}

/// The code flow, then the session stored in the keychain.
async fn connect(sb: &RunningSandbox, lock_dir: &Path) -> Arc<OAuthSession> {
    let tokens = authorize(&request(sb), &AutoApprove::new()).await.unwrap();
    let session = OAuthSession::new(&sb.base_url(), app(), tokens, lock_dir).unwrap();
    session.save().await.unwrap();
    Arc::new(session)
}

fn client(sb: &RunningSandbox, session: Arc<OAuthSession>) -> GhlClient {
    // The static token is never used once a session is attached.
    GhlClient::new(
        ClientConfig::new(sb.base_url(), Secret::new("unused")).for_location(sb.location_id()),
    )
    .unwrap()
    .with_oauth(session)
}

fn token_calls(sb: &RunningSandbox) -> Vec<u16> {
    sb.sandbox()
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .map(|r| r.status)
        .collect()
}

async fn stored(location_id: &str) -> OAuthTokens {
    let account = oauth_account(location_id);
    let raw = tokio::task::spawn_blocking(move || TokenStore::new().load(&account))
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str(raw.expose()).unwrap()
}

async fn store(tokens: &OAuthTokens) {
    let account = oauth_account(&tokens.location_id);
    let json = Secret::new(serde_json::to_string(tokens).unwrap());
    tokio::task::spawn_blocking(move || TokenStore::new().save(&account, &json))
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_flow_connects_through_the_chooselocation_redirect() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session (scripts/test.sh provides one)");
        return;
    }
    let _turn = KEYCHAIN.lock().await;
    let sb = sandbox(Duration::from_secs(86_399)).await;
    let dir = tempfile::tempdir().unwrap();
    let browser = AutoApprove::new();
    let tokens = authorize(&request(&sb), &browser).await.unwrap();
    assert_eq!(tokens.location_id, sb.location_id());
    assert!(tokens.expires_at > chrono::Utc::now() + chrono::Duration::hours(23));

    // What the browser was sent to: GHL's parameters, a random state, our
    // loopback listener as redirect.
    let opened = url::Url::parse(browser.opened.lock().unwrap().as_deref().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = opened.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert!(q["redirect_uri"].starts_with("http://127.0.0.1:"), "{q:?}");
    assert!(q["scope"].contains("calendars/events.write"), "{q:?}");
    assert!(q["state"].len() >= 16, "{q:?}");

    let session = Arc::new(OAuthSession::new(&sb.base_url(), app(), tokens, dir.path()).unwrap());
    session.save().await.unwrap();
    let c = client(&sb, session.clone());
    let loc = c.get_location(sb.location_id()).await.unwrap();
    assert_eq!(loc.id, sb.location_id());
    assert_eq!(token_calls(&sb), vec![200]);
    assert_eq!(session.refreshes(), 0);

    // A session read back from the keychain works the same.
    let again = OAuthSession::load(&sb.base_url(), sb.location_id(), dir.path())
        .await
        .unwrap();
    client(&sb, Arc::new(again))
        .list_calendars(sb.location_id())
        .await
        .unwrap();
    auth::forget(sb.location_id()).await.unwrap();
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_state_is_refused_and_no_code_is_exchanged() {
    let sb = sandbox(Duration::from_secs(86_399)).await;
    let browser = AutoApprove {
        forge_state: Some("not-the-state-we-sent".into()),
        ..AutoApprove::new()
    };
    let e = authorize(&request(&sb), &browser).await.unwrap_err();
    assert_eq!(e.code(), "auth.oauth_state");
    assert!(token_calls(&sb).is_empty());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_client_secret_is_named() {
    let sb = sandbox(Duration::from_secs(86_399)).await;
    let mut r = request(&sb);
    r.app.client_secret = Secret::new("wrong");
    let e = authorize(&r, &AutoApprove::new()).await.unwrap_err();
    assert_eq!(e.code(), "auth.oauth_client");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_run_is_refreshed_once() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session");
        return;
    }
    let _turn = KEYCHAIN.lock().await;
    let sb = sandbox(Duration::from_secs(86_399)).await;
    let dir = tempfile::tempdir().unwrap();
    let session = connect(&sb, dir.path()).await;
    let c = Arc::new(client(&sb, session.clone()));
    let loc = sb.location_id().to_string();
    c.list_calendars(&loc).await.unwrap();

    // GHL ends the access token early: eight calls in flight meet the 401,
    // one refresh serves them all.
    let old = stored(&loc).await;
    assert!(sb.sandbox().tokens().expire(&old.access_token));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (c, loc) = (c.clone(), loc.clone());
        tasks.push(tokio::spawn(async move { c.list_calendars(&loc).await }));
    }
    for t in tasks {
        t.await.unwrap().expect("served after the refresh");
    }
    assert_eq!(token_calls(&sb), vec![200, 200], "code + one refresh");
    assert_eq!(session.refreshes(), 1);
    // The new pair was stored: the old refresh token is not kept anywhere.
    let new = stored(&loc).await;
    assert_ne!(new.refresh_token, old.refresh_token);
    assert_ne!(new.access_token, old.access_token);
    auth::forget(&loc).await.unwrap();
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_lived_token_is_refreshed_before_it_expires() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session");
        return;
    }
    let _turn = KEYCHAIN.lock().await;
    // 4 s tokens: refreshed with 0.4 s left, so GHL never answers 401.
    // About 12 calls a second, well inside the rate limit.
    let sb = sandbox(Duration::from_secs(4)).await;
    let dir = tempfile::tempdir().unwrap();
    let session = connect(&sb, dir.path()).await;
    let c = Arc::new(client(&sb, session.clone()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let (c, loc) = (c.clone(), sb.location_id().to_string());
        tasks.push(tokio::spawn(async move {
            while started.elapsed() < Duration::from_secs(5) {
                c.list_calendars(&loc).await.unwrap();
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let log: Vec<_> = sb
        .sandbox()
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth/token" || r.status == 401)
        .map(|r| format!("{} {} {}", r.time.format("%S%.3f"), r.path, r.status))
        .collect();
    assert_eq!(
        token_calls(&sb),
        vec![200, 200],
        "code + one refresh: {log:?}"
    );
    let unauthorized = sb
        .sandbox()
        .requests()
        .iter()
        .filter(|r| r.status == 401)
        .count();
    assert_eq!(unauthorized, 0, "refreshed ahead of expiry");
    auth::forget(sb.location_id()).await.unwrap();
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_refresh_token_asks_to_reconnect_and_stops() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session");
        return;
    }
    let _turn = KEYCHAIN.lock().await;
    let sb = sandbox(Duration::from_secs(86_399)).await;
    let dir = tempfile::tempdir().unwrap();
    let session = connect(&sb, dir.path()).await;
    let c = client(&sb, session);
    let loc = sb.location_id().to_string();
    let pair = stored(&loc).await;
    // The app was uninstalled: both tokens stop working.
    assert!(sb.sandbox().oauth().revoke_refresh(&pair.refresh_token));
    assert!(sb.sandbox().tokens().revoke(&pair.access_token));

    let e = c.get_location(&loc).await.unwrap_err();
    assert_eq!(e.code(), "auth.reconnect_required", "{e}");
    assert_eq!(token_calls(&sb), vec![200, 400]);
    let sent = sb.sandbox().requests().len();

    // No retry loop: neither this client nor a new process asks GHL again.
    for _ in 0..3 {
        assert_eq!(
            c.list_calendars(&loc).await.unwrap_err().code(),
            "auth.reconnect_required"
        );
    }
    let fresh = OAuthSession::load(&sb.base_url(), &loc, dir.path())
        .await
        .unwrap();
    assert_eq!(
        client(&sb, Arc::new(fresh))
            .list_calendars(&loc)
            .await
            .unwrap_err()
            .code(),
        "auth.reconnect_required"
    );
    // The verdict is stored with the pair, so a new process stops too,
    // before sending anything.
    assert_eq!(sb.sandbox().requests().len(), sent);
    assert_eq!(token_calls(&sb), vec![200, 400]);
    auth::forget(&loc).await.unwrap();
    sb.shutdown().await;
}

/// Two processes (this test binary run twice more) start with an expired
/// pair at the same moment: exactly one refresh reaches GHL, and neither
/// spends an already-spent refresh token (invalid_grant).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_refreshing_at_once_make_one_refresh() {
    if !keychain_expected() {
        eprintln!("skipped: no D-Bus session");
        return;
    }
    let _turn = KEYCHAIN.lock().await;
    let sb = sandbox(Duration::from_secs(86_399)).await;
    let dir = tempfile::tempdir().unwrap();
    connect(&sb, dir.path()).await;
    let loc = sb.location_id().to_string();
    let mut pair = stored(&loc).await;
    assert!(sb.sandbox().tokens().expire(&pair.access_token));
    // Both processes must refresh before their first call.
    pair.expires_at = chrono::Utc::now() - chrono::Duration::seconds(1);
    store(&pair).await;

    let start_at = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let children: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "child_process_calls_ghl",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(
                    CHILD_ENV,
                    format!(
                        "{}|{}|{}|{}",
                        sb.base_url(),
                        loc,
                        dir.path().display(),
                        start_at.timestamp_millis()
                    ),
                )
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect()
    })
    .await
    .unwrap();
    let mut refreshes = Vec::new();
    for o in &outputs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.status.success(), "{text}");
        assert!(text.contains("child: calendars 3"), "{text}");
        refreshes.push(text.contains("refreshes 1"));
    }
    // One process refreshed; the other waited on the lock and took the
    // pair it stored.
    refreshes.sort();
    assert_eq!(refreshes, vec![false, true]);
    assert_eq!(
        token_calls(&sb),
        vec![200, 200],
        "code + exactly one refresh, no invalid_grant"
    );
    let after = stored(&loc).await;
    assert_ne!(after.refresh_token, pair.refresh_token);
    auth::forget(&loc).await.unwrap();
    sb.shutdown().await;
}

/// The child side of the test above; does nothing in a normal run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_process_calls_ghl() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let (base, loc, lock_dir, start_ms) = (parts[0], parts[1], parts[2], parts[3]);
    let session = OAuthSession::load(base, loc, Path::new(lock_dir))
        .await
        .unwrap();
    // Start together, so both find the pair expired.
    let wait = start_ms.parse::<i64>().unwrap() - chrono::Utc::now().timestamp_millis();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
    let session = Arc::new(session);
    let c = GhlClient::new(ClientConfig::new(base, Secret::new("unused")).for_location(loc))
        .unwrap()
        .with_oauth(session.clone());
    let calendars = c.list_calendars(loc).await.unwrap();
    c.get_location(loc).await.unwrap();
    println!(
        "child: calendars {} refreshes {}",
        calendars.len(),
        session.refreshes()
    );
}
