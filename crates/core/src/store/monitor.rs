//! Monitoring's SQL: the alerts (raised, cleared, listed) and the figures
//! their conditions and the health panel read from the replica.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::monitor::AlertKind;

/// One alert row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    pub id: i64,
    pub location_id: String,
    pub kind: AlertKind,
    pub figure: i64,
    pub raised_at: i64,
    pub cleared_at: Option<i64>,
}

/// The webhook log's figures for one event type over a window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookCounts {
    pub event_type: String,
    pub received: u64,
    pub applied: u64,
    /// Already in the replica, older than it, or kept back by a pending write.
    pub unchanged: u64,
    /// Could not be completed from GHL (`unfetched`).
    pub failed: u64,
    /// (reason, count): `signature`, `payload`.
    pub rejected: Vec<(String, u64)>,
}

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AlertRow> {
    let kind: String = r.get(2)?;
    Ok(AlertRow {
        id: r.get(0)?,
        location_id: r.get(1)?,
        kind: AlertKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("unknown alert kind {kind}").into(),
            )
        })?,
        figure: r.get(3)?,
        raised_at: r.get(4)?,
        cleared_at: r.get(5)?,
    })
}

const ALERT_COLUMNS: &str = "id, location_id, kind, figure, raised_at, cleared_at";

impl Store {
    /// Opens the alert unless one of its kind is open; an open one takes the
    /// new figure. Returns the row when it was raised now.
    pub fn raise_alert(
        &self,
        location_id: &str,
        kind: AlertKind,
        figure: i64,
        now_ms: i64,
    ) -> Result<Option<AlertRow>> {
        self.with(|c| {
            let tx = c.transaction()?;
            let updated = tx.execute(
                "UPDATE alerts SET figure = ?3 WHERE location_id = ?1 AND kind = ?2 AND cleared_at IS NULL",
                params![location_id, kind.as_str(), figure],
            )?;
            if updated > 0 {
                tx.commit()?;
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO alerts (location_id, kind, figure, raised_at) VALUES (?1, ?2, ?3, ?4)",
                params![location_id, kind.as_str(), figure, now_ms],
            )?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(Some(AlertRow {
                id,
                location_id: location_id.to_string(),
                kind,
                figure,
                raised_at: now_ms,
                cleared_at: None,
            }))
        })
    }

    /// Clears the open alert of this kind; true when there was one.
    pub fn clear_alert(&self, location_id: &str, kind: AlertKind, now_ms: i64) -> Result<bool> {
        self.with(|c| {
            c.execute(
                "UPDATE alerts SET cleared_at = ?3 WHERE location_id = ?1 AND kind = ?2 AND cleared_at IS NULL",
                params![location_id, kind.as_str(), now_ms],
            )
            .map(|n| n > 0)
        })
    }

    /// Open alerts of a location, oldest first.
    pub fn open_alerts(&self, location_id: &str) -> Result<Vec<AlertRow>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {ALERT_COLUMNS} FROM alerts WHERE location_id = ?1 AND cleared_at IS NULL ORDER BY raised_at, id"
            ))?;
            let rows = st.query_map([location_id], alert_row)?;
            rows.collect()
        })
    }

    /// The latest alerts of a location, open or cleared, newest first.
    pub fn recent_alerts(&self, location_id: &str, limit: u32) -> Result<Vec<AlertRow>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {ALERT_COLUMNS} FROM alerts WHERE location_id = ?1 ORDER BY raised_at DESC, id DESC LIMIT ?2"
            ))?;
            let rows = st.query_map(params![location_id, limit], alert_row)?;
            rows.collect()
        })
    }

    /// Writes GHL refused (validation) since `since_ms`.
    pub fn refusals_since(&self, location_id: &str, since_ms: i64) -> Result<u32> {
        self.with(|c| {
            c.query_row(
                "SELECT count(*) FROM outbox WHERE location_id = ?1 AND state IN ('refused', 'dropped') AND updated_at >= ?2",
                params![location_id, since_ms],
                |r| r.get(0),
            )
        })
    }

    /// When the oldest pending write was recorded, and how many are pending.
    pub fn oldest_pending_write(&self, location_id: &str) -> Result<Option<(i64, u32)>> {
        self.with(|c| {
            c.query_row(
                "SELECT min(created_at), count(*) FROM outbox WHERE location_id = ?1 AND state = 'pending'",
                [location_id],
                |r| Ok(r.get::<_, Option<i64>>(0)?.map(|at| (at, r.get::<_, u32>(1).unwrap_or(0)))),
            )
        })
    }

    /// Whether the latest webhook since `since_ms` was rejected or not
    /// completed, and how many were so since then.
    pub fn bad_webhooks_since(&self, location_id: &str, since_ms: i64) -> Result<(bool, u32)> {
        const BAD: &str = "outcome IN ('rejected', 'unfetched')";
        self.with(|c| {
            let latest_bad: Option<bool> = c
                .query_row(
                    &format!(
                        "SELECT {BAD} FROM processed_webhooks WHERE location_id = ?1 AND processed_at >= ?2 ORDER BY id DESC LIMIT 1"
                    ),
                    params![location_id, since_ms],
                    |r| r.get(0),
                )
                .optional()?;
            let count: u32 = c.query_row(
                &format!(
                    "SELECT count(*) FROM processed_webhooks WHERE location_id = ?1 AND processed_at >= ?2 AND {BAD}"
                ),
                params![location_id, since_ms],
                |r| r.get(0),
            )?;
            Ok((latest_bad.unwrap_or(false), count))
        })
    }

    /// Records why a rejected webhook (by its payload hash) was rejected.
    pub fn note_webhook_rejection(&self, payload_hash: &str, reason: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE processed_webhooks SET reason = ?2
                  WHERE id = (SELECT max(id) FROM processed_webhooks WHERE payload_hash = ?1 AND outcome = 'rejected')",
                params![payload_hash, reason],
            )
            .map(drop)
        })
    }

    /// The webhook log of a location since `since_ms`, by event type.
    pub fn webhook_counts(&self, location_id: &str, since_ms: i64) -> Result<Vec<WebhookCounts>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT event_type, outcome, coalesce(reason, ''), count(*) FROM processed_webhooks
                  WHERE location_id = ?1 AND processed_at >= ?2
                  GROUP BY event_type, outcome, reason ORDER BY event_type",
            )?;
            let mut rows = st.query(params![location_id, since_ms])?;
            let mut out: Vec<WebhookCounts> = Vec::new();
            while let Some(r) = rows.next()? {
                let (kind, outcome, reason, n): (String, String, String, i64) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                let n = n.max(0) as u64;
                if out.last().map(|w| w.event_type.as_str()) != Some(kind.as_str()) {
                    out.push(WebhookCounts {
                        event_type: kind,
                        ..Default::default()
                    });
                }
                let w = out.last_mut().expect("pushed above");
                w.received += n;
                match outcome.as_str() {
                    "applied" => w.applied += n,
                    "unfetched" => w.failed += n,
                    "rejected" => {
                        let reason = if reason.is_empty() {
                            "unknown".into()
                        } else {
                            reason
                        };
                        w.rejected.push((reason, n));
                    }
                    _ => w.unchanged += n,
                }
            }
            Ok(out)
        })
    }

    /// Differences of the location's latest reconciliation nobody fixed yet
    /// (None when it never ran).
    pub fn unfixed_differences(&self, location_id: &str) -> Result<Option<i64>> {
        self.with(|c| {
            c.query_row(
                "SELECT r.total - (SELECT count(*) FROM report_fixes f WHERE f.report_id = r.id)
                   FROM reconciliation_reports r WHERE r.location_id = ?1
                  ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
                [location_id],
                |r| r.get(0),
            )
            .optional()
        })
    }
}
