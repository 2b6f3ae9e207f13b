//! The outbox: writes meant for GHL, recorded before they are sent and
//! pushed in order. After a crash or a network cut a write is resumed, never
//! dropped; a create that may have reached GHL is looked for in GHL before it
//! is sent again, so it never lands twice.

use chrono::Utc;
use chrono_tz::Tz;
use citadesk_ghl::GhlError;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::model::Locale;
use crate::time;

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
    /// Send or schedule a reminder in GHL (key: cita, rule, start).
    SendReminder,
    /// Withdraw a reminder GHL holds for later.
    WithdrawReminder,
    /// Block time of a calendar or practitioner; move it; remove it.
    CreateBlock,
    UpdateBlock,
    DeleteBlock,
}

impl WriteKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            WriteKind::CreateContact => "create_contact",
            WriteKind::UpdateContact => "update_contact",
            WriteKind::CreateCita => "create_cita",
            WriteKind::UpdateCita => "update_cita",
            WriteKind::SendReminder => "send_reminder",
            WriteKind::WithdrawReminder => "withdraw_reminder",
            WriteKind::CreateBlock => "create_block",
            WriteKind::UpdateBlock => "update_block",
            WriteKind::DeleteBlock => "delete_block",
        }
    }

    pub fn is_block(self) -> bool {
        matches!(
            self,
            WriteKind::CreateBlock | WriteKind::UpdateBlock | WriteKind::DeleteBlock
        )
    }

    pub fn is_cita(self) -> bool {
        matches!(
            self,
            WriteKind::CreateCita
                | WriteKind::UpdateCita
                | WriteKind::SendReminder
                | WriteKind::WithdrawReminder
        )
    }

    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "create_contact" => WriteKind::CreateContact,
            "update_contact" => WriteKind::UpdateContact,
            "create_cita" => WriteKind::CreateCita,
            "send_reminder" => WriteKind::SendReminder,
            "withdraw_reminder" => WriteKind::WithdrawReminder,
            "create_block" => WriteKind::CreateBlock,
            "update_block" => WriteKind::UpdateBlock,
            "delete_block" => WriteKind::DeleteBlock,
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

/// A block to create, or a block as it should be after a move (the whole
/// block: GHL's edit takes the owner and the times together).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlockPlan {
    pub calendar_id: Option<String>,
    /// The practitioner, for a block of theirs rather than a calendar's.
    pub user_id: Option<String>,
    pub title: String,
    pub start_ms: i64,
    pub end_ms: i64,
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
    /// The idempotency key, as recorded (read with the row; logs never show it).
    #[allow(dead_code)]
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
    /// GHL's answer, for the tests that check what was kept.
    #[allow(dead_code)]
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

/// Whether GHL's answer means "this write will never be accepted as is"
/// (a person must act) rather than "try again later".
pub(crate) fn is_refusal(e: &GhlError) -> bool {
    matches!(e, GhlError::Validation { .. } | GhlError::NotFound { .. })
}

pub(crate) fn iso(ms: i64, zone: Tz) -> String {
    time::from_ms(ms)
        .with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
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
        (Locale::EsPe, WriteKind::SendReminder | WriteKind::WithdrawReminder, _) => format!("GHL no aceptó el recordatorio de la cita {what}: {}.", r.ghl_message),
        (Locale::En, WriteKind::SendReminder | WriteKind::WithdrawReminder, _) => format!("GHL did not accept the reminder of the cita {what}: {}.", r.ghl_message),
        (Locale::EsPe, WriteKind::CreateBlock | WriteKind::UpdateBlock | WriteKind::DeleteBlock, _) => format!("GHL no aceptó el bloqueo de horario {what}: {}. Se muestra como estaba; intente otra vez.", r.ghl_message),
        (Locale::En, WriteKind::CreateBlock | WriteKind::UpdateBlock | WriteKind::DeleteBlock, _) => format!("GHL did not accept the blocked time {what}: {}. It is shown as it was; try once more.", r.ghl_message),
        (Locale::En, WriteKind::UpdateCita, _) => format!("GHL did not accept the change to the cita {what}: {}. It is shown as it was again; try once more.", r.ghl_message),
    }
}
