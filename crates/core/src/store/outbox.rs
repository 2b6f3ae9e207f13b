//! The outbox table: writes meant for GHL, their attempts and answers, and
//! the id map from local ids to GHL's.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

use super::{insert_audit, AuditRecord, Store};
use crate::cita::*;
use crate::error::Result;
use crate::outbox::*;
use citadesk_ghl::models::Contact;

pub fn insert_write(tx: &Transaction<'_>, w: &NewWrite<'_>) -> rusqlite::Result<(i64, String)> {
    let key = idempotency_key();
    let now = Utc::now().timestamp_millis();
    tx.execute(
        "INSERT INTO outbox (idempotency_key, location_id, kind, subject_id, payload, actor, before, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![key, w.location_id, w.kind.as_str(), w.subject_id, w.payload, w.actor, w.before, now],
    )?;
    Ok((tx.last_insert_rowid(), key))
}

/// A refused outbox row as stored.
pub struct RefusedRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub code: String,
    pub message: String,
}

impl Store {
    /// The GHL id given to a local id, or the id itself when it is GHL's.
    pub fn resolve_id(&self, id: &str) -> Result<Option<String>> {
        if !is_local(id) {
            return Ok(Some(id.to_string()));
        }
        self.with(|c| {
            c.query_row("SELECT ghl_id FROM id_map WHERE local_id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Test hook: as if `attempts` sends had started (a crash after one).
    #[cfg(feature = "testing")]
    pub fn force_attempts(&self, id: i64, attempts: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET attempts = ?2 WHERE id = ?1",
                params![id, attempts],
            )
            .map(drop)
        })
    }

    /// Whether a GHL id already stands for something made here.
    pub(crate) fn is_mapped_ghl_id(&self, ghl_id: &str) -> Result<bool> {
        self.with(|c| {
            c.query_row(
                "SELECT EXISTS (SELECT 1 FROM id_map WHERE ghl_id = ?1)",
                [ghl_id],
                |r| r.get(0),
            )
        })
    }

    /// The ids of the location's writes still to send, oldest first.
    pub fn pending_ids(&self, location_id: &str) -> Result<Vec<i64>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id FROM outbox WHERE location_id = ?1 AND state = 'pending' ORDER BY id",
            )?;
            let ids = st.query_map([location_id], |r| r.get(0))?.collect();
            ids
        })
    }

    /// A write still to send, as stored now.
    pub fn pending_item(&self, id: i64) -> Result<Option<OutboxItem>> {
        self.with(|c| {
            c.query_row(
                "SELECT id, idempotency_key, location_id, kind, subject_id, payload, attempts, actor, before
                 FROM outbox WHERE id = ?1 AND state = 'pending'",
                [id],
                |r| {
                    Ok(OutboxItem {
                        id: r.get(0)?,
                        key: r.get(1)?,
                        location_id: r.get(2)?,
                        kind: WriteKind::parse(&r.get::<_, String>(3)?),
                        subject_id: r.get(4)?,
                        payload: r.get(5)?,
                        attempts: r.get(6)?,
                        actor: r.get(7)?,
                        before: r.get(8)?,
                    })
                },
            )
            .optional()
        })
    }

    /// The state of the write that creates `local_id` (pending, refused...).
    pub(crate) fn create_state(&self, local_id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT state FROM outbox WHERE subject_id = ?1 AND kind IN ('create_contact', 'create_cita') ORDER BY id DESC LIMIT 1",
                [local_id],
                |r| r.get(0),
            )
            .optional()
        })
    }

    /// Counted and committed before the request leaves: after a crash, a
    /// count above zero says "GHL may have it, look first".
    pub(crate) fn begin_attempt(&self, id: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
                params![id, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    pub(crate) fn note_failure(&self, id: i64, code: &str, message: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET last_error_code = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, code, message, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    pub fn pending_writes(&self, location_id: &str) -> Result<u32> {
        self.with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM outbox WHERE location_id = ?1 AND state = 'pending'",
                [location_id],
                |r| r.get(0),
            )
        })
    }

    /// Citas whose creation GHL refused: here, never in GHL (reconciliation's
    /// `faltantes_remoto`). The payload says what was meant.
    pub fn refused_cita_creates(&self, location_id: &str) -> Result<Vec<RefusedCreate>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, subject_id, payload, last_error FROM outbox
                 WHERE location_id = ?1 AND state = 'refused' AND kind = 'create_cita' ORDER BY id",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, subject, payload, err) = row?;
                if let Ok(plan) = serde_json::from_str::<CitaCreate>(&payload) {
                    out.push(RefusedCreate {
                        outbox_id: id,
                        local_id: subject,
                        plan,
                        error: err,
                    });
                }
            }
            Ok(out)
        })
    }

    /// A refused write the manager has not let go (read or not).
    pub fn refusal_open(&self, outbox_id: i64) -> Result<bool> {
        self.with(|c| {
            c.query_row(
                "SELECT state = 'refused' FROM outbox WHERE id = ?1",
                [outbox_id],
                |r| r.get(0),
            )
        })
    }

    /// Sends a refused create again (a reconciliation fix): pending, attempts kept.
    pub fn requeue(&self, outbox_id: i64) -> Result<bool> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET state = 'pending', updated_at = ?2 WHERE id = ?1 AND state = 'refused'",
                params![outbox_id, Utc::now().timestamp_millis()],
            )
            .map(|n| n > 0)
        })
    }

    /// GHL created the patient (or already had them: `adopted`): the local
    /// id gives way to GHL's everywhere.
    pub(crate) fn finish_contact(
        &self,
        item: &OutboxItem,
        contact: &Contact,
        adopted: bool,
    ) -> Result<()> {
        let (action, answer) = if adopted {
            ("patient_found", format!("duplicate found: {}", contact.id))
        } else {
            ("patient_create", format!("created {}", contact.id))
        };
        self.finish_contact_write(item, contact, true, action, None, answer)
    }

    /// GHL took the edit of a patient's fields.
    pub(crate) fn finish_contact_update(&self, item: &OutboxItem, contact: &Contact) -> Result<()> {
        let answer = format!("updated {}", contact.id);
        let before = item.before.clone();
        self.finish_contact_write(item, contact, false, "patient_update", before, answer)
    }

    /// A patient write GHL accepted: the replica takes GHL's record, the
    /// outbox row is done and the audit log says what GHL answered.
    fn finish_contact_write(
        &self,
        item: &OutboxItem,
        contact: &Contact,
        replaces_local: bool,
        action: &str,
        before: Option<String>,
        answer: String,
    ) -> Result<()> {
        let name = contact.display_name();
        let raw = serde_json::to_string(contact).unwrap_or_default();
        self.with(|c| {
            let tx = c.transaction()?;
            if replaces_local {
                tx.execute(
                    "INSERT OR REPLACE INTO id_map (local_id, ghl_id) VALUES (?1, ?2)",
                    params![item.subject_id, contact.id],
                )?;
                tx.execute("DELETE FROM contacts WHERE id = ?1", [&item.subject_id])?;
            }
            crate::store::write_contact(
                &tx,
                &contact.id,
                &item.location_id,
                name.as_deref(),
                contact.phone.as_deref(),
                contact.email.as_deref(),
                &raw,
            )?;
            if replaces_local {
                tx.execute(
                    "UPDATE citas SET contact_id = ?2 WHERE contact_id = ?1",
                    params![item.subject_id, contact.id],
                )?;
                tx.execute(
                    "UPDATE audit_log SET contact_id = ?2 WHERE contact_id = ?1",
                    params![item.subject_id, contact.id],
                )?;
            }
            tx.execute(
                "UPDATE outbox SET state = 'done', ghl_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![item.id, contact.id, Utc::now().timestamp_millis()],
            )?;
            insert_audit(
                &tx,
                &AuditRecord {
                    location_id: &item.location_id,
                    cita_id: None,
                    contact_id: Some(&contact.id),
                    action,
                    actor: &item.actor,
                    before,
                    after: Some(raw),
                    ghl_answer: Some(answer),
                    reason: None,
                },
            )?;
            tx.commit()
        })
    }

    /// GHL has the cita: the local row takes GHL's id and answer.
    pub(crate) fn finish_cita(
        &self,
        item: &OutboxItem,
        row: &CitaRow,
        answer: &str,
        action: &str,
    ) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            let local = &item.subject_id;
            // Later writes of this cita still waiting keep it "pending", and
            // the row keeps showing the newest intent (reminders are not
            // changes to the cita).
            let more: i64 = tx.query_row(
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND id > ?1 AND (subject_id = ?2 OR subject_id = ?3)
                   AND kind NOT IN ('send_reminder', 'withdraw_reminder')",
                params![item.id, local, row.id],
                |r| r.get(0),
            )?;
            if is_local(local) {
                tx.execute(
                    "INSERT OR REPLACE INTO id_map (local_id, ghl_id) VALUES (?1, ?2)",
                    params![local, row.id],
                )?;
                tx.execute(
                    "UPDATE audit_log SET cita_id = ?2 WHERE cita_id = ?1",
                    params![local, row.id],
                )?;
                if more == 0 {
                    tx.execute("DELETE FROM citas WHERE id = ?1", [local])?;
                } else {
                    tx.execute("UPDATE citas SET id = ?2 WHERE id = ?1", params![local, row.id])?;
                }
            }
            if more == 0 {
                crate::store::upsert_cita_row(&tx, row, "synced")?;
            }
            tx.execute(
                "UPDATE outbox SET state = 'done', ghl_id = ?2, updated_at = ?3 WHERE id = ?1",
                params![item.id, row.id, Utc::now().timestamp_millis()],
            )?;
            insert_audit(
                &tx,
                &AuditRecord {
                    location_id: &item.location_id,
                    cita_id: Some(&row.id),
                    contact_id: row.contact_id.as_deref(),
                    action,
                    actor: &item.actor,
                    before: item.before.clone(),
                    after: Some(snapshot_json(row)),
                    ghl_answer: Some(answer.to_string()),
                    reason: None,
                },
            )?;
            tx.commit()
        })
    }

    /// GHL said no: the write is kept as refused (never silently dropped),
    /// the replica goes back to what it was, and the audit log says why.
    pub(crate) fn refuse(&self, item: &OutboxItem, code: &str, message: &str) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE outbox SET state = 'refused', last_error_code = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
                params![item.id, code, message, Utc::now().timestamp_millis()],
            )?;
            match item.kind {
                WriteKind::CreateCita => {
                    tx.execute("DELETE FROM citas WHERE id = ?1", [&item.subject_id])?;
                }
                WriteKind::CreateContact
                | WriteKind::UpdateContact
                | WriteKind::SendReminder
                | WriteKind::WithdrawReminder => {}
                WriteKind::CreateBlock => {
                    tx.execute("DELETE FROM blocks WHERE id = ?1", [&item.subject_id])?;
                }
                WriteKind::UpdateBlock | WriteKind::DeleteBlock => {
                    crate::store::blocks::put_back(&tx, &item.subject_id, item.before.as_deref())?;
                }
                WriteKind::UpdateCita => {
                    if let Some(before) = item.before.as_deref().and_then(|b| serde_json::from_str::<CitaSnapshot>(b).ok()) {
                        tx.execute(
                            "UPDATE citas SET calendar_id = ?2, status = ?3, title = ?4, start_ms = ?5, end_ms = ?6,
                               assigned_user_id = ?7, sync_state = 'synced' WHERE id = ?1",
                            params![item.subject_id, before.calendar_id, before.status, before.title, before.start_ms, before.end_ms, before.assigned_user_id],
                        )?;
                    }
                }
            }
            insert_audit(
                &tx,
                &AuditRecord {
                    location_id: &item.location_id,
                    cita_id: item.kind.is_cita().then_some(item.subject_id.as_str()),
                    contact_id: (!item.kind.is_cita() && !item.kind.is_block())
                        .then_some(item.subject_id.as_str()),
                    action: "refused",
                    actor: &item.actor,
                    before: item.before.clone(),
                    after: None,
                    ghl_answer: Some(format!("{code}: {message}")),
                    reason: None,
                },
            )?;
            tx.commit()
        })
    }

    /// Refused writes not yet acknowledged, oldest first.
    pub fn unacknowledged_refusals(&self, location_id: &str) -> Result<Vec<RefusedRow>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, kind, payload, COALESCE(last_error_code, ''), COALESCE(last_error, '') FROM outbox
                 WHERE location_id = ?1 AND state = 'refused' AND acknowledged = 0 ORDER BY id",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok(RefusedRow {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    payload: r.get(2)?,
                    code: r.get(3)?,
                    message: r.get(4)?,
                })
            })?;
            rows.collect()
        })
    }

    pub fn unacknowledged_refusal_count(&self, location_id: &str) -> Result<u32> {
        self.with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM outbox WHERE location_id = ?1 AND state = 'refused' AND acknowledged = 0",
                [location_id],
                |r| r.get(0),
            )
        })
    }

    pub fn acknowledge_refusal(&self, outbox_id: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET acknowledged = 1 WHERE id = ?1",
                [outbox_id],
            )
            .map(drop)
        })
    }
}
