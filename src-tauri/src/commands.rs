//! IPC commands: one call into citadesk-core each. Errors cross as
//! `{code, message}` with the message in the user's language.

use std::sync::Arc;

use citadesk_core::ghl::Secret;
use citadesk_core::ReconciliationReport;
use citadesk_core::{
    AppStatus, ConnectionInfo, DayAgenda, ErrorPayload, Locale, LocationInfo, PatientView,
    RelaySettings, SyncSummary, WeekView,
};
use citadesk_core::{
    AuditEntry, BookingCheck, BookingOutcome, BookingRequest, CitaAction, Desk, ExportFormat,
    FixOutcome, FixRequest, FreeSlot, HealthReport, LocationSettings, OAuthConnectRequest,
    PatientEdit, RefusedWrite, Result, SystemBrowser, TokenKeeping,
};
use tauri::State;

use crate::{FirstPaint, Started};

type Ipc<T> = std::result::Result<T, ErrorPayload>;

fn ipc<T>(desk: &Desk, result: Result<T>) -> Ipc<T> {
    result.map_err(|e| e.payload(desk.locale()))
}

#[tauri::command]
pub fn week_view(desk: State<'_, Arc<Desk>>, week_start: Option<String>) -> Ipc<WeekView> {
    ipc(&desk, desk.week_view(week_start.as_deref()))
}

#[tauri::command]
pub fn day_agenda(desk: State<'_, Arc<Desk>>, date: Option<String>) -> Ipc<DayAgenda> {
    ipc(&desk, desk.day_agenda(date.as_deref()))
}

/// Patients matching what the receptionist types (local replica, instant).
#[tauri::command]
pub fn search_patients(
    desk: State<'_, Arc<Desk>>,
    query: String,
    limit: Option<u32>,
) -> Ipc<Vec<PatientView>> {
    ipc(&desk, desk.search_patients(&query, limit.unwrap_or(20)))
}

#[tauri::command]
pub fn app_status(desk: State<'_, Arc<Desk>>) -> Ipc<AppStatus> {
    ipc(&desk, desk.status())
}

#[tauri::command]
pub async fn sync_now(desk: State<'_, Arc<Desk>>) -> Ipc<SyncSummary> {
    ipc(&desk, desk.sync_now().await)
}

#[tauri::command]
pub fn set_locale(desk: State<'_, Arc<Desk>>, locale: Locale) -> Ipc<AppStatus> {
    ipc(&desk, desk.set_locale(locale))
}

/// Connects a location with a Private Integration Token: checked against
/// GHL first, then kept in the OS keychain.
#[tauri::command]
pub async fn connect_pit(
    desk: State<'_, Arc<Desk>>,
    base_url: String,
    location_id: String,
    token: String,
) -> Ipc<LocationInfo> {
    let token = Secret::new(token.trim());
    ipc(
        &desk,
        desk.connect_pit(
            base_url.trim(),
            location_id.trim(),
            token,
            TokenKeeping::Keychain,
        )
        .await,
    )
}

/// Connects a location with OAuth: GHL's page opens in the system browser.
#[tauri::command]
pub async fn connect_oauth(
    desk: State<'_, Arc<Desk>>,
    request: OAuthConnectRequest,
) -> Ipc<LocationInfo> {
    ipc(&desk, desk.connect_oauth(&request, &SystemBrowser).await)
}

/// Figures for the health panel (calls, latency, rate limits, token expiry).
#[tauri::command]
pub async fn health(desk: State<'_, Arc<Desk>>) -> Ipc<HealthReport> {
    ipc(&desk, desk.health().await)
}

#[tauri::command]
pub fn connections(desk: State<'_, Arc<Desk>>) -> Ipc<Vec<ConnectionInfo>> {
    ipc(&desk, desk.connections())
}

/// The location switcher.
#[tauri::command]
pub fn switch_location(desk: State<'_, Arc<Desk>>, location_id: String) -> Ipc<AppStatus> {
    ipc(&desk, desk.switch_location(&location_id))
}

#[tauri::command]
pub async fn disconnect(desk: State<'_, Arc<Desk>>, location_id: String) -> Ipc<()> {
    ipc(&desk, desk.disconnect(&location_id).await)
}

/// "Reconciliar ahora": GHL against the replica (default yesterday through
/// the next 30 days); the report is stored.
#[tauri::command]
pub async fn reconcile_now(
    desk: State<'_, Arc<Desk>>,
    days_back: Option<i64>,
    days_ahead: Option<i64>,
) -> Ipc<ReconciliationReport> {
    ipc(
        &desk,
        desk.reconcile(days_back.unwrap_or(1), days_ahead.unwrap_or(30))
            .await,
    )
}

#[tauri::command]
pub fn reconciliation_reports(
    desk: State<'_, Arc<Desk>>,
    limit: Option<u32>,
) -> Ipc<Vec<ReconciliationReport>> {
    ipc(&desk, desk.reconciliation_reports(limit.unwrap_or(30)))
}

/// The booking rules against what is typed (replica only, instant).
#[tauri::command]
pub fn check_booking(desk: State<'_, Arc<Desk>>, request: BookingRequest) -> Ipc<BookingCheck> {
    ipc(&desk, desk.check_booking(&request))
}

/// "Guardar": recorded in the outbox, then sent to GHL when it answers.
#[tauri::command]
pub async fn book(desk: State<'_, Arc<Desk>>, request: BookingRequest) -> Ipc<BookingOutcome> {
    ipc(&desk, desk.book(request).await)
}

/// Move, cancel (with a reason) or change the status of a cita.
#[tauri::command]
pub async fn change_cita(
    desk: State<'_, Arc<Desk>>,
    cita_id: String,
    action: CitaAction,
) -> Ipc<BookingOutcome> {
    ipc(&desk, desk.change_cita(&cita_id, action).await)
}

#[tauri::command]
pub fn cita_audit(desk: State<'_, Arc<Desk>>, cita_id: String) -> Ipc<Vec<AuditEntry>> {
    ipc(&desk, desk.cita_audit(&cita_id))
}

/// "Próximos huecos libres" of a calendar (GHL, cached a few minutes).
#[tauri::command]
pub async fn free_slots(
    desk: State<'_, Arc<Desk>>,
    calendar_id: String,
    from: Option<String>,
) -> Ipc<Vec<FreeSlot>> {
    ipc(&desk, desk.free_slots(&calendar_id, from.as_deref()).await)
}

/// GHL's own patient search, after the local one.
#[tauri::command]
pub async fn search_patients_in_ghl(
    desk: State<'_, Arc<Desk>>,
    query: String,
) -> Ipc<Vec<PatientView>> {
    ipc(&desk, desk.search_patients_in_ghl(&query).await)
}

/// A patient's basic fields, as the edit form starts from them.
#[tauri::command]
pub fn patient(desk: State<'_, Arc<Desk>>, contact_id: String) -> Ipc<PatientEdit> {
    ipc(&desk, desk.patient(&contact_id))
}

/// A patient's basic fields, edited (sent to GHL through the outbox).
#[tauri::command]
pub async fn update_patient(
    desk: State<'_, Arc<Desk>>,
    contact_id: String,
    edit: PatientEdit,
) -> Ipc<PatientView> {
    ipc(&desk, desk.update_patient(&contact_id, edit).await)
}

#[tauri::command]
pub fn slot_minutes(desk: State<'_, Arc<Desk>>, calendar_id: String) -> Ipc<i64> {
    ipc(&desk, desk.slot_minutes(&calendar_id))
}

#[tauri::command]
pub fn location_settings(desk: State<'_, Arc<Desk>>) -> Ipc<LocationSettings> {
    ipc(&desk, desk.location_settings())
}

#[tauri::command]
pub fn set_location_settings(
    desk: State<'_, Arc<Desk>>,
    settings: LocationSettings,
) -> Ipc<LocationSettings> {
    ipc(&desk, desk.set_location_settings(settings))
}

#[tauri::command]
pub fn refused_writes(desk: State<'_, Arc<Desk>>) -> Ipc<Vec<RefusedWrite>> {
    ipc(&desk, desk.refused_writes())
}

#[tauri::command]
pub fn acknowledge_refusal(desk: State<'_, Arc<Desk>>, outbox_id: i64) -> Ipc<()> {
    ipc(&desk, desk.acknowledge_refusal(outbox_id))
}

/// Fixes for lines of a stored reconciliation report.
#[tauri::command]
pub async fn apply_fixes(
    desk: State<'_, Arc<Desk>>,
    report_id: i64,
    fixes: Vec<FixRequest>,
) -> Ipc<FixOutcome> {
    ipc(&desk, desk.apply_fixes(report_id, fixes).await)
}

/// Writes a report to the Downloads folder; returns the file's path.
#[tauri::command]
pub fn export_report(
    desk: State<'_, Arc<Desk>>,
    report_id: i64,
    format: ExportFormat,
) -> Ipc<String> {
    ipc(&desk, desk.export_report(report_id, format))
}

/// The relay settings form: URL and install token of the active location
/// (the token goes to the OS keychain; empty keeps the saved one).
#[tauri::command]
pub async fn set_relay(
    desk: State<'_, Arc<Desk>>,
    url: String,
    token: Option<String>,
) -> Ipc<RelaySettings> {
    let token = token.map(|t| Secret::new(t.trim()));
    ipc(
        &desk,
        desk.set_relay(None, &url, token, TokenKeeping::Keychain)
            .await,
    )
}

#[tauri::command]
pub async fn relay_settings(desk: State<'_, Arc<Desk>>) -> Ipc<RelaySettings> {
    ipc(&desk, desk.relay_settings(None).await)
}

#[tauri::command]
pub async fn clear_relay(desk: State<'_, Arc<Desk>>) -> Ipc<()> {
    ipc(&desk, desk.clear_relay(None).await)
}

/// The UI calls this once its first week is on screen: the figure the
/// start-up benchmark reads.
#[tauri::command]
pub fn ui_ready(started: State<'_, Started>, first_paint: State<'_, FirstPaint>) -> u64 {
    let ms = started.0.elapsed().as_millis() as u64;
    tracing::info!(ms, "interactive");
    first_paint.mark();
    crate::bench::mark_ready();
    ms
}
