//! Citadesk's domain: citas, patients, calendars and locations; the SQLite
//! replica; the pull sync. No Tauri: the app, the CLI and the tests share it.

pub mod booking;
mod desk;
mod error;
pub mod frontdesk;
pub mod live;
pub mod model;
pub mod outbox;
pub mod paths;
pub mod patients;
pub mod reconcile;
pub mod reconcile_fix;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod time;

pub use citadesk_ghl as ghl;
pub use desk::{
    DemoConnection, Desk, DeskOptions, HealthReport, Notifier, OAuthConnectRequest,
    OperationHealth, RateLimitHealth, SystemBrowser, TokenHealth, TokenKeeping, TOKEN_ENV,
};
pub use error::{CoreError, Result};
pub use frontdesk::{
    AuditEntry, BookingCheck, BookingOutcome, BookingRequest, CitaAction, FreeSlot,
    LocationSettings, PatientChoice, PatientEdit, RefusedWrite,
};
pub use reconcile_fix::{
    ExportFormat, FixAction, FixFailure, FixOutcome, FixRequest, ReconcileProgress, RunTrigger,
};

// The IPC types (the TypeScript contract) and what the app, the CLI and the
// tests need besides `Desk`: reach them here, not through the modules.
pub use booking::{Finding, OverlapMode, Severity};
pub use live::{RelayError, RelayTuning};
pub use model::{
    AppStatus, CalendarColumn, CitaView, ConnectionInfo, ConnectionState, DayAgenda, ErrorPayload,
    Locale, LocationInfo, PatientView, RelaySettings, RelayState, SyncState, SyncSummary, WeekView,
};
pub use reconcile::{
    Campo, DriftLine, FieldDiff, ReconciliationReport, ReportCounts, ReportLine,
};
pub use time::parse_date;

