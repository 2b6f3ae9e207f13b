//! Settings beyond the seed: rate limits, webhooks, OAuth clients.
//!
//! All have GHL's values by default; tests tighten or compress them.

use std::time::Duration;

/// GHL's limits per app per location (Authorization.md FAQ): a burst of
/// `burst` requests per `interval`, and `daily` requests per (UTC) day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    pub burst: u32,
    pub interval: Duration,
    pub daily: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::ghl()
    }
}

impl RateLimits {
    /// 100 per 10 s, 200,000 a day.
    pub const fn ghl() -> Self {
        Self {
            burst: 100,
            interval: Duration::from_secs(10),
            daily: 200_000,
        }
    }

    /// Effectively no limit (benchmarks); the headers are still sent.
    pub const fn unlimited() -> Self {
        Self {
            burst: u32::MAX,
            interval: Duration::from_secs(10),
            daily: u32::MAX,
        }
    }
}

/// Where and how webhooks are delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// Every event is POSTed to each of these URLs. Empty: none are sent
    /// (they are still built and counted in the admin stats).
    pub urls: Vec<String>,
    /// PKCS#8 PEM of the Ed25519 key that signs `x-ghl-signature`. `None`:
    /// the sandbox's built-in key, whose public half is
    /// [`crate::webhooks::builtin_ed25519_public_pem`] (not a secret).
    pub ed25519_private_key_pem: Option<String>,
    /// PKCS#8 or PKCS#1 PEM of the RSA key that signs the legacy
    /// `x-wh-signature` (RSA-SHA256, PKCS#1 v1.5). `None`: the header is not sent.
    pub rsa_private_key_pem: Option<String>,
    /// Waits before each retry. GHL retries only when the receiver answers
    /// 429: 6 times about 10 minutes apart. Tests compress it.
    pub retry_schedule: Vec<Duration>,
    /// How long one delivery may take before it counts as failed.
    pub timeout: Duration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            urls: Vec::new(),
            ed25519_private_key_pem: None,
            rsa_private_key_pem: None,
            retry_schedule: vec![Duration::from_secs(600); 6],
            timeout: Duration::from_secs(10),
        }
    }
}

/// A Marketplace app allowed to run the OAuth flow against the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: String,
    /// Accepted `redirect_uri`s; empty: any.
    pub redirect_uris: Vec<String>,
}

impl OAuthClient {
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: Vec::new(),
        }
    }
}

/// GHL's access-token lifetime (`expires_in: 86399`).
pub const DEFAULT_ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(86_399);
