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
use crate::messages;
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

/// Opens the system browser (`xdg-open`, `open`, or on Windows the URL
/// protocol handler), or the command in `BROWSER` when set (the usual
/// convention; headless tests use it). The URL is one argument of a
/// program, never a shell's command line (`cmd /C start` cut it at `&`).
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
        opener_command(std::env::consts::OS, url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(|_| ())
    }
}

/// The program that opens `url` on `os`, the URL its last argument.
fn opener_command(os: &str, url: &str) -> std::process::Command {
    let mut cmd = match os {
        // Windows' own handler for URLs, run without cmd.exe.
        "windows" => {
            let mut c = std::process::Command::new("rundll32");
            c.arg("url.dll,FileProtocolHandler");
            c
        }
        "macos" => std::process::Command::new("open"),
        _ => std::process::Command::new("xdg-open"),
    };
    cmd.arg(url);
    cmd
}

/// The token goes only over https, or plain http to this machine (the
/// sandbox and tests).
pub(super) fn require_secure(url: &str) -> Result<()> {
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else {
        // Not a URL at all: the GHL client says so.
        return Ok(());
    };
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(messages::insecure_url(url.trim())),
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
        self.acting(crate::staff::Role::Gerencia)?;
        require_secure(&request.base_url)?;
        if request.client_secret.trim().is_empty() {
            return Err(messages::secret_required());
        }
        if let Some(authorize) = request.authorize_url.as_deref() {
            require_secure(authorize)?;
        }
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
        self.acting(crate::staff::Role::Gerencia)?;
        require_secure(base_url)?;
        if token.expose().trim().is_empty() {
            return Err(messages::token_required());
        }
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
        self.acting(crate::staff::Role::Gerencia)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_ampersands_stays_one_argument() {
        let url = "https://marketplace.gohighlevel.com/oauth/chooselocation?response_type=code&client_id=a&state=b&x=1|calc";
        for (os, program) in [
            ("windows", "rundll32"),
            ("macos", "open"),
            ("linux", "xdg-open"),
        ] {
            let cmd = opener_command(os, url);
            assert_eq!(cmd.get_program(), program);
            let args: Vec<_> = cmd.get_args().collect();
            assert_eq!(
                args.last().copied(),
                Some(std::ffi::OsStr::new(url)),
                "{os}"
            );
            assert!(!args.iter().any(|a| *a == "/C" || *a == "start"), "{os}");
        }
    }

    #[test]
    fn tokens_go_over_https_or_to_loopback_only() {
        for ok in [
            "https://services.leadconnectorhq.com",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:9000/",
            "http://[::1]:8080",
        ] {
            assert!(require_secure(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://services.leadconnectorhq.com",
            "http://192.168.1.10:8080",
            "http://127.0.0.1.evil.example",
            "ftp://127.0.0.1",
        ] {
            let e = require_secure(bad).unwrap_err();
            assert_eq!(e.code(), "input.insecure_url", "{bad}");
        }
    }
}
