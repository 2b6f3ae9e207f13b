//! The app's update feed, when `updates_dir` is set: the folder's files at
//! `/updates/<name>` (the manifest `latest.json`, each package and its
//! `.sig`), and `publish-update`, which puts a signed package there and
//! writes the manifest the app's updater reads. The relay verifies nothing
//! here: the app checks each package's minisign signature against the key
//! it was built with, so a relay (or any static host) cannot push an update.

use std::path::{Path, PathBuf};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::RelayError;

/// The manifest's name in the folder.
pub const MANIFEST: &str = "latest.json";

/// `GET /updates/{name}`: a plain file of the folder, nothing below or
/// above it (no subfolders, no dot files).
pub async fn serve(State(dir): State<PathBuf>, UrlPath(name): UrlPath<String>) -> Response {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+~".contains(c));
    if !plain {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = dir.join(&name);
    match tokio::fs::metadata(&path).await {
        Ok(m) if m.is_file() => {}
        _ => return StatusCode::NOT_FOUND.into_response(),
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let kind = if name.ends_with(".json") {
                "application/json"
            } else if name.ends_with(".sig") {
                "text/plain"
            } else {
                "application/octet-stream"
            };
            (
                [
                    (header::CONTENT_TYPE, kind),
                    // A new release must show at once, not after a cache expires.
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                bytes,
            )
                .into_response()
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// One package to publish, with its `.sig` next to it.
pub struct Release<'a> {
    pub version: &'a str,
    pub notes: &'a str,
    /// The packages (.deb, .rpm); each needs `<file>.sig` beside it.
    pub artifacts: &'a [PathBuf],
    /// Where the folder is served, e.g. `https://relay.clinica.pe/updates`.
    pub base_url: &'a str,
    /// `{os}-{arch}`, e.g. `linux-x86_64`.
    pub target: &'a str,
}

/// Copies the packages and their signatures into `dir` and writes the
/// manifest (replacing the previous release's).
pub fn publish(dir: &Path, release: &Release) -> Result<PathBuf, RelayError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| RelayError::Config(format!("{what}: {e}"));
    if release.artifacts.is_empty() {
        return Err(RelayError::Config("no --artifact to publish".into()));
    }
    std::fs::create_dir_all(dir).map_err(|e| fail(&dir.display().to_string(), &e))?;
    let base = release.base_url.trim_end_matches('/');
    let mut platforms = serde_json::Map::new();
    for artifact in release.artifacts {
        let name = artifact
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| RelayError::Config(format!("{}: not a file", artifact.display())))?;
        let sig_path = PathBuf::from(format!("{}.sig", artifact.display()));
        let signature = std::fs::read_to_string(&sig_path).map_err(|e| {
            fail(
                &format!(
                    "{} (sign the package first: build with TAURI_SIGNING_PRIVATE_KEY)",
                    sig_path.display()
                ),
                &e,
            )
        })?;
        std::fs::copy(artifact, dir.join(name))
            .map_err(|e| fail(&artifact.display().to_string(), &e))?;
        std::fs::write(dir.join(format!("{name}.sig")), &signature)
            .map_err(|e| fail(&sig_path.display().to_string(), &e))?;
        let entry = serde_json::json!({
            "signature": signature.trim(),
            "url": format!("{base}/{name}"),
        });
        let kind = name.rsplit('.').next().unwrap_or_default();
        platforms.insert(format!("{}-{kind}", release.target), entry.clone());
        // One package: it also answers installs whose kind is unknown.
        if release.artifacts.len() == 1 {
            platforms.insert(release.target.to_string(), entry);
        }
    }
    let manifest = serde_json::json!({
        "version": release.version,
        "notes": release.notes,
        "pub_date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "platforms": platforms,
    });
    let path = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| fail("manifest", &e))?;
    // Written aside and renamed: an app never reads half a manifest.
    let tmp = dir.join(format!(".{MANIFEST}.tmp"));
    std::fs::write(&tmp, text).map_err(|e| fail(&tmp.display().to_string(), &e))?;
    std::fs::rename(&tmp, &path).map_err(|e| fail(&path.display().to_string(), &e))?;
    Ok(path)
}
