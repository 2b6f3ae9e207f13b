//! Faults injected into the next N GHL calls (admin `POST /_sandbox/faults`).

use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultKind {
    /// 429 with the rate-limit headers at zero remaining.
    #[serde(rename = "429")]
    RateLimited,
    /// 500 `{statusCode, message: "Internal server error"}`.
    #[serde(rename = "500")]
    ServerError,
    /// 502 from the gateway, an HTML body (not GHL's JSON).
    #[serde(rename = "502")]
    BadGateway,
    /// Hang `ms` (default 120 s, longer than any client timeout), then 504.
    #[serde(rename = "timeout")]
    Timeout,
    /// Wait `ms` (default 1 s), then answer normally.
    #[serde(rename = "latency")]
    Latency,
    /// 401 as if the token had been revoked.
    #[serde(rename = "revoked_token")]
    RevokedToken,
}

impl FromStr for FaultKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
            format!(
                "unknown fault {s:?} (expected 429, 500, 502, timeout, latency or revoked_token)"
            )
        })
    }
}

impl FaultKind {
    pub fn default_ms(self) -> u64 {
        match self {
            FaultKind::Timeout => 120_000,
            FaultKind::Latency => 1_000,
            _ => 0,
        }
    }
}

/// One pending fault: applied to the next `remaining` GHL calls whose path
/// starts with `path` (all when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    pub kind: FaultKind,
    pub remaining: u32,
    pub ms: u64,
    pub path: Option<String>,
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
}

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        if rule.remaining > 0 {
            self.lock().push(rule);
        }
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn pending(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    /// The fault for a call to `path`, if any; counts it down. Rules apply
    /// in the order they were added.
    pub fn next_for(&self, path: &str) -> Option<(FaultKind, u64)> {
        let mut rules = self.lock();
        let index = rules
            .iter()
            .position(|r| r.path.as_deref().is_none_or(|p| path.starts_with(p)))?;
        let rule = &mut rules[index];
        rule.remaining -= 1;
        let out = (rule.kind, rule.ms);
        if rule.remaining == 0 {
            rules.remove(index);
        }
        Some(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }
}
