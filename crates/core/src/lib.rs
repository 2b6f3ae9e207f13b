//! Citadesk's domain: citas, patients, calendars and locations; the SQLite
//! replica; sync, the outbox, reconciliation and live updates. No Tauri: the
//! app, the CLI and the tests share it through `Desk`.
//!
//! Three layers (the rule is written in crates/core/README.md):
//! - `store/`: all SQL, a file per table or table family (`impl Store`);
//! - pure domain modules: booking rules, time, the reconciliation diff, the
//!   mapping from GHL's models, the cita and outbox types, errors;
//! - `desk/`: one file per feature, its `impl Desk` and its IPC types.

// Domain: pure rules and types; they import neither `desk` nor `store`.
mod booking;
mod cita;
mod error;
mod listing;
mod live;
mod mapping;
mod messages;
mod model;
mod monitor;
mod outbox;
mod patients;
mod practice;
mod pulls;
mod reconcile;
mod reminders;
mod staff;
mod time;
mod update;

// The SQLite replica.
mod store;

// The features: the API the app, the CLI and the tests share.
mod desk;

// Process plumbing the app and the CLI set up before opening a `Desk`.
pub mod paths;
pub mod telemetry;

pub use citadesk_ghl as ghl;

pub use desk::Alert;
pub use desk::{
    AboutInfo, BookingCheck, BookingOutcome, BookingRequest, CitaAction, ConfirmationRate,
    DemoConnection, Desk, DeskOptions, DeskSession, ExportFormat, FixAction, FixFailure,
    FixOutcome, FixRequest, FreeSlot, GhlUser, HealthReport, InboxItem, NewStaff, Notifier,
    OAuthConnectRequest, OperationHealth, PatientChoice, PatientEdit, RateLimitHealth,
    ReconcileProgress, RefusedWrite, RejectedWebhooks, ReminderLine, ReminderState, RunTrigger,
    ShellFacts, StaffMember, SyncWindow, SystemBrowser, TokenHealth, TokenKeeping, WebhookHealth,
    TOKEN_ENV,
};
pub use desk::{
    BlockMove, BlockOutcome, BlockRequest, BlockView, CalendarPractice, CalendarSpan, GroupView,
    PracticeDays, PracticeView, RoomView,
};
pub use desk::{
    ConfirmationRates, Dashboard, DashboardChart, DayCitas, DayConfirmation, DayDifferences,
    DayPatients, DayRates, Occupancy,
};
pub use desk::{MonthCell, MonthDay, MonthView, PrintGroup, PrintedDay};
pub use error::{CoreError, ErrorCode, Result};
pub use monitor::{AlertKind, AlertThresholds};
pub use staff::Role;

// The IPC types (the TypeScript contract) and what the app, the CLI and the
// tests need besides `Desk`: reach them here, not through the modules.
pub use booking::{Finding, OverlapMode, Severity};
pub use booking::{LocationSettings, RECONCILE_DAYS_AHEAD, RECONCILE_DAYS_BACK};
pub use desk::relay_account;
pub use listing::{
    to_csv as list_csv, ListPage, ListQuery, ListRow, ListSort, Practitioner, MAX_PAGE,
};
pub use live::{ProcessedWebhook, RelayError, RelayTuning};
pub use model::{
    AppStatus, AuditEntry, CalendarColumn, CitaView, ConnectionInfo, ConnectionState, DateNames,
    DayAgenda, ErrorPayload, Locale, LocationInfo, PatientView, RelaySettings, RelayState,
    SedesDay, SyncProgress, SyncState, SyncSummary, WeekView,
};
pub use pulls::{Next, PullIntervals, PullKind, PullSchedule};
pub use reconcile::{
    Campo, DriftLine, FieldDiff, LineFix, LineNotes, ReconciliationReport, ReportCounts,
    ReportLine, Via,
};
pub use reminders::{
    parse_answer, Intent, ReminderChannel, ReminderRule, ReminderWhen, SkipReason,
};
pub use time::parse_date;
pub use update::{
    check_hold, compare_versions, judge, update_refused, UpdatePhase, UpdateSettings, UpdateView,
    Verdict,
};

/// The replica and a few domain helpers for tests and benchmarks (the
/// `testing` feature): never part of the app's API.
#[cfg(feature = "testing")]
pub mod testing {
    pub use crate::booking::{overlaps, within_open_hours};
    pub use crate::cita::CitaRow;
    pub use crate::outbox::RefusedCreate;
    pub use crate::reconcile::to_csv;
    pub use crate::store::{CalendarRow, ConnectionRow, StaffRow, Store};
    /// The practice's rules (rooms, schedules, blocks) and what they take.
    pub mod practice {
        pub use crate::booking::{BookedCita, BookingDraft, CalendarRules};
        pub use crate::practice::*;
    }
    /// Time helpers the tests and benchmarks build their data with.
    pub mod time {
        pub use crate::time::{
            days_range, local_string, local_to_utc, monday_of, parse_ghl_time, start_of_day,
            today_in,
        };
    }
}
