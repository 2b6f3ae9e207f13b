//! One front-desk write recorded atomically: its change to the replica, its
//! outbox row and its audit line commit together, so a crash never leaves
//! a cita shown as booked with nothing to send (or the reverse). The desk
//! says what to record; the SQL stays here.

use rusqlite::{params, Transaction};

use super::{
    insert_answer, insert_audit, insert_write, remove_block, upsert_block, upsert_cita_row,
    write_contact, AnswerRecord, AuditRecord, BlockRow, Store,
};
use crate::cita::CitaRow;
use crate::error::Result;
use crate::outbox::NewWrite;
use crate::patients;

/// The open transaction of one recorded write.
pub(crate) struct Recording<'t> {
    tx: &'t Transaction<'t>,
}

impl Store {
    /// Runs `f` in one transaction and commits it when `f` succeeds.
    pub(crate) fn record<T>(
        &self,
        f: impl FnOnce(&Recording<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        self.with(|c| {
            let tx = c.transaction()?;
            let out = f(&Recording { tx: &tx })?;
            tx.commit()?;
            Ok(out)
        })
    }
}

impl Recording<'_> {
    /// A write for GHL, queued in the outbox; returns its row id and key.
    pub(crate) fn queue(&self, write: &NewWrite<'_>) -> rusqlite::Result<(i64, String)> {
        insert_write(self.tx, write)
    }

    /// A patient's answer, once per GHL message id (false: seen before).
    pub(crate) fn answer(&self, record: &AnswerRecord<'_>) -> rusqlite::Result<bool> {
        insert_answer(self.tx, record)
    }

    pub(crate) fn audit(&self, record: &AuditRecord<'_>) -> rusqlite::Result<()> {
        insert_audit(self.tx, record)
    }

    /// A patient as the desk shows it until GHL answers.
    pub(crate) fn contact(
        &self,
        id: &str,
        location_id: &str,
        display_name: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
        raw: &str,
    ) -> rusqlite::Result<()> {
        write_contact(self.tx, id, location_id, display_name, phone, email, raw)
    }

    /// A patient's edited fields, shown at once (the kept GHL record
    /// `raw` is rewritten by the caller's `edit_raw`).
    pub(crate) fn edit_contact(
        &self,
        id: &str,
        display_name: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
        edit_raw: impl FnOnce(&mut serde_json::Value),
    ) -> rusqlite::Result<()> {
        let raw: String =
            self.tx
                .query_row("SELECT raw FROM contacts WHERE id = ?1", [id], |r| r.get(0))?;
        let mut raw: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
        edit_raw(&mut raw);
        self.tx.execute(
            "UPDATE contacts SET display_name = ?2, phone = ?3, email = ?4, search_key = ?5, raw = ?6 WHERE id = ?1",
            params![id, display_name, phone, email, patients::search_key(display_name, email, phone), raw.to_string()],
        )?;
        Ok(())
    }

    /// A cita row as the desk or GHL says it is now, in `state`.
    pub(crate) fn cita(&self, row: &CitaRow, state: &str) -> rusqlite::Result<()> {
        upsert_cita_row(self.tx, row, state)
    }

    /// A block as the desk shows it until GHL answers.
    pub(crate) fn block(&self, row: &BlockRow) -> rusqlite::Result<()> {
        upsert_block(self.tx, row, "pending_push")
    }

    /// A block removed at the desk: hidden until GHL has deleted it.
    pub(crate) fn block_removed(&self, id: &str) -> rusqlite::Result<()> {
        remove_block(self.tx, id)
    }

    /// A moved or re-stated cita, waiting for GHL.
    pub(crate) fn cita_change(
        &self,
        id: &str,
        calendar_id: &str,
        status: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> rusqlite::Result<()> {
        self.tx.execute(
            "UPDATE citas SET calendar_id = ?2, status = ?3, start_ms = ?4, end_ms = ?5, sync_state = 'pending_push'
             WHERE id = ?1",
            params![id, calendar_id, status, start_ms, end_ms],
        )?;
        Ok(())
    }

    /// A cita's new status, waiting for GHL.
    pub(crate) fn cita_status(&self, id: &str, status: &str) -> rusqlite::Result<()> {
        self.tx.execute(
            "UPDATE citas SET status = ?2, sync_state = 'pending_push' WHERE id = ?1",
            params![id, status],
        )?;
        Ok(())
    }

    /// A cita GHL lost continues under a new local id (its audit trail too).
    pub(crate) fn cita_renamed(&self, id: &str, new_id: &str) -> rusqlite::Result<()> {
        self.tx.execute(
            "UPDATE citas SET id = ?2, sync_state = 'pending_push' WHERE id = ?1",
            params![id, new_id],
        )?;
        self.tx.execute(
            "UPDATE audit_log SET cita_id = ?2 WHERE cita_id = ?1",
            params![id, new_id],
        )?;
        Ok(())
    }

    /// The replica lets a cita go: removed (`None`) or kept as cancelled
    /// (`Some("cancelled")`); a create GHL refused for it is let go too.
    pub(crate) fn cita_let_go(&self, id: &str, status: Option<&str>) -> rusqlite::Result<()> {
        match status {
            None => self.tx.execute("DELETE FROM citas WHERE id = ?1", [id])?,
            Some(s) => self
                .tx
                .execute("UPDATE citas SET status = ?2 WHERE id = ?1", params![id, s])?,
        };
        self.tx.execute(
            "UPDATE outbox SET state = 'dropped', acknowledged = 1 WHERE subject_id = ?1 AND state = 'refused'",
            [id],
        )?;
        Ok(())
    }
}
