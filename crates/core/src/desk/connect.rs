//! Connecting a location with OAuth (GHL's authorization code flow), and
//! the client for a location connected that way.

use std::sync::Arc;

use citadesk_ghl::auth;
use citadesk_ghl::oauth::{self, AuthorizeRequest, Browser, OAuthApp};
use citadesk_ghl::{ClientConfig, GhlClient, OAuthSession, Secret};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{keychain, Desk, TokenKeeping, ACTIVE_LOCATION, TOKEN_ENV};
use crate::error::{CoreError, Result};
use crate::model::{AppStatus, ConnectionInfo, LocationInfo};
use crate::store::ConnectionRow;
use crate::time;
use citadesk_ghl::TokenStore;

/// What IT enters in "Conectar GHL" for OAuth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OAuthConnectRequest {
    /// GHL's API base (`https://services.leadconnectorhq.com`, or the sandbox).
    pub base_url: String,
    /// GHL's chooselocation page; default: GHL's own.
    pub authorize_url: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    /// A fixed loopback port when the GHL app lists one redirect URI.
    pub port: Option<u16>,
}

/// Opens the system browser (`xdg-open`, `open`, `start`), or the command
/// in `BROWSER` when set (the usual convention; headless tests use it).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> std::io::Result<()> {
        if let Some(command) = std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
            return std::process::Command::new(command)
                .arg(url)
                .stdout(std::process::Stdio::null())
                .spawn()
                .map(|_| ());
        }
        #[cfg(target_os = "windows")]
        let mut cmd = {
            let mut c = std::process::Command::new("cmd");
            c.args(["/C", "start", ""]);
            c
        };
        #[cfg(target_os = "macos")]
        let mut cmd = std::process::Command::new("open");
        #[cfg(not(any(target_os = "windows", target_os = "macos")))]
        let mut cmd = std::process::Command::new("xdg-open");
        cmd.arg(url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(|_| ())
    }
}

impl Desk {
    /// Runs GHL's authorization in the browser, checks the location with the
    /// new token, then keeps the tokens and the app in the keychain and the
    /// connection (`auth_kind = 'oauth'`) in the replica.
    pub async fn connect_oauth(
        &self,
        request: &OAuthConnectRequest,
        browser: &dyn Browser,
    ) -> Result<LocationInfo> {
        let base_url = request.base_url.trim_end_matches('/').to_string();
        let app = OAuthApp {
            client_id: request.client_id.trim().to_string(),
            client_secret: Secret::new(request.client_secret.trim()),
        };
        let mut authorize = AuthorizeRequest::new(
            app.clone(),
            request
                .authorize_url
                .as_deref()
                .filter(|u| !u.trim().is_empty())
                .unwrap_or(oauth::GHL_AUTHORIZE_URL),
            &base_url,
        );
        authorize.port = request.port.unwrap_or(0);
        let tokens = oauth::authorize(&authorize, browser).await?;
        let location_id = tokens.location_id.clone();
        let session = Arc::new(OAuthSession::new(&base_url, app, tokens, self.data_dir())?);
        let client = GhlClient::new(
            ClientConfig::new(&base_url, Secret::new("")).for_location(&location_id),
        )?
        .with_limiter(self.limiter.clone())
        .with_oauth(session.clone());
        let location = client.get_location(&location_id).await?;
        let zone = location.timezone.clone().unwrap_or_else(|| "UTC".into());
        time::parse_zone(&zone)?;
        session.save().await?;
        let info = self.save_connected(&location, zone, &base_url, "oauth")?;
        tracing::info!(location = %location.id, "connected with OAuth");
        Ok(info)
    }

    /// The client of a location connected with OAuth: its session comes
    /// from the keychain; refreshes lock files in the data folder, which
    /// the app and citadesk-cli share.
    pub(super) async fn oauth_client(
        &self,
        base_url: &str,
        location_id: &str,
    ) -> Result<GhlClient> {
        let session = OAuthSession::load(base_url, location_id, self.data_dir()).await?;
        Ok(
            GhlClient::new(ClientConfig::new(base_url, Secret::new("")).for_location(location_id))?
                .with_limiter(self.limiter.clone())
                .with_oauth(Arc::new(session)),
        )
    }

    /// Removes a location's OAuth tokens and app from the keychain.
    pub(super) async fn forget_oauth(&self, location_id: &str) -> Result<()> {
        auth::forget(location_id).await.map_err(CoreError::from)
    }
}

impl Desk {
    /// Verifies a Private Integration Token by fetching its location, then
    /// stores the token in the keychain (unless `keep` says the token comes
    /// from the environment on each run) and the connection in the replica.
    pub async fn connect_pit(
        &self,
        base_url: &str,
        location_id: &str,
        token: Secret,
        keep: TokenKeeping,
    ) -> Result<LocationInfo> {
        let client =
            GhlClient::new(ClientConfig::new(base_url, token.clone()).for_location(location_id))?
                .with_limiter(self.limiter.clone());
        let location = client.get_location(location_id).await?;
        let zone = location.timezone.clone().unwrap_or_else(|| "UTC".into());
        time::parse_zone(&zone)?;
        if keep == TokenKeeping::Keychain {
            let tokens = self.tokens.clone();
            let account = TokenStore::pit_account(location_id);
            keychain(move || tokens.save(&account, &token)).await?;
        }
        self.save_connected(&location, zone, base_url.trim_end_matches('/'), "pit")
    }

    /// A location GHL has just answered for becomes connected and active.
    fn save_connected(
        &self,
        location: &citadesk_ghl::models::Location,
        zone: String,
        base_url: &str,
        auth_kind: &str,
    ) -> Result<LocationInfo> {
        let name = location.name.clone().unwrap_or_else(|| location.id.clone());
        let raw = serde_json::to_string(location).unwrap_or_default();
        self.store.upsert_location(
            &location.id,
            &name,
            location.company_id.as_deref(),
            &zone,
            &raw,
        )?;
        self.store.save_connection(&ConnectionRow {
            location_id: location.id.clone(),
            base_url: base_url.to_string(),
            auth_kind: auth_kind.into(),
        })?;
        self.store.set_setting(ACTIVE_LOCATION, &location.id)?;
        self.runtime.lock().unwrap().client = None;
        self.active_location_changed();
        self.wake.notify_one();
        Ok(LocationInfo {
            id: location.id.clone(),
            name,
            time_zone: zone,
        })
    }

    /// Every connected location, the active one marked.
    pub fn connections(&self) -> Result<Vec<ConnectionInfo>> {
        let active = self.active_location()?;
        self.store
            .connections()?
            .into_iter()
            .map(|c| {
                let loc = self.store.location(&c.location_id)?;
                Ok(ConnectionInfo {
                    active: active.as_deref() == Some(c.location_id.as_str()),
                    name: loc
                        .as_ref()
                        .map(|l| l.name.clone())
                        .unwrap_or_else(|| c.location_id.clone()),
                    time_zone: loc.map(|l| l.time_zone),
                    location_id: c.location_id,
                    base_url: c.base_url,
                    auth_kind: c.auth_kind,
                })
            })
            .collect()
    }

    /// Makes another connected location the one the desk works on.
    pub fn switch_location(&self, location_id: &str) -> Result<AppStatus> {
        if !self
            .store
            .connections()?
            .iter()
            .any(|c| c.location_id == location_id)
        {
            return Err(CoreError::NotConnected);
        }
        self.store.set_setting(ACTIVE_LOCATION, location_id)?;
        self.runtime.lock().unwrap().client = None;
        self.slot_cache.lock().unwrap().clear();
        // The relay connection is per location too.
        self.active_location_changed();
        self.wake.notify_one();
        let status = self.status()?;
        self.notify_status(&status);
        if let Some(n) = self.notifier() {
            n.replica_changed(location_id);
        }
        Ok(status)
    }

    /// Forgets a location: its connection, and its token leaves the keychain.
    pub async fn disconnect(&self, location_id: &str) -> Result<()> {
        let tokens = self.tokens.clone();
        let account = TokenStore::pit_account(location_id);
        keychain(move || tokens.delete(&account)).await?;
        self.forget_oauth(location_id).await?;
        self.store.remove_connection(location_id)?;
        self.runtime.lock().unwrap().client = None;
        self.active_location_changed();
        self.notify_status_now();
        self.wake.notify_one();
        Ok(())
    }

    pub(crate) async fn client_for(&self, location_id: &str) -> Result<Arc<GhlClient>> {
        if let Some((id, client)) = &self.runtime.lock().unwrap().client {
            if id == location_id {
                return Ok(client.clone());
            }
        }
        let conn = self
            .store
            .connections()?
            .into_iter()
            .find(|c| c.location_id == location_id)
            .ok_or(CoreError::NotConnected)?;
        let client = if conn.auth_kind == "oauth" {
            Arc::new(self.oauth_client(&conn.base_url, location_id).await?)
        } else {
            Arc::new(self.pit_client(&conn.base_url, location_id).await?)
        };
        self.runtime.lock().unwrap().client = Some((location_id.to_string(), client.clone()));
        Ok(client)
    }

    pub(crate) async fn pit_client(&self, base_url: &str, location_id: &str) -> Result<GhlClient> {
        let token = match &self.options.demo {
            Some(demo) if demo.location_id == location_id => demo.token.clone(),
            _ => match std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()) {
                Some(t) => Secret::new(t),
                None => {
                    let tokens = self.tokens.clone();
                    let account = TokenStore::pit_account(location_id);
                    keychain(move || tokens.load(&account)).await?
                }
            },
        };
        // One limiter for the process: a client rebuilt after a token change
        // spends the same quota.
        Ok(
            GhlClient::new(ClientConfig::new(base_url, token).for_location(location_id))?
                .with_limiter(self.limiter.clone()),
        )
    }
}
