//! The outbox: writes meant for GHL, recorded before they are sent and
//! pushed in order. After a crash or a network cut a write is resumed, never
//! dropped; a create that may have reached GHL is looked for in GHL before it
//! is sent again, so it never lands twice.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use citadesk_ghl::models::Contact;
use citadesk_ghl::{
    AppointmentChange, EventsQuery, GhlClient, GhlError, NewAppointment, NewContact,
};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::model::Locale;
use crate::store::{CitaRow, Store};
use crate::{sync, time};

/// Prefix of ids made here before GHL gives the real one.
pub const LOCAL_PREFIX: &str = "local-";

/// Test hook: `CITADESK_CRASH_AT=<point>` aborts the process there, as a
/// power cut would (the crash test walks every point of a booking).
pub fn crash_point(point: &str) {
    if std::env::var("CITADESK_CRASH_AT").ok().as_deref() == Some(point) {
        tracing::warn!(point, "crash point reached: aborting (test hook)");
        std::process::abort();
    }
}

pub fn new_local_id(key: &str) -> String {
    format!("{LOCAL_PREFIX}{key}")
}

pub fn is_local(id: &str) -> bool {
    id.starts_with(LOCAL_PREFIX)
}

/// A random idempotency key (UUID-shaped, from the OS's randomness).
pub fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Never expected; a time-and-counter key is still unique per process.
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u128;
        bytes = nanos.to_le_bytes();
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    CreateContact,
    UpdateContact,
    CreateCita,
    UpdateCita,
}

impl WriteKind {
    fn as_str(self) -> &'static str {
        match self {
            WriteKind::CreateContact => "create_contact",
            WriteKind::UpdateContact => "update_contact",
            WriteKind::CreateCita => "create_cita",
            WriteKind::UpdateCita => "update_cita",
        }
    }

    pub fn is_cita(self) -> bool {
        matches!(self, WriteKind::CreateCita | WriteKind::UpdateCita)
    }

    fn parse(s: &str) -> Self {
        match s {
            "create_contact" => WriteKind::CreateContact,
            "update_contact" => WriteKind::UpdateContact,
            "create_cita" => WriteKind::CreateCita,
            _ => WriteKind::UpdateCita,
        }
    }
}

/// A cita to create, in instants; turned into GHL's ISO-with-offset when sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CitaCreate {
    pub calendar_id: String,
    /// A GHL contact id, or the local id of a contact created in the same booking.
    pub contact_ref: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub title: String,
    pub notes: Option<String>,
    pub assigned_user_id: Option<String>,
    /// True when the patient was created by this booking: GHL cannot hold a
    /// cita of theirs yet, so the first attempt need not look.
    pub new_patient: bool,
}

/// A change to a cita, in instants.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CitaUpdate {
    /// What the receptionist did: move, cancel, status, edit, fix.
    pub action: String,
    pub calendar_id: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub assigned_user_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub key: String,
    pub location_id: String,
    pub kind: WriteKind,
    pub subject_id: String,
    pub payload: String,
    pub attempts: i64,
    pub actor: String,
    pub before: Option<String>,
}

/// One write to record: the outbox row, plus what the replica shows at once.
pub struct NewWrite<'a> {
    pub location_id: &'a str,
    pub kind: WriteKind,
    pub subject_id: &'a str,
    pub payload: String,
    pub actor: &'a str,
    pub before: Option<String>,
}

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

/// A write GHL refused: what it was, why, and what to do.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub outbox_id: i64,
    pub subject_id: String,
    pub kind: WriteKind,
    pub code: String,
    pub ghl_message: String,
}

/// A cita GHL refused to create: kept here, reported by reconciliation.
#[derive(Debug, Clone)]
pub struct RefusedCreate {
    pub outbox_id: i64,
    pub local_id: String,
    pub plan: CitaCreate,
    pub error: Option<String>,
}

/// What one push round did.
#[derive(Debug, Default)]
pub struct PushReport {
    pub sent: u32,
    pub refused: Vec<Refusal>,
    /// Why the round stopped early (offline, rate limit...): the rest waits.
    pub stopped_by: Option<CoreError>,
    /// Local ids that now have GHL ids.
    pub created: Vec<(String, String)>,
}

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

/// A cita row as stored, for before/after snapshots and reverts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CitaSnapshotRow {
    pub id: String,
    pub calendar_id: String,
    pub contact_id: Option<String>,
    pub assigned_user_id: Option<String>,
    pub title: String,
    pub status: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub date_updated: Option<String>,
}

impl Store {
    pub fn cita_snapshot(&self, id: &str) -> Result<Option<(String, CitaSnapshotRow, String)>> {
        self.with(|c| {
            c.query_row(
                "SELECT location_id, id, calendar_id, contact_id, assigned_user_id, title, status, start_ms, end_ms,
                        date_updated, sync_state
                 FROM citas WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        CitaSnapshotRow {
                            id: r.get(1)?,
                            calendar_id: r.get(2)?,
                            contact_id: r.get(3)?,
                            assigned_user_id: r.get(4)?,
                            title: r.get(5)?,
                            status: r.get(6)?,
                            start_ms: r.get(7)?,
                            end_ms: r.get(8)?,
                            date_updated: r.get(9)?,
                        },
                        r.get::<_, String>(10)?,
                    ))
                },
            )
            .optional()
        })
    }

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
    fn create_state(&self, local_id: &str) -> Result<Option<String>> {
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
    fn begin_attempt(&self, id: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
                params![id, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    fn note_failure(&self, id: i64, code: &str, message: &str) -> Result<()> {
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

    fn finish_contact(&self, item: &OutboxItem, contact: &Contact, adopted: bool) -> Result<()> {
        let name = contact.display_name();
        let raw = serde_json::to_string(contact).unwrap_or_default();
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT OR REPLACE INTO id_map (local_id, ghl_id) VALUES (?1, ?2)",
                params![item.subject_id, contact.id],
            )?;
            tx.execute("DELETE FROM contacts WHERE id = ?1", [&item.subject_id])?;
            crate::store::write_contact(
                &tx,
                &contact.id,
                &item.location_id,
                name.as_deref(),
                contact.phone.as_deref(),
                contact.email.as_deref(),
                &raw,
            )?;
            tx.execute(
                "UPDATE citas SET contact_id = ?2 WHERE contact_id = ?1",
                params![item.subject_id, contact.id],
            )?;
            tx.execute(
                "UPDATE audit_log SET contact_id = ?2 WHERE contact_id = ?1",
                params![item.subject_id, contact.id],
            )?;
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
                    action: if adopted {
                        "patient_found"
                    } else {
                        "patient_create"
                    },
                    actor: &item.actor,
                    before: None,
                    after: Some(raw.clone()),
                    ghl_answer: Some(if adopted {
                        format!("duplicate found: {}", contact.id)
                    } else {
                        format!("created {}", contact.id)
                    }),
                    reason: None,
                },
            )?;
            tx.commit()
        })
    }

    fn finish_contact_update(&self, item: &OutboxItem, contact: &Contact) -> Result<()> {
        let name = contact.display_name();
        let raw = serde_json::to_string(contact).unwrap_or_default();
        let search = crate::patients::search_key(
            name.as_deref(),
            contact.email.as_deref(),
            contact.phone.as_deref(),
        );
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE contacts SET display_name = ?2, phone = ?3, email = ?4, raw = ?5, search_key = ?6, updated_at = ?7 WHERE id = ?1",
                params![contact.id, name, contact.phone, contact.email, raw, search, Utc::now().timestamp_millis()],
            )?;
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
                    action: "patient_update",
                    actor: &item.actor,
                    before: item.before.clone(),
                    after: Some(raw.clone()),
                    ghl_answer: Some(format!("updated {}", contact.id)),
                    reason: None,
                },
            )?;
            tx.commit()
        })
    }

    /// GHL has the cita: the local row takes GHL's id and answer.
    fn finish_cita(
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
            // the row keeps showing the newest intent.
            let more: i64 = tx.query_row(
                "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND id > ?1 AND (subject_id = ?2 OR subject_id = ?3)",
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
    fn refuse(&self, item: &OutboxItem, code: &str, message: &str) -> Result<()> {
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
                WriteKind::CreateContact | WriteKind::UpdateContact => {}
                WriteKind::UpdateCita => {
                    if let Some(before) = item.before.as_deref().and_then(|b| serde_json::from_str::<CitaSnapshotRow>(b).ok()) {
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
                    contact_id: (!item.kind.is_cita()).then_some(item.subject_id.as_str()),
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
}

pub fn snapshot_json(row: &CitaRow) -> String {
    serde_json::to_string(&CitaSnapshotRow {
        id: row.id.clone(),
        calendar_id: row.calendar_id.clone(),
        contact_id: row.contact_id.clone(),
        assigned_user_id: row.assigned_user_id.clone(),
        title: row.title.clone(),
        status: row.status.clone(),
        start_ms: row.start.timestamp_millis(),
        end_ms: row.end.timestamp_millis(),
        date_updated: row.date_updated.clone(),
    })
    .unwrap_or_default()
}

/// Whether GHL's answer means "this write will never be accepted as is"
/// (a person must act) rather than "try again later".
fn is_refusal(e: &GhlError) -> bool {
    matches!(e, GhlError::Validation { .. } | GhlError::NotFound { .. })
}

fn iso(ms: i64, zone: Tz) -> String {
    time::from_ms(ms)
        .with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Sends the location's pending writes in order until none is left or GHL
/// cannot be reached. Each write either lands once, or is refused (kept,
/// reverted locally, reported), or waits for the next round.
pub async fn push(
    client: &GhlClient,
    store: &Store,
    location_id: &str,
    zone: Tz,
) -> Result<PushReport> {
    let mut report = PushReport::default();
    // Order matters per cita (and a cita waits for its new patient), not
    // across citas: one cita GHL keeps failing does not hold up the others.
    let mut held: std::collections::HashSet<String> = Default::default();
    for id in store.pending_ids(location_id)? {
        let Some(item) = store.pending_item(id)? else {
            continue;
        };
        if held.contains(&item.subject_id) || waits_for_held(store, &item, &held)? {
            held.insert(item.subject_id.clone());
            continue;
        }
        let outcome = match item.kind {
            WriteKind::CreateContact => push_contact(client, store, &item).await,
            WriteKind::CreateCita => push_create(client, store, &item, zone, &mut report).await,
            WriteKind::UpdateCita => push_update(client, store, &item, zone).await,
            WriteKind::UpdateContact => push_contact_update(client, store, &item).await,
        };
        match outcome {
            Ok(()) => report.sent += 1,
            Err(Step::Refused(code, message)) => {
                tracing::warn!(outbox = item.id, %code, "GHL refused a write: {message}");
                store.refuse(&item, &code, &message)?;
                report.refused.push(Refusal {
                    outbox_id: item.id,
                    subject_id: item.subject_id.clone(),
                    kind: item.kind,
                    code,
                    ghl_message: message,
                });
            }
            Err(Step::Wait(e)) => {
                store.note_failure(item.id, e.code(), &e.to_string())?;
                tracing::info!(
                    outbox = item.id,
                    code = e.code(),
                    "write waits for GHL: {e}"
                );
                // Out of reach, throttled or unauthorised: nothing else can go either.
                let everything_waits = !matches!(
                    &e,
                    CoreError::Ghl(GhlError::Server { .. }) | CoreError::Ghl(GhlError::Decode(_))
                );
                held.insert(item.subject_id.clone());
                report.stopped_by = Some(e);
                if everything_waits {
                    break;
                }
            }
        }
    }
    Ok(report)
}

enum Step {
    Refused(String, String),
    Wait(CoreError),
}

impl From<CoreError> for Step {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Ghl(g) if is_refusal(&g) => {
                Step::Refused(g.code().to_string(), g.to_string())
            }
            other => Step::Wait(other),
        }
    }
}

impl From<GhlError> for Step {
    fn from(e: GhlError) -> Self {
        Step::from(CoreError::Ghl(e))
    }
}

/// A patient's basic fields, edited at the desk.
async fn push_contact_update(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
) -> Result<(), Step> {
    let change: citadesk_ghl::ContactChange = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    let Some(contact_id) = store.resolve_id(&item.subject_id)? else {
        return Err(Step::Refused(
            "booking.patient_refused".into(),
            "the patient was never created in GHL".into(),
        ));
    };
    store.begin_attempt(item.id)?;
    let contact = client.update_contact(&contact_id, &change).await?;
    store.finish_contact_update(item, &contact)?;
    Ok(())
}

/// A cita create whose new patient has not reached GHL yet waits with it.
fn waits_for_held(
    store: &Store,
    item: &OutboxItem,
    held: &std::collections::HashSet<String>,
) -> Result<bool> {
    if item.kind != WriteKind::CreateCita {
        return Ok(false);
    }
    let Ok(plan) = serde_json::from_str::<CitaCreate>(&item.payload) else {
        return Ok(false);
    };
    Ok(is_local(&plan.contact_ref)
        && (held.contains(&plan.contact_ref)
            || store.create_state(&plan.contact_ref)?.as_deref() == Some("pending")))
}

async fn push_contact(client: &GhlClient, store: &Store, item: &OutboxItem) -> Result<(), Step> {
    let body: NewContact = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    store.begin_attempt(item.id)?;
    // The domain rule and the crash rule at once: never a second contact.
    let existing = client
        .find_duplicate_contact(
            &body.location_id,
            body.phone.as_deref(),
            body.email.as_deref(),
        )
        .await?;
    crash_point("after_duplicate_check");
    let (contact, adopted) = match existing {
        Some(c) => (c, true),
        None => (client.create_contact(&body).await?, false),
    };
    crash_point("after_contact_post");
    store.finish_contact(item, &contact, adopted)?;
    crash_point("after_contact_recorded");
    Ok(())
}

async fn push_create(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
    zone: Tz,
    report: &mut PushReport,
) -> Result<(), Step> {
    let plan: CitaCreate = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    let Some(contact_id) = store.resolve_id(&plan.contact_ref)? else {
        // Its patient was refused by GHL: the cita cannot exist either.
        return Err(Step::Refused(
            "booking.patient_refused".into(),
            "the patient could not be created in GHL".into(),
        ));
    };
    let start = time::from_ms(plan.start_ms);
    let end = time::from_ms(plan.end_ms);
    let looked_before = item.attempts > 0 || !plan.new_patient;
    store.begin_attempt(item.id)?;
    if looked_before {
        if let Some(found) = find_in_slot(
            client,
            &item.location_id,
            &plan.calendar_id,
            &contact_id,
            start,
            end,
            zone,
        )
        .await?
        {
            let row = sync::cita_row(&item.location_id, &found, zone)?;
            store.finish_cita(
                item,
                &row,
                &format!("found in GHL: {}", found.id),
                create_action(item),
            )?;
            report.created.push((item.subject_id.clone(), found.id));
            return Ok(());
        }
    }
    let body = NewAppointment {
        calendar_id: plan.calendar_id.clone(),
        location_id: item.location_id.clone(),
        contact_id: contact_id.clone(),
        start_time: iso(plan.start_ms, zone),
        end_time: iso(plan.end_ms, zone),
        title: Some(plan.title.clone()).filter(|t| !t.is_empty()),
        appointment_status: Some("confirmed".into()),
        assigned_user_id: plan.assigned_user_id.clone(),
        description: plan.notes.clone().filter(|n| !n.is_empty()),
        ignore_free_slot_validation: true,
        to_notify: None,
    };
    crash_point("before_cita_post");
    let created = client.create_appointment(&body).await?;
    crash_point("after_cita_post");
    let row = sync::cita_row(&item.location_id, &created, zone)?;
    store.finish_cita(
        item,
        &row,
        &format!("created {}", created.id),
        create_action(item),
    )?;
    crash_point("after_cita_recorded");
    report.created.push((item.subject_id.clone(), created.id));
    Ok(())
}

/// GHL's citas of the calendar around the slot: one with the same patient
/// and start is the one an earlier attempt made.
async fn find_in_slot(
    client: &GhlClient,
    location_id: &str,
    calendar_id: &str,
    contact_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Tz,
) -> Result<Option<citadesk_ghl::models::Appointment>, Step> {
    let events = client
        .list_events(&EventsQuery {
            location_id,
            calendar_id,
            start,
            end,
        })
        .await?;
    Ok(events.into_iter().find(|e| {
        e.contact_id.as_deref() == Some(contact_id)
            && time::parse_ghl_time(&e.start_time, zone).ok() == Some(start)
            && e.appointment_status.as_deref() != Some("cancelled")
    }))
}

/// "create" when GHL took it at the first try; "offline_push" when it had
/// to wait (offline, or resumed after a crash).
fn create_action(item: &OutboxItem) -> &'static str {
    if item.attempts == 0 {
        "create"
    } else {
        "offline_push"
    }
}

async fn push_update(
    client: &GhlClient,
    store: &Store,
    item: &OutboxItem,
    zone: Tz,
) -> Result<(), Step> {
    let plan: CitaUpdate = serde_json::from_str(&item.payload)
        .map_err(|e| Step::Refused("outbox.unreadable".into(), e.to_string()))?;
    let Some(event_id) = store.resolve_id(&item.subject_id)? else {
        return Err(Step::Refused(
            "booking.create_refused".into(),
            "the cita was never created in GHL".into(),
        ));
    };
    let change = AppointmentChange {
        calendar_id: plan.calendar_id.clone(),
        start_time: plan.start_ms.map(|ms| iso(ms, zone)),
        end_time: plan.end_ms.map(|ms| iso(ms, zone)),
        title: plan.title.clone(),
        appointment_status: plan.status.clone(),
        assigned_user_id: plan.assigned_user_id.clone(),
        description: None,
        // A move was checked against the agenda here; GHL's grid is advisory.
        ignore_free_slot_validation: plan.start_ms.is_some() || plan.calendar_id.is_some(),
    };
    store.begin_attempt(item.id)?;
    // A PUT sets fields to values: repeating it is harmless.
    let answer = client.update_appointment(&event_id, &change).await?;
    let mut row = sync::cita_row(&item.location_id, &answer, zone)?;
    // The answer of a write carries no dateUpdated (#246): keep ours.
    if row.date_updated.is_none() {
        if let Some((_, snap, _)) = store.cita_snapshot(&event_id)? {
            row.date_updated = snap.date_updated;
            if row.contact_id.is_none() {
                row.contact_id = snap.contact_id;
            }
        }
    }
    let item = OutboxItem {
        subject_id: event_id.clone(),
        ..item.clone()
    };
    store.finish_cita(&item, &row, &format!("updated {event_id}"), &plan.action)?;
    Ok(())
}

/// A message for the receptionist about a refused write, in both languages.
pub fn refusal_message(r: &Refusal, what: &str, locale: Locale) -> String {
    let slot_taken =
        r.ghl_message.contains("no longer available") || r.ghl_message.contains("slot");
    match (locale, r.kind, slot_taken) {
        (Locale::EsPe, WriteKind::CreateCita, true) => format!("GHL no aceptó la cita {what}: el horario ya está ocupado. Elija otro horario y vuelva a reservarla."),
        (Locale::En, WriteKind::CreateCita, true) => format!("GHL did not accept the cita {what}: the slot is already taken. Pick another time and book it again."),
        (Locale::EsPe, WriteKind::CreateCita, false) => format!("GHL no aceptó la cita {what}: {}. Revise los datos y vuelva a reservarla; sigue en Reconciliación.", r.ghl_message),
        (Locale::En, WriteKind::CreateCita, false) => format!("GHL did not accept the cita {what}: {}. Check the details and book it again; it stays in Reconciliation.", r.ghl_message),
        (Locale::EsPe, WriteKind::CreateContact | WriteKind::UpdateContact, _) => format!("GHL no aceptó al paciente {what}: {}. Revise teléfono y correo y vuelva a intentarlo.", r.ghl_message),
        (Locale::En, WriteKind::CreateContact | WriteKind::UpdateContact, _) => format!("GHL did not accept the patient {what}: {}. Check phone and email and try again.", r.ghl_message),
        (Locale::EsPe, WriteKind::UpdateCita, _) => format!("GHL no aceptó el cambio de la cita {what}: {}. Se muestra de nuevo como estaba; intente otra vez.", r.ghl_message),
        (Locale::En, WriteKind::UpdateCita, _) => format!("GHL did not accept the change to the cita {what}: {}. It is shown as it was again; try once more.", r.ghl_message),
    }
}
