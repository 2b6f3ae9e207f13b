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
    ExportFormat, FixAction, FixFailure, FixOutcome, FixRequest, ReconcileProgress,
};
