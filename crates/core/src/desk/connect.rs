//! Connecting a location with OAuth (GHL's authorization code flow), and
//! the client for a location connected that way.

use std::sync::Arc;

use citadesk_ghl::auth;
use citadesk_ghl::oauth::{self, AuthorizeRequest, Browser, OAuthApp};
use citadesk_ghl::{ClientConfig, GhlClient, OAuthSession, Secret};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Desk, ACTIVE_LOCATION};
use crate::error::{CoreError, Result};
use crate::model::LocationInfo;
use crate::store::ConnectionRow;
use crate::time;

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
        let name = location.name.clone().unwrap_or_else(|| location.id.clone());
        let raw = serde_json::to_string(&location).unwrap_or_default();
        self.store.upsert_location(
            &location.id,
            &name,
            location.company_id.as_deref(),
            &zone,
            &raw,
        )?;
        self.store.save_connection(&ConnectionRow {
            location_id: location.id.clone(),
            base_url,
            auth_kind: "oauth".into(),
        })?;
        self.store.set_setting(ACTIVE_LOCATION, &location.id)?;
        self.runtime.lock().unwrap().client = None;
        self.active_location_changed();
        self.wake.notify_one();
        tracing::info!(location = %location.id, "connected with OAuth");
        Ok(LocationInfo {
            id: location.id,
            name,
            time_zone: zone,
        })
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
