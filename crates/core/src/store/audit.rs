//! The audit log: every front-desk action, who, when, before/after and
//! GHL's answer.

use chrono::Utc;
use chrono_tz::Tz;
use rusqlite::params;

use super::Store;
use crate::error::Result;
use crate::model::*;
use crate::time;

/// One line of the audit log, as written.
pub struct AuditRecord<'a> {
    pub location_id: &'a str,
    pub cita_id: Option<&'a str>,
    pub contact_id: Option<&'a str>,
    pub action: &'a str,
    pub actor: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ghl_answer: Option<String>,
    pub reason: Option<&'a str>,
}

pub fn insert_audit(tx: &rusqlite::Connection, a: &AuditRecord<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (location_id, cita_id, contact_id, action, actor, at, before, after, ghl_answer, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            a.location_id,
            a.cita_id,
            a.contact_id,
            a.action,
            a.actor,
            Utc::now().timestamp_millis(),
            a.before,
            a.after,
            a.ghl_answer,
            a.reason
        ],
    )?;
    Ok(())
}

/// An audit row as both reads select it (id, cita_id, action, actor, at,
/// before, after, ghl_answer, reason), its time in the location's zone.
fn audit_entry(r: &rusqlite::Row<'_>, zone: Tz) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        cita_id: r.get(1)?,
        action: r.get(2)?,
        actor: r.get(3)?,
        at_local: time::local_string(time::from_ms(r.get(4)?), zone),
        before: r.get(5)?,
        after: r.get(6)?,
        ghl_answer: r.get(7)?,
        reason: r.get(8)?,
    })
}

impl Store {
    /// The location's block writes in the audit log (made, moved, removed,
    /// refused), oldest first.
    pub fn block_audit(&self, location_id: &str, zone: Tz) -> Result<Vec<AuditEntry>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, cita_id, action, actor, at, before, after, ghl_answer, reason
                 FROM audit_log WHERE location_id = ?1 AND cita_id IS NULL AND contact_id IS NULL
                   AND (action LIKE 'block_%' OR action = 'refused') ORDER BY id",
            )?;
            let rows = st.query_map([location_id], |r| audit_entry(r, zone))?;
            rows.collect()
        })
    }

    pub fn audit_for(&self, cita_id: &str, zone: Tz) -> Result<Vec<AuditEntry>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, cita_id, action, actor, at, before, after, ghl_answer, reason
                 FROM audit_log WHERE cita_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([cita_id], |r| audit_entry(r, zone))?;
            rows.collect()
        })
    }
}
