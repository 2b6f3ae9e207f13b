//! Updates of the app itself: which offered version the desk may take (never
//! an older one; never past the version gerencia holds the clinic on), and
//! what the banner shows. Fetching and signature checks are the updater
//! plugin's (in the app shell); the decisions and the texts are here so the
//! CLI and the tests share them.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorCode, Result};
use crate::messages;
use crate::model::ErrorPayload;

/// Where an update check stands, as the banner and "Acerca de" show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UpdatePhase {
    /// No check yet (it starts after the first paint).
    #[default]
    Idle,
    /// Asking the feed, or downloading and verifying what it offers.
    Checking,
    /// The feed offers nothing newer.
    UpToDate,
    /// A newer version is downloaded and its signature verified: the banner
    /// offers "Instalar y reiniciar".
    Ready,
    /// A newer version exists, past the one gerencia holds the clinic on.
    Held,
    /// What the feed offered was refused (unsigned, another key, tampered,
    /// older) or could not be fetched: `error` says why; nothing changes.
    Refused,
    /// Installing; the app restarts when done.
    Installing,
}

/// The update state the UI shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateView {
    pub phase: UpdatePhase,
    /// The running version.
    pub current_version: String,
    /// The version the feed offers (Ready, Held, Refused).
    pub version: Option<String>,
    /// Its release notes, as published.
    pub notes: Option<String>,
    /// Why it was refused (Refused), or why the install failed.
    pub error: Option<ErrorPayload>,
    /// RFC 3339 instant of the last finished check.
    pub checked_at: Option<String>,
}

/// The update settings: the feed (none: the build's default) and the
/// version gerencia holds the clinic on (none: take every newer version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateSettings {
    pub feed_url: Option<String>,
    pub hold_version: Option<String>,
}

/// What to do with a version the feed offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Newer, within the hold: download, verify, offer.
    Take,
    /// The running version: nothing to do.
    Same,
    /// Newer than the version gerencia holds the clinic on.
    Held,
}

/// Decides on `offered` while `current` runs: an older version is refused
/// (a feed must never move a clinic back), the same is nothing to do, a
/// newer one past `hold` waits for gerencia.
pub fn judge(current: &str, offered: &str, hold: Option<&str>) -> Result<Verdict> {
    let order = compare_versions(offered, current)
        .ok_or_else(|| messages::update_refused(ErrorCode::UpdateFeed, offered))?;
    match order {
        Ordering::Less => Err(messages::update_refused(ErrorCode::UpdateOlder, offered)),
        Ordering::Equal => Ok(Verdict::Same),
        Ordering::Greater => match hold.map(|h| compare_versions(offered, h)) {
            Some(Some(Ordering::Greater)) => Ok(Verdict::Held),
            _ => Ok(Verdict::Take),
        },
    }
}

/// Orders two `MAJOR.MINOR.PATCH[-pre][+build]` versions (a leading `v` is
/// allowed); a pre-release sorts before its release. None if either is not
/// a version.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let (a_core, a_pre) = parse_version(a)?;
    let (b_core, b_pre) = parse_version(b)?;
    Some(a_core.cmp(&b_core).then_with(|| match (a_pre, b_pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => x.cmp(y),
    }))
}

fn parse_version(v: &str) -> Option<([u64; 3], Option<&str>)> {
    let v = v.trim().trim_start_matches('v');
    let v = v.split('+').next()?;
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let out = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some((out, pre))
}

/// An update refusal with its message in both languages (the app shell
/// maps the updater's own errors to these codes).
pub fn update_refused(code: ErrorCode, detail: impl std::fmt::Display) -> crate::CoreError {
    messages::update_refused(code, detail)
}

/// A hold must name a version, so a typo cannot stop every update silently.
pub fn check_hold(hold: &str) -> Result<()> {
    match parse_version(hold) {
        Some(_) => Ok(()),
        None => Err(messages::update_refused(ErrorCode::UpdateBadHold, hold)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_with_pre_releases_first() {
        assert_eq!(compare_versions("0.2.0", "0.1.9"), Some(Ordering::Greater));
        assert_eq!(compare_versions("v1.0.0", "1.0.0"), Some(Ordering::Equal));
        assert_eq!(
            compare_versions("1.0.0-rc.1", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(compare_versions("1.10.0", "1.9.0"), Some(Ordering::Greater));
        assert_eq!(compare_versions("1.0", "1.0.0"), None);
        assert_eq!(compare_versions("latest", "1.0.0"), None);
    }

    #[test]
    fn older_is_refused_newer_taken_hold_respected() {
        let older = judge("0.2.0", "0.1.0", None).unwrap_err();
        assert_eq!(older.error_code(), ErrorCode::UpdateOlder);
        assert!(older
            .message(crate::model::Locale::EsPe)
            .contains("anterior"));
        assert_eq!(judge("0.2.0", "0.2.0", None).unwrap(), Verdict::Same);
        assert_eq!(judge("0.2.0", "0.3.0", None).unwrap(), Verdict::Take);
        assert_eq!(
            judge("0.2.0", "0.3.0", Some("0.3.0")).unwrap(),
            Verdict::Take
        );
        assert_eq!(
            judge("0.2.0", "0.3.1", Some("0.3.0")).unwrap(),
            Verdict::Held
        );
        assert_eq!(
            judge("0.2.0", "nueva", None).unwrap_err().error_code(),
            ErrorCode::UpdateFeed
        );
        assert!(check_hold("0.3").is_err());
        assert!(check_hold("0.3.0").is_ok());
    }
}
