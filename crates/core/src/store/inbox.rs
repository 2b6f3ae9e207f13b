//! The patients' answers (InboundMessage) and the desk's inbox of those
//! that need a person.

use chrono::Utc;
use rusqlite::{params, Transaction};

use super::Store;
use crate::error::Result;

/// One answer to record.
pub struct AnswerRecord<'a> {
    pub location_id: &'a str,
    pub message_id: &'a str,
    pub contact_id: Option<&'a str>,
    pub cita_id: Option<&'a str>,
    pub channel: &'a str,
    pub body: &'a str,
    pub intent: &'a str,
    pub outcome: &'a str,
    pub reason: Option<&'a str>,
}

/// An answer as stored.
#[derive(Debug, Clone)]
pub struct InboxRow {
    pub id: i64,
    pub contact_id: Option<String>,
    pub cita_id: Option<String>,
    pub channel: String,
    pub body: String,
    pub intent: String,
    pub reason: Option<String>,
    pub received_at: i64,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub cita_start_ms: Option<i64>,
    pub cita_end_ms: Option<i64>,
    pub cita_calendar_id: Option<String>,
}

/// Inserts an answer once per GHL message id; false when it was recorded
/// before (a webhook delivered twice).
pub fn insert_answer(tx: &Transaction<'_>, a: &AnswerRecord<'_>) -> rusqlite::Result<bool> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO inbox (location_id, message_id, contact_id, cita_id, channel, body, intent, outcome, reason, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![a.location_id, a.message_id, a.contact_id, a.cita_id, a.channel, a.body, a.intent, a.outcome, a.reason,
            Utc::now().timestamp_millis()],
    )?;
    Ok(n > 0)
}

impl Store {
    /// Answers that need a person and nobody handled yet, oldest first.
    pub fn open_inbox(&self, location_id: &str) -> Result<Vec<InboxRow>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT i.id, i.contact_id, i.cita_id, i.channel, i.body, i.intent, i.reason, i.received_at,
                        co.display_name, co.phone, ci.start_ms, ci.end_ms, ci.calendar_id
                 FROM inbox i
                 LEFT JOIN contacts co ON co.id = i.contact_id
                 LEFT JOIN citas ci ON ci.id = i.cita_id
                 WHERE i.location_id = ?1 AND i.outcome = 'needs_person' AND i.handled_at IS NULL
                 ORDER BY i.id",
            )?;
            let rows = st
                .query_map([location_id], |r| {
                    Ok(InboxRow {
                        id: r.get(0)?,
                        contact_id: r.get(1)?,
                        cita_id: r.get(2)?,
                        channel: r.get(3)?,
                        body: r.get(4)?,
                        intent: r.get(5)?,
                        reason: r.get(6)?,
                        received_at: r.get(7)?,
                        contact_name: r.get(8)?,
                        phone: r.get(9)?,
                        cita_start_ms: r.get(10)?,
                        cita_end_ms: r.get(11)?,
                        cita_calendar_id: r.get(12)?,
                    })
                })?
                .collect();
            rows
        })
    }

    pub fn open_inbox_count(&self, location_id: &str) -> Result<u32> {
        self.with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM inbox WHERE location_id = ?1 AND outcome = 'needs_person' AND handled_at IS NULL",
                [location_id],
                |r| r.get(0),
            )
        })
    }

    /// False when there is no such open item.
    pub fn mark_inbox_handled(&self, id: i64, by: &str) -> Result<bool> {
        self.with(|c| {
            c.execute(
                "UPDATE inbox SET handled_at = ?2, handled_by = ?3 WHERE id = ?1 AND handled_at IS NULL",
                params![id, Utc::now().timestamp_millis(), by],
            )
            .map(|n| n > 0)
        })
    }
}
