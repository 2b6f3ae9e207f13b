//! Per-operation figures for the health panel: calls, success rate, average
//! and p95 latency. Latencies are kept in a bounded ring per operation.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

const KEPT_LATENCIES: usize = 512;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationFigures {
    /// `GET /calendars/events`, with ids replaced by `{id}`.
    pub operation: String,
    pub calls: u64,
    pub successes: u64,
    pub failures: u64,
    pub retries: u64,
    pub avg_ms: f64,
    pub p95_ms: f64,
}

#[derive(Debug, Default)]
struct Op {
    calls: u64,
    successes: u64,
    failures: u64,
    retries: u64,
    latencies_ms: VecDeque<f64>,
}

#[derive(Debug, Default)]
pub struct Metrics {
    ops: Mutex<HashMap<String, Op>>,
}

impl Metrics {
    pub fn record(&self, operation: &str, ok: bool, latency: Duration) {
        let mut ops = self.ops.lock().unwrap();
        let op = ops.entry(operation.to_string()).or_default();
        op.calls += 1;
        if ok {
            op.successes += 1;
        } else {
            op.failures += 1;
        }
        if op.latencies_ms.len() == KEPT_LATENCIES {
            op.latencies_ms.pop_front();
        }
        op.latencies_ms.push_back(latency.as_secs_f64() * 1000.0);
    }

    pub fn record_retry(&self, operation: &str) {
        self.ops
            .lock()
            .unwrap()
            .entry(operation.to_string())
            .or_default()
            .retries += 1;
    }

    pub fn snapshot(&self) -> Vec<OperationFigures> {
        let ops = self.ops.lock().unwrap();
        let mut out: Vec<_> = ops
            .iter()
            .map(|(name, op)| {
                let mut l: Vec<f64> = op.latencies_ms.iter().copied().collect();
                l.sort_by(|a, b| a.total_cmp(b));
                let avg = if l.is_empty() {
                    0.0
                } else {
                    l.iter().sum::<f64>() / l.len() as f64
                };
                let p95 = l
                    .get(((l.len() as f64 * 0.95).ceil() as usize).saturating_sub(1))
                    .copied()
                    .unwrap_or(0.0);
                OperationFigures {
                    operation: name.clone(),
                    calls: op.calls,
                    successes: op.successes,
                    failures: op.failures,
                    retries: op.retries,
                    avg_ms: avg,
                    p95_ms: p95,
                }
            })
            .collect();
        out.sort_by(|a, b| a.operation.cmp(&b.operation));
        out
    }
}

/// `/calendars/events/appointments/abc123` → `/calendars/events/appointments/{id}`,
/// so figures group by endpoint, not by record.
pub fn operation_name(method: &str, path: &str) -> String {
    const FIXED: &[&str] = &[
        "calendars",
        "events",
        "appointments",
        "contacts",
        "locations",
        "users",
        "search",
        "duplicate",
        "upsert",
        "free-slots",
        "conversations",
        "messages",
        "oauth",
        "token",
    ];
    let shaped: Vec<&str> = path
        .split('/')
        .map(|seg| {
            if seg.is_empty() || FIXED.contains(&seg) {
                seg
            } else {
                "{id}"
            }
        })
        .collect();
    format!("{method} {}", shaped.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_per_operation() {
        let m = Metrics::default();
        for i in 1..=20 {
            m.record("GET /x", i != 7, Duration::from_millis(i));
        }
        m.record_retry("GET /x");
        let f = &m.snapshot()[0];
        assert_eq!(
            (f.calls, f.successes, f.failures, f.retries),
            (20, 19, 1, 1)
        );
        assert!((f.avg_ms - 10.5).abs() < 0.01);
        assert!((f.p95_ms - 19.0).abs() < 0.01);
    }

    #[test]
    fn ids_are_shaped_out_of_operation_names() {
        assert_eq!(
            operation_name("PUT", "/calendars/events/appointments/ve9EPM428h8vShlRW1KT"),
            "PUT /calendars/events/appointments/{id}"
        );
        assert_eq!(operation_name("GET", "/calendars/"), "GET /calendars/");
        assert_eq!(
            operation_name("GET", "/contacts/abc/appointments"),
            "GET /contacts/{id}/appointments"
        );
    }
}
