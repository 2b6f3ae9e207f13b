//! "Acerca de Citadesk": where the desk keeps its files, the diagnostics a
//! person copies for support (the app and the CLI share one text), and the
//! update settings.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::connect::require_secure;
use super::Desk;
use crate::error::{ErrorCode, Result};
use crate::messages;
use crate::model::Locale;
use crate::paths;
use crate::update::{check_hold, UpdateSettings, UpdateView};

const UPDATE_FEED: &str = "update_feed_url";
const UPDATE_HOLD: &str = "update_hold_version";

/// What "Acerca de Citadesk" shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AboutInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
}

/// What only the shell knows, for the diagnostics text.
#[derive(Debug, Clone, Default)]
pub struct ShellFacts {
    /// e.g. "citadesk 0.1.0" or "citadesk-cli 0.1.0".
    pub program: String,
    /// Other versions worth knowing (Tauri, WebKitGTK...).
    pub versions: Vec<(String, String)>,
    pub update: Option<UpdateView>,
}

impl Desk {
    pub fn about(&self, version: &str) -> AboutInfo {
        let data_dir = &self.options.data_dir;
        AboutInfo {
            version: version.to_string(),
            data_dir: data_dir.display().to_string(),
            log_dir: paths::logs_dir(data_dir).display().to_string(),
        }
    }

    /// "Copiar diagnóstico": versions, folders, connection state and the
    /// codes of the last errors, one `key: value` a line. Never a token,
    /// never patient data: errors go by their code (a message may quote what
    /// a receptionist typed), the relay and feed by their host only.
    pub fn diagnostics(&self, shell: &ShellFacts) -> Result<String> {
        let mut out = vec![
            format!("program: {}", shell.program),
            format!("core: citadesk-core {}", env!("CARGO_PKG_VERSION")),
        ];
        out.extend(shell.versions.iter().map(|(k, v)| format!("{k}: {v}")));
        out.push(format!(
            "os: {} {}",
            std::env::consts::OS,
            std::env::consts::ARCH
        ));
        let data_dir = &self.options.data_dir;
        out.push(format!("data_dir: {}", data_dir.display()));
        out.push(format!("log_dir: {}", paths::logs_dir(data_dir).display()));
        out.push(format!("demo: {}", self.is_demo()));
        let status = self.status()?;
        out.push(format!(
            "locale: {}",
            if status.locale == Locale::En {
                "en"
            } else {
                "es-PE"
            }
        ));
        match &status.location {
            Some(l) => out.push(format!("location: {} ({})", l.id, l.time_zone)),
            None => out.push("location: none".into()),
        }
        out.push(format!("connection: {}", json_name(&status.connection)));
        out.push(format!(
            "last_sync: {}",
            status.last_sync_at.as_deref().unwrap_or("never")
        ));
        out.push(format!("relay: {}", json_name(&status.relay)));
        out.push(format!(
            "writes: {} pending, {} refused",
            status.pending_writes, status.refused_writes
        ));
        let mut errors: Vec<String> = status
            .last_error
            .iter()
            .chain(status.notice.iter())
            .map(|e| e.code.to_string())
            .collect();
        if status.location.is_some() {
            errors.extend(self.refused_writes()?.into_iter().take(5).map(|r| r.code));
        }
        if let Some(e) = shell.update.as_ref().and_then(|u| u.error.as_ref()) {
            errors.push(e.code.to_string());
        }
        out.push(format!(
            "last_errors: {}",
            if errors.is_empty() {
                "none".to_string()
            } else {
                errors.join(", ")
            }
        ));
        let settings = self.update_settings()?;
        out.push(format!(
            "update_feed: {}",
            settings
                .feed_url
                .as_deref()
                .map(host_of)
                .unwrap_or_else(|| "build default".into())
        ));
        out.push(format!(
            "update_hold: {}",
            settings.hold_version.as_deref().unwrap_or("none")
        ));
        if let Some(u) = &shell.update {
            out.push(format!(
                "update: {} (offered {})",
                json_name(&u.phase),
                u.version.as_deref().unwrap_or("-")
            ));
        }
        Ok(out.join("\n") + "\n")
    }

    pub fn update_settings(&self) -> Result<UpdateSettings> {
        Ok(UpdateSettings {
            feed_url: self.store.setting(UPDATE_FEED)?,
            hold_version: self.store.setting(UPDATE_HOLD)?,
        })
    }

    /// Saves the feed (https, or http on this machine only) and the held
    /// version; an empty one goes back to the default (none held).
    pub fn set_update_settings(&self, settings: UpdateSettings) -> Result<UpdateSettings> {
        // The feed and the held version are the clinic's choice (gerencia).
        self.acting(crate::staff::Role::Gerencia)?;
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let feed = clean(settings.feed_url);
        let hold = clean(settings.hold_version);
        if let Some(url) = &feed {
            if reqwest::Url::parse(url).is_err() {
                return Err(messages::update_refused(ErrorCode::UpdateFeed, url));
            }
            require_secure(url)?;
        }
        if let Some(h) = &hold {
            check_hold(h)?;
        }
        for (key, value) in [(UPDATE_FEED, &feed), (UPDATE_HOLD, &hold)] {
            match value {
                Some(v) => self.store.set_setting(key, v)?,
                None => self.store.remove_setting(key)?,
            }
        }
        self.update_settings()
    }
}

/// An enum's snake_case name, as it crosses IPC.
fn json_name(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "invalid".into())
}
