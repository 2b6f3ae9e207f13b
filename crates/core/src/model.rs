//! The contract between the core and the UI. Every type here is exported to
//! TypeScript by ts-rs (ui/src/bindings/); CI fails when the committed files drift.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A connected GHL location (a "sede") as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LocationInfo {
    pub id: String,
    pub name: String,
    /// IANA zone from GHL (`location.timezone`); every time shown is in this zone.
    pub time_zone: String,
}

/// One column of the week view: a GHL calendar and its practitioner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CalendarColumn {
    pub id: String,
    pub name: String,
    /// The calendar's primary team member, when GHL names one.
    pub practitioner: Option<String>,
    pub is_active: bool,
    /// Hex colour for the column's citas, stable per calendar.
    pub color: String,
}

/// Whether a cita in the replica is what GHL has, or a local write not yet accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncState {
    Synced,
    PendingPush,
}

/// A cita as the UI shows it. Times are wall-clock in the location's zone, so
/// the UI never does zone arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CitaView {
    pub id: String,
    pub calendar_id: String,
    pub contact_id: Option<String>,
    pub patient_name: Option<String>,
    pub title: String,
    /// GHL's `appointmentStatus` as received (`new`, `confirmed`, `cancelled`,
    /// `showed`, `noshow`, `invalid`, or any value GHL adds later).
    pub status: String,
    /// `YYYY-MM-DDTHH:MM:SS` in the location's zone.
    pub start_local: String,
    pub end_local: String,
    /// RFC 3339 instant in UTC.
    pub start_utc: String,
    pub end_utc: String,
    pub sync_state: SyncState,
    /// The reminder's state for this start (the patient's answer first,
    /// else the latest reminder); null when none was planned.
    pub reminder: Option<ReminderState>,
}

/// Everything the week view needs, read from the local replica only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WeekView {
    pub location: LocationInfo,
    /// Monday of the week, `YYYY-MM-DD` in the location's zone.
    pub week_start: String,
    /// Today in the location's zone, `YYYY-MM-DD`.
    pub today: String,
    pub calendars: Vec<CalendarColumn>,
    pub citas: Vec<CitaView>,
}

/// The day's agenda (list beside the week).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayAgenda {
    pub location: LocationInfo,
    /// `YYYY-MM-DD` in the location's zone.
    pub date: String,
    pub calendars: Vec<CalendarColumn>,
    pub citas: Vec<CitaView>,
}

/// One day of every connected location, for the views with all sedes
/// together (columns grouped by sede).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SedesDay {
    /// `YYYY-MM-DD`, the same wall date in each sede's zone.
    pub date: String,
    /// The sede writes go to unless another is chosen.
    pub active_location_id: String,
    /// The active sede first, then the others by name.
    pub sedes: Vec<DayAgenda>,
}

/// Connection state shown in the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectionState {
    /// No location connected yet.
    NotConnected,
    /// A sync is running.
    Syncing,
    /// The last contact with GHL succeeded.
    Online,
    /// GHL could not be reached; the UI shows cached data.
    Offline,
    /// GHL answered but refused (bad token, rate limit, validation...): see `lastError`.
    Error,
}

/// An error as it crosses the IPC boundary: a stable code plus a message in
/// the user's language that says what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub code: crate::error::ErrorCode,
    pub message: String,
}

/// The status bar: connected location, last sync, online/offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppStatus {
    pub location: Option<LocationInfo>,
    pub connection: ConnectionState,
    /// RFC 3339 instant of the last successful sync.
    pub last_sync_at: Option<String>,
    /// `HH:MM` of the last successful sync in the location's zone, for the banner.
    pub last_sync_local: Option<String>,
    pub last_error: Option<ErrorPayload>,
    /// True when the app runs on the built-in demo clinic (ghl-sandbox).
    pub demo: bool,
    /// Something the desk did on its own that the user should know about
    /// (a damaged local database set aside and rebuilt, ...).
    pub notice: Option<ErrorPayload>,
    pub locale: Locale,
    /// Writes waiting in the outbox ("pendiente de sincronizar").
    pub pending_writes: u32,
    /// Writes GHL refused that the receptionist has not read yet.
    pub refused_writes: u32,
    /// The companion relay's connection (live updates from GHL's webhooks).
    pub relay: RelayState,
    /// RFC 3339 instant of the last webhook received through the relay.
    pub relay_last_event_at: Option<String>,
    /// `HH:MM` of that instant in the location's zone, for the status bar.
    pub relay_last_event_local: Option<String>,
}

/// The companion relay's connection, as the status bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RelayState {
    /// No relay URL and token for the active location.
    #[default]
    NotConfigured,
    /// Connecting, or waiting to reconnect after a failure.
    Connecting,
    /// Connected and replaying what was missed while away.
    CatchingUp,
    /// Connected and up to date: changes arrive live.
    Connected,
    /// The relay cannot be reached; it is retried with backoff.
    Disconnected,
    /// The relay refused the install token: a new one is needed.
    Unauthorized,
}

/// The relay settings of one location, for the settings form. The token is
/// never sent back: only whether one is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RelaySettings {
    pub location_id: String,
    pub url: Option<String>,
    pub has_token: bool,
}

/// The UI language. Spanish (Peru) is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Locale {
    #[default]
    #[serde(rename = "es-PE")]
    EsPe,
    #[serde(rename = "en")]
    En,
}

/// How a language names days and months: the UI's dates and the reminders'
/// `{fecha}` both write from these (the UI gets them as
/// `ui/src/bindings/dateNamesByLocale.ts`, written by the contract export), so the
/// app never needs ICU for a date and says one word for each month everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DateNames {
    /// Sunday first, as JavaScript's `getUTCDay()` counts.
    pub days: [&'static str; 7],
    pub short_days: [&'static str; 7],
    /// January first.
    pub months: [&'static str; 12],
    pub short_months: [&'static str; 12],
}

const ES_PE_DATES: DateNames = DateNames {
    days: [
        "domingo",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
    ],
    short_days: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
    // Peru says "setiembre".
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "setiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    short_months: [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set", "oct", "nov", "dic",
    ],
};

const EN_DATES: DateNames = DateNames {
    days: [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ],
    short_days: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    short_months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
};

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::EsPe, Locale::En];

    pub fn date_names(self) -> &'static DateNames {
        match self {
            Locale::EsPe => &ES_PE_DATES,
            Locale::En => &EN_DATES,
        }
    }
}

/// What one pull sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncSummary {
    pub location_id: String,
    pub calendars: u32,
    pub citas_upserted: u32,
    pub citas_removed: u32,
    pub contacts_fetched: u32,
    pub ghl_calls: u32,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

/// How far a pull sync is, for the first-sync screen and the CLI's connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncProgress {
    pub location_id: String,
    /// Calendars whose citas are fetched, of all.
    pub calendars_done: u32,
    pub calendars_total: u32,
    /// Citas stored so far.
    pub citas: u32,
    /// Patients fetched so far (while their step runs).
    pub patients: u32,
}

/// A connected GHL location, as the connections screen lists it. No secret:
/// the token stays in the OS keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionInfo {
    pub location_id: String,
    /// The location's name once GHL has answered; the id until then.
    pub name: String,
    pub time_zone: Option<String>,
    pub base_url: String,
    /// `pit` (Private Integration Token) or `oauth`.
    pub auth_kind: String,
    /// The location the desk shows now.
    pub active: bool,
}

/// A patient (GHL contact) as search results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientView {
    pub id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// One line of a cita's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub cita_id: Option<String>,
    pub action: String,
    pub actor: String,
    /// `YYYY-MM-DDTHH:MM:SS` in the location's zone.
    pub at_local: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ghl_answer: Option<String>,
    pub reason: Option<String>,
}

pub(crate) fn pick(locale: Locale, es: String, en: String) -> String {
    if locale == Locale::En {
        en
    } else {
        es
    }
}

/// Citas starting on one day, by GHL status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DayCitas {
    /// `YYYY-MM-DD` in the location's zone.
    pub day: String,
    pub total: u32,
    pub new: u32,
    pub confirmed: u32,
    pub showed: u32,
    pub noshow: u32,
    pub cancelled: u32,
    /// Any other status (`invalid`, ...).
    pub other: u32,
}

/// A reminder's state for the desk (grid mark, panel, CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReminderState {
    /// Planned, waiting for the outbox.
    Queued,
    /// GHL holds it and sends it at its time.
    Scheduled,
    Sent,
    Failed,
    Skipped,
    Withdrawn,
    ConfirmedByPatient,
    RescheduleRequested,
    CancelledByPatient,
}

impl ReminderState {
    /// A stored reminder's state (`reminders.state`), the patient's answer
    /// first; a message GHL held until a time now past has gone out.
    pub fn stored(state: &str, answer: Option<&str>, due_ms: i64, now_ms: i64) -> Self {
        match answer {
            Some("confirmed") => return ReminderState::ConfirmedByPatient,
            Some("reschedule") => return ReminderState::RescheduleRequested,
            Some("cancelled") => return ReminderState::CancelledByPatient,
            _ => {}
        }
        match state {
            "queued" => ReminderState::Queued,
            "scheduled" if due_ms <= now_ms => ReminderState::Sent,
            "scheduled" => ReminderState::Scheduled,
            "sent" => ReminderState::Sent,
            "failed" => ReminderState::Failed,
            "skipped" => ReminderState::Skipped,
            _ => ReminderState::Withdrawn,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReminderState::Queued => "queued",
            ReminderState::Scheduled => "scheduled",
            ReminderState::Sent => "sent",
            ReminderState::Failed => "failed",
            ReminderState::Skipped => "skipped",
            ReminderState::Withdrawn => "withdrawn",
            ReminderState::ConfirmedByPatient => "confirmed_by_patient",
            ReminderState::RescheduleRequested => "reschedule_requested",
            ReminderState::CancelledByPatient => "cancelled_by_patient",
        }
    }

    /// In words, for the cita panel.
    pub fn words(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (ReminderState::Queued, Locale::EsPe) => "recordatorio por enviar",
            (ReminderState::Queued, Locale::En) => "reminder to be sent",
            (ReminderState::Scheduled, Locale::EsPe) => "recordatorio programado",
            (ReminderState::Scheduled, Locale::En) => "reminder scheduled",
            (ReminderState::Sent, Locale::EsPe) => "recordatorio enviado",
            (ReminderState::Sent, Locale::En) => "reminder sent",
            (ReminderState::Failed, Locale::EsPe) => "el recordatorio falló",
            (ReminderState::Failed, Locale::En) => "the reminder failed",
            (ReminderState::Skipped, Locale::EsPe) => "recordatorio omitido",
            (ReminderState::Skipped, Locale::En) => "reminder skipped",
            (ReminderState::Withdrawn, Locale::EsPe) => "recordatorio retirado",
            (ReminderState::Withdrawn, Locale::En) => "reminder withdrawn",
            (ReminderState::ConfirmedByPatient, Locale::EsPe) => "confirmada por el paciente",
            (ReminderState::ConfirmedByPatient, Locale::En) => "confirmed by the patient",
            (ReminderState::RescheduleRequested, Locale::EsPe) => "el paciente pidió reprogramar",
            (ReminderState::RescheduleRequested, Locale::En) => "the patient asked to reschedule",
            (ReminderState::CancelledByPatient, Locale::EsPe) => "cancelada por el paciente",
            (ReminderState::CancelledByPatient, Locale::En) => "cancelled by the patient",
        }
    }
}
