use citadesk_ghl::{GhlError, TokenStoreError};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::messages;
use crate::model::{ErrorPayload, Locale};

/// The core's errors. Each has a stable code and a message in the user's
/// language that says what to do; the app folds them into `{code, message}`.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Ghl(#[from] GhlError),
    #[error(transparent)]
    Keychain(#[from] TokenStoreError),
    #[error("no GHL location is connected")]
    NotConnected,
    #[error("local database error: {0}")]
    Store(#[from] rusqlite::Error),
    #[error("the local database at {path} could not be opened: {reason}")]
    StoreOpen { path: String, reason: String },
    #[error("invalid date {0:?}: expected YYYY-MM-DD")]
    InvalidDate(String),
    #[error("unknown time zone {0:?}")]
    InvalidZone(String),
    #[error("GHL sent a time that could not be read: {0:?}")]
    InvalidTime(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A domain rule said no (a booking check, a missing field, a write GHL
    /// refused); the messages say what to do.
    #[error("{en}")]
    Rejected {
        code: ErrorCode,
        es: String,
        en: String,
    },
    #[error(transparent)]
    Relay(#[from] crate::live::RelayError),
}

impl CoreError {
    /// A domain rule's refusal, with its message in both languages (built
    /// by the catalog in `messages.rs`).
    pub(crate) fn rejected(code: ErrorCode, es: String, en: String) -> Self {
        CoreError::Rejected { code, es, en }
    }

    pub fn error_code(&self) -> ErrorCode {
        match self {
            CoreError::Ghl(e) => ErrorCode::parse(e.code()).unwrap_or(ErrorCode::GhlServer),
            CoreError::Keychain(e) => {
                ErrorCode::parse(e.code()).unwrap_or(ErrorCode::KeychainError)
            }
            CoreError::NotConnected => ErrorCode::SetupNotConnected,
            CoreError::Store(_) => ErrorCode::StoreError,
            CoreError::StoreOpen { .. } => ErrorCode::StoreOpenFailed,
            CoreError::InvalidDate(_) => ErrorCode::InputInvalidDate,
            CoreError::InvalidZone(_) => ErrorCode::InputInvalidZone,
            CoreError::InvalidTime(_) => ErrorCode::GhlInvalidTime,
            CoreError::Io(_) => ErrorCode::IoError,
            CoreError::Rejected { code, .. } => *code,
            CoreError::Relay(e) => ErrorCode::parse(e.code()).unwrap_or(ErrorCode::RelayProtocol),
        }
    }

    /// The stable code as text (logs, the CLI's output).
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// What the person in front of the screen should read.
    pub fn message(&self, locale: Locale) -> String {
        if let CoreError::Rejected { es, en, .. } = self {
            return if locale == Locale::En {
                en.clone()
            } else {
                es.clone()
            };
        }
        messages::describe(self.error_code(), &self.to_string(), locale)
    }

    pub fn payload(&self, locale: Locale) -> ErrorPayload {
        ErrorPayload {
            code: self.error_code(),
            message: self.message(locale),
        }
    }

    /// True when GHL was simply out of reach (the agenda is served from cache).
    pub fn is_offline(&self) -> bool {
        matches!(self, CoreError::Ghl(e) if e.is_offline())
    }
}

/// Every code an error can cross the IPC boundary with: the UI and the CLI's
/// scripts compare against these, never against free text. Exported to
/// TypeScript (`ErrorCode.ts`), so the UI's comparisons are type-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ErrorCode {
    #[serde(rename = "auth.expired")]
    AuthExpired,
    #[serde(rename = "auth.forbidden_location")]
    AuthForbiddenLocation,
    #[serde(rename = "auth.locked")]
    AuthLocked,
    #[serde(rename = "auth.oauth_client")]
    AuthOauthClient,
    #[serde(rename = "auth.oauth_denied")]
    AuthOauthDenied,
    #[serde(rename = "auth.oauth_state")]
    AuthOauthState,
    #[serde(rename = "auth.oauth_timeout")]
    AuthOauthTimeout,
    #[serde(rename = "auth.reconnect_required")]
    AuthReconnectRequired,
    #[serde(rename = "auth.role_required")]
    AuthRoleRequired,
    #[serde(rename = "auth.sign_in_required")]
    AuthSignInRequired,
    #[serde(rename = "auth.token_missing")]
    AuthTokenMissing,
    #[serde(rename = "auth.wrong_pin")]
    AuthWrongPin,
    #[serde(rename = "block.not_found")]
    BlockNotFound,
    #[serde(rename = "booking.blocked_time")]
    BookingBlockedTime,
    #[serde(rename = "booking.calendar_inactive")]
    BookingCalendarInactive,
    #[serde(rename = "booking.calendar_unknown")]
    BookingCalendarUnknown,
    #[serde(rename = "booking.create_refused")]
    BookingCreateRefused,
    #[serde(rename = "booking.end_before_start")]
    BookingEndBeforeStart,
    #[serde(rename = "booking.outside_hours")]
    BookingOutsideHours,
    #[serde(rename = "booking.overlap")]
    BookingOverlap,
    #[serde(rename = "booking.outside_schedule")]
    BookingOutsideSchedule,
    #[serde(rename = "booking.override_required")]
    BookingOverrideRequired,
    #[serde(rename = "booking.patient_overlap")]
    BookingPatientOverlap,
    #[serde(rename = "booking.patient_refused")]
    BookingPatientRefused,
    #[serde(rename = "booking.patient_required")]
    BookingPatientRequired,
    #[serde(rename = "booking.pending_sync")]
    BookingPendingSync,
    #[serde(rename = "booking.room_full")]
    BookingRoomFull,
    #[serde(rename = "booking.too_short")]
    BookingTooShort,
    #[serde(rename = "cita.cancel_reason_required")]
    CitaCancelReasonRequired,
    #[serde(rename = "cita.invalid_status")]
    CitaInvalidStatus,
    #[serde(rename = "cita.not_found")]
    CitaNotFound,
    #[serde(rename = "ghl.config")]
    GhlConfig,
    #[serde(rename = "ghl.decode")]
    GhlDecode,
    #[serde(rename = "ghl.invalid_time")]
    GhlInvalidTime,
    #[serde(rename = "ghl.not_found")]
    GhlNotFound,
    #[serde(rename = "ghl.rate_limited")]
    GhlRateLimited,
    #[serde(rename = "ghl.rate_limited_daily")]
    GhlRateLimitedDaily,
    #[serde(rename = "ghl.server")]
    GhlServer,
    #[serde(rename = "ghl.validation")]
    GhlValidation,
    #[serde(rename = "inbox.item_gone")]
    InboxItemGone,
    #[serde(rename = "input.insecure_url")]
    InputInsecureUrl,
    #[serde(rename = "input.invalid_date")]
    InputInvalidDate,
    #[serde(rename = "input.invalid_duration")]
    InputInvalidDuration,
    #[serde(rename = "input.invalid_time")]
    InputInvalidTime,
    #[serde(rename = "input.invalid_window")]
    InputInvalidWindow,
    /// The dashboard's range: `to` before `from`, or longer than a year.
    #[serde(rename = "input.invalid_range")]
    InputInvalidRange,
    /// A room the replica does not hold (rooms are synced from GHL's calendar resources).
    InputUnknownRoom,
    #[serde(rename = "input.invalid_zone")]
    InputInvalidZone,
    #[serde(rename = "input.status_required")]
    InputStatusRequired,
    #[serde(rename = "input.token_required")]
    InputTokenRequired,
    #[serde(rename = "io.error")]
    IoError,
    #[serde(rename = "keychain.error")]
    KeychainError,
    #[serde(rename = "keychain.locked")]
    KeychainLocked,
    #[serde(rename = "keychain.unavailable")]
    KeychainUnavailable,
    #[serde(rename = "network.timeout")]
    NetworkTimeout,
    #[serde(rename = "network.unreachable")]
    NetworkUnreachable,
    #[serde(rename = "outbox.refusal_not_found")]
    OutboxRefusalNotFound,
    #[serde(rename = "outbox.unreadable")]
    OutboxUnreadable,
    #[serde(rename = "patient.contact_required")]
    PatientContactRequired,
    #[serde(rename = "patient.invalid_email")]
    PatientInvalidEmail,
    #[serde(rename = "patient.invalid_phone")]
    PatientInvalidPhone,
    #[serde(rename = "patient.name_required")]
    PatientNameRequired,
    #[serde(rename = "patient.not_found")]
    PatientNotFound,
    #[serde(rename = "reconcile.fix_not_applicable")]
    ReconcileFixNotApplicable,
    #[serde(rename = "reconcile.no_patient")]
    ReconcileNoPatient,
    #[serde(rename = "reconcile.report_not_found")]
    ReconcileReportNotFound,
    #[serde(rename = "relay.bad_url")]
    RelayBadUrl,
    #[serde(rename = "relay.keys")]
    RelayKeys,
    #[serde(rename = "relay.protocol")]
    RelayProtocol,
    #[serde(rename = "relay.status")]
    RelayStatus,
    #[serde(rename = "relay.unauthorized")]
    RelayUnauthorized,
    #[serde(rename = "relay.unreachable")]
    RelayUnreachable,
    #[serde(rename = "reminders.cita_not_in_ghl")]
    RemindersCitaNotInGhl,
    #[serde(rename = "reminders.off")]
    RemindersOff,
    #[serde(rename = "reminders.rule_invalid")]
    RemindersRuleInvalid,
    #[serde(rename = "setup.not_connected")]
    SetupNotConnected,
    #[serde(rename = "staff.duplicate")]
    StaffDuplicate,
    #[serde(rename = "staff.invalid")]
    StaffInvalid,
    #[serde(rename = "staff.last_manager")]
    StaffLastManager,
    #[serde(rename = "staff.not_found")]
    StaffNotFound,
    #[serde(rename = "store.error")]
    StoreError,
    #[serde(rename = "store.key_lost")]
    StoreKeyLost,
    #[serde(rename = "store.open_failed")]
    StoreOpenFailed,
    #[serde(rename = "store.recovered")]
    StoreRecovered,
    #[serde(rename = "ui.unknown")]
    UiUnknown,
    #[serde(rename = "update.bad_hold")]
    UpdateBadHold,
    #[serde(rename = "update.bad_signature")]
    UpdateBadSignature,
    #[serde(rename = "update.busy")]
    UpdateBusy,
    #[serde(rename = "update.feed")]
    UpdateFeed,
    #[serde(rename = "update.install_failed")]
    UpdateInstallFailed,
    #[serde(rename = "update.older")]
    UpdateOlder,
    #[serde(rename = "update.unsigned")]
    UpdateUnsigned,
}

impl ErrorCode {
    pub const ALL: &[ErrorCode] = &[
        ErrorCode::AuthExpired,
        ErrorCode::AuthForbiddenLocation,
        ErrorCode::AuthLocked,
        ErrorCode::AuthOauthClient,
        ErrorCode::AuthOauthDenied,
        ErrorCode::AuthOauthState,
        ErrorCode::AuthOauthTimeout,
        ErrorCode::AuthReconnectRequired,
        ErrorCode::AuthRoleRequired,
        ErrorCode::AuthSignInRequired,
        ErrorCode::AuthTokenMissing,
        ErrorCode::AuthWrongPin,
        ErrorCode::BlockNotFound,
        ErrorCode::BookingBlockedTime,
        ErrorCode::BookingCalendarInactive,
        ErrorCode::BookingCalendarUnknown,
        ErrorCode::BookingCreateRefused,
        ErrorCode::BookingEndBeforeStart,
        ErrorCode::BookingOutsideHours,
        ErrorCode::BookingOverlap,
        ErrorCode::BookingOutsideSchedule,
        ErrorCode::BookingOverrideRequired,
        ErrorCode::BookingPatientOverlap,
        ErrorCode::BookingPatientRefused,
        ErrorCode::BookingPatientRequired,
        ErrorCode::BookingPendingSync,
        ErrorCode::BookingRoomFull,
        ErrorCode::BookingTooShort,
        ErrorCode::CitaCancelReasonRequired,
        ErrorCode::CitaInvalidStatus,
        ErrorCode::CitaNotFound,
        ErrorCode::GhlConfig,
        ErrorCode::GhlDecode,
        ErrorCode::GhlInvalidTime,
        ErrorCode::GhlNotFound,
        ErrorCode::GhlRateLimited,
        ErrorCode::GhlRateLimitedDaily,
        ErrorCode::GhlServer,
        ErrorCode::GhlValidation,
        ErrorCode::InboxItemGone,
        ErrorCode::InputInsecureUrl,
        ErrorCode::InputInvalidDate,
        ErrorCode::InputInvalidDuration,
        ErrorCode::InputInvalidTime,
        ErrorCode::InputInvalidWindow,
        ErrorCode::InputInvalidRange,
        ErrorCode::InputUnknownRoom,
        ErrorCode::InputInvalidZone,
        ErrorCode::InputStatusRequired,
        ErrorCode::InputTokenRequired,
        ErrorCode::IoError,
        ErrorCode::KeychainError,
        ErrorCode::KeychainLocked,
        ErrorCode::KeychainUnavailable,
        ErrorCode::NetworkTimeout,
        ErrorCode::NetworkUnreachable,
        ErrorCode::OutboxRefusalNotFound,
        ErrorCode::OutboxUnreadable,
        ErrorCode::PatientContactRequired,
        ErrorCode::PatientInvalidEmail,
        ErrorCode::PatientInvalidPhone,
        ErrorCode::PatientNameRequired,
        ErrorCode::PatientNotFound,
        ErrorCode::ReconcileFixNotApplicable,
        ErrorCode::ReconcileNoPatient,
        ErrorCode::ReconcileReportNotFound,
        ErrorCode::RelayBadUrl,
        ErrorCode::RelayKeys,
        ErrorCode::RelayProtocol,
        ErrorCode::RelayStatus,
        ErrorCode::RelayUnauthorized,
        ErrorCode::RelayUnreachable,
        ErrorCode::RemindersCitaNotInGhl,
        ErrorCode::RemindersOff,
        ErrorCode::RemindersRuleInvalid,
        ErrorCode::SetupNotConnected,
        ErrorCode::StaffDuplicate,
        ErrorCode::StaffInvalid,
        ErrorCode::StaffLastManager,
        ErrorCode::StaffNotFound,
        ErrorCode::StoreError,
        ErrorCode::StoreKeyLost,
        ErrorCode::StoreOpenFailed,
        ErrorCode::StoreRecovered,
        ErrorCode::UiUnknown,
        ErrorCode::UpdateBadHold,
        ErrorCode::UpdateBadSignature,
        ErrorCode::UpdateBusy,
        ErrorCode::UpdateFeed,
        ErrorCode::UpdateInstallFailed,
        ErrorCode::UpdateOlder,
        ErrorCode::UpdateUnsigned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::AuthExpired => "auth.expired",
            ErrorCode::AuthForbiddenLocation => "auth.forbidden_location",
            ErrorCode::AuthLocked => "auth.locked",
            ErrorCode::AuthOauthClient => "auth.oauth_client",
            ErrorCode::AuthOauthDenied => "auth.oauth_denied",
            ErrorCode::AuthOauthState => "auth.oauth_state",
            ErrorCode::AuthOauthTimeout => "auth.oauth_timeout",
            ErrorCode::AuthReconnectRequired => "auth.reconnect_required",
            ErrorCode::AuthRoleRequired => "auth.role_required",
            ErrorCode::AuthSignInRequired => "auth.sign_in_required",
            ErrorCode::AuthTokenMissing => "auth.token_missing",
            ErrorCode::AuthWrongPin => "auth.wrong_pin",
            ErrorCode::BookingCalendarInactive => "booking.calendar_inactive",
            ErrorCode::BookingCalendarUnknown => "booking.calendar_unknown",
            ErrorCode::BookingCreateRefused => "booking.create_refused",
            ErrorCode::BookingEndBeforeStart => "booking.end_before_start",
            ErrorCode::BookingOutsideHours => "booking.outside_hours",
            ErrorCode::BookingOutsideSchedule => "booking.outside_schedule",
            ErrorCode::BookingBlockedTime => "booking.blocked_time",
            ErrorCode::BookingRoomFull => "booking.room_full",
            ErrorCode::BlockNotFound => "block.not_found",
            ErrorCode::BookingOverlap => "booking.overlap",
            ErrorCode::BookingOverrideRequired => "booking.override_required",
            ErrorCode::BookingPatientOverlap => "booking.patient_overlap",
            ErrorCode::BookingPatientRefused => "booking.patient_refused",
            ErrorCode::BookingPatientRequired => "booking.patient_required",
            ErrorCode::BookingPendingSync => "booking.pending_sync",
            ErrorCode::BookingTooShort => "booking.too_short",
            ErrorCode::CitaCancelReasonRequired => "cita.cancel_reason_required",
            ErrorCode::CitaInvalidStatus => "cita.invalid_status",
            ErrorCode::CitaNotFound => "cita.not_found",
            ErrorCode::GhlConfig => "ghl.config",
            ErrorCode::GhlDecode => "ghl.decode",
            ErrorCode::GhlInvalidTime => "ghl.invalid_time",
            ErrorCode::GhlNotFound => "ghl.not_found",
            ErrorCode::GhlRateLimited => "ghl.rate_limited",
            ErrorCode::GhlRateLimitedDaily => "ghl.rate_limited_daily",
            ErrorCode::GhlServer => "ghl.server",
            ErrorCode::GhlValidation => "ghl.validation",
            ErrorCode::InboxItemGone => "inbox.item_gone",
            ErrorCode::InputInsecureUrl => "input.insecure_url",
            ErrorCode::InputInvalidDate => "input.invalid_date",
            ErrorCode::InputInvalidDuration => "input.invalid_duration",
            ErrorCode::InputInvalidTime => "input.invalid_time",
            ErrorCode::InputInvalidWindow => "input.invalid_window",
            ErrorCode::InputInvalidRange => "input.invalid_range",
            ErrorCode::InputUnknownRoom => "input.unknown_room",
            ErrorCode::InputInvalidZone => "input.invalid_zone",
            ErrorCode::InputStatusRequired => "input.status_required",
            ErrorCode::InputTokenRequired => "input.token_required",
            ErrorCode::IoError => "io.error",
            ErrorCode::KeychainError => "keychain.error",
            ErrorCode::KeychainLocked => "keychain.locked",
            ErrorCode::KeychainUnavailable => "keychain.unavailable",
            ErrorCode::NetworkTimeout => "network.timeout",
            ErrorCode::NetworkUnreachable => "network.unreachable",
            ErrorCode::OutboxRefusalNotFound => "outbox.refusal_not_found",
            ErrorCode::OutboxUnreadable => "outbox.unreadable",
            ErrorCode::PatientContactRequired => "patient.contact_required",
            ErrorCode::PatientInvalidEmail => "patient.invalid_email",
            ErrorCode::PatientInvalidPhone => "patient.invalid_phone",
            ErrorCode::PatientNameRequired => "patient.name_required",
            ErrorCode::PatientNotFound => "patient.not_found",
            ErrorCode::ReconcileFixNotApplicable => "reconcile.fix_not_applicable",
            ErrorCode::ReconcileNoPatient => "reconcile.no_patient",
            ErrorCode::ReconcileReportNotFound => "reconcile.report_not_found",
            ErrorCode::RelayBadUrl => "relay.bad_url",
            ErrorCode::RelayKeys => "relay.keys",
            ErrorCode::RelayProtocol => "relay.protocol",
            ErrorCode::RelayStatus => "relay.status",
            ErrorCode::RelayUnauthorized => "relay.unauthorized",
            ErrorCode::RelayUnreachable => "relay.unreachable",
            ErrorCode::RemindersCitaNotInGhl => "reminders.cita_not_in_ghl",
            ErrorCode::RemindersOff => "reminders.off",
            ErrorCode::RemindersRuleInvalid => "reminders.rule_invalid",
            ErrorCode::SetupNotConnected => "setup.not_connected",
            ErrorCode::StaffDuplicate => "staff.duplicate",
            ErrorCode::StaffInvalid => "staff.invalid",
            ErrorCode::StaffLastManager => "staff.last_manager",
            ErrorCode::StaffNotFound => "staff.not_found",
            ErrorCode::StoreError => "store.error",
            ErrorCode::StoreKeyLost => "store.key_lost",
            ErrorCode::StoreOpenFailed => "store.open_failed",
            ErrorCode::StoreRecovered => "store.recovered",
            ErrorCode::UiUnknown => "ui.unknown",
            ErrorCode::UpdateBadHold => "update.bad_hold",
            ErrorCode::UpdateBadSignature => "update.bad_signature",
            ErrorCode::UpdateBusy => "update.busy",
            ErrorCode::UpdateFeed => "update.feed",
            ErrorCode::UpdateInstallFailed => "update.install_failed",
            ErrorCode::UpdateOlder => "update.older",
            ErrorCode::UpdateUnsigned => "update.unsigned",
        }
    }

    /// The code of a citadesk-ghl error (that crate keeps its codes as text).
    pub fn parse(code: &str) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

/// A code compares equal to its text (tests, scripts reading the CLI).
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_exist_in_both_languages_and_codes_are_stable() {
        let e = CoreError::NotConnected;
        assert_eq!(e.code(), "setup.not_connected");
        assert!(e.message(Locale::EsPe).contains("sede"));
        assert!(e.message(Locale::En).contains("location"));
        let e = CoreError::Ghl(GhlError::Unreachable("refused".into()));
        assert!(e.is_offline());
        assert_eq!(e.payload(Locale::EsPe).code, ErrorCode::NetworkUnreachable);
    }

    #[test]
    fn every_ghl_code_is_an_error_code() {
        use citadesk_ghl::GhlError as G;
        use std::time::Duration;
        let ghl = [
            G::Unreachable("x".into()),
            G::Timeout,
            G::RateLimited {
                retry_after: Duration::from_secs(1),
            },
        ];
        for e in ghl {
            assert!(ErrorCode::parse(e.code()).is_some(), "{}", e.code());
        }
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert!(!crate::messages::describe(*code, "x", Locale::En).is_empty());
        }
    }
}
