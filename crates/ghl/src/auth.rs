//! Where the client's bearer comes from: a Private Integration Token (static)
//! or an OAuth session whose access token is refreshed before it expires and
//! once after a 401.
//!
//! GHL's refresh tokens rotate and are single-use, and the app and
//! citadesk-cli may run at once, so a refresh happens once at a time across
//! processes: an exclusive lock on a per-location file, then the stored pair
//! is read again (another process may have refreshed already), GHL is asked
//! only if still needed, and the new pair is stored before it is used.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::GhlError;
use crate::oauth::{self, OAuthApp, TokenFailure};
use crate::secret::Secret;
use crate::token_store::{TokenStore, TokenStoreError};

/// Refresh when less than this is left (or a tenth of the token's lifetime,
/// when shorter, so a short-lived token is not refreshed on every call).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// How long a process waits for another one's refresh before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The keychain account of a location's OAuth token pair (one JSON secret,
/// so access and refresh token are always written together).
pub fn oauth_account(location_id: &str) -> String {
    format!("ghl-oauth:{location_id}")
}

/// The keychain account of the OAuth app (client id and secret) IT entered
/// for a location.
pub fn oauth_client_account(location_id: &str) -> String {
    format!("ghl-oauth-client:{location_id}")
}

/// A location's OAuth token pair as kept in the keychain.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
    /// `expires_in` as GHL gave it, to size the refresh margin.
    pub lifetime_secs: u64,
    #[serde(default)]
    pub scope: String,
    pub location_id: String,
    #[serde(default)]
    pub company_id: Option<String>,
    /// Set when GHL refused the refresh token: every process then stops
    /// without asking GHL again, until the location is connected again.
    #[serde(default)]
    pub reconnect_required: bool,
}

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("expires_at", &self.expires_at)
            .field("location_id", &self.location_id)
            .field("reconnect_required", &self.reconnect_required)
            .finish_non_exhaustive()
    }
}

impl OAuthTokens {
    fn margin(&self) -> chrono::Duration {
        let tenth = Duration::from_secs(self.lifetime_secs) / 10;
        chrono::Duration::from_std(REFRESH_MARGIN.min(tenth)).unwrap_or_default()
    }

    /// Usable as it is: not refused by GHL, not the token GHL just
    /// rejected, and not about to expire.
    fn usable(&self, rejected: Option<&Secret>, now: DateTime<Utc>) -> bool {
        !self.reconnect_required
            && rejected.is_none_or(|r| r.expose() != self.access_token)
            && self.expires_at - now > self.margin()
    }
}

/// The bearer a client sends.
pub(crate) enum TokenSource {
    Static(Secret),
    OAuth(std::sync::Arc<OAuthSession>),
}

impl TokenSource {
    pub(crate) async fn bearer(&self) -> Result<Secret, GhlError> {
        match self {
            TokenSource::Static(s) => Ok(s.clone()),
            TokenSource::OAuth(session) => session.bearer().await,
        }
    }
}

/// One location's OAuth connection in this process.
pub struct OAuthSession {
    location_id: String,
    app: OAuthApp,
    token_url: String,
    keychain: TokenStore,
    lock_path: PathBuf,
    http: reqwest::Client,
    current: Mutex<OAuthTokens>,
    /// In-process single flight; the lock file does the same across processes.
    gate: tokio::sync::Mutex<()>,
    refreshes: AtomicU64,
}

impl std::fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthSession")
            .field("location_id", &self.location_id)
            .field("client_id", &self.app.client_id)
            .finish_non_exhaustive()
    }
}

impl OAuthSession {
    /// A session over tokens just obtained (the connect flow) or read from
    /// the keychain. `api_base` is GHL's API base (`/oauth/token` lives
    /// there); `lock_dir` is shared by every process on this machine (the
    /// data folder).
    pub fn new(
        api_base: &str,
        app: OAuthApp,
        tokens: OAuthTokens,
        lock_dir: &Path,
    ) -> Result<Self, GhlError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("citadesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GhlError::Config(e.to_string()))?;
        Ok(Self {
            location_id: tokens.location_id.clone(),
            token_url: oauth::token_url(api_base),
            lock_path: lock_dir.join(format!(
                "ghl-oauth-{}.lock",
                url::form_urlencoded::byte_serialize(tokens.location_id.as_bytes())
                    .collect::<String>()
            )),
            app,
            keychain: TokenStore::new(),
            http,
            current: Mutex::new(tokens),
            gate: tokio::sync::Mutex::new(()),
            refreshes: AtomicU64::new(0),
        })
    }

    /// The session of a connected location, from the keychain.
    pub async fn load(
        api_base: &str,
        location_id: &str,
        lock_dir: &Path,
    ) -> Result<Self, GhlError> {
        let (app, tokens) = load_from_keychain(location_id.to_string()).await?;
        Self::new(api_base, app, tokens, lock_dir)
    }

    pub fn location_id(&self) -> &str {
        &self.location_id
    }

    /// When the access token in use expires.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.current.lock().unwrap().expires_at
    }

    /// Refreshes this process made (for tests and the health panel).
    pub fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// Stores the pair and the app in the keychain (connecting).
    pub async fn save(&self) -> Result<(), GhlError> {
        let tokens = self.current.lock().unwrap().clone();
        save_app(&self.keychain, &self.location_id, &self.app).await?;
        save_tokens(&self.keychain, &tokens).await
    }

    /// The access token to send, refreshed first if it is about to expire.
    pub async fn bearer(&self) -> Result<Secret, GhlError> {
        {
            let t = self.current.lock().unwrap();
            if t.usable(None, Utc::now()) {
                return Ok(Secret::new(t.access_token.clone()));
            }
        }
        self.refresh(None).await
    }

    /// GHL answered 401 to `rejected`: refresh (once, whoever gets there
    /// first) and give the token to retry with.
    pub async fn after_rejection(&self, rejected: &Secret) -> Result<Secret, GhlError> {
        self.refresh(Some(rejected)).await
    }

    async fn refresh(&self, rejected: Option<&Secret>) -> Result<Secret, GhlError> {
        let _one_task = self.gate.lock().await;
        {
            let t = self.current.lock().unwrap();
            if t.reconnect_required {
                return Err(
                    self.reconnect("GHL refused the refresh token earlier; connect again".into())
                );
            }
            if t.usable(rejected, Utc::now()) {
                return Ok(Secret::new(t.access_token.clone()));
            }
        }
        let _one_process = lock_exclusive(&self.lock_path).await?;
        let (_, mut stored) = load_from_keychain(self.location_id.clone()).await?;
        if stored.reconnect_required {
            *self.current.lock().unwrap() = stored;
            return Err(
                self.reconnect("GHL refused the refresh token earlier; connect again".into())
            );
        }
        if stored.usable(rejected, Utc::now()) {
            // Another process refreshed while we waited for the lock.
            let token = Secret::new(stored.access_token.clone());
            *self.current.lock().unwrap() = stored;
            return Ok(token);
        }
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        tracing::info!(location = %self.location_id, "refreshing the GHL access token");
        match oauth::refresh(&self.http, &self.token_url, &self.app, &stored).await {
            Ok(fresh) => {
                // Stored before use: if this process dies now, the next one
                // still holds the only valid refresh token.
                save_tokens(&self.keychain, &fresh).await?;
                let token = Secret::new(fresh.access_token.clone());
                *self.current.lock().unwrap() = fresh;
                Ok(token)
            }
            Err(TokenFailure::Grant(message)) => {
                tracing::warn!(location = %self.location_id, "GHL refused the refresh token: {message}");
                stored.reconnect_required = true;
                save_tokens(&self.keychain, &stored).await?;
                *self.current.lock().unwrap() = stored;
                Err(self.reconnect(message))
            }
            Err(TokenFailure::Other(e)) => Err(e),
        }
    }

    fn reconnect(&self, message: String) -> GhlError {
        GhlError::ReconnectRequired {
            location_id: self.location_id.clone(),
            message,
        }
    }
}

/// Removes a location's OAuth tokens and app from the keychain.
pub async fn forget(location_id: &str) -> Result<(), GhlError> {
    let keychain = TokenStore::new();
    let loc = location_id.to_string();
    blocking(move || {
        keychain.delete(&oauth_account(&loc))?;
        keychain.delete(&oauth_client_account(&loc))
    })
    .await
}

/// The stored pair's expiry and whether GHL refused its refresh token, for
/// the health panel; None when no pair is stored for the location.
pub async fn stored_status(location_id: &str) -> Option<(DateTime<Utc>, bool)> {
    load_from_keychain(location_id.to_string())
        .await
        .ok()
        .map(|(_, t)| (t.expires_at, t.reconnect_required))
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredApp {
    client_id: String,
    client_secret: String,
}

async fn save_app(
    keychain: &TokenStore,
    location_id: &str,
    app: &OAuthApp,
) -> Result<(), GhlError> {
    let json = serde_json::to_string(&StoredApp {
        client_id: app.client_id.clone(),
        client_secret: app.client_secret.expose().to_string(),
    })
    .map_err(|e| GhlError::TokenStorage(e.to_string()))?;
    let (keychain, account) = (keychain.clone(), oauth_client_account(location_id));
    blocking(move || keychain.save(&account, &Secret::new(json))).await
}

async fn save_tokens(keychain: &TokenStore, tokens: &OAuthTokens) -> Result<(), GhlError> {
    let json = serde_json::to_string(tokens).map_err(|e| GhlError::TokenStorage(e.to_string()))?;
    let (keychain, account) = (keychain.clone(), oauth_account(&tokens.location_id));
    blocking(move || keychain.save(&account, &Secret::new(json))).await
}

async fn load_from_keychain(location_id: String) -> Result<(OAuthApp, OAuthTokens), GhlError> {
    let keychain = TokenStore::new();
    let (app, tokens) = blocking(move || {
        let app = keychain.load(&oauth_client_account(&location_id))?;
        let tokens = keychain.load(&oauth_account(&location_id))?;
        Ok((app, tokens))
    })
    .await?;
    let app: StoredApp = serde_json::from_str(app.expose())
        .map_err(|e| GhlError::TokenStorage(format!("stored OAuth app unreadable: {e}")))?;
    let tokens: OAuthTokens = serde_json::from_str(tokens.expose())
        .map_err(|e| GhlError::TokenStorage(format!("stored OAuth tokens unreadable: {e}")))?;
    Ok((
        OAuthApp {
            client_id: app.client_id,
            client_secret: Secret::new(app.client_secret),
        },
        tokens,
    ))
}

/// Keychain calls block on D-Bus (and zbus panics inside a runtime thread).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, TokenStoreError> + Send + 'static,
) -> Result<T, GhlError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| GhlError::TokenStorage(e.to_string()))?
        .map_err(|e| GhlError::TokenStorage(e.to_string()))
}

/// An exclusive lock on `path`, held until the file is dropped. Polled with
/// `try_lock` so a process that hangs holding it cannot stall us forever.
async fn lock_exclusive(path: &Path) -> Result<std::fs::File, GhlError> {
    let storage =
        |e: std::io::Error| GhlError::TokenStorage(format!("lock file {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(storage)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    // Private like the rest of the data folder.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(storage)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata().map_err(storage)?.permissions().mode() & 0o777 != 0o600 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(storage)?;
        }
    }
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(GhlError::TokenStorage(format!(
                    "another process held {} for {LOCK_WAIT:?}",
                    path.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(storage(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(lifetime: u64, left: i64) -> OAuthTokens {
        OAuthTokens {
            access_token: "at-1".into(),
            refresh_token: "rt-1".into(),
            expires_at: Utc::now() + chrono::Duration::seconds(left),
            lifetime_secs: lifetime,
            scope: String::new(),
            location_id: "loc".into(),
            company_id: None,
            reconnect_required: false,
        }
    }

    #[test]
    fn refresh_margin_is_five_minutes_or_a_tenth_of_the_lifetime() {
        let now = Utc::now();
        assert!(tokens(86_399, 600).usable(None, now));
        assert!(!tokens(86_399, 240).usable(None, now));
        // A 20 s token: 2 s margin.
        assert!(tokens(20, 5).usable(None, now));
        assert!(!tokens(20, 1).usable(None, now));
        // The token GHL just rejected is never reused, however fresh.
        assert!(!tokens(86_399, 3_600).usable(Some(&Secret::new("at-1")), now));
        assert!(tokens(86_399, 3_600).usable(Some(&Secret::new("at-0")), now));
    }

    #[test]
    fn debug_hides_the_tokens() {
        let s = format!("{:?}", tokens(10, 10));
        assert!(!s.contains("at-1") && !s.contains("rt-1"), "{s}");
    }

    #[tokio::test]
    async fn the_lock_file_excludes_a_second_holder() {
        let dir = std::env::temp_dir().join(format!("citadesk-lock-{}", std::process::id()));
        let path = dir.join("x.lock");
        let held = lock_exclusive(&path).await.unwrap();
        let other = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(held);
        assert!(other.try_lock().is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_lock_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a.lock");
        drop(lock_exclusive(&fresh).await.unwrap());
        // One an older version left readable is tightened.
        let old = dir.path().join("b.lock");
        std::fs::write(&old, b"").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(lock_exclusive(&old).await.unwrap());
        for p in [fresh, old] {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", p.display());
        }
    }
}
