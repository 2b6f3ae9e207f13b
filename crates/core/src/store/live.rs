//! The replica side of live updates: the processed-webhook log, the relay
//! cursor, and applying one verified webhook. Each webhook is one
//! transaction: its log row, its change to the replica and the new cursor
//! commit together, so a crash never applies an event twice nor skips one.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::cita::CitaRow;
use crate::error::Result;
use crate::live::{Change, Handled, Outcome};
use crate::reconcile::Via;
use crate::store::{cita_row_in, insert_healed, Store};
impl Store {
    /// The relay cursor of the last event handled for `location_id` from
    /// `relay_url` (0 when none, or when the relay changed).
    pub fn relay_cursor(&self, location_id: &str, relay_url: &str) -> Result<i64> {
        self.with(|c| {
            c.query_row(
                "SELECT cursor FROM relay_cursors WHERE location_id = ?1 AND relay_url = ?2",
                params![location_id, relay_url],
                |r| r.get(0),
            )
            .optional()
            .map(|v| v.unwrap_or(0))
        })
    }

    /// Forgets the cursor (a new relay numbers its events afresh).
    pub fn reset_relay_cursor(&self, location_id: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "DELETE FROM relay_cursors WHERE location_id = ?1",
                [location_id],
            )
            .map(drop)
        })
    }

    /// True when this webhookId or this exact body was handled before.
    pub fn webhook_seen(&self, webhook_id: &str, payload_hash: &str) -> Result<bool> {
        self.with(|c| {
            c.query_row(
                "SELECT EXISTS (SELECT 1 FROM processed_webhooks
                   WHERE outcome <> 'rejected' AND (webhook_id = ?1 OR payload_hash = ?2))",
                params![webhook_id, payload_hash],
                |r| r.get(0),
            )
        })
    }

    /// The log of one location, oldest first.
    #[cfg(any(test, feature = "testing"))]
    pub fn processed_webhooks(
        &self,
        location_id: &str,
    ) -> Result<Vec<crate::live::ProcessedWebhook>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT relay_cursor, webhook_id, event_type, outcome, subject_id
                   FROM processed_webhooks WHERE location_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok(crate::live::ProcessedWebhook {
                    relay_cursor: r.get(0)?,
                    webhook_id: r.get(1)?,
                    event_type: r.get(2)?,
                    outcome: r.get(3)?,
                    subject_id: r.get(4)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Moves the cursor past an event already handled (a duplicate) without
    /// logging it again.
    pub fn advance_relay_cursor(
        &self,
        location_id: &str,
        relay_url: &str,
        cursor: i64,
    ) -> Result<()> {
        self.with(|c| save_cursor(c, location_id, relay_url, cursor))
    }

    /// Applies `change`, logs the webhook and stores the cursor, in one
    /// transaction. A duplicate found inside the transaction (another path
    /// handled it meanwhile) only moves the cursor.
    pub fn apply_webhook(
        &self,
        relay_url: &str,
        handled: &Handled<'_>,
        change: &Change,
    ) -> Result<Outcome> {
        self.with(|c| {
            let tx = c.transaction()?;
            let seen: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM processed_webhooks
                   WHERE outcome <> 'rejected' AND (webhook_id = ?1 OR payload_hash = ?2))",
                params![handled.webhook_id, handled.payload_hash],
                |r| r.get(0),
            )?;
            if seen {
                save_cursor(&tx, handled.location_id, relay_url, handled.cursor)?;
                tx.commit()?;
                return Ok(Outcome::Echo);
            }
            let (outcome, subject) = match change {
                Change::UpsertCita(row) => {
                    let before = cita_row_in(&tx, &row.id)?;
                    let outcome = upsert_cita(&tx, row)?;
                    if outcome == Outcome::Applied {
                        insert_healed(&tx, handled.location_id, before.as_ref(), Some(row), Via::Webhook, false)?;
                    }
                    (outcome, Some(row.id.as_str()))
                }
                Change::DeleteCita(id) => {
                    let before = cita_row_in(&tx, id)?;
                    let outcome = delete_cita(&tx, id)?;
                    if outcome == Outcome::Applied {
                        insert_healed(&tx, handled.location_id, before.as_ref(), None, Via::Webhook, false)?;
                    }
                    (outcome, Some(id.as_str()))
                }
                Change::UpsertContact {
                    id,
                    display_name,
                    phone,
                    email,
                    date_updated,
                    raw,
                } => (
                    upsert_contact(
                        &tx,
                        handled.location_id,
                        id,
                        display_name.as_deref(),
                        phone.as_deref(),
                        email.as_deref(),
                        date_updated.as_deref(),
                        raw,
                    )?,
                    Some(id.as_str()),
                ),
                Change::DeleteContact(id) => {
                    let n = tx.execute("DELETE FROM contacts WHERE id = ?1", [id])?;
                    (
                        if n > 0 { Outcome::Applied } else { Outcome::Echo },
                        Some(id.as_str()),
                    )
                }
                Change::Untouched { id, outcome } => (*outcome, Some(id.as_str())),
                Change::Nothing(o) => (*o, None),
            };
            tx.execute(
                "INSERT INTO processed_webhooks (location_id, relay_cursor, webhook_id, payload_hash,
                    event_type, outcome, subject_id, processed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    handled.location_id,
                    handled.cursor,
                    handled.webhook_id,
                    handled.payload_hash,
                    handled.event_type,
                    outcome.as_str(),
                    subject,
                    Utc::now().timestamp_millis()
                ],
            )?;
            save_cursor(&tx, handled.location_id, relay_url, handled.cursor)?;
            tx.commit()?;
            Ok(outcome)
        })
    }
}

fn save_cursor(
    c: &rusqlite::Connection,
    location_id: &str,
    relay_url: &str,
    cursor: i64,
) -> rusqlite::Result<()> {
    // Never backwards: a redelivered older frame must not rewind the cursor.
    c.execute(
        "INSERT INTO relay_cursors (location_id, relay_url, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (location_id) DO UPDATE SET
           cursor = CASE WHEN relay_cursors.relay_url = excluded.relay_url
                         THEN max(relay_cursors.cursor, excluded.cursor) ELSE excluded.cursor END,
           relay_url = excluded.relay_url, updated_at = excluded.updated_at",
        params![location_id, relay_url, cursor, Utc::now().timestamp_millis()],
    )
    .map(drop)
}

/// GHL's `dateUpdated` as an instant; None when absent or unreadable.
fn instant(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn upsert_cita(tx: &Transaction<'_>, row: &CitaRow) -> rusqlite::Result<Outcome> {
    type Existing = (
        Option<String>,
        String,
        Option<String>,
        String,
        String,
        i64,
        i64,
        String,
    );
    let existing: Option<Existing> = tx
        .query_row(
            "SELECT date_updated, calendar_id, contact_id, title, status, start_ms, end_ms, sync_state
               FROM citas WHERE id = ?1",
            [&row.id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .optional()?;
    if let Some((date_updated, calendar, contact, title, status, start, end, state)) = existing {
        if state == "pending_push" {
            return Ok(Outcome::Deferred);
        }
        let ours = instant(date_updated.as_deref());
        let theirs = instant(row.date_updated.as_deref());
        if let (Some(ours), Some(theirs)) = (ours, theirs) {
            if theirs < ours {
                return Ok(Outcome::Stale);
            }
        }
        let same = calendar == row.calendar_id
            && contact == row.contact_id
            && title == row.title
            && status == row.status
            && start == row.start.timestamp_millis()
            && end == row.end.timestamp_millis();
        if same {
            return Ok(Outcome::Echo);
        }
    }
    crate::store::upsert_cita_row(tx, row, "synced")?;
    Ok(Outcome::Applied)
}

fn delete_cita(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<Outcome> {
    let state: Option<String> = tx
        .query_row("SELECT sync_state FROM citas WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(match state.as_deref() {
        None => Outcome::Echo,
        Some("pending_push") => Outcome::Deferred,
        Some(_) => {
            tx.execute("DELETE FROM citas WHERE id = ?1", [id])?;
            Outcome::Applied
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn upsert_contact(
    tx: &Transaction<'_>,
    location_id: &str,
    id: &str,
    display_name: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
    date_updated: Option<&str>,
    raw: &str,
) -> rusqlite::Result<Outcome> {
    type Existing = (Option<String>, Option<String>, Option<String>, String);
    let existing: Option<Existing> = tx
        .query_row(
            "SELECT display_name, phone, email, raw FROM contacts WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    if let Some((name, ph, em, old_raw)) = existing {
        let ours = serde_json::from_str::<serde_json::Value>(&old_raw)
            .ok()
            .and_then(|v| v["dateUpdated"].as_str().and_then(|s| instant(Some(s))));
        if let (Some(ours), Some(theirs)) = (ours, instant(date_updated)) {
            if theirs < ours {
                return Ok(Outcome::Stale);
            }
        }
        if name.as_deref() == display_name && ph.as_deref() == phone && em.as_deref() == email {
            return Ok(Outcome::Echo);
        }
    }
    crate::store::write_contact(tx, id, location_id, display_name, phone, email, raw)?;
    Ok(Outcome::Applied)
}
