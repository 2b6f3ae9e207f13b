//! Counters for `/metrics`, written out as Prometheus text by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

use crate::store::InstallLag;

#[derive(Default)]
pub struct Metrics {
    pub received: AtomicU64,
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub delivered: AtomicU64,
    pub batches: AtomicU64,
    pub streams_open: AtomicI64,
    /// When commits started failing (ms since the epoch), 0 while the last
    /// commit succeeded: the store's write health for `/healthz`.
    pub write_failing_since_ms: AtomicI64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
}

/// Reasons listed even at zero, so dashboards see every series from the start.
const REJECT_CODES: &[&str] = &[
    "relay.missing_signature",
    "relay.bad_signature",
    "relay.too_large",
    "relay.malformed",
    "relay.stale",
    "relay.overloaded",
    "relay.not_persisted",
];

impl Metrics {
    pub fn rejected(&self, code: &'static str) {
        if let Ok(mut m) = self.rejected.lock() {
            *m.entry(code).or_default() += 1;
        }
    }

    pub fn render(&self, head: i64, lags: &[InstallLag]) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        counter(
            &mut out,
            "citadesk_relay_webhooks_received_total",
            "Webhook requests received.",
            self.received.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "citadesk_relay_webhooks_stored_total",
            "Webhooks durably stored.",
            self.stored.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "citadesk_relay_webhooks_duplicate_total",
            "Webhooks answered 200 whose webhookId was already stored.",
            self.duplicates.load(Ordering::Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP citadesk_relay_webhooks_rejected_total Webhooks not stored, by reason.\n\
             # TYPE citadesk_relay_webhooks_rejected_total counter"
        );
        let mut rejected: BTreeMap<&str, u64> = REJECT_CODES.iter().map(|c| (*c, 0)).collect();
        if let Ok(m) = self.rejected.lock() {
            for (k, v) in m.iter() {
                rejected.insert(k, *v);
            }
        }
        for (reason, v) in rejected {
            let _ = writeln!(
                out,
                "citadesk_relay_webhooks_rejected_total{{reason=\"{reason}\"}} {v}"
            );
        }
        counter(
            &mut out,
            "citadesk_relay_events_delivered_total",
            "Events written to app streams.",
            self.delivered.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "citadesk_relay_commit_batches_total",
            "Store commits (each one fsync).",
            self.batches.load(Ordering::Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP citadesk_relay_streams_open App streams open now.\n\
             # TYPE citadesk_relay_streams_open gauge\n\
             citadesk_relay_streams_open {}",
            self.streams_open.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP citadesk_relay_head_cursor Highest cursor stored.\n\
             # TYPE citadesk_relay_head_cursor gauge\n\
             citadesk_relay_head_cursor {head}"
        );
        let _ = writeln!(
            out,
            "# HELP citadesk_relay_install_lag_events Events of an install's locations after its acknowledged cursor.\n\
             # TYPE citadesk_relay_install_lag_events gauge"
        );
        for l in lags {
            let _ = writeln!(
                out,
                "citadesk_relay_install_lag_events{{install=\"{}\",name=\"{}\"}} {}",
                escape(&l.id),
                escape(&l.name),
                l.pending_events
            );
        }
        let _ = writeln!(
            out,
            "# HELP citadesk_relay_install_acked_cursor Last cursor an install acknowledged.\n\
             # TYPE citadesk_relay_install_acked_cursor gauge"
        );
        for l in lags {
            let _ = writeln!(
                out,
                "citadesk_relay_install_acked_cursor{{install=\"{}\",name=\"{}\"}} {}",
                escape(&l.id),
                escape(&l.name),
                l.acked_cursor
            );
        }
        out
    }
}

/// Label value escaping per the text exposition format.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
