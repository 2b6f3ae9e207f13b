//! Configuration: defaults, then a JSON file, then `CITADESK_RELAY_*`
//! environment variables (last wins), then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::verify::{GHL_ED25519_KEY, GHL_RSA_KEY};
use crate::RelayError;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (plain HTTP; TLS is the reverse proxy's job).
    pub listen: SocketAddr,
    /// Where `/metrics` is served: apart from `listen`, so the public side
    /// never shows install names and lags.
    pub metrics_listen: SocketAddr,
    /// Directory of the SQLite store (unused when `database_url` is set).
    pub data_dir: PathBuf,
    /// PostgreSQL instead of SQLite, so several relay instances can share one
    /// store behind a load balancer: `postgresql://user:password@host/db`.
    pub database_url: Option<DatabaseUrl>,
    /// Most PostgreSQL connections one instance holds.
    pub database_pool_size: u32,
    /// Days an event is kept for installs that are offline.
    pub retention_days: u32,
    pub purge_interval_secs: u64,
    /// Largest webhook body accepted (413 above).
    pub max_body_bytes: usize,
    /// Largest accepted distance between the body's `timestamp` and our clock.
    pub max_skew_secs: i64,
    /// Ed25519 keys for `x-ghl-signature`: PEM or base64 SPKI.
    pub ed25519_public_keys: Vec<String>,
    /// RSA keys for the legacy `x-wh-signature`: PEM or base64 SPKI.
    /// Empty disables the legacy header.
    pub rsa_public_keys: Vec<String>,
    /// Webhooks waiting for a commit; a full queue answers 429.
    pub queue_capacity: usize,
    /// Most webhooks committed in one transaction.
    pub max_batch: usize,
    /// A webhook whose commit takes longer is answered 429 (GHL retries;
    /// the webhookId dedupe absorbs the retry if the commit did land).
    pub commit_timeout_ms: u64,
    /// SSE comment sent on idle streams so proxies keep them open.
    pub keepalive_secs: u64,
    /// Webhook requests handled at once (body read, verified, waiting for
    /// the commit); beyond it, 429 so GHL retries later.
    pub max_ingest_in_flight: usize,
    /// App streams open at once; beyond it, 503 so the app backs off.
    pub max_streams: usize,
    /// tracing filter, e.g. "info" or "citadesk_relay=debug".
    pub log: String,
    /// A folder of app updates served at `/updates/` (the manifest
    /// `latest.json`, packages, signatures); none: no feed here.
    pub updates_dir: Option<PathBuf>,
}

/// A connection string: it may hold a password, so `Debug` never shows it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(pub String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(…)")
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 9787)),
            data_dir: PathBuf::from("./relay-data"),
            database_url: None,
            database_pool_size: 16,
            retention_days: 14,
            purge_interval_secs: 3600,
            max_body_bytes: 1024 * 1024,
            max_skew_secs: 300,
            ed25519_public_keys: vec![GHL_ED25519_KEY.to_string()],
            rsa_public_keys: vec![GHL_RSA_KEY.to_string()],
            queue_capacity: 10_000,
            max_batch: 1_000,
            commit_timeout_ms: 8_000,
            keepalive_secs: 15,
            max_ingest_in_flight: 1024,
            max_streams: 1024,
            log: "info".into(),
            updates_dir: None,
        }
    }
}

impl Config {
    /// Defaults, overlaid by `file` (when given) and then by the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, RelayError> {
        let mut cfg = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    RelayError::Config(format!("cannot read {}: {e}", path.display()))
                })?;
                serde_json::from_str(&text)
                    .map_err(|e| RelayError::Config(format!("{}: {e}", path.display())))?
            }
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok())?;
        cfg.validate()?;
        Ok(cfg)
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), RelayError> {
        fn parse<T: std::str::FromStr>(key: &str, v: &str) -> Result<T, RelayError> {
            v.trim()
                .parse()
                .map_err(|_| RelayError::Config(format!("{key}: cannot parse {v:?}")))
        }
        fn keys(v: &str) -> Vec<String> {
            // Comma-separated base64 SPKI; PEM does not fit an env var.
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        }
        let p = "CITADESK_RELAY_";
        if let Some(v) = var(&format!("{p}LISTEN")) {
            self.listen = parse("CITADESK_RELAY_LISTEN", &v)?;
        }
        if let Some(v) = var(&format!("{p}METRICS_LISTEN")) {
            self.metrics_listen = parse("CITADESK_RELAY_METRICS_LISTEN", &v)?;
        }
        if let Some(v) = var(&format!("{p}DATA_DIR")) {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = var(&format!("{p}DATABASE_URL")) {
            self.database_url = Some(DatabaseUrl(v)).filter(|v| !v.0.trim().is_empty());
        }
        if let Some(v) = var(&format!("{p}DATABASE_POOL_SIZE")) {
            self.database_pool_size = parse("CITADESK_RELAY_DATABASE_POOL_SIZE", &v)?;
        }
        if let Some(v) = var(&format!("{p}RETENTION_DAYS")) {
            self.retention_days = parse("CITADESK_RELAY_RETENTION_DAYS", &v)?;
        }
        if let Some(v) = var(&format!("{p}PURGE_INTERVAL_SECS")) {
            self.purge_interval_secs = parse("CITADESK_RELAY_PURGE_INTERVAL_SECS", &v)?;
        }
        if let Some(v) = var(&format!("{p}MAX_BODY_BYTES")) {
            self.max_body_bytes = parse("CITADESK_RELAY_MAX_BODY_BYTES", &v)?;
        }
        if let Some(v) = var(&format!("{p}MAX_SKEW_SECS")) {
            self.max_skew_secs = parse("CITADESK_RELAY_MAX_SKEW_SECS", &v)?;
        }
        if let Some(v) = var(&format!("{p}ED25519_KEYS")) {
            self.ed25519_public_keys = keys(&v);
        }
        if let Some(v) = var(&format!("{p}RSA_KEYS")) {
            self.rsa_public_keys = keys(&v);
        }
        if let Some(v) = var(&format!("{p}QUEUE_CAPACITY")) {
            self.queue_capacity = parse("CITADESK_RELAY_QUEUE_CAPACITY", &v)?;
        }
        if let Some(v) = var(&format!("{p}MAX_BATCH")) {
            self.max_batch = parse("CITADESK_RELAY_MAX_BATCH", &v)?;
        }
        if let Some(v) = var(&format!("{p}COMMIT_TIMEOUT_MS")) {
            self.commit_timeout_ms = parse("CITADESK_RELAY_COMMIT_TIMEOUT_MS", &v)?;
        }
        if let Some(v) = var(&format!("{p}KEEPALIVE_SECS")) {
            self.keepalive_secs = parse("CITADESK_RELAY_KEEPALIVE_SECS", &v)?;
        }
        if let Some(v) = var(&format!("{p}MAX_INGEST_IN_FLIGHT")) {
            self.max_ingest_in_flight = parse("CITADESK_RELAY_MAX_INGEST_IN_FLIGHT", &v)?;
        }
        if let Some(v) = var(&format!("{p}MAX_STREAMS")) {
            self.max_streams = parse("CITADESK_RELAY_MAX_STREAMS", &v)?;
        }
        if let Some(v) = var(&format!("{p}UPDATES_DIR")) {
            self.updates_dir = Some(PathBuf::from(v)).filter(|d| !d.as_os_str().is_empty());
        }
        if let Some(v) = var(&format!("{p}LOG")) {
            self.log = v;
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), RelayError> {
        // GHL retries a 429 for about 70 minutes and dedupe lasts as long as
        // retention: keep at least a day so a retry is never stored twice.
        if self.retention_days < 1 {
            return Err(RelayError::Config(
                "retention_days must be at least 1".into(),
            ));
        }
        if self.max_batch == 0 || self.queue_capacity == 0 || self.max_body_bytes == 0 {
            return Err(RelayError::Config(
                "max_batch, queue_capacity and max_body_bytes must be positive".into(),
            ));
        }
        if self.max_ingest_in_flight == 0 || self.max_streams == 0 {
            return Err(RelayError::Config(
                "max_ingest_in_flight and max_streams must be positive".into(),
            ));
        }
        // tokio's semaphores (and bounded channels) panic above this.
        let most = tokio::sync::Semaphore::MAX_PERMITS;
        if [
            self.queue_capacity,
            self.max_ingest_in_flight,
            self.max_streams,
        ]
        .iter()
        .any(|n| *n > most)
        {
            return Err(RelayError::Config(format!(
                "queue_capacity, max_ingest_in_flight and max_streams must be at most {most}"
            )));
        }
        if self.metrics_listen == self.listen && self.listen.port() != 0 {
            return Err(RelayError::Config(
                "metrics_listen must differ from listen".into(),
            ));
        }
        // The SSE keep-alive adds it to a clock: a huge value would overflow.
        if self.keepalive_secs > 86_400 {
            return Err(RelayError::Config(
                "keepalive_secs must be at most 86400".into(),
            ));
        }
        if self.max_skew_secs <= 0 {
            return Err(RelayError::Config("max_skew_secs must be positive".into()));
        }
        Ok(())
    }

    pub fn retention(&self) -> Duration {
        Duration::from_secs(u64::from(self.retention_days) * 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_values() {
        let mut cfg: Config =
            serde_json::from_str(r#"{"retention_days": 30, "max_skew_secs": 60}"#).expect("json");
        assert_eq!(cfg.retention_days, 30);
        assert_eq!(cfg.max_body_bytes, 1024 * 1024);
        cfg.apply_env(|k| match k {
            "CITADESK_RELAY_RETENTION_DAYS" => Some("7".into()),
            "CITADESK_RELAY_ED25519_KEYS" => Some("a, b".into()),
            _ => None,
        })
        .expect("env");
        assert_eq!(cfg.retention_days, 7);
        assert_eq!(cfg.max_skew_secs, 60);
        assert_eq!(
            cfg.ed25519_public_keys,
            vec!["a".to_string(), "b".to_string()]
        );
    }

    #[test]
    fn the_example_config_parses() {
        let cfg: Config =
            serde_json::from_str(include_str!("../deploy/config.example.json")).expect("example");
        cfg.validate().expect("valid");
        assert_eq!(cfg.retention_days, 14);
    }

    #[test]
    fn limits_that_would_overflow_are_refused() {
        for cfg in [
            Config {
                max_streams: usize::MAX,
                ..Config::default()
            },
            Config {
                queue_capacity: usize::MAX,
                ..Config::default()
            },
            Config {
                keepalive_secs: u64::MAX,
                ..Config::default()
            },
        ] {
            assert_eq!(cfg.validate().expect_err("refused").code(), "relay.config");
        }
        Config::default().validate().expect("defaults are valid");
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(serde_json::from_str::<Config>(r#"{"retention": 3}"#).is_err());
    }
}
