//! The manager's monitoring rules: which alerts exist, when each holds, and
//! how the health percentages are worked out. Pure: the desk gathers what it
//! saw (an `Observation`) and this decides.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{ConnectionState, RelayState};

/// One kind of alert; at most one is open per location and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AlertKind {
    /// GHL's burst limit has fewer than `rate_limit_min_remaining` calls left.
    RateLimitLow,
    /// GHL refused the token or its refresh: the location must be connected again.
    TokenRefreshFailed,
    /// GHL refused more than `refused_writes_per_hour` writes in the last hour.
    WritesRefused,
    /// The latest webhook was rejected (signature, payload) or could not be completed.
    WebhooksFailing,
    /// The relay has been out of reach for longer than `relay_down`.
    RelayDisconnected,
    /// Writes have waited for GHL longer than `outbox_wait` while online.
    OutboxWaiting,
    /// The latest reconciliation found differences nobody has fixed yet.
    ReconcileDifferences,
}

impl AlertKind {
    pub const ALL: [AlertKind; 7] = [
        AlertKind::RateLimitLow,
        AlertKind::TokenRefreshFailed,
        AlertKind::WritesRefused,
        AlertKind::WebhooksFailing,
        AlertKind::RelayDisconnected,
        AlertKind::OutboxWaiting,
        AlertKind::ReconcileDifferences,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::RateLimitLow => "rate_limit_low",
            AlertKind::TokenRefreshFailed => "token_refresh_failed",
            AlertKind::WritesRefused => "writes_refused",
            AlertKind::WebhooksFailing => "webhooks_failing",
            AlertKind::RelayDisconnected => "relay_disconnected",
            AlertKind::OutboxWaiting => "outbox_waiting",
            AlertKind::ReconcileDifferences => "reconcile_differences",
        }
    }

    pub fn parse(s: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// When each alert is raised. The defaults are the issue's; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertThresholds {
    pub rate_limit_min_remaining: u32,
    pub refused_writes_per_hour: u32,
    /// The window refusals are counted over (an hour).
    pub refused_window: Duration,
    pub relay_down: Duration,
    pub outbox_wait: Duration,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        Self {
            rate_limit_min_remaining: 10,
            refused_writes_per_hour: 5,
            refused_window: Duration::from_secs(3600),
            relay_down: Duration::from_secs(5 * 60),
            outbox_wait: Duration::from_secs(15 * 60),
        }
    }
}

impl AlertThresholds {
    /// `CITADESK_ALERT_RELAY_SECS`, `CITADESK_ALERT_OUTBOX_SECS` and
    /// `CITADESK_ALERT_REFUSED_PER_HOUR`, for IT and the end-to-end tests.
    pub fn with_env_overrides(mut self) -> Self {
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        if let Some(s) = num("CITADESK_ALERT_RELAY_SECS") {
            self.relay_down = Duration::from_secs(s);
        }
        if let Some(s) = num("CITADESK_ALERT_OUTBOX_SECS") {
            self.outbox_wait = Duration::from_secs(s);
        }
        if let Some(n) = num("CITADESK_ALERT_REFUSED_PER_HOUR") {
            self.refused_writes_per_hour = n.min(u64::from(u32::MAX)) as u32;
        }
        self
    }
}

/// What one check found about one alert's condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// It holds; the figure the message quotes.
    Holds(i64),
    /// It is over: an open alert is cleared.
    Ended,
    /// Nothing to tell yet (no call made since start, the relay still
    /// connecting after a restart): an open alert stays open, none is raised.
    Unknown,
}

/// What the desk saw of the active location at one check.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    /// Calls left in GHL's burst window, from the last answer this process saw.
    pub rate_remaining: Option<u32>,
    /// The code of the last sync's failure (kept in the replica), if it failed.
    pub last_sync_error: Option<String>,
    /// GHL refused the OAuth refresh token (kept with the token).
    pub reconnect_required: bool,
    pub refused_last_hour: u32,
    /// The latest webhook of the last hour was rejected or not completed,
    /// and how many were so in that hour.
    pub latest_webhook_bad: bool,
    pub bad_webhooks_last_hour: u32,
    pub relay: RelayState,
    /// How long the relay has been in its present state.
    pub relay_state_for: Option<Duration>,
    pub connection: Option<ConnectionState>,
    /// How long the oldest pending write has waited, and how many wait.
    pub oldest_pending: Option<Duration>,
    pub pending_writes: u32,
    /// Differences of the latest reconciliation not fixed yet (None: no run).
    pub unfixed_differences: Option<i64>,
}

const RATE_LIMITED: &str = "ghl.rate_limited";
const TOKEN_CODES: [&str; 2] = ["auth.expired", "auth.reconnect_required"];

/// Each alert's condition, in `AlertKind::ALL`'s order.
pub fn evaluate(o: &Observation, t: &AlertThresholds) -> Vec<(AlertKind, Condition)> {
    let rate = match (o.rate_remaining, o.last_sync_error.as_deref()) {
        (Some(n), _) if n < t.rate_limit_min_remaining => Condition::Holds(i64::from(n)),
        (_, Some(RATE_LIMITED)) => Condition::Holds(i64::from(o.rate_remaining.unwrap_or(0))),
        // No figures in this process (a restart, the CLI): the kept sync
        // result tells, and a sync that got through was not rate limited.
        (_, _) => Condition::Ended,
    };
    let token = if o.reconnect_required
        || o.last_sync_error
            .as_deref()
            .is_some_and(|c| TOKEN_CODES.contains(&c))
    {
        Condition::Holds(0)
    } else {
        Condition::Ended
    };
    let refused = if o.refused_last_hour > t.refused_writes_per_hour {
        Condition::Holds(i64::from(o.refused_last_hour))
    } else {
        Condition::Ended
    };
    let webhooks = if o.latest_webhook_bad {
        Condition::Holds(i64::from(o.bad_webhooks_last_hour))
    } else {
        Condition::Ended
    };
    let relay = match o.relay {
        // The relay loop never ran in this process (the CLI): nothing to tell.
        _ if o.relay_state_for.is_none() => Condition::Unknown,
        RelayState::Disconnected | RelayState::Unauthorized => match o.relay_state_for {
            Some(d) if d >= t.relay_down => Condition::Holds(minutes(d)),
            // Down, not for long enough yet: an open alert stays.
            _ => Condition::Unknown,
        },
        RelayState::Connected | RelayState::CatchingUp | RelayState::NotConfigured => {
            Condition::Ended
        }
        RelayState::Connecting => Condition::Unknown,
    };
    let outbox = match o.oldest_pending {
        Some(d) if d >= t.outbox_wait => match o.connection {
            // Offline, waiting is what the outbox is for.
            None | Some(ConnectionState::Offline | ConnectionState::NotConnected) => {
                Condition::Unknown
            }
            _ => Condition::Holds(i64::from(o.pending_writes)),
        },
        _ => Condition::Ended,
    };
    let reconcile = match o.unfixed_differences {
        Some(n) if n > 0 => Condition::Holds(n),
        _ => Condition::Ended,
    };
    vec![
        (AlertKind::RateLimitLow, rate),
        (AlertKind::TokenRefreshFailed, token),
        (AlertKind::WritesRefused, refused),
        (AlertKind::WebhooksFailing, webhooks),
        (AlertKind::RelayDisconnected, relay),
        (AlertKind::OutboxWaiting, outbox),
        (AlertKind::ReconcileDifferences, reconcile),
    ]
}

fn minutes(d: Duration) -> i64 {
    (d.as_secs() / 60) as i64
}

/// A percentage from good and total counts: 100 when nothing was counted.
pub fn percent(good: u64, total: u64) -> f64 {
    if total == 0 {
        100.0
    } else {
        (good.min(total) as f64 * 1000.0 / total as f64).round() / 10.0
    }
}

/// The overall figure: the mean of GHL's and the webhooks' health, the
/// webhooks left out when the location has no relay and none arrived.
pub fn overall(ghl: f64, webhooks: Option<f64>) -> f64 {
    match webhooks {
        Some(w) => ((ghl + w) * 5.0).round() / 10.0,
        None => ghl,
    }
}

/// Webhooks skipped as already handled, by event type, since start: the
/// processed-webhook log keeps one row per event, so duplicates are counted
/// here.
#[derive(Debug, Default)]
pub struct MonitorState {
    pub duplicates: BTreeMap<String, u64>,
    pub thresholds: Option<AlertThresholds>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(o: &Observation, kind: AlertKind) -> Condition {
        evaluate(o, &AlertThresholds::default())
            .into_iter()
            .find(|(k, _)| *k == kind)
            .unwrap()
            .1
    }

    #[test]
    fn the_rate_limit_alert_holds_under_ten_calls_or_while_the_last_sync_was_limited() {
        let mut o = Observation::default();
        assert_eq!(held(&o, AlertKind::RateLimitLow), Condition::Ended);
        o.rate_remaining = Some(9);
        assert_eq!(held(&o, AlertKind::RateLimitLow), Condition::Holds(9));
        o.rate_remaining = Some(10);
        assert_eq!(held(&o, AlertKind::RateLimitLow), Condition::Ended);
        // After a restart only the kept sync failure tells.
        o.rate_remaining = None;
        o.last_sync_error = Some("ghl.rate_limited".into());
        assert_eq!(held(&o, AlertKind::RateLimitLow), Condition::Holds(0));
    }

    #[test]
    fn the_relay_alert_waits_five_minutes_and_survives_a_reconnect_attempt() {
        let mut o = Observation {
            relay: RelayState::Disconnected,
            relay_state_for: Some(Duration::from_secs(299)),
            ..Default::default()
        };
        assert_eq!(held(&o, AlertKind::RelayDisconnected), Condition::Unknown);
        o.relay_state_for = Some(Duration::from_secs(360));
        assert_eq!(held(&o, AlertKind::RelayDisconnected), Condition::Holds(6));
        o.relay = RelayState::Connecting;
        assert_eq!(held(&o, AlertKind::RelayDisconnected), Condition::Unknown);
        o.relay = RelayState::Connected;
        assert_eq!(held(&o, AlertKind::RelayDisconnected), Condition::Ended);
        o.relay_state_for = None;
        assert_eq!(held(&o, AlertKind::RelayDisconnected), Condition::Unknown);
    }

    #[test]
    fn waiting_writes_alert_only_while_online_and_refusals_over_the_threshold() {
        let mut o = Observation {
            oldest_pending: Some(Duration::from_secs(16 * 60)),
            pending_writes: 2,
            connection: Some(ConnectionState::Offline),
            ..Default::default()
        };
        assert_eq!(held(&o, AlertKind::OutboxWaiting), Condition::Unknown);
        o.connection = Some(ConnectionState::Online);
        assert_eq!(held(&o, AlertKind::OutboxWaiting), Condition::Holds(2));
        o.oldest_pending = Some(Duration::from_secs(60));
        assert_eq!(held(&o, AlertKind::OutboxWaiting), Condition::Ended);
        o.refused_last_hour = 5;
        assert_eq!(held(&o, AlertKind::WritesRefused), Condition::Ended);
        o.refused_last_hour = 6;
        assert_eq!(held(&o, AlertKind::WritesRefused), Condition::Holds(6));
    }

    #[test]
    fn percentages_round_to_a_tenth_and_the_overall_is_the_mean() {
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(overall(90.0, Some(65.0)), 77.5);
        assert_eq!(overall(90.0, None), 90.0);
        for k in AlertKind::ALL {
            assert_eq!(AlertKind::parse(k.as_str()), Some(k));
        }
    }
}
